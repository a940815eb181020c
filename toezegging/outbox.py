"""The reminder outbox: one row per (promise, kind, due date), and the tick that works it.

A tick (1) cancels pending rows whose promise was closed or whose deadline moved,
(2) asks the database for the open promises that may have something due (filtered in
SQL, with the newest reminder already recorded for each) and inserts what `reminders.due`
says, (3) claims rows one at a time with a conditional UPDATE under a short lease, sends
each with a Message-ID fixed by the row, and records the result. Temporary failures go
back to pending with exponential backoff; permanent ones are marked failed and logged.

Every step is a short transaction of its own, so two ticks at once (two processes, two
hosts on PostgreSQL) share the work without sending a reminder twice. The one duplicate
SMTP cannot rule out (the server took the mail, the process died before recording it)
goes out again after the lease with the same Message-ID.
"""

import logging
import os
import socket
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import Date, Integer, and_, func, literal, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.expression import FunctionElement

from . import reminders
from .errors import DeliveryError
from .model import ChangeKind, DeadlineChange, Promise, Reminder, ReminderState

log = logging.getLogger("toezegging.reminders")

R = Reminder.__table__
P = Promise.__table__
D = DeadlineChange.__table__
PENDING, SENDING, SENT, FAILED, CANCELLED = (s.value for s in ReminderState)
UNDATED = "undated"  # a weekly list of the events still without a date, one mail per recipient


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


@dataclass
class TickReport:
    now: datetime
    cancelled: int = 0
    inserted: int = 0
    no_recipient: int = 0
    sent: int = 0
    retry: int = 0
    failed: int = 0
    quiet: bool = False
    lines: list[str] = field(default_factory=list)

    def summary(self) -> str:
        if self.quiet:
            return f"{self.now.isoformat()}: quiet hours, nothing sent ({self.inserted} queued)"
        return (f"{self.now.isoformat()}: {self.inserted} queued, {self.sent} sent, "
                f"{self.retry} to retry, {self.failed} failed, {self.cancelled} cancelled")


# ----------------------------------------------------------------------------- reading

def _changed_on():
    """The moment of the promise's newest postponement (corrections and events are no move)."""
    return (select(func.max(D.c.changed_at))
            .where(D.c.promise_id == P.c.id, D.c.kind == ChangeKind.POSTPONEMENT.value)
            .correlate(P).scalar_subquery())


def _newest_reminder(col):
    return (select(col).where(R.c.promise_id == P.c.id, R.c.state != CANCELLED)
            .order_by(R.c.due_on.desc(), R.c.id.desc()).limit(1)
            .correlate(P).scalar_subquery())


def _local_date(moment, tz: ZoneInfo) -> date | None:
    """The local day of a stored UTC moment (an aggregate on SQLite comes back as text)."""
    if moment is None:
        return None
    if isinstance(moment, str):
        moment = datetime.fromisoformat(moment).replace(tzinfo=UTC)
    return moment.astimezone(tz).date()


def _promise_rows(conn, where, tz: ZoneInfo) -> list[PromiseRow]:
    stmt = select(P.c.id, P.c.reference, P.c.earliest, P.c.latest, P.c.recurrence,
                  P.c.status, P.c.owner, P.c.kind, _changed_on().label("changed_at"),
                  _newest_reminder(R.c.due_on).label("last_due"),
                  _newest_reminder(R.c.kind).label("last_kind")).where(where)
    out = []
    for row in conn.execute(stmt):
        last_due = row.last_due
        if isinstance(last_due, str):
            last_due = date.fromisoformat(last_due)
        out.append(PromiseRow(row.id, row.reference, row.earliest, row.latest, row.recurrence,
                              row.status, row.owner,
                              _local_date(row.changed_at, tz), last_due, row.last_kind,
                              _waits(row)))
    return out


def _waits(row) -> bool:
    return row.latest is None and row.kind == "event"


class day_number(FunctionElement):
    """A date as a whole number of days, on SQLite and PostgreSQL alike."""

    type = Integer()
    inherit_cache = True
    name = "day_number"


