"""The reminder outbox as data: one row per (promise, kind, due date, recipient).

The queries the tick (`delivery.py`) and the `outbox` command ask: which open promises
may have something due (filtered in SQL), inserting due rows, claiming a row under a
lease with a conditional UPDATE, recording what happened to it, listing and
re-queueing failures, and the mail server's state while it does not answer.

Every function is a short transaction of its own, so two ticks at once (two processes,
two hosts on PostgreSQL) share the work without sending a reminder twice.

States (`ReminderState`): pending → sending (claimed under a lease) → sent, or back to
pending with a backoff (a temporary answer about the message), or failed (a permanent
answer, the attempts used up, or a mail that cannot be rendered); cancelled when the
promise closed or its deadline moved. An unreachable server is nobody's answer: the row
goes back to pending without using an attempt (see `MailServerState`).
"""

import os
import socket
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from sqlalchemy import (
    Connection,
    Date,
    Integer,
    Row,
    Table,
    and_,
    case,
    delete,
    func,
    literal,
    or_,
    select,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.sql.expression import FunctionElement
from sqlmodel import SQLModel

from . import reminders
from .model import ChangeKind, DeadlineChange, MailServerState, Promise, Reminder
from .reminders import UNDATED, ReminderState
from .status import Status

if TYPE_CHECKING:
    from .config import MailConfig, RemindersConfig
    from .store import Store


def _table(model: type[SQLModel]) -> Table:
    """The Core table of a model: the queries here are SQLAlchemy Core."""
    return model.metadata.tables[str(model.__tablename__)]


reminder_t = _table(Reminder)
promise_t = _table(Promise)
change_t = _table(DeadlineChange)
server_t = _table(MailServerState)
PENDING, SENDING, SENT, FAILED, CANCELLED = (s.value for s in ReminderState)


@dataclass(slots=True)
class PromiseRow:
    """What the rules need of a promise, plus the newest reminder already recorded."""

    id: int
    reference: date
    earliest: date | None
    latest: date | None
    recurrence: str | None
    status: str
    owner: str | None
    changed_on: date | None = None
    last_due: date | None = None
    last_kind: str | None = None
    waiting: bool = False  # waits on an event without a date (kind "event", no window)


# ----------------------------------------------------------------------------- reading


def _changed_on() -> Any:
    """The moment of the promise's newest postponement (corrections and events are no move)."""
    return (
        select(func.max(change_t.c.changed_at))
        .where(change_t.c.promise_id == promise_t.c.id, change_t.c.kind == ChangeKind.POSTPONEMENT.value)
        .correlate(promise_t)
        .scalar_subquery()
    )


def _newest_reminder(col: ColumnElement[Any]) -> Any:
    return (
        select(col)
        .where(reminder_t.c.promise_id == promise_t.c.id, reminder_t.c.state != CANCELLED)
        .order_by(reminder_t.c.due_on.desc(), reminder_t.c.id.desc())
        .limit(1)
        .correlate(promise_t)
        .scalar_subquery()
    )


def _local_date(moment: datetime | str | None, tz: ZoneInfo) -> date | None:
    """The local day of a stored UTC moment (an aggregate on SQLite comes back as text)."""
    if moment is None:
        return None
    if isinstance(moment, str):
        moment = datetime.fromisoformat(moment).replace(tzinfo=UTC)
    return moment.astimezone(tz).date()


def _promise_rows(conn: Connection, where: ColumnElement[bool], tz: ZoneInfo) -> list[PromiseRow]:
    promise = promise_t.c
    stmt = select(
        promise.id,
        promise.reference,
        promise.earliest,
        promise.latest,
        promise.recurrence,
        promise.status,
        promise.owner,
        promise.kind,
        _changed_on().label("changed_at"),
        _newest_reminder(reminder_t.c.due_on).label("last_due"),
        _newest_reminder(reminder_t.c.kind).label("last_kind"),
    ).where(where)
    out = []
    for row in conn.execute(stmt):
        last_due = row.last_due
        if isinstance(last_due, str):
            last_due = date.fromisoformat(last_due)
        out.append(
            PromiseRow(
                row.id,
                row.reference,
                row.earliest,
                row.latest,
                row.recurrence,
                row.status,
                row.owner,
                _local_date(row.changed_at, tz),
                last_due,
                row.last_kind,
                _waits(row.latest, row.kind),
            )
        )
    return out


def _waits(latest: date | None, kind: str) -> bool:
    return latest is None and kind == "event"


class day_number(FunctionElement):
    """A date as a whole number of days, on SQLite and PostgreSQL alike."""

    type = Integer()
    inherit_cache = True
    name = "day_number"


@compiles(day_number, "sqlite")
def _day_number_sqlite(element: day_number, compiler: SQLCompiler, **kw: Any) -> str:
    return f"CAST(julianday({compiler.process(element.clauses, **kw)}) AS INTEGER)"


@compiles(day_number)
def _day_number_default(element: day_number, compiler: SQLCompiler, **kw: Any) -> str:
    return f"(CAST({compiler.process(element.clauses, **kw)} AS DATE) - DATE '1970-01-01')"


def _recorded_since(day: Any) -> Any:
    """A reminder (not cancelled) of this promise on or after `day` (a day number)."""
    reminder = reminder_t.c
    return (
        select(reminder.id)
        .where(
            reminder.promise_id == promise_t.c.id,
            reminder.state != CANCELLED,
            day_number(reminder.due_on) >= day,
        )
        .correlate(promise_t)
        .exists()
    )


def _overdue_offset(days_late: Any, rules: "RemindersConfig") -> Any:
    """`reminders.overdue_day` in SQL: the newest overdue mail's offset after `latest`."""
    offsets, ceiling = reminders.overdue_offsets(rules)
    last = offsets[-1]
    steady = last + (days_late - last) // ceiling * ceiling
    # Before the first overdue mail the newest event is the deadline itself (offset 0).
    bounds = [0, *offsets]
    whens = [(days_late < after, before) for before, after in zip(bounds, bounds[1:], strict=False)]
    return case(*whens, else_=steady)


def candidates(conn: Connection, today: date, rules: "RemindersConfig") -> list[PromiseRow]:
    """Open promises that may have a reminder due by `today`, filtered in SQL.

    Left out: windows with nothing before `today`, and promises whose newest event is
    already in the outbox (an overdue promise whose current repetition is recorded, a
    window that opened and was announced). What is left is decided by `reminders.due`.
    """
    promise = promise_t.c
    tz = ZoneInfo(rules.timezone)
    reach = today + timedelta(days=max(rules.days_before, default=0))
    has_move = (
        select(change_t.c.id)
        .where(change_t.c.promise_id == promise.id, change_t.c.kind == ChangeKind.POSTPONEMENT.value)
        .exists()
    )
    today_n = day_number(literal(today, Date()))
    latest_n = day_number(promise.latest)
    current_overdue = latest_n + _overdue_offset(today_n - latest_n, rules)
    due_when = [
        has_move,
        and_(promise.latest >= today, promise.latest <= reach),
        and_(
            promise.latest > reach,
            promise.earliest > promise.reference,
            promise.earliest <= today,
            ~_recorded_since(day_number(promise.earliest)),
        ),
        and_(promise.latest < today, ~_recorded_since(current_overdue)),
    ]
    if rules.undated_event_weeks > 0:
        # Waiting on an event still without a date after N weeks: once a week, on Mondays.
        monday = today - timedelta(days=today.weekday())
        since = today - timedelta(weeks=rules.undated_event_weeks)
        due_when.append(
            and_(
                promise.latest.is_(None),
                promise.kind == "event",
                promise.reference <= since,
                ~_recorded_since(day_number(literal(monday, Date()))),
            )
        )
    where = and_(promise.status == Status.OPEN, promise.deleted_at.is_(None), or_(*due_when))
    return _promise_rows(conn, where, tz)


def recipients_for(owner: str | None, mail_config: "MailConfig") -> list[str]:
    """Who gets a promise's reminders: its owner, else the configured `mail.to`."""
    if owner and owner.strip():
        return [owner.strip()]
    return [a.strip() for a in mail_config.to if a.strip()]


def load(store: "Store", rid: int) -> Row[Any]:
    with store.engine.connect() as conn:
        return conn.execute(select(reminder_t).where(reminder_t.c.id == rid)).one()


def listing(store: "Store", states: list[str] | None = None, limit: int | None = None) -> list[Row[Any]]:
    reminder = reminder_t.c
    stmt = (
        select(reminder_t, promise_t.c.text, promise_t.c.ministry)
        .select_from(reminder_t.join(promise_t, reminder.promise_id == promise_t.c.id))
        .order_by(reminder.due_on.desc(), reminder.id.desc())
    )
    if states:
        stmt = stmt.where(reminder.state.in_(states))
    if limit:
        stmt = stmt.limit(limit)
    with store.engine.connect() as conn:
        return list(conn.execute(stmt))


def _ready(now: datetime) -> ColumnElement[bool]:
    reminder = reminder_t.c
    return or_(
        and_(reminder.state == PENDING, reminder.next_attempt_at <= now),
        and_(reminder.state == SENDING, reminder.lease_until < now),
    )


def ready_ids(
    store: "Store",
    now: datetime,
    limit: int = 500,
    *,
    kinds: Sequence[str] | None = None,
    exclude: Sequence[str] = (),
) -> list[int]:
    """Rows ready to send (of `kinds`, if given; never of `exclude`)."""
    reminder = reminder_t.c
    stmt = select(reminder.id).where(_ready(now)).order_by(reminder.next_attempt_at, reminder.id).limit(limit)
    if kinds:
        stmt = stmt.where(reminder.kind.in_(kinds))
    if exclude:
        stmt = stmt.where(reminder.kind.not_in(exclude))
    with store.engine.connect() as conn:
        return list(conn.scalars(stmt))


def count_ready(store: "Store", now: datetime) -> int:
    with store.engine.connect() as conn:
        return conn.execute(select(func.count()).where(_ready(now))).scalar_one()


# ----------------------------------------------------------------------------- writing


def _insert(conn: Connection) -> Any:
    mod = postgresql if conn.dialect.name == "postgresql" else sqlite
    return mod.insert(reminder_t)


def stale_rows(store: "Store", rules: "RemindersConfig", dry_run: bool = False) -> list[tuple]:
    """Cancel pending rows of closed or removed promises and of deadlines that moved:
    (reminder id, promise id, kind, due date, why) of each."""
    reminder, promise = reminder_t.c, promise_t.c
    tz = ZoneInfo(rules.timezone)
    with store.engine.begin() as conn:
        stmt = (
            select(
                reminder.id,
                reminder.kind,
                reminder.due_on,
                promise.id.label("pid"),
                promise.reference,
                promise.earliest,
                promise.latest,
                promise.recurrence,
                promise.status,
                promise.owner,
                promise.kind.label("pkind"),
                promise.deleted_at,
                _changed_on().label("changed_at"),
            )
            .select_from(reminder_t.join(promise_t, reminder.promise_id == promise.id))
            .where(reminder.state == PENDING)
        )
        stale = []
        for row in conn.execute(stmt):
            pr = PromiseRow(
                row.pid,
                row.reference,
                row.earliest,
                row.latest,
                row.recurrence,
                row.status,
                row.owner,
                _local_date(row.changed_at, tz),
                waiting=_waits(row.latest, row.pkind),
            )
            if row.deleted_at is not None:
                stale.append((row.id, row.pid, row.kind, row.due_on, "promise removed"))
            elif not reminders.is_scheduled(pr, row.kind, row.due_on, rules):
                reason = (
                    "promise closed"
                    if pr.status != Status.OPEN
                    else ("event dated" if row.kind == UNDATED else "deadline moved")
                )
                stale.append((row.id, row.pid, row.kind, row.due_on, reason))
        if not dry_run:
            for rid, _pid, _kind, _due, reason in stale:
                conn.execute(
                    update(reminder_t)
                    .where(reminder.id == rid, reminder.state == PENDING)
                    .values(state=CANCELLED, error=reason)
                )
    return stale


def insert_due(
    store: "Store", dues: "Sequence[reminders.Due]", recipients: Mapping[int, list[str] | str], now: datetime
) -> int:
    """Insert a row per due reminder and recipient (a row that exists already stays as it
    is) and cancel the older pending rows of the same promises, which the new ones supersede."""
    if not dues:
        return 0
    reminder = reminder_t.c
    rows = []
    for d in dues:
        to = recipients[d.promise_id]
        for address in [to] if isinstance(to, str) else to:
            rows.append(
                dict(
                    promise_id=d.promise_id,
                    kind=d.kind,
                    due_on=d.due_on,
                    recipient=address,
                    state=PENDING,
                    attempts=0,
                    next_attempt_at=d.send_at,
                    message_id="",
                    created_at=now,
                )
            )
    newest = {d.promise_id: reminders.Event.of(d.kind, d.due_on) for d in dues}
    inserted = 0
    with store.engine.begin() as conn:
        pending = conn.execute(
            select(reminder.id, reminder.promise_id, reminder.kind, reminder.due_on).where(
                reminder.state == PENDING
            )
        ).all()
        older = [
            row.id
            for row in pending
            if row.promise_id in newest and reminders.Event.of(row.kind, row.due_on) < newest[row.promise_id]
        ]
        for start in range(0, len(rows), 5000):
            stmt = _insert(conn).on_conflict_do_nothing().returning(reminder.id)
            inserted += len(conn.execute(stmt, rows[start : start + 5000]).all())
        for start in range(0, len(older), 500):
            conn.execute(
                update(reminder_t)
                .where(reminder.id.in_(older[start : start + 500]), reminder.state == PENDING)
                .values(state=CANCELLED, error="superseded by a newer reminder")
            )
    return inserted


def claim(store: "Store", rid: int, now: datetime, lease_seconds: int, token: str) -> bool:
    """Take row `rid` for sending if it is ready and nobody holds it: True if we got it.

    Claiming uses no attempt: only an answer of the server about the message does."""
    reminder = reminder_t.c
    with store.engine.begin() as conn:
        res = conn.execute(
            update(reminder_t)
            .where(reminder.id == rid, _ready(now))
            .values(state=SENDING, claimed_by=token, lease_until=now + timedelta(seconds=lease_seconds))
        )
        return res.rowcount == 1


def claim_digest(
    store: "Store", digest_id: str, now: datetime, lease_seconds: int, token: str
) -> list[Row[Any]]:
    """Take every row of one digest, or none: a digest goes out whole, as first claimed."""
    reminder = reminder_t.c
    with store.engine.begin() as conn:
        open_rows = conn.execute(
            select(func.count()).where(
                reminder.digest_id == digest_id, reminder.state.in_((PENDING, SENDING))
            )
        ).scalar_one()
        res = conn.execute(
            update(reminder_t)
            .where(reminder.digest_id == digest_id, _ready(now))
            .values(state=SENDING, claimed_by=token, lease_until=now + timedelta(seconds=lease_seconds))
        )
        if res.rowcount != open_rows:  # part of it is held by another sender: leave it
            conn.rollback()
            return []
        return list(
            conn.execute(
                select(reminder_t)
                .where(
                    reminder.digest_id == digest_id, reminder.claimed_by == token, reminder.state == SENDING
                )
                .order_by(reminder.id)
            )
        )


def fix_digest(store: "Store", ids: list[int], digest_id: str, token: str) -> None:
    """Record the set of a new digest (its Message-ID) on its rows, before it is sent."""
    reminder = reminder_t.c
    with store.engine.begin() as conn:
        conn.execute(
            update(reminder_t)
            .where(reminder.id.in_(ids), reminder.claimed_by == token, reminder.state == SENDING)
            .values(digest_id=digest_id, message_id=digest_id)
        )


def mark_message_id(store: "Store", rid: int, message_id: str) -> None:
    reminder = reminder_t.c
    with store.engine.begin() as conn:
        conn.execute(
            update(reminder_t)
            .where(reminder.id == rid, reminder.message_id == "")
            .values(message_id=message_id)
        )


def _finish(store: "Store", rid: int, token: str, **values: Any) -> None:
    reminder = reminder_t.c
    with store.engine.begin() as conn:
        conn.execute(
            update(reminder_t)
            .where(reminder.id == rid, reminder.claimed_by == token, reminder.state == SENDING)
            .values(lease_until=None, **values)
        )


def record_sent(store: "Store", rid: int, token: str, now: datetime) -> None:
    _finish(store, rid, token, state=SENT, sent_at=now, error=None)


def record_failure(
    store: "Store",
    row: Row[Any],
    token: str,
    now: datetime,
    error: str,
    permanent: bool,
    rules: "RemindersConfig",
) -> str:
    """An answer about the message: one attempt used; back to pending with backoff, or
    failed (permanent, or the attempts used up). Returns the new state."""
    attempts = row.attempts + 1
    if permanent or attempts >= rules.max_attempts:
        _finish(store, row.id, token, state=FAILED, error=error, attempts=attempts)
        return FAILED
    delay = rules.retry_base_seconds * 2 ** (attempts - 1)
    _finish(
        store,
        row.id,
        token,
        state=PENDING,
        error=error,
        attempts=attempts,
        next_attempt_at=now + timedelta(seconds=delay),
    )
    return PENDING


def record_waiting(
    store: "Store",
    row: Row[Any],
    token: str,
    error: str,
    *,
    delay_seconds: float = 0,
    now: datetime | None = None,
) -> None:
    """Back to pending without using an attempt: the server could not be reached."""
    values: dict[str, Any] = dict(state=PENDING, error=f"waiting: {error}")
    if delay_seconds and now is not None:
        values["next_attempt_at"] = now + timedelta(seconds=delay_seconds)
    _finish(store, row.id, token, **values)


def retry_failed(store: "Store", ids: list[int] | None, now: datetime) -> list[int]:
    """Queue failed rows again (all of them, or these ids): attempts start afresh. A row of a
    digest leaves it, and goes out in the next digest."""
    reminder = reminder_t.c
    where = [reminder.state == FAILED]
    if ids:
        where.append(reminder.id.in_(ids))
    with store.engine.begin() as conn:
        chosen = list(conn.scalars(select(reminder.id).where(*where).order_by(reminder.id)))
        for start in range(0, len(chosen), 500):
            part = chosen[start : start + 500]
            conn.execute(
                update(reminder_t)
                .where(reminder.id.in_(part), reminder.state == FAILED)
                .values(
                    state=PENDING,
                    attempts=0,
                    next_attempt_at=now,
                    lease_until=None,
                    claimed_by=None,
                    digest_id=None,
                    error=None,
                    message_id=case((reminder.digest_id.is_not(None), ""), else_=reminder.message_id),
                )
            )
    return chosen


def states_of(store: "Store", ids: list[int]) -> dict[int, str]:
    reminder = reminder_t.c
    with store.engine.connect() as conn:
        rows = conn.execute(select(reminder.id, reminder.state).where(reminder.id.in_(ids)))
        return {rid: state for rid, state in rows}


def new_token() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


# ----------------------------------------------------------------------------- the server


def server_state(store: "Store") -> MailServerState | None:
    """The mail server's state while it does not answer (None: it answered last time)."""
    with store.engine.connect() as conn:
        row = conn.execute(select(server_t).where(server_t.c.id == 1)).first()
    return MailServerState(**row._mapping) if row else None


def server_down(
    store: "Store", now: datetime, error: str, base_seconds: float, max_seconds: float
) -> MailServerState:
    """Note that the server could not be reached; the next try backs off (doubling, capped)."""
    with store.engine.begin() as conn:
        row = conn.execute(select(server_t).where(server_t.c.id == 1)).first()
        failures = (row.failures if row else 0) + 1
        wait = min(base_seconds * 2 ** (failures - 1), max_seconds)
        values: dict[str, Any] = dict(
            failures=failures, next_try_at=now + timedelta(seconds=wait), last_error=error
        )
        if row:
            conn.execute(update(server_t).where(server_t.c.id == 1).values(**values))
            down_since = row.down_since
        else:
            conn.execute(server_t.insert().values(id=1, down_since=now, **values))
            down_since = now
    return MailServerState(id=1, down_since=down_since, **values)


def server_up(store: "Store") -> None:
    with store.engine.begin() as conn:
        conn.execute(delete(server_t).where(server_t.c.id == 1))
