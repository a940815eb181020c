"""Which reminders are due at a moment: the rules, pure (no database, no clock).

A promise has a schedule of reminder events, each a (kind, date):

- `opens`: the day the window opens (`earliest`), only when it opens after the promise
  was made (`earliest > reference`);
- `approaching`: N days before `latest`, for N in `days_before` (only when that day
  is not before the promise was made);
- `due`: on `latest`;
- `overdue`: while the promise is open, `overdue_every_days` after `latest`, then after
  twice that many days, four times, ... (14, 28, 56 days between mails) until the gap
  reaches `overdue_max_every_days`, which it keeps (see `overdue_offsets`);
- `postponed`: on the day the deadline was last changed;
- `undated`: for a promise that waits on an event without a date (no window yet), every
  Monday from `undated_event_weeks` weeks after the promise was made, until the event has
  a date (the outbox sends these as one weekly list per recipient, or in the digest).

A recurring promise (`recurrence`, an RRULE such as `FREQ=YEARLY`) has no rules of its
own: its window is its current occurrence, the first not yet fulfilled (see
`toezegging.recurrence`), so it is reminded of like any promise. An occurrence whose
deadline passed unfulfilled is overdue, with overdue reminders, until `done` fulfils it
and the window moves on to the next occurrence (whose reminders then follow).

At a moment `now` the one event that counts for a promise is the newest whose send
moment (its date at `send_hour` in the configured zone) has passed; ties on a day go to
the later stage. After downtime this sends each promise's newest reminder once, never
one per missed day, and never a stale "approaching" once the deadline has passed.
Nothing is due during quiet hours.
"""

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from typing import TYPE_CHECKING, Protocol
from zoneinfo import ZoneInfo

from .status import Status

if TYPE_CHECKING:
    from .config import RemindersConfig
    from .outbox import PromiseRow

# The kinds of reminder, in the order of their stages: later stages win a tie on a day.
KINDS = ("opens", "approaching", "due", "overdue", "postponed", "undated")
OPENS, APPROACHING, DUE, OVERDUE, POSTPONED, UNDATED = KINDS
RANK = {k: i for i, k in enumerate(KINDS, start=1)}


class ReminderState(StrEnum):
    """Where a reminder stands in the outbox (`outbox.py`): pending, then sending (claimed
    under a lease), then sent; back to pending to retry, failed for good, or cancelled."""

    PENDING = "pending"
    SENDING = "sending"  # claimed under a lease
    SENT = "sent"
    FAILED = "failed"  # permanent failure, or attempts exhausted
    CANCELLED = "cancelled"  # deadline moved or promise closed


class Schedulable(Protocol):
    """What the rules read of a promise: a `model.Promise`, or an `outbox.PromiseRow` (which
    adds when its deadline last moved and the newest reminder already recorded)."""

    @property
    def status(self) -> str: ...
    @property
    def reference(self) -> date: ...
    @property
    def earliest(self) -> date | None: ...
    @property
    def latest(self) -> date | None: ...


@dataclass(frozen=True, order=True)
class Event:
    due_on: date
    rank: int
    kind: str

    @classmethod
    def of(cls, kind: str, due_on: date) -> "Event":
        return cls(due_on, RANK[kind], kind)


@dataclass(frozen=True)
class Due:
    """A reminder due now: its identity in the outbox and the moment it became sendable."""

    promise_id: int
    kind: str
    due_on: date
    send_at: datetime


def send_moment(day: date, rules: "RemindersConfig") -> datetime:
    """`day` at `send_hour` in the configured zone (the earlier one in an autumn DST night)."""
    return datetime.combine(day, time(rules.send_hour), tzinfo=ZoneInfo(rules.timezone))


def in_quiet_hours(now: datetime, rules: "RemindersConfig") -> bool:
    """Whether `now` falls in `quiet_hours = [start, end)` (local hours; may wrap midnight)."""
    if len(rules.quiet_hours) != 2:
        return False
    start, end = rules.quiet_hours
    hour = now.astimezone(ZoneInfo(rules.timezone)).hour
    if start == end:
        return False
    if start < end:
        return start <= hour < end
    return hour >= start or hour < end


def local_today(now: datetime, rules: "RemindersConfig") -> date:
    return now.astimezone(ZoneInfo(rules.timezone)).date()


# ----------------------------------------------------------------------------- schedule


def overdue_offsets(rules: "RemindersConfig") -> tuple[list[int], int]:
    """The days after `latest` of the overdue mails while the gap still doubles, and the
    gap that follows: ([14, 42, 98], 90) for a first gap of 14 and a maximum of 90."""
    first = rules.overdue_every_days
    ceiling = max(first, getattr(rules, "overdue_max_every_days", first))
    offsets, gap, day = [], first, 0
    while gap < ceiling:
        day += gap
        offsets.append(day)
        gap *= 2
    day += ceiling
    offsets.append(day)
    return offsets, ceiling


