"""Tokens → an unresolved `Expression`. Works on canonical tokens only (see lexicon.py).

A phrase splits into clauses at separators ("zo spoedig mogelijk, doch uiterlijk 1 juli");
each clause is read left to right: modifiers, then an anchor (a period), a span or a
vague word. Hedges and filler carry no date and are passed over.

A clause that links a span (or nothing) to words that name no time ("binnen twee maanden
na de laatste verkiezingsronde", "zodra de AMvB is vastgesteld") is an event: it gets no
window, only a `Link` saying how the window follows once the event has a date.
"""

from dataclasses import replace
from functools import cache

from .expr import Expression, Link, Part, Period, Range, Reading, Span
from .lexicon import Token, language

MODS = {"BEFORE": "before", "AFTER": "after", "FROM": "from", "AROUND": "around", "IN": "in"}
REL = {"THIS": "this", "NEXT": "next", "LAST": "last"}
# Parts of a month named with an ordinal: its halves and its weeks (days 1-7, 8-14, ...).
PART_OF_MONTH = {"half:1", "half:2", "week:1", "week:2", "week:3", "week:4", "week:5"}
NAMED = {"SEASON": "season", "RECESS": "recess", "BUDGET": "budget", "BUDGETYEAR": "budget"}
ANCHOR_START = {"DATE", "YEAR", "MONTH", "QH", "SEASON", "RECESS", "BUDGET", "BUDGETYEAR",
                "ORD", "ORDNUM", "NUM", "UNIT", "HALF"}
# Tokens that join the two ends of a range ("2 à 3", "van maart tot mei", "1 t/m 15 maart").
JOIN = {"RANGE", "AND", "UNTIL", "THROUGH"}
# What an event hangs on, and the mode of a bare event ("na de verkiezingen") by its link.
LINK_MODE = {"AFTER": "after", "EVENT": None, "OF": None, "FROM": "from", "BEFORE": "before",
             "IN": "at", "AROUND": "around"}
# Tokens that name a time on their own: words after a link that hold one are no event.
TIME = {"DATE", "YEAR", "MONTH", "QH", "SEASON", "RECESS", "BUDGET", "BUDGETYEAR", "WEEKDAY"}
# A recurrence of "elke week", "iedere twee jaar": RRULE frequency and interval per unit.
UNIT_RRULE = {"day": ("DAILY", 1), "week": ("WEEKLY", 1), "month": ("MONTHLY", 1),
              "quarter": ("MONTHLY", 3), "halfyear": ("MONTHLY", 6), "year": ("YEARLY", 1)}
YEARLY_PERIOD = {"SEASON", "RECESS", "BUDGET", "BUDGETYEAR", "MONTH", "QH", "ORD", "ORDNUM"}
SOON = Span(months=3)  # "zodra", "as soon as": the span of "zo spoedig mogelijk"
STRIP = " \t.,;:!?()\"'"


class Unreadable(Exception):
    """No reading: the phrase holds no time the engine knows."""


def read(tokens: list[Token], lang: str, text: str = "") -> Expression:
    """The expression of a phrase's tokens; `text` is what they were lexed from (for the
    words of an event, kept as written)."""
    hedged = False
    recurrence = recur_span = None
    clauses, current = [], []
    end = 0
    skip = 0
    words = False  # a word the lexicon does not know: only then can the clause be an event
    for i, t in enumerate(tokens):
        if i < skip:
            continue
        k = t.kind
        if k == "HEDGE":
            hedged = True
            continue
        if k == "RECUR":
            span, recurrence = t.value
            recur_span = _iso(span)
        elif k == "EVERY":
            got = _every(tokens, i)
            if got is not None:
                recurrence, recur_span, skip = got
        elif k == "ANAPHOR":
            raise Unreadable  # "in het voorjaar van het daaropvolgende jaar": no date of its own
        elif k == "SEP":
            if not _joins_date(tokens, i):
                clauses.append((current, end, words))
                current, words = [], False
                continue
        elif k == "OF":
            if _links_span(tokens, i):
                current.append(t)
        elif k != "FILLER":
            current.append(t)
            words = words or k == "WORD"
        end = t.end
    clauses.append((current, end, words))
    readings = []
    in_with_span = _in_with_span(lang)
    for c, c_end, c_words in clauses:
        if c:
            r = _clause(c, in_with_span, text if c_words else "", c_end)
            if r is not None:
                readings.append(r)
    if not readings and recurrence is None:
        raise Unreadable
    return Expression(tuple(readings), lang, recurrence, recur_span, hedged)


