"""The date of a document, when not given: the letterhead's "Datum 22 januari 2024", the
Kamerstuk's "Den Haag, 3 april 2025", or the day answers to Kamervragen were received
("(ontvangen 17 juli 2024)")."""

import re
from datetime import date

from .rules import Rules, load_rules


def letter_date(text: str, rules: Rules | None = None, head: int = 6000) -> date | None:
    """The date the answers were received, else the first date line, in the first `head`
    characters; or None."""
    rules = rules or load_rules()
    top = re.sub(r"[ \t\r\f\v]*\n[ \t\r\f\v]*", "\n", text[:head])
    flat = re.sub(r"\s+", " ", top)
    for pattern, where in ((rules.received, flat), (rules.date_line, top)):
        for m in pattern.finditer(where):
            found = _date(m, rules)
            if found:
                return found
    return None


def _date(m: re.Match, rules: Rules) -> date | None:
    month = m.group("month").lower()
    if month not in rules.months:
        return None
    try:
        return date(int(m.group("year")), rules.months.index(month) + 1, int(m.group("day")))
    except ValueError:
        return None
