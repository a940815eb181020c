"""The reminder tick: cancel what moved, queue what is due, send what is ready.

A tick (1) cancels pending rows whose promise was closed or removed, or whose deadline
moved, (2) asks the outbox for the open promises that may have something due and
inserts a row per reminder and recipient, as `reminders.due` says, (3) claims ready rows
one at a time under a lease, renders each mail and sends it with a Message-ID fixed by
the row, and records what happened:
- sent: the server accepted it for that recipient;
- an answer about the message (a refused recipient, a 4xx or 5xx to the message): a
  temporary one goes back to pending with backoff and uses an attempt; a permanent one,
  or the last attempt, is failed with the server's answer;
- a mail that cannot be rendered (a missing or broken template): failed with the reason;
- the server cannot be reached (refused, timeout, DNS, TLS, login): no attempt is used;
  the row waits, the tick stops, and ticks back off on the connection until the server
  answers again, however long it was down.

Nothing stays in `sending` unless the process dies; a lease then lets another tick take
it. If the database fails right after the server accepted a mail, marking it sent is
retried until the lease runs short (after that, the same mail may go out once more, with
the same Message-ID, so mail clients fold it).
"""

import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from email.message import EmailMessage
from functools import partial
from typing import TYPE_CHECKING, Any

from sqlalchemy.exc import InterfaceError, OperationalError

from . import mail, outbox, reminders
from .errors import DatabaseUnavailable, DeliveryError
from .outbox import FAILED, PENDING
from .store import get_promise, histories, history

if TYPE_CHECKING:
    from sqlalchemy import Row

    from .config import Config
    from .mail import Transport
    from .model import MailServerState
    from .store import Store

log = logging.getLogger("toezegging.reminders")

# What a database that went away raises (SQLite: locked past busy_timeout; PostgreSQL:
# the server restarted or cannot be reached).
DB_ERRORS = (OperationalError, InterfaceError)


@dataclass
class TickReport:
    now: datetime
    cancelled: int = 0
    inserted: int = 0
    no_recipient: int = 0
    sent: int = 0
    retry: int = 0
    failed: int = 0
    waiting: int = 0  # ready, but the mail server could not be reached
    quiet: bool = False
    server_down_since: datetime | None = None
    server_error: str = ""
    lines: list[str] = field(default_factory=list)

    @property
    def mail_failing(self) -> bool:
        """True when this tick failed a reminder or could not reach the mail server."""
        return bool(self.failed or self.server_down_since)

    def summary(self) -> str:
        if self.quiet:
            return f"{self.now.isoformat()}: quiet hours, nothing sent ({self.inserted} queued)"
        text = (
            f"{self.now.isoformat()}: {self.inserted} queued, {self.sent} sent, "
            f"{self.retry} to retry, {self.failed} failed, {self.cancelled} cancelled"
        )
        if self.server_down_since:
            since = self.server_down_since.astimezone(self.now.tzinfo)
            text += (
                f"; {self.waiting} waiting: the mail server has not answered since "
                f"{since.isoformat(timespec='seconds')} "
                f"({self.server_error})"
            )
        return text


def tick(
    store: "Store",
    config: "Config",
    now: datetime,
    transport: "Transport | None" = None,
    dry_run: bool = False,
    token: str | None = None,
) -> TickReport:
    """One pass: cancel what moved, queue what is due, send what is ready.

    A database that cannot be reached is a `DatabaseUnavailable` (one line, no traceback)."""
    try:
        return _tick(store, config, now, transport, dry_run, token)
    except DB_ERRORS as e:
        raise DatabaseUnavailable(_first_line(e)) from None


def _first_line(e: Exception) -> str:
    text = str(getattr(e, "orig", None) or e).strip()
    return text.splitlines()[0] if text else type(e).__name__


def _tick(
    store: "Store",
    config: "Config",
    now: datetime,
    transport: "Transport | None",
    dry_run: bool,
    token: str | None,
) -> TickReport:
    rules = config.reminders
    report = TickReport(now)
    stale = outbox.stale_rows(store, rules, dry_run)
    report.cancelled = len(stale)
    for _rid, pid, kind, due_on, reason in stale:
        report.lines.append(f"cancel  #{pid} {kind} {due_on}: {reason}")
    _queue(store, config, now, report, dry_run)
    if dry_run:
        return report
    if reminders.in_quiet_hours(now, rules):
        report.quiet = True
        return report
    down = outbox.server_state(store)
    if down is not None and down.next_try_at > now:
        _note_waiting(store, report, now, down)
        return report
    own = transport is None
    if transport is None:
        transport = mail.transport_for(config)
    sender = _Sender(store, config, now, transport, token or outbox.new_token(), report)
    try:
        if rules.digest:
            sender.send_digests()
        # The events still without a date: one weekly list per recipient, not a mail per
        # promise (in a digest they are lines of the digest).
        elif sender.send_digests(kinds=(reminders.UNDATED,)):
            sender.send_singles()
    finally:
        if own:
            transport.close()
    if sender.reached and down is not None:
        outbox.server_up(store)
        log.info("the mail server answers again (down since %s)", down.down_since.isoformat())
    return report


