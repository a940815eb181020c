"""Tokens → an unresolved `Expression`. Works on canonical tokens only (see lexicon.py).

A phrase splits into clauses at separators ("zo spoedig mogelijk, doch uiterlijk 1 juli");
each clause is read left to right: modifiers, then an anchor (a period), a span or a
vague word. Hedges and filler carry no date and are passed over.

Each token kind has its own reader, chosen through a table: `CLAUSE_READERS` for what a
token does in a clause, `ANCHOR_READERS` for the period a token starts ("1 maart 2027",
"het eerste kwartaal", "week 12"). A new kind of phrase is a new reader, or a change to
the one reader of the kind it starts with.

A clause that links a span (or nothing) to words that name no time ("binnen twee maanden
na de laatste verkiezingsronde", "zodra de AMvB is vastgesteld") is an event: it gets no
window, only a `Link` saying how the window follows once the event has a date.
"""

from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import cache
from typing import TypeVar

from .expr import Anchor, Expression, Link, Part, Period, Range, Reading, Span
from .lexicon import QH, Recur, Token, Unit, Ymd, language

MODS = {"BEFORE": "before", "AFTER": "after", "FROM": "from", "AROUND": "around", "IN": "in"}
REL = {"THIS": "this", "NEXT": "next", "LAST": "last"}
# Parts of a month named with an ordinal: its halves and its weeks (days 1-7, 8-14, ...).
PART_OF_MONTH = {"half:1", "half:2", "week:1", "week:2", "week:3", "week:4", "week:5"}
NAMED = {"SEASON": "season", "RECESS": "recess", "BUDGET": "budget", "BUDGETYEAR": "budget"}
ANCHOR_START = {
    "DATE",
    "YEAR",
    "MONTH",
    "QH",
    "SEASON",
    "RECESS",
    "BUDGET",
    "BUDGETYEAR",
    "ORD",
    "ORDNUM",
    "NUM",
    "UNIT",
    "HALF",
}
# Tokens that join the two ends of a range ("2 à 3", "van maart tot mei", "1 t/m 15 maart").
JOIN = {"RANGE", "AND", "UNTIL", "THROUGH"}
# What an event hangs on, and the mode of a bare event ("na de verkiezingen") by its link.
LINK_MODE = {
    "AFTER": "after",
    "EVENT": None,
    "OF": None,
    "FROM": "from",
    "BEFORE": "before",
    "IN": "at",
    "AROUND": "around",
}
# Tokens that name a time on their own: words after a link that hold one are no event.
TIME = {"DATE", "YEAR", "MONTH", "QH", "SEASON", "RECESS", "BUDGET", "BUDGETYEAR", "WEEKDAY"}
# A recurrence of "elke week", "iedere twee jaar": RRULE frequency and interval per unit.
UNIT_RRULE = {
    "day": ("DAILY", 1),
    "week": ("WEEKLY", 1),
    "month": ("MONTHLY", 1),
    "quarter": ("MONTHLY", 3),
    "halfyear": ("MONTHLY", 6),
    "year": ("YEARLY", 1),
}
YEARLY_PERIOD = {"SEASON", "RECESS", "BUDGET", "BUDGETYEAR", "MONTH", "QH", "ORD", "ORDNUM"}
# Tokens that name a time with the token after them ("volgende week", "het eerste kwartaal").
NAMES_WITH_NEXT = {"THIS", "NEXT", "LAST", "ORD", "ORDNUM", "UNIT"}
# Tokens read for the whole phrase, not in a clause: every other token goes to its clause.
PHRASE_LEVEL = {"HEDGE", "RECUR", "EVERY", "ANAPHOR", "SEP", "OF", "FILLER"}
SOON = Span(months=3)  # "zodra", "as soon as": the span of "zo spoedig mogelijk"
STRIP = " \t.,;:!?()\"'"

# A span read at a token: (lower Span, upper Span or None, index after it).
SpanAt = tuple[Span, Span | None, int]
# A period read at a token: (Period, or a Part of a month, index after it).
AnchorAt = tuple[Period | Part, int]
V = TypeVar("V")


