"""Commands: events (the events without a date), event (date, link, set).

Each command reads its options, opens the store, calls `toezegging.events` and prints.
"""

from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING

import click

from . import complete
from . import format as fmt
from .context import Context
from .format import plain, window_text
from .options import DATE, ID_ARGUMENT

if TYPE_CHECKING:  # SQLModel: only when a command opens the store
    from sqlmodel import Session

    from ..events import Event
    from ..model import DeadlineChange


def _echo(text: str) -> None:
    """A line for the terminal: event names and promises are stored text, shown plainly."""
    click.echo(plain(text))


@click.command()
@fmt.json_option("the events, each with the promises waiting on it,", shape="array")
@click.pass_obj
def events(ctx: Context, as_json: bool) -> None:
    """List the events without a date, with the promises that wait on each."""
    from ..events import open_events

    with ctx.session(read_only=True) as s:
        found = open_events(s)
    if as_json:
        fmt.print_json([e.to_dict(ctx.today) for e in found])
        return
    _print_events(found, ctx.today)


def _print_events(found: "list[Event]", today: date) -> None:
    """The events and their promises: lines on a terminal, rows in a pipe."""
    if not fmt.to_terminal():  # piped: one whole row per waiting promise
        if not found:
            click.echo("No promise waits on an event.", err=True)
        fmt.print_rows(
            [e.name or e.label, e.since.isoformat(), p.id, p.deadline_now(), p.text]
            for e in found
            for p in e.promises
        )
        return
    if not found:
        _echo("No promise waits on an event.")
        return
    for e in found:
        name = e.name or f"'{e.label}' (#{e.promises[0].id})"
        weeks = e.weeks_waiting(today)
        _echo(f"{name}: no date, waiting since {e.since.isoformat()} ({fmt.plural(weeks, 'week')})")
        for p in e.promises:
            _echo(f"  #{p.id:<4} {fmt.cut(p.deadline_now(), 40):<40}  {fmt.cut(p.text, 50)}")
    n = sum(len(e.promises) for e in found)
    _echo(
        f"{fmt.plural(len(found), 'event')} without a date, "
        f"{fmt.plural(n, 'promise')} waiting. Give a date with "
        "`toezegging event ID --on DATE` or `toezegging event set NAME DATE`."
    )


class EventGroup(click.Group):
    """`toezegging event ID --on DATE` is short for `toezegging event date ID --on DATE`."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if args and args[0] not in self.commands and not args[0].startswith("-"):
            args = ["date", *args]
        return super().parse_args(ctx, args)


@click.group(cls=EventGroup)
def event() -> None:
    """Give events their dates: `event ID --on DATE`, `event link`, `event set`.

    \b
    Examples:
      toezegging event 3 --on 2027-01-01
      toezegging event link 3 7 --as "inwerkingtreding Wet X"
      toezegging event set "inwerkingtreding Wet X" 2027-01-01
    """


def _report(
    ctx: Context, s: "Session", changes: "Sequence[DeadlineChange]", as_json: bool, what: str, day: date
) -> None:
    """The promises a dating gave their windows (or that it changed nothing)."""
    from ..store import get_promise

    promises = [get_promise(s, c.promise_id) for c in changes]
    if as_json:
        fmt.print_json([fmt.promise_dict(s, p, ctx.today) for p in promises])
        return
    if not promises:
        _echo(f"{what} is already on {day.isoformat()}; nothing changed.")
        return
    _echo(f"{what} on {day.isoformat()}: {fmt.plural(len(promises), 'promise')} dated (not a postponement).")
    for p in promises:
        _echo(f"  #{p.id}: '{p.deadline_now()}' -> {window_text(p)}: {p.explanation}")


@event.command("date")
@ID_ARGUMENT
@click.option("--on", "day", type=DATE, required=True, help="The day the event takes place.")
@fmt.json_option("the dated promises", shape="array")
@click.pass_obj
def date_(ctx: Context, promise_id: str, day: date, as_json: bool) -> None:
    """Give the event promise ID waits on its date (all its promises, if it is linked)."""
    from ..events import date_promise_event

    with ctx.session() as s:
        changes = date_promise_event(s, promise_id, day, today=ctx.today, now=ctx.now)
        _report(ctx, s, changes, as_json, f"The event of promise {promise_id}", day)


@event.command("link")
@click.argument("promise_ids", metavar="ID...", nargs=-1, required=True, shell_complete=complete.promise_ids)
@click.option(
    "--as",
    "name",
    required=True,
    metavar="NAME",
    shell_complete=complete.event_names,
    help="The event's name, e.g. 'inwerkingtreding Wet X'.",
)
@fmt.json_option("the linked promises", shape="array")
@click.pass_obj
def link(ctx: Context, promise_ids: tuple[str, ...], name: str, as_json: bool) -> None:
    """Link the promises ID... to one shared event NAME, so one date dates them all."""
    from ..events import link as do_link

    with ctx.session() as s:
        promises, changes = do_link(s, list(promise_ids), name, today=ctx.today, now=ctx.now)
        if as_json:
            fmt.print_json([fmt.promise_dict(s, p, ctx.today) for p in promises])
            return
        name = promises[0].event_name or name
        ids = ", ".join(str(p.id) for p in promises)
        _echo(f"Linked promise{'s' if len(promises) != 1 else ''} {ids} to the event '{name}'.")
        day = promises[0].event_date
        if changes and day is not None:
            _report(ctx, s, changes, False, f"The event '{name}' (dated already) is", day)
        else:
            _echo(f'Give its date with `toezegging event set "{name}" YYYY-MM-DD`.')


@event.command("set")
@click.argument("name", shell_complete=complete.event_names)
@click.argument("day", metavar="DATE", type=DATE)
@fmt.json_option("the dated promises", shape="array")
@click.pass_obj
def set_(ctx: Context, name: str, day: date, as_json: bool) -> None:
    """Give the shared event NAME its DATE: every promise linked to it gets its window."""
    from ..events import set_event

    with ctx.session() as s:
        changes = set_event(s, name, day, today=ctx.today, now=ctx.now)
        _report(ctx, s, changes, as_json, f"Event '{name}'", day)