@compiles(day_number, "sqlite")
def _day_number_sqlite(element, compiler, **kw):
    return f"CAST(julianday({compiler.process(element.clauses, **kw)}) AS INTEGER)"


@compiles(day_number)
def _day_number_default(element, compiler, **kw):
    return f"(CAST({compiler.process(element.clauses, **kw)} AS DATE) - DATE '1970-01-01')"


def _recorded_since(day) -> object:
    """A reminder (not cancelled) of this promise on or after `day` (a day number)."""
    return (select(R.c.id).where(R.c.promise_id == P.c.id, R.c.state != CANCELLED,
                                 day_number(R.c.due_on) >= day)
            .correlate(P).exists())


def candidates(conn, today: date, rules) -> list[PromiseRow]:
    """Open promises that may have a reminder due by `today`, filtered in SQL.

    Left out: windows with nothing before `today`, and promises whose newest event is
    already in the outbox (an overdue promise whose current repetition is recorded, a
    window that opened and was announced). What is left is decided by `reminders.due`.
    """
    tz = ZoneInfo(rules.timezone)
    reach = today + timedelta(days=max(rules.days_before, default=0))
    every = rules.overdue_every_days
    has_change = (select(D.c.id)
                  .where(D.c.promise_id == P.c.id, D.c.kind == ChangeKind.POSTPONEMENT.value)
                  .exists())
    today_n = day_number(literal(today, Date()))
    current_overdue = today_n - (today_n - day_number(P.c.latest)) % every
    due_when = [
        has_change,
        and_(P.c.recurrence.is_not(None), P.c.latest.is_not(None)),
        and_(P.c.latest >= today, P.c.latest <= reach),
        and_(P.c.latest > reach, P.c.earliest > P.c.reference, P.c.earliest <= today,
             ~_recorded_since(day_number(P.c.earliest))),
        and_(P.c.latest < today, P.c.recurrence.is_(None),
             ~_recorded_since(current_overdue)),
    ]
    if rules.undated_event_weeks > 0:
        # Waiting on an event still without a date after N weeks: once a week, on Mondays.
        monday = today - timedelta(days=today.weekday())
        due_when.append(and_(P.c.latest.is_(None), P.c.kind == "event",
                             P.c.reference <= today - timedelta(weeks=rules.undated_event_weeks),
                             ~_recorded_since(day_number(literal(monday, Date())))))
    where = and_(P.c.status == reminders.OPEN, P.c.deleted_at.is_(None), or_(*due_when))
    return _promise_rows(conn, where, tz)


# ----------------------------------------------------------------------------- writing

def _insert(conn):
    mod = postgresql if conn.dialect.name == "postgresql" else sqlite
    return mod.insert(R)


def recipient_for(owner: str | None, mail_config) -> str:
    return owner.strip() if owner and owner.strip() else ", ".join(mail_config.to)


def cancel_stale(store, now: datetime, rules, dry_run: bool = False) -> list[tuple]:
    """Cancel pending rows of closed promises and of deadlines that moved."""
    tz = ZoneInfo(rules.timezone)
    with store.engine.begin() as conn:
        stmt = (select(R.c.id, R.c.kind, R.c.due_on, P.c.id.label("pid"), P.c.reference,
                       P.c.earliest, P.c.latest, P.c.recurrence, P.c.status, P.c.owner,
                       P.c.kind.label("pkind"), P.c.deleted_at, _changed_on().label("changed_at"))
                .select_from(R.join(P, R.c.promise_id == P.c.id))
                .where(R.c.state == PENDING))
        stale = []
        for r in conn.execute(stmt):
            p = PromiseRow(r.pid, r.reference, r.earliest, r.latest, r.recurrence, r.status,
                           r.owner, _local_date(r.changed_at, tz),
                           waiting=r.latest is None and r.pkind == "event")
            if r.deleted_at is not None:
                stale.append((r.id, r.pid, r.kind, r.due_on, "promise removed"))
            elif not reminders.is_scheduled(p, r.kind, r.due_on, rules):
                reason = "promise closed" if p.status != reminders.OPEN else (
                    "event dated" if r.kind == UNDATED else "deadline moved")
                stale.append((r.id, r.pid, r.kind, r.due_on, reason))
        if not dry_run:
            for rid, _pid, _kind, _due, reason in stale:
                conn.execute(update(R).where(R.c.id == rid, R.c.state == PENDING)
                             .values(state=CANCELLED, error=reason))
    return stale


