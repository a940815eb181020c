"""Tokens → an unresolved `Expression`. Works on canonical tokens only (see lexicon.py).

A phrase splits into clauses at separators ("zo spoedig mogelijk, doch uiterlijk 1 juli");
each clause is read left to right: modifiers, then an anchor (a period), a span or a
vague word. Hedges and filler carry no date and are passed over.
"""

from dataclasses import replace
from functools import cache

from .expr import Expression, Part, Period, Range, Reading, Span
from .lexicon import Token, language

MODS = {"BEFORE": "before", "AFTER": "after", "FROM": "from", "AROUND": "around", "IN": "in"}
REL = {"THIS": "this", "NEXT": "next", "LAST": "last"}
# Parts of a month named with an ordinal: its halves and its weeks (days 1-7, 8-14, ...).
PART_OF_MONTH = {"half:1", "half:2", "week:1", "week:2", "week:3", "week:4", "week:5"}
NAMED = {"SEASON": "season", "RECESS": "recess", "BUDGET": "budget", "BUDGETYEAR": "budget"}
ANCHOR_START = {"DATE", "YEAR", "MONTH", "QH", "SEASON", "RECESS", "BUDGET", "BUDGETYEAR",
                "ORD", "ORDNUM", "NUM", "UNIT", "HALF"}


class Unreadable(Exception):
    """No reading: the phrase holds no time the engine knows."""


def read(tokens: list[Token], lang: str) -> Expression:
    hedged = False
    recurrence = recur_span = None
    clauses, current = [], []
    for i, t in enumerate(tokens):
        k = t.kind
        if k == "HEDGE":
            hedged = True
        elif k == "RECUR":
            span, recurrence = t.value
            recur_span = Span.iso(span)
        elif k == "SEP":
            if not _joins_date(tokens, i):
                clauses.append(current)
                current = []
        elif k != "FILLER":
            current.append(t)
    clauses.append(current)
    readings = []
    in_with_span = _in_with_span(lang)
    for c in clauses:
        if c:
            r = _clause(c, in_with_span)
            if r is not None:
                readings.append(r)
    if not readings and recurrence is None:
        raise Unreadable
    return Expression(tuple(readings), lang, recurrence, recur_span, hedged)


@cache
def _in_with_span(lang: str) -> str:
    return language(lang).settings.get("in_with_span", "within")


def _joins_date(tokens: list[Token], i: int) -> bool:
    """The comma of "March 1, 2027" joins a date; it does not separate clauses."""
    return (0 < i < len(tokens) - 1 and tokens[i - 1].kind in ("NUM", "ORDNUM")
            and tokens[i + 1].kind == "YEAR")


def _clause(toks: list[Token], in_with_span: str) -> Reading | None:
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
            vague = Span.iso(t.value)
        elif k == "EVENT":
            event = True
        elif k == "WEEKDAY":
            weekday = t.value
        elif k in REL:
            rel = REL[k]
            if isinstance(anchor, Period) and anchor.year is None and anchor.rel is None:
                anchor = replace(anchor, rel=rel)  # "1 maart a.s.", "vrijdag jl."
        elif k in ("RANGE", "AND") and isinstance(anchor, Period) and i + 1 < n:
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
                if i + 1 < n and toks[i].kind in ("RANGE", "AND"):
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
        if j + 1 < n and toks[j].kind in ("RANGE", "AND") and toks[j + 1].kind == "NUM":
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
    if day is not None and i + 1 < n and toks[i + 1].kind in ("RANGE", "AND"):
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
