"""Recurring promises (issue 12, item 2): one truth for the current occurrence.

A promise said as "jaarlijks" a year and a half ago, never marked done: `list`, `show`,
the reminder mail and the feed all speak of the same occurrence (overdue), the mail and
the feed write the rule in words, `done` fulfils that occurrence and opens the next, and
`done --series` ends the series. End to end on a real database (SQLite and PostgreSQL),
mails written by the real tick (file transport), feeds checked by the strict parsers.
"""

import json

import cli_mail
import feed_checks
import pytest
from cli_mail import body, mails
from feed_checks import check_feed

from toezegging import recurrence
from toezegging.model import ChangeKind

icaljs = feed_checks.icaljs  # the session fixture, made visible to this module
cli = cli_mail.cli  # the CLI with mail written to files (a fixture)

TEXT = "De minister informeert de Kamer jaarlijks over de voortgang van de aanpak"


def show(cli, pid=1) -> dict:
    return json.loads(cli("show", str(pid), "--json").stdout)


def feed(cli, tmp_path, icaljs):
    out = tmp_path / "feeds"
    cli("feeds", "build", "--out", str(out))
    data = (out / "alle.ics").read_bytes()
    cal = check_feed(data, tmp_path, icaljs)
    return data, {str(e["UID"]): e for e in cal.walk("VEVENT")}


def test_one_truth_for_the_current_occurrence(cli, tmp_path, icaljs):
    cli.set_today("2026-06-10")
    cli(
        "add",
        TEXT,
        "--deadline",
        "jaarlijks",
        "--date",
        "2025-01-22",
        "--ministry",
        "OCW",
        "--source",
        "ocw.pdf",
        "--kamerstuk",
        "31293-700",
        "--yes",
    )

    # list and show: the first occurrence (due 22 January 2026) was never fulfilled.
    d = show(cli)
    assert (d["earliest"], d["latest"], d["overdue"]) == ("2025-01-22", "2026-01-22", True)
    (listed,) = json.loads(cli("list", "--overdue", "--json").stdout)
    assert listed["latest"] == "2026-01-22"
    assert "recurring every year" in cli("show", "1").stdout

    # The reminder speaks of that same occurrence, overdue, with the rule in words.
    cli("remind", "--now", "2026-06-10T09:00")
    (mail,) = mails(cli.folder)
    text = body(mail)
    assert mail["X-Toezegging-Kind"] == "overdue"
    assert "22 januari 2026" in mail["Subject"] + text
    assert "Terugkerend: elk jaar; eerstvolgende: 22 januari 2027" in text
    assert "FREQ" not in text + mail.get_body(("html",)).get_content()
    assert "ocw.pdf" not in text

    # The feed: the current occurrence is overdue and open, the ones after it a series.
    data, events = feed(cli, tmp_path, icaljs)
    current = events["toezegging-1@toezegging.local"]
    assert str(current.decoded("DTSTART")) == "2026-01-22" and "RRULE" not in current
    assert not str(current["SUMMARY"]).startswith("[")
    assert "Herhaalt: elk jaar; eerstvolgende: 22 januari 2027" in str(current["DESCRIPTION"])
    series = events["toezegging-1-reeks@toezegging.local"]
    assert str(series.decoded("DTSTART")) == "2027-01-22"
    assert series["RRULE"].to_ical() == b"FREQ=YEARLY"
    assert b"FREQ=YEARLY" not in data.split(b"RRULE:")[0]  # only as the series' RRULE
    assert b"ocw.pdf" not in data  # a file name is no source in formal text

    # done fulfils the current occurrence and opens the next one.
    out = cli("done", "1", "--letter", "Kamerstuk 31293-710").stdout
    assert "the occurrence due 2026-01-22 is fulfilled (Kamerstuk 31293-710)" in out
    assert "2026-01-22 .. 2027-01-22" in out
    d = show(cli)
    assert (d["status"], d["earliest"], d["latest"], d["overdue"]) == (
        "open",
        "2026-01-22",
        "2027-01-22",
        False,
    )
    (occ,) = [h for h in d["history"] if h["kind"] == ChangeKind.OCCURRENCE]
    assert (occ["old_latest"], occ["new_latest"], occ["reference"], occ["reason"], occ["new_status"]) == (
        "2026-01-22",
        "2027-01-22",
        "2026-06-10",
        "Kamerstuk 31293-710",
        "fulfilled",
    )
    assert "occurrence 1 fulfilled: 2026-06-10: due 2026-01-22" in cli("show", "1").stdout
    assert json.loads(cli("list", "--overdue", "--json").stdout) == []
    assert "keer 2" in d["explanation"] and "22 januari 2027" in d["explanation"]

    # Each occurrence shows its own status in the feed; no "[Voldaan]" on any other.
    data, events = feed(cli, tmp_path, icaljs)
    past = events["toezegging-1-keer-1@toezegging.local"]
    assert str(past.decoded("DTSTART")) == "2026-01-22"
    assert str(past["SUMMARY"]).startswith("[Voldaan] ") and "RRULE" not in past
    assert "Nagekomen met: Kamerstuk 31293-710" in str(past["DESCRIPTION"])
    current = events["toezegging-1@toezegging.local"]
    assert str(current.decoded("DTSTART")) == "2027-01-22"
    assert not str(current["SUMMARY"]).startswith("[") and str(current["STATUS"]) == "CONFIRMED"
    series = events["toezegging-1-reeks@toezegging.local"]
    assert str(series.decoded("DTSTART")) == "2028-01-22"
    assert not str(series["SUMMARY"]).startswith("[")

    # The reminders follow: nothing now, then the new occurrence's own.
    cli("remind", "--now", "2026-06-20T09:00")
    assert len(mails(cli.folder)) == 1
    cli.set_today("2026-12-23")
    cli("remind", "--now", "2026-12-23T09:00")
    new = mails(cli.folder)[1:]
    assert [m["X-Toezegging-Kind"] for m in new] == ["approaching"]
    assert "22 januari 2027" in new[0]["Subject"] + body(new[0])

    # done --series ends the series: the current occurrence is fulfilled, nothing follows.
    out = cli("done", "1", "--series", "--letter", "Kamerstuk 31293-760").stdout
    assert "Promise 1 is now fulfilled (Kamerstuk 31293-760). The series has ended." in out
    d = show(cli)
    assert (d["status"], d["latest"]) == ("fulfilled", "2027-01-22")
    _, events = feed(cli, tmp_path, icaljs)
    assert str(events["toezegging-1@toezegging.local"]["SUMMARY"]).startswith("[Voldaan] ")
    series = events["toezegging-1-reeks@toezegging.local"]
    assert str(series["STATUS"]) == "CANCELLED"
    assert not str(series["SUMMARY"]).startswith("[")
    assert str(events["toezegging-1-keer-1@toezegging.local"]["SUMMARY"]).startswith("[Voldaan]")
    r = cli("done", "1", expect=1)
    assert "already fulfilled" in r.output


