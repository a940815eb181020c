"""The everyday operations on the register: add, postpone, correct, close, edit, remove,
and the JSON shape.

Pure-ish functions over a database session: the CLI reads the clock and passes
`today`/`now`; every check happens before anything is written, so refused input leaves
the database as it was. Each runs inside `Store.write`, so a change made on a stale read
is run again on the promise as it is now. `promise_to_dict` is the one JSON shape of a
promise, used by `show`, `list` and `export` (and read back by `import`).

History rows (`model.ChangeKind`): a postponement moves the deadline (read at the day the
minister announced it); a correction fixes a typo or a misread phrase and is no move; a
status row records a forced change of a closed promise's status and a removal; an
occurrence row records one fulfilled occurrence of a recurring promise (see
`recurrence`), after which the promise's window is the next occurrence.

Imports of the grammar inside functions are marked `(start-up)`: `list` and `show` run
without loading it.
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from sqlmodel import Session

from . import ministries, recurrence
from .address import one_address
from .errors import Hint, InvalidInput, UnreadableDeadline
from .model import REMOVED, ChangeKind, DeadlineChange, Promise, Status
from .store import check_storable, find_by_number, get_promise, history

if TYPE_CHECKING:  # imported where used, for start-up time
    from .deadline import Window
    from .extract import Proposal

NUMBER_RE = re.compile(r"^TZ\d{6}-\d{1,5}$")
# What `edit` may change ("deadline" is a correction: `correct_deadline`).
EDITABLE = (
    "text",
    "by",
    "function",
    "ministry",
    "to",
    "fraction",
    "source",
    "kamerstuk",
    "url",
    "number",
    "tags",
    "owner",
    "notes",
    "status",
    "fulfilled_by",
    "reference",
    "deadline",
)


class EventWithoutDate(InvalidInput):
    """Kept for callers that catch it; an event phrase is now stored waiting on its event."""


class NothingToCorrect(InvalidInput):
    """A correction that would leave the deadline as it is."""


@dataclass(frozen=True)
class Reading:
    """A deadline phrase read at a reference date: what is stored on the promise.

    An event phrase ("binnen drie maanden na inwerkingtreding") keeps its `anchor`, `offset`
    and `offset_mode`; without `event_date` it has no window and waits on its event.
    """

    phrase: str
    reference: date
    earliest: date | None
    latest: date | None
    kind: str
    recurrence: str | None
    hedged: bool
    estimated: bool
    explanation: str
    open_ended: bool
    anchor: str | None = None
    offset: str | None = None
    offset_mode: str | None = None
    event_date: date | None = None

    @property
    def waits(self) -> bool:
        return self.kind == "event" and self.latest is None

    def describe(self) -> str:
        if self.latest is None:
            return f"no date (open-ended): {self.explanation}"
        span = (
            self.latest.isoformat()
            if self.earliest in (None, self.latest)
            else (f"{self.earliest.isoformat()} .. {self.latest.isoformat()}")
        )
        return f"{span} ({self.kind}): {self.explanation}"


def from_window(
    phrase: str, reference: date, w: "Window", *, open_ended: bool = False, due: date | None = None
) -> Reading:
    """A `Reading` from a deadline `Window`. An event phrase waits on its event (no date);
    `due` is the event's date, given at once: the window then follows from the phrase."""
    if w.is_event:
        if due is not None:
            return on_event(phrase, reference, due, w.anchor, w.offset, w.offset_mode, w.lang, w.hedged)
        return Reading(
            phrase,
            reference,
            None,
            None,
            w.kind,
            None,
            w.hedged,
            False,
            w.explanation,
            True,
            w.anchor,
            w.offset,
            w.offset_mode,
        )
    if open_ended or due is not None:
        given = (
            Hint("an open end", "option", name="open_ended")
            if open_ended
            else Hint("the event's date", "option", name="due")
        )
        raise InvalidInput(
            f"'{phrase}' already gives a date ({w.explanation}); {given} is only for a "
            "deadline tied to an event. Leave it out.",
            given,
        )
    return Reading(
        phrase,
        reference,
        w.earliest,
        w.latest,
        w.kind,
        w.recurrence,
        w.hedged,
        w.estimated,
        w.explanation,
        False,
    )