class Unreadable(Exception):
    """No reading: the phrase holds no time the engine knows."""


# ----------------------------------------------------------------------------- token values


def _as(t: Token, cls: type[V]) -> V:
    """The value of `t`, which its kind says is a `cls` (see lexicon.Value)."""
    v = t.value
    if isinstance(v, cls):
        return v
    raise TypeError(f"a {t.kind} token holds {v!r}, not a {cls.__name__}")


def _number(t: Token) -> int | float:
    v = t.value
    if isinstance(v, (int, float)):  # a tuple: faster than a union here
        return v
    raise TypeError(f"a {t.kind} token holds {v!r}, not a number")


def _unit(t: Token) -> Unit | None:
    """The unit of a UNIT token, else None."""
    v = t.value
    return v if isinstance(v, Unit) else None


# ----------------------------------------------------------------------------- a phrase


def read(tokens: list[Token], lang: str, text: str = "") -> Expression:
    """The expression of a phrase's tokens; `text` is what they were lexed from (for the
    words of an event, kept as written)."""
    hedged = False
    recurrence: str | None = None
    recur_span: Span | None = None
    clauses: list[tuple[list[Token], int, bool]] = []
    current: list[Token] = []
    end = 0
    skip = 0
    words = False  # a word the lexicon does not know: only then can the clause be an event
    for i, t in enumerate(tokens):
        if i < skip:
            continue
        k = t.kind
        if k not in PHRASE_LEVEL:
            current.append(t)
            if k == "WORD":
                words = True
            end = t.end
            continue
        if k == "HEDGE":
            hedged = True
            continue
        if k == "RECUR":
            recur = _as(t, Recur)
            recurrence, recur_span = recur.rrule, _iso(recur.span)
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
        elif k == "OF" and _links_span(tokens, i):
            current.append(t)
        end = t.end  # FILLER and the rest: no part of the clause, but of the phrase
    clauses.append((current, end, words))
    readings = []
    in_with_span = _in_with_span(lang)
    for c, c_end, c_words in clauses:
        if c:
            r = _clause(c, in_with_span, text if c_words else "", c_end)
            if r is not None:
                readings.append(r)
    if not readings and recur_span is None:
        raise Unreadable  # no time, or a recurrence of nothing ("elke vijfde")
    return Expression(tuple(readings), lang, recurrence, recur_span, hedged)


@cache
def _in_with_span(lang: str) -> str:
    return language(lang).settings.get("in_with_span", "within")


@cache
def _iso(text: str) -> Span:
    return Span.iso(text)


def _joins_date(tokens: list[Token], i: int) -> bool:
    """The comma of "March 1, 2027" joins a date; it does not separate clauses."""
    return (
        0 < i < len(tokens) - 1 and tokens[i - 1].kind in ("NUM", "ORDNUM") and tokens[i + 1].kind == "YEAR"
    )


def _next_kept(tokens: list[Token], i: int, step: int) -> Token | None:
    i += step
    while 0 <= i < len(tokens) and tokens[i].kind in ("FILLER", "HEDGE"):
        i += step
    return tokens[i] if 0 <= i < len(tokens) else None


def _links_span(tokens: list[Token], i: int) -> bool:
    """ "of" links a span to its event ("within a month of the review"); elsewhere it is filler."""
    before, after = _next_kept(tokens, i, -1), _next_kept(tokens, i, 1)
    return (
        before is not None and before.kind in ("UNIT", "VAGUE") and after is not None and after.kind == "WORD"
    )