def test_done_series_on_a_promise_that_does_not_recur_is_refused(cli):
    cli("add", "Eenmalig", "--deadline", "voor eind 2026", "--yes")
    r = cli("done", "1", "--series", expect=1)
    assert "does not recur" in r.output and "toezegging done 1" in r.output
    assert show(cli)["status"] == "open"


def test_a_postponed_occurrence_moves_alone(cli):
    """A postponement moves the current occurrence; the series keeps its dates."""
    cli.set_today("2026-01-10")
    cli("add", TEXT, "--deadline", "elk jaar voor 1 april", "--date", "2026-01-10", "--yes")
    assert show(cli)["latest"] == "2026-03-31"
    cli("postpone", "1", "voor de zomer", "--reason", "Later dit jaar")
    d = show(cli)
    assert d["latest"] == "2026-07-02" and d["recurrence"] == "FREQ=YEARLY"
    cli.set_today("2026-07-01")
    cli("done", "1")
    d = show(cli)
    # The next occurrence follows the rule from 31 March, not from the postponed date,
    # and the phrase is the recurring one again.
    assert (d["earliest"], d["latest"]) == ("2027-01-10", "2027-03-31")
    assert d["current_deadline"] == "elk jaar voor 1 april"


def test_two_dones_at_once_fulfil_two_occurrences_in_turn(database_url, tmp_path):
    """Through the store's optimistic lock: the second `done` runs again on the first's
    result, so it fulfils the next occurrence, never the same one twice."""
    from test_concurrency import run_at_once

    from toezegging.store import Store, history

    store = Store(database_url)
    store.create_schema()
    from datetime import UTC, date, datetime

    from toezegging.promises import Draft, add_promise, prepare

    p = prepare(
        Draft(text=TEXT, deadline="jaarlijks", reference=date(2024, 3, 1)),
        today=date(2026, 6, 10),
        now=datetime(2026, 6, 10, tzinfo=UTC),
    )
    with store.session() as s:
        add_promise(s, p)
    results = run_at_once(database_url, tmp_path, [["done", "1"], ["done", "1"]])
    assert [code for _args, code, _out, _err in results] == [0, 0], results
    with store.session() as s:
        rows = [c for c in history(s, 1) if c.kind == ChangeKind.OCCURRENCE]
    store.dispose()
    assert [(c.old_latest, c.new_latest) for c in rows] == [
        (date(2025, 3, 1), date(2026, 3, 1)),
        (date(2026, 3, 1), date(2027, 3, 1)),
    ]


