"""Output of the command line: plain text, JSON, and tables or tab-separated rows.

JSON (see the section below): `json_option` is the one `--json` option of every command,
`print_json` prints one document, `print_json_line` one object of a stream. Tables:
`to_terminal` tells a person at a terminal (a table, `table_lines`, cut to the width) from
a pipe (`print_rows`: whole rows, tab-separated).

Stored text on its way to a terminal: plain text, never markup or control sequences.

Promises come from people and from open-data imports, so a text may hold rich markup
(`[bold]`, `[/]`), terminal escape sequences (an OSC that sets the window title, a CSI
that moves the cursor or colours the screen), a carriage return that overwrites the
line, or bidirectional controls that show a line reversed. None of it may act on the
terminal of the person reading the register.

- `plain(text)`: for one line (a table cell, a field, a message): escape sequences and
  control characters removed, line breaks and tabs become spaces.
- `plain_lines(text)`: the same, keeping line breaks (a drafted mail, a multi-line
  message).
- `json_text(obj)`: JSON for a terminal: every character the JSON escapes anyway, plus
  DEL, the C1 controls, the line and paragraph separators and the bidirectional controls
  as \\uXXXX, so a script still reads the exact text and a terminal shows no control.

Table cells are plain text, and nothing in them is read as markup.
"""

import json
import os
import re
import shutil
import sys
import unicodedata
from collections.abc import Callable, Iterable
from datetime import date
from typing import TYPE_CHECKING, Any, TypeVar

import click

if TYPE_CHECKING:  # SQLModel and the store: only when a command printing promises runs
    from sqlmodel import Session

    from ..model import DeadlineChange, Promise

