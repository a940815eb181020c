"""Events in the register: promises that wait on an event without a date.

A promise whose deadline hangs on an event ("binnen drie maanden na inwerkingtreding",
"zodra de AMvB is vastgesteld") is stored without a window: it keeps the event as written
(`anchor`), the span counted from it (`offset`) and how (`offset_mode`). Several promises
often wait on one event; `link` gives them a shared `event_name`. Dating the event
(`date_promise_event`, `set_event`) turns each waiting promise into a window by the spec's
rules (never before its reference date), writes a history row of kind "event" (no
postponement: no "postponed" mail, no move in lists and feeds), and raises the promise's
revision, so feeds update and the reminders start.

The CLI reads the clock and passes `today`/`now`; every check happens before anything is
written.
"""

import difflib
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlmodel import Session, col, func, select

from .errors import Hint, InvalidInput, NotFound
from .model import ChangeKind, DeadlineChange, Promise, Status
from .promises import apply_reading, on_event
from .store import get_promise


@dataclass
class Event:
    """An event without a date, and the open promises that wait on it."""

    name: str | None  # the shared name (`event link --as`); None: one promise's own event
    promises: list[Promise] = field(default_factory=list)

    @property
    def label(self) -> str:
        """What to call it: its shared name, else the event as written in the phrase."""
        p = self.promises[0]
        return self.name or p.anchor or p.deadline_now() or f"#{p.id}"

    @property
    def since(self) -> date:
        """Waiting since: the earliest day one of its promises was made."""
        return min(p.reference for p in self.promises)

    def weeks_waiting(self, today: date) -> int:
        return max(0, (today - self.since).days // 7)

    def to_dict(self, today: date) -> dict:
        return {
            "name": self.name,
            "label": self.label,
            "since": self.since.isoformat(),
            "weeks": self.weeks_waiting(today),
            "promises": [
                {
                    "id": p.id,
                    "text": p.text,
                    "deadline": p.deadline_now(),
                    "anchor": p.anchor,
                    "offset": p.offset,
                    "offset_mode": p.offset_mode,
                    "explanation": p.explanation,
                    "ministry": p.ministry,
                    "owner": p.owner,
                }
                for p in self.promises
            ],
        }


def clean_name(name: str | None) -> str:
    name = " ".join((name or "").split())
    if not name:
        example = Hint(
            "'inwerkingtreding Wet X'", "option", name="event_name", example="'inwerkingtreding Wet X'"
        )
        raise InvalidInput(f"the event's name is empty; give it as it is known, e.g. {example}.", example)
    return name


def waiting(session: Session) -> list[Promise]:
    """The open promises that wait on an event without a date, oldest first."""
    stmt = (
        select(Promise)
        .where(
            col(Promise.deleted_at).is_(None),
            Promise.status == Status.OPEN.value,
            col(Promise.latest).is_(None),
            Promise.kind == "event",
        )
        .order_by(col(Promise.reference), col(Promise.id))
    )
    return list(session.exec(stmt))


def open_events(session: Session) -> list[Event]:
    """The events without a date: each shared name once, each unnamed promise on its own."""
    named: dict[str, Event] = {}
    out: list[Event] = []
    for p in waiting(session):
        if p.event_name:
            key = p.event_name.lower()
            if key not in named:
                named[key] = Event(p.event_name)
                out.append(named[key])
            named[key].promises.append(p)
        else:
            out.append(Event(None, [p]))
    return out


def _is_event_promise(p: Promise) -> bool:
    """Waits on an event, or got its window from one (so it can be dated again)."""
    return (p.kind == "event" and p.latest is None) or p.event_date is not None


def _check_open(p: Promise) -> None:
    if p.deleted_at is not None or p.status != Status.OPEN:
        raise InvalidInput(
            f"promise {p.id} is {p.status if p.deleted_at is None else 'removed'}; "
            "only an open promise waits on an event."
        )
    if not _is_event_promise(p):
        postpone = Hint("Use a postponement", "postpone", id=p.id)
        raise InvalidInput(
            f"promise {p.id} does not wait on an event: its deadline '{p.deadline_now()}' "
            f"already gives a date ({p.latest}). {postpone} to move it.",
            postpone,
        )


def _members(session: Session, name: str) -> list[Promise]:
    """The open promises linked to the event `name` (case-insensitive), oldest first."""
    stmt = (
        select(Promise)
        .where(
            func.lower(col(Promise.event_name)) == name.lower(),
            col(Promise.deleted_at).is_(None),
            Promise.status == Status.OPEN.value,
        )
        .order_by(col(Promise.reference), col(Promise.id))
    )
    return [p for p in session.exec(stmt) if _is_event_promise(p)]


def _date_one(
    session: Session, p: Promise, day: date, *, today: date, now: datetime, label: str
) -> DeadlineChange | None:
    """Give promise `p`'s event the date `day`: its window, a history row, a new revision."""
    if p.event_date == day and p.latest is not None:
        return None  # already so
    phrase = p.deadline_now()
    r = on_event(phrase, p.reference, day, p.anchor, p.offset, p.offset_mode)
    change = DeadlineChange(
        promise_id=p.stored_id,
        kind=ChangeKind.EVENT.value,
        changed_at=now,
        reference=today,
        old_deadline=phrase,
        new_deadline=phrase,
        old_earliest=p.earliest,
        old_latest=p.latest,
        new_earliest=r.earliest,
        new_latest=r.latest,
        reason=f"'{label}': {day.isoformat()}",
    )
    apply_reading(p, r)
    p.revision += 1
    p.updated_at = now
    session.add(change)
    session.add(p)
    return change


def date_promise_event(
    session: Session, promise_id: int | str, day: date, *, today: date, now: datetime
) -> list[DeadlineChange]:
    """Date the event promise `promise_id` waits on. A shared event (`link`) is dated for
    every promise linked to it: one event, one date."""
    p = get_promise(session, promise_id)
    _check_open(p)
    members = _members(session, p.event_name) if p.event_name else [p]
    label = p.event_name or p.anchor or phrase_of(p)
    changes = [c for m in members if (c := _date_one(session, m, day, today=today, now=now, label=label))]
    session.flush()
    return changes


def set_event(session: Session, name: str, day: date, *, today: date, now: datetime) -> list[DeadlineChange]:
    """Date the shared event `name`: every open promise linked to it gets its window."""
    name = clean_name(name)
    members = _members(session, name)
    if not members:
        raise _unknown_event(session, name)
    label = members[0].event_name or name
    changes = [c for m in members if (c := _date_one(session, m, day, today=today, now=now, label=label))]
    session.flush()
    return changes


def link(
    session: Session, promise_ids: Sequence[int | str], name: str, *, today: date, now: datetime
) -> tuple[list[Promise], list[DeadlineChange]]:
    """Name the event promises `promise_ids` wait on `name`. Linked to an event that has a
    date already, a waiting promise gets its window at once."""
    name = clean_name(name)
    if not promise_ids:
        example = Hint(", e.g. 3 and 7", "link_example", name=name)
        raise InvalidInput(f"give the ids of the promises to link{example}.", example)
    promises = []
    for pid in promise_ids:
        p = get_promise(session, pid)
        _check_open(p)
        if p not in promises:
            promises.append(p)
    existing = _members(session, name)
    known = next((m.event_name for m in existing), None)
    dated = next((m.event_date for m in existing if m.event_date is not None), None)
    changes = []
    for p in promises:
        p.event_name = known or name
        session.add(p)
        if dated is not None and p.latest is None:
            if c := _date_one(session, p, dated, today=today, now=now, label=p.event_name):
                changes.append(c)
    session.flush()
    return promises, changes


def phrase_of(p: Promise) -> str:
    return p.deadline_now() or f"#{p.id}"


def _unknown_event(session: Session, name: str) -> NotFound:
    """The error for an event no open promise is linked to, naming the nearest ones."""
    names = sorted(
        n
        for n in session.exec(
            select(Promise.event_name).where(col(Promise.event_name).is_not(None)).distinct()
        )
        if n
    )
    close = difflib.get_close_matches(name, names, n=1, cutoff=0.5)
    unknown = f"no open promise is linked to the event '{name}'."
    if close:
        return NotFound(f"{unknown} Did you mean '{close[0]}'?")
    if names:
        return NotFound(f"{unknown} Known events: " + ", ".join(f"'{n}'" for n in names[:8]) + ".")
    first = Hint("Name one first by linking promises to it", "name_event")
    return NotFound(f"{unknown} {first}.", first)
