"""Commands: `sync tk` (follow the Tweede Kamer's register of promises) and `stats`."""

import sys
from datetime import date
from typing import TYPE_CHECKING

import click

from . import complete
from . import format as fmt
from .context import Context
from .format import plain
from .options import DATE

if TYPE_CHECKING:
    from ..config import TkSyncConfig
    from ..stats import Stats
    from ..sync.tk import Filters, Report


@click.group()
def sync() -> None:
    """Follow an outside register of promises: `sync tk` for the Tweede Kamer's."""


@sync.command("tk")
@click.option("--url", help="The OData API's base address, for this run (default: [sync.tk] url).")
@click.option(
    "--ministry",
    "ministries",
    multiple=True,
    shell_complete=complete.ministry_names,
    help="Only this ministry: name or abbreviation (repeatable; replaces [sync.tk] ministries).",
)
@click.option(
    "--match",
    "words",
    multiple=True,
    help="Only promises whose text or debate subject holds these words "
    "(repeatable, any of them; replaces [sync.tk] match).",
)
@click.option("--since", type=DATE, help="Only promises made on or after this day.")
@click.option(
    "--tag",
    "tags",
    multiple=True,
    help="Tag for the promises added (repeatable).",
    shell_complete=complete.tags,
)
@click.option("--dry-run", is_flag=True, help="Show what would change; write nothing.")
@click.option(
    "--full", is_flag=True, help="Read every record again, not only those changed since the last sync."
)
@fmt.json_option("the summary")
@click.pass_obj
def tk(
    ctx: Context,
    url: str | None,
    ministries: tuple[str, ...],
    words: tuple[str, ...],
    since: date | None,
    tags: tuple[str, ...],
    dry_run: bool,
    full: bool,
    as_json: bool,
) -> None:
    """Bring the Tweede Kamer's register of promises into the register.

    New records become promises with their deadline read from the text (or the
    register's date), status changes close or reopen them, deleted records leave lists,
    reminders and feeds; your own changes are kept and conflicts reported. Only what
    changed since the last sync is read, page by page; a sync that stops part-way
    resumes where it stopped.

        toezegging sync tk --ministry "Justitie en Veiligheid" --match "huiselijk geweld"
    """
    from .. import ministries as names
    from ..sync import client as http
    from ..sync import tk as register

    cfg = ctx.config.sync.tk
    filters = _filters(cfg, ministries, words, since)
    fmt.warn(names.filter_note(names.select(filters.ministries)))
    url = url or cfg.url
    bar = fmt.Progress("Reading the register", enabled=sys.stderr.isatty() and not as_json, show_pos=True)
    with ctx.store() as store:
        try:
            with (
                bar,
                http.JsonClient(timeout=cfg.timeout, retries=cfg.retries, backoff=cfg.backoff) as client,
            ):
                report = register.run(
                    store,
                    client,
                    url=url,
                    filters=filters,
                    now=ctx.now,
                    tags=list(tags) or list(cfg.tags),
                    dry_run=dry_run,
                    full=full,
                    progress=bar,
                )
        except http.SyncError as e:
            done = getattr(e, "report", None)
            if done is not None and done.pages and not dry_run:
                _print(done, err=True)
                e.message += (
                    f" The {fmt.plural(done.pages, 'page')} before it "
                    "were stored; the next sync resumes after them."
                )
            raise
    if as_json:
        fmt.print_json(report.to_dict())
        return
    _print(report)


def _filters(
    cfg: "TkSyncConfig", ministries: tuple[str, ...], words: tuple[str, ...], since: date | None
) -> "Filters":
    """What to read: the options given, else `[sync.tk]`'s."""
    from ..sync.tk import Filters

    return Filters(
        ministries=tuple(ministries or cfg.ministries),
        match=tuple(words or cfg.match),
        since=since or (date.fromisoformat(cfg.since) if cfg.since else None),
    )


def _cut(text: str | None, n: int) -> str:
    return fmt.cut(fmt.one_line(text), n)