def _queue(store: "Store", config: "Config", now: datetime, report: TickReport, dry_run: bool) -> None:
    rules = config.reminders
    with store.engine.connect() as conn:
        cands = outbox.candidates(conn, reminders.local_today(now, rules), rules)
    owners = {c.id: c.owner for c in cands}
    dues: list[reminders.Due] = []
    recips: dict[int, list[str]] = {}
    for d in reminders.due(cands, now, rules):
        to = outbox.recipients_for(owners[d.promise_id], config.mail)
        if not to:
            report.no_recipient += 1
            log.warning("promise %s: %s reminder due but no owner and no mail.to", d.promise_id, d.kind)
            continue
        recips[d.promise_id] = to
        dues.append(d)
        report.lines.append(f"queue   #{d.promise_id} {d.kind} {d.due_on} to {', '.join(to)}")
    report.inserted = len(dues) if dry_run else outbox.insert_due(store, dues, recips, now)


def _note_waiting(store: "Store", report: TickReport, now: datetime, down: "MailServerState") -> None:
    report.waiting = outbox.count_ready(store, now)
    report.server_down_since = down.down_since
    report.server_error = down.last_error
    if report.waiting:
        tz = now.tzinfo
        report.lines.append(
            f"wait    {report.waiting} reminders for the mail server; next try "
            f"at {down.next_try_at.astimezone(tz).isoformat(timespec='seconds')}"
        )


