"""The command line's way of doing what an error's hints ask (`errors.Hint`).

The core says in words what the user can do ("see the list of every promise, of any
status") and marks it with a hint; here each hint's action becomes the command or option
that does it ("see `toezegging list --status all`"). A hint whose action is not here keeps
its words.
"""

from collections.abc import Callable

from ..errors import Hint, ToezeggingError

# An input of the core (`Hint` action "option", value `name`) -> the option that gives it.
OPTIONS = {
    "open_ended": "--open-ended",
    "due": "--due",
    "url": "--url",
    "reference": "--date",  # the day the promise was made
    "announced": "--date",  # the day a new deadline was announced
    "deadline": "--deadline",
    "event_name": "--as",
    "series": "--series",
}
# The command that gives a promise a status (`force_status`).
STATUS_COMMANDS = {"withdrawn": "withdraw", "lapsed": "lapse"}


def _option(h: Hint) -> str:
    flag = OPTIONS[h.values["name"]]
    return f"{flag} {h.values['example']}" if "example" in h.values else flag


def _run(line: str, h: Hint | None = None) -> str:
    """A command line to run, with the hint's values filled in (`{id}`, `{name}`, ...)."""
    return "`toezegging " + (line.format(**h.values) if h is not None else line) + "`"


SAY: dict[str, Callable[[Hint], str]] = {
    "option": _option,
    "list_all": lambda h: "see " + _run("list --status all"),
    "show": lambda h: "see " + _run("show {id}", h),
    "restore": lambda h: "restore it first with " + _run("delete {id} --undo", h),
    "reopen": lambda h: "reopen it with " + _run("edit {id} --status open", h),
    "force_status": lambda h: "run " + _run(STATUS_COMMANDS[h.values["status"]] + " {id} --force", h),
    "fulfil": lambda h: "Use " + _run("done {id}", h),
    "edit_example": lambda h: _run("edit {id} --owner staf@example.org --tag zeden", h),
    "correct_postponement": lambda h: ": " + _run("edit {id} --deadline PHRASE --date DAY", h),
    "postpone": lambda h: "Use " + _run("postpone {id} PHRASE", h),
    "link_example": lambda h: ", e.g. " + _run("event link 3 7 --as '{name}'", h),
    "name_event": lambda h: "Name one first with " + _run("event link ID... --as NAME"),
    "export_format": lambda h: "as " + _run("export") + " writes it",
    "skip_bad": lambda h: "import the rest with --skip-bad",
    "sync_url": lambda h: "[sync.tk] url or --url",
}


def say(h: Hint) -> str | None:
    """How the command line says hint `h` (None: in its words)."""
    way = SAY.get(h.action)
    return way(h) if way is not None else None


def told(e: ToezeggingError) -> str:
    """The message of `e` as the command line prints it."""
    return e.told(say)
