"""The timeline's geometry: where each bar, ghost, tick and the line for today go.

The SVG is drawn on the server (`templates/_timeline.html.j2`) from these numbers.
Positions along the time axis are percentages of a track's width, so the drawing
stretches to any screen while the labels beside it stay HTML text that wraps.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta

MIN_WIDTH = 0.7  # percent: a window of one day stays visible
TICK_STEPS = (1, 2, 3, 6, 12, 24, 60)  # months between ticks


@dataclass
class Span:
    x: float  # percent from the left
    w: float  # percent of the width

    @property
    def end(self) -> float:
        return self.x + self.w


@dataclass
class Tick:
    x: float
    label: str


@dataclass
class Row:
    """One promise (or one state of a promise's history) on the timeline."""

    label: str
    css: str  # open, soon, overdue, closed, waiting, ended (closed, no date), past, now
    bar: Span
    detail: str = ""  # said to screen readers after the label: window, state, moves
    href: str = ""
    ghosts: list[Span] = field(default_factory=list)
    pid: int | None = None  # the promise's id


@dataclass
class Lane:
    """A block of rows under a heading: a ministry, or the promises waiting on an event."""

    title: str
    rows: list[Row]
    href: str = ""
    note: str = ""
    id: str = ""


class Scale:
    """Days from `start` (inclusive) to `end` (exclusive) onto 0..100 percent."""

    def __init__(self, start: date, end: date) -> None:
        self.start, self.end = start, max(end, start + timedelta(days=1))
        self.days = (self.end - self.start).days

    @classmethod
    def spanning(cls, days: Iterable[date]) -> "Scale":
        """From the first of the month of the earliest day to the end of the month of the
        latest (and at least two months)."""
        days = list(days)
        lo, hi = min(days), max(days)
        start = lo.replace(day=1)
        end = _add_months(hi.replace(day=1), 1)
        if (end - start).days < 58:
            start, end = _add_months(start, -1), _add_months(end, 1)
        return cls(start, end)

    def x(self, d: date) -> float:
        return round(max(0.0, min(100.0, (d - self.start).days / self.days * 100)), 3)

    def span(self, first: date | None, last: date) -> Span:
        """The days `first` to `last`, both included (a missing first day: `last` alone)."""
        first = first or last
        x, end = self.x(first), self.x(last + timedelta(days=1))
        w = max(end - x, MIN_WIDTH)
        if x + w > 100:
            x = max(0.0, 100 - w)
        return Span(round(x, 3), round(w, 3))

    def ticks(self, months: list[str], most: int = 6) -> list[Tick]:
        total = (self.end.year - self.start.year) * 12 + self.end.month - self.start.month
        step = next((s for s in TICK_STEPS if total / s <= most), TICK_STEPS[-1])
        out, d = [], self.start
        while d < self.end:
            index = d.year * 12 + d.month - 1
            if index % step == 0:
                label = str(d.year) if step >= 12 else f"{months[d.month - 1]} {d.year}"
                out.append(Tick(self.x(d), label))
            d = _add_months(d, 1)
        return out


def _add_months(d: date, n: int) -> date:
    index = d.year * 12 + d.month - 1 + n
    return date(index // 12, index % 12 + 1, 1)