def overdue_day(days_late: int, rules: "RemindersConfig") -> int | None:
    """The newest overdue mail's offset at `days_late` days past `latest` (None: none yet)."""
    offsets, ceiling = overdue_offsets(rules)
    if days_late < offsets[0]:
        return None
    for before, after in zip(offsets, offsets[1:], strict=False):
        if days_late < after:
            return before
    return offsets[-1] + (days_late - offsets[-1]) // ceiling * ceiling


def is_overdue_day(days_late: int, rules: "RemindersConfig") -> bool:
    return days_late > 0 and overdue_day(days_late, rules) == days_late


def _window_events(
    earliest: date | None, latest: date, reference: date, rules: "RemindersConfig"
) -> Iterator[Event]:
    if rules.window_opens and earliest is not None and earliest > reference and earliest < latest:
        yield Event.of(OPENS, earliest)
    for n in sorted(set(rules.days_before), reverse=True):
        day = latest - timedelta(days=n)
        if n > 0 and day >= reference:
            yield Event.of(APPROACHING, day)
    if rules.on_deadline:
        yield Event.of(DUE, latest)


def _first_undated(p: Schedulable, rules: "RemindersConfig") -> date | None:
    """The first Monday a waiting promise's event counts as undated (None: never)."""
    weeks = getattr(rules, "undated_event_weeks", 0)
    if weeks <= 0 or p.latest is not None or not getattr(p, "waiting", False):
        return None
    d = p.reference + timedelta(weeks=weeks)
    return d + timedelta(days=(7 - d.weekday()) % 7)


def events(p: Schedulable, until: date, rules: "RemindersConfig") -> list[Event]:
    """The events of promise `p` with a date up to and including `until`, oldest first."""
    out: list[Event] = []
    if p.status != Status.OPEN:
        return out
    changed_on = getattr(p, "changed_on", None)
    if changed_on is not None and changed_on <= until:
        out.append(Event.of(POSTPONED, changed_on))
    if p.latest is None:
        first = _first_undated(p, rules)
        if first is not None and first <= until:
            out.append(Event.of(UNDATED, until - timedelta(days=(until - first).days % 7)))
        return sorted(out)
    out.extend(e for e in _window_events(p.earliest, p.latest, p.reference, rules) if e.due_on <= until)
    if p.latest < until:
        offset = overdue_day((until - p.latest).days, rules)
        if offset is not None:
            out.append(Event.of(OVERDUE, p.latest + timedelta(days=offset)))
    return sorted(out)


def is_scheduled(p: Schedulable, kind: str, due_on: date, rules: "RemindersConfig") -> bool:
    """Whether (kind, due_on) still belongs to the schedule of `p` (not moved, not closed)."""
    if p.status != Status.OPEN or kind not in RANK:
        return False
    if kind == UNDATED:
        first = _first_undated(p, rules)
        return first is not None and due_on >= first and (due_on - first).days % 7 == 0
    if kind == OVERDUE:
        if p.latest is None or due_on <= p.latest:
            return False
        return is_overdue_day((due_on - p.latest).days, rules)
    return Event.of(kind, due_on) in events(p, due_on, rules)


def current(p: Schedulable, now: datetime, rules: "RemindersConfig") -> Event | None:
    """The newest event of `p` whose send moment has passed at `now`, if any."""
    today = local_today(now, rules)
    if send_moment(today, rules) > now:
        today -= timedelta(days=1)
    evs = events(p, today, rules)
    return evs[-1] if evs else None


def due(promises: "Iterable[PromiseRow]", now: datetime, rules: "RemindersConfig") -> list[Due]:
    """The reminders due at `now`: per promise its current event, unless already recorded.

    A promise may carry `last_due`/`last_kind`, the newest reminder already in the outbox
    (cancelled ones left out); an event not newer than that one is not due again.
    """
    if in_quiet_hours(now, rules):
        return []
    out: list[Due] = []
    for p in promises:
        ev = current(p, now, rules)
        if ev is None:
            continue
        last_due, last_kind = getattr(p, "last_due", None), getattr(p, "last_kind", None)
        if last_due is not None and last_kind is not None and Event.of(last_kind, last_due) >= ev:
            continue
        out.append(Due(p.id, ev.kind, ev.due_on, send_moment(ev.due_on, rules)))
    return out


def stage(p: Schedulable, today: date, rules: "RemindersConfig") -> str:
    """The kind of mail that fits `p` on `today` (for `draft`): overdue, due, approaching ..."""
    if p.status == Status.OPEN and p.latest is not None:
        if p.latest < today:
            return OVERDUE
        if p.latest == today:
            return DUE
    evs = events(p, today, rules)
    if getattr(p, "latest", None) is None and getattr(p, "kind", None) == "event" and p.status == Status.OPEN:
        return UNDATED  # waits on an event: ask when it will be
    return evs[-1].kind if evs else APPROACHING


def deadline_for(p: Schedulable, due_on: date) -> date | None:
    """The `latest` a reminder on `due_on` is about: the promise's window, which for a
    recurring promise is its current occurrence."""
    return p.latest
