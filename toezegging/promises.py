"""The everyday operations on the register: add, postpone, close, edit, and the JSON shape.

Pure-ish functions over a database session: the CLI reads the clock and passes
`today`/`now`; every check happens before anything is written, so refused input leaves
the database as it was. `promise_to_dict` is the one JSON shape of a promise, used by
`show`, `list` and `export` (and read back by `import`).
"""

import re
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlmodel import Session

from . import ministries
from .address import one_address
from .errors import InvalidInput, UnreadableDeadline
from .model import DeadlineChange, Promise, Status
from .store import check_storable, find_by_number, get_promise

# Shown when a phrase cannot be read and the engine gave no examples of its own.
EXAMPLES = (
    "voor de zomer", "voor eind 2026", "in het eerste kwartaal van 2027",
    "binnen drie maanden", "uiterlijk 1 maart 2027", "na het zomerreces",
)
NUMBER_RE = re.compile(r"^TZ\d{6}-\d{1,5}$")
# What `edit` may change (the deadline phrase is kept as typed; use postpone).
EDITABLE = (
    "text", "by", "function", "ministry", "to", "fraction", "source", "kamerstuk", "url",
    "number", "tags", "owner", "notes", "status", "fulfilled_by", "reference",
)


class EventWithoutDate(InvalidInput):
    """Kept for callers that catch it; an event phrase is now stored waiting on its event."""


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
        span = self.latest.isoformat() if self.earliest in (None, self.latest) else (
            f"{self.earliest.isoformat()} .. {self.latest.isoformat()}"
        )
        return f"{span} ({self.kind}): {self.explanation}"


def from_window(phrase: str, reference: date, w, *, open_ended=False, due=None) -> Reading:
    """A `Reading` from a deadline `Window`. An event phrase waits on its event (no date);
    `due` is the event's date, given at once: the window then follows from the phrase."""
    if w.is_event:
        if due is not None:
            return on_event(phrase, reference, due, w.anchor, w.offset, w.offset_mode,
                            w.lang, w.hedged)
        return Reading(phrase, reference, None, None, w.kind, None, w.hedged, False,
                       w.explanation, True, w.anchor, w.offset, w.offset_mode)
    if open_ended or due is not None:
        flag = "--open-ended" if open_ended else "--due"
        raise InvalidInput(
            f"'{phrase}' already gives a date ({w.explanation}); {flag} is only for a "
            "deadline tied to an event. Leave it out."
        )
    return Reading(phrase, reference, w.earliest, w.latest, w.kind, w.recurrence, w.hedged,
                   w.estimated, w.explanation, False)


def on_event(phrase: str, reference: date, day: date, anchor, offset, mode, lang=None,
             hedged=False) -> Reading:
    """The reading of an event phrase once its event took place on `day` (spec rules)."""
    from .deadline import on_event as window_on
    from .deadline import read

    if lang is None:
        try:
            expr = read(" ".join(phrase.split()))
            lang, hedged = expr.lang, expr.hedged
        except UnreadableDeadline:
            lang = "nl"
    w = window_on(phrase, reference, day, anchor=anchor, offset=offset, mode=mode, lang=lang,
                  hedged=hedged)
    return Reading(phrase, reference, w.earliest, w.latest, w.kind, None, w.hedged, False,
                   w.explanation, False, anchor, offset, mode, day)


def read_deadline(phrase: str, reference: date, *, open_ended=False, due=None) -> Reading:
    """Read `phrase` at `reference`; `UnreadableDeadline` (with examples) when it can't."""
    from .deadline import parse

    phrase = check_storable((phrase or "").strip(), "the deadline")
    if not phrase:
        raise InvalidInput("the deadline is empty; give the time phrase as said, "
                           "e.g. --deadline 'voor de zomer'.")
    try:
        w = parse(phrase, reference)
    except UnreadableDeadline as e:
        if e.examples:
            raise
        raise UnreadableDeadline(phrase, EXAMPLES) from None
    return from_window(phrase, reference, w, open_ended=open_ended, due=due)


def _clean(v: str | None, what: str) -> str | None:
    """`v` without surrounding white space (None when nothing is left); refused if unstorable."""
    v = check_storable((v or "").strip(), what)
    return v or None


def clean_tags(tags) -> list[str]:
    out: list[str] = []
    for t in tags or ():
        for part in check_storable(str(t), "a tag").split(","):
            part = part.strip().lower()
            if part and part not in out:
                out.append(part)
    return out


def check_fields(fields: dict) -> dict:
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
                raise InvalidInput(
                    f"'{value}' is not a register number; they look like TZ202412-116."
                )
        if key == "owner" and value is not None:
            try:
                value = one_address(value, "the owner")
            except ValueError as e:
                raise InvalidInput(str(e)) from None
        if key == "url" and value is not None and not re.match(r"^https?://\S+$", value):
            raise InvalidInput(f"--url '{value}' is not a web address (https://...).")
        if key == "ministry":
            value = ministries.as_stored(value)  # one name per ministry
        out[key] = value
    return out


def check_reference(reference: date, today: date) -> None:
    if reference > today:
        raise InvalidInput(
            f"--date {reference.isoformat()} is in the future; it is the day the promise "
            f"was made (today is {today.isoformat()})."
        )


@dataclass
class Draft:
    """A promise as given by the user, before it is read and stored."""

    text: str
    deadline: str
    reference: date
    open_ended: bool = False
    due: date | None = None
    fields: dict = field(default_factory=dict)  # by, function, ministry, to, ... tags, owner


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
    p.hedged, p.estimated, p.explanation, p.open_ended = (
        r.hedged, r.estimated, r.explanation, r.open_ended
    )
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
            raise InvalidInput(
                f"register number {number} is already promise {other.id}; "
                f"see `toezegging show {other.id}`."
            )


