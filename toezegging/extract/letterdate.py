"""The date of a letter from its letterhead ("Datum 22 januari 2024"), when not given."""

from datetime import date

from .rules import Rules, load_rules


def letter_date(text: str, rules: Rules | None = None, head: int = 4000) -> date | None:
    """The first date line in the first `head` characters, or None."""
    rules = rules or load_rules()
    for m in rules.date_line.finditer(text[:head]):
        month = m.group("month").lower()
        if month in rules.months:
            try:
                month_no = rules.months.index(month) + 1
                return date(int(m.group("year")), month_no, int(m.group("day")))
            except ValueError:
                continue
    return None