def on_event(
    phrase: str,
    reference: date,
    day: date,
    anchor: str | None,
    offset: str | None,
    mode: str | None,
    lang: str | None = None,
    hedged: bool = False,
) -> Reading:
    """The reading of an event phrase once its event took place on `day` (spec rules)."""
    from .deadline import on_event as window_on  # noqa: PLC0415 (start-up)
    from .deadline import read  # noqa: PLC0415 (start-up)

    if lang is None:
        try:
            expr = read(" ".join(phrase.split()))
            lang, hedged = expr.lang, expr.hedged
        except UnreadableDeadline:
            lang = "nl"
    w = window_on(phrase, reference, day, anchor=anchor, offset=offset, mode=mode, lang=lang, hedged=hedged)
    return Reading(
        phrase,
        reference,
        w.earliest,
        w.latest,
        w.kind,
        None,
        w.hedged,
        False,
        w.explanation,
        False,
        anchor,
        offset,
        mode,
        day,
    )


def read_deadline(
    phrase: str, reference: date, *, open_ended: bool = False, due: date | None = None
) -> Reading:
    """Read `phrase` at `reference`; `UnreadableDeadline` (with the engine's examples,
    `deadline.EXAMPLES`) when it can't."""
    from .deadline import parse  # noqa: PLC0415 (start-up)

    phrase = check_storable((phrase or "").strip(), "the deadline")
    if not phrase:
        example = Hint("'voor de zomer'", "option", name="deadline", example="'voor de zomer'")
        raise InvalidInput(f"the deadline is empty; give the time phrase as said, e.g. {example}.", example)
    return from_window(phrase, reference, parse(phrase, reference), open_ended=open_ended, due=due)


def _clean(v: str | None, what: str) -> str | None:
    """`v` without surrounding white space (None when nothing is left); refused if unstorable."""
    v = check_storable((v or "").strip(), what)
    return v or None


def clean_tags(tags: Iterable[object] | None) -> list[str]:
    out: list[str] = []
    for t in tags or ():
        for part in check_storable(str(t), "a tag").split(","):
            part = part.strip().lower()
            if part and part not in out:
                out.append(part)
    return out


def check_fields(fields: dict[str, Any]) -> dict[str, Any]:
    """Normalise and check the free fields of a promise (number, owner, url, tags, ministry).

    Every way into the register (add, edit, import, extract, sync) passes here, so a
    ministry is stored under its canonical name (`ministries.as_stored`).
    """
    out = {}
    for key, value in fields.items():
        if key == "tags":
            out[key] = clean_tags(value)
            continue
        if key in ("reference", "status"):
            out[key] = value
            continue
        value = _clean(value, key)
        if key == "text" and value is None:
            raise InvalidInput("the promise's text is empty; give what was promised.")
        if key == "number" and value is not None:
            value = value.upper()
            if not NUMBER_RE.match(value):
                raise InvalidInput(f"'{value}' is not a register number; they look like TZ202412-116.")
        if key == "owner" and value is not None:
            try:
                value = one_address(value, "the owner")
            except ValueError as e:
                raise InvalidInput(str(e)) from None
        if key == "url" and value is not None and not re.match(r"^https?://\S+$", value):
            url = Hint("the url", "option", name="url")
            raise InvalidInput(f"{url} '{value}' is not a web address (https://...).", url)
        if key == "ministry":
            value = ministries.as_stored(value)  # one name per ministry
        out[key] = value
    return out


