"""Daily use without surprises (issue 12): correcting a deadline is no postponement
(item 6), closed promises are not silently rewritten (item 5), a new minister or ministry
re-derives whom the drafts address (item 3), and a mistaken entry can be removed
(item 9). End to end through the CLI on SQLite and PostgreSQL; mails by the real tick.
"""

import json

import cli_mail
import feed_checks
import pytest
from cli_mail import mails
from feed_checks import check_feed
from reminder_helpers import free_port
from sqlmodel import select

import toezegging.cli.promises as cli_promises
from toezegging.model import Reminder
from toezegging.store import Store

icaljs = feed_checks.icaljs
cli = cli_mail.cli

TEXT = "De minister stuurt de Kamer het evaluatierapport van de pilots"


def show(cli, pid=1) -> dict:
    return json.loads(cli("show", str(pid), "--json").stdout)


def kinds(d: dict) -> list[str]:
    return [h["kind"] for h in d["history"]]


# ----------------------------------------------------------------------------- item 6


def test_a_typo_in_the_deadline_is_corrected_not_postponed(cli):
    cli.set_today("2026-11-25")
    cli("add", TEXT, "--deadline", "voor eind 2027", "--date", "2026-11-20", "--yes")
    out = cli("edit", "1", "--deadline", "voor eind 2026").stdout
    assert (
        "Deadline corrected (not a postponement): 'voor eind 2027' (2027-12-31) -> "
        "'voor eind 2026', now 2026-11-20 .. 2026-12-31" in out
    )
    d = show(cli)
    assert (d["deadline"], d["current_deadline"], d["reference"], d["latest"]) == (
        "voor eind 2026",
        "voor eind 2026",
        "2026-11-20",
        "2026-12-31",
    )
    (h,) = d["history"]
    assert (h["kind"], h["old_deadline"], h["new_deadline"], h["old_latest"], h["new_latest"]) == (
        "correction",
        "voor eind 2027",
        "voor eind 2026",
        "2027-12-31",
        "2026-12-31",
    )
    assert "postponed" not in cli("show", "1").stdout and "moved" not in cli("list").stdout
    # No "postponed" mail for a correction; a postponement does send one.
    cli("remind", "--now", "2026-12-01T09:00")
    assert [m["X-Toezegging-Kind"] for m in mails(cli.folder)] == ["approaching"]
    cli.set_today("2026-12-02")
    cli("edit", "1", "--deadline", "voor eind 2026", "--date", "2026-11-21")
    cli("remind", "--now", "2026-12-02T09:00")
    assert [m["X-Toezegging-Kind"] for m in mails(cli.folder)] == ["approaching"]
    cli("postpone", "1", "voor de zomer van 2027", "--reason", "Later")
    cli("remind", "--now", "2026-12-02T09:30")
    assert [m["X-Toezegging-Kind"] for m in mails(cli.folder)] == ["approaching", "postponed"]


def test_an_event_promise_gets_its_date_and_a_phrase_is_read_at_date(cli):
    cli(
        "add",
        "Na inwerkingtreding",
        "--deadline",
        "binnen drie maanden na inwerkingtreding",
        "--date",
        "2026-06-01",
        "--yes",
    )
    assert show(cli)["waiting"] is True
    cli("edit", "1", "--deadline", "uiterlijk 1 maart 2027")
    d = show(cli)
    assert (d["waiting"], d["latest"], kinds(d)) == (False, "2027-03-01", ["correction"])
    # --date: the day the phrase was said (here also the day the promise was made).
    cli("edit", "1", "--deadline", "binnen twee maanden", "--date", "2026-05-01")
    d = show(cli)
    assert (d["reference"], d["latest"]) == ("2026-05-01", "2026-07-01")
    assert kinds(d) == ["correction", "correction"]


