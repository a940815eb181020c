"""`[calendar] extra`: a clerk's own recess and budget dates, checked like the shipped ones,
winning over estimates; and `toezegging calendar`, which shows what is sourced and warns
about open promises resting on estimates."""

import json
from datetime import date

import pytest

from toezegging import parliament
from toezegging.deadline import parse
from toezegging.errors import ConfigError

RECESSES_2027 = """
[[recess]]
kind = "zomer"
year = 2027
start = 2027-07-09
end = 2027-09-06
source = "recess list 2026-2027, as the Kamer published it"

[voorjaarsnota]
days = [2027-04-14]
source = "Voorjaarsnota 2027, as sent to the Kamer"
"""


@pytest.fixture
def extra(tmp_path):
    """Writes a calendar file and uses it; the shipped calendar comes back afterwards."""

    def use(text: str):
        path = tmp_path / "kalender.toml"
        path.write_text(text, encoding="utf-8")
        parliament.use_extra([path])
        return path

    yield use
    parliament.use_extra([])


def test_an_extra_date_wins_over_the_estimate(extra):
    before = parse("voor de zomer van 2027", date(2026, 11, 27))
    assert before.estimated and before.latest == date(2027, 7, 1)
    path = extra(RECESSES_2027)
    after = parse("voor de zomer van 2027", date(2026, 11, 27))
    assert (after.latest, after.estimated) == (date(2027, 7, 8), False)
    m = parliament.recess("zomer", 2027)
    assert m.source.startswith(path.name) and not m.estimated
    v = parliament.budget("voorjaarsnota", 2027)
    assert (v.start, v.estimated) == (date(2027, 4, 14), False)
    assert parse("na de Voorjaarsnota 2027", date(2026, 11, 27)).earliest == date(2027, 4, 15)


def test_an_extra_date_wins_over_a_shipped_one(extra):
    extra(
        '[[recess]]\nkind = "zomer"\nyear = 2026\nstart = 2026-07-10\nend = 2026-09-07\n'
        'source = "a correction"\n'
    )
    assert parliament.recess("zomer", 2026).start == date(2026, 7, 10)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('[[recess]]\nkind = "zomer"\nyear = 2027\nstart = 2027-07-09\nsource = "x"\n', "lacks end"),
        (
            '[[recess]]\nkind = "pinkster"\nyear = 2027\nstart = 2027-05-14\nend = 2027-05-17\n'
            'source = "x"\n',
            "kind 'pinkster' is not one of",
        ),
        (
            '[[recess]]\nkind = "zomer"\nyear = 2027\nstart = 2027-09-06\nend = 2027-07-09\nsource = "x"\n',
            "must start in 2027 and end on or after its start",
        ),
        (
            '[[recess]]\nkind = "zomer"\nyear = 2027\nstart = "9 juli"\nend = 2027-09-06\nsource = "x"\n',
            "must be a date written as 2027-07-02",
        ),
        (
            '[[recess]]\nkind = "zomer"\nyear = 2027\nstart = 2027-07-09\nend = 2027-09-06\nsource = "  "\n',
            "source is empty",
        ),
        ("[prinsjesdag]\ndays = [2027-09-14]\n", "not the third Tuesday of September"),
        ('[meicirculaire]\nwindow = ["mei", "juni"]\n', "window must be two month-days"),
        ("[kerstreces]\ndays = [2027-12-17]\n", "unknown table 'kerstreces'"),
        ("[[recess]\n", "is not valid TOML"),
    ],
)
def test_a_bad_calendar_file_is_refused_naming_file_and_entry(extra, text, message):
    with pytest.raises(ConfigError, match=message) as e:
        extra(text)
    assert "kalender.toml" in str(e.value)
    # nothing half-used: the shipped calendar still answers
    assert parliament.recess("zomer", 2026).start == date(2026, 7, 3)


def test_a_missing_calendar_file_is_refused(tmp_path):
    with pytest.raises(ConfigError, match="cannot read the calendar file"):
        parliament.use_extra([tmp_path / "nergens.toml"])
    parliament.use_extra([])


def test_the_shipped_calendar_passes_the_same_checks():
    # The same validation reads the shipped files (it runs on every load).
    parliament._recess_data.cache_clear()
    parliament._budget_data.cache_clear()
    assert parliament.known_recesses() and parliament.known_prinsjesdagen()


# ----------------------------------------------------------------------------- the command


def _write_config(tmp_path, extra: list[str]):
    path = tmp_path / "toezegging.toml"
    path.write_text(
        f'[database]\nurl = "sqlite:///{tmp_path / "t.db"}"\n\n[calendar]\nextra = {json.dumps(extra)}\n',
        encoding="utf-8",
    )
    return path


def _cli(config, *args, expect=0):
    from click.testing import CliRunner
    from freezegun import freeze_time

    from toezegging.cli import cli

    with freeze_time("2026-11-27 10:00:00"):
        r = CliRunner().invoke(cli, ["--config", str(config), *args])
    assert r.exit_code == expect, r.output
    return r


def test_calendar_warns_about_promises_on_estimates_and_extra_settles_them(tmp_path, terminal):
    config = _write_config(tmp_path, [])
    _cli(
        config,
        "add",
        "Brief over de evaluatie",
        "--deadline",
        "voor de zomer van 2027",
        "--date",
        "2026-11-27",
        "--yes",
    )
    _cli(config, "add", "Voortgangsbrief", "--deadline", "voor eind 2026", "--date", "2026-11-27", "--yes")
    out = _cli(config, "calendar").output
    assert "2026\n" in out and "2027\n" in out and "2028\n" not in out
    assert "zomerreces" in out and "estimated" in out and "sourced" in out
    assert "Warning: 1 open promise rests on an estimated date" in out
    assert '#1 "voor de zomer van 2027"' in out and "#2" not in out
    data = json.loads(_cli(config, "calendar", "--json").output)
    zomer = [m for m in data["years"]["2027"] if m["kind"] == "zomer"][0]
    assert zomer["estimated"] is True and [p["id"] for p in data["on_estimates"]] == [1]
    # the clerk adds the published dates: the calendar shows them sourced
    extra = tmp_path / "recessen-2027.toml"
    extra.write_text(RECESSES_2027, encoding="utf-8")
    config = _write_config(tmp_path, [str(extra)])
    try:
        data = json.loads(_cli(config, "calendar", "--json").output)
        zomer = [m for m in data["years"]["2027"] if m["kind"] == "zomer"][0]
        assert zomer["estimated"] is False and zomer["start"] == "2027-07-09"
        assert zomer["source"].startswith("recessen-2027.toml")
        # a promise added now reads the published date
        out = _cli(
            config,
            "add",
            "Nog een brief",
            "--deadline",
            "voor de zomer van 2027",
            "--date",
            "2026-11-27",
            "--yes",
            "--json",
        ).stdout
        assert json.loads(out)["latest"] == "2027-07-08"
    finally:
        parliament.use_extra([])


def test_a_bad_extra_file_stops_every_command_with_a_clear_message(tmp_path):
    bad = tmp_path / "kapot.toml"
    bad.write_text('[[recess]]\nkind = "zomer"\n', encoding="utf-8")
    config = _write_config(tmp_path, [str(bad)])
    r = _cli(config, "list", expect=1)
    assert "kapot.toml" in r.output and "lacks" in r.output and "Traceback" not in r.output
