"""What a record of an outside register may change in the register: the rules of a sync.

Per record (`apply`), against the values the last sync took from it (`SyncRecord.base`):
- a record not followed yet becomes a promise (with the sync's tags), unless it is
  marked deleted; a promise that already has its number is adopted instead;
- a field the register changed (text, people, ministry, source, deadline, status,
  fulfilling letter) is taken over when the user left it as the last sync set it, and
  is a conflict, reported and left as the user has it, when the user changed it too;
- the user's own fields (tags, owner, notes, kamerstuk, url) are never touched; a
  deadline the user postponed or corrected is theirs, so a new deadline at the register
  is then a conflict;
- a status change is a history row of kind "status" and closes or reopens the promise
  (with the fulfilling letter where the register gives one); a new deadline at the
  register is a history row of kind "correction" (not a postponement: no "postponed" mail);
- a record deleted at the register sets the promise's `deleted_at` tombstone (a "status"
  history row to `REMOVED`), so it leaves lists, reminders and feeds (as a cancellation);
  a record that comes back restores it. A promise the user removed stays removed.

Nothing changes when nothing changed: a record equal to its base is left alone, so a
second sync of the same register writes nothing.
"""

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Literal, TypeVar

from sqlmodel import Session, col, select

from ..import_export import Incoming, register_words
from ..model import REMOVED, ChangeKind, DeadlineChange, Promise, Status, SyncRecord
from ..promises import clean_tags, status_row
from ..status import name

T = TypeVar("T")
# The values of a promise a register owns (`values`), as `SyncRecord.base` keeps them.
Values = dict[str, Any]
# The fields a register owns (besides the deadline and the status), as the user sees them.
FIELDS = ("text", "by", "function", "ministry", "source")
# What a deadline's reading sets on a promise (see `promises.apply_reading`).
READING = ("earliest", "latest", "kind", "recurrence", "hedged", "estimated", "explanation", "open_ended")


@dataclass
class Conflict:
    field: str
    ours: str | None
    theirs: str | None


# What a record did to the register.
OutcomeKind = Literal["new", "updated", "closed", "reopened", "removed", "restored", "unchanged", "ignored"]


@dataclass
class Outcome:
    """What one record did (`kind`)."""

    kind: OutcomeKind
    number: str | None
    promise_id: int | None = None
    details: list[str] = field(default_factory=list)
    conflicts: list[Conflict] = field(default_factory=list)
    unreadable: bool = False  # no deadline read (no phrase in the text, no date given)
    # The promise as it now is (for a report line).
    text: str = ""
    deadline: str = ""
    earliest: date | None = None
    latest: date | None = None

    def describe(self, p: Promise) -> "Outcome":
        self.text, self.deadline = p.text, p.deadline_now()
        self.earliest, self.latest = p.earliest, p.latest
        return self


def values(p: Promise) -> Values:
    """The values of a promise a register owns, in the shape of `SyncRecord.base`."""
    return {
        **{k: getattr(p, k) for k in FIELDS},
        "deadline": p.deadline_now(),
        "latest": p.latest.isoformat() if p.latest else None,
        "reference": p.reference.isoformat(),
        "status": p.status,
        "fulfilled_by": p.fulfilled_by,
        "deleted": p.deleted_at is not None,
    }


class Known:
    """The links and promises of a page of records, read in a few queries (by register
    id, else by register number), and kept up to date as the page adds to them."""

    def __init__(self, session: Session, source: str, incoming: list[Incoming]) -> None:
        self.links: dict[str, SyncRecord] = {}
        self.promises: dict[int, Promise] = {}
        self.numbers: dict[str, Promise] = {}
        self.pending: list[tuple[Incoming, Promise]] = []  # new, not yet flushed
        for ids in _chunks([i.register_id for i in incoming if i.register_id]):
            for link in session.exec(
                select(SyncRecord).where(SyncRecord.source == source, col(SyncRecord.register_id).in_(ids))
            ):
                self.links[link.register_id] = link
        for promise_ids in _chunks([link.promise_id for link in self.links.values()]):
            for p in session.exec(select(Promise).where(col(Promise.id).in_(promise_ids))):
                self.promises[p.stored_id] = p
        for numbers in _chunks([i.promise.number for i in incoming if i.promise.number]):
            for p in session.exec(select(Promise).where(col(Promise.number).in_(numbers))):
                if p.number:  # (always: found by it)
                    self.numbers[p.number] = p

    def find(self, inc: Incoming) -> tuple[SyncRecord | None, Promise | None]:
        """The link of a record (by its register id) and its promise (else by its number)."""
        link = self.links.get(inc.register_id) if inc.register_id else None
        if link is not None:
            return link, self.promises.get(link.promise_id)
        return None, self.numbers.get(inc.promise.number) if inc.promise.number else None

    def remember(self, link: SyncRecord | None, p: Promise) -> None:
        if p.id is not None:
            self.promises[p.id] = p
        if p.number:
            self.numbers[p.number] = p
        if link is not None:
            self.links[link.register_id] = link

    def finish(self, session: Session, source: str, now: datetime) -> None:
        """Insert the page's new promises at once, then link them to their records."""
        if not self.pending:
            return
        session.flush()
        for inc, p in self.pending:
            self.remember(_link(session, source, inc, p, None, values(p), now), p)
        self.pending.clear()