def check_reference(reference: date, today: date) -> None:
    if reference > today:
        day = Hint("the date", "option", name="reference")
        raise InvalidInput(
            f"{day} {reference.isoformat()} is in the future; it is the day the promise "
            f"was made (today is {today.isoformat()}).",
            day,
        )


@dataclass
class Draft:
    """A promise as given by the user, before it is read and stored."""

    text: str
    deadline: str
    reference: date
    open_ended: bool = False
    due: date | None = None
    fields: dict[str, Any] = field(default_factory=dict)  # by, function, ministry, ... tags, owner


def prepare(draft: Draft, *, today: date, now: datetime) -> Promise:
    """Check a draft and read its deadline: a `Promise` not yet in any session."""
    check_reference(draft.reference, today)
    fields = check_fields({"text": draft.text, **draft.fields})
    r = read_deadline(draft.deadline, draft.reference, open_ended=draft.open_ended, due=draft.due)
    p = Promise(deadline=r.phrase, reference=r.reference, created_at=now, updated_at=now, **fields)
    apply_reading(p, r)
    return p


def apply_reading(p: Promise, r: Reading) -> None:
    p.earliest, p.latest, p.kind, p.recurrence = r.earliest, r.latest, r.kind, r.recurrence
    p.hedged, p.estimated, p.explanation, p.open_ended = (r.hedged, r.estimated, r.explanation, r.open_ended)
    p.anchor, p.offset, p.offset_mode, p.event_date = r.anchor, r.offset, r.offset_mode, r.event_date


def touch(p: Promise, now: datetime) -> None:
    """Mark a change subscribers should see: a new revision (the feed's SEQUENCE, and the
    optimistic lock checked when it is written) and the update time, which never goes back
    (another process with a slightly earlier clock may have changed it just before)."""
    p.revision += 1
    p.updated_at = max(p.updated_at, now) if p.updated_at else now


def check_number_free(session: Session, number: str | None, own_id: int | None = None) -> None:
    if number:
        other = find_by_number(session, number)
        if other is not None and other.id != own_id:
            show = Hint("see that promise", "show", id=other.id)
            raise InvalidInput(f"register number {number} is already promise {other.id}; {show}.", show)


def add_promise(session: Session, p: Promise) -> Promise:
    """Store a prepared promise; its register number must be new."""
    check_number_free(session, p.number)
    session.add(p)
    session.flush()
    return p


def present(p: Promise) -> Promise:
    """`p`, unless it was removed (`delete`): then `InvalidInput` saying how to restore it."""
    if p.deleted_at is not None:
        restore = Hint("restore it first", "restore", id=p.id)
        raise InvalidInput(
            f"promise {p.id} was removed on {p.deleted_at.date().isoformat()}; {restore}.", restore
        )
    return p


def postpone(
    session: Session,
    promise_id: int | str,
    phrase: str,
    *,
    today: date,
    now: datetime,
    reason: str | None = None,
    open_ended: bool = False,
    due: date | None = None,
    announced: date | None = None,
) -> DeadlineChange:
    """Move the deadline: the new phrase is read at `announced`, the day the minister
    announced the move (default `today`); the old one stays in history.

    On a recurring promise the move is one of the current occurrence: the rule stays
    (unless the new phrase brings a rule of its own) and the series keeps its dates."""
    p = present(get_promise(session, promise_id))
    if p.status != Status.OPEN:
        reopen = Hint("reopen it first", "reopen", id=p.id)
        raise InvalidInput(
            f"promise {p.id} is {p.status}; only an open promise can be postponed ({reopen}).", reopen
        )
    said = announced or today
    _check_said(p, said, today)
    r = read_deadline(phrase, said, open_ended=open_ended, due=due)
    change = DeadlineChange(
        promise_id=p.stored_id,
        changed_at=now,
        reference=said,
        old_deadline=p.deadline_now(),
        new_deadline=r.phrase,
        old_earliest=p.earliest,
        old_latest=p.latest,
        new_earliest=r.earliest,
        new_latest=r.latest,
        reason=_clean(reason, "the reason"),
    )
    rule = p.recurrence
    apply_reading(p, r)
    if r.recurrence is None and r.latest is not None and recurrence.valid(rule):
        p.recurrence = rule  # this occurrence moves; the series goes on
    p.current_deadline = r.phrase
    p.event_name = None  # a new phrase: it no longer waits on the event it was linked to
    touch(p, now)
    session.add(change)
    session.add(p)
    session.flush()
    return change


