"""Search mode: find the time phrase inside a sentence, and read it.

The sentence is lexed once; runs of time words (modifiers, periods, numbers, filler)
are candidates, trimmed of filler at both ends. A candidate counts only when it holds a
strong sign of time (a modifier, a date, a year with a modifier, a vague or recurring
phrase, this/next), so "zo", "week" or "tweede" standing alone never match. Of several,
the one with a window wins over a vague one, then the latest deadline (a promise is due
when its last step is).

An event phrase is found too: a span (or nothing) and a link ("na", "zodra", "of")
followed by the words of the event ("binnen drie maanden na inwerkingtreding van de wet").
A span counted from an event is found as the event phrase, never as the bare span; an
event phrase is the answer only where the sentence has no window.
"""

from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from .grammar import TIME, Unreadable, _head_span, _in_with_span
from .grammar import read as read_tokens
from .lexicon import Token, language, lexicon
from .resolve import CALENDAR_ERRORS, Window, resolve

BREAK = {"WORD", "EVENT"}
EDGE_TRIM = {"FILLER", "SEP", "HEDGE", "IN", "RANGE", "AND", "BETWEEN", "WEEKDAY"}
LEAD_TRIM = EDGE_TRIM - {"IN"}  # "in 2026" starts with its modifier
# A modifier cannot end a phrase ("zo snel mogelijk over de uitkomst").
TRAIL_TRIM = EDGE_TRIM | {
    "BEFORE",
    "AFTER",
    "FROM",
    "AROUND",
    "WITHIN",
    "OVER",
    "COMING",
    "PART",
    "THIS",
    "NEXT",
    "LAST",
}
# What names a time: a period, a date, a span, a vague or recurring phrase.
CONTENT = {
    "DATE",
    "YEAR",
    "MONTH",
    "QH",
    "SEASON",
    "RECESS",
    "BUDGET",
    "BUDGETYEAR",
    "UNIT",
    "HALF",
    "VAGUE",
    "RECUR",
}
LOOSE = {"NUM", "ORDNUM", "ORD", "WEEKDAY"}  # may trail a phrase without belonging to it
STRONG = {
    "BEFORE",
    "BY",
    "AFTER",
    "FROM",
    "AROUND",
    "IN",
    "PART",
    "WITHIN",
    "OVER",
    "COMING",
    "THIS",
    "NEXT",
    "LAST",
    "DATE",
    "VAGUE",
    "RECUR",
    "QH",
    "BETWEEN",
}


@dataclass(frozen=True, slots=True)
class Found:
    span: tuple[int, int]
    text: str
    window: "Window"


def _runs(tokens: list[Token]) -> Iterator[list[Token]]:
    run: list[Token] = []
    for t in tokens:
        if t.kind in BREAK or t.kind == "SEP":
            if run:
                yield run
            run = []
        else:
            run.append(t)
    if run:
        yield run


def _trim(run: list[Token]) -> list[Token]:
    i, j = 0, len(run)
    while i < j and run[i].kind in LEAD_TRIM:
        i += 1
    while j > i and run[j - 1].kind in TRAIL_TRIM and not _next_weekday(run, j - 1):
        j -= 1
    return run[i:j]


def _next_weekday(run: list[Token], k: int) -> bool:
    """ "komende maandag": a weekday after this/next names a day of its own."""
    return run[k].kind == "WEEKDAY" and k > 0 and run[k - 1].kind in ("NEXT", "THIS")


def _strong(run: list[Token]) -> bool:
    kinds = {t.kind for t in run}
    if not kinds & CONTENT:
        # "een late reactie", "aan het begin": a part or modifier names no time
        return any(_next_weekday(run, k) for k in range(len(run)))
    if kinds & STRONG:
        return True
    # A day with its month ("3 maart") is strong; a bare year, month or season is not.
    return any(a.kind in ("NUM", "ORDNUM") and b.kind == "MONTH" for a, b in zip(run, run[1:], strict=False))


