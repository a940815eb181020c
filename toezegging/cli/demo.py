"""`toezegging demo`: the whole job in a folder of its own (the work is in `toezegging.demo`)."""

import os
import shlex
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING

import click

from ..demo import DEFAULT_DIR
from ..reminders import OVERDUE
from ..status import Status
from .format import cut, plural

if TYPE_CHECKING:
    from ..demo import Report
    from ..model import Promise


def _shown(path: Path) -> str:
    """A path as the user would type it: relative to here when it lies below here."""
    rel = os.path.relpath(path)
    return rel if not rel.startswith("..") else str(path)


def _line(p: "Promise") -> str:
    latest = p.latest.isoformat() if p.latest else "no date"
    status = "" if p.status == Status.OPEN else f" [{p.status}]"
    return f"  #{p.id:<3} {latest}  {cut(p.deadline_now(), 28):<28} {cut(p.text, 52 - len(status))}{status}"


@click.command()
@click.option(
    "--dir",
    "folder",
    default=DEFAULT_DIR,
    show_default=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="The folder for the demo's config, database, feeds and mails.",
)
@click.option(
    "--force", is_flag=True, help="Wipe an earlier demo in that folder (that folder only) and start again."
)
def demo(folder: Path, force: bool) -> None:
    """Show the whole job on a real cabinet letter, in a folder of its own.

    Finds the promises in a letter shipped with the package, adds a few by hand, builds
    the calendar feeds, runs one reminder tick (mails as .eml files) and writes the
    register's pages, all at a fixed moment; it ends with the address of the overview.
    Your own config and database are not read or touched.
    """
    from ..demo import run

    r = run(folder, force=force)
    _print_steps(r)
    _print_next(r)


def _print_steps(r: "Report") -> None:
    """What the demo did, step by step."""
    from ..demo import letter

    click.echo(f"Demo register in {_shown(r.folder)}/ (your own config and database are untouched).")
    click.echo(
        f"\n1. Read the cabinet letter {_shown(r.letter)}\n"
        f"   (dated {letter().date.isoformat()}) and added the "
        f"{plural(len(r.from_letter), 'promise')} with a deadline it makes:"
    )
    for p in r.from_letter:
        click.echo(_line(p))
    click.echo(
        f"\n2. Added {plural(len(r.by_hand), 'promise')} by hand "
        "(one long overdue, one fulfilled, one postponed twice):"
    )
    for p in r.by_hand:
        click.echo(_line(p))
    click.echo(f"\n3. Built the calendar feeds as on {r.moment.date().isoformat()}:")
    for path, n in r.feeds:
        click.echo(f"  {_shown(path):<40} {plural(n, 'promise')}")
    kinds = Counter(m.kind for m in r.mails)
    what = ", ".join(f"{n} {k}" for k, n in sorted(kinds.items()))
    click.echo(
        f"\n4. Ran one reminder tick as if it were {r.moment:%Y-%m-%d %H:%M} "
        f"({r.moment.tzinfo}):\n   {plural(len(r.mails), 'mail')} ({what or 'none'}), "
        "each with written questions drafted:"
    )
    for m in r.mails:
        click.echo(f"  #{m.promise_id:<3} {m.kind:<12} {cut(m.subject, 72)}")


def _print_next(r: "Report") -> None:
    """Where to look, and what to try next."""
    mail_dir = _shown(r.mails[0].path.parent) if r.mails else _shown(r.folder / "mail")
    first_overdue = next((m.promise_id for m in r.mails if m.kind == OVERDUE), None)
    config = shlex.quote(_shown(r.config_path))
    click.echo("\nWhere to look:")
    click.echo(
        f"  feeds:  {_shown(r.feeds[0][0].parent)}/*.ics  (import one into a calendar, or serve them, below)"
    )
    click.echo(f"  mails:  {mail_dir}/*.eml  (open one in a mail program)")
    click.echo("\nTry next:")
    base = f"toezegging --config {config}"
    click.echo(f"  {base} list")
    click.echo(f"  {base} show {r.by_hand[-1].id}")
    if first_overdue is not None:
        click.echo(f"  {base} draft {first_overdue}")
    click.echo("\nSee it in a browser: the overview shows what is overdue and what is due next.")
    click.echo(f"  from disk:   {_shown(r.site) if r.site else ''}")
    click.echo(f"  served:      {base} serve --today {r.moment.date().isoformat()}")
    click.echo(f"               then open {r.url}  (calendars: {r.url}feeds)")
    if os.environ.get("TOEZEGGING_DATABASE_URL"):
        click.echo(
            "\nNote: TOEZEGGING_DATABASE_URL is set and wins over --config; run the "
            "commands above with `env -u TOEZEGGING_DATABASE_URL` to see the demo.",
            err=True,
        )