def _check_said(p: Promise, said: date, today: date) -> None:
    """The day a phrase was said: not in the future, not before the promise was made."""
    day = Hint("the date", "option", name="announced")
    if said > today:
        raise InvalidInput(
            f"{day} {said.isoformat()} is in the future; it is the day the new deadline "
            f"was announced (today is {today.isoformat()}).",
            day,
        )
    if said < p.reference:
        raise InvalidInput(
            f"{day} {said.isoformat()} is before promise {p.id} was made "
            f"({p.reference.isoformat()}); give the day the new deadline was announced.",
            day,
        )


def _phrase_reference(p: Promise, rows: list[DeadlineChange]) -> date:
    """The day the current phrase was read at: the newest postponement's or correction's,
    or the day the promise was made."""
    if p.current_deadline:
        for c in reversed(rows):
            if c.kind in (ChangeKind.POSTPONEMENT, ChangeKind.CORRECTION):
                return c.reference
    return p.reference


def correct_deadline(
    session: Session,
    promise_id: int | str,
    phrase: str | None,
    *,
    today: date,
    now: datetime,
    said: date | None = None,
) -> DeadlineChange:
    """Correct the deadline: a typo, a misread phrase, or an event promise given its date.

    No move (no "postponed" mail, not counted as one): a history row of kind correction.
    The phrase (the current one when `phrase` is None) is read at `said`, else at the day
    it was first read. On a promise never postponed the phrase as typed is corrected, and
    `said` is also the day the promise was made; after a postponement, the phrase of the
    postponement is. A recurring promise keeps the occurrences already fulfilled: its
    window is the first corrected occurrence after them.
    """
    p = present(get_promise(session, promise_id))
    rows = history(session, p.stored_id)
    old_phrase = p.deadline_now()
    phrase = old_phrase if phrase is None else phrase
    if said is not None:
        check_reference(said, today)
        if p.current_deadline:
            _check_said(p, said, today)
    reference = said or _phrase_reference(p, rows)
    r = _corrected_reading(p, rows, phrase, reference)
    if (r.phrase, r.reference, r.earliest, r.latest) == (
        old_phrase,
        reference if p.current_deadline else p.reference,
        p.earliest,
        p.latest,
    ):
        raise NothingToCorrect(
            f"promise {p.id} already has the deadline '{old_phrase}' read at "
            f"{reference.isoformat()} ({r.describe()}); nothing to correct."
        )
    change = DeadlineChange(
        promise_id=p.stored_id,
        kind=ChangeKind.CORRECTION.value,
        changed_at=now,
        reference=reference,
        old_deadline=old_phrase,
        new_deadline=r.phrase,
        old_earliest=p.earliest,
        old_latest=p.latest,
        new_earliest=r.earliest,
        new_latest=r.latest,
    )
    _take_correction(p, r, reference)
    touch(p, now)
    session.add(change)
    session.add(p)
    session.flush()
    return change


def _take_correction(p: Promise, r: Reading, reference: date) -> None:
    """The corrected phrase and window in the promise: a postponement's phrase when it was
    postponed, else the phrase it was made with (and the day it was said)."""
    if p.current_deadline:
        p.current_deadline = r.phrase
    else:
        p.deadline, p.reference = r.phrase, reference
    event_name = p.event_name
    apply_reading(p, r)
    p.event_name = event_name if r.kind == "event" else None