def _print(report: "Report", err: bool = False) -> None:
    echo = lambda s="": click.echo(plain(s), err=err)  # noqa: E731  (the register's text is not ours)
    for o in report.outcomes:
        if o.kind in ("unchanged", "ignored") and not o.conflicts:
            continue
        head = f"{o.kind:<9} {o.number or '?':<13} {'#' + str(o.promise_id) if o.promise_id else '':<5}"
        if o.kind == "new":
            due = o.latest.isoformat() if o.latest else "no date"
            echo(f"{head} {due:<10}  {_cut(o.deadline or '(none found)', 22):<22}  {_cut(o.text, 40)}")
        elif o.kind not in ("unchanged", "ignored"):
            echo(f"{head} {_cut('; '.join(o.details), 100)}".rstrip())
        for c in o.conflicts:
            echo(
                f"{'conflict':<9} {o.number or '?':<13} {'#' + str(o.promise_id):<5} "
                f"{c.field}: the Kamer now has {_cut(repr(c.theirs), 40)}, you have "
                f"{_cut(repr(c.ours), 40)}; kept yours"
            )
    n = report.counts()
    where = report.url.rstrip("/") + "/Toezegging"
    echo(
        f"{'Dry run, nothing written: ' if report.dry_run else ''}"
        f"{'Synced' if report.complete else 'Stopped'} {where} ({report.filters.describe()}): "
        f"{fmt.plural(report.pages, 'page')}, {fmt.plural(report.records, 'record')}."
    )
    counts = ", ".join(
        f"{n[k]} {k}"
        for k in ("new", "updated", "closed", "reopened", "removed", "restored", "conflicts", "unchanged")
        if n[k] or k in ("new", "updated", "closed", "removed", "conflicts")
    )
    echo(f"  {counts}")
    if report.unreadable:
        listed = ", ".join(f"{o.number} (#{o.promise_id})" for o in report.unreadable)
        echo(
            f"  no deadline read in {len(report.unreadable)}: {listed}; read their text "
            "and give each a deadline by hand."
        )
    for number, why in report.skipped:
        echo(f"  skipped {number}: {why}")


@click.command()
@click.option(
    "--register-only",
    is_flag=True,
    help="Only the promises from the Tweede Kamer's register (with a number).",
)
@fmt.json_option("the counts")
@click.pass_obj
def stats(ctx: Context, register_only: bool, as_json: bool) -> None:
    """How the register's deadlines were read: windows, events, unreadable, and kinds."""
    from ..stats import register_stats

    with ctx.session(read_only=True) as s:
        st = register_stats(s, register_only=register_only)
    if as_json:
        fmt.print_json(st.to_dict())
        return
    _print_stats(st, register_only)


def _print_stats(st: "Stats", register_only: bool) -> None:
    """The counts and shares: a table on a terminal, rows (what, how many, share) in a pipe."""
    if not fmt.to_terminal():  # piped: what, how many, share
        fmt.print_rows(
            [
                ["promises", st.promises, ""],
                *(
                    [label, n, f"{st.share(n):.1%}"]
                    for label, n in (
                        ("with a window", st.window),
                        ("events", st.event),
                        ("unreadable", st.unreadable),
                    )
                ),
                *([f"kind {kind}", n, f"{n / st.window:.1%}"] for kind, n in st.kinds.items()),
            ]
        )
        return
    what = "promises from the Tweede Kamer's register" if register_only else "promises"
    click.echo(f"{st.promises} {what} (removed ones left out):")
    for label, n, note in (
        ("with a window", st.window, ""),
        ("events", st.event, "  waiting on an event without a date"),
        ("unreadable", st.unreadable, "  no deadline found in the text"),
    ):
        click.echo(f"  {label:<14} {n:>6}  {st.share(n):6.1%}{note}")
    if st.kinds:
        click.echo("By kind (those with a window):")
        for kind, n in st.kinds.items():
            click.echo(f"  {kind:<14} {n:>6}  {n / st.window:6.1%}")