def _every(tokens: list[Token], i: int) -> tuple[str, Span | None, int] | None:
    """ "elk najaar", "iedere twee weken": (RRULE, first span or None, next index), or None."""
    j = i + 1
    while j < len(tokens) and tokens[j].kind == "FILLER":
        j += 1
    if j >= len(tokens):
        return None
    t = tokens[j]
    n: int | float = 1
    unit_at = j
    if t.kind == "NUM" and j + 1 < len(tokens) and tokens[j + 1].kind == "UNIT":
        n, unit_at = _number(t), j + 1
    u = _unit(tokens[unit_at])
    if u is not None and isinstance(n, int) and u.name in UNIT_RRULE:
        freq, step = UNIT_RRULE[u.name]
        interval = n * step
        rule = f"FREQ={freq}" + (f";INTERVAL={interval}" if interval > 1 else "")
        return rule, Span.of(n, u.name), unit_at + 1
    if t.kind == "WEEKDAY":
        return "FREQ=WEEKLY", None, j  # the weekday stays: it names the first occurrence
    if t.kind in YEARLY_PERIOD:
        return "FREQ=YEARLY", None, j  # "elk najaar": the period names the first occurrence
    return None


# ----------------------------------------------------------------------------- events


def _names_time(toks: list[Token], ordinals: bool = True) -> bool:
    """Do these tokens name a time of their own (a date, a period, "volgende week")?
    Without `ordinals`, "het eerste kwartaal" is no time: before "na de evaluatie" it
    counts from the event."""
    n = len(toks)
    for i, t in enumerate(toks):
        k = t.kind
        if k in TIME:
            return True
        if i + 1 >= n or k not in NAMES_WITH_NEXT:
            continue
        nxt = toks[i + 1]
        unit = _unit(nxt)
        if k in REL and unit is not None and not unit.plural:
            return True  # "volgende week", "dit jaar"
        if (
            ordinals
            and k in ("ORD", "ORDNUM")
            and (nxt.kind == "HALF" or (unit is not None and unit.name in ("quarter", "halfyear")))
        ):
            return True  # "het eerste kwartaal"
        own = _unit(t)
        if own is not None and own.name == "week" and nxt.kind == "NUM":
            return True  # "week 12"
    return False


def _head_span(head: list[Token], in_with_span: str) -> tuple[Span, Span | None, str] | None:
    """The span before an event link: (Span, upper Span or None, "within"/"after"), or None."""
    for i, t in enumerate(head):
        k = t.kind
        if k == "VAGUE":
            return _iso(_as(t, str)), None, "vague"  # "zo spoedig mogelijk na ..."
        if k in ("WITHIN", "COMING", "OVER", "IN", "BETWEEN"):
            got = _span(head, i + 1, single=k not in ("OVER", "BETWEEN"))
            if got:
                kind = "over" if k in ("OVER", "BETWEEN") else (in_with_span if k == "IN" else "within")
                return got[0], got[1], "after" if kind == "over" else "within"
        elif k == "NUM":
            got = _span(head, i)
            if got:
                return got[0], got[1], "after"  # "twee jaar na inwerkingtreding"
        elif k == "ORD" and t.value == 1 and i + 1 < len(head) and (unit := _unit(head[i + 1])):
            return Span.of(1, unit.name), None, "within"  # "het eerste jaar na"
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
        rest = toks[c + 1 :]
        if not any(x.kind == "WORD" for x in rest) or _names_time(rest):
            continue
        head = toks[:c]
        if _names_time(head, ordinals=False) or any(x.kind in ("PART", "UNTIL", "THROUGH") for x in head):
            break  # a dated reading ("eind 2026 na de evaluatie" is no event of its own)
        anchor = text[t.end : end].strip(STRIP)
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
    mode = LINK_MODE[t.kind] or (t.value if isinstance(t.value, str) else None)
    if mode is None:
        return None  # "of" links a span only
    if mode == "soon":  # "zodra de AMvB is vastgesteld" = "zo spoedig mogelijk na"
        return Reading(event=True, by=by, link=Link(anchor, "within", SOON))
    if mode == "if":
        mode = "after"  # "indien de wet is aangenomen": counted as after the event
    if by and mode in ("at", "from"):
        mode = "by"  # "uiterlijk bij de voortgangsbrief"
    return Reading(event=True, by=by, link=Link(anchor, mode))


# ----------------------------------------------------------------------------- a clause