def add_promise(session: Session, p: Promise) -> Promise:
    """Store a prepared promise; its register number must be new."""
    check_number_free(session, p.number)
    session.add(p)
    session.flush()
    return p


def postpone(session: Session, promise_id, phrase: str, *, today: date, now: datetime,
             reason: str | None = None, open_ended=False, due=None) -> DeadlineChange:
    """Move the deadline: the new phrase is read at `today`; the old one stays in history."""
    p = get_promise(session, promise_id)
    if p.status != Status.OPEN:
        raise InvalidInput(
            f"promise {p.id} is {p.status}; only an open promise can be postponed "
            f"(reopen it with `toezegging edit {p.id} --status open`)."
        )
    r = read_deadline(phrase, today, open_ended=open_ended, due=due)
    change = DeadlineChange(
        promise_id=p.id, changed_at=now, reference=today,
        old_deadline=p.deadline_now(), new_deadline=r.phrase,
        old_earliest=p.earliest, old_latest=p.latest,
        new_earliest=r.earliest, new_latest=r.latest, reason=_clean(reason, "the reason"),
    )
    apply_reading(p, r)
    p.current_deadline = r.phrase
    p.event_name = None  # a new phrase: it no longer waits on the event it was linked to
    touch(p, now)
    session.add(change)
    session.add(p)
    session.flush()
    return change


def set_status(session: Session, promise_id, status: Status | str, *, today: date,
               now: datetime, letter: str | None = None) -> Promise:
    """Close a promise (fulfilled, partly, lapsed, withdrawn) or reopen it."""
    status = Status(status)
    p = get_promise(session, promise_id)
    if p.status == status and not (letter and letter != p.fulfilled_by):
        raise InvalidInput(f"promise {p.id} is already {status}.")
    p.status = status.value
    p.closed_on = today if status.closed else None
    if status in (Status.FULFILLED, Status.PARTLY):
        p.fulfilled_by = _clean(letter, "the letter") or p.fulfilled_by
    elif status is Status.OPEN:
        pass
    touch(p, now)
    session.add(p)
    session.flush()
    return p


def edit(session: Session, promise_id, changes: dict, *, today: date, now: datetime) -> Promise:
    """Change the free fields of a promise; a new `reference` re-reads the same phrase."""
    p = get_promise(session, promise_id)
    unknown = set(changes) - set(EDITABLE)
    if "deadline" in unknown:
        raise InvalidInput(
            "the deadline phrase is kept as it was typed; to move it use "
            f"`toezegging postpone {p.id} PHRASE --reason ...`."
        )
    if unknown:
        raise InvalidInput(f"cannot edit {', '.join(sorted(unknown))}.")
    if not changes:
        raise InvalidInput(
            "nothing to change; give the fields to change, e.g. "
            f"`toezegging edit {p.id} --owner staf@example.org --tag zeden`."
        )
    changes = check_fields(changes)
    if "number" in changes:
        check_number_free(session, changes["number"], p.id)
    if "reference" in changes:
        ref = changes.pop("reference")
        check_reference(ref, today)
        if p.current_deadline:
            raise InvalidInput(
                f"promise {p.id} has been postponed; its window now follows the postponement, "
                "so the day it was made can no longer change."
            )
        r = read_deadline(p.deadline, ref, due=p.event_date)
        p.reference = ref
        apply_reading(p, r)
    if "status" in changes:
        status = Status(changes.pop("status"))
        p.status = status.value
        p.closed_on = (p.closed_on or today) if status.closed else None
    for key, value in changes.items():
        setattr(p, key, value)
    touch(p, now)
    session.add(p)
    session.flush()
    return p


# ----------------------------------------------------------------------------- JSON shape

def _iso(d) -> str | None:
    return d.isoformat() if d is not None else None


def change_to_dict(c: DeadlineChange) -> dict:
    return {
        "kind": c.kind, "changed_at": _iso(c.changed_at), "reference": _iso(c.reference),
        "old_deadline": c.old_deadline, "new_deadline": c.new_deadline,
        "old_earliest": _iso(c.old_earliest), "old_latest": _iso(c.old_latest),
        "new_earliest": _iso(c.new_earliest), "new_latest": _iso(c.new_latest),
        "reason": c.reason, "old_status": c.old_status, "new_status": c.new_status,
    }


def promise_to_dict(p: Promise, changes: list[DeadlineChange], today: date) -> dict:
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


def from_proposal(p, *, reference: date, fields: dict, today: date, now: datetime,
                  deadline: str | None = None, text: str | None = None) -> Promise:
    """A promise found by the extractor (a `Proposal`), prepared as `extract` adds it:
    its text, who made it, and its window as read in its sentence (the sentence may hedge
    where the phrase does not; the extractor reads "laat" as a verb, or a period the phrase
    alone cannot give). `deadline` and `text` are the user's edits, if any."""
    draft = Draft(text=text or p.text or p.sentence, deadline=deadline or p.phrase,
                  reference=reference, open_ended=p.latest is None,
                  fields={"by": p.by, "function": p.function, "ministry": p.ministry, **fields})
    return prepare_proposal(p, draft, today=today, now=now)


def prepare_proposal(p, draft: "Draft", *, today: date, now: datetime) -> Promise:
    """`prepare` for a (possibly edited) draft of a proposal, keeping what the extractor
    read in the sentence when the phrase was not changed."""
    promise = prepare(draft, today=today, now=now)
    promise.hedged = promise.hedged or p.hedged
    if draft.deadline == p.phrase and not promise.open_ended and p.latest is not None:
        promise.earliest, promise.latest, promise.kind = p.earliest, p.latest, p.kind
        promise.explanation = p.explanation or promise.explanation
    return promise
