"""The one exception family of toezegging.

Every error a user can cause is a `ToezeggingError` whose message says what was wrong
and how to fix it. The CLI turns these into a message on stderr and exit status 1;
anything else is a bug and may show a traceback.
"""


class ToezeggingError(Exception):
    """Base class: the user's input was refused; the message says how to fix it."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class UnreadableDeadline(ToezeggingError):
    """A time phrase the deadline engine cannot read."""

    def __init__(self, phrase: str, examples: list[str] | tuple[str, ...] = ()):
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

    def __init__(self, message: str, permanent: bool = False):
        super().__init__(message)
        self.permanent = permanent


class Conflict(ToezeggingError):
    """Another change to the same record was saved first; nothing was written."""


class DatabaseUnavailable(ToezeggingError):
    """The database could not be reached, or stayed locked, while working."""

    def __init__(self, detail: str):
        super().__init__(f"the database cannot be reached: {detail}. Nothing was lost: what was "
                         "not recorded is done again on the next run.")
        self.detail = detail