@dataclass(slots=True)
class _Clause:
    """What a clause has said so far, read left to right: each reader adds its token."""

    toks: list[Token]
    in_with_span: str
    mod: str | None = None
    by: bool = False
    event: bool = False
    part: str | None = None
    rel: str | None = None
    anchor: Anchor | None = None
    span_kind: str | None = None
    span: Span | None = None
    span_hi: Span | None = None
    vague: Span | None = None
    unknown: int = 0  # words that name no time
    weekday: int | None = None

    def set_span(self, kind: str, got: SpanAt) -> int:
        self.span_kind = kind
        self.span, self.span_hi, i = got
        return i

    def reading(self) -> Reading | None:
        """The clause's reading once every token is read, or None."""
        anchor = self.anchor
        if anchor is None and self.weekday is not None and self.span is None and self.vague is None:
            anchor = Period("weekday", n=self.weekday, rel=self.rel)  # "komende maandag": the next one
        if anchor is not None:
            if self.part and isinstance(anchor, Period):
                anchor = Part(self.part, anchor)
            return Reading(anchor=anchor, mod=self.mod, by=self.by)
        if self.part and self.span is None and self.vague is None:
            # "voor eind", "eind van het jaar": a part with no period means this year.
            return Reading(anchor=Part(self.part, Period("year", rel="this")), mod=self.mod, by=self.by)
        if self.span is not None:
            return Reading(span_kind=self.span_kind, span=self.span, span_hi=self.span_hi, by=self.by)
        if self.vague is not None:
            return Reading(vague=self.vague)
        if self.event or (self.unknown and (self.mod or self.by or self.rel)):
            return Reading(event=True)
        return None


def _clause(toks: list[Token], in_with_span: str, text: str = "", end: int = 0) -> Reading | None:
    if text:
        linked = _event_link(toks, in_with_span, text, end)
        if linked is not None:
            return linked
    c = _Clause(toks, in_with_span)
    i, n = 0, len(toks)
    readers = CLAUSE_READERS
    while i < n:
        reader = readers.get(toks[i].kind)
        i = reader(c, i) if reader is not None else i + 1
    return c.reading()


# Each reader takes the clause and the index of its token, and gives the index to read on at.


def _by(c: _Clause, i: int) -> int:
    c.by = True  # "uiterlijk"
    return i + 1


def _modifier(c: _Clause, i: int) -> int:
    """ "voor", "na", "vanaf", "rond", "in": the first modifier counts ("in" gives way)."""
    if c.mod is None or c.mod == "in":
        c.mod = MODS[c.toks[i].kind]
    return i + 1


def _in(c: _Clause, i: int) -> int:
    """ "in drie maanden" is a span (within or after it, as the language says); "in maart" a modifier."""
    if c.span is None and (got := _span(c.toks, i + 1)):
        return c.set_span(c.in_with_span, got)
    return _modifier(c, i)


def _until(c: _Clause, i: int) -> int:
    """ "tot 1 juli" is before that day; "tot en met maart", "t/m 2028" by its end. After a
    period they join a range ("van maart tot mei")."""
    if c.anchor is None and c.span is None:
        if c.toks[i].kind == "UNTIL":
            c.mod = "before"
        else:
            c.by = True
        return i + 1
    return _join(c, i)


def _part(c: _Clause, i: int) -> int:
    c.part = _as(c.toks[i], str)  # "begin", "medio", "eind"
    return i + 1


def _within(c: _Clause, i: int) -> int:
    """ "binnen drie maanden", "over twee weken", "de komende maanden"."""
    k = c.toks[i].kind
    got = _span(c.toks, i + 1, single=True)
    if got:
        return c.set_span("over" if k == "OVER" else "within", got)
    if k == "COMING":
        c.rel = "next"
    return i + 1


def _next(c: _Clause, i: int) -> int:
    """ "de volgende 3 maanden" is a span; "volgende week", "maart a.s." the next occurrence."""
    if _span(c.toks, i + 1, numbered=True):
        return _within(c, i)
    return _rel(c, i)


