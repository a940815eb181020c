"""Events in the register: promises that wait on an event without a date, linking them,
dating the event (a window by the spec, a history row of kind "event", no postponement),
the weekly list of events still undated, and the whole way from `add` to a reminder."""

import json
from datetime import UTC, date, datetime
from email import message_from_bytes, policy
from zoneinfo import ZoneInfo

import feed_checks
import pytest
from click.testing import CliRunner
from feed_checks import check_feed
from freezegun import freeze_time
from reminder_helpers import SmtpServer, add_promise, make_config
from sqlmodel import select

from toezegging import delivery, events, outbox
from toezegging.cli import cli as toezegging_main
from toezegging.errors import DeliveryError, InvalidInput, NotFound
from toezegging.model import ChangeKind, DeadlineChange, Promise
from toezegging.promises import Draft, prepare
from toezegging.promises import add_promise as store_promise
from toezegging.store import history

icaljs = feed_checks.icaljs  # the session fixture, made visible to this module
AMS = ZoneInfo("Europe/Amsterdam")
NOW = datetime(2026, 6, 10, 10, tzinfo=UTC)
TEXT = "De Kamer binnen drie maanden na inwerkingtreding informeren"


def at(y, m, d, hour=9, minute=0) -> datetime:
    return datetime(y, m, d, hour, minute, tzinfo=AMS)


def add(store, text, phrase, reference=date(2026, 6, 10), **fields) -> int:
    p = prepare(
        Draft(text=text, deadline=phrase, reference=reference, fields=fields),
        today=date(2026, 6, 10),
        now=NOW,
    )
    with store.session() as s:
        return store_promise(s, p).id


def get(store, pid) -> Promise:
    with store.session() as s:
        return s.get(Promise, pid)


# ----------------------------------------------------------------------------- the core


def test_an_event_phrase_is_stored_waiting_with_what_it_needs(store):
    pid = add(store, TEXT, "binnen drie maanden na inwerkingtreding")
    p = get(store, pid)
    assert (p.earliest, p.latest, p.kind, p.open_ended) == (None, None, "event", True)
    assert (p.anchor, p.offset, p.offset_mode, p.event_date) == ("inwerkingtreding", "P3M", "within", None)
    assert p.waits_on_event()
    assert "zodra 'inwerkingtreding' een datum heeft" in p.explanation


def test_open_events_group_a_shared_name_and_keep_the_others_apart(store):
    a = add(store, "A", "binnen drie maanden na inwerkingtreding", date(2026, 3, 1))
    b = add(store, "B", "twee jaar na inwerkingtreding")
    c = add(store, "C", "na afronding van de pilot")
    add(store, "D", "voor eind 2026")
    with store.session() as s:
        events.link(s, [b, a], "inwerkingtreding Wet X", today=date(2026, 6, 10), now=NOW)
    with store.session() as s:
        found = events.open_events(s)
        got = [(e.label, [p.id for p in e.promises], e.since) for e in found]
        assert got == [
            ("inwerkingtreding Wet X", [a, b], date(2026, 3, 1)),
            ("afronding van de pilot", [c], date(2026, 6, 10)),
        ]
        assert found[0].weeks_waiting(date(2026, 6, 10)) == 14


def test_setting_the_event_dates_every_linked_promise_by_the_spec(store):
    a = add(store, "A", "binnen drie maanden na inwerkingtreding")
    b = add(store, "B", "twee jaar na inwerkingtreding")
    c = add(store, "C", "voor het eerstvolgende commissiedebat")
    with store.session() as s:
        events.link(s, [a, b], "inwerkingtreding Wet X", today=date(2026, 6, 10), now=NOW)
    later = datetime(2026, 9, 1, 10, tzinfo=UTC)
    with store.session() as s:
        changes = events.set_event(
            s, "Inwerkingtreding wet X", date(2026, 10, 1), today=date(2026, 9, 1), now=later
        )
        assert sorted(ch.promise_id for ch in changes) == [a, b]
    pa, pb, pc = get(store, a), get(store, b), get(store, c)
    assert (pa.earliest, pa.latest, pa.event_date) == (date(2026, 10, 1), date(2027, 1, 1), date(2026, 10, 1))
    assert (pb.earliest, pb.latest) == (date(2028, 10, 1), date(2028, 10, 1))
    assert not pa.waits_on_event() and not pa.open_ended and pc.waits_on_event()
    assert pa.revision == 1 and pa.updated_at == later
    assert "1 oktober 2026" in pa.explanation and "1 januari 2027" in pa.explanation
    with store.session() as s:
        (row,) = history(s, a)
    assert (row.kind, row.is_move, row.old_latest, row.new_latest) == (
        ChangeKind.EVENT.value,
        False,
        None,
        date(2027, 1, 1),
    )


