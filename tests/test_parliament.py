"""The parliamentary calendar: data with sources, laws in code, and a test that they agree."""

from datetime import date, timedelta

import pytest

from toezegging import parliament
from toezegging.parliament import RECESS_KINDS


def test_prinsjesdag_in_the_data_is_the_third_tuesday_of_september():
    days = parliament.known_prinsjesdagen()
    assert days, "calendars/budget.toml lists no Prinsjesdag"
    for d in days:
        law = parliament.prinsjesdag(d.year)
        assert d == law, f"{d} in the data, the Grondwet says {law}"
        assert d.weekday() == 1 and d.month == 9 and 15 <= d.day <= 21


@pytest.mark.parametrize("m", parliament.known_recesses(), ids=lambda m: f"{m.kind}{m.year}")
def test_every_sourced_recess(m):
    assert m.source, f"{m.kind} {m.year} has no source"
    assert m.start <= m.end
    assert m.kind in RECESS_KINDS
    if m.name != "verkiezingsreces":  # the one exception of the spec
        assert (m.start.weekday(), m.end.weekday()) == (4, 0), "a recess runs Friday to Monday"
        # The estimate rule for the year agrees with the sourced dates.
        est = _estimate(m.kind, m.year)
        assert (est.start, est.end) == (m.start, m.end), f"rule gives {est.start}..{est.end}"


def _estimate(kind, year):
    """The estimate rule alone, bypassing the data."""
    data = parliament._recess_data()
    saved = data.pop((kind, year))
    try:
        return parliament.recess(kind, year)
    finally:
        data[(kind, year)] = saved


@pytest.mark.parametrize("kind", RECESS_KINDS)
@pytest.mark.parametrize("year", range(2027, 2041))
def test_estimated_recesses_follow_the_rules(kind, year):
    m = parliament.recess(kind, year)
    assert m.estimated
    assert m.start.weekday() == 4 and m.end.weekday() == 0
    assert m.start.year == year


def test_estimated_windows_for_budget_moments_without_a_day():
    v = parliament.budget("voorjaarsnota", 2026)
    assert (v.start, v.end, v.estimated) == (date(2026, 4, 1), date(2026, 5, 31), True)
    known = parliament.budget("voorjaarsnota", 2024)
    assert (known.start, known.end, known.estimated) == (date(2024, 4, 15), date(2024, 4, 15), False)


def test_verantwoordingsdag_is_the_third_wednesday_of_may():
    d = parliament.budget("verantwoordingsdag", 2026).start
    assert d == date(2026, 5, 20) and d.weekday() == 2
    assert d - timedelta(days=14) >= date(2026, 5, 1)


def test_the_kerstreces_of_a_year_starts_in_december_of_that_year():
    m = parliament.recess("kerst", 2025)
    assert (m.start, m.end) == (date(2025, 12, 19), date(2026, 1, 12))
