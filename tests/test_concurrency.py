"""Several people changing the register at the same moment, as real processes on one
database (SQLite file or PostgreSQL schema): no change is lost, history stays a chain, and
the loser of a race gets a clear message, never a traceback."""

import io
import multiprocessing
import os
from contextlib import redirect_stderr, redirect_stdout
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import event, text
from sqlmodel import Session, select

from toezegging.errors import Conflict, InvalidInput
from toezegging.model import DeadlineChange, Promise
from toezegging.promises import Draft, add_promise, prepare
from toezegging.store import Store, history

NOW = datetime(2026, 6, 10, 10, 0, tzinfo=UTC)
TODAY = date(2026, 6, 10)
# Ten distinct phrases, each read at any date (the command runs on today's real date).
PHRASES = [f"uiterlijk {day} maart 2099" for day in range(1, 11)]


def _ctx():
    # fork: the children start at once from the loaded interpreter (spawn would import
    # everything ten times over on a busy machine); the parent holds no open connection.
    method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
    return multiprocessing.get_context(method)


def _run_cli(url: str, home: str, args: list[str], barrier, results) -> None:
    """A child process: wait until all are ready, then run one `toezegging` command."""
    os.environ.update(
        TOEZEGGING_DATABASE_URL=url, XDG_CONFIG_HOME=f"{home}/config", XDG_DATA_HOME=f"{home}/data"
    )
    os.environ.pop("TOEZEGGING_CONFIG", None)
    from toezegging.cli import main

    out, err = io.StringIO(), io.StringIO()
    code = 0
    barrier.wait(timeout=120)
    with redirect_stdout(out), redirect_stderr(err):
        try:
            main(args)
        except SystemExit as e:
            code = e.code if isinstance(e.code, int) else 1
        except BaseException as e:  # a traceback is what this test looks for
            import traceback

            err.write("Traceback\n" + "".join(traceback.format_exception(e)))
            code = 99
    results.put((args, code, out.getvalue(), err.getvalue()))


def run_at_once(url: str, home, commands: list[list[str]]) -> list[tuple]:
    """Run each command in its own process, all released at the same moment."""
    ctx = _ctx()
    barrier, results = ctx.Barrier(len(commands)), ctx.Queue()
    procs = [ctx.Process(target=_run_cli, args=(url, str(home), c, barrier, results)) for c in commands]
    for p in procs:
        p.start()
    done = [results.get(timeout=300) for _ in procs]
    for p in procs:
        p.join(timeout=60)
    return done


def _one_promise(url: str, **fields) -> None:
    store = Store(url)
    store.create_schema()
    p = prepare(
        Draft(
            text="De Kamer ontvangt een brief",
            deadline="voor eind 2026",
            reference=date(2026, 6, 1),
            fields=fields,
        ),
        today=TODAY,
        now=NOW,
    )
    with store.session() as s:
        add_promise(s, p)
    store.dispose()


def test_ten_concurrent_postpones_leave_a_chain_of_ten(database_url, tmp_path):
    _one_promise(database_url)
    results = run_at_once(
        database_url,
        tmp_path,
        [["postpone", "1", phrase, "--reason", f"verzoek {i}"] for i, phrase in enumerate(PHRASES, 1)],
    )
    assert [(code, err) for _, code, _, err in results] == [(0, "")] * 10

    store = Store(database_url)
    with store.session() as s:
        p = s.get(Promise, 1)
        chain = history(s, 1)
    store.dispose()
    assert p.revision == 10
    assert len(chain) == 10 and {c.new_deadline for c in chain} == set(PHRASES)
    assert chain[0].old_deadline == "voor eind 2026"
    assert chain[0].old_latest == date(2026, 12, 31)
    for before, after in zip(chain, chain[1:], strict=False):
        assert (after.old_deadline, after.old_latest) == (before.new_deadline, before.new_latest)
    assert (p.current_deadline, p.latest) == (chain[-1].new_deadline, chain[-1].new_latest)


def test_concurrent_adds_of_one_register_number_give_the_loser_a_clear_message(database_url, tmp_path):
    Store(database_url).create_schema()
    n = 8
    results = run_at_once(
        database_url,
        tmp_path,
        [
            ["add", f"Brief {i}", "--deadline", "voor eind 2026", "--number", "TZ202606-001", "--yes"]
            for i in range(n)
        ],
    )
    codes = sorted(code for _, code, _, _ in results)
    assert codes == [0] + [1] * (n - 1), results
    store = Store(database_url)
    with store.session() as s:
        (winner,) = s.exec(select(Promise)).all()
    store.dispose()
    for _, code, _, err in results:
        if code:
            assert err == (
                f"Error: register number TZ202606-001 is already promise {winner.id}; "
                f"see `toezegging show {winner.id}`.\n"
            )


def test_a_number_taken_between_the_check_and_the_write(store):
    """The race of the test above, made certain: another program stores the number after
    `add` checked that it was free and before `add` writes."""
    other, first = Store(store.url), [True]

    def draft(text: str):
        return prepare(
            Draft(
                text=text,
                deadline="voor eind 2026",
                reference=date(2026, 6, 1),
                fields={"number": "TZ202606-001"},
            ),
            today=TODAY,
            now=NOW,
        )

    def taken_meanwhile(*_):
        if first.pop() if first else False:
            with other.session() as s:
                add_promise(s, draft("Eerder"))

    later = draft("Later")
    event.listen(Session, "before_flush", taken_meanwhile)
    try:
        with pytest.raises(InvalidInput, match=r"^register number TZ202606-001 is already promise 1;"):
            store.write(lambda s: add_promise(s, later))
    finally:
        event.remove(Session, "before_flush", taken_meanwhile)
        other.dispose()
    with store.session() as s:
        assert [x.text for x in s.exec(select(Promise))] == ["Eerder"]


def test_a_change_made_on_a_stale_read_is_refused(store):
    """Optimistic locking: a session that read revision 0 cannot write over revision 1."""
    _one = prepare(
        Draft(text="Brief", deadline="voor eind 2026", reference=date(2026, 6, 1)), today=TODAY, now=NOW
    )
    with store.session() as s:
        add_promise(s, _one)
    with pytest.raises(Conflict, match="changed by someone else at the same moment"):
        with store.session() as stale:
            p = stale.get(Promise, 1)
            with store.session() as s:  # another process saves first
                q = s.get(Promise, 1)
                q.notes, q.revision = "eerst", q.revision + 1
            p.notes, p.revision = "later", p.revision + 1
    with store.session() as s:
        p = s.get(Promise, 1)
        assert (p.notes, p.revision) == ("eerst", 1)
        assert s.exec(select(DeadlineChange)).all() == []


def test_a_promise_locked_longer_than_busy_timeout_gives_a_clear_message(database_url, tmp_path):
    """'database is locked' (SQLite) or a lock wait (PostgreSQL) past busy_timeout."""
    _one_promise(database_url)
    cfg = tmp_path / "t.toml"
    cfg.write_text("[database]\nbusy_timeout = 0.3\n", encoding="utf-8")
    holder = Store(database_url)
    with holder.engine.connect() as conn:
        if holder.dialect == "sqlite":
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        conn.execute(text("UPDATE promise SET notes = 'bezig' WHERE id = 1"))
        results = run_at_once(database_url, tmp_path, [["--config", str(cfg), "postpone", "1", PHRASES[0]]])
        conn.rollback()
    holder.dispose()
    ((_, code, out, err),) = results
    assert code == 1 and "Traceback" not in err, err
    assert "busy" in err and "[database] busy_timeout" in err and "nothing was written" in err