def test_dating_one_promise_of_a_shared_event_dates_the_event(store):
    a = add(store, "A", "binnen drie maanden na inwerkingtreding")
    b = add(store, "B", "uiterlijk zes weken na inwerkingtreding")
    with store.session() as s:
        events.link(s, [a, b], "inwerkingtreding Wet X", today=date(2026, 6, 10), now=NOW)
    with store.session() as s:
        changes = events.date_promise_event(s, b, date(2026, 7, 1), today=date(2026, 6, 20), now=NOW)
    assert len(changes) == 2
    assert get(store, b).latest == date(2026, 8, 12)
    # the same date again changes nothing; a new one is a correction, again no postponement
    with store.session() as s:
        assert (
            events.set_event(s, "inwerkingtreding Wet X", date(2026, 7, 1), today=date(2026, 6, 20), now=NOW)
            == []
        )
        events.set_event(s, "inwerkingtreding Wet X", date(2026, 8, 1), today=date(2026, 6, 20), now=NOW)
    assert get(store, a).latest == date(2026, 11, 1)
    with store.session() as s:
        assert [c.kind for c in history(s, a)] == ["event", "event"]


def test_linking_to_an_event_that_has_a_date_dates_the_promise_at_once(store):
    a = add(store, "A", "binnen drie maanden na inwerkingtreding")
    b = add(store, "B", "binnen een jaar na inwerkingtreding")
    with store.session() as s:
        events.link(s, [a], "inwerkingtreding Wet X", today=date(2026, 6, 10), now=NOW)
        events.set_event(s, "inwerkingtreding Wet X", date(2026, 10, 1), today=date(2026, 6, 10), now=NOW)
    with store.session() as s:
        _, changes = events.link(s, [b], "INWERKINGTREDING WET X", today=date(2026, 6, 10), now=NOW)
    assert [c.promise_id for c in changes] == [b]
    pb = get(store, b)
    assert (pb.event_name, pb.latest) == ("inwerkingtreding Wet X", date(2027, 10, 1))


def test_a_dated_event_never_gives_a_window_before_the_reference_date(store):
    pid = add(store, "A", "binnen drie maanden na inwerkingtreding", date(2026, 6, 10))
    with store.session() as s:
        events.date_promise_event(s, pid, date(2026, 5, 1), today=date(2026, 6, 10), now=NOW)
    p = get(store, pid)
    assert (p.earliest, p.latest) == (date(2026, 6, 10), date(2026, 8, 1))


@pytest.mark.parametrize(
    "action, message",
    [
        (
            lambda s, ids: events.date_promise_event(
                s, ids["dated"], date(2027, 1, 1), today=date(2026, 6, 10), now=NOW
            ),
            "does not wait on an event",
        ),
        (
            lambda s, ids: events.date_promise_event(
                s, 99, date(2027, 1, 1), today=date(2026, 6, 10), now=NOW
            ),
            "no promise with id 99",
        ),
        (
            lambda s, ids: events.link(s, [ids["event"]], "  ", today=date(2026, 6, 10), now=NOW),
            "name is empty",
        ),
        (
            lambda s, ids: events.link(
                s, [ids["event"], ids["dated"]], "Wet X", today=date(2026, 6, 10), now=NOW
            ),
            "does not wait on an event",
        ),
        (
            lambda s, ids: events.set_event(
                s, "inwerkingtreding Wet Y", date(2027, 1, 1), today=date(2026, 6, 10), now=NOW
            ),
            "Did you mean 'inwerkingtreding Wet X'?",
        ),
    ],
    ids=["not-an-event", "no-such-promise", "empty-name", "link-a-dated-promise", "unknown-name"],
)
def test_bad_input_is_refused_and_nothing_is_written(store, action, message):
    ids = {
        "event": add(store, "A", "na de evaluatie"),
        "dated": add(store, "B", "voor eind 2026"),
        "named": add(store, "C", "twee jaar na inwerkingtreding"),
    }
    with store.session() as s:
        events.link(s, [ids["named"]], "inwerkingtreding Wet X", today=date(2026, 6, 10), now=NOW)
    with pytest.raises((InvalidInput, NotFound)) as e:
        with store.session() as s:
            action(s, ids)
    assert message in e.value.message
    with store.session() as s:
        assert s.exec(select(DeadlineChange)).all() == []
        assert [p.event_name for p in s.exec(select(Promise).order_by(Promise.id))] == [
            None,
            None,
            "inwerkingtreding Wet X",
        ]