def _chunks(values: list[T], size: int = 500) -> Iterator[list[T]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


def apply(
    session: Session,
    source: str,
    inc: Incoming,
    *,
    now: datetime,
    tags: Iterable[str] = (),
    known: Known | None = None,
) -> Outcome:
    """Bring one record into the register (see the module docstring); `known` holds the
    page's links and promises (read here when not given)."""
    single = known is None
    known = known or Known(session, source, [inc])
    link, p = known.find(inc)
    if p is not None and p.id is None:  # new in this page, and here again
        known.finish(session, source, now)
    number = inc.promise.number or (p.number if p else None)
    if p is None:
        if inc.deleted:
            return Outcome("ignored", number)
        out = _new(session, inc, tags, known)
        if single:
            known.finish(session, source, now)
            out.promise_id = inc.promise.id
        return out
    base = link.base if link is not None else None
    out = Outcome("unchanged", number, p.id)
    if inc.deleted:
        known.remember(_link(session, source, inc, p, link, _remove(session, inc, p, base, out, now), now), p)
        return out
    if p.deleted_at is not None:
        if not (base and base.get("deleted")):
            return Outcome("ignored", number, p.id)  # removed by the user: stays removed
        base = _restore(session, inc, p, base, out, now)
    theirs = values(inc.promise)
    changed = _take_changes(session, inc, p, base, theirs, out, now) or out.kind == "restored"
    if changed:
        _touch(session, p, now)
        if out.kind == "unchanged":
            out.kind = "updated"
    out.unreadable = changed and p.deadline == "" and not p.current_deadline
    known.remember(_link(session, source, inc, p, link, theirs, now), p)
    return out.describe(p)


def _remove(
    session: Session, inc: Incoming, p: Promise, base: Values | None, out: Outcome, now: datetime
) -> Values:
    """The register deleted the record: the promise's tombstone, unless the user removed it
    already. The base to record: `deleted` in it when the sync removed it (and may restore
    it), not when the user had removed it."""
    removed_here = p.deleted_at is None
    if removed_here:
        _status_row(session, p, p.status, REMOVED, now, register_words()["removed"], inc.modified)
        p.deleted_at = now
        out.kind = "removed"
        _touch(session, p, now)
    return {**(base or values(p)), "deleted": removed_here or bool(base and base.get("deleted"))}


def _restore(
    session: Session, inc: Incoming, p: Promise, base: Values, out: Outcome, now: datetime
) -> Values:
    """A record the sync had removed is back at the register: so is its promise."""
    p.deleted_at = None
    _status_row(session, p, REMOVED, p.status, now, register_words()["restored"], inc.modified)
    out.kind = "restored"
    return {**base, "deleted": False}


def _take_changes(
    session: Session,
    inc: Incoming,
    p: Promise,
    base: Values | None,
    theirs: Values,
    out: Outcome,
    now: datetime,
) -> bool:
    """Take over what the register changed and the user did not (`_take`): the fields, the
    deadline, the status and the fulfilling letter. Whether anything was taken."""
    words = register_words()
    ours = values(p)
    changed = False
    for key in FIELDS:
        if _take(key, base, ours, theirs, out):
            setattr(p, key, theirs[key])
            out.details.append(f"{key}: {_show(ours[key])} -> {_show(theirs[key])}")
            changed = True
    if _take(("deadline", "latest"), base, ours, theirs, out):
        _new_deadline(session, p, inc.promise, now, words["deadline"])
        out.details.append(f"deadline: {_show(ours['deadline'])} -> {_show(theirs['deadline'])}")
        changed = True
    if _take("status", base, ours, theirs, out, blank=(None, "", Status.OPEN.value)):
        new = Status(theirs["status"])
        _status_row(
            session, p, p.status, new.value, now, words["status"].format(status=_status_nl(new)), inc.modified
        )
        out.details.append(f"status: {_status_nl(Status(ours['status']))} -> {_status_nl(new)}")
        p.status = new.value
        p.closed_on = (inc.promise.closed_on or now.date()) if new.closed else None
        if out.kind == "unchanged":
            out.kind = (
                "closed"
                if new.closed and not Status(ours["status"]).closed
                else "reopened"
                if not new.closed
                else "updated"
            )
        changed = True
    if _take("fulfilled_by", base, ours, theirs, out) and theirs["fulfilled_by"]:
        p.fulfilled_by = theirs["fulfilled_by"]
        out.details.append(f"fulfilled by: {theirs['fulfilled_by']}")
        changed = True
    return changed


def _take(
    key: str | tuple[str, ...],
    base: Values | None,
    ours: Values,
    theirs: Values,
    out: Outcome,
    blank: tuple[object, ...] = (None, ""),
) -> bool:
    """Whether to take the register's value of `key` (a field or a tuple of fields).

    Theirs is taken when the register changed it since the last sync and the user did
    not; when both changed it, differently, it is a conflict and ours stays. Without a
    base (a promise that was in the register before the sync followed it) a difference
    is a conflict, except where ours is `blank` (empty; for the status: still open).
    """
    keys = key if isinstance(key, tuple) else (key,)

    def get(d: Values) -> tuple[object, ...]:
        return tuple(d.get(k) for k in keys)

    if get(ours) == get(theirs):
        return False
    if base is not None:
        if get(base) == get(theirs):
            return False  # the register did not change it: whatever the user did stays
        if get(ours) == get(base):
            return True
    elif all(v in blank for v in get(ours)):
        return True
    name = keys[0]
    out.conflicts.append(Conflict(name, _show(ours[name]), _show(theirs[name])))
    return False


def _new(session: Session, inc: Incoming, tags: Iterable[str], known: Known) -> Outcome:
    """A new promise; inserted and linked by `Known.finish` (its id is known then)."""
    p = inc.promise
    p.tags = clean_tags([*p.tags, *tags])
    session.add(p)
    known.pending.append((inc, p))
    known.remember(None, p)
    return Outcome("new", p.number, None, unreadable=p.deadline == "").describe(p)


def _new_deadline(session: Session, p: Promise, new: Promise, now: datetime, reason: str) -> None:
    """The register gave a new deadline: a correction, not a move of the user's."""
    session.add(
        DeadlineChange(
            promise_id=p.stored_id,
            kind=ChangeKind.CORRECTION.value,
            changed_at=now,
            reference=new.reference,
            old_deadline=p.deadline_now(),
            new_deadline=new.deadline,
            old_earliest=p.earliest,
            old_latest=p.latest,
            new_earliest=new.earliest,
            new_latest=new.latest,
            reason=reason,
        )
    )
    p.deadline, p.current_deadline, p.reference = new.deadline, None, new.reference
    for key in READING:
        setattr(p, key, getattr(new, key))


def _status_row(
    session: Session, p: Promise, old: str, new: str, now: datetime, reason: str, when: datetime | None = None
) -> None:
    session.add(status_row(p, old, new, today=_day(when or now), now=now, reason=reason))


def _day(moment: datetime) -> date:
    return moment.date()


def _touch(session: Session, p: Promise, now: datetime) -> None:
    p.revision += 1
    p.updated_at = now
    session.add(p)


def _link(
    session: Session,
    source: str,
    inc: Incoming,
    p: Promise,
    link: SyncRecord | None,
    base: Values,
    now: datetime,
) -> SyncRecord | None:
    """Record what the register said, when it said something new."""
    if link is None:
        if not inc.register_id:
            return None
        link = SyncRecord(
            source=source,
            register_id=inc.register_id,
            promise_id=p.stored_id,
            number=p.number,
            modified=inc.modified,
            base=base,
            synced_at=now,
        )
        session.add(link)
        return link
    if link.base == base and link.modified == inc.modified and link.number == p.number:
        return link
    link.number, link.modified, link.base, link.synced_at = p.number, inc.modified, base, now
    session.add(link)
    return link


def _show(v: object) -> str | None:
    return None if v is None else str(v)


def _status_nl(s: Status) -> str:
    return name(s, "nl")
