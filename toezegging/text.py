"""A promise's text in short, as the product shows it: the title of a feed's event, the
subject of a mail, a bar's label on the pages. The one truncation rule of the core (the
command line cuts to a terminal's columns: `cli.format.cut`)."""

import re

TITLE_MAX = 80  # characters of a title (a feed event's summary, a mail's subject)

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\ud800-\udfff]")


def clean(text: str) -> str:
    """Text without control characters: line ends as "\\n", tabs kept."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return _CONTROL.sub("", text)


def short(text: str, limit: int = TITLE_MAX) -> str:
    """The first line of `text`, white space collapsed, cut at a word to `limit` characters
    (ending in "…" when it was cut)."""
    line = next((ln for ln in clean(text).split("\n") if ln.strip()), "")
    line = " ".join(line.split())
    if len(line) <= limit:
        return line
    cut = line[: limit - 1]
    if " " in cut[limit // 2 :]:
        cut = cut[: cut.rindex(" ")]
    return cut.rstrip(" ,;:") + "…"
