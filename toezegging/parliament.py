"""The parliamentary calendar: recesses and budget moments, read from `calendars/`.

Facts (recess dates, known budget days) are data with their source; laws are code:
Prinsjesdag is the third Tuesday of September (Grondwet art. 65). A year that the data
lacks falls back to the estimate rules of `calendars/rules.toml`, and the `Moment`
returned says `estimated=True`.
"""

import tomllib
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache
from importlib import resources

RECESS_KINDS = ("zomer", "kerst", "krokus", "mei", "herfst")
BUDGET_KINDS = (
    "prinsjesdag", "voorjaarsnota", "najaarsnota", "meicirculaire", "septembercirculaire",
    "decembercirculaire", "begrotingsbehandeling", "verantwoordingsdag", "jaarwisseling",
)


@dataclass(frozen=True, slots=True)
class Moment:
    """A recess or budget moment: `start`..`end` inclusive (one day when they are equal)."""

    kind: str
    year: int
    start: date
    end: date
    estimated: bool = False
    source: str = ""
    name: str = ""


def _load(name: str) -> dict:
    with resources.files("toezegging.calendars").joinpath(name).open("rb") as f:
        return tomllib.load(f)


@cache
def _recess_data() -> dict[tuple[str, int], Moment]:
    out = {}
    for r in _load("recesses.toml")["recess"]:
        m = Moment(r["kind"], r["year"], r["start"], r["end"], False, r["source"], r.get("name", ""))
        out[(m.kind, m.year)] = m
    return out


@cache
def _rules() -> dict:
    return _load("rules.toml")


@cache
def _budget_data() -> dict:
    return _load("budget.toml")


def _md(year: int, md: str) -> date:
    month, day = md.split("-")
    return date(year, int(month), int(day))


def nth_weekday(year: int, month: int, weekday: int, n: int) -> date:
    """The n-th `weekday` (Monday = 0) of a month."""
    first = date(year, month, 1)
    return first + timedelta(days=(weekday - first.weekday()) % 7 + 7 * (n - 1))


def prinsjesdag(year: int) -> date:
    """Grondwet art. 65: the budget is presented on the third Tuesday of September."""
    return nth_weekday(year, 9, 1, 3)


def recess(kind: str, year: int) -> Moment:
    """The recess of `kind` that starts in `year` (the kerstreces of Y starts in December Y)."""
    known = _recess_data().get((kind, year))
    if known:
        return known
    rule = _rules()[kind]
    lo = _md(year, rule["friday_from"])
    start = lo + timedelta(days=(4 - lo.weekday()) % 7)
    return Moment(kind, year, start, start + timedelta(days=rule["days"]), estimated=True,
                  source="estimate rule, calendars/rules.toml")


def recesses_around(ref: date) -> list[Moment]:
    """Every recess of the year before, of and after `ref`, in order of start."""
    out = [recess(k, y) for y in (ref.year - 1, ref.year, ref.year + 1) for k in RECESS_KINDS]
    return sorted(out, key=lambda m: m.start)


def budget(kind: str, year: int) -> Moment:
    """The budget moment of `kind` in `year`: a known day, or its window (estimated)."""
    if kind in ("prinsjesdag", "septembercirculaire"):
        day = prinsjesdag(year)
        return Moment(kind, year, day, day, False, "Grondwet art. 65")
    if kind == "verantwoordingsdag":
        day = nth_weekday(year, 5, 2, 3)
        return Moment(kind, year, day, day, False, _budget_data()[kind]["source"])
    data = _budget_data()[kind]
    for d in data.get("days", []):
        if d.year == year:
            return Moment(kind, year, d, d, False, data.get("source", ""))
    lo, hi = data["window"]
    start, end = _md(year, lo), _md(year, hi)
    if end < start:  # a window across the turn of the year
        end = _md(year + 1, hi)
    # A fixed window for a moment whose day is not known is an estimate, except for
    # the moments that are themselves a window (the budget debates, the turn of the year).
    estimated = kind not in ("begrotingsbehandeling", "jaarwisseling", "najaarsnota")
    return Moment(kind, year, start, end, estimated, data.get("source", ""))


def known_prinsjesdagen() -> list[date]:
    return list(_budget_data()["prinsjesdag"]["days"])


def known_recesses() -> list[Moment]:
    return list(_recess_data().values())