# ----------------------------------------------------------------------------- the commands


def test_the_commands_list_link_and_date_events(toezegging_cli, terminal):
    cli = toezegging_cli
    out = json.loads(
        cli("add", TEXT, "--deadline", "binnen drie maanden na inwerkingtreding", "--yes", "--json").stdout
    )
    assert (out["latest"], out["kind"], out["waiting"], out["anchor"]) == (
        None,
        "event",
        True,
        "inwerkingtreding",
    )
    r = cli("add", "Evaluatie van de wet", "--deadline", "twee jaar na inwerkingtreding", "--yes")
    assert "It waits on 'inwerkingtreding'" in r.output
    assert "toezegging event 2 --on YYYY-MM-DD" in r.output
    cli("add", "Brief", "--deadline", "voor eind 2026", "--yes")
    waiting = json.loads(cli("list", "--waiting", "--json").stdout)
    assert [p["id"] for p in waiting] == [1, 2]
    r = cli("event", "link", "1", "2", "--as", "inwerkingtreding Wet X")
    assert "Linked promises 1, 2 to the event 'inwerkingtreding Wet X'." in r.output
    listed = json.loads(cli("events", "--json").stdout)
    assert [(e["label"], [p["id"] for p in e["promises"]]) for e in listed] == [
        ("inwerkingtreding Wet X", [1, 2])
    ]
    assert "inwerkingtreding Wet X: no date, waiting since 2026-06-10" in cli("events").output
    cli.today = "2026-09-01"
    r = cli("event", "set", "inwerkingtreding Wet X", "2026-10-01")
    assert "2 promises dated (not a postponement)" in r.output
    assert "#1: 'binnen drie maanden na inwerkingtreding' -> 2026-10-01 .. 2027-01-01" in r.output
    assert cli("events").output.strip() == "No promise waits on an event."
    assert json.loads(cli("list", "--waiting", "--json").stdout) == []
    shown = cli("show", "1").output
    assert "event:      inwerkingtreding Wet X, on 2026-10-01" in shown
    assert "event dated: 2026-09-01" in shown and "postponed" not in shown
    table = cli("list").output
    assert "2027-01-01" in table and "moved" not in table


def test_event_id_on_date_is_short_for_event_date(toezegging_cli):
    cli = toezegging_cli
    cli("add", "Reactie", "--deadline", "zo spoedig mogelijk na ontvangst van het advies", "-y")
    r = cli("event", "1", "--on", "2026-07-01", "--json")
    (p,) = json.loads(r.stdout)
    assert (p["earliest"], p["latest"], p["event_date"], p["kind"]) == (
        "2026-07-01",
        "2026-10-01",
        "2026-07-01",
        "relative",
    )
    assert [h["kind"] for h in p["history"]] == ["event"]


@pytest.mark.parametrize(
    "args, message",
    [
        (["event", "1", "--on", "2026-13-01"], "is not a date"),
        (["event", "2", "--on", "2026-07-01"], "does not wait on an event"),
        (["event", "set", "onbekend", "2026-07-01"], "no open promise is linked to the event"),
        (["event", "link", "1", "--as", ""], "name is empty"),
        (["event", "7", "--on", "2026-07-01"], "no promise with id 7"),
    ],
)
def test_event_commands_refuse_bad_input(toezegging_cli, args, message):
    cli = toezegging_cli
    cli("add", "Reactie", "--deadline", "na de evaluatie", "-y")
    cli("add", "Brief", "--deadline", "voor eind 2026", "-y")
    r = cli(*args, expect=None)
    assert r.exit_code in (1, 2) and message in r.output and "Traceback" not in r.output
    assert json.loads(cli("list", "--waiting", "--json").stdout)[0]["event_name"] is None


