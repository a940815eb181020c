"""The parliamentary calendar: recesses and budget moments, read from `calendars/`.

Facts (recess dates, known budget days) are data with their source; laws are code:
Prinsjesdag is the third Tuesday of September (Grondwet art. 65). A year that the data
lacks falls back to the estimate rules of `calendars/rules.toml`, and the `Moment`
returned says `estimated=True`.
"""

import tomllib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import cache
from importlib import resources
from pathlib import Path

from .errors import ConfigError

RECESS_KINDS = ("zomer", "kerst", "krokus", "mei", "herfst")
BUDGET_KINDS = (
    "prinsjesdag",
    "voorjaarsnota",
    "najaarsnota",
    "meicirculaire",
    "septembercirculaire",
    "decembercirculaire",
    "begrotingsbehandeling",
    "verantwoordingsdag",
    "jaarwisseling",
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


# Files of extra dates (`[calendar] extra`), set by `use_extra`; their dates win.
_extra: tuple[Path, ...] = ()


def _shipped(name: str) -> dict:
    with resources.files("toezegging.calendars").joinpath(name).open("rb") as f:
        return tomllib.load(f)


def _read_extra(path: Path) -> dict:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as e:
        raise ConfigError(
            f"cannot read the calendar file {path} ([calendar] extra): {e.strerror or e}."
        ) from None
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as e:
        raise ConfigError(f"the calendar file {path} ([calendar] extra) is not valid TOML: {e}.") from None


def _date_of(value: object, where: str) -> date:
    if isinstance(value, datetime) or not isinstance(value, date):
        raise ConfigError(f"{where} must be a date written as 2027-07-02, got {value!r}.")
    return value


def _recesses_from(data: dict, where: str, origin: str) -> list[Moment]:
    """The [[recess]] tables of a calendar file, checked; `origin` prefixes their source."""
    unknown = set(data) - {"recess"} - set(BUDGET_KINDS)
    if unknown:
        raise ConfigError(
            f"{where}: unknown table {sorted(unknown)[0]!r}; a calendar file holds "
            f"[[recess]] tables and budget moments ({', '.join(BUDGET_KINDS)})."
        )
    entries = data.get("recess", [])
    if not isinstance(entries, list):
        raise ConfigError(f"{where}: recess must be a list of [[recess]] tables.")
    out = []
    for i, r in enumerate(entries, 1):
        at = f"{where}, [[recess]] number {i}"
        missing = [k for k in ("kind", "year", "start", "end", "source") if k not in r]
        if missing:
            raise ConfigError(
                f"{at} lacks {', '.join(missing)}; each recess gives kind, year, start, end and source."
            )
        if r["kind"] not in RECESS_KINDS:
            raise ConfigError(f"{at}: kind {r['kind']!r} is not one of {', '.join(RECESS_KINDS)}.")
        if not isinstance(r["year"], int) or isinstance(r["year"], bool):
            raise ConfigError(f"{at}: year must be a number such as 2027.")
        start, end = _date_of(r["start"], f"{at}: start"), _date_of(r["end"], f"{at}: end")
        if end < start or start.year != r["year"]:
            raise ConfigError(
                f"{at}: a recess of {r['year']} must start in {r['year']} and end "
                f"on or after its start ({start} .. {end})."
            )
        if not str(r["source"]).strip():
            raise ConfigError(f"{at}: source is empty; say where the dates come from.")
        source = f"{origin}: {r['source']}" if origin else str(r["source"])
        out.append(Moment(r["kind"], r["year"], start, end, False, source, str(r.get("name", ""))))
    return out


def _budget_from(data: dict, where: str) -> dict:
    """The budget moments of a calendar file, checked."""
    out = {}
    for kind, table in data.items():
        if kind == "recess":
            continue
        at = f"{where}, [{kind}]"
        if not isinstance(table, dict):
            raise ConfigError(f"{at} must be a table.")
        allowed = {"name", "source", "days", "window", "rule"}
        if extra := set(table) - allowed:
            raise ConfigError(f"{at}: unknown key {sorted(extra)[0]!r}; use name, days, window, source.")
        days = table.get("days", [])
        if not isinstance(days, list):
            raise ConfigError(f"{at}: days must be a list of dates.")
        table = dict(table, days=[_date_of(d, f"{at}: days") for d in days])
        if kind == "prinsjesdag":
            for d in table["days"]:
                if d != prinsjesdag(d.year):
                    raise ConfigError(
                        f"{at}: {d} is not the third Tuesday of September; "
                        "Prinsjesdag follows from Grondwet art. 65."
                    )
        window = table.get("window")
        if window is not None:
            ok = isinstance(window, list) and len(window) == 2
            try:
                ok = ok and all(_md(2024, w) for w in window)
            except (ValueError, AttributeError):
                ok = False
            if not ok:
                raise ConfigError(f'{at}: window must be two month-days such as ["04-01", "05-31"].')
        out[kind] = table
    return out


@cache
def _recess_data() -> dict[tuple[str, int], Moment]:
    out = {
        (m.kind, m.year): m for m in _recesses_from(_shipped("recesses.toml"), "calendars/recesses.toml", "")
    }
    for path in _extra:
        for m in _recesses_from(_read_extra(path), str(path), path.name):
            out[(m.kind, m.year)] = m
    return out


@cache
def _rules() -> dict:
    return _shipped("rules.toml")


@cache
def _budget_data() -> dict:
    data = _budget_from(_shipped("budget.toml"), "calendars/budget.toml")
    for path in _extra:
        for kind, table in _budget_from(_read_extra(path), str(path)).items():
            merged = dict(data.get(kind, {}))
            merged["days"] = sorted({*merged.get("days", []), *table.get("days", [])})
            if table.get("source"):
                merged["source"] = f"{path.name}: {table['source']}"
            if "window" in table:
                merged["window"] = table["window"]
            data[kind] = merged
    return data


def use_extra(paths: Iterable[str | Path]) -> None:
    """Read recess and budget dates from these files too (`[calendar] extra`); their dates
    win over the shipped ones and over estimates. Every file is checked now: a bad one is a
    `ConfigError` naming the file and entry."""
    global _extra
    files = tuple(Path(p) for p in paths)
    if files == _extra:
        return
    previous = _extra
    _extra = files
    _recess_data.cache_clear()
    _budget_data.cache_clear()
    try:
        _recess_data()
        _budget_data()
    except ConfigError:
        _extra = previous
        _recess_data.cache_clear()
        _budget_data.cache_clear()
        raise


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
    return Moment(
        kind,
        year,
        start,
        start + timedelta(days=rule["days"]),
        estimated=True,
        source="estimate rule, calendars/rules.toml",
    )


def recesses_around(ref: date) -> list[Moment]:
    """Every recess of the year before, of and after `ref`, in order of start."""
    out = [recess(k, y) for y in (ref.year - 1, ref.year, ref.year + 1) for k in RECESS_KINDS]
    return sorted(out, key=lambda m: m.start)


def budget(kind: str, year: int) -> Moment:
    """The budget moment of `kind` in `year`: a known day, or its window (estimated)."""
    if kind in ("prinsjesdag", "septembercirculaire"):
        day = prinsjesdag(year)
        return Moment(kind, year, day, day, False, "Grondwet art. 65")
    data = _budget_data()[kind]
    if kind == "verantwoordingsdag":
        day = nth_weekday(year, 5, 2, 3)
        return Moment(kind, year, day, day, False, data["source"])
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


# The budget moments a year's overview shows, in the order of the parliamentary year.
OVERVIEW_BUDGET = (
    "voorjaarsnota",
    "verantwoordingsdag",
    "meicirculaire",
    "prinsjesdag",
    "begrotingsbehandeling",
    "najaarsnota",
    "decembercirculaire",
)


def moments_of(year: int) -> list[Moment]:
    """Every recess that starts in `year` and the budget moments of `year`, by start."""
    out = [recess(k, year) for k in RECESS_KINDS] + [budget(k, year) for k in OVERVIEW_BUDGET]
    return sorted(out, key=lambda m: (m.start, m.kind))


def label(m: Moment) -> str:
    """How the calendar names a moment: its own name (the verkiezingsreces of 2025), else
    the `name` of its kind in calendars/rules.toml or budget.toml."""
    if m.name:
        return m.name
    table = _rules() if m.kind in RECESS_KINDS else _budget_data()
    kind = "prinsjesdag" if m.kind == "septembercirculaire" else m.kind
    return table.get(kind, {}).get("name", m.kind)
