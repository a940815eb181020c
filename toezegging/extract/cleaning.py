"""Cleaning extracted text into paragraphs: rejoin broken lines, drop furniture and
footnote markers, split headings that extraction ran into a sentence, mend broken words.

`clean(text)` returns the paragraphs ("blocks") in order; a block boundary is always a
sentence boundary. Everything here is text in, text out.
"""

import re
from collections import Counter

from .rules import Rules, load_rules

BULLET = re.compile(r"^(?:[•·▪◦●○■*]|[-–](?=\s+[A-ZÀ-Ý]))\s*")
TERMINAL = re.compile(r"[.!?:;][\"”’)\]]*$")
WORD_START_LOWER = re.compile(r"^[a-zà-ÿ(\[‘'\"“0-9,;%€]")
_PUNCT_IN_TOKEN = re.compile(r"[.,;:!?()\[\]\"“”‘’]")
_ALPHA = re.compile(r"^[A-Za-zÀ-ÿ]+$")
_SINGLE_WORDS = {"u", "a", "e", "o", "i", "y"}


def clean(text: str, rules: Rules | None = None) -> list[str]:
    rules = rules or load_rules()
    text = strip_inline(text, rules)
    lines = [ln.strip() for ln in text.splitlines()]
    lines = ["" if is_furniture(ln, rules) else ln for ln in lines]
    blocks = join_lines(lines)
    out: list[str] = []
    for block in blocks:
        block = strip_footnote_markers(block, rules)
        out.extend(b for b in split_run_in_heading(block, rules) if b)
    return mend_broken_words(out)


def strip_inline(text: str, rules: Rules) -> str:
    text = text.replace("\f", "\n").replace("\t", " ").replace("\xa0", " ").replace("\xad", "")
    for pattern in rules.furniture_inline:
        text = pattern.sub("", text)
    return text


def is_furniture(line: str, rules: Rules) -> bool:
    return bool(line) and any(p.match(line) for p in rules.furniture_lines)


def _typical_length(lines: list[str]) -> float:
    lengths = sorted(len(x) for x in lines if len(x) >= 20)
    if not lengths:
        return 80.0
    return float(lengths[int(0.8 * (len(lengths) - 1))])


def join_lines(lines: list[str]) -> list[str]:
    """Paragraphs from lines: a PDF's broken lines are rejoined; a heading or bullet stays apart.

    Where each line is a whole paragraph (a Word or HTML text), a line without a full stop
    followed by a capital is a heading; in a PDF's fixed-width lines only a short one is.
    """
    typical = _typical_length(lines)
    paragraph_lines = typical > 200
    blocks: list[list[str]] = []
    blank_before = True
    for line in lines:
        if not line:
            blank_before = True
            continue
        line = re.sub(r"\s+", " ", line)
        if not blocks or BULLET.match(line):
            blocks.append([line])
            blank_before = False
            continue
        prev = blocks[-1][-1]
        starts_lower = bool(WORD_START_LOWER.match(line))
        if prev.endswith("-") and len(prev) > 1 and prev[-2].isalpha() and not prev.endswith(" -"):
            first = line.split(" ", 1)[0]
            if first in ("en", "of"):
                blocks[-1].append(" " + line)
            else:
                blocks[-1][-1] = prev + line
            blank_before = False
            continue
        if TERMINAL.search(prev):
            new = blank_before and not starts_lower
        elif starts_lower:
            new = False
        else:
            new = paragraph_lines or len(prev) < 0.6 * typical or _block_is_short_bullet(blocks[-1])
        if new:
            blocks.append([line])
        else:
            blocks[-1].append(" " + line)
        blank_before = False
    return [re.sub(r"\s+", " ", "".join(b)).strip() for b in blocks]


def _block_is_short_bullet(block: list[str]) -> bool:
    return bool(BULLET.match(block[0])) and sum(len(x) for x in block) < 300


# ----------------------------------------------------------------------------- markers

_AFTER_STOP = re.compile(r"(?<=[.!?;:])([\"”’)]?)\s?(\d{1,2})(?=\s+[A-ZÀ-Ý(‘“\"])")
_GLUED = re.compile(r"(?<=[a-zà-ÿ]{3})\d{1,2}(?=[\s.,;:)]|$)")
_AFTER_QUOTE = re.compile(r"(?<=[’”])\s\d{1,2}(?=\s+[a-zà-ÿ])")


def strip_footnote_markers(block: str, rules: Rules) -> str:
    def after_stop(m: re.Match) -> str:
        before = block[max(0, m.start() - 40) : m.start()]
        word = re.search(r"(\S+)$", before)
        w = word.group(1).lower().rstrip(".") if word else ""
        if w in rules.abbreviations:
            return m.group(0)
        return m.group(1)

    block = _AFTER_STOP.sub(after_stop, block)
    block = _GLUED.sub("", block)
    return _AFTER_QUOTE.sub("", block)


def split_run_in_heading(block: str, rules: Rules) -> list[str]:
    """'Tot slot De vertrouwensinspecteurs ...' -> ['Tot slot', 'De vertrouwensinspecteurs ...']."""
    tokens = block.split(" ")
    if not tokens or not tokens[0][:1].isupper():
        return [block]
    for j, tok in enumerate(tokens[: rules.heading_max_words + 1]):
        if j and tok in rules.starters and re.search(r"[a-zà-ÿ]$", tokens[j - 1]):
            if j + 1 < len(tokens):
                return [" ".join(tokens[:j]), " ".join(tokens[j:])]
        if _PUNCT_IN_TOKEN.search(tok):
            break
    return [block]


# ----------------------------------------------------------------------------- broken words

def mend_broken_words(blocks: list[str]) -> list[str]:
    """'w erken' -> 'werken', 'Kabine t' -> 'Kabinet': join two pieces when the whole is a
    word of this same document and one piece is a stray letter or both occur only here."""
    vocab: Counter[str] = Counter()
    pairs: Counter[tuple[str, str]] = Counter()
    split_blocks = [b.split(" ") for b in blocks]
    for tokens in split_blocks:
        low = [t.lower() for t in tokens]
        vocab.update(w.strip(".,;:!?()‘’“”\"") for w in low)
        for a, b in zip(low, low[1:], strict=False):
            if _ALPHA.match(a):
                pairs[(a, b.rstrip(".,;:!?)’”\""))] += 1
    out = []
    for tokens in split_blocks:
        if len(tokens) < 2:
            out.append(" ".join(tokens))
            continue
        result = [tokens[0]]
        for tok in tokens[1:]:
            prev = result[-1]
            core = tok.rstrip(".,;:!?)’”\"")
            if _ALPHA.match(prev) and core and _ALPHA.match(core):
                a, b = prev.lower(), core.lower()
                whole = a + b
                n = pairs[(a, b)]
                stray = (len(a) == 1 and a not in _SINGLE_WORDS) or (
                    len(b) == 1 and b not in _SINGLE_WORDS
                )
                only_here = vocab[a] <= n and vocab[b] <= n
                if vocab[whole] and (stray or only_here):
                    result[-1] = prev + tok
                    continue
            result.append(tok)
        out.append(" ".join(result))
    return out