def _rel(c: _Clause, i: int) -> int:
    """Which occurrence: this, next, last; after a period without a year it is that period's
    ("1 maart a.s.", "vrijdag jl.")."""
    c.rel = rel = REL[c.toks[i].kind]
    anchor = c.anchor
    if isinstance(anchor, Period) and anchor.year is None and anchor.rel is None:
        c.anchor = replace(anchor, rel=rel)
    return i + 1


def _between(c: _Clause, i: int) -> int:
    """ "tussen 2 en 3 maanden": after that span."""
    if c.span is None and (got := _span(c.toks, i + 1)):
        return c.set_span("over", got)
    return i + 1


def _vague(c: _Clause, i: int) -> int:
    c.vague = _iso(_as(c.toks[i], str))  # "binnenkort", "zo spoedig mogelijk"
    return i + 1


def _event(c: _Clause, i: int) -> int:
    c.event = True  # "zodra", "tegelijk met"
    return i + 1


def _weekday(c: _Clause, i: int) -> int:
    c.weekday = _as(c.toks[i], int)
    return i + 1


def _word(c: _Clause, i: int) -> int:
    c.unknown += 1
    return i + 1


def _join(c: _Clause, i: int) -> int:
    """ "eind 2026 - begin 2027", "van maart tot mei": a range of this clause's period and
    the reading of the rest of it."""
    first = c.anchor
    if not isinstance(first, Period) or i + 1 >= len(c.toks):
        return i + 1
    rest = _clause(c.toks[i + 1 :], c.in_with_span)
    if rest is None or rest.anchor is None or isinstance(rest.anchor, Range):
        return i + 1
    start = Part(c.part, first) if c.part else first
    c.anchor, c.part = Range(_borrow(start, rest.anchor), rest.anchor), None
    c.by = c.by or rest.by
    return len(c.toks)


def _period(c: _Clause, i: int) -> int:
    """The clause's period (see ANCHOR_READERS), with a range joined on ("1 tot 15 maart"),
    or a bare number before a unit ("2 à 3 maanden", read as after that span)."""
    if c.anchor is not None:
        return i + 1
    toks = c.toks
    reader = ANCHOR_READERS.get(toks[i].kind)
    got = reader(toks, i, c.rel) if reader is not None else None
    if got is None:
        if toks[i].kind == "NUM" and c.span is None and (s := _span(toks, i)):
            return c.set_span("over", s)
        c.unknown += 1
        return i + 1
    first, j = got
    if isinstance(first, Part):
        c.anchor = first
        return j
    if c.weekday is not None and first.kind == "day":
        first = replace(first, weekday=c.weekday)
    if j + 1 < len(toks) and toks[j].kind in JOIN:
        second = _anchor(toks, j + 1, c.rel)
        if second and _joinable(first, second[0]):
            c.anchor = Range(_borrow(first, second[0]), second[0])
            return second[1]
    if first.kind == "day" and first.n is None:
        c.unknown += 1  # "1 tot" with no month after it
        return j
    c.anchor = first
    return j


CLAUSE_READERS: dict[str, Callable[[_Clause, int], int]] = {
    "BY": _by,
    "BEFORE": _modifier,
    "AFTER": _modifier,
    "FROM": _modifier,
    "AROUND": _modifier,
    "IN": _in,
    "UNTIL": _until,
    "THROUGH": _until,
    "PART": _part,
    "WITHIN": _within,
    "OVER": _within,
    "COMING": _within,
    "NEXT": _next,
    "THIS": _rel,
    "LAST": _rel,
    "BETWEEN": _between,
    "VAGUE": _vague,
    "EVENT": _event,
    "WEEKDAY": _weekday,
    "RANGE": _join,
    "AND": _join,
    "WORD": _word,
    **dict.fromkeys(ANCHOR_START, _period),
}


# ----------------------------------------------------------------------------- spans


