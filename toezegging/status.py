"""A promise's status: the Tweede Kamer's own statuses, and their Dutch names.

Apart from `model.py` (which re-exports them) so that the command line can offer the
statuses as choices without importing SQLModel and SQLAlchemy at start-up.
"""

from enum import StrEnum


class Status(StrEnum):
    """The Tweede Kamer's own statuses (Openstaand, Voldaan, Deels voldaan, Vervallen)."""

    OPEN = "open"
    FULFILLED = "fulfilled"
    PARTLY = "partly"
    LAPSED = "lapsed"
    WITHDRAWN = "withdrawn"

    @property
    def closed(self) -> bool:
        return self is not Status.OPEN


STATUS_NL = {
    Status.OPEN: "Openstaand",
    Status.FULFILLED: "Voldaan",
    Status.PARTLY: "Deels voldaan",
    Status.LAPSED: "Vervallen",
    Status.WITHDRAWN: "Ingetrokken",
}