class _Sender:
    """Sends what is ready in one tick, with one transport and one claim token."""

    def __init__(
        self,
        store: "Store",
        config: "Config",
        now: datetime,
        transport: "Transport",
        token: str,
        report: TickReport,
    ) -> None:
        self.store, self.config, self.now = store, config, now
        self.rules = config.reminders
        self.transport, self.token, self.report = transport, token, report
        self.reached = False  # the server answered at least once this tick
        # Leases run from `now`, the tick's moment: stop claiming well before they could
        # expire while this tick is still sending (the rest goes out next tick).
        self.started = time.monotonic()
        self.stop_at = self.started + self.rules.lease_seconds / 2

    # ------------------------------------------------------------------ one mail per row

    def send_singles(self) -> None:
        tried: set[int] = set()
        while ids := [
            i for i in outbox.ready_ids(self.store, self.now, exclude=(reminders.UNDATED,)) if i not in tried
        ]:
            for rid in ids:
                tried.add(rid)
                if time.monotonic() > self.stop_at:
                    self.report.lines.append("the tick ran long; the rest waits for the next tick")
                    return
                if not outbox.claim(self.store, rid, self.now, self.rules.lease_seconds, self.token):
                    continue
                row = outbox.load(self.store, rid)
                message_id = row.message_id or mail.message_id_for(
                    row.id, row.promise_id, row.kind, row.due_on, self.config.mail.from_
                )
                if not row.message_id:
                    outbox.mark_message_id(self.store, rid, message_id)
                label = f"#{row.promise_id} {row.kind} {row.due_on}"
                if not self._deliver(
                    [row], label, lambda r=row, m=message_id: self._compose(r, m), row.recipient, message_id
                ):
                    return

    def _compose(self, row: "Row[Any]", message_id: str) -> EmailMessage:
        with self.store.session() as s:
            promise = get_promise(s, row.promise_id)
            changes = history(s, row.promise_id)
        return mail.compose(
            promise,
            changes,
            row.kind,
            row.due_on,
            to=row.recipient,
            message_id=message_id,
            now=self.now,
            mail_config=self.config.mail,
            deadline=reminders.deadline_for(promise, row.due_on),
            timezone=self.rules.timezone,
            templates=self.config.templates_dir(),
            member=self.config.member,
        )

    # ------------------------------------------------------------------ digests

    def send_digests(self, kinds: Sequence[str] | None = None) -> bool:
        """One mail per recipient with every reminder ready for them, grouped by ministry;
        with `kinds=("undated",)` the weekly list of events without a date. False when the
        mail server could not be reached (the rest waits for the next tick).

        A digest's set of rows is fixed when it is first claimed (its `digest_id`, which is
        its Message-ID): a retry sends exactly that set again; newer rows wait for the next."""

        undated = kinds == (reminders.UNDATED,)
        today = reminders.local_today(self.now, self.rules)
        fresh: dict[str, list] = {}
        digests: dict[str, list] = {}
        for rid in outbox.ready_ids(self.store, self.now, limit=5000, kinds=kinds):
            row = outbox.load(self.store, rid)
            if row.digest_id:
                if row.digest_id not in digests:
                    digests[row.digest_id] = outbox.claim_digest(
                        self.store, row.digest_id, self.now, self.rules.lease_seconds, self.token
                    )
            elif outbox.claim(self.store, rid, self.now, self.rules.lease_seconds, self.token):
                fresh.setdefault(row.recipient, []).append(outbox.load(self.store, rid))
        for rows in fresh.values():
            digest_id = mail.digest_message_id(
                [r.id for r in rows],
                today,
                self.config.mail.from_,
                label=reminders.UNDATED if undated else "digest",
            )
            outbox.fix_digest(self.store, [r.id for r in rows], digest_id, self.token)
            digests[digest_id] = rows
        for digest_id, rows in digests.items():
            if not rows:
                continue
            label = (
                f"undated events to {rows[0].recipient} ({len(rows)} promises)"
                if undated
                else f"digest to {rows[0].recipient} ({len(rows)} reminders)"
            )
            undated_rows = all(r.kind == reminders.UNDATED for r in rows)
            if not self._deliver(
                rows,
                label,
                lambda rs=rows, d=digest_id, u=undated_rows: self._digest(rs, d, u),
                rows[0].recipient,
                digest_id,
            ):
                return False
        return True

    def _digest(self, rows: list, digest_id: str, undated: bool = False) -> EmailMessage:
        with self.store.session() as s:
            changes = histories(s, [r.promise_id for r in rows])
            entries = []
            for r in rows:
                p = get_promise(s, r.promise_id)
                entries.append(
                    (p, changes.get(r.promise_id, []), r.kind, r.due_on, reminders.deadline_for(p, r.due_on))
                )
        compose = mail.compose_undated if undated else mail.compose_digest
        return compose(
            entries,
            to=rows[0].recipient,
            message_id=digest_id,
            now=self.now,
            mail_config=self.config.mail,
            today=reminders.local_today(self.now, self.rules),
            timezone=self.rules.timezone,
            templates=self.config.templates_dir(),
            member=self.config.member,
        )

    # ------------------------------------------------------------------ one delivery

    def _deliver(self, rows: list, label: str, compose: Callable, to: str, message_id: str) -> bool:
        """Render and send one mail for `rows`; record the outcome. False: stop the tick."""

        try:
            msg = compose()
        except DeliveryError as e:  # a template that is missing or broken
            self._failed(rows, label, f"the mail cannot be made: {e}", permanent=True)
            return True
        except Exception as e:  # a bug: never leave the row in `sending`
            log.exception("%s: the mail cannot be made", label)
            self._failed(rows, label, f"internal error while making the mail: {e!r}", permanent=True)
            return True
        try:
            self.transport.send(msg, mail.recipients(to))
        except mail.ConnectionFailed as e:
            self._server_unreachable(rows, label, str(e))
            return False
        except DeliveryError as e:
            self.reached = True
            self._failed(rows, label, str(e), permanent=e.permanent)
            return True
        self.reached = True
        for r in rows:
            self._settle(r, partial(self._sent, r.id))
        self.report.sent += len(rows)
        self.report.lines.append(f"sent    {label} to {to} {message_id}")
        return True

    def _failed(self, rows: list, label: str, error: str, permanent: bool) -> None:
        states = [
            outbox.record_failure(self.store, r, self.token, self.now, error, permanent, self.rules)
            for r in rows
        ]
        if FAILED in states:
            self.report.failed += states.count(FAILED)
            log.error("%s failed: %s", label, error)
        self.report.retry += states.count(PENDING)
        state = FAILED if FAILED in states else "retry"
        self.report.lines.append(f"{state:<7} {label}: {error}")

    def _server_unreachable(self, rows: list, label: str, error: str) -> None:
        for r in rows:
            outbox.record_waiting(self.store, r, self.token, error)
        down = outbox.server_down(
            self.store, self.now, error, self.rules.retry_base_seconds, self.rules.reconnect_max_seconds
        )
        _note_waiting(self.store, self.report, self.now, down)
        log.error(
            "the mail server cannot be reached: %s; %s reminders wait (next try at %s)",
            error,
            self.report.waiting,
            down.next_try_at.astimezone(self.now.tzinfo).isoformat(timespec="seconds"),
        )

    def _sent(self, rid: int) -> None:
        outbox.record_sent(self.store, rid, self.token, self.now)

    def _settle(self, row: "Row[Any]", record: Callable[[], None]) -> None:
        """Record that the server took a mail; retried while the database is away, for as
        long as this tick's lease allows (after that another tick may send it again)."""
        deadline = self.started + self.rules.lease_seconds * 0.8
        delay = 0.2
        while True:
            try:
                record()
                return
            except DB_ERRORS as e:
                if time.monotonic() + delay > deadline:
                    log.error("reminder %s was sent but cannot be recorded: %s", row.id, _first_line(e))
                    raise
                log.warning(
                    "reminder %s was sent; the database is away (%s), retrying in %.1f s",
                    row.id,
                    _first_line(e),
                    delay,
                )
                time.sleep(delay)
                delay = min(delay * 2, 10.0)
