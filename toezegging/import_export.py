"""Export and import: our own JSON and CSV, and the Tweede Kamer's open-data `Toezegging` records.

Export writes every promise in the JSON shape of `promises.promise_to_dict` (CSV: one
column per field, tags comma-separated, history as JSON). Import reads that back, a
plain spreadsheet with just `text`, `deadline` and `reference` columns, or the Tweede
Kamer's records (a list, or the OData wrapper `{"value": [...]}`): the deadline is
found in `Tekst` in search mode, unless `DatumNakoming` gives the day.

Import checks every row first and writes nothing when one is malformed (unless
`skip_bad`); it is idempotent on the register number (and, without one, on text +
deadline + reference), so running it twice adds nothing.
"""

import csv
import io
import json
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from functools import cache
from importlib import resources
from typing import Any, NoReturn

from sqlmodel import Session, col, select

from . import ministries
from .deadline import parse, search
from .deadline.explain import explainer
from .errors import Hint, InvalidInput, ToezeggingError, UnreadableDeadline
from .model import REMOVED, ChangeKind, DeadlineChange, Promise, Status
from .promises import (
    apply_reading,
    change_to_dict,
    check_fields,
    from_window,
    promise_to_dict,
    read_deadline,
    touch,
)
from .store import MAX_INT, find_by_number, fix_sequences, histories, unstorable

# A record as read from JSON or CSV: field name -> value.
Record = dict[str, Any]
FREE_FIELDS = (
    "number",
    "by",
    "function",
    "ministry",
    "to",
    "fraction",
    "source",
    "kamerstuk",
    "url",
    "tags",
    "owner",
    "notes",
    "fulfilled_by",
)


# ----------------------------------------------------------------------------- export


def export_records(session: Session, today: date) -> list[Record]:
    promises = list(session.exec(select(Promise).order_by(col(Promise.id))))
    changes = histories(session, [p.stored_id for p in promises])
    return [promise_to_dict(p, changes[p.stored_id], today) for p in promises]


def to_json(records: list[Record]) -> str:
    return json.dumps(records, ensure_ascii=False, indent=2) + "\n"


def to_csv(records: list[Record]) -> str:
    if not records:  # the header alone: an empty register still exports a readable file
        never = datetime.min.replace(tzinfo=UTC)
        blank = Promise(text="", deadline="", reference=date.min, created_at=never, updated_at=never)
        records, columns = [], list(promise_to_dict(blank, [], date.min))
    else:
        columns = list(records[0])
    buf = io.StringIO()
    # CRLF ends a record (RFC 4180), so the writer quotes every text holding a CR or an LF;
    # with "\n" alone it wrote a bare CR unquoted, and the file could not be read back.
    w = csv.DictWriter(buf, fieldnames=columns, lineterminator="\r\n")
    w.writeheader()
    for r in records:
        w.writerow({k: _cell(v) for k, v in r.items()})
    return buf.getvalue()


def _cell(v: object) -> str:
    if v is None:
        return ""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, list) and all(isinstance(x, str) for x in v):
        return ", ".join(v)
    if isinstance(v, list | dict):
        return json.dumps(v, ensure_ascii=False)
    return str(v)


# ----------------------------------------------------------------------------- reading files


class BadRow(ToezeggingError):
    pass


# What import reads, said in the errors about a file it cannot read (with its hint).
EXPORT_FORMAT = Hint("as the export writes it", "export_format")
FORMATS = (
    f"import reads our own export (JSON or CSV, {EXPORT_FORMAT}) "
    "or the Tweede Kamer's Toezegging records (JSON)"
)