def test_a_correction_after_a_postponement_corrects_the_postponement(cli):
    cli.set_today("2026-06-10")
    cli("add", TEXT, "--deadline", "voor de zomer", "--date", "2026-06-01", "--yes")
    cli("postpone", "1", "binnen drie maanden", "--date", "2026-06-05")
    assert show(cli)["latest"] == "2026-09-05"
    cli("edit", "1", "--deadline", "binnen twee maanden")  # read at the postponement's day
    d = show(cli)
    assert (d["deadline"], d["current_deadline"], d["latest"]) == (
        "voor de zomer",
        "binnen twee maanden",
        "2026-08-05",
    )
    assert kinds(d) == ["postponement", "correction"]
    r = cli("edit", "1", "--deadline", "binnen twee maanden", expect=1)
    assert "nothing to correct" in r.output
    # The same deadline given with other changes: those are made, and no correction.
    out = cli("edit", "1", "--deadline", "binnen twee maanden", "--notes", "zie brief").stdout
    assert "corrected" not in out
    d = show(cli)
    assert d["notes"] == "zie brief" and kinds(d) == ["postponement", "correction"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--deadline", "xyzzy plugh"], "cannot read the deadline"),
        (["--deadline", "voor eind 2026", "--date", "2027-01-01"], "in the future"),
        (["--deadline", "voor de zomer van 2027"], None),  # accepted: the control
    ],
    ids=["unreadable", "future", "accepted"],
)
def test_a_refused_correction_writes_nothing(cli, args, message):
    cli("add", TEXT, "--deadline", "voor eind 2026", "--yes")
    before = cli("show", "1", "--json").stdout
    r = cli("edit", "1", *args, expect=1 if message else 0)
    if message:
        assert message in r.output and "Traceback" not in r.output
        assert cli("show", "1", "--json").stdout == before
    else:
        assert cli("show", "1", "--json").stdout != before


def test_postpone_reads_the_phrase_at_the_day_it_was_announced(cli):
    cli.set_today("2026-06-10")
    cli("add", TEXT, "--deadline", "voor de zomer", "--date", "2026-03-01", "--yes")
    out = cli(
        "postpone",
        "1",
        "binnen twee maanden",
        "--date",
        "2026-05-01",
        "--reason",
        "Mag ik er juli van maken?",
    ).stdout
    assert "(said on 2026-05-01)" in out
    d = show(cli)
    assert d["latest"] == "2026-07-01"
    assert (d["history"][0]["kind"], d["history"][0]["reference"]) == ("postponement", "2026-05-01")
    r = cli("postpone", "1", "binnen een maand", "--date", "2026-07-01", expect=1)
    assert "in the future" in r.output
    r = cli("postpone", "1", "binnen een maand", "--date", "2026-02-01", expect=1)
    assert "before promise 1 was made" in r.output
    assert len(show(cli)["history"]) == 1


# ----------------------------------------------------------------------------- item 5


@pytest.mark.parametrize("command", ["withdraw", "lapse"])
def test_a_closed_promise_is_not_silently_rewritten(cli, command):
    cli("add", TEXT, "--deadline", "voor eind 2026", "--yes")
    cli("done", "1", "--letter", "Kamerstuk 31293-700")
    before = cli("show", "1", "--json").stdout
    r = cli(command, "1", expect=1)
    assert "promise 1 is fulfilled" in r.output and f"{command} 1 --force" in r.output
    assert cli("show", "1", "--json").stdout == before
    out = cli(command, "1", "--force").stdout
    status = {"withdraw": "withdrawn", "lapse": "lapsed"}[command]
    assert f"Promise 1 is now {status} (was fulfilled)." in out
    d = show(cli)
    (h,) = d["history"]
    assert (d["status"], h["kind"], h["old_status"], h["new_status"]) == (
        status,
        "status",
        "fulfilled",
        status,
    )
    assert "status change" in cli("show", "1").stdout


def test_an_open_promise_is_withdrawn_without_force(cli):
    cli("add", TEXT, "--deadline", "voor eind 2026", "--yes")
    cli("withdraw", "1")
    assert show(cli)["status"] == "withdrawn"
    r = cli("lapse", "1", expect=1)
    assert "promise 1 is withdrawn" in r.output