def _corrected_reading(p: Promise, rows: list[DeadlineChange], phrase: str, reference: date) -> Reading:
    """The corrected phrase read at `reference`, as the promise's window will hold it."""
    r = read_deadline(phrase, reference)
    if r.waits and p.event_date is not None:
        r = read_deadline(phrase, reference, due=p.event_date)  # its event has a date already
    if p.current_deadline and r.recurrence is None and recurrence.valid(p.recurrence):
        r = replace(r, recurrence=p.recurrence)  # a postponement's phrase: the series goes on
    return _after_fulfilled(r, rows)


def _after_fulfilled(r: Reading, rows: list[DeadlineChange]) -> Reading:
    """A recurring reading moved on past the occurrences already fulfilled."""
    done = [c.old_latest for c in rows if c.kind == ChangeKind.OCCURRENCE and c.old_latest]
    rule = r.recurrence
    if not done or r.latest is None or rule is None or not recurrence.valid(rule):
        return r
    last = max(done)
    if r.latest > last:
        return r
    latest = next((d for d in recurrence.following(rule, r.latest) if d > last), None)
    if latest is None:
        return r
    earliest = latest - (r.latest - r.earliest) if r.earliest is not None else None
    return replace(
        r,
        earliest=earliest,
        latest=latest,
        explanation=_occurrence_text(r.phrase, rule, earliest, latest, len(done) + 1),
    )


def _language(phrase: str) -> str:
    from .deadline import read  # noqa: PLC0415 (start-up)

    try:
        return read(" ".join(phrase.split())).lang
    except UnreadableDeadline:
        return "nl"


def _occurrence_text(phrase: str, rule: str, earliest: date | None, latest: date, n: int) -> str:
    """The explanation of occurrence `n` of a recurring promise, in the phrase's language."""
    from .deadline.explain import explainer  # noqa: PLC0415 (start-up)

    lang = _language(phrase)
    day = explainer(lang).date
    return recurrence.explain(
        phrase, rule, n, day(earliest) if earliest not in (None, latest) else None, day(latest), lang
    )


def status_row(
    p: Promise, old: str, new: str, *, today: date, now: datetime, reason: str | None = None
) -> DeadlineChange:
    """The history row of a change of status (`today` the day it took effect): the window
    stays as it was."""
    return DeadlineChange(
        promise_id=p.stored_id,
        kind=ChangeKind.STATUS.value,
        changed_at=now,
        reference=today,
        old_deadline=p.deadline_now(),
        new_deadline=p.deadline_now(),
        old_earliest=p.earliest,
        old_latest=p.latest,
        new_earliest=p.earliest,
        new_latest=p.latest,
        reason=reason,
        old_status=old,
        new_status=new,
    )


def set_status(
    session: Session,
    promise_id: int | str,
    status: Status | str,
    *,
    today: date,
    now: datetime,
    letter: str | None = None,
    force: bool = False,
) -> Promise:
    """Close a promise (fulfilled, partly, lapsed, withdrawn) or reopen it.

    Withdrawing or lapsing a promise that is closed already (fulfilled, say) is refused
    unless `force`; a forced change writes a history row of kind status.
    """
    status = Status(status)
    p = present(get_promise(session, promise_id))
    if p.status == status and not (letter and letter != p.fulfilled_by):
        raise InvalidInput(f"promise {p.id} is already {status}.")
    old = p.status
    ending = status in (Status.WITHDRAWN, Status.LAPSED)
    if ending and Status(old).closed:
        if not force:
            anyway = Hint("make the change on purpose", "force_status", id=p.id, status=status.value)
            raise InvalidInput(
                f"promise {p.id} is {old} (closed {_iso(p.closed_on) or 'before'}); marking it "
                f"{status} would rewrite that. If it really is {status}, {anyway} (the change "
                "is kept in its history).",
                anyway,
            )
        session.add(status_row(p, old, status.value, today=today, now=now))
    p.status = status.value
    p.closed_on = today if status.closed else None
    if status in (Status.FULFILLED, Status.PARTLY):
        p.fulfilled_by = _clean(letter, "the letter") or p.fulfilled_by
    touch(p, now)
    session.add(p)
    session.flush()
    return p