def _span(toks: list[Token], i: int, single: bool = False, numbered: bool = False) -> SpanAt | None:
    """NUM [RANGE|AND NUM] UNIT at i → (Span, Span | None, next index), else None."""
    n = len(toks)
    lo: int | float | None = None
    hi: int | float | None = None
    j = i
    if j < n and toks[j].kind == "NUM":
        lo = _number(toks[j])
        j += 1
        if j + 1 < n and toks[j].kind in JOIN and toks[j + 1].kind == "NUM":
            hi = _number(toks[j + 1])
            j += 2
            if hi < lo:  # "drie à twee maanden": the range, smallest first
                lo, hi = hi, lo
    if numbered and lo is None:
        return None
    unit = _unit(toks[j]) if j < n else None
    if unit is None:
        return None
    if lo is None:
        # "het komende jaar", "binnen het jaar": one unit, unless a number follows.
        if not single or unit.plural or (j + 1 < n and toks[j + 1].kind in ("YEAR", "NUM")):
            return None
        lo = 1
    return Span.of(lo, unit.name), (Span.of(hi, unit.name) if hi is not None else None), j + 1


# ----------------------------------------------------------------------------- periods


def _anchor(toks: list[Token], i: int, rel: str | None) -> AnchorAt | None:
    """A period starting at token i → (Period or Part, next index), or None."""
    reader = ANCHOR_READERS.get(toks[i].kind)
    return reader(toks, i, rel) if reader is not None else None


def _year_spec(toks: list[Token], i: int) -> tuple[int | None, str | None, int]:
    """A year after a period: YEAR, or THIS/NEXT/LAST + UNIT:year. → (year, rel, next i)."""
    n = len(toks)
    if i >= n:
        return None, None, i
    t = toks[i]
    if t.kind == "YEAR" and isinstance(t.value, int):
        return t.value, None, i + 1
    if i + 1 >= n:
        return None, None, i
    nxt = toks[i + 1]
    if (
        t.kind == "RANGE"
        and nxt.kind == "YEAR"
        and 0 < i
        and toks[i - 1].end == t.start
        and t.end == nxt.start
    ):
        return _as(nxt, int), None, i + 2  # "Q1-2027", "H2/2026"
    if t.kind in REL and (unit := _unit(nxt)) and unit.name == "year":
        return None, REL[t.kind], i + 2
    return None, None, i


def _day_number(t: Token) -> int | None:
    v = t.value
    if t.kind in ("NUM", "ORDNUM") and isinstance(v, int) and 1 <= v <= 31:
        return v
    return None


def _weekday_anchor(toks: list[Token], i: int, rel: str | None) -> AnchorAt | None:
    """ "vrijdag 3 maart": the day, with the weekday said (checked, not needed)."""
    if i + 1 >= len(toks):
        return None
    got = _anchor(toks, i + 1, rel)
    if got and isinstance(got[0], Period) and got[0].kind == "day":
        return replace(got[0], weekday=_as(toks[i], int)), got[1]
    return None


def _date_anchor(toks: list[Token], i: int, rel: str | None) -> AnchorAt | None:
    y, m, d = _as(toks[i], Ymd)  # "1-3-2027", "2027-03-01"
    return Period("day", y, m, d), i + 1


def _year_anchor(toks: list[Token], i: int, rel: str | None) -> AnchorAt | None:
    """ "2026", "2026 Q3", "2026-Q3", "the 2027 budget"."""
    t, n = toks[i], len(toks)
    year = _as(t, int)
    j = i + 1
    if j + 1 < n and toks[j].kind == "RANGE" and toks[j].start == t.end and toks[j + 1].kind == "QH":
        j += 1  # "2026-Q3"
    qh = toks[j].value if j < n else None
    if isinstance(qh, QH):  # "2026 Q3"
        return Period("quarter" if qh.letter == "Q" else "half", year, qh.n), j + 1
    if i + 1 < n and toks[i + 1].kind in NAMED:  # "the 2027 budget"
        nxt = toks[i + 1]
        offset = -1 if nxt.kind == "BUDGETYEAR" else 0
        return Period(NAMED[nxt.kind], year, name=_as(nxt, str), year_offset=offset), i + 2
    return Period("year", year), i + 1


