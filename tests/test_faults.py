"""The fault-injection suite of the outbox: partial recipient refusals, a 12-hour outage of
the mail server, a digest sent again after a crash, and the database going away in the
middle of sending. Each ends with 0 lost and 0 duplicated reminders, counted on a real
SMTP server on 127.0.0.1, on SQLite and (where the store fixture gives it) PostgreSQL."""

import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from datetime import date, timedelta
from pathlib import Path

import pytest
from reminder_helpers import SmtpServer, add_promise, at, free_port, kill_while_sending, make_config

from toezegging import delivery, outbox
from toezegging.store import Store


def states(store) -> dict[str, str]:
    return {r.recipient: r.state for r in outbox.listing(store)}


# ----------------------------------------------------------------------------- refusals


def test_refused_recipients_are_kept_apart(store, tmp_path, server):
    """b is refused for now (451), c for good (550): a gets it once, b later, c never."""
    config = make_config(tmp_path, port=server.port, to=["a@example.org", "b@example.org", "c@example.org"])
    server.handler.rcpt_replies = {
        "b@example.org": ["451 4.2.1 Mailbox busy, try later"],
        "c@example.org": ["550 5.1.1 No such user here"],
    }
    add_promise(store)
    first = delivery.tick(store, config, at(2026, 12, 31, 9))
    assert (first.sent, first.retry, first.failed) == (1, 1, 1)
    assert states(store) == {"a@example.org": "sent", "b@example.org": "pending", "c@example.org": "failed"}
    failed = [r for r in outbox.listing(store, ["failed"])]
    assert len(failed) == 1 and "550 5.1.1 No such user here" in failed[0].error
    # b's retry after the backoff; a is not mailed again, c stays failed
    later = delivery.tick(store, config, at(2026, 12, 31, 9, 1))
    assert (later.sent, later.retry, later.failed) == (1, 0, 0)
    for t in (at(2026, 12, 31, 12), at(2027, 1, 2, 9)):
        assert delivery.tick(store, config, t).sent == 0
    got = sorted(r.rcpt_tos[0] for r in server.handler.received)
    assert got == ["a@example.org", "b@example.org"]
    assert len(set(server.handler.message_ids())) == 2


# ----------------------------------------------------------------------------- outage


def test_a_twelve_hour_outage_loses_nothing_and_uses_no_attempts(store, tmp_path):
    port = free_port()  # nobody listens for twelve hours
    config = make_config(
        tmp_path,
        port=port,
        to=["a@example.org", "b@example.org"],
        reminders=dict(max_attempts=3, quiet_hours=[]),
    )
    for _ in range(3):
        add_promise(store)
    start = at(2026, 12, 31, 9)
    t = start
    while t < start + timedelta(hours=12):
        report = delivery.tick(store, config, t)
        assert (report.sent, report.failed, report.retry) == (0, 0, 0)
        assert report.waiting == 6 and report.server_down_since == start
        assert "has not answered since" in report.summary()
        t += timedelta(minutes=5)
    down = outbox.server_state(store)
    assert down.failures < 30, "the ticks backed off on the connection"
    assert all(r.state == "pending" and r.attempts == 0 for r in outbox.listing(store))
    s = SmtpServer("plain", port=port).start()
    try:
        sent = 0
        while sent < 6 and t < start + timedelta(hours=14):
            sent += delivery.tick(store, config, t).sent
            t += timedelta(minutes=5)
        for _ in range(3):
            assert delivery.tick(store, config, t).sent == 0
            t += timedelta(hours=1)
        keys = sorted(s.handler.keys())
    finally:
        s.stop()
    assert keys == sorted(
        (who, "due", str(i)) for who in ("a@example.org", "b@example.org") for i in (1, 2, 3)
    )
    assert outbox.server_state(store) is None
    assert {r.state for r in outbox.listing(store)} == {"sent"}


# ----------------------------------------------------------------------------- a digest crash


def _cli(tmp_path: Path, *args: str) -> subprocess.Popen:
    cmd = [sys.executable, "-m", "toezegging", "--config", str(tmp_path / "toezegging.toml"), *args]
    return subprocess.Popen(
        cmd,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )


def test_a_digest_sent_again_after_a_crash_is_the_same_digest(tmp_path, server):
    db = Store(f"sqlite:///{tmp_path / 'toezegging.db'}")
    db.create_schema()
    make_config(tmp_path, port=server.port, reminders=dict(digest=True))
    add_promise(db)
    add_promise(db, latest=date(2027, 1, 7))
    # the server has the digest; the sender dies before the 250
    status = kill_while_sending(server, lambda: _cli(tmp_path, "remind", "--now", "2026-12-31T09:00"))
    assert status == -signal.SIGKILL
    (first,) = server.handler.received
    # A reminder falls due between the crash and the retry: it goes in a digest of its own.
    add_promise(db, text="Een derde toezegging", latest=date(2026, 12, 31))
    p = _cli(tmp_path, "remind", "--now", "2026-12-31T09:06")  # the lease has run out
    out, err = p.communicate(timeout=60)
    assert p.returncode == 0, err
    received = server.handler.received
    assert len(received) == 3
    again = [r for r in received[1:] if r.msg["Message-ID"] == first.msg["Message-ID"]]
    assert len(again) == 1 and again[0].msg["X-Toezegging-Promise"] == "1 2"
    (new,) = [r for r in received[1:] if r is not again[0]]
    assert new.msg["X-Toezegging-Promise"] == "3"
    assert new.msg["Message-ID"] != first.msg["Message-ID"]
    p = _cli(tmp_path, "remind", "--now", "2026-12-31T12:00")
    p.communicate(timeout=60)
    assert len(server.handler.received) == 3
    db.dispose()


