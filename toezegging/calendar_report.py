"""Which parliamentary dates the open promises rest on, and which of those are estimates.

`toezegging calendar` and `toezegging doctor` read this: the recesses and budget
moments of every year the open promises' windows reach into, each sourced or
estimated, and the open promises whose window was read from an estimated date (a
recess year the data does not hold yet, a Voorjaarsnota without its day).
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from . import parliament
from .parliament import Moment

if TYPE_CHECKING:
    from .model import Promise

# Never show more years than this, however far a promise reaches.
MAX_YEARS = 10


@dataclass
class CalendarReport:
    years: list[int]
    moments: dict[int, list[Moment]]
    on_estimates: "list[Promise]"  # open promises whose window rests on an estimated date


def years_reached(promises: "Sequence[Promise]", today: date) -> list[int]:
    """This year and every year an open promise's window reaches into (at most MAX_YEARS)."""
    years = {today.year}
    for p in promises:
        first = p.earliest or p.reference
        last = p.latest or first
        if first and last:
            years.update(range(min(first.year, last.year), max(first.year, last.year) + 1))
    # Keep the years nearest to today when a promise reaches absurdly far.
    return sorted(sorted(years, key=lambda y: (abs(y - today.year), y))[:MAX_YEARS])


def report(open_promises: "Sequence[Promise]", today: date) -> CalendarReport:
    years = years_reached(open_promises, today)
    return CalendarReport(
        years=years,
        moments={y: parliament.moments_of(y) for y in years},
        on_estimates=[p for p in open_promises if p.estimated and p.latest is not None],
    )
