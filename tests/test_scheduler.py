"""Ticks through every fault: two processes at once, a process killed while sending, a week
of downtime, a postponement between ticks, the autumn DST night, and the daemon itself.
Each test asserts the exact mails a real SMTP server on 127.0.0.1 received."""

import json
import os
import signal
import subprocess
import sys
import threading
import time
from datetime import UTC, date, datetime, timedelta

import pytest
from reminder_helpers import AMS, add_promise, at, kill_while_sending, make_config, postpone

from toezegging import delivery, outbox
from toezegging.store import Store


@pytest.fixture
def db(tmp_path):
    """A real SQLite file shared by this process and the subprocesses."""
    s = Store(f"sqlite:///{tmp_path / 'toezegging.db'}")
    s.create_schema()
    yield s
    s.dispose()


def cli(tmp_path, *args, **popen):
    cmd = [sys.executable, "-m", "toezegging", "--config", str(tmp_path / "toezegging.toml"), *args]
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    return subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, **popen)


def run(tmp_path, *args, timeout=60):
    p = cli(tmp_path, *args)
    out, err = p.communicate(timeout=timeout)
    return p.returncode, out, err


def ticks(start: datetime, end: datetime, step: timedelta):
    t = start
    while t <= end:
        yield t
        t += step


def test_two_ticks_in_two_processes_at_once(tmp_path, db, server):
    make_config(tmp_path, port=server.port)
    for _ in range(30):
        add_promise(db)
    server.handler.on_data = lambda _m: time.sleep(0.02)  # keep both processes busy
    procs = [cli(tmp_path, "remind", "--now", "2026-12-31T09:00") for _ in range(2)]
    outs = [p.communicate(timeout=120) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], outs
    keys = sorted(server.handler.keys(), key=lambda k: int(k[2]))
    assert keys == [("staf@example.org", "due", str(i)) for i in range(1, 31)]
    assert len(set(server.handler.message_ids())) == 30
    counts = [int(out.rsplit(" sent,", 1)[0].rsplit(" ", 1)[1]) for out, _ in outs]
    print("sent per process:", counts)
    sent = sum(counts)
    assert sent == 30, outs


def test_a_process_killed_while_sending(tmp_path, db, server):
    """The one duplicate SMTP cannot rule out, and it keeps its Message-ID."""
    make_config(tmp_path, port=server.port)
    for _ in range(3):
        add_promise(db)
    # the server has the mail; the client dies before the 250
    status = kill_while_sending(server, lambda: cli(tmp_path, "remind", "--now", "2026-12-31T09:00"))
    assert status == -signal.SIGKILL
    assert len(server.handler.received) == 1
    first_id = server.handler.message_ids()[0]
    # within the lease: the others go, the one being sent is left alone
    assert run(tmp_path, "remind", "--now", "2026-12-31T09:01")[0] == 0
    assert len(server.handler.received) == 3
    # the lease has run out: it goes again, with the same Message-ID
    assert run(tmp_path, "remind", "--now", "2026-12-31T09:06")[0] == 0
    assert run(tmp_path, "remind", "--now", "2026-12-31T09:30")[0] == 0
    ids = server.handler.message_ids()
    assert len(ids) == 4 and ids[-1] == first_id and len(set(ids)) == 3
    assert sorted(server.handler.keys()) == sorted(
        [("staf@example.org", "due", str(i)) for i in (1, 2, 3)] + [server.handler.received[0].key]
    )