def _rule(p: Promise) -> str | None:
    """The rule of a recurring promise with a window (a rule that can be followed), else None."""
    return p.recurrence if p.latest is not None and recurrence.valid(p.recurrence) else None


@dataclass(frozen=True)
class Fulfilled:
    """What `fulfil` did: the promise, and for one occurrence of a recurring promise the
    history row (None when the promise as a whole was closed)."""

    promise: Promise
    occurrence: DeadlineChange | None = None


def fulfil(
    session: Session,
    promise_id: int | str,
    *,
    today: date,
    now: datetime,
    letter: str | None = None,
    partly: bool = False,
    series: bool = False,
) -> Fulfilled:
    """`done`: fulfil a promise. For a recurring promise, the current occurrence: it is
    recorded (history row of kind occurrence) and the window moves on to the next one;
    `series` ends the series instead (the promise is fulfilled). A rule with no more
    occurrences (its COUNT or UNTIL reached) ends the series too."""
    p = present(get_promise(session, promise_id))
    status = Status.PARTLY if partly else Status.FULFILLED
    rule = _rule(p)
    if series and rule is None:
        series_ = Hint("ending the series", "option", name="series")
        itself = Hint("Fulfil the promise itself", "fulfil", id=p.id)
        raise InvalidInput(
            f"promise {p.id} does not recur; {series_} is for a recurring promise. {itself}.", series_, itself
        )
    if rule is None or series or p.status != Status.OPEN:
        return Fulfilled(set_status(session, p.stored_id, status, today=today, now=now, letter=letter))
    return _next_occurrence(session, p, rule, status, today=today, now=now, letter=letter)


def _next_occurrence(
    session: Session, p: Promise, rule: str, status: Status, *, today: date, now: datetime, letter: str | None
) -> Fulfilled:
    """Fulfil the current occurrence of the recurring promise `p`: a history row, and the
    window of the next occurrence (or the promise fulfilled, after the rule's last one)."""
    rows = history(session, p.stored_id)
    k = recurrence.fulfilled(rows)
    n_earliest, n_latest = recurrence.nominal(p.earliest, p.latest, rows)
    # (`n_latest` is never None: `p` has a window)
    nxt = recurrence.next_window(rule, n_earliest, n_latest, k) if n_latest is not None else None
    if nxt is None:  # the rule's last occurrence
        return Fulfilled(set_status(session, p.stored_id, status, today=today, now=now, letter=letter))
    row = DeadlineChange(
        promise_id=p.stored_id,
        kind=ChangeKind.OCCURRENCE.value,
        changed_at=now,
        reference=today,
        old_deadline=p.deadline_now(),
        new_deadline=p.deadline_now(),
        old_earliest=p.earliest,
        old_latest=p.latest,
        new_earliest=nxt[0],
        new_latest=nxt[1],
        reason=_clean(letter, "the letter"),
        old_status=Status.OPEN.value,
        new_status=status.value,
    )
    if p.current_deadline and not _recurring_phrase(p.current_deadline):
        # The postponement moved the occurrence just fulfilled; the next follows the rule.
        p.current_deadline = _rule_phrase(rows)
        row.new_deadline = p.deadline_now()
    p.earliest, p.latest = nxt
    p.explanation = _occurrence_text(p.deadline_now(), rule, nxt[0], nxt[1], k + 2)
    touch(p, now)
    session.add(row)
    session.add(p)
    session.flush()
    return Fulfilled(p, row)


def _recurring_phrase(phrase: str) -> bool:
    from .deadline import read  # noqa: PLC0415 (start-up)

    try:
        return read(" ".join(phrase.split())).recurrence is not None
    except UnreadableDeadline:
        return False


