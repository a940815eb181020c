""" "Is this #12?": what `add` and `extract` say and ask when the register already holds an
open promise of the same ministry, in an overlapping window, in other words
(`toezegging.similar`).

On a terminal the user adds it anyway or skips it; with `--yes` it is left out unless
`--allow-duplicate` is given. `--json` output carries the ids it matched
(`duplicate_of`) and whether it was `added`, so a script can tell.
"""

from typing import TYPE_CHECKING

import click

from .format import plain, stored_id, window_text

if TYPE_CHECKING:
    from sqlmodel import Session

    from ..model import Promise
    from ..similar import Match

ALLOW_OPTION = click.option(
    "--allow-duplicate",
    is_flag=True,
    help="With --yes, add it even when the register holds an open promise of the same "
    "ministry with a like text and an overlapping window (left out otherwise; "
    "without --yes you are asked).",
)

ANSWERS = {"a": "a", "add": "a", "y": "a", "yes": "a", "s": "s", "skip": "s", "n": "s", "no": "s"}


def find(session: "Session", promise: "Promise", exclude_id: int | None = None) -> "list[Match]":
    """The open promises `promise` is like (`similar.Match`), most alike first."""
    from ..similar import near_duplicates  # here for start-up time (it imports SQLModel)

    return near_duplicates(
        session, promise.text, promise.ministry, promise.earliest, promise.latest, exclude_id=exclude_id
    )


def ids(matches: "list[Match]") -> list[int]:
    return [stored_id(m.promise) for m in matches]


def question(matches: "list[Match]") -> str:
    """'Is this #12?' (or '#12 or #15')."""
    return f"Is this {' or '.join(f'#{i}' for i in ids(matches))}?"


def show(matches: "list[Match]", err: bool = False) -> None:
    """The question, and each promise it may be: id, text and window."""
    click.echo(
        question(matches) + " The register holds a like promise of the same ministry "
        "in an overlapping window:",
        err=err,
    )
    for m in matches:
        click.echo(plain(f"  #{m.promise.id}  {m.promise.text}"), err=err)
        click.echo(f"        {window_text(m.promise)}", err=err)


def add_anyway(err: bool = False) -> bool:
    """Ask: add it anyway, or skip it? A typo asks again."""
    while True:
        answer = click.prompt("  [a]dd it anyway, [s]kip it", default="s", err=err)
        answer = answer.strip().lower()
        if answer in ANSWERS:
            return ANSWERS[answer] == "a"
        click.echo(f"  '{answer}' is not a or s; try again.", err=True)


def _which(matches: "list[Match]") -> str:
    return " or ".join(f"#{i}" for i in ids(matches))


def skipped(matches: "list[Match]") -> str:
    """What is said when the user skips it."""
    return f"Not added (the register holds it as promise {_which(matches)})."


def left_out(matches: "list[Match]") -> str:
    """What `--yes` says of a promise it leaves out."""
    return (
        f"Not added: it looks like promise {_which(matches)} (same ministry, like text, overlapping "
        "window). Add it anyway with --allow-duplicate."
    )