def read_rows(data: bytes, name: str = "") -> list[Any]:
    """The records in an import file (JSON list, OData wrapper, JSON lines or CSV)."""
    what = name or "the input"
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise InvalidInput(
            f"{what} is not UTF-8 text (byte {e.start + 1}); {FORMATS}, saved as UTF-8.", EXPORT_FORMAT
        ) from None
    if not text.strip():
        raise InvalidInput(f"{what} is empty; {FORMATS}.", EXPORT_FORMAT)
    stripped = text.lstrip()
    if name.lower().endswith(".csv") or not stripped.startswith(("[", "{")):
        return _csv_rows(text, what)
    try:
        doc = _json(text, what)
    except json.JSONDecodeError as e:
        # JSON lines: one object per line (split at LF only: a text may hold U+2028).
        lines = [ln for ln in text.split("\n") if ln.strip()]
        try:
            return [_json(ln, what) for ln in lines] if len(lines) > 1 else _raise(e)
        except json.JSONDecodeError:
            raise InvalidInput(
                f"{what} is not valid JSON ({e.msg} at line {e.lineno}); {FORMATS}.", EXPORT_FORMAT
            ) from None
    if isinstance(doc, dict) and isinstance(doc.get("value"), list):
        return doc["value"]
    if isinstance(doc, dict):
        return [doc]
    if isinstance(doc, list):
        return doc
    raise InvalidInput(f"the JSON in {what} holds no records; {FORMATS}.", EXPORT_FORMAT)


def _json(text: str, what: str) -> Any:
    """`json.loads`, with the limits it can hit named instead of a traceback."""
    try:
        return json.loads(text)
    except RecursionError:
        raise InvalidInput(
            f"the JSON in {what} is nested too deeply to be a list of promises; {FORMATS}.", EXPORT_FORMAT
        ) from None
    except json.JSONDecodeError:
        raise
    except ValueError as e:  # e.g. an integer of more than 4,300 digits
        raise InvalidInput(f"the JSON in {what} cannot be read: {e}; {FORMATS}.", EXPORT_FORMAT) from None


def _raise(e: Exception) -> NoReturn:
    raise e


def _csv_rows(text: str, what: str) -> list[Record]:
    header = text.split("\n", 1)[0]
    delimiter = max(",;\t", key=header.count)  # Dutch spreadsheets write ';'
    # A text may be as long as the file: lift the csv module's limit of 128 KiB per cell.
    csv.field_size_limit(max(csv.field_size_limit(), len(text)))
    # A row longer than the header keeps its extra cells under the key None (see `convert`).
    reader = csv.DictReader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        return list(reader)
    except csv.Error as e:
        raise InvalidInput(
            f"line {reader.line_num} of {what} is not CSV ({e}); {FORMATS}.", EXPORT_FORMAT
        ) from None


# ----------------------------------------------------------------------------- one row


def _date(v: Any, what: str) -> date | None:
    if v is None or v == "":
        return None
    if not isinstance(v, str):
        raise BadRow(f"{what} must be a date (YYYY-MM-DD), got {v!r}")
    v = v.strip()
    if not v or v.startswith("0001-01-01"):
        return None
    try:
        return (
            datetime.fromisoformat(v.replace("Z", "+00:00")).date()
            if "T" in v
            else (date.fromisoformat(v[:10]))
        )
    except ValueError:
        raise BadRow(f"{what} {v!r} is not a date (YYYY-MM-DD)") from None


def _moment(v: Any, what: str, default: datetime) -> datetime:
    if v in (None, ""):
        return default
    try:
        m = datetime.fromisoformat(str(v).replace("Z", "+00:00"))
    except ValueError:
        raise BadRow(f"{what} {v!r} is not a moment (ISO 8601)") from None
    return m if m.tzinfo else m.replace(tzinfo=default.tzinfo)


def _bool(v: Any, what: str) -> bool:
    if isinstance(v, bool):
        return v
    s = str(v or "").strip().lower()
    if s in ("", "false", "0", "no", "nee"):
        return False
    if s in ("true", "1", "yes", "ja"):
        return True
    raise BadRow(f"{what} must be true or false, got {v!r}")


def _status(v: Any) -> Status:
    s = str(v or "").strip().lower()
    if not s:
        return Status.OPEN
    if s in {x.value for x in Status}:
        return Status(s)
    if s in (kamer := _kamer_statuses()):
        return kamer[s]
    raise BadRow(f"status {v!r} is unknown; use one of " + ", ".join(x.value for x in Status))