def test_the_drafted_questions_of_a_waiting_promise_ask_when_the_event_will_be(toezegging_cli):
    cli = toezegging_cli
    cli(
        "add",
        "Reactie op het advies",
        "--deadline",
        "zo spoedig mogelijk na ontvangst van het advies",
        "--ministry",
        "VWS",
        "-y",
    )
    text = cli("draft", "1").output
    assert "aan de minister van Volksgezondheid, Welzijn en Sport" in text
    assert "Wanneer verwacht u dat “ontvangst van het advies” plaatsvindt" in text


def test_postponing_to_an_event_phrase_makes_the_promise_wait(toezegging_cli):
    cli = toezegging_cli
    cli("add", "Brief", "--deadline", "voor eind 2026", "-y")
    r = cli("postpone", "1", "binnen zes weken na het commissiedebat", "--json")
    p = json.loads(r.stdout)
    assert (p["latest"], p["waiting"], p["anchor"], p["offset"]) == (None, True, "het commissiedebat", "P6W")


# ----------------------------------------------------------------------------- reminders


class Collect:
    """A transport that keeps what it is given; `fail` raises these first, one per mail."""

    def __init__(self, fail=()):
        self.sent = []
        self.fail = list(fail)

    def send(self, msg, to):
        if self.fail:
            raise self.fail.pop(0)
        self.sent.append((to, msg["X-Toezegging-Kind"], msg["X-Toezegging-Promise"], msg))

    def close(self):
        pass


def test_undated_events_are_named_weekly_in_one_mail_after_n_weeks(store, tmp_path):
    config = make_config(tmp_path, reminders=dict(undated_event_weeks=4))
    a = add(store, "A", "binnen drie maanden na inwerkingtreding")
    b = add(store, "B", "twee jaar na inwerkingtreding")
    c = add(store, "C", "na afronding van de pilot", ministry="OCW")
    with store.session() as s:
        events.link(s, [a, b], "inwerkingtreding Wet X", today=date(2026, 6, 10), now=NOW)
    t = Collect()
    delivery.tick(store, config, at(2026, 7, 6), transport=t)  # 3 weeks and 5 days: too early
    assert t.sent == []
    delivery.tick(store, config, at(2026, 7, 13), transport=t)  # the first Monday after 4 weeks
    (to, kind, ids, msg) = t.sent[0]
    assert (len(t.sent), to, kind, ids) == (1, ["staf@example.org"], "undated", f"{c} {a} {b}")
    assert msg["Subject"] == "Nog geen datum: 3 toezeggingen wachten op een gebeurtenis"
    text = msg.get_body(("plain",)).get_content()
    assert "== inwerkingtreding Wet X: wacht sinds 10 juni 2026 (4 weken) ==" in text
    assert "== afronding van de pilot: wacht sinds 10 juni 2026 (4 weken) ==" in text
    assert "Wanneer verwacht u dat “inwerkingtreding Wet X” plaatsvindt" in text
    assert 'toezegging event set "NAAM" JJJJ-MM-DD' in text
    delivery.tick(store, config, at(2026, 7, 14), transport=t)  # not again the same week
    assert len(t.sent) == 1
    with store.session() as s:
        events.set_event(s, "inwerkingtreding Wet X", date(2026, 9, 1), today=date(2026, 7, 15), now=NOW)
    delivery.tick(store, config, at(2026, 7, 20), transport=t)  # the next Monday: only the pilot
    assert [(k, i) for _, k, i, _ in t.sent[1:]] == [("undated", str(c))]


def test_undated_events_go_into_the_digest(store, tmp_path):
    config = make_config(tmp_path, reminders=dict(digest=True, undated_event_weeks=2))
    add(store, "A", "binnen drie maanden na inwerkingtreding", ministry="BZK")
    add_promise(store, latest=date(2026, 6, 29), earliest=date(2026, 6, 10))  # due on Monday
    t = Collect()
    delivery.tick(store, config, at(2026, 6, 29), transport=t)
    ((_, kind, ids, msg),) = t.sent
    assert (kind, sorted(ids.split())) == ("digest", ["1", "2"])
    text = msg.get_body(("plain",)).get_content()
    assert "Deze toezegging wacht al 2 weken op “inwerkingtreding”, dat nog geen datum heeft" in text


