"""Search mode: find the time phrase inside a sentence, and read it.

The sentence is lexed once; runs of time words (modifiers, periods, numbers, filler)
are candidates, trimmed of filler at both ends. A candidate counts only when it holds a
strong sign of time (a modifier, a date, a year with a modifier, a vague or recurring
phrase, this/next), so "zo", "week" or "tweede" standing alone never match. Of several,
the one with a window wins over a vague one, then the latest deadline (a promise is due
when its last step is).
"""

from dataclasses import dataclass, replace
from datetime import date

from .grammar import Unreadable
from .grammar import read as read_tokens
from .lexicon import lexicon
from .resolve import CALENDAR_ERRORS, Window, resolve

BREAK = {"WORD", "EVENT"}
EDGE_TRIM = {"FILLER", "SEP", "HEDGE", "IN", "RANGE", "AND", "BETWEEN", "WEEKDAY"}
LEAD_TRIM = EDGE_TRIM - {"IN"}  # "in 2026" starts with its modifier
# A modifier cannot end a phrase ("zo snel mogelijk over de uitkomst").
TRAIL_TRIM = EDGE_TRIM | {"BEFORE", "AFTER", "FROM", "AROUND", "WITHIN", "OVER", "COMING", "PART",
                          "THIS", "NEXT", "LAST"}
# What names a time: a period, a date, a span, a vague or recurring phrase.
CONTENT = {"DATE", "YEAR", "MONTH", "QH", "SEASON", "RECESS", "BUDGET", "BUDGETYEAR", "UNIT", "HALF",
           "VAGUE", "RECUR"}
LOOSE = {"NUM", "ORDNUM", "ORD", "WEEKDAY"}  # may trail a phrase without belonging to it
STRONG = {"BEFORE", "BY", "AFTER", "FROM", "AROUND", "IN", "PART", "WITHIN", "OVER", "COMING",
          "THIS", "NEXT", "LAST", "DATE", "VAGUE", "RECUR", "QH", "BETWEEN"}


@dataclass(frozen=True, slots=True)
class Found:
    span: tuple[int, int]
    text: str
    window: "Window"


def _runs(tokens):
    run = []
    for t in tokens:
        if t.kind in BREAK or t.kind == "SEP":
            if run:
                yield run
            run = []
        else:
            run.append(t)
    if run:
        yield run


def _trim(run):
    i, j = 0, len(run)
    while i < j and run[i].kind in LEAD_TRIM:
        i += 1
    while j > i and run[j - 1].kind in TRAIL_TRIM:
        j -= 1
    return run[i:j]


def _strong(run) -> bool:
    kinds = {t.kind for t in run}
    if not kinds & CONTENT:
        return False  # "een late reactie", "aan het begin": a part or modifier names no time
    if kinds & STRONG:
        return True
    # A day with its month ("3 maart") is strong; a bare year, month or season is not.
    return any(a.kind in ("NUM", "ORDNUM") and b.kind == "MONTH" for a, b in zip(run, run[1:], strict=False))


def search(sentence: str, ref: date) -> Found | None:
    """The time phrase in `sentence` and its window, or None when there is none."""
    tokens, lang = lexicon().lex(sentence)
    hedged = any(t.kind == "HEDGE" for t in tokens)
    best = None
    best_key = None
    for run in _runs(tokens):
        run = _trim(run)
        while run and not _strong(run):
            run = _trim(run[1:])
        if not run or not _strong(run):
            continue
        w = _window(run, lang, sentence, ref)
        if w is None or w.is_event or (w.kind == "budget" and _unyeared_budget(run)):
            continue
        # The shortest run that reads the same: "dit jaar een verkenning" → "dit jaar".
        while len(run) > 1 and run[-1].kind in LOOSE:
            shorter = _trim(run[:-1])
            if not shorter or not _strong(shorter):
                break
            w2 = _window(shorter, lang, sentence, ref)
            if w2 is None or _same(w2) != _same(w):
                break
            run, w = shorter, w2
        start, end = run[0].start, run[-1].end
        text = sentence[start:end]
        key = (w.kind != "vague", w.latest, start)
        if best_key is None or key > best_key:
            best_key = key
            best = Found((start, end), text, w)
    if best is not None and hedged and not best.window.hedged:
        best = Found(best.span, best.text, replace(best.window, hedged=True))
    return best


def _window(run, lang: str, sentence: str, ref: date) -> Window | None:
    """The window of a run of tokens already lexed (in the sentence's language), or None."""
    try:
        return resolve(read_tokens(run, lang), ref, sentence[run[0].start:run[-1].end])
    except (Unreadable, *CALENDAR_ERRORS):
        return None


def _unyeared_budget(run) -> bool:
    """"de begroting" in running text is a document, not a date, unless it has a year."""
    return any(t.kind == "BUDGETYEAR" for t in run) and not any(t.kind == "YEAR" for t in run)


def _same(w) -> tuple:
    return w.earliest, w.latest, w.kind, w.recurrence