def _str(row: Record, key: str) -> str | None:
    v = row.get(key)
    if v is None:
        return None
    if not isinstance(v, str | int | float) or isinstance(v, bool):
        raise BadRow(f"{key} must be text, got {v!r}")
    return str(v)


@dataclass
class Incoming:
    promise: Promise
    history: list[DeadlineChange] = field(default_factory=list)
    keep_id: int | None = None
    register: bool = False  # from the Tweede Kamer: its status and text are the truth
    # What else a record of the Kamer's register carries (`read_register`):
    register_id: str | None = None  # its Id
    modified: datetime | None = None  # GewijzigdOp
    deleted: bool = False  # Verwijderd
    subject: str | None = None  # the debate's subject (Activiteit.Onderwerp)
    letter: str | None = None  # the letter(s) that fulfilled it (KamerbriefNakoming)
    deadline_from: str | None = None  # "DatumNakoming", "Tekst", or None: none found


def own_row(row: Record, now: datetime) -> Incoming:
    """A row of our own export (or a spreadsheet with text, deadline, reference)."""
    text, phrase = _str(row, "text"), _str(row, "deadline")
    reference = _date(row.get("reference"), "reference")
    if not text or not text.strip():
        raise BadRow("text is empty")
    if phrase is None:
        raise BadRow("deadline is missing")
    if reference is None:
        raise BadRow("reference (the day the promise was made) is missing")
    try:
        fields = check_fields(
            {k: _tags(row[k]) if k == "tags" else _str(row, k) for k in FREE_FIELDS if k in row}
        )
    except InvalidInput as e:
        raise BadRow(e.message) from None
    p = Promise(
        text=text.strip(),
        deadline=phrase,
        reference=reference,
        created_at=_moment(row.get("created_at"), "created_at", now),
        updated_at=_moment(row.get("updated_at"), "updated_at", now),
        **fields,
    )
    if row.get("kind"):  # a full record: keep the window as it was read then
        p.current_deadline = _str(row, "current_deadline") or None
        if p.current_deadline == p.deadline:
            p.current_deadline = None
        p.earliest = _date(row.get("earliest"), "earliest")
        p.latest = _date(row.get("latest"), "latest")
        p.kind = _str(row, "kind") or p.kind  # (never empty here)
        p.recurrence = _str(row, "recurrence") or None
        p.hedged = _bool(row.get("hedged"), "hedged")
        p.estimated = _bool(row.get("estimated"), "estimated")
        p.explanation = _str(row, "explanation") or ""
        p.open_ended = _bool(row.get("open_ended"), "open_ended")
        p.anchor, p.offset, p.offset_mode, p.event_name = (
            _str(row, k) or None for k in ("anchor", "offset", "offset_mode", "event_name")
        )
        p.event_date = _date(row.get("event_date"), "event_date")
        if p.earliest and p.latest and p.earliest > p.latest:
            raise BadRow(f"earliest {p.earliest} is after latest {p.latest}")
    else:  # a plain spreadsheet row: read the phrase now
        apply_reading(p, read_deadline(phrase, reference))
    p.status = _status(row.get("status")).value
    p.closed_on = _date(row.get("closed_on"), "closed_on")
    if row.get("deleted_at"):  # a removed promise stays removed
        p.deleted_at = _moment(row["deleted_at"], "deleted_at", now)
    p.revision = _whole(row.get("revision") or 0, "revision", 0)
    keep_id = None
    if row.get("id") not in (None, ""):
        keep_id = _whole(row["id"], "id", 1)
    return Incoming(p, _history(row.get("history"), now), keep_id)


def _whole(v: Any, what: str, lowest: int) -> int:
    """A whole number that fits the store's INTEGER columns."""
    try:
        n = int(v) if not isinstance(v, bool | float) else None
    except (TypeError, ValueError):
        n = None
    if n is None or not lowest <= n <= MAX_INT:
        shown = v if len(repr(v)) <= 40 else f"{repr(v)[:37]}..."
        raise BadRow(f"{what} must be a whole number from {lowest} to {MAX_INT}, got {shown!r}")
    return n