def test_undated_events_in_english_and_never_when_switched_off(store, tmp_path):
    add(store, "A", "within three months of the review")
    t = Collect()
    off = make_config(tmp_path, reminders=dict(undated_event_weeks=0))
    delivery.tick(store, off, at(2026, 12, 7), transport=t)
    assert t.sent == []
    en = make_config(tmp_path, language="en", reminders=dict(undated_event_weeks=8))
    delivery.tick(store, en, at(2026, 12, 7), transport=t)
    ((_, kind, _, msg),) = t.sent
    assert kind == "undated" and msg["Subject"] == "No date yet: 1 promise waits on an event"
    assert "== the review: waiting since 10 June 2026 (25 weeks) ==" in msg.get_body(("plain",)).get_content()


def test_dating_cancels_a_queued_undated_reminder_and_sends_no_postponed_mail(store, tmp_path):
    config = make_config(tmp_path, reminders=dict(undated_event_weeks=1))
    pid = add(store, "A", "binnen drie maanden na inwerkingtreding")
    first = delivery.tick(
        store,
        config,
        at(2026, 6, 22),  # Monday: queued, the server says 451
        transport=Collect(fail=[DeliveryError("451 later")]),
    )
    assert (first.inserted, first.retry) == (1, 1)
    with store.session() as s:
        events.date_promise_event(s, pid, date(2026, 7, 1), today=date(2026, 6, 23), now=NOW)
    t = Collect()
    report = delivery.tick(store, config, at(2026, 6, 23), transport=t)
    assert report.cancelled == 1 and t.sent == []
    (row,) = outbox.listing(store, ["cancelled"])
    assert (row.kind, row.error) == ("undated", "event dated")
    delivery.tick(store, config, at(2026, 7, 1), transport=t)  # the window opens on the event
    assert [k for _, k, _, _ in t.sent] == ["opens"]


# ----------------------------------------------------------------------------- end to end


def test_from_add_to_a_dated_window_in_the_feed_and_a_reminder(tmp_path, icaljs):
    """The issue's "done when": add an event promise, see no date; date the law's entry
    into force; the window is right, the feed shows it, and the reminders come."""
    server = SmtpServer("plain").start()
    try:
        make_config(tmp_path, port=server.port)
        config = str(tmp_path / "toezegging.toml")

        def run(today, *args):
            with freeze_time(f"{today} 10:00:00"):
                r = CliRunner(env={"TOEZEGGING_DATABASE_URL": None}).invoke(
                    toezegging_main, ["--config", config, *args]
                )
            assert r.exit_code == 0, (r.output, r.exception)
            return r

        r = run(
            "2026-06-10",
            "add",
            TEXT,
            "--deadline",
            "binnen drie maanden na inwerkingtreding",
            "--date",
            "2026-06-10",
            "--ministry",
            "Binnenlandse Zaken",
            "--yes",
        )
        assert "window:     no date yet: waits on 'inwerkingtreding'" in r.output
        run("2026-06-10", "event", "link", "1", "--as", "inwerkingtreding Wet X")

        def feed(today) -> dict:
            out = tmp_path / f"feeds-{today}"
            run(today, "feeds", "build", "--out", str(out))
            cal = check_feed((out / "alle.ics").read_bytes(), tmp_path, icaljs)
            return {str(e["UID"]): e for e in cal.walk("VEVENT")}

        assert feed("2026-06-11") == {}  # no date, no calendar item
        run("2026-06-20", "remind", "--now", "2026-06-20T09:00")
        assert server.handler.received == []

        run("2026-09-01", "event", "set", "inwerkingtreding Wet X", "2026-10-01")
        (item,) = feed("2026-09-01").values()
        assert item.decoded("DTSTART") == date(2027, 1, 1)  # the window's last day
        assert item.decoded("SEQUENCE") == 1
        assert "Uitgesteld: niet" in str(item["DESCRIPTION"])  # dating is no postponement

        for day in ("2026-09-07", "2026-10-01", "2026-12-02"):
            run(day, "remind", "--now", f"{day}T09:00")
        got = [(r.msg["X-Toezegging-Kind"], r.msg["Subject"]) for r in server.handler.received]
        assert [k for k, _ in got] == ["opens", "approaching"]
        assert got[1][1].startswith("Termijn verloopt over 30 dagen (1 januari 2027)")
        body = message_from_bytes(server.handler.received[1].data, policy=policy.default)
        text = body.get_body(("plain",)).get_content()
        assert "binnen 3 maanden na 'inwerkingtreding' (1 oktober 2026)" in text
    finally:
        server.stop()