# Whole escape sequences, so no remnant ("]0;title") is left on the screen: OSC, DCS, SOS,
# PM and APC strings up to their terminator (BEL or ST), CSI sequences up to their final
# byte, and two-character ESC sequences; in the 7-bit (ESC x) and 8-bit (C1) forms.
ESCAPES = re.compile(
    r"(?:\x1b[\]PX^_]|[\x90\x98\x9d\x9e\x9f]).*?(?:\x07|\x1b\\|\x9c|$)"  # string sequences
    r"|(?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]?"  # CSI ... final byte
    r"|\x1b[ -/]*[0-~]?",  # ESC x (and a lone ESC)
    re.S,
)
# What may not reach a terminal once the sequences are gone: C0 controls (line breaks and
# tabs handled apart), DEL, C1 controls, and the bidirectional embeddings, overrides and
# isolates that make a line read backwards.
CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
BREAKS = re.compile(r"\r\n|[\r\n\t\v\f\u2028\u2029]")
SURROGATES = re.compile(r"[\ud800-\udfff]")
FC = TypeVar("FC", bound=Callable[..., Any])  # a command function, as click's decorators take it
# Characters JSON leaves raw that a terminal acts on (see `json_text`).
JSON_RAW = re.compile(r"[\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def _clean(text: str) -> str:
    text = SURROGATES.sub("\ufffd", ESCAPES.sub("", text))
    return CONTROLS.sub("", text.replace("\t", " "))


def plain(text: object) -> str:
    """`text` as one line of plain text for a terminal (None becomes '')."""
    if text is None:
        return ""
    text = str(text)
    if text.isprintable():  # nothing to remove: all that is removed is unprintable
        return text
    return _clean(BREAKS.sub(" ", text))


def plain_lines(text: object) -> str:
    """`text` as plain text for a terminal, keeping its line breaks."""
    if text is None:
        return ""
    text = str(text).replace("\r\n", "\n").replace("\u2028", "\n").replace("\u2029", "\n")
    return "\n".join(
        _clean(line.replace("\r", " ").replace("\v", " ").replace("\f", " ")) for line in text.split("\n")
    )


def json_text(obj: Any, indent: int | None = 2) -> str:
    """`obj` as JSON that shows no control on a terminal and still reads back exactly."""
    text = json.dumps(obj, ensure_ascii=False, indent=indent)
    return JSON_RAW.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


# ----------------------------------------------------------------------------- JSON
#
# One JSON style for every command (README, "Command-line conventions"): a command that
# answers once prints one JSON document, an array for a list and an object for one thing;
# a command that streams (parse reading standard input, outbox, remind in a cron or
# scheduler log) prints one object per line, each line written as soon as it is known.

SHAPES = {
    "array": "as one JSON array",
    "object": "as one JSON object",
    "lines": "as JSON, one object per line (a stream)",
}


class JsonOption(click.Option):
    """`--json`, with the shape of what it prints (`array`, `object` or `lines`)."""

    def __init__(self, *args: Any, shape: str = "object", **kwargs: Any) -> None:
        if shape not in SHAPES:
            raise ValueError(f"--json shape {shape!r}: use one of {', '.join(SHAPES)}")
        self.shape = shape
        super().__init__(*args, **kwargs)


def json_option(what: str, shape: str = "object", help: str | None = None) -> Callable[[FC], FC]:
    """The one `--json` option (`as_json` in the command): prints `what` in `shape`."""
    text = help or f"Print {what} {SHAPES[shape]}."
    return click.option("--json", "as_json", is_flag=True, cls=JsonOption, shape=shape, help=text)


def print_json(obj: Any) -> None:
    """One JSON document (an array or an object) on standard output."""
    click.echo(json_text(obj))


def print_json_line(obj: Any) -> None:
    """One object of a stream: one line, written at once (a reader may wait for it)."""
    click.echo(json_text(obj, indent=None))
    sys.stdout.flush()


# ----------------------------------------------------------------------------- tables
#
# A table is for a person at a terminal: aligned columns, long text cut to the width.
# Piped to another program (`toezegging list | grep VWS`), the same rows are printed
# whole, one line each, their fields separated by tabs, without a header or a total.


def to_terminal() -> bool:
    """Whether standard output is a terminal (a person reads it) rather than a pipe or file."""
    try:
        return sys.stdout.isatty()
    except (AttributeError, ValueError):
        return False


def terminal_width() -> int:
    return shutil.get_terminal_size((80, 24)).columns


def cell_width(text: str) -> int:
    """The columns `text` takes on a terminal: East Asian wide characters two, marks none."""
    if text.isascii():
        return len(text)
    return sum(
        0
        if unicodedata.combining(c) or unicodedata.category(c) in ("Mn", "Me", "Cf")
        else 2
        if unicodedata.east_asian_width(c) in ("W", "F")
        else 1
        for c in text
    )


def cut(text: str, width: int) -> str:
    """`text` in at most `width` columns, ending in '…' when it was cut."""
    if cell_width(text) <= width:
        return text
    out, used = [], 0
    for c in text:
        w = cell_width(c)
        if used + w > width - 1:
            break
        out.append(c)
        used += w
    return "".join(out) + "…"


def _colour() -> bool:
    """Colour on a terminal, unless NO_COLOR is set or the terminal is dumb."""
    return not os.environ.get("NO_COLOR") and os.environ.get("TERM") != "dumb"


def table_lines(
    columns: list[str],
    rows: list[list[str]],
    *,
    right: frozenset[int] = frozenset(),
    red: list[set[int]] | None = None,
) -> list[str]:
    """Rows under a bold header, each column as wide as its widest cell, two spaces apart
    (the columns in `right` aligned right); `red[i]` names the cells of row i shown red.
    The cells are plain text already."""
    widths = [max(cell_width(r[i]) for r in [columns, *rows]) for i in range(len(columns))]
    colour = _colour()

    def line(cells: list[str], styled: set[int]) -> str:
        out = []
        for i, (cell, w) in enumerate(zip(cells, widths, strict=True)):
            pad = " " * (w - cell_width(cell))
            if colour and i in styled:
                cell = click.style(cell, fg="red")
            out.append(pad + cell if i in right else cell + pad)
        return "  ".join(out)

    head = line(columns, set())
    return [
        click.style(head, bold=True) if colour else head,
        *(line(r, red[n] if red else set()) for n, r in enumerate(rows)),
    ]


def print_rows(rows: Iterable[Iterable[Any]]) -> None:
    """Rows for another program: one line each, fields whole and separated by tabs."""
    lines = ["\t".join(plain(cell) for cell in row) for row in rows]
    if lines:
        click.echo("\n".join(lines))


# ----------------------------------------------------------------------------- text


def one_line(text: str | None) -> str:
    """`text` on one line, its runs of white space made one space ('' for None)."""
    return " ".join((text or "").split())


def plural(n: int, word: str, many: str | None = None) -> str:
    """'1 promise', '2 promises' (`many` where adding an s is wrong)."""
    return f"{n} {word if n == 1 else many or word + 's'}"


def warn(note: str | None) -> None:
    """A warning on standard error (it may quote stored text: plain)."""
    if note:
        click.echo(plain(f"Warning: {note}"), err=True)


# ----------------------------------------------------------------------------- errors
#
# The common error path: a `ToezeggingError` leaves a command as a `UserError` (see
# `cli.LazyGroup.invoke`), which click shows with `error` and ends with exit status 1. A
# command that reports its errors as they come (`parse` reading a stream) shows each with
# `error` and ends with `UserError(REPORTED)`: exit status 1, nothing said twice.

REPORTED = ""  # the message of a UserError whose errors were shown already


def error(message: str) -> None:
    """An error on standard error, as the common error path shows one ("Error: ...")."""
    click.echo(f"Error: {plain_lines(message)}", err=True)


class UserError(click.ClickException):
    """The user's input was refused: the message on standard error, exit status 1."""

    exit_code = 1

    def show(self, file: Any = None) -> None:
        if self.message != REPORTED:
            error(self.message)


# ----------------------------------------------------------------------------- progress


class Progress:
    """A progress bar on standard error while it is a terminal; nothing when piped.

    Call it with (done, total), as the core's `progress` callbacks do (the bar appears on the
    first call, `total` long), or give `length` and `advance` it step by step. Leaving the
    `with` block (or `close()`) ends it; closing twice is harmless."""

    def __init__(
        self, label: str, *, enabled: bool | None = None, length: int | None = None, show_pos: bool = False
    ) -> None:
        self.label, self.length, self.show_pos = label, length, show_pos
        self.enabled = sys.stderr.isatty() if enabled is None else enabled
        self.bar: Any = None

    def __enter__(self) -> "Progress":
        if self.length is not None:
            self._open(self.length)
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _open(self, length: int | None) -> Any:
        if self.bar is None and self.enabled:
            self.bar = click.progressbar(
                length=length or 0, label=self.label, file=sys.stderr, show_pos=self.show_pos
            )
            self.bar.__enter__()
        return self.bar

    def __call__(self, done: int, total: int | None = None) -> None:
        bar = self._open(total)
        if bar is not None:
            bar.update(done - bar.pos)

    def advance(self, n: int = 1) -> None:
        bar = self._open(self.length)
        if bar is not None:
            bar.update(n)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)
            self.bar = None