def _rule_phrase(rows: list[DeadlineChange]) -> str | None:
    """The newest phrase that carries the rule (None: the phrase as typed)."""
    for c in reversed(rows):
        if c.kind in (ChangeKind.POSTPONEMENT, ChangeKind.CORRECTION) and _recurring_phrase(c.new_deadline):
            return c.new_deadline
    return None


def remove(session: Session, promise_id: int | str, *, today: date, now: datetime) -> Promise:
    """`delete`: remove a mistaken entry. The tombstone (`deleted_at`) takes it out of
    lists, reminders (pending ones are cancelled) and feeds (a cancelled event); its
    history keeps a status row, and `restore` undoes it."""
    p = get_promise(session, promise_id)
    if p.deleted_at is not None:
        raise InvalidInput(f"promise {p.id} was removed already, on {p.deleted_at.date().isoformat()}.")
    session.add(status_row(p, p.status, REMOVED, today=today, now=now))
    p.deleted_at = now
    touch(p, now)
    session.add(p)
    session.flush()
    return p


def restore(session: Session, promise_id: int | str, *, today: date, now: datetime) -> Promise:
    """Undo `remove`: the promise is back in lists, reminders and feeds."""
    p = get_promise(session, promise_id)
    if p.deleted_at is None:
        raise InvalidInput(f"promise {p.id} is not removed; nothing to undo.")
    session.add(status_row(p, REMOVED, p.status, today=today, now=now))
    p.deleted_at = None
    touch(p, now)
    session.add(p)
    session.flush()
    return p


def edit(
    session: Session, promise_id: int | str, changes: dict[str, Any], *, today: date, now: datetime
) -> Promise:
    """Change the free fields of a promise.

    `deadline` (with `reference`, the day it was said, if given) corrects the deadline,
    as does `reference` alone (the same phrase read at another day): `correct_deadline`.
    A new `by` or `ministry` without a new `function` clears a function that no longer
    fits, so the drafted questions address the minister of the ministry.
    """
    p = present(get_promise(session, promise_id))
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise InvalidInput(f"cannot edit {', '.join(sorted(unknown))}.")
    if not changes:
        example = Hint("a new owner and a tag", "edit_example", id=p.id)
        raise InvalidInput(f"nothing to change; give the fields to change, e.g. {example}.", example)
    phrase = changes.pop("deadline", None)
    said = changes.pop("reference", None)
    changes = check_fields(changes)
    if "number" in changes:
        check_number_free(session, changes["number"], p.id)
    if phrase is not None or said is not None:
        if phrase is None and p.current_deadline:
            again = Hint(", with the day it was said", "correct_postponement", id=p.id)
            raise InvalidInput(
                f"promise {p.id} has been postponed; its window now follows the postponement, "
                "so the day it was made can no longer change. To correct the postponement's "
                f"phrase give it again{again}.",
                again,
            )
        try:
            correct_deadline(session, p.stored_id, phrase, today=today, now=now, said=said)
        except NothingToCorrect:
            if not changes:
                raise  # the deadline was all there was to change
    if "status" in changes:
        status = Status(changes.pop("status"))
        p.status = status.value
        p.closed_on = (p.closed_on or today) if status.closed else None
    if _function_stale(p, changes):
        changes["function"] = None
    for key, value in changes.items():
        setattr(p, key, value)
    touch(p, now)
    session.add(p)
    session.flush()
    return p


def _function_stale(p: Promise, changes: dict[str, Any]) -> bool:
    """Whether a new `by` or `ministry` (without a new `function`) leaves the stored
    function naming someone else: another person, or another ministry's minister."""
    if "function" in changes or not p.function:
        return False
    by = changes.get("by", p.by)
    if (
        "by" in changes
        and " ".join((by or "").split()).casefold() != " ".join((p.by or "").split()).casefold()
    ):
        return True
    if "ministry" in changes and changes["ministry"] not in (None, p.ministry):
        own = ministries.from_function(p.function)
        return own is None or own != changes["ministry"]
    return False