def _day_anchor(toks: list[Token], i: int, rel: str | None) -> AnchorAt | None:
    """ "1 maart [2027]"; a day before a range ("1 tot 15 maart") borrows its month from the
    second (see _borrow)."""
    day = _day_number(toks[i])
    if day is None or i + 1 >= len(toks):
        return None
    nxt = toks[i + 1]
    if nxt.kind == "MONTH":
        y, r, j = _year_spec(toks, i + 2)
        return Period("day", y, _as(nxt, int), day, rel=rel, year_rel=r), j
    if nxt.kind in JOIN:
        return Period("day", None, None, day, rel=rel), i + 1
    return None


def _ordnum_anchor(toks: list[Token], i: int, rel: str | None) -> AnchorAt | None:
    """ "3e maart" is a day; "3e kwartaal" an ordinal."""
    return _day_anchor(toks, i, rel) or _ordinal_anchor(toks, i, rel)


def _month_anchor(toks: list[Token], i: int, rel: str | None) -> AnchorAt | None:
    """ "maart [2027]", and a day after its month ("March 1, 2027")."""
    month, n = _as(toks[i], int), len(toks)
    j = i + 1
    if (
        j < n and (d := _day_number(toks[j])) is not None and not (j + 1 < n and toks[j + 1].kind == "UNIT")
    ):  # (the comma of "March 1, 2027" never reaches a clause: read() drops it)
        y, r, j2 = _year_spec(toks, j + 1)
        return Period("day", y, month, d, rel=rel, year_rel=r), j2
    y, r, j = _year_spec(toks, j)
    return Period("month", y, month, rel=rel, year_rel=r), j


def _qh_anchor(toks: list[Token], i: int, rel: str | None) -> AnchorAt | None:
    qh = _as(toks[i], QH)  # "Q3 2026", "H1"
    y, r, j = _year_spec(toks, i + 1)
    return Period("quarter" if qh.letter == "Q" else "half", y, qh.n, rel=rel, year_rel=r), j


def _ordinal_anchor(toks: list[Token], i: int, rel: str | None) -> AnchorAt | None:
    """ "het eerste kwartaal", "de tweede helft van 2026", "het laatste kwartaal", and a part
    of a month ("de eerste helft van september", "de tweede week van januari")."""
    n = len(toks)
    if i + 1 >= n:
        return None
    nth, nxt = _as(toks[i], int), toks[i + 1]
    unit = _unit(nxt)
    half = nxt.kind == "HALF"
    if (
        nth > 0
        and i + 2 < n
        and toks[i + 2].kind == "MONTH"
        and (half or (unit is not None and unit.name == "week"))
    ):
        part = f"{'half' if half else 'week'}:{nth}"
        if part not in PART_OF_MONTH:
            return None
        y, r, j = _year_spec(toks, i + 3)
        return Part(part, Period("month", y, _as(toks[i + 2], int), rel=rel, year_rel=r)), j
    if unit is not None and unit.name == "quarter":
        which, most = "quarter", 4
    elif half or (unit is not None and unit.name == "halfyear"):
        which, most = "half", 2
    else:
        return None
    num = nth if nth > 0 else most  # "het laatste kwartaal"
    if num > most:
        return None
    y, r, j = _year_spec(toks, i + 2)
    return Period(which, y, num, rel=rel, year_rel=r), j


def _unit_anchor(toks: list[Token], i: int, rel: str | None) -> AnchorAt | None:
    """ "week 12", "kwartaal 2", "de maand maart", "het jaar 2027"; else the unit around the
    reference date ("volgende maand", "eind van de maand", "het jaar")."""
    unit = _as(toks[i], Unit)
    if unit.plural or unit.name == "day":
        return None
    if i + 1 < len(toks):
        nxt = toks[i + 1]
        got = _numbered_unit(toks, i, unit.name, rel)
        if got is not None:
            return got
        if unit.name == "month" and nxt.kind == "MONTH":
            return _anchor(toks, i + 1, rel)  # "de maand maart"
        if unit.name == "year" and nxt.kind == "YEAR":
            return Period("year", _as(nxt, int)), i + 2
    return Period({"halfyear": "half"}.get(unit.name, unit.name), None, None, rel=rel or "this"), i + 1


