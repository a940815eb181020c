"""Cleaning extracted text into paragraphs: drop furniture and footnotes, rejoin broken
lines, drop footnote markers, split headings that extraction ran into a sentence, mend
broken words.

`clean(text)` returns the paragraphs ("blocks") in order; a block boundary is always a
sentence boundary. Everything here is text in, text out. The text of a block stays as the
document has it (the proposal quotes it); `mend` gives the copy the judgement reads, with
words rejoined across a typesetter's hyphen ("geïnfor- meerd").
"""

import re
from collections import Counter
from collections.abc import Callable

from .rules import Rules, load_rules

BULLET = re.compile(r"^(?:[•·▪◦●○■*]|[-–](?=\s+[A-ZÀ-Ý]))\s*")
TERMINAL = re.compile(r"[.!?:;][\"”’)\]»]*$")
WORD_START_LOWER = re.compile(r"^[a-zà-ÿ(\[‘'\"“0-9,;%€]")
_PUNCT_IN_TOKEN = re.compile(r"[.,;:!?()\[\]\"“”‘’]")
_ALPHA = re.compile(r"^[A-Za-zÀ-ÿ]+$")
_SINGLE_WORDS = {"u", "a", "e", "o", "i", "y"}


def clean(text: str, rules: Rules | None = None, breaks: Callable[[str], bool] | None = None) -> list[str]:
    """The paragraphs of `text`. `breaks(line)` marks lines that always start a paragraph
    (the labels "Vraag 3", "Antwoord 3" of answers to Kamervragen). Pages are separated
    by form feeds, as the PDF reader and pdftotext give them."""
    rules = rules or load_rules()
    pages = [strip_inline(p, rules) for p in text.split("\f")]
    pages_lines = [
        ["" if is_furniture(ln, rules) else ln for ln in (x.strip() for x in p.splitlines())] for p in pages
    ]
    if len(pages_lines) > 1:
        lines = drop_page_footnotes(pages_lines, rules)
    else:
        lines = drop_footnote_lines(pages_lines[0], rules)
    lines = cut_footnote_section(lines, rules)
    blocks = join_lines(lines, breaks, rules)
    out: list[str] = []
    for block in blocks:
        block = strip_footnote_markers(block, rules)
        out.extend(b for b in split_run_in_heading(block, rules) if b)
    return mend_broken_words(out)


def strip_inline(text: str, rules: Rules) -> str:
    text = text.replace("\t", " ").replace("\xa0", " ").replace("\xad", "")
    for pattern in rules.furniture_inline:
        text = pattern.sub("", text)
    return text


def is_furniture(line: str, rules: Rules) -> bool:
    return bool(line) and any(p.match(line) for p in rules.furniture_lines)


# ----------------------------------------------------------------------------- footnotes