# ----------------------------------------------------------------------------- JSON shape


def _iso(d: date | None) -> str | None:
    return d.isoformat() if d is not None else None


def change_to_dict(c: DeadlineChange) -> dict[str, Any]:
    return {
        "kind": c.kind,
        "changed_at": _iso(c.changed_at),
        "reference": _iso(c.reference),
        "old_deadline": c.old_deadline,
        "new_deadline": c.new_deadline,
        "old_earliest": _iso(c.old_earliest),
        "old_latest": _iso(c.old_latest),
        "new_earliest": _iso(c.new_earliest),
        "new_latest": _iso(c.new_latest),
        "reason": c.reason,
        "old_status": c.old_status,
        "new_status": c.new_status,
    }


def promise_to_dict(p: Promise, changes: list[DeadlineChange], today: date) -> dict[str, Any]:
    """The one JSON shape of a promise (show, list, export; import reads it back)."""
    return {
        "id": p.id,
        "number": p.number,
        "text": p.text,
        "deadline": p.deadline,
        "current_deadline": p.deadline_now(),
        "reference": _iso(p.reference),
        "earliest": _iso(p.earliest),
        "latest": _iso(p.latest),
        "kind": p.kind,
        "recurrence": p.recurrence,
        "hedged": p.hedged,
        "estimated": p.estimated,
        "explanation": p.explanation,
        "open_ended": p.open_ended,
        "anchor": p.anchor,
        "offset": p.offset,
        "offset_mode": p.offset_mode,
        "event_name": p.event_name,
        "event_date": _iso(p.event_date),
        "waiting": p.waits_on_event(),
        "status": p.status,
        "overdue": p.is_overdue(today),
        "by": p.by,
        "function": p.function,
        "ministry": p.ministry,
        "to": p.to,
        "fraction": p.fraction,
        "source": p.source,
        "kamerstuk": p.kamerstuk,
        "url": p.url,
        "tags": list(p.tags),
        "owner": p.owner,
        "notes": p.notes,
        "fulfilled_by": p.fulfilled_by,
        "closed_on": _iso(p.closed_on),
        "revision": p.revision,
        "created_at": _iso(p.created_at),
        "updated_at": _iso(p.updated_at),
        "deleted_at": _iso(p.deleted_at),
        "history": [change_to_dict(c) for c in changes],
    }


def from_proposal(
    p: "Proposal",
    *,
    reference: date,
    fields: dict[str, Any],
    today: date,
    now: datetime,
    deadline: str | None = None,
    text: str | None = None,
) -> Promise:
    """A promise found by the extractor (a `Proposal`), prepared as `extract` adds it:
    its text, who made it, and its window as read in its sentence (the sentence may hedge
    where the phrase does not; the extractor reads "laat" as a verb, or a period the phrase
    alone cannot give). `deadline` and `text` are the user's edits, if any."""
    draft = Draft(
        text=text or p.text or p.sentence,
        deadline=deadline or p.phrase,
        reference=reference,
        open_ended=p.latest is None,
        fields={"by": p.by, "function": p.function, "ministry": p.ministry, **fields},
    )
    return prepare_proposal(p, draft, today=today, now=now)


def prepare_proposal(p: "Proposal", draft: Draft, *, today: date, now: datetime) -> Promise:
    """`prepare` for a (possibly edited) draft of a proposal, keeping what the extractor
    read in the sentence when the phrase was not changed."""
    promise = prepare(draft, today=today, now=now)
    promise.hedged = promise.hedged or p.hedged
    if draft.deadline == p.phrase and not promise.open_ended and p.latest is not None:
        promise.earliest, promise.latest, promise.kind = p.earliest, p.latest, p.kind
        promise.explanation = p.explanation or promise.explanation
    return promise