# ----------------------------------------------------------------------------- the database away


def test_sqlite_locked_right_after_the_server_took_the_mail(tmp_path, server, caplog):
    """Another process holds the database for a few seconds while the mail goes out: the
    row is still marked sent (retried past busy_timeout), so nothing goes out twice."""
    path = tmp_path / "toezegging.db"
    db = Store(f"sqlite:///{path}", busy_timeout=0.3)
    db.create_schema()
    config = make_config(tmp_path, port=server.port, reminders=dict(lease_seconds=60), extra="")
    config.database.busy_timeout = 0.3
    add_promise(db)
    released = threading.Event()

    def hold_the_database(_mail):
        con = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        con.execute("BEGIN EXCLUSIVE")

        def release():
            time.sleep(3)
            con.execute("COMMIT")
            con.close()
            released.set()

        threading.Thread(target=release, daemon=True).start()

    server.handler.on_data = hold_the_database
    report = delivery.tick(db, config, at(2026, 12, 31, 9))
    assert released.is_set() and report.sent == 1
    assert "the database is away" in caplog.text
    server.handler.on_data = None
    assert delivery.tick(db, config, at(2026, 12, 31, 9, 10)).sent == 0
    assert len(server.handler.received) == 1
    assert [r.state for r in outbox.listing(db)] == ["sent"]
    db.dispose()


def _pg_bindir() -> Path | None:
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"))
    if found:
        return found[-1].parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


class PgCluster:
    """A PostgreSQL server of this test's own (so that it can be stopped and started)."""

    def __init__(self, root: Path):
        self.bindir = _pg_bindir()
        self.root = root
        self.port = free_port()
        self.run_as = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        root.mkdir()
        if self.run_as:
            shutil.chown(root, "postgres")
            shutil.chown(root.parent, "postgres")

    def _run(self, *args: str) -> None:
        subprocess.run([*self.run_as, *args], check=True, capture_output=True, timeout=120)

    def init(self) -> str:
        self._run(
            str(self.bindir / "initdb"),
            "-D",
            str(self.root / "data"),
            "-U",
            "tz",
            "--auth=trust",
            "--no-locale",
            "-E",
            "UTF8",
        )
        self.start()
        self._run(str(self.bindir / "createdb"), "-h", "127.0.0.1", "-p", str(self.port), "-U", "tz", "tz")
        return f"postgresql+psycopg://tz@127.0.0.1:{self.port}/tz"

    def start(self) -> None:
        self._run(
            str(self.bindir / "pg_ctl"),
            "-D",
            str(self.root / "data"),
            "-w",
            "-l",
            str(self.root / "log"),
            "-o",
            f"-h 127.0.0.1 -p {self.port} -k {self.root}",
            "start",
        )

    def stop(self) -> None:
        self._run(str(self.bindir / "pg_ctl"), "-D", str(self.root / "data"), "-m", "fast", "-w", "stop")


# How long the PostgreSQL server stays stopped: the minute.
PG_DOWN_SECONDS = 60


@pytest.mark.skipif(
    _pg_bindir() is None or (os.geteuid() == 0 and shutil.which("runuser") is None),
    reason="PostgreSQL's server programs are not installed here",
)
def test_postgresql_stopped_right_after_the_server_took_the_mail(tmp_path, server):
    """The database is stopped for a minute right after the mail server took the mail: the
    row is still marked sent once it is back (within the lease), so nothing goes twice."""
    pytest.importorskip("psycopg")
    # A folder of its own under /tmp: the server's user cannot enter pytest's (mode 700).
    root = Path(tempfile.mkdtemp(prefix="toezegging-faults-"))
    cluster = PgCluster(root / "pg")
    url = cluster.init()
    db = Store(url)
    try:
        db.create_schema()
        config = make_config(tmp_path, port=server.port, reminders=dict(lease_seconds=2 * PG_DOWN_SECONDS))
        add_promise(db)
        restarted = threading.Event()

        def stop_the_database(_mail):
            cluster.stop()

            def later():
                time.sleep(PG_DOWN_SECONDS)
                cluster.start()
                restarted.set()

            threading.Thread(target=later, daemon=True).start()

        server.handler.on_data = stop_the_database
        report = delivery.tick(db, config, at(2026, 12, 31, 9))
        assert restarted.is_set() and report.sent == 1
        server.handler.on_data = None
        assert delivery.tick(db, config, at(2026, 12, 31, 9, 10)).sent == 0
        assert len(server.handler.received) == 1
        assert [r.state for r in outbox.listing(db)] == ["sent"]
    finally:
        db.dispose()
        try:
            cluster.stop()
        except subprocess.CalledProcessError:
            pass
        shutil.rmtree(root, ignore_errors=True)