@cache
def _in_with_span(lang: str) -> str:
    return language(lang).settings.get("in_with_span", "within")


@cache
def _iso(text: str) -> Span:
    return Span.iso(text)


def _joins_date(tokens: list[Token], i: int) -> bool:
    """The comma of "March 1, 2027" joins a date; it does not separate clauses."""
    return (0 < i < len(tokens) - 1 and tokens[i - 1].kind in ("NUM", "ORDNUM")
            and tokens[i + 1].kind == "YEAR")


def _next_kept(tokens: list[Token], i: int, step: int) -> Token | None:
    i += step
    while 0 <= i < len(tokens) and tokens[i].kind in ("FILLER", "HEDGE"):
        i += step
    return tokens[i] if 0 <= i < len(tokens) else None


def _links_span(tokens: list[Token], i: int) -> bool:
    """"of" links a span to its event ("within a month of the review"); elsewhere it is filler."""
    before, after = _next_kept(tokens, i, -1), _next_kept(tokens, i, 1)
    return (before is not None and before.kind in ("UNIT", "VAGUE")
            and after is not None and after.kind == "WORD")


def _every(tokens: list[Token], i: int):
    """"elk najaar", "iedere twee weken": (RRULE, first span or None, next index), or None."""
    j = i + 1
    while j < len(tokens) and tokens[j].kind == "FILLER":
        j += 1
    if j >= len(tokens):
        return None
    t = tokens[j]
    n, unit_at = 1, j
    if t.kind == "NUM" and j + 1 < len(tokens) and tokens[j + 1].kind == "UNIT":
        n, unit_at = t.value, j + 1
    u = tokens[unit_at]
    if u.kind == "UNIT" and isinstance(n, int) and u.value[0] in UNIT_RRULE:
        freq, step = UNIT_RRULE[u.value[0]]
        interval = n * step
        rule = f"FREQ={freq}" + (f";INTERVAL={interval}" if interval > 1 else "")
        return rule, Span.of(n, u.value[0]), unit_at + 1
    if t.kind == "WEEKDAY":
        return "FREQ=WEEKLY", None, j  # the weekday stays: it names the first occurrence
    if t.kind in YEARLY_PERIOD:
        return "FREQ=YEARLY", None, j  # "elk najaar": the period names the first occurrence
    return None


def _names_time(toks: list[Token], ordinals: bool = True) -> bool:
    """Do these tokens name a time of their own (a date, a period, "volgende week")?
    Without `ordinals`, "het eerste kwartaal" is no time: before "na de evaluatie" it
    counts from the event."""
    n = len(toks)
    for i, t in enumerate(toks):
        k = t.kind
        if k in TIME:
            return True
        nxt = toks[i + 1] if i + 1 < n else None
        if nxt is None:
            continue
        if k in REL and nxt.kind == "UNIT" and not nxt.value[1]:
            return True  # "volgende week", "dit jaar"
        if ordinals and k in ("ORD", "ORDNUM") and (nxt.kind == "HALF" or (
                nxt.kind == "UNIT" and nxt.value[0] in ("quarter", "halfyear"))):
            return True  # "het eerste kwartaal"
        if k == "UNIT" and t.value[0] == "week" and nxt.kind == "NUM":
            return True  # "week 12"
    return False