def search(sentence: str, ref: date) -> Found | None:
    """The time phrase in `sentence` and its window, or None when there is none."""
    tokens, lang = lexicon().lex(sentence)
    hedged = any(t.kind == "HEDGE" for t in tokens)
    events = _events(tokens, lang, sentence, ref)
    best = None
    best_key = None
    for run in _runs(tokens):
        run = _trim(run)
        while run and not _strong(run):
            run = _trim(run[1:])
        if not run or not _strong(run):
            continue
        if any(run[0].start < e.span[1] and e.span[0] < run[-1].end for e in events):
            continue  # the span of an event phrase ("binnen drie maanden" na ...)
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
    if best is None and events:
        best = events[-1]
    if best is not None and hedged and not best.window.hedged:
        best = Found(best.span, best.text, replace(best.window, hedged=True))
    return best


def _window(run: list[Token], lang: str, sentence: str, ref: date) -> Window | None:
    """The window of a run of tokens already lexed (in the sentence's language), or None."""
    try:
        return resolve(read_tokens(run, lang), ref, sentence[run[0].start : run[-1].end])
    except (Unreadable, *CALENDAR_ERRORS):
        return None


def _unyeared_budget(run: list[Token]) -> bool:
    """ "de begroting" in running text is a document, not a date, unless it has a year."""
    return any(t.kind == "BUDGETYEAR" for t in run) and not any(t.kind == "YEAR" for t in run)


def _same(w: Window) -> tuple[date | None, date | None, str, str | None]:
    return w.earliest, w.latest, w.kind, w.recurrence


# ---------------------------------------------------------------- event phrases

LINKS = {"AFTER", "EVENT", "OF", "FROM"}  # what a span counts from in running text
# What may stand before a link as its span ("uiterlijk binnen 2 à 3 maanden na").
HEAD = {
    "BY",
    "WITHIN",
    "OVER",
    "COMING",
    "IN",
    "BETWEEN",
    "NUM",
    "UNIT",
    "RANGE",
    "AND",
    "UNTIL",
    "THROUGH",
    "VAGUE",
    "FILLER",
    "HEDGE",
}
# Words that may open the words of an event ("de", "de laatste", "het eerstvolgende").
OPENING = {"FILLER", "ORD", "THIS", "NEXT", "LAST", "NUM"}
CLAUSE_WORDS = 12  # "zodra het onderzoek ... is afgerond": at most this many tokens


def _events(tokens: list[Token], lang: str, sentence: str, ref: date) -> list[Found]:
    """The event phrases of a sentence, in order."""
    out: list[Found] = []
    in_with_span = None
    for c, t in enumerate(tokens):
        k = t.kind
        if k not in LINKS or (k == "EVENT" and t.value == "if"):
            continue  # "als", "indien" in running text are conditions, not moments
        if out and t.start < out[-1].span[1]:
            continue
        h = c
        while h > 0 and tokens[h - 1].kind in HEAD:
            h -= 1
        head = [x for x in tokens[h:c] if x.kind not in ("FILLER", "HEDGE")]
        in_with_span = in_with_span or _in_with_span(lang)
        if head and _head_span(head, in_with_span) is not None:
            h = tokens.index(head[0], h)
        elif k in ("OF", "FROM"):
            continue  # "of", "vanaf" link a span; alone they name no event
        else:
            h = c
        end = _event_end(tokens, c, sentence, lang, clause=k == "EVENT" and t.value != "at")
        if end is None:
            continue
        start, stop = tokens[h].start, tokens[end - 1].end
        stop = start + len(sentence[start:stop].rstrip(".,;:!?"))  # "inwerkingtreding." ends a sentence
        try:
            w = resolve(read_tokens(tokens[h:end], lang, sentence), ref, sentence[start:stop])
        except (Unreadable, *CALENDAR_ERRORS):
            continue
        if w.is_event and w.anchor:
            out.append(Found((start, stop), sentence[start:stop], w))
    return out


