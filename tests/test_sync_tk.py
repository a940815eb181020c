"""`toezegging sync tk` end to end: a local server answering like the Kamer's OData API
(tests/odata_server.py, fixtures in tests/tk_odata/), the real CLI, a real database; the
register, its history, the feeds (strict parsers) and the reminders after each sync."""

import json
import os
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime

import pytest
from feed_checks import check_feed
from odata_server import FakeOData, load
from sqlmodel import Session, select

from toezegging.model import DeadlineChange, SyncRecord, SyncState
from toezegging.store import Store

CHANGES = load("wijzigingen.json")


@pytest.fixture
def server():
    with FakeOData(load("toezeggingen.json"), page_size=4) as s:
        yield s


def _config(home, url: str, extra: str = "") -> None:
    folder = home / "config" / "toezegging"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "toezegging.toml").write_text(
        f"""
[sync.tk]
url = "{url}"
retries = 3
backoff = 0.0
{extra}
[mail]
transport = "file"
folder = "{home / "mail"}"
to = ["staf@example.org"]

[reminders]
quiet_hours = []
""",
        encoding="utf-8",
    )


@pytest.fixture
def cli(toezegging_cli, server):
    _config(toezegging_cli.home, server.url)
    toezegging_cli.today = "2025-07-20"
    return toezegging_cli


def everything(cli) -> dict[str, dict]:
    """Every promise by number, removed ones too (the export), with its history."""
    return {p["number"]: p for p in json.loads(cli("export").stdout)}


def listed(cli, *args) -> list[dict]:
    return json.loads(cli("list", "--json", "--status", "all", *args).stdout)


def state(cli) -> list[SyncState]:
    s = Store(cli.url)
    try:
        with Session(s.engine) as session:
            return list(session.exec(select(SyncState)))
    finally:
        s.dispose()