def _tags(v: Any) -> list[str]:
    if v in (None, ""):
        return []
    if isinstance(v, str):
        return [v]
    if isinstance(v, list):
        return [str(x) for x in v]
    raise BadRow(f"tags must be a list or comma-separated text, got {v!r}")


def _history(v: Any, now: datetime) -> list[DeadlineChange]:
    if v in (None, ""):
        return []
    if isinstance(v, str):
        try:
            v = json.loads(v)
        except json.JSONDecodeError:
            raise BadRow("history is not valid JSON") from None
    if not isinstance(v, list) or not all(isinstance(c, dict) for c in v):
        raise BadRow("history must be a list of deadline changes")
    out = []
    for i, c in enumerate(v, 1):
        where = f"history[{i}]"
        if not c.get("new_deadline") or not c.get("reference"):
            raise BadRow(f"{where} needs new_deadline and reference")
        for key in ("new_deadline", "old_deadline", "reason"):
            if c.get(key) is not None and not isinstance(c[key], str):
                raise BadRow(f"{where}.{key} must be text, got {c[key]!r}")
        changed_at = _moment(c.get("changed_at"), f"{where}.changed_at", now)
        reference = _date(c["reference"], f"{where}.reference")
        if reference is None:  # blank, or the register's "no date" (0001-01-01)
            raise BadRow(f"{where} needs new_deadline and reference")
        out.append(
            DeadlineChange(
                promise_id=0,
                changed_at=changed_at,
                reference=reference,
                old_deadline=str(c.get("old_deadline") or ""),
                new_deadline=str(c["new_deadline"]),
                old_earliest=_date(c.get("old_earliest"), f"{where}.old_earliest"),
                old_latest=_date(c.get("old_latest"), f"{where}.old_latest"),
                new_earliest=_date(c.get("new_earliest"), f"{where}.new_earliest"),
                new_latest=_date(c.get("new_latest"), f"{where}.new_latest"),
                reason=c.get("reason") or None,
                kind=_change_kind(c.get("kind"), f"{where}.kind"),
                old_status=_opt_status(c.get("old_status"), f"{where}.old_status"),
                new_status=_opt_status(c.get("new_status"), f"{where}.new_status"),
            )
        )
    return out


def _change_kind(v: Any, where: str) -> str:
    if v in (None, ""):
        return ChangeKind.POSTPONEMENT.value  # exports from before history kinds
    kinds = [k.value for k in ChangeKind]
    if v not in kinds:
        raise BadRow(f"{where} must be one of {', '.join(kinds)}, got {v!r}")
    return v


def _opt_status(v: Any, where: str) -> str | None:
    if v in (None, ""):
        return None
    statuses = [s.value for s in Status] + [REMOVED]
    if v not in statuses:
        raise BadRow(f"{where} must be one of {', '.join(statuses)}, got {v!r}")
    return v


def register_row(row: Record, now: datetime) -> Incoming | None:
    """A Tweede Kamer `Toezegging` record for `import` (None for one the register marks deleted)."""
    inc = read_register(row, now)
    return None if inc.deleted else inc


@cache
def register_words() -> dict[str, str]:
    """The wording stored on promises from the Kamer's register (`data/register.toml`)."""
    return _register_data()["nl"]


@cache
def _kamer_statuses() -> dict[str, Status]:
    """The Kamer's status words, in lower case, with the status each stands for."""
    return {word.lower(): Status(status) for word, status in _register_data()["status"].items()}


@cache
def _register_data() -> dict:
    text = resources.files("toezegging").joinpath("data/register.toml").read_text("utf-8")
    return tomllib.loads(text)