def cut_footnote_section(lines: list[str], rules: Rules) -> list[str]:
    """Everything from a 'Voetnoten' heading (or a rule of dashes) in the second half of
    the text on is footnotes."""
    for i in range(len(lines) // 2, len(lines)):
        if lines[i] and any(p.match(lines[i]) for p in rules.footnote_sections):
            return lines[:i]
    return lines


def drop_page_footnotes(pages: list[list[str]], rules: Rules) -> list[str]:
    """The lines of all pages without the footnotes at the foot of each: the last lines of
    a page from one that starts with the next footnote number (a number that stood as a
    marker in the page's text before it), the numbers after it counting up."""
    out: list[str] = []
    expected = 1
    for lines in pages:
        cut = len(lines)
        for i, line in enumerate(lines):
            m = rules.footnote_line.match(line) if line else None
            if not m or not expected <= int(m.group("n")) <= expected + 20:
                continue
            body = " ".join(lines[:i])
            if not _marker_before(m.group("n"), body):
                continue
            numbers = [int(x.group("n")) for x in map(rules.footnote_line.match, lines[i:]) if x]
            if all(b > a for a, b in zip(numbers, numbers[1:], strict=False)):
                cut = i
                expected = numbers[-1] + 1
                break
        out.extend(lines[:cut])
        out.append("")
    return out


def drop_footnote_lines(lines: list[str], rules: Rules) -> list[str]:
    """Footnotes in a text without pages ("3 Kamerstuk 29 383, nr. 406." between the lines):
    a line that starts with the next footnote number, where that number stood as a marker
    in the text before it, and that reads as a reference; with the reference lines that
    continue it."""
    out: list[str] = []
    expected = 1
    seen: list[str] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        m = rules.footnote_line.match(line) if line else None
        if (
            m
            and expected <= int(m.group("n")) <= expected + 20
            and rules.footnote_reference.search(line)
            and _marker_before(m.group("n"), " ".join(seen[-40:]), strict=True)
        ):
            expected = int(m.group("n")) + 1
            i += 1
            extra = 0
            while i < len(lines) and lines[i] and extra < 3:
                nxt = rules.footnote_line.match(lines[i])
                if nxt and int(nxt.group("n")) == expected:
                    break
                if not (rules.footnote_reference.search(lines[i]) or lines[i][:1].islower()):
                    break
                i += 1
                extra += 1
            continue
        out.append(line)
        seen.append(line)
        i += 1
    return out


def _marker_before(n: str, text: str, strict: bool = False) -> bool:
    """Whether footnote number `n` stands as a marker in `text` ("ADR. 2", "nodig.12",
    "bekend?1", "beleidsreactie6"; not strict: also "uit 2022 4 waaruit")."""
    if strict:
        return bool(re.search(rf"(?:[a-zà-ÿ»”’\")]|[.?!,;:]\s?){n}(?![\d\w])", text))
    return bool(re.search(rf"(?:[a-zà-ÿ»”’\").?!,;:]|[\wà-ÿ] ){n}(?!\d)", text))


# ----------------------------------------------------------------------------- lines


def _typical_length(lines: list[str]) -> float:
    lengths = sorted(len(x) for x in lines if len(x) >= 20)
    if not lengths:
        return 80.0
    return float(lengths[int(0.8 * (len(lengths) - 1))])


def join_lines(
    lines: list[str], breaks: Callable[[str], bool] | None = None, rules: Rules | None = None
) -> list[str]:
    """Paragraphs from lines: a PDF's broken lines are rejoined; a heading or bullet stays apart.

    Where each line is a whole paragraph (a Word or HTML text), a line without a full stop
    followed by a capital is a heading; in a PDF's fixed-width lines only a short one is.
    """
    rules = rules or load_rules()
    typical = _typical_length(lines)
    paragraph_lines = typical > 200
    blocks: list[list[str]] = []
    blank_before = True
    label_before = False
    for line in lines:
        if not line:
            blank_before = True
            continue
        line = re.sub(r"\s+", " ", line)
        is_break = bool(breaks and breaks(line))
        if not blocks or BULLET.match(line) or is_break or label_before:
            blocks.append([line])
            blank_before = False
            label_before = is_break and len(line.split()) <= 6
            continue
        prev = blocks[-1][-1]
        starts_lower = bool(WORD_START_LOWER.match(line))
        if prev.endswith("-") and len(prev) > 1 and prev[-2].isalpha() and not prev.endswith(" -"):
            first = line.split(" ", 1)[0]
            if first in rules.suspended_compound:
                blocks[-1].append(" " + line)
            elif _soft_hyphen(prev, line):
                blocks[-1][-1] = prev[:-1] + line
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


def _soft_hyphen(prev: str, line: str) -> bool:
    """'geïnfor-' + 'meerd': a word broken by the typesetter (both sides lower case, the
    piece before longer than an abbreviation such as 'hbo-')."""
    piece = re.search(r"(\w+)-$", prev)
    return piece is not None and len(piece.group(1)) > 3 and piece.group(1).islower() and line[:1].islower()


def _block_is_short_bullet(block: list[str]) -> bool:
    return bool(BULLET.match(block[0])) and sum(len(x) for x in block) < 300


# ----------------------------------------------------------------------------- markers

_AFTER_STOP = re.compile(r"(?<=[.!?;:])([\"”’)»]?)\s?(\d{1,2})(?=\s+[A-ZÀ-Ý(‘“\"«])")
_GLUED = re.compile(r"(?<=[a-zà-ÿ)»”]{3})\d{1,2}(?=[\s.,;:)]|$)")
_AFTER_QUOTE = re.compile(r"(?<=[’”»?])\s?\d{1,2}(?=\s+[a-zà-ÿA-ZÀ-Ý]|$)")
_END = re.compile(r"(?<=[.!?])\d{1,2}$")


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
    block = _AFTER_QUOTE.sub("", block)
    return _END.sub("", block)


def split_run_in_heading(block: str, rules: Rules) -> list[str]:
    """'Tot slot De vertrouwensinspecteurs ...' -> ['Tot slot', 'De vertrouwensinspecteurs ...']."""
    tokens = block.split(" ")
    if not tokens or not tokens[0][:1].isupper():
        return [block]
    for j, tok in enumerate(tokens[: rules.heading_max_words + 1]):
        if (
            j
            and tok in rules.starters
            and re.search(r"[a-zà-ÿ]$", tokens[j - 1])
            and tokens[j - 1].lower() not in rules.name_titles
        ):
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
        vocab.update(w.strip('.,;:!?()‘’“”"') for w in low)
        for a, b in zip(low, low[1:], strict=False):
            if _ALPHA.match(a):
                pairs[(a, b.rstrip('.,;:!?)’”"'))] += 1
    out = []
    for tokens in split_blocks:
        if len(tokens) < 2:
            out.append(" ".join(tokens))
            continue
        result = [tokens[0]]
        for tok in tokens[1:]:
            prev = result[-1]
            core = tok.rstrip('.,;:!?)’”"')
            if _ALPHA.match(prev) and core and _ALPHA.match(core):
                a, b = prev.lower(), core.lower()
                whole = a + b
                n = pairs[(a, b)]
                stray = (len(a) == 1 and a not in _SINGLE_WORDS) or (len(b) == 1 and b not in _SINGLE_WORDS)
                only_here = vocab[a] <= n and vocab[b] <= n
                if vocab[whole] and (stray or only_here):
                    result[-1] = prev + tok
                    continue
            result.append(tok)
        out.append(" ".join(result))
    return out


# ----------------------------------------------------------------------------- the judged copy


def mend(text: str, rules: Rules | None = None) -> tuple[str, list[int]]:
    """The copy of `text` the judgement reads ('geïnfor- meerd' -> 'geïnformeerd'), and for
    each of its characters the offset of that character in `text`."""
    out: list[str] = []
    where: list[int] = []
    pos = 0
    for m in (rules or load_rules()).hyphen_break.finditer(text):
        out.append(text[pos : m.start()])
        where.extend(range(pos, m.start()))
        pos = m.end()
    out.append(text[pos:])
    where.extend(range(pos, len(text)))
    return "".join(out), where