def moment(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone(UTC)


# ----------------------------------------------------------------------------- a first sync


def test_a_first_sync_reads_three_pages_and_fills_the_register(cli, server):
    r = cli("sync", "tk")
    assert server.pages_served() == [1, 2, 3]
    first, second = server.requests[0]["query"], server.requests[1]["query"]
    assert first["$orderby"] == ["GewijzigdOp asc"] and first["$count"] == ["true"]
    assert first["$expand"][0].startswith("Activiteit(") and "KamerbriefNakoming" in first["$expand"][0]
    assert "$filter" not in first  # no mark yet, no filters
    assert second["$skiptoken"] == ["4"] and second["$expand"] == first["$expand"]
    assert server.requests[0]["headers"]["User-Agent"].startswith("toezegging/")

    got = everything(cli)
    assert len(got) == 10 and "TZ202506-044" not in got  # deleted at the Kamer: never added
    a = got["TZ202504-031"]
    assert (a["source"], a["by"], a["function"], a["ministry"]) == (
        "Commissiedebat Zeden, 3 april 2025",
        "D.M. van Weel",
        "Minister van Justitie en Veiligheid",
        "Justitie en Veiligheid",
    )
    assert (a["reference"], a["deadline"], a["latest"], a["status"]) == (
        "2025-04-03",
        "voor de zomer",
        "2025-07-03",
        "open",
    )
    assert a["explanation"].startswith("Gelezen uit de tekst van de toezegging: 'voor de zomer'")
    dated = got["TZ202505-140"]  # DatumNakoming wins over a phrase in the text
    assert (dated["deadline"], dated["latest"], dated["ministry"]) == (
        "2025-12-01",
        "2025-12-01",
        "Volksgezondheid, Welzijn en Sport",
    )
    assert dated["explanation"].startswith("Datum nakoming in het register van de Tweede Kamer")
    unicode = got["TZ202505-152"]
    assert "‘meldcode’" in unicode["text"] and "Curaçao" in unicode["text"]
    assert unicode["ministry"] == "Onderwijs, Cultuur en Wetenschap"
    nameless = got["TZ202506-007"]  # no name, no Ministerie: the ministry from the Functie
    assert (nameless["by"], nameless["ministry"]) == (None, "Justitie en Veiligheid")
    unread = got["TZ202506-011"]
    assert (unread["deadline"], unread["latest"], unread["open_ended"]) == ("", None, True)
    done = got["TZ202506-020"]
    assert (done["status"], done["fulfilled_by"], done["closed_on"]) == (
        "fulfilled",
        "Voortgang tijdelijk huisverbod (2025D27431)",
        "2025-06-30",
    )
    one = got["TZ202507-010"]  # Activiteit as one entity instead of a collection
    assert one["source"] == "Plenair debat over het rapport ‘Femicide in beeld’, 3 juli 2025"
    assert one["ministry"] == "Justitie en Veiligheid"  # from "Ministerie van Justitie en ..."

    assert "10 new, 0 updated, 0 closed, 0 removed, 0 conflicts" in r.stdout
    assert "no deadline read in 1: TZ202506-011 (#7)" in r.stdout
    assert "3 pages, 11 records" in r.stdout
    (st,) = state(cli)
    assert st.high_water == moment("2025-07-04T12:00:00+02:00") and st.last_run_at is not None


def test_filters_from_the_config_and_from_options(cli, server):
    _config(cli.home, server.url, 'ministries = ["OCW"]')
    cli("sync", "tk")
    assert list(everything(cli)) == ["TZ202505-152"]
    query = server.requests[0]["query"]["$filter"][0]
    assert "contains(Ministerie,'OCW')" in query and query.startswith("(Verwijderd eq true or")
    r = cli(
        "sync",
        "tk",
        "--ministry",
        "Justitie en Veiligheid",
        "--match",
        "huiselijk geweld",
        "--since",
        "2025-05-01",
    )
    assert sorted(everything(cli)) == [
        "TZ202505-101",
        "TZ202505-152",
        "TZ202506-007",
        "TZ202506-011",
        "TZ202506-020",
        "TZ202507-010",
    ]
    # TZ202505-101 matches on its debate's subject ("Huiselijk geweld en kindermishandeling")
    assert "5 new" in r.stdout
    assert len(state(cli)) == 2  # a mark per set of filters


def test_tags_from_the_config_go_on_the_promises_the_sync_adds(cli, server):
    _config(cli.home, server.url, 'tags = ["tk", "Huiselijk-geweld"]\nministries = ["LNV"]')
    cli("sync", "tk")
    assert [p["tags"] for p in listed(cli)] == [["tk", "huiselijk-geweld"]]


# ----------------------------------------------------------------------------- a second sync


def test_a_second_sync_with_nothing_new_changes_nothing_and_sends_no_mail(cli, server, tmp_path):
    cli("sync", "tk")
    first = cli("remind", "--now", "2025-07-21T09:00")
    assert "sent" in first.stdout
    before, mark = cli("export").stdout, state(cli)[0].high_water
    feeds_before = cli("feeds", "build", "--out", str(tmp_path / "a")) and {
        p.name: p.read_bytes() for p in (tmp_path / "a").iterdir()
    }

    r = cli("sync", "tk")
    assert "0 new, 0 updated, 0 closed, 0 removed, 0 conflicts, 1 unchanged" in r.stdout
    assert server.requests[-1]["query"]["$filter"] == ["GewijzigdOp ge 2025-07-04T10:00:00Z"]
    assert cli("export").stdout == before and state(cli)[0].high_water == mark
    cli("feeds", "build", "--out", str(tmp_path / "b"))
    assert {p.name: p.read_bytes() for p in (tmp_path / "b").iterdir()} == feeds_before
    again = cli("remind", "--now", "2025-07-21T09:00")
    assert "0 queued, 0 sent" in again.stdout


def test_changes_at_the_kamer_between_two_syncs(cli, server, tmp_path):
    cli("sync", "tk")
    cli("feeds", "build", "--out", str(tmp_path / "before"))
    # The user's own work between the syncs.
    cli(
        "edit",
        "1",
        "--tag",
        "huiselijk-geweld",
        "--owner",
        "staf@example.org",
        "--notes",
        "Volgen voor Valente",
    )
    cli("edit", "5", "--text", "Onderzoek sociale veiligheid mbo (eigen samenvatting).")
    cli("postpone", "6", "voor de zomer van 2026", "--reason", "Zo gezegd in het debat")
    server.update(CHANGES)

    r = cli("sync", "tk")
    out = r.stdout
    assert "closed    TZ202504-031  #1    status: Openstaand -> Voldaan" in out
    assert "removed   TZ202504-032  #2" in out
    assert "updated   TZ202505-101  #3    deadline: binnen drie maanden -> 2025-10-01" in out
    assert "reopened  TZ202506-020  #8    status: Voldaan -> Openstaand" in out
    assert "new       TZ202507-055  #11" in out
    assert "conflict  TZ202505-152  #5    text: the Kamer now has" in out and "kept yours" in out
    assert (
        "conflict  TZ202506-007  #6    deadline: the Kamer now has '2026-03-01', you have "
        "'voor de zomer van 2026'; kept yours" in out
    )
    assert "1 new, 1 updated, 1 closed, 1 reopened, 1 removed, 2 conflicts" in out

    got = everything(cli)
    closed = got["TZ202504-031"]
    assert (closed["status"], closed["closed_on"]) == ("fulfilled", "2025-07-10")
    assert closed["fulfilled_by"] == "Aanpak huiselijk geweld en Veilig Thuis (2025D30118)"
    assert (closed["tags"], closed["owner"], closed["notes"]) == (
        ["huiselijk-geweld"],
        "staf@example.org",
        "Volgen voor Valente",
    )  # the user's own
    (row,) = closed["history"]
    assert (row["kind"], row["old_status"], row["new_status"], row["reference"]) == (
        "status",
        "open",
        "fulfilled",
        "2025-07-10",
    )

    removed = got["TZ202504-032"]
    assert removed["deleted_at"] is not None
    assert [(h["kind"], h["old_status"], h["new_status"]) for h in removed["history"]] == [
        ("status", "open", "removed")
    ]
    assert "TZ202504-032" not in {p["number"] for p in listed(cli)}

    corrected = got["TZ202505-101"]
    assert (corrected["deadline"], corrected["latest"]) == ("2025-10-01", "2025-10-01")
    assert [h["kind"] for h in corrected["history"]] == ["correction"]
    assert corrected["history"][0]["old_latest"] == "2025-08-14"
    assert got["TZ202505-152"]["text"] == "Onderzoek sociale veiligheid mbo (eigen samenvatting)."
    postponed = got["TZ202506-007"]
    assert (postponed["current_deadline"], postponed["latest"]) == ("voor de zomer van 2026", "2026-07-02")
    reopened = got["TZ202506-020"]
    assert (reopened["status"], reopened["closed_on"]) == ("open", None)
    assert [(h["old_status"], h["new_status"]) for h in reopened["history"]] == [("fulfilled", "open")]
    assert got["TZ202507-055"]["deadline"] == "in het eerste kwartaal van 2026"

    # The feeds: the removed promise is a cancelled event with the same UID and a higher
    # SEQUENCE; the closed one is marked so.
    cli("feeds", "build", "--out", str(tmp_path / "after"))
    old = check_feed((tmp_path / "before" / "alle.ics").read_bytes())
    new = check_feed((tmp_path / "after" / "alle.ics").read_bytes())
    events = {str(e["UID"]): e for e in new.walk("VEVENT")}
    old_events = {str(e["UID"]): e for e in old.walk("VEVENT")}
    gone = events["toezegging-2@toezegging.local"]
    assert str(gone["STATUS"]) == "CANCELLED"
    assert int(gone["SEQUENCE"]) > int(old_events["toezegging-2@toezegging.local"]["SEQUENCE"])
    assert str(gone["SUMMARY"]).startswith("[Verwijderd] ")
    assert str(events["toezegging-1@toezegging.local"]["SUMMARY"]).startswith("[Voldaan] ")
    assert str(events["toezegging-1@toezegging.local"]["STATUS"]) == "CONFIRMED"
    opened = check_feed((tmp_path / "after" / "open.ics").read_bytes())
    assert "toezegging-2@toezegging.local" in {str(e["UID"]) for e in opened.walk("VEVENT")}

    # The reminders: none for the closed or the removed promise.
    cli("remind", "--now", "2025-07-21T09:00")
    queued = {
        json.loads(line)["promise_id"]
        for line in cli("outbox", "--json", "--state", "all").stdout.splitlines()
    }
    assert 1 not in queued and 2 not in queued
    assert {6, 8, 10} <= queued  # postponed by the user; reopened and overdue; approaching


def test_a_record_that_comes_back_restores_the_promise(cli, server):
    cli("sync", "tk")
    server.update([dict(CHANGES[1])])  # TZ202504-032 deleted at the Kamer
    cli("sync", "tk")
    back = dict(CHANGES[1], Verwijderd=False, GewijzigdOp="2025-07-18T08:00:00+02:00")
    server.update([back])
    r = cli("sync", "tk")
    assert "restored  TZ202504-032  #2" in r.stdout
    p = everything(cli)["TZ202504-032"]
    assert p["deleted_at"] is None
    assert [(h["old_status"], h["new_status"]) for h in p["history"]] == [
        ("open", "removed"),
        ("removed", "open"),
    ]


def test_a_promise_already_in_the_register_is_adopted_and_differences_reported(cli):
    cli(
        "add",
        "Brief over de aanpak van huiselijk geweld, eigen woorden",
        "-d",
        "voor de zomer",
        "--date",
        "2025-04-03",
        "--number",
        "TZ202504-031",
        "--tag",
        "eigen",
        "-y",
    )
    r = cli("sync", "tk")
    assert "conflict  TZ202504-031  #1    text:" in r.stdout
    got = everything(cli)
    mine = got["TZ202504-031"]
    assert mine["text"].endswith("eigen woorden") and mine["tags"] == ["eigen"]
    assert mine["source"] == "Commissiedebat Zeden, 3 april 2025"  # empty here: filled in
    assert len(got) == 10


def test_dry_run_shows_what_would_change_and_writes_nothing(cli, server):
    cli("sync", "tk")
    before, mark = cli("export").stdout, state(cli)[0].high_water
    server.update(CHANGES)
    r = cli("sync", "tk", "--dry-run")
    assert "closed    TZ202504-031" in r.stdout and "removed   TZ202504-032" in r.stdout
    assert "new       TZ202507-055  #11   2026-03-31  in het eerste kwartaa…" in r.stdout
    assert "Dry run, nothing written" in r.stdout
    assert cli("export").stdout == before and state(cli)[0].high_water == mark
    real = cli("sync", "tk")
    assert "1 new, 3 updated, 1 closed, 1 reopened, 1 removed, 0 conflicts" in real.stdout


def test_json_summary(cli, server):
    cli("sync", "tk")
    server.update(CHANGES)
    got = json.loads(cli("sync", "tk", "--json").stdout)
    assert (got["new"], got["closed"], got["removed"], got["complete"]) == (1, 1, 1, True)
    kinds = {c["number"]: c["kind"] for c in got["changes"]}
    assert kinds["TZ202504-032"] == "removed" and kinds["TZ202507-055"] == "new"


# ----------------------------------------------------------------------------- failures


def test_a_503_then_success_and_a_429_with_retry_after(cli, server):
    server.fail(page=2, status=503)
    server.fail(page=3, status=429, headers={"Retry-After": "1"})
    started = time.monotonic()
    r = cli("sync", "tk")
    assert time.monotonic() - started >= 1.0  # it waited as long as Retry-After said
    assert [(q["page"], q["status"]) for q in server.requests] == [
        (1, 200),
        (2, 503),
        (2, 200),
        (3, 429),
        (3, 200),
    ]
    assert "10 new" in r.stdout and len(everything(cli)) == 10


def test_a_page_that_breaks_off_stops_the_sync_and_the_next_resumes(cli, server):
    server.fail(page=2, cut=True, times=3)
    r = cli("sync", "tk", expect=1)
    assert "the answer broke off" in r.stderr and "(3 attempts)" in r.stderr
    assert "The 1 page before it were stored; the next sync resumes after them." in r.stderr
    assert len(everything(cli)) == 4  # page 1, committed; nothing of page 2
    assert state(cli)[0].high_water == moment("2025-05-23T14:40:00+02:00")
    n = len(server.requests)
    r = cli("sync", "tk")
    assert server.requests[n]["query"]["$filter"] == ["GewijzigdOp ge 2025-05-23T12:40:00Z"]
    got = everything(cli)
    assert len(got) == 10 and "6 new" in r.stdout and "1 unchanged" in r.stdout


def test_a_sync_killed_part_way_resumes_without_a_duplicate(cli, server):
    server.fail(page=2, delay=60)
    env = {
        **os.environ,
        "TOEZEGGING_DATABASE_URL": cli.url,
        "XDG_CONFIG_HOME": str(cli.home / "config"),
        "XDG_DATA_HOME": str(cli.home / "data"),
    }
    env.pop("TOEZEGGING_CONFIG", None)
    proc = subprocess.Popen(
        [sys.executable, "-m", "toezegging", "sync", "tk"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 60
        while 2 not in server.arrived:  # it committed page 1 and waits for page 2
            assert proc.poll() is None and time.monotonic() < deadline, proc.stderr.read()
            time.sleep(0.05)
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL
    assert len(everything(cli)) == 4
    cli("sync", "tk")
    got = json.loads(cli("export").stdout)
    numbers = [p["number"] for p in got]
    assert len(numbers) == 10 == len(set(numbers))
    s = Store(cli.url)
    try:
        with Session(s.engine) as session:
            links = list(session.exec(select(SyncRecord)))
            assert len(links) == 10 == len({link.register_id for link in links})
            assert not list(session.exec(select(DeadlineChange)))
    finally:
        s.dispose()


def test_an_api_that_cannot_be_reached_or_does_not_parse_writes_nothing(cli, server):
    r = cli("sync", "tk", "--url", "http://127.0.0.1:9/OData/v4/2.0/", expect=1)
    assert "Error: cannot read http://127.0.0.1:9/OData/v4/2.0/Toezegging: cannot connect" in r.stderr
    assert "Traceback" not in r.output
    server.fail(page=1, times=3, body=b'{"value": [{"Id": "x", "Tekst": ')
    r = cli("sync", "tk", expect=1)
    assert "an answer that is not valid JSON (3 attempts)" in r.stderr
    server.fail(page=1, body=b'{"error": "nee"}')
    r = cli("sync", "tk", expect=1)
    assert "not an OData collection" in r.stderr
    assert everything(cli) == {} and state(cli) == []


def test_a_record_that_cannot_be_read_is_reported_and_the_rest_synced(cli, server):
    server.update(
        [
            {
                "Id": "bad-1",
                "Nummer": "TZ202507-099",
                "Tekst": "",
                "Aanmaakdatum": "2025-07-15T10:00:00+02:00",
                "Verwijderd": False,
                "GewijzigdOp": "2025-07-15T10:00:00+02:00",
            }
        ]
    )
    r = cli("sync", "tk")
    assert "skipped TZ202507-099: Tekst is empty" in r.stdout and "10 new" in r.stdout


# ----------------------------------------------------------------------------- stats, scheduler


def test_stats_over_a_synced_register(cli, terminal):
    cli("sync", "tk")
    cli("add", "Eigen toezegging", "-d", "na afloop van de pilot", "--open-ended", "-y")
    got = json.loads(cli("stats", "--json").stdout)
    assert (got["promises"], got["window"], got["event"], got["unreadable"]) == (11, 9, 1, 1)
    assert sum(got["kinds"].values()) == 9 and got["kinds"]["relative"] == 2
    register = json.loads(cli("stats", "--register-only", "--json").stdout)
    assert (register["promises"], register["event"]) == (10, 0)
    text = cli("stats").stdout
    assert "11 promises (removed ones left out):" in text
    assert "unreadable          1    9.1%" in text


def test_the_scheduler_runs_the_sync_once_a_day_when_enabled(database_url, server):
    from datetime import timedelta
    from zoneinfo import ZoneInfo

    from toezegging.config import TkSyncConfig
    from toezegging.sync import tk

    store = Store(database_url)
    store.create_schema()
    tz = ZoneInfo("Europe/Amsterdam")
    cfg = TkSyncConfig(enabled=True, hour=6, url=server.url, retries=2, backoff=0)
    try:
        early = datetime(2025, 7, 20, 5, 30, tzinfo=tz)
        assert tk.daily(store, cfg, early) is None  # before the hour
        assert server.requests == []
        report = tk.daily(store, cfg, early + timedelta(hours=1))
        assert report is not None and report.counts()["new"] == 10
        assert tk.daily(store, cfg, early + timedelta(hours=8)) is None  # once a day
        assert tk.daily(store, cfg, early + timedelta(days=1, hours=1)).counts()["unchanged"] == 1
        off = TkSyncConfig(enabled=False, url=server.url)
        assert tk.daily(store, off, early + timedelta(days=2, hours=1)) is None
    finally:
        store.dispose()


@pytest.mark.parametrize(
    ("last", "now", "due"),
    [
        (None, "2025-07-20T05:59", False),
        (None, "2025-07-20T06:00", True),
        ("2025-07-20T06:00", "2025-07-20T23:00", False),
        ("2025-07-19T06:10", "2025-07-20T06:05", True),
        ("2025-07-19T06:10", "2025-07-21T01:00", True),  # the scheduler was down yesterday
    ],
    ids=["before-the-hour", "at-the-hour", "ran-today", "next-day", "after-downtime"],
)
def test_when_the_daily_sync_is_due(last, now, due):
    from zoneinfo import ZoneInfo

    from toezegging.sync.tk import due as is_due

    tz = ZoneInfo("Europe/Amsterdam")
    at = lambda s: datetime.fromisoformat(s).replace(tzinfo=tz)  # noqa: E731
    assert is_due(at(last) if last else None, at(now), 6) is due


@pytest.mark.parametrize("tty", [True, False], ids=["terminal", "piped"])
def test_a_progress_bar_on_a_terminal_only(server, tmp_path, tty):
    from test_progress import run

    _config(tmp_path / "home", server.url)
    out, err = run(["sync", "tk"], tmp_path, tty=tty)
    assert "10 new" in out
    assert ("Reading the register" in err) is tty


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('[sync.tk]\nsince = "1 mei"', "sync.tk.since = '1 mei' is not a date"),
        ('[sync.tk]\nurl = "gegevensmagazijn"', "sync.tk.url = 'gegevensmagazijn' is not a web address"),
        ("[sync.tk]\nhour = 25", "sync.tk.hour = 25 is out of range: give a whole number from 0 to 23"),
        ('[sync.tk]\nministeries = ["OCW"]', "Did you mean 'ministries'?"),
    ],
    ids=["since", "url", "hour", "key"],
)
def test_a_bad_sync_section_is_refused(text, message):
    from toezegging.config import parse_config
    from toezegging.errors import ConfigError

    with pytest.raises(ConfigError, match=message.replace("(", r"\(").replace("?", r"\?")):
        parse_config(text)


def test_show_tells_a_removed_promise(cli, server):
    cli("sync", "tk")
    server.update([dict(CHANGES[1])])
    cli("sync", "tk")
    assert "  removed:    2025-07-20 (left out of lists, reminders and feeds)" in cli("show", "2").stdout


def test_the_example_config_documents_every_sync_key_with_its_default():
    import dataclasses
    import tomllib
    from pathlib import Path

    from toezegging.config import TkSyncConfig

    example = tomllib.loads(
        (Path(__file__).parent.parent / "config.example.toml").read_text(encoding="utf-8")
    )["sync"]["tk"]
    keys = {f.name for f in dataclasses.fields(TkSyncConfig)}
    assert set(example) == keys
    assert TkSyncConfig(**example) == TkSyncConfig()


def test_the_scheduler_job_syncs_when_enabled_and_waits_an_hour_after_a_failure(database_url, server):
    import logging
    from datetime import timedelta
    from zoneinfo import ZoneInfo

    from toezegging.cli.remind import _daily_sync
    from toezegging.config import Config, SyncConfig, TkSyncConfig

    store = Store(database_url)
    store.create_schema()
    tz = ZoneInfo("Europe/Amsterdam")
    log = logging.getLogger("test")
    paused: dict = {}
    down = Config(
        sync=SyncConfig(
            tk=TkSyncConfig(enabled=True, url="http://127.0.0.1:9/OData/v4/2.0/", retries=1, backoff=0)
        )
    )
    up = Config(sync=SyncConfig(tk=TkSyncConfig(enabled=True, url=server.url, retries=1, backoff=0)))
    at = datetime(2025, 7, 20, 7, 0, tzinfo=tz)
    try:
        _daily_sync(store, down, at, log, paused)
        assert paused["until"] == at + timedelta(hours=1)
        _daily_sync(store, up, at + timedelta(minutes=30), log, paused)  # still waiting
        assert server.requests == []
        _daily_sync(store, up, at + timedelta(hours=1), log, paused)
        assert server.pages_served() == [1, 2, 3]
        with Session(store.engine) as s:
            assert len(list(s.exec(select(SyncRecord)))) == 10
    finally:
        store.dispose()


def test_import_and_sync_read_a_record_alike_so_a_sync_adopts_what_import_added(cli, server, tmp_path):
    from odata_server import FIXTURES

    r = cli("import", str(FIXTURES / "toezeggingen.json"))
    assert "10 added" in r.stdout
    imported = everything(cli)
    r = cli("sync", "tk")
    assert "0 new, 0 updated, 0 closed, 0 removed, 0 conflicts, 10 unchanged" in r.stdout
    assert everything(cli) == imported
    server.update(CHANGES)
    r = cli("sync", "tk")
    assert "1 new, 3 updated, 1 closed, 1 reopened, 1 removed, 0 conflicts" in r.stdout
