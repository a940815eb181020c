"""Commands: remind (one tick), scheduler (the daemon), draft (the questions), outbox."""

import logging
from datetime import date, datetime
from zoneinfo import ZoneInfo

import click

from ..errors import InvalidInput
from .format import json_text, plain, plain_lines

STATES = ("pending", "sending", "sent", "failed", "cancelled")


def _moment(text: str | None, ctx) -> datetime:
    if not text:
        return ctx.now
    tz = ZoneInfo(ctx.config.reminders.timezone)
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise InvalidInput(
            f"--now {text!r} is not an ISO moment; write e.g. 2026-10-25T08:00 "
            "or 2026-10-25T06:00:00+00:00."
        ) from None
    return moment.replace(tzinfo=tz) if moment.tzinfo is None else moment.astimezone(tz)


def _logging(verbose: bool) -> None:
    logging.basicConfig(level=logging.INFO if verbose else logging.WARNING,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")


@click.command()
@click.option("--now", "now_text", metavar="ISO",
              help="Run as if it were this moment (a naive time is in reminders.timezone).")
@click.option("--dry-run", is_flag=True, help="Show what is due; write and send nothing.")
@click.option("--json", "as_json", is_flag=True, help="Print the tick's report as JSON.")
@click.pass_obj
def remind(ctx, now_text, dry_run, as_json):
    """Run one reminder tick: queue what is due and send it (for cron)."""
    from ..outbox import tick
    from ..store import open_store

    _logging(False)
    now = _moment(now_text, ctx)
    store = open_store(ctx.config)
    try:
        report = tick(store, ctx.config, now, dry_run=dry_run)
    finally:
        store.dispose()
    if as_json:
        click.echo(json_text(dict(now=now.isoformat(), dry_run=dry_run, quiet=report.quiet,
                                  queued=report.inserted, sent=report.sent, retry=report.retry,
                                  failed=report.failed, cancelled=report.cancelled,
                                  no_recipient=report.no_recipient, lines=report.lines),
                             indent=None))
        return
    for line in report.lines:
        click.echo(plain(line))
    click.echo(("(dry run) " if dry_run else "") + report.summary())


@click.command()
@click.option("--interval", type=click.FloatRange(min=0.1, max=86_400), metavar="SECONDS",
              help="Seconds between ticks (default: reminders.tick_minutes).")
@click.pass_obj
def scheduler(ctx, interval):
    """Run the reminder daemon: a tick every few minutes until SIGTERM."""
    from .. import scheduler as daemon
    from ..outbox import tick
    from ..store import open_store

    _logging(True)
    config = ctx.config
    tz = ZoneInfo(config.reminders.timezone)
    store = open_store(config)
    log = logging.getLogger("toezegging.scheduler")

    def job():
        report = tick(store, config, datetime.now(tz))  # the daemon's clock, read per tick
        for line in report.lines:
            log.info("%s", plain(line))
        log.info("%s", report.summary())

    try:
        daemon.run(job, interval or config.reminders.tick_minutes * 60, ctx.now, tz)
    finally:
        store.dispose()


@click.command()
@click.argument("promise_id")
@click.option("--kind", type=click.Choice(("opens", "approaching", "due", "overdue", "postponed")),
              help="Which mail's questions (default: what fits the promise today).")
@click.pass_obj
def draft(ctx, promise_id, kind):
    """Print the drafted written questions about promise ID."""
    from .. import mail, reminders
    from ..store import get_promise, history, open_store

    config = ctx.config
    store = open_store(config, read_only=True)
    try:
        with store.session() as s:
            p = get_promise(s, promise_id)
            changes = history(s, p.id)
    finally:
        store.dispose()
    kind = kind or reminders.stage(p, ctx.today, config.reminders)
    c = mail.context(p, changes, kind, ctx.today, config.mail.language,
                     deadline=reminders.deadline_for(p, ctx.today),
                     timezone=config.reminders.timezone)
    click.echo(plain_lines(mail.draft_questions(c, config.mail.language).rstrip("\n")))


def _jsonable(v):
    if isinstance(v, datetime | date):
        return v.isoformat()
    return v


@click.command()
@click.option("--state", "states", multiple=True, type=click.Choice(STATES + ("all",)),
              help="Only these states (repeatable). Default: pending, sending, sent, failed.")
@click.option("--limit", type=click.IntRange(min=1, max=1_000_000), default=None,
              help="At most this many.")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per line.")
@click.pass_obj
def outbox(ctx, states, limit, as_json):
    """List reminders in the outbox: pending, sent and failed."""
    from ..outbox import listing
    from ..store import open_store

    chosen = None if "all" in states else list(states or STATES[:4])
    tz = ZoneInfo(ctx.config.reminders.timezone)
    store = open_store(ctx.config, read_only=True)
    try:
        rows = listing(store, chosen, limit)
    finally:
        store.dispose()
    keys = ("id", "promise_id", "kind", "due_on", "state", "recipient", "attempts",
            "next_attempt_at", "sent_at", "message_id", "error")
    for r in rows:
        m = r._mapping
        if as_json:
            click.echo(json_text({k: _jsonable(m[k]) for k in keys}, indent=None))
            continue
        when = (m["sent_at"] or m["next_attempt_at"]).astimezone(tz)
        text = m["text"] if len(m["text"]) <= 50 else m["text"][:49] + "…"
        line = (f"{m['id']:>5} #{m['promise_id']:<5} {m['kind']:<11} {m['due_on']} "
                f"{m['state']:<9} {when:%Y-%m-%d %H:%M} {m['recipient']}  {text}")
        if m["error"] and m["state"] != "sent":
            line += f"  [{m['error']}]"
        click.echo(plain(line))  # the text, recipient and server's answer are not ours
    if not rows and not as_json:
        click.echo("The outbox is empty.", err=True)
