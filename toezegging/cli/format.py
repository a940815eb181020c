"""Stored text on its way to a terminal: plain text, never markup or control sequences.

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

Rich tables get `rich.text.Text` cells (see `promises._table`), never markup strings.
"""

import json
import re

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
    return _clean(BREAKS.sub(" ", str(text)))


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