def insert_due(store, dues: list, recipients: dict[int, str], now: datetime) -> int:
    """Insert the due rows (a row that exists already stays as it is) and cancel the
    older pending rows of the same promises, which the new one supersedes."""
    if not dues:
        return 0
    rows = [dict(promise_id=d.promise_id, kind=d.kind, due_on=d.due_on,
                 recipient=recipients[d.promise_id], state=PENDING, attempts=0,
                 next_attempt_at=d.send_at, message_id="", created_at=now) for d in dues]
    newest = {d.promise_id: reminders.Event.of(d.kind, d.due_on) for d in dues}
    inserted = 0
    with store.engine.begin() as conn:
        pending = conn.execute(select(R.c.id, R.c.promise_id, R.c.kind, R.c.due_on)
                               .where(R.c.state == PENDING)).all()
        older = [r.id for r in pending if r.promise_id in newest
                 and reminders.Event.of(r.kind, r.due_on) < newest[r.promise_id]]
        for start in range(0, len(rows), 5000):
            stmt = _insert(conn).on_conflict_do_nothing().returning(R.c.id)
            inserted += len(conn.execute(stmt, rows[start:start + 5000]).all())
        for start in range(0, len(older), 500):
            conn.execute(update(R).where(R.c.id.in_(older[start:start + 500]),
                                         R.c.state == PENDING)
                         .values(state=CANCELLED, error="superseded by a newer reminder"))
    return inserted


def claim(store, rid: int, now: datetime, lease_seconds: int, token: str) -> bool:
    """Take row `rid` for sending if it is ready and nobody holds it: True if we got it."""
    with store.engine.begin() as conn:
        res = conn.execute(
            update(R).where(R.c.id == rid, or_(
                and_(R.c.state == PENDING, R.c.next_attempt_at <= now),
                and_(R.c.state == SENDING, R.c.lease_until < now)))
            .values(state=SENDING, claimed_by=token, attempts=R.c.attempts + 1,
                    lease_until=now + timedelta(seconds=lease_seconds)))
        return res.rowcount == 1


def ready_ids(store, now: datetime, limit: int = 500, *, kinds=None, exclude=()) -> list[int]:
    """Rows ready to send (of `kinds`, if given; never of `exclude`)."""
    with store.engine.connect() as conn:
        stmt = (select(R.c.id).where(or_(
            and_(R.c.state == PENDING, R.c.next_attempt_at <= now),
            and_(R.c.state == SENDING, R.c.lease_until < now)))
            .order_by(R.c.next_attempt_at, R.c.id).limit(limit))
        if kinds:
            stmt = stmt.where(R.c.kind.in_(kinds))
        if exclude:
            stmt = stmt.where(R.c.kind.not_in(exclude))
        return list(conn.scalars(stmt))


def _finish(store, rid: int, token: str, **values) -> None:
    with store.engine.begin() as conn:
        conn.execute(update(R).where(R.c.id == rid, R.c.claimed_by == token,
                                     R.c.state == SENDING)
                     .values(lease_until=None, **values))


def mark_message_id(store, rid: int, message_id: str) -> None:
    with store.engine.begin() as conn:
        conn.execute(update(R).where(R.c.id == rid, R.c.message_id == "")
                     .values(message_id=message_id))


def record_sent(store, rid: int, token: str, now: datetime) -> None:
    _finish(store, rid, token, state=SENT, sent_at=now, error=None)


