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

import click

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
# Characters JSON leaves raw that a terminal acts on (see `json_text`).
JSON_RAW = re.compile(r"[\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def _clean(text: str) -> str:
    text = SURROGATES.sub("\ufffd", ESCAPES.sub("", text))
    return CONTROLS.sub("", text.replace("\t", " "))


def plain(text) -> str:
    """`text` as one line of plain text for a terminal (None becomes '')."""
    if text is None:
        return ""
    text = str(text)
    if text.isprintable():  # nothing to remove: all that is removed is unprintable
        return text
    return _clean(BREAKS.sub(" ", text))


def plain_lines(text) -> str:
    """`text` as plain text for a terminal, keeping its line breaks."""
    if text is None:
        return ""
    text = str(text).replace("\r\n", "\n").replace("\u2028", "\n").replace("\u2029", "\n")
    return "\n".join(_clean(line.replace("\r", " ").replace("\v", " ").replace("\f", " "))
                     for line in text.split("\n"))


def json_text(obj, indent: int | None = 2) -> str:
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

    def __init__(self, *args, shape: str = "object", **kwargs):
        if shape not in SHAPES:
            raise ValueError(f"--json shape {shape!r}: use one of {', '.join(SHAPES)}")
        self.shape = shape
        super().__init__(*args, **kwargs)


def json_option(what: str, shape: str = "object", help: str | None = None):
    """The one `--json` option (`as_json` in the command): prints `what` in `shape`."""
    text = help or f"Print {what} {SHAPES[shape]}."
    return click.option("--json", "as_json", is_flag=True, cls=JsonOption, shape=shape,
                        help=text)


def print_json(obj) -> None:
    """One JSON document (an array or an object) on standard output."""
    click.echo(json_text(obj))


def print_json_line(obj) -> None:
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
    return sum(0 if unicodedata.combining(c) or unicodedata.category(c) in ("Mn", "Me", "Cf")
               else 2 if unicodedata.east_asian_width(c) in ("W", "F") else 1 for c in text)


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


def table_lines(columns: list[str], rows: list[list[str]], *, right: frozenset[int] = frozenset(),
                red: list[set[int]] | None = None) -> list[str]:
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
    return [click.style(head, bold=True) if colour else head,
            *(line(r, red[n] if red else set()) for n, r in enumerate(rows))]


def print_rows(rows) -> None:
    """Rows for another program: one line each, fields whole and separated by tabs."""
    lines = ["\t".join(plain(cell) for cell in row) for row in rows]
    if lines:
        click.echo("\n".join(lines))
