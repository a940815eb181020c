"""The tables: promises, their deadline history, the reminder outbox and feed tokens.

No `from __future__ import annotations` here: it breaks SQLModel table classes.
Moments are stored in UTC (`datetime` with tzinfo=UTC when read back through `utc()`);
dates are plain dates. "Overdue" is never stored: it is derived from `latest`, by one
rule (`is_overdue`, and `overdue_clause` for SQL).
"""

import re
from datetime import UTC, date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    JSON,
    Column,
    ColumnElement,
    DateTime,
    Index,
    Integer,
    SQLColumnExpression,
    Text,
    TypeDecorator,
    UniqueConstraint,
    and_,
)
from sqlalchemy.engine import Dialect
from sqlmodel import Field, SQLModel

from .reminders import ReminderState  # noqa: F401  (the reminder rules' own; re-exported)
from .status import Status  # noqa: F401  (defined apart for start-up time; re-exported)


class UTCDateTime(TypeDecorator[datetime]):
    """A timezone-aware moment, stored as UTC on every backend (SQLite has no zones)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given for a UTC column; pass an aware datetime")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def utc_now_column(**kw: Any) -> Column[datetime]:
    return Column(UTCDateTime(), **kw)


# A source that is only a file's name ("ocw.pdf", "brief-2026-06-10.docx"): never shown
# in formal text (mails, drafted questions, feeds).
_FILE_NAME = re.compile(r"^[^/\\]*\.(?:pdf|txt|docx?|odt|rtf|html?|eml|md)$|^\S*[/\\]", re.IGNORECASE)


def formal_source(source: str | None) -> str:
    """The source as formal text may name it: "" for nothing or a bare file name."""
    source = (source or "").strip()
    return "" if _FILE_NAME.match(source) else source


def is_overdue(status: str, latest: date | None, today: date) -> bool:
    """The overdue rule, its one home: open, with a window, and the window's last day
    (`latest`) before `today`. `overdue_clause` is the same rule in SQL."""
    return status == Status.OPEN and latest is not None and latest < today


def overdue_clause(
    status: SQLColumnExpression[str], latest: SQLColumnExpression[date | None], today: date
) -> ColumnElement[bool]:
    """`is_overdue` as a SQL condition over the columns `status` and `latest` (the ORM's
    `col(Promise.status)`, or a table's `promise.c.status`). Never NULL, so its negation
    (`~overdue_clause(...)`) keeps exactly the promises that are not overdue."""
    return and_(status == Status.OPEN.value, latest.is_not(None), latest < today)


# A promise's revision is also its optimistic lock: every UPDATE of a promise runs
# "... WHERE revision = <the revision read>", so a change made on a stale read fails
# (StaleDataError) instead of overwriting another process's change. The code raises the
# revision itself (version_id_generator=False); `store.Store.write` retries a lost race.
PROMISE_REVISION = Column("revision", Integer, nullable=False)


class Promise(SQLModel, table=True):
    __tablename__ = "promise"
    __table_args__ = (
        Index("ix_promise_status_latest", "status", "latest"),
        Index("ix_promise_ministry", "ministry"),
    )
    __mapper_args__ = {"version_id_col": PROMISE_REVISION, "version_id_generator": False}

    id: int | None = Field(default=None, primary_key=True)
    text: str = Field(sa_column=Column(Text, nullable=False))
    # The deadline phrase exactly as typed; never rewritten (postponements go to history).
    deadline: str
    # The phrase of the latest postponement (None when never postponed); the window below
    # is read from it. `deadline_now()` gives the phrase the window belongs to.
    current_deadline: str | None = None
    # The day the promise was made (debate or letter): the reference date of the phrase.
    reference: date
    # The window read from `deadline` at `reference` (empty for an event phrase).
    earliest: date | None = None
    latest: date | None = Field(default=None, index=True)
    kind: str = "vague"
    recurrence: str | None = None
    hedged: bool = False
    estimated: bool = False
    explanation: str = ""
    open_ended: bool = False  # an event phrase stored without a date
    # An event phrase ("binnen drie maanden na inwerkingtreding"): the event as written, the
    # span counted from it (ISO 8601, "P3M") and how (spec "Event phrases"; see
    # `deadline.on_event`). `event_name` is the shared name of an event several promises wait
    # on (`toezegging event link`); `event_date` the event's date once known, from which the
    # window above was read.
    anchor: str | None = None
    offset: str | None = None
    offset_mode: str | None = None
    event_name: str | None = Field(default=None, index=True)
    event_date: date | None = None
    # Who promised it.
    by: str | None = None  # bewindspersoon
    function: str | None = None  # e.g. "minister van Justitie en Veiligheid"
    ministry: str | None = None
    # To whom.
    to: str | None = None  # member of parliament
    fraction: str | None = None
    # Where.
    source: str | None = None  # debate or letter
    kamerstuk: str | None = None
    url: str | None = None
    number: str | None = Field(default=None, unique=True)  # official register, TZ202412-116
    tags: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    owner: str | None = Field(default=None, index=True)  # e-mail for reminders
    notes: str | None = Field(default=None, sa_column=Column(Text))
    status: str = Field(default=Status.OPEN.value, index=True)
    fulfilled_by: str | None = None  # the letter that fulfilled it
    closed_on: date | None = None
    created_at: datetime = Field(sa_column=utc_now_column(nullable=False))
    updated_at: datetime = Field(sa_column=utc_now_column(nullable=False))
    # Raised on every change a subscriber should see (deadline, status, text); the feed's SEQUENCE.
    revision: int = Field(default=0, sa_column=PROMISE_REVISION)
    # A tombstone: set when the entry is removed (a mistaken entry, or deleted at the Kamer).
    # A removed promise leaves lists, reminders and feeds (as a cancellation); its history stays.
    deleted_at: datetime | None = Field(default=None, sa_column=utc_now_column(nullable=True))

    @property
    def stored_id(self) -> int:
        """The id of a stored promise (`id` is None only until the promise is first flushed)."""
        if self.id is None:
            raise ValueError("the promise is not stored yet, so it has no id")
        return self.id

    def is_overdue(self, today: date) -> bool:
        return is_overdue(self.status, self.latest, today)

    def waits_on_event(self) -> bool:
        """Open, with an event phrase whose event has no date yet (so no window, no reminders)."""
        return (
            self.status == Status.OPEN
            and self.deleted_at is None
            and self.latest is None
            and self.kind == "event"
        )

    def deadline_now(self) -> str:
        """The phrase the current window was read from (the latest postponement's, if any)."""
        return self.current_deadline or self.deadline


class ChangeKind(StrEnum):
    """What a history row records. Only a postponement counts as a move of the deadline."""

    POSTPONEMENT = "postponement"  # the minister moved the deadline ("Mag ik er juni van maken?")
    CORRECTION = "correction"  # the user fixed a typo or a misread phrase: not a move
    EVENT = "event"  # the event a promise waited on got its date: not a move
    STATUS = "status"  # the status changed (closed, reopened, removed)
    # One occurrence of a recurring promise was fulfilled and the next one opened: the old
    # window is the occurrence fulfilled, the new one the next; `reference` the day it was
    # fulfilled, `reason` the letter that fulfilled it, `new_status` fulfilled or partly.
    OCCURRENCE = "occurrence"


class DeadlineChange(SQLModel, table=True):
    """One row per change in a promise's history: deadline moves and corrections, the
    dating of its event, and status changes (`kind`, see `ChangeKind`)."""

    __tablename__ = "deadline_change"

    id: int | None = Field(default=None, primary_key=True)
    promise_id: int = Field(foreign_key="promise.id", index=True, ondelete="CASCADE")
    kind: str = Field(
        default=ChangeKind.POSTPONEMENT.value,
        sa_column_kwargs={"server_default": ChangeKind.POSTPONEMENT.value},
    )
    changed_at: datetime = Field(sa_column=utc_now_column(nullable=False))
    # The reference date the new phrase was read at (the day of the postponement).
    reference: date
    old_deadline: str
    new_deadline: str
    old_earliest: date | None = None
    old_latest: date | None = None
    new_earliest: date | None = None
    new_latest: date | None = None
    reason: str | None = None
    # For kind "status": the status before and after (the deadline fields then stay equal).
    old_status: str | None = None
    new_status: str | None = None

    @property
    def is_move(self) -> bool:
        return self.kind == ChangeKind.POSTPONEMENT


class Reminder(SQLModel, table=True):
    """The outbox: one row per (promise, kind, due date, recipient), never two. One row is
    one delivery: a recipient refused by the server fails or waits alone."""

    __tablename__ = "reminder"
    __table_args__ = (
        UniqueConstraint(
            "promise_id", "kind", "due_on", "recipient", name="uq_reminder_promise_kind_due_recipient"
        ),
        Index("ix_reminder_state_next", "state", "next_attempt_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    promise_id: int = Field(foreign_key="promise.id", index=True, ondelete="CASCADE")
    kind: str  # one of reminders.KINDS
    due_on: date  # the day the rule says it is due (part of the identity)
    recipient: str = ""  # one address (part of the identity)
    state: str = Field(default=ReminderState.PENDING.value)
    attempts: int = 0
    next_attempt_at: datetime = Field(sa_column=utc_now_column(nullable=False))
    lease_until: datetime | None = Field(default=None, sa_column=utc_now_column(nullable=True))
    claimed_by: str | None = None
    message_id: str = ""
    sent_at: datetime | None = Field(default=None, sa_column=utc_now_column(nullable=True))
    error: str | None = Field(default=None, sa_column=Column(Text))
    created_at: datetime = Field(sa_column=utc_now_column(nullable=False))
    # The digest this row went out in (its Message-ID), fixed when the digest is first
    # claimed: a retry sends exactly that set again, under the same Message-ID.
    digest_id: str | None = Field(default=None, index=True)


class MailServerState(SQLModel, table=True):
    """Whether the mail server answers: one row (id 1) while it does not.

    An unreachable server is not a message's fault: it uses up no attempts. The tick
    backs off on the connection instead (`next_try_at`) and sends everything once the
    server answers again, however long it was down."""

    __tablename__ = "mail_server_state"

    id: int = Field(default=1, primary_key=True)
    failures: int = 0
    down_since: datetime = Field(sa_column=utc_now_column(nullable=False))
    next_try_at: datetime = Field(sa_column=utc_now_column(nullable=False))
    last_error: str = Field(default="", sa_column=Column(Text, nullable=False))


class FeedToken(SQLModel, table=True):
    """The secret of a private feed, stored as a hash; rotate with `feeds token NAME`."""

    __tablename__ = "feed_token"

    feed: str = Field(primary_key=True)
    token_hash: str
    created_at: datetime = Field(sa_column=utc_now_column(nullable=False))


# A history row of kind "status" for a removal records this as its new status (and a
# restore as its old one): removal is no status of the Kamer's, but it is a change of one.
REMOVED = "removed"


class SyncState(SQLModel, table=True):
    """Where an incremental sync stands: one row per source and set of filters.

    `high_water` is the newest `GewijzigdOp` of the records already committed; it moves
    only in the transaction that commits a page, so a sync stopped part-way resumes there.
    """

    __tablename__ = "sync_state"

    key: str = Field(primary_key=True)  # e.g. "tk" + the filters, see sync.tk.state_key
    high_water: datetime | None = Field(default=None, sa_column=utc_now_column(nullable=True))
    last_run_at: datetime | None = Field(default=None, sa_column=utc_now_column(nullable=True))
    updated_at: datetime = Field(sa_column=utc_now_column(nullable=False))


class SyncRecord(SQLModel, table=True):
    """One record of an outside register followed by a promise, with the values the last
    sync took from it (`base`): what the register changed since is theirs to apply, what
    the user changed since is theirs to keep (a three-way merge)."""

    __tablename__ = "sync_record"
    __table_args__ = (UniqueConstraint("source", "register_id", name="uq_sync_record_source_id"),)

    id: int | None = Field(default=None, primary_key=True)
    source: str  # "tk": the Tweede Kamer's Toezegging register
    register_id: str  # the record's own Id (a GUID at the Kamer)
    number: str | None = None
    promise_id: int = Field(foreign_key="promise.id", index=True, ondelete="CASCADE")
    modified: datetime | None = Field(default=None, sa_column=utc_now_column(nullable=True))
    base: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    synced_at: datetime = Field(sa_column=utc_now_column(nullable=False))
