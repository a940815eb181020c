"""`toezegging calendar`: the parliamentary dates the open promises rest on."""

from typing import TYPE_CHECKING

import click

from ..status import Status
from . import format as fmt
from .context import Context
from .format import plain

if TYPE_CHECKING:
    from ..calendar_report import CalendarReport
    from ..parliament import Moment


def _moment_dict(m: "Moment") -> dict:
    from ..parliament import label

    return dict(
        kind=m.kind,
        name=label(m),
        year=m.year,
        start=m.start.isoformat(),
        end=m.end.isoformat(),
        estimated=m.estimated,
        source=m.source,
    )


def _span(m: "Moment") -> str:
    if m.start == m.end:
        return f"{m.start.isoformat()}"
    return f"{m.start.isoformat()} .. {m.end.isoformat()}"


@click.command()
@click.option(
    "--year",
    "years",
    type=click.IntRange(1990, 2100),
    multiple=True,
    help="Show these years (repeatable) instead of those the open promises reach into.",
)
@fmt.json_option("the years' dates and the promises resting on estimates")
@click.pass_obj
def calendar(ctx: Context, years: tuple[int, ...], as_json: bool) -> None:
    """Show the recesses and budget moments the open promises rest on.

    Lists, for every year an open promise's window reaches into, the Tweede Kamer's
    recesses and the budget moments, each marked sourced or estimated, and warns about
    open promises whose deadline rests on an estimated date. Add the Kamer's published
    dates with `[calendar] extra` in the config (see config.example.toml).
    """
    from .. import calendar_report, parliament
    from ..store import query_promises

    with ctx.session(read_only=True) as s:
        promises = query_promises(s, status=Status.OPEN)
    rep = calendar_report.report(promises, ctx.today)
    if years:
        rep.years = sorted(set(years))
        rep.moments = {y: parliament.moments_of(y) for y in rep.years}
    if as_json:
        fmt.print_json(
            dict(
                years={str(y): [_moment_dict(m) for m in rep.moments[y]] for y in rep.years},
                extra=[str(p) for p in ctx.config.calendar_files()],
                on_estimates=[
                    dict(id=p.id, deadline=p.deadline_now(), latest=str(p.latest), explanation=p.explanation)
                    for p in rep.on_estimates
                ],
            )
        )
        return
    _print_calendar(rep)


def _print_calendar(rep: "CalendarReport") -> None:
    """Each year's dates (rows in a pipe), then a warning for the promises on estimates."""
    from .. import parliament

    if fmt.to_terminal():
        for y in rep.years:
            click.echo(f"{y}")
            for m in rep.moments[y]:
                mark = "estimated" if m.estimated else "sourced  "
                click.echo(f"  {_span(m):<24} {parliament.label(m):<30} {mark}  {m.source}")
    else:  # piped: one whole row per date
        fmt.print_rows(
            [
                y,
                m.start.isoformat(),
                m.end.isoformat(),
                parliament.label(m),
                "estimated" if m.estimated else "sourced",
                m.source,
            ]
            for y in rep.years
            for m in rep.moments[y]
        )
    if rep.on_estimates:
        n = len(rep.on_estimates)
        click.echo(
            f"\nWarning: {fmt.plural(n, 'open promise')} "
            f"{'rest' if n != 1 else 'rests'} on an estimated date:",
            err=True,
        )
        for p in rep.on_estimates:
            click.echo(plain(f'  #{p.id} "{p.deadline_now()}" -> {p.latest}: {p.explanation}'), err=True)
        click.echo(
            "Once the Kamer publishes the dates, put them in a file named in "
            "[calendar] extra (the schema of calendars/recesses.toml).",
            err=True,
        )