def read_register(row: Record, now: datetime) -> Incoming:
    """A Tweede Kamer `Toezegging` record (the OData API's JSON, as `import` reads it too).

    The day the promise was made is the debate's date when the record carries its
    `Activiteit` (expanded), else `Aanmaakdatum`. The deadline is `DatumNakoming` when the
    register gives one (not `0001-01-01`), else the time phrase found in `Tekst`; the
    explanation says which. A record marked `Verwijderd` needs only its `Id` or `Nummer`.
    """
    words = register_words()
    deleted = _bool(row.get("Verwijderd"), "Verwijderd")
    register_id = _str(row, "Id")
    number, text = _str(row, "Nummer"), _str(row, "Tekst")
    modified = _moment(row.get("GewijzigdOp"), "GewijzigdOp", now) if row.get("GewijzigdOp") else None
    if deleted:
        return _deleted_record(number, register_id, text, modified, now)
    if not number or not number.strip():
        raise BadRow("Nummer is empty")
    if not text or not text.strip():
        raise BadRow("Tekst is empty")
    activity = _related(row.get("Activiteit"))
    reference = _date(activity.get("Datum"), "Activiteit.Datum") or _date(
        row.get("Aanmaakdatum"), "Aanmaakdatum"
    )
    if reference is None:
        raise BadRow("Aanmaakdatum is empty; the day of the promise is needed to read its deadline")
    status = _status(row.get("Status"))
    letter = _letters(row.get("KamerbriefNakoming"), words)
    fields = _register_fields(
        row,
        number,
        activity,
        words,
        fulfilled_by=letter if status in (Status.FULFILLED, Status.PARTLY) else None,
    )
    # tags given: a default_factory costs pydantic an inspect.signature per row
    p = Promise(
        text=" ".join(text.split()),
        deadline="",
        reference=reference,
        created_at=now,
        updated_at=now,
        tags=[],
        **fields,
    )
    deadline_from = _read_register_deadline(p, row, words)
    p.status = status.value
    if status.closed:
        p.closed_on = (modified or now).date()
    return Incoming(
        p,
        register=True,
        register_id=register_id,
        modified=modified,
        subject=_str(activity, "Onderwerp"),
        letter=letter,
        deadline_from=deadline_from,
    )


def _deleted_record(
    number: str | None, register_id: str | None, text: str | None, modified: datetime | None, now: datetime
) -> Incoming:
    """A record the register marks deleted: only what finds the promise it was."""
    if not (number or register_id):
        raise BadRow("a deleted record without Id or Nummer")
    p = Promise(
        text=text or "",
        deadline="",
        reference=now.date(),
        created_at=now,
        updated_at=now,
        tags=[],
        number=(number or "").strip().upper() or None,
    )
    return Incoming(p, register=True, register_id=register_id, modified=modified, deleted=True)


def _register_fields(
    row: Record, number: str, activity: Record, words: dict[str, str], fulfilled_by: str | None
) -> dict[str, Any]:
    """The free fields of a record (who, which ministry, where), checked as every way in is."""
    try:
        return check_fields(
            {
                "number": number,
                "by": _person(row),
                "function": _str(row, "Functie"),
                "ministry": ministries.from_register(_str(row, "Ministerie"), _str(row, "Functie")),
                "source": _source(activity, _str(row, "ActiviteitNummer"), words),
                "fulfilled_by": fulfilled_by,
            }
        )
    except InvalidInput as e:
        raise BadRow(e.message) from None


def _read_register_deadline(p: Promise, row: Record, words: dict[str, str]) -> str | None:
    """Give `p` its deadline and window: `DatumNakoming`, else the phrase found in its text,
    else none (an event without a date). Where it came from: "DatumNakoming", "Tekst", None."""

    due = _date(row.get("DatumNakoming"), "DatumNakoming")
    if due is not None:
        p.deadline = due.isoformat()
        apply_reading(p, from_window(p.deadline, p.reference, parse(p.deadline, p.reference)))
        p.explanation = words["from_datum_nakoming"].format(explanation=p.explanation)
        return "DatumNakoming"
    if (found := search(p.text, p.reference)) is not None:
        p.deadline = found.text
        w = found.window
        apply_reading(p, from_window(found.text, p.reference, w, open_ended=w.is_event))
        p.explanation = words["from_text"].format(explanation=p.explanation)
        return "Tekst"
    p.kind, p.open_ended = "event", True
    p.explanation = words["no_deadline"]
    return None