def test_down_for_a_week_catches_up_once(tmp_path, db, server):
    config = make_config(tmp_path, port=server.port)
    add_promise(db)  # approaching 1 Dec and 24 Dec, due 31 Dec
    # overdue 14, 42 and 98 days after 15 Nov: 29 Nov, 27 Dec, 21 Feb
    add_promise(db, latest=date(2026, 11, 15), earliest=date(2026, 6, 10))
    # the first run catches up too: the newest reminder of each, once
    for t in ticks(at(2026, 12, 20, 0), at(2026, 12, 22, 0), timedelta(hours=1)):
        delivery.tick(db, config, t)
    assert sorted(server.handler.keys()) == [
        ("staf@example.org", "approaching", "1"),
        ("staf@example.org", "overdue", "2"),
    ]
    # down from 22 December to 2 January: missed 24 Dec, 27 Dec and 31 Dec
    for t in ticks(at(2027, 1, 2, 0), at(2027, 1, 3, 0), timedelta(hours=1)):
        delivery.tick(db, config, t)
    assert sorted(server.handler.keys()[2:]) == [
        ("staf@example.org", "due", "1"),
        ("staf@example.org", "overdue", "2"),
    ]
    rows = sorted((r.promise_id, r.kind, r.due_on) for r in outbox.listing(db))
    assert rows == [
        (1, "approaching", date(2026, 12, 1)),
        (1, "due", date(2026, 12, 31)),
        (2, "overdue", date(2026, 11, 29)),
        (2, "overdue", date(2026, 12, 27)),
    ]


def test_first_run_and_restart_send_each_reminder_once(tmp_path, db, server):
    config = make_config(tmp_path, port=server.port)
    add_promise(db)
    for t in ticks(at(2026, 12, 1, 0), at(2026, 12, 2, 0), timedelta(minutes=30)):
        delivery.tick(db, config, t)
    # down for a week; the 24 December reminder is still ahead, so nothing is missed
    for t in ticks(at(2026, 12, 9, 0), at(2026, 12, 25, 0), timedelta(hours=6)):
        delivery.tick(db, config, t)
    assert server.handler.keys() == [("staf@example.org", "approaching", "1")] * 2
    assert [r.due_on for r in outbox.listing(db)] == [date(2026, 12, 24), date(2026, 12, 1)]


def test_deadline_postponed_between_ticks(tmp_path, db, server):
    config = make_config(tmp_path, port=server.port)
    add_promise(db)
    server.handler.replies = ["451 4.7.0 Even geduld"]
    delivery.tick(db, config, at(2026, 12, 24, 9))  # approaching: deferred
    postpone(
        db,
        1,
        at(2026, 12, 27, 14),
        "voor de zomer van 2027",
        date(2027, 7, 2),
        new_earliest=date(2026, 12, 27),
    )
    for t in ticks(at(2026, 12, 27, 15), at(2027, 1, 20, 0), timedelta(hours=4)):
        delivery.tick(db, config, t)
    assert server.handler.keys() == [("staf@example.org", "postponed", "1")]
    states = sorted((r.kind, r.due_on, r.state) for r in outbox.listing(db))
    assert states == [
        ("approaching", date(2026, 12, 24), "cancelled"),
        ("postponed", date(2026, 12, 27), "sent"),
    ]


def test_autumn_dst_night(tmp_path, db, server):
    config = make_config(tmp_path, port=server.port, reminders=dict(send_hour=2, quiet_hours=[]))
    add_promise(db, latest=date(2026, 10, 25), earliest=date(2026, 6, 10))  # due that day
    add_promise(db, latest=date(2026, 10, 11), earliest=date(2026, 6, 10))  # overdue that day
    delivery.tick(db, config, at(2026, 10, 24, 12))  # the day before: earlier reminders go
    server.handler.received.clear()
    sent_at = []
    # every 5 minutes through the night the clocks go from 03:00 CEST back to 02:00 CET
    for t in ticks(
        datetime(2026, 10, 24, 22, 0, tzinfo=UTC),
        datetime(2026, 10, 25, 4, 0, tzinfo=UTC),
        timedelta(minutes=5),
    ):
        if delivery.tick(db, config, t).sent:
            sent_at.append(t)
    assert sorted(server.handler.keys()) == [
        ("staf@example.org", "due", "1"),
        ("staf@example.org", "overdue", "2"),
    ]
    # 02:00 CEST is 00:00 UTC, the first time 02:00 comes round that night
    assert sent_at == [datetime(2026, 10, 25, 0, 0, tzinfo=UTC)]


