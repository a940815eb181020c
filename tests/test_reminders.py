"""The reminder rules (pure `due`) and the outbox operations on a real database."""

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from reminder_helpers import add_promise, close, make_config, postpone
from sqlalchemy import literal
from sqlmodel import select

from toezegging import delivery, outbox, reminders
from toezegging.config import RemindersConfig
from toezegging.errors import DeliveryError
from toezegging.model import Reminder

AMS = ZoneInfo("Europe/Amsterdam")
RULES = RemindersConfig()


@dataclass
class P:
    id: int = 1
    reference: date = date(2026, 6, 10)
    earliest: date | None = date(2026, 6, 10)
    latest: date | None = date(2026, 12, 31)
    recurrence: str | None = None
    status: str = "open"
    owner: str | None = None
    changed_on: date | None = None
    last_due: date | None = None
    last_kind: str | None = None


def at(y, m, d, hour=9, minute=0) -> datetime:
    return datetime(y, m, d, hour, minute, tzinfo=AMS)


def kinds(p, now, rules=RULES):
    return [(d.kind, d.due_on) for d in reminders.due([p], now, rules)]


CASES = [
    ("nothing-yet", P(), at(2026, 11, 30), []),
    ("30-days-before", P(), at(2026, 12, 1), [("approaching", date(2026, 12, 1))]),
    ("before-send-hour", P(), at(2026, 12, 1, 7, 59), []),
    ("at-send-hour", P(), at(2026, 12, 1, 8, 0), [("approaching", date(2026, 12, 1))]),
    ("7-days-before", P(), at(2026, 12, 24), [("approaching", date(2026, 12, 24))]),
    ("on-deadline", P(), at(2026, 12, 31), [("due", date(2026, 12, 31))]),
    ("deadline-passed-13-days", P(), at(2027, 1, 13), [("due", date(2026, 12, 31))]),
    ("overdue-14", P(), at(2027, 1, 14), [("overdue", date(2027, 1, 14))]),
    ("overdue-latest-repetition-only", P(), at(2027, 2, 20), [("overdue", date(2027, 2, 11))]),
    (
        "window-opens-after-promise",
        P(earliest=date(2027, 1, 1), latest=date(2027, 3, 31)),
        at(2027, 1, 1),
        [("opens", date(2027, 1, 1))],
    ),
    ("window-open-when-made", P(earliest=date(2026, 6, 10), latest=date(2027, 3, 31)), at(2026, 6, 10), []),
    (
        "approaching-before-reference-skipped",
        P(reference=date(2026, 12, 20), earliest=date(2026, 12, 20)),
        at(2026, 12, 21),
        [],
    ),
    ("closed", P(status="fulfilled"), at(2027, 2, 20), []),
    ("event-without-date", P(earliest=None, latest=None), at(2027, 2, 20), []),
    ("quiet-hours", P(), at(2026, 12, 24, 23, 0), []),
    (
        "postponed",
        P(changed_on=date(2026, 12, 28), latest=date(2027, 6, 30)),
        at(2026, 12, 28),
        [("postponed", date(2026, 12, 28))],
    ),
    ("already-recorded", P(last_due=date(2026, 12, 24), last_kind="approaching"), at(2026, 12, 26), []),
    (
        "recorded-older-one",
        P(last_due=date(2026, 12, 1), last_kind="approaching"),
        at(2026, 12, 26),
        [("approaching", date(2026, 12, 24))],
    ),
    # A recurring promise's window is its current occurrence (the first not fulfilled):
    # once its deadline passes unfulfilled it is overdue, like any promise; it does not
    # roll on to next year's date by itself (`done` moves it on).
    (
        "recurring-occurrence-passed-is-overdue",
        P(
            earliest=date(2026, 1, 1),
            latest=date(2026, 6, 1),
            reference=date(2025, 6, 1),
            recurrence="FREQ=YEARLY",
        ),
        at(2027, 5, 2),
        [("overdue", date(2027, 3, 6))],
    ),
    (
        "recurring-its-deadline",
        P(
            earliest=date(2026, 1, 1),
            latest=date(2026, 6, 1),
            reference=date(2025, 6, 1),
            recurrence="FREQ=YEARLY",
        ),
        at(2026, 6, 10),
        [("due", date(2026, 6, 1))],
    ),
    (
        "recurring-half-yearly-opens",
        P(
            earliest=date(2026, 6, 1),
            latest=date(2026, 6, 30),
            reference=date(2026, 1, 5),
            recurrence="FREQ=MONTHLY;INTERVAL=6",
        ),
        at(2026, 6, 1),
        [("opens", date(2026, 6, 1))],
    ),
    (
        "recurring-half-yearly-next-opening-is-no-reminder-yet",
        P(
            earliest=date(2026, 6, 1),
            latest=date(2026, 6, 30),
            reference=date(2026, 1, 5),
            recurrence="FREQ=MONTHLY;INTERVAL=6",
        ),
        at(2026, 12, 1),
        [("overdue", date(2026, 10, 6))],
    ),
    (
        "unreadable-rrule-is-not-recurring",
        P(recurrence="FREQ=SOMETIMES"),
        at(2027, 1, 14),
        [("overdue", date(2027, 1, 14))],
    ),
]