def _related(value: Any) -> Record:
    """An expanded navigation property: one entity, or the first of a collection."""
    if isinstance(value, list):
        value = value[0] if value else None
    return value if isinstance(value, dict) else {}


def _person(row: Record) -> str | None:
    """'D.M. van Weel' from Initialen/Voornaam, Tussenvoegsel and Achternaam, or from Naam
    ('Van Weel, D.M.' is turned round)."""
    last = _str(row, "Achternaam")
    if last and last.strip():
        first = _str(row, "Initialen") or _str(row, "Voornaam")
        return " ".join(x.strip() for x in (first, _str(row, "Tussenvoegsel"), last) if x and x.strip())
    name = (_str(row, "Naam") or "").strip()
    if name.count(",") == 1:
        last, first = (x.strip() for x in name.split(","))
        return f"{first} {last}" if first and last else (last or first or None)
    return name or None


def _source(activity: Record, number: str | None, words: dict[str, str]) -> str | None:
    """'Commissiedebat Zeden, 3 april 2025' from the expanded debate, else its number."""

    kind, subject = _str(activity, "Soort"), _str(activity, "Onderwerp")
    day = _date(activity.get("Datum"), "Activiteit.Datum")
    if kind or subject:
        what = " ".join(x.strip() for x in (kind, subject) if x and x.strip())
        if kind and subject and subject.strip().casefold().startswith(kind.strip().casefold()):
            what = subject.strip()  # "Plenair debat" + "Plenair debat over ..." once
        return words["source"].format(what=what, day=explainer("nl").date(day)) if day else what
    return words["activity"].format(number=number) if number else None


def _letters(value: Any, words: dict[str, str]) -> str | None:
    """The letter(s) that fulfilled the promise: `KamerbriefNakoming` as text or documents."""
    if isinstance(value, str):
        return value.strip() or None
    docs = value if isinstance(value, list) else [value] if isinstance(value, dict) else []
    out = []
    for d in docs:
        if not isinstance(d, dict):
            continue
        subject, number = _str(d, "Onderwerp") or _str(d, "Titel"), _str(d, "DocumentNummer")
        if subject and number:
            out.append(words["letter"].format(subject=subject.strip(), number=number.strip()))
        elif subject or number:
            out.append((subject or number or "").strip())
    return "; ".join(out) or None


def _check_storable(row: Record) -> None:
    """Every text in the record, at any depth, is one a store can keep (no NUL, no lone
    surrogate). Walked with a stack: a deeply nested record must not exhaust recursion."""
    todo: list[tuple[str, object]] = [("", row)]
    while todo:
        where, v = todo.pop()
        if isinstance(v, dict):
            for k, x in v.items():
                if isinstance(k, str) and (why := unstorable(k)):
                    raise BadRow(f"a field name {why}")
                todo.append((f"{where}.{k}" if where else str(k), x))
        elif isinstance(v, list):
            todo.extend((f"{where}[{i}]", x) for i, x in enumerate(v, 1))
        elif isinstance(v, str) and (why := unstorable(v)):
            raise BadRow(f"{where} {why}")


def convert(row: Any, now: datetime) -> Incoming | None:
    """One record of an import file: ours or the Kamer's (None: one the Kamer deleted)."""
    if not isinstance(row, dict):
        raise BadRow(f"not a record (an object with fields), got {type(row).__name__}")
    if None in row:  # a CSV row with more cells than its header has columns
        raise BadRow(
            f"has {len(row) - 1 + len(row[None])} cells, more than the {len(row) - 1} columns "
            "of the header; check the separators and the quotes around texts"
        )
    _check_storable(row)
    if "Tekst" in row or "Nummer" in row:
        return register_row(row, now)
    if "text" in row or "deadline" in row:
        return own_row(row, now)
    raise BadRow(
        "has neither our fields (text, deadline, reference) nor the Tweede Kamer's "
        "(Nummer, Tekst, Aanmaakdatum)"
    )


