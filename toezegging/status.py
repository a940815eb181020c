"""A promise's status: the Tweede Kamer's own statuses, and their names in each language.

Apart from `model.py` (which re-exports `Status`) so that the command line can offer the
statuses as choices without importing SQLModel and SQLAlchemy at start-up. The names
("Openstaand", "Voldaan", ...) are data: `data/statuses.toml`, read through `name`.
"""

import tomllib
from enum import StrEnum
from functools import cache
from importlib import resources


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


@cache
def names(language: str) -> dict[str, str]:
    """The status names of `language` ("nl" or "en"), by status (and "removed")."""

    text = resources.files("toezegging").joinpath("data", "statuses.toml").read_text("utf-8")
    return tomllib.loads(text)[language]


def name(status: str, language: str = "nl") -> str:
    """How `language` names a status ("fulfilled" is "Voldaan"); an unknown one as it is."""
    return names(language).get(status, status)