def record_failure(store, row, token: str, now: datetime, error: str, permanent: bool,
                   rules) -> str:
    """Back to pending with backoff, or failed: returns the new state."""
    if permanent or row.attempts >= rules.max_attempts:
        log.error("reminder %s (promise %s, %s %s) failed: %s", row.id, row.promise_id,
                  row.kind, row.due_on, error)
        _finish(store, row.id, token, state=FAILED, error=error)
        return FAILED
    delay = rules.retry_base_seconds * 2 ** max(row.attempts - 1, 0)
    log.warning("reminder %s: %s; retry in %s s", row.id, error, delay)
    _finish(store, row.id, token, state=PENDING, error=error,
            next_attempt_at=now + timedelta(seconds=delay))
    return PENDING


def load(store, rid: int):
    with store.engine.connect() as conn:
        return conn.execute(select(R).where(R.c.id == rid)).one()


def listing(store, states: list[str] | None = None, limit: int | None = None) -> list:
    stmt = (select(R, P.c.text, P.c.ministry).select_from(R.join(P, R.c.promise_id == P.c.id))
            .order_by(R.c.due_on.desc(), R.c.id.desc()))
    if states:
        stmt = stmt.where(R.c.state.in_(states))
    if limit:
        stmt = stmt.limit(limit)
    with store.engine.connect() as conn:
        return list(conn.execute(stmt))


def new_token() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


# ----------------------------------------------------------------------------- the tick

def tick(store, config, now: datetime, transport=None, dry_run: bool = False,
         token: str | None = None) -> TickReport:
    """One pass: cancel what moved, queue what is due, send what is ready."""
    rules = config.reminders
    report = TickReport(now)
    stale = cancel_stale(store, now, rules, dry_run)
    report.cancelled = len(stale)
    for _rid, pid, kind, due_on, reason in stale:
        report.lines.append(f"cancel  #{pid} {kind} {due_on}: {reason}")
    with store.engine.connect() as conn:
        cands = candidates(conn, reminders.local_today(now, rules), rules)
    owners = {c.id: c.owner for c in cands}
    dues, recips = [], {}
    for d in reminders.due(cands, now, rules):
        to = recipient_for(owners[d.promise_id], config.mail)
        if not to:
            report.no_recipient += 1
            log.warning("promise %s: %s reminder due but no owner and no mail.to",
                        d.promise_id, d.kind)
            continue
        recips[d.promise_id] = to
        dues.append(d)
        report.lines.append(f"queue   #{d.promise_id} {d.kind} {d.due_on} to {to}")
    if dry_run:
        report.inserted = len(dues)
        return report
    report.inserted = insert_due(store, dues, recips, now)
    if reminders.in_quiet_hours(now, rules):
        report.quiet = True
        return report
    own = transport is None
    if own:
        from . import mail

        transport = mail.transport_for(config)
    try:
        _send_ready(store, config, now, transport, token or new_token(), report)
    finally:
        if own:
            transport.close()
    return report


def _compose(store, config, row):
    from . import mail
    from .store import get_promise, history

    with store.session() as s:
        promise = get_promise(s, row.promise_id)
        changes = history(s, row.promise_id)
    return mail.compose(promise, changes, row.kind, row.due_on, to=row.recipient,
                        message_id=row.message_id, now=row.now, mail_config=config.mail,
                        deadline=reminders.deadline_for(promise, row.due_on),
                        timezone=config.reminders.timezone)