# ----------------------------------------------------------------------------- item 3


def test_a_new_ministry_or_minister_re_derives_the_addressee(cli):
    cli(
        "add",
        TEXT,
        "--deadline",
        "voor eind 2026",
        "--by",
        "Van Weel",
        "--function",
        "minister van Justitie en Veiligheid",
        "--ministry",
        "JenV",
        "--yes",
    )
    assert "aan de minister van Justitie en Veiligheid" in cli("draft", "1").stdout
    # A function that names the same ministry stays.
    cli("edit", "1", "--ministry", "Justitie en Veiligheid", "--notes", "x")
    assert show(cli)["function"] == "minister van Justitie en Veiligheid"
    out = cli("edit", "1", "--ministry", "OCW").stdout
    assert "Function 'minister van Justitie en Veiligheid' cleared" in out
    assert "the minister of Onderwijs, Cultuur en Wetenschap" in out
    assert show(cli)["function"] is None
    assert "aan de minister van Onderwijs, Cultuur en Wetenschap" in cli("draft", "1").stdout
    # A new person with a new function keeps that function; a new person alone clears it.
    cli("edit", "1", "--by", "Bruins", "--function", "minister van OCW")
    assert show(cli)["function"] == "minister van OCW"
    out = cli("edit", "1", "--by", "Paul").stdout
    assert "cleared" in out and show(cli)["function"] is None


# ----------------------------------------------------------------------------- item 9


def test_delete_asks_and_leaves_lists_reminders_and_feeds(cli, tmp_path, icaljs, monkeypatch):
    cli.set_today("2026-12-01")
    cli("add", TEXT, "--deadline", "voor eind 2026", "--date", "2026-06-10", "--yes")
    cli("add", "Blijft staan", "--deadline", "voor eind 2026", "--date", "2026-06-10", "--yes")
    # A reminder waits in the outbox: the mail server does not answer.
    cli.use_smtp(free_port())
    cli("remind", "--now", "2026-12-01T09:00", expect=4)
    before = cli("show", "1", "--json").stdout

    r = cli("delete", "1", expect=1)  # no terminal to ask on, and no --yes
    assert "--yes" in r.output and cli("show", "1", "--json").stdout == before
    monkeypatch.setattr(cli_promises, "_interactive", lambda: True)
    r = cli("delete", "1", input="n\n", expect=1)
    assert "Remove promise 1?" in r.output and cli("show", "1", "--json").stdout == before
    out = cli("delete", "1", input="y\n").stdout
    assert "Removed promise 1" in out and "toezegging delete 1 --undo" in out

    d = show(cli)
    assert d["deleted_at"] is not None and d["history"][-1]["new_status"] == "removed"
    assert [p["id"] for p in json.loads(cli("list", "--status", "all", "--json").stdout)] == [2]
    r = cli("done", "1", expect=1)
    assert "was removed" in r.output and "--undo" in r.output
    cli("remind", "--now", "2026-12-01T09:05", expect=4)
    store = Store(cli.url)
    with store.session() as s:
        rows = {r.promise_id: (r.state, r.error) for r in s.exec(select(Reminder))}
    store.dispose()
    assert rows[1] == ("cancelled", "promise removed") and rows[2][0] == "pending"

    out = tmp_path / "feeds"
    cli("feeds", "build", "--out", str(out))
    cal = check_feed((out / "alle.ics").read_bytes(), tmp_path, icaljs)
    events = {str(e["UID"]): e for e in cal.walk("VEVENT")}
    gone = events["toezegging-1@toezegging.local"]
    assert str(gone["STATUS"]) == "CANCELLED" and gone.decoded("SEQUENCE") == d["revision"] > 0

    cli("delete", "1", "--undo")
    assert show(cli)["deleted_at"] is None
    assert [p["id"] for p in json.loads(cli("list", "--json").stdout)] == [1, 2]
    r = cli("delete", "1", "--undo", expect=1)
    assert "not removed" in r.output
