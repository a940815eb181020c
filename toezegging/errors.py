"""The one exception family of toezegging.

Every error a user can cause is a `ToezeggingError` whose message says what was wrong
and how to fix it. The CLI turns these into a message on stderr and exit status 1;
anything else is a bug and may show a traceback.

The core knows no command-line syntax: where a message tells the user what to do or
give, it says so in words and marks that piece with a `Hint`, which the CLI shows as its
own command or option (`cli/hints.py`). The message stays whole words for any other
reader (the scheduler's log, a test, another front end).
"""

from collections.abc import Callable
from typing import Any


class Hint:
    """A piece of an error's message that tells the user what to do or give.

    `words` is that piece exactly as it stands in the message; `action` names what it
    asks for (an action or an input of the core, e.g. "restore" or "url") and `values`
    fill it in (e.g. the promise's `id`). A front end may put its own way of doing it in
    the place of the words. `str(hint)` is the words, so a message is an f-string with the
    hint in its place. (A plain class: `errors` is imported at every start.)
    """

    __slots__ = ("words", "action", "values")

    def __init__(self, words: str, action: str, **values: Any) -> None:
        self.words, self.action, self.values = words, action, values

    def __str__(self) -> str:
        return self.words

    def __repr__(self) -> str:
        return f"Hint({self.words!r}, {self.action!r}, **{self.values!r})"


class ToezeggingError(Exception):
    """Base class: the user's input was refused; the message says how to fix it.

    `hints` mark the pieces of the message that say what to do (see `Hint`)."""

    def __init__(self, message: str, *hints: Hint) -> None:
        super().__init__(message)
        self.message = message
        self.hints = hints

    def __str__(self) -> str:
        return self.message

    def told(self, say: Callable[[Hint], str | None]) -> str:
        """The message with each hint said as `say` says it (its words where `say` gives
        None). Works on `message` as it is now, so text added to it later stays."""
        out = self.message
        for hint in self.hints:
            said = say(hint)
            if said is not None:
                out = out.replace(hint.words, said, 1)
        return out


class UnreadableDeadline(ToezeggingError):
    """A time phrase the deadline engine cannot read."""

    def __init__(self, phrase: str, examples: list[str] | tuple[str, ...] = ()) -> None:
        hint = ""
        if examples:
            hint = " Phrases it does read include: " + ", ".join(f"'{e}'" for e in examples) + "."
        super().__init__(f"cannot read the deadline '{phrase}'.{hint}")
        self.phrase = phrase
        self.examples = list(examples)


class ConfigError(ToezeggingError):
    """The configuration file is missing, malformed or holds an unknown key."""


class StoreUnreachable(ConfigError):
    """The database server could not be reached (or the file stayed locked) when opening it."""


class NotFound(ToezeggingError):
    """A promise (or other record) that does not exist."""


class InvalidInput(ToezeggingError):
    """Any other input the user gave that cannot be used as it stands."""


class DeliveryError(ToezeggingError):
    """Mail could not be delivered; `permanent` tells whether retrying can help."""

    def __init__(self, message: str, permanent: bool = False) -> None:
        super().__init__(message)
        self.permanent = permanent


class Conflict(ToezeggingError):
    """Another change to the same record was saved first; nothing was written."""


class DatabaseUnavailable(ToezeggingError):
    """The database could not be reached, or stayed locked, while working."""

    def __init__(self, detail: str) -> None:
        super().__init__(
            f"the database cannot be reached: {detail}. Nothing was lost: what was "
            "not recorded is done again on the next run."
        )
        self.detail = detail