def _send_ready(store, config, now: datetime, transport, token: str, report: TickReport):
    from . import mail

    rules = config.reminders
    if rules.digest:
        return _send_digests(store, config, now, transport, token, report)
    # The events still without a date: one list per recipient, not a mail per promise.
    if not _send_digests(store, config, now, transport, token, report, kinds=(UNDATED,)):
        return  # the server is unreachable: the rest waits for the next tick
    tried: set[int] = set()
    # Leases run from `now`, the tick's moment: stop claiming well before they could
    # expire while this tick is still sending (the rest goes out next tick).
    stop_at = time.monotonic() + rules.lease_seconds / 2
    while ids := [i for i in ready_ids(store, now, exclude=(UNDATED,)) if i not in tried]:
        for rid in ids:
            tried.add(rid)
            if time.monotonic() > stop_at:
                report.lines.append("the tick ran long; the rest waits for the next tick")
                return
            if not claim(store, rid, now, rules.lease_seconds, token):
                continue
            row = load(store, rid)
            message_id = row.message_id or mail.message_id_for(
                row.id, row.promise_id, row.kind, row.due_on, config.mail.from_)
            if not row.message_id:
                mark_message_id(store, rid, message_id)
            job = _Row(row, message_id, now)
            try:
                msg = _compose(store, config, job)
                transport.send(msg, mail.recipients(row.recipient))
            except mail.ConnectionFailed as e:
                record_failure(store, row, token, now, str(e), False, rules)
                report.retry += 1
                report.lines.append(f"retry   #{row.promise_id} {row.kind} {row.due_on}: {e}")
                return  # the server is unreachable: leave the rest for the next tick
            except DeliveryError as e:
                state = record_failure(store, row, token, now, str(e), e.permanent, rules)
                if state == FAILED:
                    report.failed += 1
                else:
                    report.retry += 1
                report.lines.append(f"{state:<7} #{row.promise_id} {row.kind} {row.due_on}: {e}")
            else:
                record_sent(store, rid, token, now)
                report.sent += 1
                report.lines.append(f"sent    #{row.promise_id} {row.kind} {row.due_on} "
                                    f"to {row.recipient} {message_id}")


def _send_digests(store, config, now: datetime, transport, token: str, report: TickReport,
                  kinds=None) -> bool:
    """One mail per recipient with every reminder ready for them, grouped by ministry; with
    `kinds=("undated",)` the weekly list of events without a date. False when the mail
    server could not be reached (the rest waits for the next tick)."""
    from . import mail
    from .store import get_promise, histories

    rules = config.reminders
    undated = kinds == (UNDATED,)
    claimed = [load(store, rid) for rid in ready_ids(store, now, limit=5000, kinds=kinds)
               if claim(store, rid, now, rules.lease_seconds, token)]
    groups: dict[str, list] = {}
    for row in claimed:
        groups.setdefault(row.recipient, []).append(row)
    today = reminders.local_today(now, rules)
    pending = list(groups.items())
    while pending:
        to, rows = pending.pop(0)
        ids = [r.id for r in rows]
        message_id = mail.digest_message_id(ids, today, config.mail.from_,
                                            label=UNDATED if undated else "digest")
        with store.engine.begin() as conn:
            conn.execute(update(R).where(R.c.id.in_(ids)).values(message_id=message_id))
        label = (f"undated events to {to} ({len(rows)} promises)" if undated
                 else f"digest to {to} ({len(rows)} reminders)")
        try:
            with store.session() as s:
                changes = histories(s, [r.promise_id for r in rows])
                entries = []
                for r in rows:
                    p = get_promise(s, r.promise_id)
                    entries.append((p, changes.get(r.promise_id, []), r.kind, r.due_on,
                                    reminders.deadline_for(p, r.due_on)))
            compose = mail.compose_undated if undated else mail.compose_digest
            msg = compose(entries, to=to, message_id=message_id, now=now,
                          mail_config=config.mail, today=today, timezone=rules.timezone)
            transport.send(msg, mail.recipients(to))
        except DeliveryError as e:
            stop = isinstance(e, mail.ConnectionFailed)
            back = rows + [r for _, more in pending for r in more] if stop else rows
            for r in back:
                state = record_failure(store, r, token, now, str(e), e.permanent, rules)
                report.failed += state == FAILED
                report.retry += state == PENDING
            report.lines.append(f"{'retry' if not e.permanent else 'failed':<7} {label}: {e}")
            if stop:
                return False
            continue
        for r in rows:
            record_sent(store, r.id, token, now)
        report.sent += len(rows)
        report.lines.append(f"sent    {label} {message_id}")
    return True


@dataclass
class _Row:
    """An outbox row on its way out, with its Message-ID and the tick's moment."""

    row: object
    message_id: str
    now: datetime

    def __getattr__(self, name):
        return getattr(self.row, name)