def _event_end(tokens: list[Token], c: int, sentence: str, lang: str, clause: bool) -> int | None:
    """Where the words of the event after link `c` end (an index past the last), or None.

    After a conjunction ("zodra", "once") the event is a clause: to the next separator.
    After a preposition ("na", "of") it is a noun phrase: a noun, the words on -e before
    it ("de laatste verkiezingsronde"), and what hangs on it by "van"/"of" ("het advies
    van de Raad van State"). The words that join and continue are data (lang/*.toml).
    """
    n = len(tokens)
    j = c + 1
    rules = _np_rules(lang)
    joiners = rules["joiners"]

    def word(i: int) -> str:
        return sentence[tokens[i].start : tokens[i].end].lower()

    if clause:
        return _clause_end(tokens, c, word, rules)

    def opening(i: int) -> int:
        while i < n and tokens[i].kind in OPENING and word(i) not in joiners:
            i += 1
        return i

    j = opening(j)
    if j >= n or tokens[j].kind != "WORD":
        return None
    end = j + 1
    while end < n:
        prev = word(end - 1)
        if tokens[end].kind == "WORD" and _goes_on(prev, word(end), rules):
            end += 1
            continue
        if word(end) in joiners:
            k = opening(end + 1)
            if k < n and tokens[k].kind == "WORD":
                end = k + 1
                continue
        break
    return end


def _clause_end(tokens: list[Token], c: int, word: Callable[[int], str], rules: dict[str, Any]) -> int | None:
    """Where an event clause after a conjunction ends: at a separator, a time phrase or
    another link, or where its verbs end: an auxiliary with its participle ("zodra het
    onderzoek is afgerond | zal ik ...", "nadat de Kamer heeft gestemd | stuur ik ...",
    "zodra het onderzoek afgerond is | ...")."""
    n = len(tokens)
    end = None
    j = c + 1
    while (
        j < n
        and j <= c + CLAUSE_WORDS
        and tokens[j].kind not in TIME
        and tokens[j].kind not in ("SEP", "EVENT")
    ):
        if tokens[j].kind == "WORD":
            end = j + 1
            if end > c + 2 and word(j) in rules["auxiliaries"]:
                after = j + 1
                if after < n and tokens[after].kind == "WORD" and _participle(word(after), rules):
                    return after + 1  # "is afgerond"
                if _participle(word(j - 1), rules):
                    return end  # "afgerond is"
        j += 1
    return end


def _participle(w: str, rules: dict[str, Any]) -> bool:
    """A past participle by its shape (data): "afgerond", "vastgesteld", "aangenomen"
    (with "ge" inside), "besloten", "verschenen" (with an unstressed prefix)."""
    if not w.endswith(rules["participle"]):
        return False
    return any(m in w[:-1] for m in rules["participle_marks"]) or w.startswith(rules["participle_prefixes"])


def _goes_on(prev: str, nxt: str, rules: dict[str, Any]) -> bool:
    """Does the noun phrase go on from `prev` to the next word `nxt`?"""
    if nxt in rules["stop"]:
        return False
    if rules["compounds"]:
        return True
    return prev.endswith(rules["modifier_endings"]) and not prev.endswith(rules["not_modifier"])


_NP: dict[str, dict[str, Any]] = {}


def _np_rules(lang: str) -> dict[str, Any]:
    if lang not in _NP:
        s = language(lang).settings
        _NP[lang] = {
            "joiners": set(s.get("event_joiners", [])),
            "modifier_endings": tuple(s.get("event_modifier_endings", [])) or ("\0",),
            "not_modifier": tuple(s.get("event_modifier_exceptions", [])) or ("\0",),
            "compounds": bool(s.get("event_compounds", False)),
            "stop": set(s.get("event_stop", [])),
            "auxiliaries": set(s.get("event_clause_auxiliaries", [])),
            "participle": tuple(s.get("event_participle_endings", [])) or ("\0",),
            "participle_marks": tuple(s.get("event_participle_marks", [])),
            "participle_prefixes": tuple(s.get("event_participle_prefixes", [])) or ("\0",),
        }
    return _NP[lang]