# ----------------------------------------------------------------------------- promises
#
# A promise for a person: its window in one line, the whole promise with its history
# (`add`, `show`, `delete`), and the register as a table (`list`). Everything quoted from
# the register is stored text: plain.


def window_text(p: Any) -> str:
    """A promise's (or proposal's) window in one line: a day, a range, or no date."""
    if p.latest is None:
        if getattr(p, "anchor", None):
            return f"no date yet: waits on '{p.anchor}'"
        return "open-ended (no date)"
    if p.earliest in (None, p.latest):
        return p.latest.isoformat()
    return f"{p.earliest.isoformat()} .. {p.latest.isoformat()}"


def stored_id(p: "Promise") -> int:
    """The id of a promise read from the register (only one not added yet has none)."""
    assert p.id is not None
    return p.id


def promise_dict(session: "Session", p: "Promise", today: date) -> dict:
    """The promise as JSON (`promises.promise_to_dict`), with its history."""
    from ..promises import promise_to_dict
    from ..store import history

    return promise_to_dict(p, history(session, stored_id(p)), today)


def _span(earliest: str | None, latest: str | None) -> str:
    return latest or "no date" if earliest in (None, latest) else f"{earliest} .. {latest}"


def _recurring(p: "Promise", d: dict) -> str:
    """ ", recurring every year, now occurrence 2" for `show` (the CLI's words are English)."""
    from .. import recurrence

    if not recurrence.valid(p.recurrence):
        return f", {p.recurrence}" if p.recurrence else ""
    n = sum(1 for h in d["history"] if h["kind"] == "occurrence")
    text = f", recurring {recurrence.describe(p.recurrence, 'en')}"
    return text + (f", occurrence {n + 1}" if n else "")


def _status_line(p: "Promise", today: date) -> str:
    from .. import status

    label = p.status + (", overdue" if p.is_overdue(today) else "")
    return (
        f"{label} ({status.name(p.status, 'nl')})"
        + (f", {p.fulfilled_by}" if p.fulfilled_by else "")
        + (f", closed {p.closed_on.isoformat()}" if p.closed_on else "")
    )


def _history_line(h: dict, d: dict, moves: list[dict]) -> str:
    """One row of a promise's history, as `show` says it."""
    why = f" ({h['reason']})" if h["reason"] else ""
    if h["kind"] == "status":
        return f"  status change: {h['reference']}: {h['old_status']} -> {h['new_status']}{why}"
    if h["kind"] == "occurrence":  # one occurrence of a recurring promise fulfilled
        done = [x for x in d["history"] if x["kind"] == "occurrence"]
        return (
            f"  occurrence {done.index(h) + 1} {h['new_status']}: {h['reference']}: due "
            f"{h['old_latest']}{why} -> next {_span(h['new_earliest'], h['new_latest'])}"
        )
    if h["kind"] == "event":  # the event got its date: not a postponement
        return (
            f"  event dated: {h['reference']}: '{h['new_deadline']}' -> "
            f"{h['new_earliest']} .. {h['new_latest']}{why}"
        )
    label = f"postponed {moves.index(h) + 1}" if h in moves else h["kind"]
    return (
        f"  {label}: {h['reference']}: '{h['old_deadline']}' "
        f"({h['old_latest'] or 'no date'}) -> '{h['new_deadline']}' "
        f"({h['new_latest'] or 'no date'}){why}"
    )