def _numbered_unit(toks: list[Token], i: int, unit: str, rel: str | None) -> AnchorAt | None:
    """ "week 12", "de week van 12 januari", "kwartaal 2 van 2026", "halfjaar 1"."""
    nxt = toks[i + 1]
    v = nxt.value
    if unit == "week":
        if i + 2 < len(toks) and toks[i + 2].kind == "MONTH" and (d := _day_number(nxt)) is not None:
            y, r, j = _year_spec(toks, i + 3)  # "de week van 12 januari"
            return Period("weekof", y, _as(toks[i + 2], int), d, rel=rel, year_rel=r), j
        if nxt.kind == "NUM" and isinstance(v, int) and 1 <= v <= 53:
            y, r, j = _year_spec(toks, i + 2)
            return Period("week", y, v, rel=rel, year_rel=r), j
    elif (
        unit in ("quarter", "halfyear")
        and nxt.kind == "NUM"
        and isinstance(v, int)
        and v in ((1, 2, 3, 4) if unit == "quarter" else (1, 2))
    ):
        y, r, j = _year_spec(toks, i + 2)
        return Period("quarter" if unit == "quarter" else "half", y, v, rel=rel, year_rel=r), j
    return None


def _named_anchor(toks: list[Token], i: int, rel: str | None) -> AnchorAt | None:
    """A season, recess or budget moment, maybe with its year ("de zomer van 2026")."""
    y, r, j = _year_spec(toks, i + 1)
    return Period(NAMED[toks[i].kind], y, name=_as(toks[i], str), rel=rel, year_rel=r), j


def _budget_year_anchor(toks: list[Token], i: int, rel: str | None) -> AnchorAt | None:
    """ "de begroting 2027" is presented in 2026; without a year, the next presentation."""
    y, r, j = _year_spec(toks, i + 1)
    name = _as(toks[i], str)
    if y is not None or r is not None:  # "de begroting 2027", "de begroting van volgend jaar"
        return Period("budget", y, name=name, year_offset=-1, year_rel=r), j
    return Period("budget", None, name=name, rel=rel), j


ANCHOR_READERS: dict[str, Callable[[list[Token], int, str | None], AnchorAt | None]] = {
    "WEEKDAY": _weekday_anchor,
    "DATE": _date_anchor,
    "YEAR": _year_anchor,
    "NUM": _day_anchor,
    "ORDNUM": _ordnum_anchor,
    "ORD": _ordinal_anchor,
    "MONTH": _month_anchor,
    "QH": _qh_anchor,
    "UNIT": _unit_anchor,
    "SEASON": _named_anchor,
    "RECESS": _named_anchor,
    "BUDGET": _named_anchor,
    "BUDGETYEAR": _budget_year_anchor,
}


def _joinable(first: Period, second: Period | Part) -> bool:
    """Can `first` and `second` make a range? A bare day number needs a day with a month after
    it; a part of a month ("de eerste helft van april") ends a range of periods."""
    if isinstance(second, Part):
        return not (first.kind == "day" and first.n is None)
    if second.kind == "day" and second.n is None:
        return False
    return not (first.kind == "day" and first.n is None) or second.kind == "day"


def _borrow(first: Period | Part, second: Period | Part) -> Period | Part:
    """A range's first end takes what it leaves out from the second ("1 tot 15 maart 2026")."""
    if isinstance(first, Part):
        return Part(first.part, _borrow_period(first.period, second))
    return _borrow_period(first, second)


def _borrow_period(first: Period, second: Period | Part) -> Period:
    if isinstance(second, Part):
        second = second.period
    if first.kind == "day" and first.n is None:
        return Period("day", second.year, second.n, first.day, rel=second.rel)
    relative = first.kind in ("week", "month", "quarter", "half", "year") and first.n is None
    if first.year is None and second.year is not None and not relative:
        return replace(first, year=second.year, rel=None)
    return first