def test_quiet_hours_hold_retries(tmp_path, db, server):
    config = make_config(tmp_path, port=server.port)
    add_promise(db)
    server.handler.replies = ["451 4.3.0 later"]
    delivery.tick(db, config, at(2026, 12, 31, 21, 59))
    for t in ticks(at(2026, 12, 31, 22, 0), at(2027, 1, 1, 6, 55), timedelta(minutes=5)):
        assert delivery.tick(db, config, t).quiet
    assert server.handler.received == []
    delivery.tick(db, config, at(2027, 1, 1, 7, 0))
    assert server.handler.keys() == [("staf@example.org", "due", "1")]


# ----------------------------------------------------------------------------- the daemon


def _wait(cond, seconds=20.0):
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if cond():
            return True
        time.sleep(0.1)
    return False


class Watched:
    """A daemon in a subprocess whose log lines (stderr) are read as they come."""

    def __init__(self, tmp_path, *args, env=None):
        cmd = [sys.executable, "-m", "toezegging", "--config", str(tmp_path / "toezegging.toml"), *args]
        self.proc = subprocess.Popen(
            cmd,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env={**os.environ, "PYTHONUNBUFFERED": "1", **(env or {})},
        )
        self.lines: list[str] = []
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self):
        for line in self.proc.stderr:
            self.lines.append(line.rstrip("\n"))

    def wait_for(self, text: str, count: int = 1, seconds: float = 60.0) -> bool:
        return _wait(lambda: sum(text in line for line in self.lines) >= count, seconds)

    def stop(self, sig=signal.SIGTERM) -> int:
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self._reader.join(timeout=5)
        return self.proc.returncode

    @property
    def log(self) -> str:
        return "\n".join(self.lines)


def test_scheduler_daemon_ticks_and_stops_cleanly_on_sigterm(tmp_path, db, server):
    make_config(tmp_path, port=server.port, reminders=dict(send_hour=0, quiet_hours=[]))
    today = datetime.now(AMS).date()
    add_promise(db, latest=today, earliest=today - timedelta(days=30), reference=today - timedelta(days=60))
    d = Watched(tmp_path, "scheduler", "--interval", "0.5")
    try:
        assert d.wait_for("scheduler started"), d.log
        assert _wait(lambda: len(server.handler.received) == 1)
        assert d.wait_for(" 0 sent,", count=2), d.log  # more ticks: nothing new
    finally:
        code = d.stop()
    assert code == 0, d.log
    assert "scheduler stopped" in d.log and "Traceback" not in d.log
    # a restart (or a second daemon) sends nothing again: the database is the truth
    d2 = Watched(tmp_path, "scheduler", "--interval", "0.5")
    try:
        assert d2.wait_for("scheduler started"), d2.log
        assert d2.wait_for(" 0 sent,", count=2), d2.log
    finally:
        code = d2.stop(signal.SIGINT)
    assert code == 130  # Ctrl-C: a clean stop, reported as interrupted
    assert server.handler.keys() == [("staf@example.org", "due", "1")]


def test_scheduler_logs_an_error_on_every_tick_while_mail_is_failing(tmp_path, db):
    from reminder_helpers import free_port

    make_config(
        tmp_path,
        port=free_port(),
        reminders=dict(send_hour=0, quiet_hours=[], retry_base_seconds=1, reconnect_max_seconds=1),
    )
    today = datetime.now(AMS).date()
    add_promise(db, latest=today, earliest=today - timedelta(days=30), reference=today - timedelta(days=60))
    d = Watched(tmp_path, "scheduler", "--interval", "0.5")
    try:
        assert _wait(lambda: len(_summaries(d)) >= 3), d.log
    finally:
        assert d.stop() == 0
    # every tick's summary is an ERROR while the server does not answer
    assert all(" ERROR " in line for line in _summaries(d)) and "Traceback" not in d.log
    (row,) = outbox.listing(db)
    assert row.state == "pending" and row.attempts == 0


def _summaries(d: "Watched") -> list[str]:
    return [line for line in d.lines if "has not answered since" in line]