def _head_span(head: list[Token], in_with_span: str):
    """The span before an event link: (Span, upper Span or None, "within"/"after"), or None."""
    for i, t in enumerate(head):
        k = t.kind
        if k == "VAGUE":
            return _iso(t.value), None, "vague"  # "zo spoedig mogelijk na ..."
        if k in ("WITHIN", "COMING", "OVER", "IN", "BETWEEN"):
            got = _span(head, i + 1, single=k not in ("OVER", "BETWEEN"))
            if got:
                kind = "over" if k in ("OVER", "BETWEEN") else (in_with_span if k == "IN" else "within")
                return got[0], got[1], "after" if kind == "over" else "within"
        elif k == "NUM":
            got = _span(head, i)
            if got:
                return got[0], got[1], "after"  # "twee jaar na inwerkingtreding"
        elif k == "ORD" and t.value == 1 and i + 1 < len(head) and head[i + 1].kind == "UNIT":
            return Span.of(1, head[i + 1].value[0]), None, "within"  # "het eerste jaar na"
    return None


def _counts_from(link: Token, vague: bool) -> bool:
    """Can a span count from what follows this link? "na", "nadat", "zodra", "vanaf" and
    "of" do; "twee weken voor het debat" does for a number of units, not for a vague word
    ("zo snel mogelijk voor de sector" is no event); "bij", "met", "als" never do."""
    k = link.kind
    if k == "EVENT":
        return link.value in ("after", "soon")
    if k == "BEFORE":
        return not vague
    return k in ("AFTER", "OF", "FROM")


def _event_link(toks: list[Token], in_with_span: str, text: str, end: int) -> Reading | None:
    """The clause as an event: a link followed by words that name no time, and before it a
    span, a vague word or nothing that names a time ("twee jaar na inwerkingtreding").
    A span counted from a later link wins over an earlier bare one ("in het eerste jaar
    na de start van de pilot" counts from the start, not "bij" the whole rest)."""
    bare = None
    for c, t in enumerate(toks):
        if t.kind not in LINK_MODE:
            continue
        rest = toks[c + 1:]
        if not any(x.kind == "WORD" for x in rest) or _names_time(rest):
            continue
        head = toks[:c]
        if _names_time(head, ordinals=False) or any(x.kind in ("PART", "UNTIL", "THROUGH")
                                                    for x in head):
            break  # a dated reading ("eind 2026 na de evaluatie" is no event of its own)
        anchor = text[t.end:end].strip(STRIP)
        if not anchor:
            break
        by = any(x.kind == "BY" for x in head)
        got = _head_span(head, in_with_span)
        if got is not None:
            lo, hi, mode = got
            if not _counts_from(t, vague=mode == "vague"):
                continue  # "binnen drie maanden in overleg met de sector": no event
            if t.kind == "BEFORE":
                mode = "before"
            elif by or mode == "vague":
                mode = "within"  # "uiterlijk zes weken na ontvangst", "zo spoedig mogelijk na"
            offset = hi if hi is not None and mode == "within" else lo
            return Reading(event=True, by=by, link=Link(anchor, mode, offset))
        if bare is None:
            bare = _bare_link(t, anchor, by)
    return bare


def _bare_link(t: Token, anchor: str, by: bool) -> Reading | None:
    """An event with no span before it: the link's own mode ("na", "bij", "voor", "zodra")."""
    mode = LINK_MODE[t.kind] or t.value
    if mode is None:
        return None  # "of" links a span only
    if mode == "soon":  # "zodra de AMvB is vastgesteld" = "zo spoedig mogelijk na"
        return Reading(event=True, by=by, link=Link(anchor, "within", SOON))
    if mode == "if":
        mode = "after"  # "indien de wet is aangenomen": counted as after the event
    if by and mode in ("at", "from"):
        mode = "by"  # "uiterlijk bij de voortgangsbrief"
    return Reading(event=True, by=by, link=Link(anchor, mode))