# ----------------------------------------------------------------------------- writing


@dataclass
class ImportResult:
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    deleted: int = 0  # marked deleted in the Tweede Kamer's register, passed over
    skipped: list[tuple[int, str]] = field(default_factory=list)  # (row, why)

    def summary(self) -> str:
        parts = [f"{self.added} added", f"{self.updated} updated", f"{self.unchanged} unchanged"]
        if self.deleted:
            parts.append(f"{self.deleted} deleted in the register, passed over")
        if self.skipped:
            parts.append(f"{len(self.skipped)} bad rows skipped")
        return ", ".join(parts)


def check_rows(
    rows: list[Any],
    now: datetime,
    *,
    skip_bad: bool = False,
    progress: Callable[[int], None] | None = None,
) -> tuple[ImportResult, list[tuple[int, Incoming]]]:
    """Convert every row; all errors at once (nothing is written yet)."""

    result, incoming, seen = ImportResult(), [], dict[str, int]()
    for i, row in enumerate(rows, 1):
        try:
            inc = convert(row, now)
            if inc is not None and inc.promise.number:
                if inc.promise.number in seen:
                    raise BadRow(
                        f"register number {inc.promise.number} is also on row {seen[inc.promise.number]}"
                    )
                seen[inc.promise.number] = i
        except (BadRow, InvalidInput, UnreadableDeadline) as e:
            result.skipped.append((i, e.message.rstrip(".")))
        else:
            if inc is None:
                result.deleted += 1
            else:
                incoming.append((i, inc))
        if progress:
            progress(1)
    if result.skipped and not skip_bad:
        listed = "; ".join(f"row {i}: {why}" for i, why in result.skipped[:5])
        more = f" (and {len(result.skipped) - 5} more)" if len(result.skipped) > 5 else ""
        rest = Hint("import the rest and skip them", "skip_bad")
        raise InvalidInput(
            f"{len(result.skipped)} malformed row(s), nothing imported. {listed}{more}. Fix them, or {rest}.",
            rest,
        )
    return result, incoming


def _existing(session: Session, p: Promise) -> Promise | None:
    if p.number:
        return find_by_number(session, p.number)
    return session.exec(
        select(Promise).where(
            col(Promise.number).is_(None),
            Promise.text == p.text,
            Promise.deadline == p.deadline,
            Promise.reference == p.reference,
        )
    ).first()


def write_rows(
    session: Session,
    result: ImportResult,
    incoming: list[tuple[int, Incoming]],
    now: datetime,
    progress: Callable[[int], None] | None = None,
) -> ImportResult:
    explicit_ids = False
    for _row, inc in incoming:
        p, old = inc.promise, _existing(session, inc.promise)
        if old is not None:
            if inc.register and _update_from_register(old, p, now):
                session.add(old)
                result.updated += 1
            else:
                result.unchanged += 1
        else:
            if inc.keep_id is not None and session.get(Promise, inc.keep_id) is None:
                p.id = inc.keep_id
                explicit_ids = True
            session.add(p)
            session.flush()
            for c in inc.history:
                c.promise_id = p.stored_id
                session.add(c)
            result.added += 1
        if progress:
            progress(1)
    session.flush()
    if explicit_ids:
        fix_sequences(session)
    return result


def _update_from_register(old: Promise, new: Promise, now: datetime) -> bool:
    """The register's status, text and people win; our window and history stay."""
    changed = False
    for key in ("status", "text", "by", "function", "ministry"):
        if getattr(new, key) and getattr(old, key) != getattr(new, key):
            setattr(old, key, getattr(new, key))
            changed = True
    if changed:
        touch(old, now)
    return changed


__all__ = [
    "export_records",
    "to_json",
    "to_csv",
    "read_rows",
    "check_rows",
    "write_rows",
    "ImportResult",
    "change_to_dict",
]
