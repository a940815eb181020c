"""Commands: remind (one tick), scheduler (the daemon), draft (the questions), outbox."""

import logging
import signal
from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

import click

from ..errors import InvalidInput
from ..reminders import KINDS, ReminderState
from . import complete
from . import format as fmt
from .context import Context
from .format import plain, plain_lines

if TYPE_CHECKING:  # the store and the tick: only when a command runs
    from ..config import Config
    from ..delivery import TickReport
    from ..store import Store

STATES = tuple(s.value for s in ReminderState)
# What `outbox` lists without --state: all but the cancelled.
LISTED = tuple(s.value for s in ReminderState if s is not ReminderState.CANCELLED)
PENDING, FAILED, SENT = ReminderState.PENDING, ReminderState.FAILED, ReminderState.SENT


def _moment(text: str | None, ctx: Context) -> datetime:
    if not text:
        return ctx.now
    tz = ZoneInfo(ctx.config.reminders.timezone)
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise InvalidInput(
            f"--now {text!r} is not an ISO moment; write e.g. 2026-10-25T08:00 or 2026-10-25T06:00:00+00:00."
        ) from None
    return moment.replace(tzinfo=tz) if moment.tzinfo is None else moment.astimezone(tz)


def _logging(verbose: bool) -> None:
    logging.basicConfig(
        level=logging.INFO if verbose else logging.WARNING,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    # One line per tick: the libraries' own chatter (each job run, each migration
    # plugin) only when it is a warning.
    for name in ("apscheduler", "alembic"):
        logging.getLogger(name).setLevel(logging.WARNING)


# `remind` exit statuses beyond 0 (done), 1 (input refused) and 2 (usage), so that cron
# tells the admin when mail is not going out (documented in the README and `--help`).
EXIT_FAILED = 3  # a reminder failed in this run (refused for good, or its mail cannot be made)
EXIT_WAITING = 4  # the mail server could not be reached: reminders wait for it


def _report_dict(report: "TickReport", dry_run: bool) -> dict:
    down = report.server_down_since
    return dict(
        now=report.now.isoformat(),
        dry_run=dry_run,
        quiet=report.quiet,
        queued=report.inserted,
        sent=report.sent,
        retry=report.retry,
        failed=report.failed,
        waiting=report.waiting,
        cancelled=report.cancelled,
        no_recipient=report.no_recipient,
        server_down_since=down.isoformat() if down else None,
        server_error=report.server_error or None,
        lines=report.lines,
    )


@click.command(
    epilog="Exit status: 0 done; 1 input refused; 3 a reminder failed "
    "(see `toezegging outbox --failed`); 4 the mail server could not be "
    "reached and reminders wait for it."
)
@click.option(
    "--now",
    "now_text",
    metavar="ISO",
    help="Run as if it were this moment (a naive time is in reminders.timezone).",
)
@click.option("--dry-run", is_flag=True, help="Show what is due; write and send nothing.")
@fmt.json_option(
    "the tick's report",
    shape="lines",
    help="Print the tick's report as JSON, one object per line: one line per "
    "run, so a log of runs (cron's, or the scheduler's) is a stream.",
)
@click.pass_obj
def remind(ctx: Context, now_text: str | None, dry_run: bool, as_json: bool) -> None:
    """Run one reminder tick: queue what is due and send it (for cron).

    Exits with 3 when a reminder failed and with 4 when the mail server could not be
    reached, so that cron mails the admin; nothing is lost either way.
    """
    from ..delivery import tick

    _logging(False)
    now = _moment(now_text, ctx)
    with ctx.store() as store:
        report = tick(store, ctx.config, now, dry_run=dry_run)
    if as_json:
        fmt.print_json_line(_report_dict(report, dry_run))
    else:
        for line in report.lines:
            click.echo(plain(line))
        click.echo(("(dry run) " if dry_run else "") + report.summary())
    if report.failed:
        click.echo(
            f"{report.failed} reminder(s) failed; see `toezegging outbox --failed`, fix "
            "the cause, then `toezegging outbox retry`.",
            err=True,
        )
        _exit(EXIT_FAILED)
    if report.server_down_since:
        click.echo(
            f"the mail server cannot be reached ({report.server_error}); "
            f"{report.waiting} reminder(s) wait and go out once it answers.",
            err=True,
        )
        _exit(EXIT_WAITING)


def _exit(code: int) -> None:
    raise click.exceptions.Exit(code)


@click.command()
@click.option(
    "--interval",
    type=click.FloatRange(min=0.1, max=86_400),
    metavar="SECONDS",
    help="Seconds between ticks (default: reminders.tick_minutes).",
)
@fmt.json_option(
    "each tick's report",
    shape="lines",
    help="Print each tick's report on standard output as JSON, one object per "
    "line (a stream; the same object as `remind --json`).",
)
@click.pass_obj
def scheduler(ctx: Context, interval: float | None, as_json: bool) -> None:
    """Run the reminder daemon: a tick every few minutes until SIGTERM or Ctrl-C.

    Logs one line per tick (an ERROR while mail is failing or the database is away);
    a database that cannot be reached at start is waited for. A tick under way finishes
    first; the exit status is 0 after SIGTERM, 130 after Ctrl-C (SIGINT).
    """
    from .. import scheduler as daemon

    _logging(True)
    config = ctx.config
    tz = ZoneInfo(config.reminders.timezone)
    log = logging.getLogger("toezegging.scheduler")
    with daemon.stopping() as stop, ctx.store_when_up(stop, log) as store:
        if store is not None:  # else stopped before the database could be opened
            daemon.run(
                _ticker(store, config, log, as_json),
                interval or config.reminders.tick_minutes * 60,
                ctx.now,
                tz,
                stop,
            )
    if stop.signum == signal.SIGINT:  # Ctrl-C: stopped cleanly, and says it was interrupted
        raise click.exceptions.Exit(130)


def _ticker(store: "Store", config: "Config", log: logging.Logger, as_json: bool) -> Callable[[], None]:
    """The scheduler's job: the daily sync (when enabled) and a tick, at the daemon's clock,
    one log line per tick (an ERROR while mail is failing)."""
    from ..delivery import tick
    from ..errors import ToezeggingError

    tz = ZoneInfo(config.reminders.timezone)
    paused: dict = {}  # after a failed sync, the moment to try again

    def job() -> None:
        now = datetime.now(tz)  # the daemon's clock, read per tick
        try:
            if config.sync.tk.enabled:
                _daily_sync(store, config, now, log, paused)
            report = tick(store, config, now)
        except ToezeggingError as e:
            log.error("tick skipped: %s", e)
            return
        for line in report.lines:
            log.info("%s", plain(line))
        log.log(logging.ERROR if report.mail_failing else logging.INFO, "%s", report.summary())
        if as_json:
            fmt.print_json_line(_report_dict(report, False))

    return job


def _daily_sync(store: "Store", config: "Config", now: datetime, log: logging.Logger, paused: dict) -> None:
    """`[sync.tk] enabled`: the sync with the Tweede Kamer's register, once a day; after a
    failure it waits an hour before it tries again."""
    from ..errors import ToezeggingError
    from ..sync import tk as register

    if paused.get("until") and now < paused["until"]:
        return
    try:
        report = register.daily(store, config.sync.tk, now)
    except ToezeggingError as e:
        paused["until"] = now + timedelta(hours=1)
        log.warning("sync tk failed (tried again in an hour): %s", e.message)
        return
    if report is not None:
        n = report.counts()
        log.info("sync tk: %s", ", ".join(f"{v} {k}" for k, v in n.items()))


@click.command()
@click.argument("promise_id", metavar="ID", shell_complete=complete.promise_ids)
@click.option(
    "--kind", type=click.Choice(KINDS), help="Which mail's questions (default: what fits the promise today)."
)
@fmt.json_option(
    "the questions",
    help="Print the questions as one JSON object: the promise's "
    "id, the kind of mail, the language and the text.",
)
@click.pass_obj
def draft(ctx: Context, promise_id: str, kind: str | None, as_json: bool) -> None:
    """Print the drafted written questions about promise ID."""
    from .. import mail, reminders
    from ..store import get_promise, history

    config = ctx.config
    with ctx.session(read_only=True) as s:
        p = get_promise(s, promise_id)
        changes = history(s, fmt.stored_id(p))
    kind = kind or reminders.stage(p, ctx.today, config.reminders)
    templates = config.templates_dir()
    c = mail.context(
        p,
        changes,
        kind,
        ctx.today,
        config.mail.language,
        deadline=reminders.deadline_for(p, ctx.today),
        timezone=config.reminders.timezone,
        templates=templates,
        today=ctx.today,
        member=config.member,
    )
    try:
        text = mail.draft_questions(c, config.mail.language, templates)
    except mail.RenderError as e:
        raise InvalidInput(str(e)) from None
    if as_json:
        fmt.print_json(
            {"promise": p.id, "kind": kind, "language": config.mail.language, "text": text.rstrip("\n")}
        )
        return
    click.echo(plain_lines(text.rstrip("\n")))


def _waiting(row: Any) -> bool:
    """A pending reminder held back because the mail server did not answer."""
    return row.state == PENDING and (row.error or "").startswith("waiting: ")


def _jsonable(v: Any) -> Any:
    if isinstance(v, datetime | date):
        return v.isoformat()
    return v


@click.group(invoke_without_command=True)
@click.option(
    "--state",
    "states",
    multiple=True,
    type=click.Choice(STATES + ("all",)),
    help="Only these states (repeatable). Default: pending, sending, sent, failed.",
)
@click.option(
    "--failed",
    is_flag=True,
    help="What is not going out: failed reminders, and those waiting for a mail "
    "server that does not answer, with their reasons.",
)
@click.option("--limit", type=click.IntRange(min=1, max=1_000_000), default=None, help="At most this many.")
@fmt.json_option("each reminder", shape="lines")
@click.pass_context
def outbox(
    cctx: click.Context, states: tuple[str, ...], failed: bool, limit: int | None, as_json: bool
) -> None:
    """List reminders in the outbox: pending, sent and failed.

    `toezegging outbox --failed` shows what did not go out and why;
    `toezegging outbox retry [ID...]` queues failed reminders again once the cause is fixed.
    """
    if cctx.invoked_subcommand is not None:
        return
    from ..outbox import listing, server_state

    ctx: Context = cctx.obj
    if failed:
        states = (FAILED, PENDING)
    chosen = None if "all" in states else list(states or LISTED)
    with ctx.store(read_only=True) as store:
        rows = listing(store, chosen, None if failed else limit)
        down = server_state(store)
    if failed:
        rows = [r for r in rows if _waiting(r) or r.state == FAILED][:limit]
    tz = ZoneInfo(ctx.config.reminders.timezone)
    if as_json:
        for r in rows:
            m = _listed(r)
            fmt.print_json_line({k: _jsonable(m[k]) for k in KEYS})
        return
    _print_outbox(rows, tz)
    if down is not None:
        click.echo(
            plain(
                f"The mail server has not answered since "
                f"{down.down_since.astimezone(tz):%Y-%m-%d %H:%M} ({down.last_error}); "
                f"next try at {down.next_try_at.astimezone(tz):%Y-%m-%d %H:%M}."
            ),
            err=True,
        )
    if not rows:
        click.echo("No failed reminders." if failed else "The outbox is empty.", err=True)
    elif failed:
        click.echo("Fix the cause, then queue them again: toezegging outbox retry [ID...]", err=True)


# The fields of a reminder in `outbox --json`.
KEYS = (
    "id",
    "promise_id",
    "kind",
    "due_on",
    "state",
    "recipient",
    "attempts",
    "next_attempt_at",
    "sent_at",
    "message_id",
    "error",
)


def _listed(row: Any) -> dict:
    """An outbox row as listed: a reminder waiting for the mail server is "waiting"."""
    m = dict(row._mapping)
    if _waiting(row):
        m["state"] = "waiting"
    return m


def _print_outbox(rows: list, tz: ZoneInfo) -> None:
    """One line per reminder on a terminal (its text cut); piped, whole tab-separated rows."""
    piped = not fmt.to_terminal()
    for r in rows:
        m = _listed(r)
        when = (m["sent_at"] or m["next_attempt_at"]).astimezone(tz)
        if piped:  # whole fields, tab-separated, for another program
            fmt.print_rows(
                [
                    [
                        m["id"],
                        m["promise_id"],
                        m["kind"],
                        m["due_on"],
                        m["state"],
                        f"{when:%Y-%m-%d %H:%M}",
                        m["recipient"],
                        m["text"],
                        m["error"] if m["state"] != SENT else "",
                    ]
                ]
            )
            continue
        text = fmt.cut(m["text"], 50)
        line = (
            f"{m['id']:>5} #{m['promise_id']:<5} {m['kind']:<11} {m['due_on']} "
            f"{m['state']:<9} {when:%Y-%m-%d %H:%M} {m['recipient']}  {text}"
        )
        if m["error"] and m["state"] != SENT:
            line += f"  [{m['error']}]"
        click.echo(plain(line))  # the text, recipient and server's answer are not ours


@outbox.command("retry")
@click.argument("ids", nargs=-1, type=click.IntRange(min=1, max=2**31 - 1))
@fmt.json_option("the ids queued", shape="array")
@click.pass_obj
def outbox_retry(ctx: Context, ids: tuple[int, ...], as_json: bool) -> None:
    """Queue failed reminders again (all of them, or those with these IDs).

    Their attempts start afresh; the next `remind` or scheduler tick sends them.
    """
    from ..outbox import retry_failed, states_of

    with ctx.store() as store:
        if ids:
            states = states_of(store, list(ids))
            wrong = [
                f"{i} ({states[i]})" if i in states else f"{i} (no such reminder)"
                for i in ids
                if states.get(i) != FAILED
            ]
            if wrong:
                raise InvalidInput(
                    f"only failed reminders can be retried: {', '.join(wrong)}. "
                    "See `toezegging outbox --failed`."
                )
        queued = retry_failed(store, list(ids) or None, ctx.now)
    if as_json:
        fmt.print_json(queued)
    elif queued:
        click.echo(f"Queued {len(queued)} reminder(s) again: {', '.join(map(str, queued))}.")
    else:
        click.echo("No failed reminders to retry.")