def _clause(toks: list[Token], in_with_span: str, text: str = "", end: int = 0) -> Reading | None:
    if text:
        linked = _event_link(toks, in_with_span, text, end)
        if linked is not None:
            return linked
    mod = None
    by = event = False
    part = rel = None
    anchor = None
    span_kind = span = span_hi = vague = None
    unknown = 0
    weekday = None
    i, n = 0, len(toks)
    while i < n:
        t = toks[i]
        k = t.kind
        if k == "BY":
            by = True
        elif k in MODS:
            nxt = _span(toks, i + 1)
            if k == "IN" and nxt and span is None:
                span_kind, (span, span_hi, i) = in_with_span, nxt
                continue
            if mod is None or mod == "in":
                mod = MODS[k]
        elif k in ("UNTIL", "THROUGH") and anchor is None and span is None:
            # "tot 1 juli" is before that day; "tot en met maart", "t/m 2028" by its end.
            if k == "UNTIL":
                mod = "before"
            else:
                by = True
        elif k == "PART":
            part = t.value
        elif k in ("WITHIN", "OVER", "COMING") or (k == "NEXT" and _span(toks, i + 1, numbered=True)):
            got = _span(toks, i + 1, single=True)
            if got:
                span_kind = "over" if k == "OVER" else "within"
                span, span_hi, i = got
                continue
            if k == "COMING":
                rel = "next"
        elif k == "BETWEEN":
            got = _span(toks, i + 1)
            if got and span is None:
                span_kind = "over"
                span, span_hi, i = got
                continue
        elif k == "VAGUE":
            vague = _iso(t.value)
        elif k == "EVENT":
            event = True
        elif k == "WEEKDAY":
            weekday = t.value
        elif k in REL:
            rel = REL[k]
            if isinstance(anchor, Period) and anchor.year is None and anchor.rel is None:
                anchor = replace(anchor, rel=rel)  # "1 maart a.s.", "vrijdag jl."
        elif k in JOIN and isinstance(anchor, Period) and i + 1 < n:
            # "eind 2026 - begin 2027", "van maart tot mei": a range of two readings.
            rest = _clause(toks[i + 1:], in_with_span)
            if rest is not None and rest.anchor is not None and not isinstance(rest.anchor, Range):
                first = Part(part, anchor) if part and isinstance(anchor, Period) else anchor
                anchor, part = Range(_borrow(first, rest.anchor), rest.anchor), None
                by = by or rest.by
                break
        elif k in ANCHOR_START and anchor is None:
            got = _anchor(toks, i, rel)
            if got is None:
                if k == "NUM" and span is None:
                    s = _span(toks, i)
                    if s:  # a bare span, "2 à 3 maanden": read as after that span
                        span_kind = "over"
                        span, span_hi, i = s
                        continue
                unknown += 1
            else:
                first, i = got
                if isinstance(first, Part):
                    anchor = first
                    continue
                if weekday is not None and first.kind == "day":
                    first = replace(first, weekday=weekday)
                if i + 1 < n and toks[i].kind in JOIN:
                    second = _anchor(toks, i + 1, rel)
                    if second and _joinable(first, second[0]):
                        anchor = Range(_borrow(first, second[0]), second[0])
                        i = second[1]
                        continue
                if first.kind == "day" and first.n is None:
                    unknown += 1  # "1 tot" with no month after it
                    continue
                anchor = first
                continue
        elif k == "WORD":
            unknown += 1
        i += 1
    if anchor is None and weekday is not None and span is None and vague is None:
        anchor = Period("weekday", n=weekday, rel=rel)  # "komende maandag": the next one
    if anchor is not None:
        if part and isinstance(anchor, Period):
            anchor = Part(part, anchor)
        return Reading(anchor=anchor, mod=mod, by=by)
    if part and span is None and vague is None:
        # "voor eind", "eind van het jaar": a part with no period means this year.
        return Reading(anchor=Part(part, Period("year", rel="this")), mod=mod, by=by)
    if span is not None:
        return Reading(span_kind=span_kind, span=span, span_hi=span_hi, by=by)
    if vague is not None:
        return Reading(vague=vague)
    if event or (unknown and (mod or by or rel)):
        return Reading(event=True)
    return None


def _span(toks: list[Token], i: int, single: bool = False, numbered: bool = False):
    """NUM [RANGE|AND NUM] UNIT at i → (Span, Span | None, next index), else None."""
    n = len(toks)
    lo = hi = None
    j = i
    if j < n and toks[j].kind == "NUM":
        lo = toks[j].value
        j += 1
        if j + 1 < n and toks[j].kind in JOIN and toks[j + 1].kind == "NUM":
            hi = toks[j + 1].value
            j += 2
            if hi < lo:  # "drie à twee maanden": the range, smallest first
                lo, hi = hi, lo
    if numbered and lo is None:
        return None
    if j < n and toks[j].kind == "UNIT":
        unit, plural = toks[j].value
        if lo is None:
            # "het komende jaar", "binnen het jaar": one unit, unless a number follows.
            if not single or plural or (j + 1 < n and toks[j + 1].kind in ("YEAR", "NUM")):
                return None
            lo = 1
        return Span.of(lo, unit), (Span.of(hi, unit) if hi is not None else None), j + 1
    return None