@pytest.mark.parametrize(("promise", "now", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_due(promise, now, expected):
    assert kinds(promise, now) == expected


@pytest.mark.parametrize("rule", ["FREQ=YEARLY", "FREQ=MONTHLY;INTERVAL=3", "FREQ=WEEKLY"])
def test_a_recurring_promise_is_reminded_of_as_its_current_window(rule):
    one_off = P(earliest=date(2026, 9, 1), latest=date(2026, 12, 31))
    recurring = P(earliest=date(2026, 9, 1), latest=date(2026, 12, 31), recurrence=rule)
    day = date(2026, 6, 10)
    while day < date(2028, 1, 1):
        now = at(day.year, day.month, day.day)
        assert kinds(recurring, now) == kinds(one_off, now), day
        assert reminders.stage(recurring, day, RULES) == reminders.stage(one_off, day, RULES)
        assert reminders.deadline_for(recurring, day) == date(2026, 12, 31)
        day += timedelta(days=3)


def test_catching_up_after_a_week_sends_the_newest_once():
    # Down from before "7 days before" until after the deadline: one "due", no "approaching".
    assert kinds(P(), at(2027, 1, 2)) == [("due", date(2026, 12, 31))]


def test_send_moment_in_the_autumn_dst_night_is_the_first_two_oclock():
    rules = RemindersConfig(send_hour=2, quiet_hours=[])
    moment = reminders.send_moment(date(2026, 10, 25), rules)
    assert moment.astimezone(UTC) == datetime(2026, 10, 25, 0, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("hours", "hour", "quiet"),
    [
        ([22, 7], 23, True),
        ([22, 7], 6, True),
        ([22, 7], 7, False),
        ([22, 7], 21, False),
        ([1, 5], 3, True),
        ([1, 5], 5, False),
        ([], 3, False),
    ],
    ids=lambda v: str(v),
)
def test_quiet_hours(hours, hour, quiet):
    assert reminders.in_quiet_hours(at(2026, 1, 5, hour), RemindersConfig(quiet_hours=hours)) is quiet


def test_is_scheduled_follows_the_current_window():
    p = P()
    assert reminders.is_scheduled(p, "approaching", date(2026, 12, 24), RULES)
    assert reminders.is_scheduled(p, "overdue", date(2027, 1, 14), RULES)
    assert reminders.is_scheduled(p, "overdue", date(2027, 2, 11), RULES)  # 14 + 28 days
    assert not reminders.is_scheduled(p, "overdue", date(2027, 1, 28), RULES)
    moved = P(latest=date(2027, 6, 30))
    assert not reminders.is_scheduled(moved, "approaching", date(2026, 12, 24), RULES)
    assert not reminders.is_scheduled(P(status="lapsed"), "due", date(2026, 12, 31), RULES)


# ----------------------------------------------------------------------------- the outbox


def rows(store):
    with store.session() as s:
        return sorted((r.promise_id, r.kind, r.due_on, r.state) for r in s.exec(select(Reminder)))


class Collect:
    """A transport that keeps what it was given (the SMTP tests use a real server)."""

    def __init__(self, fail=None):
        self.sent = []
        self.fail = fail or []

    def send(self, msg, to):
        if self.fail:
            raise self.fail.pop(0)
        self.sent.append((to, msg["X-Toezegging-Kind"], msg["Message-ID"]))

    def close(self):
        pass


def test_insert_is_unique_per_promise_kind_and_day(store, tmp_path):
    config = make_config(tmp_path)
    add_promise(store, owner="eigenaar@example.org")
    d = reminders.Due(1, "approaching", date(2026, 12, 1), at(2026, 12, 1, 8))
    assert outbox.insert_due(store, [d], {1: "x@example.org"}, at(2026, 12, 1)) == 1
    assert outbox.insert_due(store, [d], {1: "x@example.org"}, at(2026, 12, 1)) == 0
    assert rows(store) == [(1, "approaching", date(2026, 12, 1), "pending")]
    t = Collect()
    delivery.tick(store, config, at(2026, 12, 1, 9), transport=t)
    delivery.tick(store, config, at(2026, 12, 1, 10), transport=t)
    assert [(to, k) for to, k, _ in t.sent] == [(["x@example.org"], "approaching")]


def test_claim_is_atomic_and_a_lease_expires(store):
    add_promise(store)
    d = reminders.Due(1, "due", date(2026, 12, 31), at(2026, 12, 31, 8))
    outbox.insert_due(store, [d], {1: "x@example.org"}, at(2026, 12, 31))
    (rid,) = outbox.ready_ids(store, at(2026, 12, 31, 9))
    assert outbox.claim(store, rid, at(2026, 12, 31, 9), 300, "a")
    assert not outbox.claim(store, rid, at(2026, 12, 31, 9), 300, "b")
    assert not outbox.claim(store, rid, at(2026, 12, 31, 9, 4), 300, "b")
    assert outbox.claim(store, rid, at(2026, 12, 31, 9, 6), 300, "b")
    outbox.record_sent(store, rid, "a", at(2026, 12, 31, 9, 6))  # the old holder: ignored
    assert rows(store)[0][3] == "sending"
    outbox.record_sent(store, rid, "b", at(2026, 12, 31, 9, 6))
    assert rows(store)[0][3] == "sent"


def test_temporary_failures_back_off_then_fail(store, tmp_path):
    config = make_config(tmp_path, reminders=dict(max_attempts=3))
    add_promise(store)
    t = Collect(fail=[DeliveryError("451 later")] * 3)
    now = at(2026, 12, 31, 9)
    r1 = delivery.tick(store, config, now, transport=t)
    assert (r1.retry, r1.sent) == (1, 0)
    assert delivery.tick(store, config, now + timedelta(seconds=59), transport=t).retry == 0
    assert delivery.tick(store, config, now + timedelta(seconds=60), transport=t).retry == 1
    # second retry waits 120 s; the third attempt is the last one
    assert delivery.tick(store, config, now + timedelta(seconds=179), transport=t).retry == 0
    r4 = delivery.tick(store, config, now + timedelta(seconds=180), transport=t)
    assert r4.failed == 1
    assert rows(store) == [(1, "due", date(2026, 12, 31), "failed")]
    assert t.sent == []


def test_postponed_between_ticks_cancels_and_sends_the_new_one(store, tmp_path):
    config = make_config(tmp_path)
    add_promise(store)
    t = Collect(fail=[DeliveryError("451 later")])
    delivery.tick(store, config, at(2026, 12, 24, 9), transport=t)  # approaching: 451, pending
    postpone(
        store,
        1,
        at(2026, 12, 27, 15),
        "voor de zomer van 2027",
        date(2027, 7, 2),
        new_earliest=date(2026, 12, 27),
        reason="Mag ik er de zomer van maken?",
    )
    report = delivery.tick(store, config, at(2026, 12, 28, 9), transport=t)
    assert report.cancelled == 1
    assert [(k) for _, k, _ in t.sent] == ["postponed"]
    assert rows(store) == [
        (1, "approaching", date(2026, 12, 24), "cancelled"),
        (1, "postponed", date(2026, 12, 27), "sent"),
    ]
    # and the new window runs its own course
    delivery.tick(store, config, at(2027, 6, 2, 9), transport=t)
    assert [k for _, k, _ in t.sent] == ["postponed", "approaching"]


def test_closing_a_promise_cancels_its_pending_reminder(store, tmp_path):
    config = make_config(tmp_path)
    add_promise(store)
    t = Collect(fail=[DeliveryError("451 later")])
    delivery.tick(store, config, at(2027, 1, 14, 9), transport=t)
    close(store, 1)
    report = delivery.tick(store, config, at(2027, 1, 15, 9), transport=t)
    assert report.cancelled == 1 and t.sent == []
    assert rows(store) == [(1, "overdue", date(2027, 1, 14), "cancelled")]


def test_recipient_is_the_owner_else_the_configured_default(store, tmp_path):
    config = make_config(tmp_path, to="staf@example.org")
    add_promise(store, owner="eigenaar@example.org")
    add_promise(store)
    t = Collect()
    delivery.tick(store, config, at(2026, 12, 31, 9), transport=t)
    assert sorted(to for to, _, _ in t.sent) == [["eigenaar@example.org"], ["staf@example.org"]]


def test_dry_run_writes_nothing(store, tmp_path):
    config = make_config(tmp_path)
    add_promise(store)
    report = delivery.tick(store, config, at(2026, 12, 31, 9), dry_run=True)
    assert report.inserted == 1 and rows(store) == []
    assert report.lines == ["queue   #1 due 2026-12-31 to staf@example.org"]


def test_the_tick_filters_in_sql(store, tmp_path):
    add_promise(store, latest=date(2030, 1, 1), earliest=date(2029, 1, 1))  # far away
    add_promise(store)  # within 30 days
    add_promise(store, status="fulfilled")
    with store.engine.connect() as conn:
        ids = [c.id for c in outbox.candidates(conn, date(2026, 12, 1), RULES)]
    assert ids == [2]


# ----------------------------------------------------------------------------- slowing down


def test_overdue_mails_slow_down_to_the_maximum_gap():
    rules = RemindersConfig(overdue_every_days=14, overdue_max_every_days=90)
    assert reminders.overdue_offsets(rules) == ([14, 42, 98, 188], 90)
    p = P(latest=date(2026, 12, 31))
    sent = []
    day = date(2027, 1, 1)
    while day <= date(2029, 1, 1):
        for kind, due_on in kinds(p, at(day.year, day.month, day.day), rules):
            if kind == "overdue" and due_on not in sent:
                sent.append(due_on)
        day += timedelta(days=1)
    gaps = [(b - a).days for a, b in zip([p.latest, *sent], sent, strict=False)]
    assert gaps[:5] == [14, 28, 56, 90, 90]
    assert set(gaps[3:]) == {90}
    # two years overdue: 10 mails, not 52
    assert len(sent) == 10


@pytest.mark.parametrize("days_late", [0, 13, 14, 15, 41, 42, 97, 98, 187, 188, 277, 278, 700])
def test_the_sql_filter_agrees_with_the_rule(store, days_late):
    rules = RemindersConfig(overdue_every_days=14, overdue_max_every_days=90)
    add_promise(store, latest=date(2026, 12, 31), earliest=date(2026, 6, 10))
    today = date(2026, 12, 31) + timedelta(days=days_late)
    newest = reminders.overdue_day(days_late, rules)
    with store.engine.connect() as conn:
        got = conn.execute(select(outbox._overdue_offset(literal(days_late), rules))).scalar_one()
        ids = [c.id for c in outbox.candidates(conn, today, rules)]
    assert got == (newest if newest is not None else 0)
    if newest:
        assert reminders.is_scheduled(P(), "overdue", date(2026, 12, 31) + timedelta(days=newest), rules)
        assert ids == [1]  # nothing recorded yet: the newest overdue mail is to be sent