def test_scheduler_waits_for_a_database_that_cannot_be_reached(tmp_path):
    pytest.importorskip("psycopg")
    from reminder_helpers import free_port

    make_config(tmp_path, transport="file")
    url = f"postgresql+psycopg://nobody@127.0.0.1:{free_port()}/toezegging"
    d = Watched(tmp_path, "scheduler", "--interval", "0.5", env={"TOEZEGGING_DATABASE_URL": url})
    try:
        assert d.wait_for("Trying again in", count=2), d.log
        assert d.proc.poll() is None, "the scheduler must keep waiting, not exit"
    finally:
        code = d.stop()
    assert code == 0 and "Traceback" not in d.log
    assert all("cannot open the database" in line for line in d.lines if "Trying again" in line)


def test_scheduler_skips_a_tick_with_one_line_while_the_database_is_locked(tmp_path, db, server):
    import sqlite3

    make_config(tmp_path, port=server.port, reminders=dict(send_hour=0, quiet_hours=[]))
    path = tmp_path / "toezegging.toml"
    path.write_text(
        path.read_text().replace("[database]\n", "[database]\nbusy_timeout = 0.2\n", 1), encoding="utf-8"
    )
    today = datetime.now(AMS).date()
    add_promise(db, latest=today, earliest=today - timedelta(days=30), reference=today - timedelta(days=60))
    con = sqlite3.connect(tmp_path / "toezegging.db", isolation_level=None)
    con.execute("BEGIN EXCLUSIVE")  # another program holds the database: no tick can write
    d = Watched(tmp_path, "scheduler", "--interval", "0.5")
    try:
        try:
            assert d.wait_for("tick skipped: the database cannot be reached", count=2), d.log
        finally:
            con.execute("COMMIT")
            con.close()
        assert _wait(lambda: len(server.handler.received) == 1), d.log
    finally:
        assert d.stop() == 0
    assert "Traceback" not in d.log
    assert all("database is locked" in line for line in d.lines if "tick skipped" in line)


# ----------------------------------------------------------------------------- the CLI


def test_remind_dry_run_and_outbox_json(tmp_path, db, server):
    make_config(tmp_path, port=server.port)
    add_promise(db)
    code, out, _ = run(tmp_path, "remind", "--now", "2026-12-31T09:00", "--dry-run")
    assert code == 0
    assert out.splitlines()[0] == "queue   #1 due 2026-12-31 to staf@example.org"
    assert server.handler.received == []
    assert run(tmp_path, "remind", "--now", "2026-12-31T09:00")[0] == 0
    code, out, _ = run(tmp_path, "outbox", "--json")
    (row,) = [json.loads(line) for line in out.splitlines()]
    assert {k: row[k] for k in ("promise_id", "kind", "due_on", "state", "recipient", "message_id")} == {
        "promise_id": 1,
        "kind": "due",
        "due_on": "2026-12-31",
        "state": "sent",
        "recipient": "staf@example.org",
        "message_id": "<toezegging.1.1.due.20261231@example.org>",
    }


def test_draft_prints_the_questions(tmp_path, db):
    make_config(tmp_path, transport="file")
    add_promise(db, latest=date(2020, 1, 1), earliest=date(2019, 6, 1), reference=date(2019, 5, 1))
    code, out, _ = run(tmp_path, "draft", "1")
    assert code == 0
    assert out.startswith(
        "Vragen van het lid Van Nispen (SP) aan de minister van Justitie en Veiligheid over de toezegging"
    )
    assert "\n1.\nHerinnert u zich uw toezegging" in out
    assert "\n2.\nWaarom is deze toezegging, die uiterlijk 1 januari 2020 nagekomen" in out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("remind", "--now", "gisteren"), "is not an ISO moment"),
        (("draft", "99"), "no promise with id 99"),
    ],
)
def test_user_mistakes_are_one_line(tmp_path, db, args, message):
    make_config(tmp_path, transport="file")
    code, out, err = run(tmp_path, *args)
    assert code == 1 and message in err and "Traceback" not in err
