"""A promise's text in short, as the product shows it: the title of a feed's event, a bar's
label on the pages, the subject of a mail. `short` is the one truncation rule of the core
(the command line cuts to a terminal's columns: `cli.format.cut`)."""

import re

TITLE_MAX = 80  # characters of a title (a feed event's summary, a mail's subject)

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\ud800-\udfff]")


def clean(text: str) -> str:
    """Text without control characters: line ends as "\\n", tabs kept."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return _CONTROL.sub("", text)


def short(line: str, limit: int = TITLE_MAX) -> str:
    """One line of text in at most `limit` characters: cut at a word (in its second half)
    and ending in "…" when it was cut."""
    if len(line) <= limit:
        return line
    cut = line[: limit - 1]
    if " " in cut[limit // 2 :]:
        cut = cut[: cut.rindex(" ")]
    return cut.rstrip(" ,;:") + "…"


def title(text: str, limit: int = TITLE_MAX) -> str:
    """The first line of `text` (control characters removed, white space collapsed), `short`."""
    line = next((ln for ln in clean(text).split("\n") if ln.strip()), "")
    return short(" ".join(line.split()), limit)