def promise_lines(d: dict, p: "Promise", today: date) -> list[str]:
    """The whole promise (`d` is its JSON, for the history), one line per fact."""
    title = f"Promise {p.id}" if p.id else "Promise"
    if p.number:
        title += f" ({p.number})"
    moves = [h for h in d["history"] if h["kind"] == "postponement"]
    lines = [f"{title}: {p.text}", f"  deadline:   '{p.deadline}', said on {p.reference.isoformat()}"]
    if p.current_deadline:
        lines.append(f"  now:        '{p.current_deadline}' (postponed {len(moves)}x)")
    lines += [
        f"  window:     {window_text(p)} ({p.kind}{', hedged' if p.hedged else ''}"
        f"{', estimated' if p.estimated else ''}{_recurring(p, d)})",
        f"              {p.explanation}",
    ]
    if p.id:
        lines.append(f"  status:     {_status_line(p, today)}")
    who = [
        ("by", p.by),
        ("function", p.function),
        ("ministry", p.ministry),
        ("to", p.to),
        ("fraction", p.fraction),
        ("source", p.source),
        ("kamerstuk", p.kamerstuk),
        ("url", p.url),
        ("owner", p.owner),
        ("notes", p.notes),
    ]
    lines += [f"  {label + ':':<11} {value}" for label, value in who if value]
    if p.tags:
        lines.append(f"  tags:       {', '.join(p.tags)}")
    if p.deleted_at is not None:
        lines.append(
            f"  removed:    {p.deleted_at.date().isoformat()} (left out of lists, reminders and feeds)"
        )
    if p.event_name or p.event_date:
        lines.append(
            f"  event:      {p.event_name or p.anchor or ''}"
            + (f", on {p.event_date.isoformat()}" if p.event_date else ", no date yet")
        )
    return lines + [_history_line(h, d, moves) for h in d["history"]]


def print_promise(d: dict, p: "Promise", today: date, err: bool = False) -> None:
    for line in promise_lines(d, p, today):
        click.echo(plain(line), err=err)  # each line quotes stored text


def _due(p: "Promise") -> str:
    return p.latest.isoformat() if p.latest else ("event" if p.waits_on_event() else "")


def _state(p: "Promise", changes: "list[DeadlineChange]", today: date) -> str:
    n_moves = sum(1 for c in changes if c.is_move)
    return ("overdue" if p.is_overdue(today) else p.status) + (f", {n_moves}x moved" if n_moves else "")


def print_promises(found: "list[Promise]", changes: "dict[int, list[DeadlineChange]]", today: date) -> None:
    """The promises as a table on a terminal; piped, one whole row per promise, tab-separated:
    id, due, deadline, status, ministry abbreviation, ministry, by, text."""
    from .. import ministries

    if not to_terminal():
        if not found:
            click.echo("No promises match.", err=True)
        print_rows(
            [
                p.id,
                _due(p),
                p.deadline_now(),
                _state(p, changes[stored_id(p)], today),
                ministries.abbreviation(p.ministry) or "",
                p.ministry,
                p.by,
                p.text,
            ]
            for p in found
        )
        return
    if not found:
        click.echo("No promises match.")
        return
    width = terminal_width()
    wide = width >= 110
    columns = ["ID", "Due", "Deadline", "Status", "Promise"] + (["Who"] if wide else [])
    rows = []
    for p in found:
        row = [
            str(p.id),
            _due(p) or "—",
            cut(plain(p.deadline_now()), 30 if wide else 22),
            _state(p, changes[stored_id(p)], today),
            plain(p.text),
        ]
        if wide:
            row.append(cut(plain(p.by or p.ministry), 22))
        rows.append(row)
    # Cut the text to what the terminal leaves, so no other column is squeezed.
    used = sum(max(cell_width(r[i]) for r in rows + [columns]) for i in range(len(columns)) if i != 4)
    room = max(16, width - used - 2 * (len(columns) - 1) - 1)
    for row in rows:
        row[4] = cut(row[4], room)
    red = [{3} if row[3].startswith("overdue") else set() for row in rows]
    click.echo(
        "\n".join(
            [*table_lines(columns, rows, right=frozenset({0}), red=red), f"{plural(len(found), 'promise')}."]
        )
    )