# ----------------------------------------------------------------------------- the rule


@pytest.mark.parametrize(
    ("rule", "latest", "expected"),
    [
        ("FREQ=YEARLY", "2026-01-22", ["2027-01-22", "2028-01-22"]),
        ("FREQ=YEARLY;INTERVAL=2", "2026-09-14", ["2028-09-14", "2030-09-14"]),
        # "elk kwartaal" from 31 January keeps to the month's end (RRULE would skip to July).
        ("FREQ=MONTHLY;INTERVAL=3", "2026-01-31", ["2026-04-30", "2026-07-31"]),
        ("FREQ=YEARLY", "2028-02-29", ["2029-02-28", "2030-02-28"]),
        ("FREQ=WEEKLY;INTERVAL=2", "2026-06-01", ["2026-06-15", "2026-06-29"]),
        # Other rules are followed as written; COUNT counts from the first occurrence.
        ("FREQ=YEARLY;BYMONTH=9;BYDAY=3TU", "2026-09-15", ["2027-09-21", "2028-09-19"]),
        ("FREQ=YEARLY;COUNT=2", "2026-01-22", ["2027-01-22"]),
        ("FREQ=YEARLY;UNTIL=20271231", "2026-01-22", ["2027-01-22"]),
        ("FREQ=SOMETIMES", "2026-01-22", []),
    ],
    ids=[
        "yearly",
        "two-yearly",
        "quarterly-month-end",
        "leap-day",
        "fortnightly",
        "byday",
        "count",
        "until",
        "unreadable",
    ],
)
def test_following_occurrences(rule, latest, expected):
    from datetime import date
    from itertools import islice

    got = list(islice(recurrence.following(rule, date.fromisoformat(latest)), 2))
    assert [d.isoformat() for d in got] == expected


def test_next_window_keeps_the_length_and_upcoming_skips_what_passed():
    from datetime import date

    assert recurrence.next_window("FREQ=YEARLY", date(2026, 3, 1), date(2026, 5, 31)) == (
        date(2027, 3, 1),
        date(2027, 5, 31),
    )
    assert recurrence.next_window("FREQ=YEARLY;COUNT=3", None, date(2026, 5, 31), 2) is None
    assert recurrence.upcoming("FREQ=YEARLY", date(2026, 1, 22), date(2026, 1, 22)) == date(2026, 1, 22)
    assert recurrence.upcoming("FREQ=YEARLY", date(2024, 1, 22), date(2026, 6, 10)) == date(2027, 1, 22)
    assert recurrence.remaining("FREQ=YEARLY;COUNT=5", 2) == "FREQ=YEARLY;COUNT=3"


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("nl", "elk jaar; eerstvolgende: 22 januari 2027"),
        ("en", "every year; next: 22 januari 2027"),
    ],
)
def test_the_rule_in_words_with_its_next_deadline(language, expected):
    assert recurrence.in_words("FREQ=YEARLY", language, "22 januari 2027") == expected
    assert recurrence.in_words("FREQ=YEARLY", language) == expected.split(";")[0]
    assert recurrence.in_words(None, language, "x") == ""