def _year_spec(toks: list[Token], i: int):
    """A year after a period: YEAR, or THIS/NEXT/LAST + UNIT:year. → (year, rel, next i)."""
    n = len(toks)
    if i < n and toks[i].kind == "YEAR":
        return toks[i].value, None, i + 1
    if 0 < i and i + 1 < n and toks[i].kind == "RANGE" and toks[i + 1].kind == "YEAR" \
            and toks[i - 1].end == toks[i].start and toks[i].end == toks[i + 1].start:
        return toks[i + 1].value, None, i + 2  # "Q1-2027", "H2/2026"
    if i + 1 < n and toks[i].kind in REL and toks[i + 1].kind == "UNIT" and toks[i + 1].value[0] == "year":
        return None, REL[toks[i].kind], i + 2
    return None, None, i


def _day_number(t: Token) -> int | None:
    if t.kind in ("NUM", "ORDNUM") and isinstance(t.value, int) and 1 <= t.value <= 31:
        return t.value
    return None


def _anchor(toks: list[Token], i: int, rel: str | None):
    """A period starting at token i → (Period, next index), or None."""
    n = len(toks)
    t = toks[i]
    k = t.kind
    if k == "WEEKDAY" and i + 1 < n:
        got = _anchor(toks, i + 1, rel)
        if got and got[0].kind == "day":
            return replace(got[0], weekday=t.value), got[1]
        return None
    if k == "DATE":
        y, m, d = t.value
        return Period("day", y, m, d), i + 1
    if k == "YEAR":
        j = i + 1
        if j + 1 < n and toks[j].kind == "RANGE" and toks[j].start == t.end and toks[j + 1].kind == "QH":
            j += 1  # "2026-Q3"
        if j < n and toks[j].kind == "QH":  # "2026 Q3"
            letter, num = toks[j].value
            return Period("quarter" if letter == "Q" else "half", t.value, num), j + 1
        if i + 1 < n and toks[i + 1].kind in NAMED:  # "the 2027 budget"
            nxt = toks[i + 1]
            offset = -1 if nxt.kind == "BUDGETYEAR" else 0
            return Period(NAMED[nxt.kind], t.value, name=nxt.value, year_offset=offset), i + 2
        return Period("year", t.value), i + 1
    day = _day_number(t)
    if day is not None and i + 1 < n and toks[i + 1].kind == "MONTH":
        y, r, j = _year_spec(toks, i + 2)
        return Period("day", y, toks[i + 1].value, day, rel=rel, year_rel=r), j
    if day is not None and i + 1 < n and toks[i + 1].kind in JOIN:
        # "1 tot 15 maart": the first day borrows its month from the second (see _borrow).
        return Period("day", None, None, day, rel=rel), i + 1
    if k == "MONTH":
        j = i + 1
        if j < n and (d := _day_number(toks[j])) is not None and not (
            j + 1 < n and toks[j + 1].kind == "UNIT"
        ):
            if j + 1 < n and toks[j + 1].kind == "SEP":
                j += 1
            y, r, j2 = _year_spec(toks, j + 1)
            return Period("day", y, t.value, d, rel=rel, year_rel=r), j2
        y, r, j = _year_spec(toks, j)
        return Period("month", y, t.value, rel=rel, year_rel=r), j
    if k == "QH":
        letter, num = t.value
        y, r, j = _year_spec(toks, i + 1)
        return Period("quarter" if letter == "Q" else "half", y, num, rel=rel, year_rel=r), j
    if k in ("ORD", "ORDNUM") and i + 1 < n:
        nxt = toks[i + 1]
        which = None
        if nxt.kind == "UNIT" and nxt.value[0] == "quarter":
            which = "quarter"
        elif nxt.kind == "HALF" or (nxt.kind == "UNIT" and nxt.value[0] == "halfyear"):
            which = "half"
        after = toks[i + 2] if i + 2 < n else None
        if after is not None and after.kind == "MONTH" and t.value > 0 and (
                nxt.kind == "HALF" or (nxt.kind == "UNIT" and nxt.value[0] == "week")):
            # "de eerste helft van september", "de tweede week van januari"
            part = f"{'half' if nxt.kind == 'HALF' else 'week'}:{t.value}"
            if part not in PART_OF_MONTH:
                return None
            y, r, j = _year_spec(toks, i + 3)
            return Part(part, Period("month", y, after.value, rel=rel, year_rel=r)), j
        if which:
            num = t.value if t.value > 0 else (4 if which == "quarter" else 2)
            if num > (4 if which == "quarter" else 2):
                return None
            y, r, j = _year_spec(toks, i + 2)
            return Period(which, y, num, rel=rel, year_rel=r), j
        return None
    if k == "UNIT":
        unit, plural = t.value
        if plural:
            return None
        if unit == "week" and i + 2 < n and toks[i + 2].kind == "MONTH" \
                and (d := _day_number(toks[i + 1])) is not None:
            y, r, j = _year_spec(toks, i + 3)  # "de week van 12 januari"
            return Period("weekof", y, toks[i + 2].value, d, rel=rel, year_rel=r), j
        if unit == "week" and i + 1 < n and toks[i + 1].kind == "NUM" and isinstance(toks[i + 1].value, int) \
                and 1 <= toks[i + 1].value <= 53:
            y, r, j = _year_spec(toks, i + 2)
            return Period("week", y, toks[i + 1].value, rel=rel, year_rel=r), j
        if unit in ("quarter", "halfyear") and i + 1 < n and toks[i + 1].kind == "NUM" \
                and toks[i + 1].value in ((1, 2, 3, 4) if unit == "quarter" else (1, 2)):
            y, r, j = _year_spec(toks, i + 2)  # "kwartaal 2 van 2026"
            kind = "quarter" if unit == "quarter" else "half"
            return Period(kind, y, toks[i + 1].value, rel=rel, year_rel=r), j
        if unit == "month" and i + 1 < n and toks[i + 1].kind == "MONTH":
            return _anchor(toks, i + 1, rel)  # "de maand maart"
        if unit == "year" and i + 1 < n and toks[i + 1].kind == "YEAR":
            return Period("year", toks[i + 1].value), i + 2
        if unit == "day":
            return None
        # "volgende maand", "eind van de maand", "het jaar": the one around the reference date.
        return Period({"halfyear": "half"}.get(unit, unit), None, None, rel=rel or "this"), i + 1
    if k in ("SEASON", "RECESS", "BUDGET"):
        y, r, j = _year_spec(toks, i + 1)
        kind = {"SEASON": "season", "RECESS": "recess", "BUDGET": "budget"}[k]
        return Period(kind, y, name=t.value, rel=rel, year_rel=r), j
    if k == "BUDGETYEAR":
        y, r, j = _year_spec(toks, i + 1)
        if y is not None or r is not None:  # "de begroting 2027", "de begroting van volgend jaar"
            return Period("budget", y, name=t.value, year_offset=-1, year_rel=r), j
        return Period("budget", None, name=t.value, rel=rel), j
    return None


def _joinable(first: Period, second: Period) -> bool:
    """Can `first` and `second` make a range? A bare day number needs a day with a month after it."""
    if second.kind == "day" and second.n is None:
        return False
    return not (first.kind == "day" and first.n is None) or second.kind == "day"


def _borrow(first, second):
    """A range's first end takes what it leaves out from the second ("1 tot 15 maart 2026")."""
    if isinstance(first, Part):
        return Part(first.part, _borrow(first.period, second))
    if isinstance(second, Part):
        second = second.period
    if first.kind == "day" and first.n is None:
        return Period("day", second.year, second.n, first.day, rel=second.rel)
    relative = first.kind in ("week", "month", "quarter", "half", "year") and first.n is None
    if first.year is None and second.year is not None and not relative:
        return replace(first, year=second.year, rel=None)
    return first
