"""Dutch sentence splitting: a full stop, question or exclamation mark followed by a
capital ends a sentence, unless it closes an abbreviation ("jl.", "o.a.", "art.") or an
initial ("D.M. van Weel"). Paragraph boundaries always end a sentence."""

import re
from dataclasses import dataclass

from .rules import Rules, load_rules

_END = re.compile(r"[.!?]+[\"”’)\]]*\s+(?=[\"“‘'(]?[A-ZÀ-Ý0-9•·])")
_LAST_WORD = re.compile(r"(\S+?)[.!?]+[\"”’)\]]*\s*$")


@dataclass(frozen=True)
class Sentence:
    text: str
    block: int  # index of the paragraph it stands in
    start: int  # offset in the cleaned document ("\n\n".join(blocks))


def split_block(block: str, rules: Rules) -> list[str]:
    out: list[str] = []
    start = 0
    for m in _END.finditer(block):
        piece = block[start : m.end()]
        if m.group(0).lstrip().startswith((".",)) and _ends_in_abbreviation(piece, rules):
            continue
        out.append(piece.strip())
        start = m.end()
    tail = block[start:].strip()
    if tail:
        out.append(tail)
    return out


def _ends_in_abbreviation(piece: str, rules: Rules) -> bool:
    m = _LAST_WORD.search(piece)
    if not m:
        return False
    word = m.group(1).lstrip("(\"“‘'")
    low = word.lower()
    if low in rules.abbreviations:
        return True
    # initials: "D.M.", "A.", "J.P."
    return bool(re.fullmatch(r"(?:[A-ZÀ-Ý]\.)*[A-ZÀ-Ý]", word))


def split_sentences(blocks: list[str], rules: Rules | None = None) -> list[Sentence]:
    rules = rules or load_rules()
    out: list[Sentence] = []
    offset = 0
    for i, block in enumerate(blocks):
        pos = 0
        for s in split_block(block, rules):
            found = block.find(s, pos)
            if found < 0:
                found = pos
            out.append(Sentence(s, i, offset + found))
            pos = found + len(s)
        offset += len(block) + 2
    return out
