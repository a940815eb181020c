"""Dates of periods: ISO weeks, quarters, thirds, adding months, picking an occurrence."""

import calendar
from dataclasses import replace
from datetime import date, timedelta

from .. import parliament
from .expr import Period, Span

ONE_DAY = timedelta(days=1)
YEAR_REL = {"this": 0, "next": 1, "last": -1}


def days_in_month(y: int, m: int) -> int:
    return 29 if m == 2 and calendar.isleap(y) else _DAYS[m]


_DAYS = (0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def month_end(y: int, m: int) -> date:
    return date(y, m, days_in_month(y, m))


def add(d: date, span: Span, sign: int = 1) -> date:
    """Add months (keeping the day, clipped to the month's end) and days."""
    if span.months:
        total = d.year * 12 + d.month - 1 + sign * span.months
        y, m = divmod(total, 12)
        d = date(y, m + 1, min(d.day, days_in_month(y, m + 1)))
    if span.days:
        d += timedelta(days=sign * span.days)
    return d


class Occurrence:
    """One occurrence of a period: start, end, the day "voor" refers to, and where from."""

    __slots__ = ("start", "end", "boundary", "estimated", "period", "moment")

    def __init__(
        self,
        start: date,
        end: date,
        period: Period,
        boundary: date | None = None,
        estimated: bool = False,
        moment: parliament.Moment | None = None,
    ) -> None:
        self.start, self.end = start, end
        self.boundary = boundary or start
        self.estimated = estimated
        self.period = period
        self.moment = moment


SEASONS = {"spring": (3, 5), "summer": (6, 8), "autumn": (9, 11), "winter": (12, 2)}


def _n(p: Period) -> int:
    """The number a named period has: its month, week, quarter or half."""
    if p.n is None:
        raise TypeError(f"a {p.kind} without its number: {p}")
    return p.n


def _day(p: Period) -> int:
    if p.day is None:
        raise TypeError(f"a {p.kind} without its day: {p}")
    return p.day


def _name(p: Period) -> str:
    """The name of a season, recess or budget moment."""
    if p.name is None:
        raise TypeError(f"a {p.kind} without its name: {p}")
    return p.name


def occurrence(p: Period, year: int) -> Occurrence | None:
    """The occurrence of `p` in `year`, or None where there is none (week 53, 30 Feb)."""
    k = p.kind
    try:
        if k == "day":
            d = date(year, _n(p), _day(p))
            return Occurrence(d, d, p)
        if k == "month":
            return Occurrence(date(year, _n(p), 1), month_end(year, _n(p)), p)
        if k == "week":
            start = date.fromisocalendar(year, _n(p), 1)
            return Occurrence(start, start + timedelta(days=6), p)
        if k == "weekof":  # the ISO week holding a day
            d = date(year, _n(p), _day(p))
            start = d - timedelta(days=d.weekday())
            return Occurrence(start, start + timedelta(days=6), p)
        if k == "quarter":
            m = 3 * (_n(p) - 1) + 1
            return Occurrence(date(year, m, 1), month_end(year, m + 2), p)
        if k == "half":
            m = 6 * (_n(p) - 1) + 1
            return Occurrence(date(year, m, 1), month_end(year, m + 5), p)
        if k == "year":
            return Occurrence(date(year, 1, 1), date(year, 12, 31), p)
        if k == "season":
            first, last = SEASONS[_name(p)]
            end_year = year + 1 if last < first else year
            return Occurrence(date(year, first, 1), month_end(end_year, last), p)
        if k == "recess":
            moment = parliament.recess(_name(p), year)
            return Occurrence(moment.start, moment.end, p, estimated=moment.estimated, moment=moment)
        if k == "budget":
            moment = parliament.budget(_name(p), year + p.year_offset)
            boundary = date(year + 1, 1, 1) if p.name == "jaarwisseling" else None
            return Occurrence(moment.start, moment.end, p, boundary, moment.estimated, moment)
    except ValueError:
        return None
    raise ValueError(f"unknown period kind {k}")


def occurrences_around(p: Period, ref: date) -> list[Occurrence]:
    """The period's occurrences from the year before `ref` to two years after, by start."""
    if p.kind == "recess" and p.name == "any":
        out = [
            Occurrence(m.start, m.end, Period("recess", m.year, name=m.kind), None, m.estimated, m)
            for m in parliament.recesses_around(ref)
        ]
        return out
    if p.kind in ("week", "month", "quarter", "half", "year") and p.n is None:
        return _containing(p, ref)
    # Occurrences of one period start later each year, so this is in order of start.
    return [o for y in range(ref.year - 1, ref.year + 3) if (o := occurrence(p, y)) is not None]


def _containing(p: Period, ref: date) -> list[Occurrence]:
    """This/next/last week, month, quarter, half or year, around `ref`."""
    k = p.kind
    out = []
    if k == "week":
        monday = ref - timedelta(days=ref.weekday())
        for w in (-1, 0, 1):
            s = monday + timedelta(weeks=w)
            out.append(Occurrence(s, s + timedelta(days=6), p))
        return out
    size = {"month": 1, "quarter": 3, "half": 6, "year": 12}[k]
    first = (ref.month - 1) // size * size + 1
    base = date(ref.year, first, 1)
    for step in (-1, 0, 1):
        s = add(base, Span(months=size * step))
        e = add(s, Span(months=size)) - ONE_DAY
        out.append(Occurrence(s, e, p))
    return out


def pick(p: Period, ref: date, rule: str) -> Occurrence:
    """The occurrence the phrase means: by its year, or by `rel` and the modifier's rule.

    rule "starts_after": the first whose "voor"-day comes after ref (for "voor");
    "not_ended": the first that has not ended on ref (every other modifier).
    """
    if p.kind == "weekday":
        return _weekday(p, ref)
    if p.year is None and p.year_rel is not None:
        p = replace(p, year=ref.year + YEAR_REL[p.year_rel], year_rel=None)
    if p.kind == "recess" and p.name == "any" and p.year is not None:
        # "het reces van 2027": the first recess of any kind in that year.
        return next(o for o in occurrences_around(p, date(p.year, 1, 1)) if o.start.year == p.year)
    if p.year is not None:
        o = occurrence(p, p.year)
        if o is None:
            raise ValueError(f"no such date: {p}")
        return o
    if p.rel is None and not (p.kind == "recess" and p.name == "any"):
        # The common case, without building every candidate: walk the years in order,
        # from last year only for periods that can reach into this one.
        first = ref.year - 1 if _crosses_new_year(p) else ref.year
        for y in range(first, ref.year + 3):
            o = occurrence(p, y)
            if o is not None and (o.boundary > ref if rule == "starts_after" else o.end >= ref):
                return o
    cands = occurrences_around(p, ref)
    if p.rel == "next":
        return next(o for o in cands if o.start > ref)
    if p.rel == "last":
        if p.kind in ("week", "month", "quarter", "half", "year") and p.n is None:
            return cands[0]  # "vorig jaar", "last month": the one before the current
        return [o for o in cands if o.start < ref][-1]
    if rule == "starts_after":
        return next(o for o in cands if o.boundary > ref)
    return next(o for o in cands if o.end >= ref)


def _weekday(p: Period, ref: date) -> Occurrence:
    """ "komende maandag": the first such day after `ref` ("deze": from `ref` on; "afgelopen":
    the last one before it)."""
    weekday = _n(p)  # Monday = 0
    ahead = (weekday - ref.weekday()) % 7
    if p.rel == "last":
        d = ref - timedelta(days=(ref.weekday() - weekday) % 7 or 7)
    else:
        d = ref + timedelta(days=ahead or (0 if p.rel == "this" else 7))
    return Occurrence(d, d, p)


def _crosses_new_year(p: Period) -> bool:
    """Can an occurrence that starts in one year still run in the next?"""
    return p.kind in ("week", "weekof") or p.name in ("winter", "kerst", "jaarwisseling")


def part_of(part: str, start: date, end: date) -> tuple[date, date]:
    """begin/mid/end: a third; half:N: a half; week:N: days 7N-6..7N of a month."""
    if part in ("begin", "mid", "end"):
        return thirds(start, end)[("begin", "mid", "end").index(part)]
    which, _, number = part.partition(":")
    n = int(number)
    if which == "half":
        mid = midpoint(start, end)
        return (start, mid) if n == 1 else (mid + ONE_DAY, end)
    first = start + timedelta(days=7 * (n - 1))
    if first > end:
        raise ValueError(f"{part} of a period that is not that long")
    return first, min(first + timedelta(days=6), end)


def thirds(start: date, end: date) -> tuple[tuple[date, date], ...]:
    """A period in three: by months where it is whole months, by days otherwise."""
    months = _whole_months(start, end)
    if months == 1:
        e = end.day
        return (
            (start, start.replace(day=10)),
            (start.replace(day=11), start.replace(day=20)),
            (start.replace(day=21), start.replace(day=e)),
        )
    if months and months % 3 == 0:
        step = Span(months=months // 3)
        a = add(start, step)
        b = add(a, step)
        return (start, a - ONE_DAY), (a, b - ONE_DAY), (b, end)
    days = (end - start).days + 1
    if days < 3:  # a day or two has no thirds: each part is the whole
        return (start, end), (start, end), (start, end)
    a = start + timedelta(days=days // 3)
    b = start + timedelta(days=2 * days // 3)
    return (start, a - ONE_DAY), (a, b - ONE_DAY), (b, end)


def midpoint(start: date, end: date) -> date:
    """The middle of a period: the end of its first half of months, or the 15th."""
    months = _whole_months(start, end)
    if months == 1:
        return start.replace(day=15)
    if months and months % 2 == 0:
        return add(start, Span(months=months // 2)) - ONE_DAY
    if months:
        mid = add(start, Span(months=months // 2))
        return mid.replace(day=15)
    return start + timedelta(days=(end - start).days // 2)


def _whole_months(start: date, end: date) -> int:
    if start.day != 1 or end != month_end(end.year, end.month):
        return 0
    return (end.year - start.year) * 12 + end.month - start.month + 1
