"""The everyday commands: add, list, show, edit, done, postpone, withdraw, lapse, delete,
import, export.

Each command reads its options, opens the store, calls `toezegging.promises` or
`toezegging.import_export`, and prints. The clock comes from the `Context` (read once).
"""

import re
import sys
from contextlib import contextmanager
from datetime import date

import click

from .. import ministries
from ..errors import InvalidInput, UnreadableDeadline
from ..status import STATUS_NL, Status
from . import complete, duplicates
from . import format as fmt
from .context import Context
from .format import json_text, plain

STATUS_CHOICES = [s.value for s in Status]
JSON_OPTION = fmt.json_option("the promise")
ID_ARGUMENT = click.argument("promise_id", metavar="ID", shell_complete=complete.promise_ids)
MAX_DAYS = 36_500  # a hundred years: --due-within goes no further


class DateType(click.ParamType):
    name = "YYYY-MM-DD"

    def convert(self, value, param, ctx):
        if isinstance(value, date):
            return value
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            self.fail(f"{value!r} is not a date; write it as YYYY-MM-DD, e.g. 2026-06-10.",
                      param, ctx)


DATE = DateType()


class OptionalDateType(DateType):
    """A date at a prompt where Enter gives none; a typo asks again (click re-prompts on it)."""

    def convert(self, value, param, ctx):
        if value is None or (isinstance(value, str) and not value.strip()):
            return None
        return super().convert(value, param, ctx)


OPTIONAL_DATE = OptionalDateType()


def _interactive() -> bool:
    """Whether to ask for what is missing (standard input is a terminal)."""
    return sys.stdin.isatty()


@contextmanager
def _session(ctx: Context, read_only: bool = False):
    """A session on the configured store; `read_only` for a command that only reads (it
    then also works on a database this user may not write)."""
    from ..store import open_store

    store = open_store(ctx.config, read_only=read_only)
    try:
        with store.session() as s:
            yield s
    finally:
        store.dispose()


def _write(ctx: Context, change):
    """Run `change(session)` in one transaction and return what it returns. When another
    process changed the same promise first, the change runs again on the new state (see
    `Store.write`), so print only after this returns."""
    from ..store import open_store

    store = open_store(ctx.config)
    try:
        return store.write(change)
    finally:
        store.dispose()


def _warn(note: str | None) -> None:
    if note:
        click.echo(plain(f"Warning: {note}"), err=True)


def _dump(obj) -> None:
    fmt.print_json(obj)


def _as_dict(session, p, ctx: Context) -> dict:
    from ..promises import promise_to_dict
    from ..store import history

    return promise_to_dict(p, history(session, p.id), ctx.today)


def window_text(p) -> str:
    """A promise's (or proposal's) window in one line: a day, a range, or no date."""
    if p.latest is None:
        if getattr(p, "anchor", None):
            return f"no date yet: waits on '{p.anchor}'"
        return "open-ended (no date)"
    if p.earliest in (None, p.latest):
        return p.latest.isoformat()
    return f"{p.earliest.isoformat()} .. {p.latest.isoformat()}"


def _status_label(p, today: date) -> str:
    label = p.status
    if p.is_overdue(today):
        label += ", overdue"
    return label


def _print_promise(d: dict, p, today: date, err: bool = False) -> None:
    echo = lambda s="": click.echo(plain(s), err=err)  # noqa: E731  (each line quotes stored text)
    title = f"Promise {p.id}" if p.id else "Promise"
    if p.number:
        title += f" ({p.number})"
    echo(f"{title}: {p.text}")
    echo(f"  deadline:   '{p.deadline}', said on {p.reference.isoformat()}")
    moves = [h for h in d["history"] if h["kind"] == "postponement"]
    if p.current_deadline:
        echo(f"  now:        '{p.current_deadline}' (postponed {len(moves)}x)")
    echo(f"  window:     {window_text(p)} ({p.kind}{', hedged' if p.hedged else ''}"
         f"{', estimated' if p.estimated else ''}{_recurring(p, d, today)})")
    echo(f"              {p.explanation}")
    if p.id:
        echo(f"  status:     {_status_label(p, today)} ({STATUS_NL[Status(p.status)]})"
             + (f", {p.fulfilled_by}" if p.fulfilled_by else "")
             + (f", closed {p.closed_on.isoformat()}" if p.closed_on else ""))
    who = [("by", p.by), ("function", p.function), ("ministry", p.ministry), ("to", p.to),
           ("fraction", p.fraction), ("source", p.source), ("kamerstuk", p.kamerstuk),
           ("url", p.url), ("owner", p.owner), ("notes", p.notes)]
    for label, value in who:
        if value:
            echo(f"  {label + ':':<11} {value}")
    if p.tags:
        echo(f"  tags:       {', '.join(p.tags)}")
    if getattr(p, "deleted_at", None):
        echo(f"  removed:    {p.deleted_at.date().isoformat()} (left out of lists, reminders and feeds)")
    if getattr(p, "event_name", None) or getattr(p, "event_date", None):
        echo(f"  event:      {p.event_name or p.anchor or ''}"
             + (f", on {p.event_date.isoformat()}" if p.event_date else ", no date yet"))
    for h in d["history"]:
        why = f" ({h['reason']})" if h["reason"] else ""
        if h["kind"] == "status":
            echo(f"  status change: {h['reference']}: {h['old_status']} -> {h['new_status']}{why}")
            continue
        if h["kind"] == "occurrence":  # one occurrence of a recurring promise fulfilled
            done = [x for x in d["history"] if x["kind"] == "occurrence"]
            echo(f"  occurrence {done.index(h) + 1} {h['new_status']}: {h['reference']}: due "
                 f"{h['old_latest']}{why} -> next {_span(h['new_earliest'], h['new_latest'])}")
            continue
        if h["kind"] == "event":  # the event got its date: not a postponement
            echo(f"  event dated: {h['reference']}: '{h['new_deadline']}' -> "
                 f"{h['new_earliest']} .. {h['new_latest']}{why}")
            continue
        label = f"postponed {moves.index(h) + 1}" if h in moves else h["kind"]
        echo(f"  {label}: {h['reference']}: '{h['old_deadline']}' "
             f"({h['old_latest'] or 'no date'}) -> '{h['new_deadline']}' "
             f"({h['new_latest'] or 'no date'}){why}")


def _span(earliest: str | None, latest: str | None) -> str:
    return latest or "no date" if earliest in (None, latest) else f"{earliest} .. {latest}"


def _recurring(p, d: dict, today: date) -> str:
    """", recurring every year, now occurrence 2" for `show` (the CLI's words are English)."""
    from .. import recurrence

    if not recurrence.valid(p.recurrence):
        return f", {p.recurrence}" if p.recurrence else ""
    n = sum(1 for h in d["history"] if h["kind"] == "occurrence")
    text = f", recurring {recurrence.describe(p.recurrence, 'en')}"
    return text + (f", occurrence {n + 1}" if n else "")


def _after(session, p, ctx: Context, as_json: bool, message: str) -> str:
    """What a change prints: the promise as JSON, or `message` (as plain text: it quotes
    stored text)."""
    return json_text(_as_dict(session, p, ctx)) if as_json else plain(message)


# ----------------------------------------------------------------------------- add

@click.command()
@click.argument("text", required=False)
@click.option("--deadline", "-d", help="The time phrase as said, e.g. 'voor de zomer'.")
@click.option("--date", "reference", type=DATE,
              help="The day the promise was made (debate or letter). Default: today.")
@click.option("--by", help="Who promised it (bewindspersoon).")
@click.option("--function", help="Their function, e.g. 'minister van Justitie en Veiligheid'.")
@click.option("--ministry", help="The ministry.", shell_complete=complete.ministry_names)
@click.option("--to", help="To whom (member of parliament).")
@click.option("--fraction", help="The member's fraction.")
@click.option("--source", help="Where: the debate or letter.")
@click.option("--kamerstuk", help="Kamerstuk number, e.g. 28345-300.")
@click.option("--url", help="A link to the debate or letter.")
@click.option("--number", help="The official register number, e.g. TZ202412-116.")
@click.option("--tag", "tags", multiple=True, help="A tag; repeat for more.",
              shell_complete=complete.tags)
@click.option("--owner", help="E-mail address that gets the reminders.")
@click.option("--notes", help="Free notes.")
@click.option("--open-ended", is_flag=True,
              help="Keep an event deadline without a date (the default for an event phrase).")
@click.option("--due", type=DATE,
              help="The date of the event an event phrase waits on, if known already.")
@click.option("--yes", "-y", is_flag=True, help="Store without asking to confirm.")
@duplicates.ALLOW_OPTION
@fmt.json_option("the promise", help="Print the promise as one JSON object, with `added` and "
                 "`duplicate_of` (the ids of the like promises it matched; not added then "
                 "unless --allow-duplicate).")
@click.pass_obj
def add(ctx: Context, text, deadline, reference, tags, open_ended, due, yes, allow_duplicate,
        as_json, **fields):
    """Add a promise: shows how its deadline is read, and asks before storing it.

    A deadline tied to an event without a date ("binnen drie maanden na inwerkingtreding")
    is stored waiting on its event; give the event's date later with `toezegging event`.
    When the same ministry already holds an open promise with a like text and an
    overlapping window, it asks "Is this #12?" (with --yes: leaves it out, unless
    --allow-duplicate).
    """
    from ..promises import Draft, add_promise, check_reference, prepare, read_deadline

    interactive = _interactive()
    guided = interactive and not text
    if not text:
        if not interactive:
            raise InvalidInput("give the promise's text: toezegging add TEXT --deadline PHRASE.")
        text = click.prompt("What was promised")
    if not deadline:
        if not interactive:
            raise InvalidInput("give the deadline as said, e.g. --deadline 'voor de zomer'.")
        deadline = click.prompt("Deadline, as said (e.g. 'voor de zomer')")
    reference = reference or ctx.today
    check_reference(reference, ctx.today)
    while True:  # read the deadline now, so a wrong reading is caught on the spot
        try:
            reading = read_deadline(deadline, reference, open_ended=open_ended, due=due)
            break
        except UnreadableDeadline as e:
            if not interactive:
                raise
            click.echo(f"Error: {e.message}", err=True)
            deadline = click.prompt("Deadline, as said")
    if reading.waits and interactive and not yes:
        click.echo(f"'{deadline}' waits on an event without a date: {reading.explanation}",
                   err=True)
        # A typo ("1-11-2026") is said and asked again; Enter keeps it waiting.
        due = click.prompt("Date of the event, if known (YYYY-MM-DD; Enter: keep it waiting)",
                           default="", show_default=False, type=OPTIONAL_DATE, err=True)
    if guided:
        for key, question in (("by", "Promised by"), ("ministry", "Ministry"), ("to", "To whom")):
            if not fields.get(key):
                fields[key] = click.prompt(f"{question} (Enter to skip)", default="",
                                           show_default=False) or None
    draft = Draft(text=text, deadline=deadline, reference=reference, open_ended=open_ended,
                  due=due, fields={**fields, "tags": list(tags)})
    p = prepare(draft, today=ctx.today, now=ctx.now)
    _warn(ministries.unknown_note(p.ministry))

    with _session(ctx, read_only=True) as s:
        from ..promises import check_number_free

        check_number_free(s, p.number)
        matches = duplicates.find(s, p)
    _print_promise({"history": []}, p, ctx.today, err=as_json)
    if matches:
        duplicates.show(matches, err=as_json)
        if yes and not allow_duplicate or not yes and not duplicates.add_anyway(err=as_json):
            if as_json:
                fmt.print_json(_added_dict(None, p, ctx, matches))
            else:
                click.echo(duplicates.left_out(matches) if yes else duplicates.skipped(matches))
            return
    elif not yes:
        click.confirm("Store this promise?", default=True, abort=True, err=as_json)

    def store(s):
        add_promise(s, p)
        if as_json:
            return json_text(_added_dict(s, p, ctx, matches))
        message = f"Added promise {p.id}."
        if matches:
            message += f" (like promise {', '.join(map(str, duplicates.ids(matches)))}; added anyway)"
        if p.waits_on_event():
            message += (f" It waits on '{p.anchor or p.deadline}': give that date with "
                        f"`toezegging event {p.id} --on YYYY-MM-DD` once it is known "
                        "(or link it to a shared event with `toezegging event link`).")
        return plain(message)

    click.echo(_write(ctx, store))


def _added_dict(session, p, ctx: Context, matches) -> dict:
    """`add --json`: the promise (id null when it was not added), whether it was added, and
    the ids of the open promises it looks like."""
    if session is None:
        from ..promises import promise_to_dict  # here for start-up time (it imports SQLModel)

        d = promise_to_dict(p, [], ctx.today)
    else:
        d = _as_dict(session, p, ctx)
    return {**d, "added": session is not None, "duplicate_of": duplicates.ids(matches)}


# ----------------------------------------------------------------------------- list, show

def _days(value: str | None) -> int | None:
    if value is None:
        return None
    m = re.fullmatch(r"\s*(\d{1,6})\s*([dw]?)\s*", value.lower())
    days = int(m.group(1)) * (7 if m.group(2) == "w" else 1) if m else None
    if days is None or days > MAX_DAYS:
        raise InvalidInput(f"--due-within {value!r}: give days or weeks, e.g. 30d or 6w "
                           f"(at most {MAX_DAYS} days).")
    return days


@click.command("list")
@click.option("--status", default="open", show_default=True,
              type=click.Choice([*STATUS_CHOICES, "all"], case_sensitive=False),
              help="Which promises; 'all' for every status.")
@click.option("--overdue", is_flag=True, help="Only open promises past their deadline.")
@click.option("--due-within", metavar="30d", help="Only those due within N days (or Nw weeks).")
@click.option("--ministry", help="Only this ministry: its abbreviation, name, former name "
              "or whole words of one (e.g. OCW, onderwijs).", shell_complete=complete.ministry_names)
@click.option("--tag", help="Only promises with this tag.", shell_complete=complete.tags)
@click.option("--owner", help="Only promises of this owner (e-mail).")
@click.option("--search", help="Only promises mentioning this text.")
@click.option("--waiting", is_flag=True, help="Only promises that wait on an event without a date.")
@fmt.json_option("the promises, with every field,", shape="array")
@click.pass_obj
def list_(ctx: Context, status, overdue, due_within, ministry, tag, owner, search, waiting,
          as_json):
    """List promises by deadline (open ones unless --status says otherwise).

    On a terminal a table, cut to its width. Piped or redirected, one whole line per
    promise, its fields separated by tabs: id, due date, deadline, status, the ministry's
    abbreviation, the ministry, who promised it, the text (`toezegging list | grep VWS`).
    """
    from ..promises import promise_to_dict
    from ..store import histories, query_promises

    if ministry:
        _warn(ministries.filter_note(ministries.select(ministry)))
    with _session(ctx, read_only=True) as s:
        found = query_promises(
            s, status=status, ministry=ministry, tag=tag, owner=owner,
            overdue=True if overdue else None, today=ctx.today,
            due_within_days=_days(due_within), search=search, waiting=waiting or None,
        )
        changes = histories(s, [p.id for p in found])
        if as_json:
            _dump([promise_to_dict(p, changes[p.id], ctx.today) for p in found])
            return
        _table(found, changes, ctx.today)


def _due(p) -> str:
    return p.latest.isoformat() if p.latest else ("event" if p.waits_on_event() else "")


def _state(p, changes, today: date) -> str:
    n_moves = sum(1 for c in changes if c.is_move)
    return ("overdue" if p.is_overdue(today) else p.status) + (f", {n_moves}x moved" if n_moves else "")


def _table(found, changes, today: date) -> None:
    """The promises as a table on a terminal; piped, one whole row per promise, tab-separated:
    id, due, deadline, status, ministry abbreviation, ministry, by, text."""
    if not fmt.to_terminal():
        if not found:
            click.echo("No promises match.", err=True)
        fmt.print_rows([p.id, _due(p), p.deadline_now(), _state(p, changes[p.id], today),
                        ministries.abbreviation(p.ministry) or "", p.ministry, p.by, p.text]
                       for p in found)
        return
    if not found:
        click.echo("No promises match.")
        return
    width = fmt.terminal_width()
    wide = width >= 110
    columns = ["ID", "Due", "Deadline", "Status", "Promise"] + (["Who"] if wide else [])
    rows = []
    for p in found:
        row = [str(p.id), _due(p) or "—", fmt.cut(plain(p.deadline_now()), 30 if wide else 22),
               _state(p, changes[p.id], today), plain(p.text)]
        if wide:
            row.append(fmt.cut(plain(p.by or p.ministry), 22))
        rows.append(row)
    # Cut the text to what the terminal leaves, so no other column is squeezed.
    used = sum(max(fmt.cell_width(r[i]) for r in rows + [columns])
               for i in range(len(columns)) if i != 4)
    room = max(16, width - used - 2 * (len(columns) - 1) - 1)
    for row in rows:
        row[4] = fmt.cut(row[4], room)
    red = [{3} if row[3].startswith("overdue") else set() for row in rows]
    click.echo("\n".join([*fmt.table_lines(columns, rows, right=frozenset({0}), red=red),
                          f"{len(found)} promise{'s' if len(found) != 1 else ''}."]))


@click.command()
@ID_ARGUMENT
@fmt.json_option("the promise with its history")
@click.pass_obj
def show(ctx: Context, promise_id, as_json):
    """Show one promise with its deadline history."""
    from ..store import get_promise

    with _session(ctx, read_only=True) as s:
        p = get_promise(s, promise_id)
        d = _as_dict(s, p, ctx)
    if as_json:
        _dump(d)
    else:
        _print_promise(d, p, ctx.today)


# ----------------------------------------------------------------------------- changes

@click.command()
@ID_ARGUMENT
@click.argument("phrase")
@click.option("--date", "announced", type=DATE,
              help="The day the minister announced the move; PHRASE is read at it. Default: today.")
@click.option("--reason", help="Why, e.g. 'Mag ik er juni van maken?'.")
@click.option("--open-ended", is_flag=True, help="Keep an event deadline without a date.")
@click.option("--due", type=DATE, help="The date to hold an event deadline to.")
@JSON_OPTION
@click.pass_obj
def postpone(ctx: Context, promise_id, phrase, announced, reason, open_ended, due, as_json):
    """Move a promise's deadline to PHRASE, as the minister announced (--date, default
    today); the old one stays in history. To fix a typo instead, use `edit --deadline`."""
    from ..promises import postpone as do_postpone
    from ..store import get_promise

    def change(s):
        c = do_postpone(s, promise_id, phrase, today=ctx.today, now=ctx.now, reason=reason,
                        open_ended=open_ended, due=due, announced=announced)
        p = get_promise(s, c.promise_id)
        return _after(s, p, ctx, as_json,
                      f"Promise {p.id}: '{c.old_deadline}' ({c.old_latest or 'no date'}) -> "
                      f"'{c.new_deadline}' (said on {c.reference.isoformat()}), now "
                      f"{window_text(p)}: {p.explanation}")

    click.echo(_write(ctx, change))




@click.command()
@ID_ARGUMENT
@click.option("--letter", help="What fulfilled it, e.g. 'Kamerstuk 28345-300'.")
@click.option("--partly", is_flag=True, help="Only partly fulfilled (Deels voldaan).")
@click.option("--series", is_flag=True,
              help="A recurring promise: end the whole series (no occurrences follow).")
@JSON_OPTION
@click.pass_obj
def done(ctx: Context, promise_id, letter, partly, series, as_json):
    """Mark a promise fulfilled (or --partly).

    For a recurring promise this fulfils its current occurrence and opens the next one
    (its window moves on by the rule); --series ends the series instead.
    """
    from ..promises import fulfil

    def change(s):
        r = fulfil(s, promise_id, today=ctx.today, now=ctx.now, letter=letter, partly=partly,
                   series=series)
        p, occ = r.promise, r.occurrence
        if occ is not None:
            by = f" ({occ.reason})" if occ.reason else ""
            message = (f"Promise {p.id}: the occurrence due {occ.old_latest.isoformat()} is "
                       f"{occ.new_status}{by}; the next one: {window_text(p)}. "
                       f"To end the series: `toezegging done {p.id} --series`.")
        else:
            extra = f" ({p.fulfilled_by})" if p.fulfilled_by else ""
            message = f"Promise {p.id} is now {p.status}{extra}."
            if series:
                message += " The series has ended."
        return _after(s, p, ctx, as_json, message)

    click.echo(_write(ctx, change))


def _closing(name: str, status: Status, doc: str) -> click.Command:
    """A command that moves a promise to `status` (withdraw, lapse)."""

    @click.command(name, help=doc)
    @ID_ARGUMENT
    @click.option("--force", is_flag=True,
                  help="Also when the promise is closed already (kept in its history).")
    @JSON_OPTION
    @click.pass_obj
    def command(ctx: Context, promise_id, force, as_json):
        from ..promises import set_status
        from ..store import get_promise

        def change(s):
            before = get_promise(s, promise_id).status
            p = set_status(s, promise_id, status, today=ctx.today, now=ctx.now, force=force)
            was = f" (was {before})" if Status(before).closed else ""
            return _after(s, p, ctx, as_json, f"Promise {p.id} is now {p.status}{was}.")

        click.echo(_write(ctx, change))

    return command


withdraw = _closing("withdraw", Status.WITHDRAWN, "Mark a promise withdrawn (taken back). "
                    "A promise closed already (fulfilled, lapsed) needs --force.")
lapse = _closing("lapse", Status.LAPSED, "Mark a promise lapsed (Vervallen). "
                 "A promise closed already (fulfilled, withdrawn) needs --force.")


@click.command()
@ID_ARGUMENT
@click.option("--yes", "-y", is_flag=True, help="Remove without asking to confirm.")
@click.option("--undo", is_flag=True, help="Bring a removed promise back.")
@JSON_OPTION
@click.pass_obj
def delete(ctx: Context, promise_id, yes, undo, as_json):
    """Remove a mistaken entry: it leaves lists, reminders and feeds (as a cancellation).

    Asks to confirm unless --yes. Its history stays; `delete ID --undo` brings it back.
    """
    from ..promises import remove, restore
    from ..store import get_promise

    if not undo:
        with _session(ctx, read_only=True) as s:
            p = get_promise(s, promise_id)
            d = _as_dict(s, p, ctx)
        if p.deleted_at is None and not yes:
            if not _interactive():
                raise InvalidInput(f"removing promise {p.id} needs confirmation: run "
                                   f"`toezegging delete {p.id} --yes` (there is no terminal "
                                   "to ask on).")
            _print_promise(d, p, ctx.today, err=True)
            click.confirm(f"Remove promise {p.id}?", default=False, abort=True, err=True)

    def change(s):
        if undo:
            p = restore(s, promise_id, today=ctx.today, now=ctx.now)
            return _after(s, p, ctx, as_json, f"Promise {p.id} is back ({p.status}).")
        p = remove(s, promise_id, today=ctx.today, now=ctx.now)
        return _after(s, p, ctx, as_json,
                      f"Removed promise {p.id}: it left lists, reminders and feeds. "
                      f"Undo with `toezegging delete {p.id} --undo`.")

    click.echo(_write(ctx, change))


@click.command()
@ID_ARGUMENT
@click.option("--text", help="What was promised.")
@click.option("--deadline", help="Correct the deadline phrase (a typo, a misread phrase, or an "
              "event promise's date): not a postponement.")
@click.option("--date", "reference", type=DATE,
              help="Correct the day the promise was made; with --deadline, the day the phrase "
              "was said (it is read at that day).")
@click.option("--by", help="Who promised it (a new one clears a function that named another).")
@click.option("--function")
@click.option("--ministry", shell_complete=complete.ministry_names,
              help="The ministry (a new one clears a function of another ministry).")
@click.option("--to")
@click.option("--fraction")
@click.option("--source")
@click.option("--kamerstuk")
@click.option("--url")
@click.option("--number")
@click.option("--tag", "tags", multiple=True, help="Replaces the tags; repeat for more.",
              shell_complete=complete.tags)
@click.option("--no-tags", is_flag=True, help="Remove every tag.")
@click.option("--owner")
@click.option("--notes")
@click.option("--status", type=click.Choice(STATUS_CHOICES, case_sensitive=False),
              help="Set the status (e.g. reopen with --status open).")
@click.option("--letter", "fulfilled_by", help="What fulfilled it.")
@JSON_OPTION
@click.pass_obj
def edit(ctx: Context, promise_id, tags, no_tags, as_json, **options):
    """Change a promise's fields; an empty value ('') clears one.

    --deadline corrects the deadline (a history row of kind correction, no "postponed"
    mail): the phrase is read at --date if given, else at the day it was said. A move the
    minister announced is a postponement: use `toezegging postpone`.
    """
    from ..promises import edit as do_edit
    from ..store import get_promise

    changes = {k: v for k, v in options.items() if v is not None}
    if tags or no_tags:
        changes["tags"] = [] if no_tags else list(tags)

    def change(s):
        p = get_promise(s, promise_id)
        before = (p.deadline_now(), p.reference, p.earliest, p.latest)
        phrase, latest, function = p.deadline_now(), p.latest, p.function
        p = do_edit(s, promise_id, dict(changes), today=ctx.today, now=ctx.now)
        note = ministries.unknown_note(p.ministry) if "ministry" in changes else None
        lines = [f"Promise {p.id} updated ({', '.join(sorted(changes))})."]
        if (p.deadline_now(), p.reference, p.earliest, p.latest) != before:
            lines.append(f"Deadline corrected (not a postponement): '{phrase}' "
                         f"({latest or 'no date'}) -> '{p.deadline_now()}', now "
                         f"{window_text(p)}: {p.explanation}")
        if function and p.function is None and "function" not in changes:
            whom = f"the minister of {p.ministry}" if p.ministry else "an unnamed minister"
            lines.append(f"Function '{function}' cleared: it named whoever held it before. "
                         f"Drafts now address {whom}; give --function to name the new one.")
        return note, _after(s, p, ctx, as_json, " ".join(lines))

    note, out = _write(ctx, change)
    _warn(note)
    click.echo(out)


# ----------------------------------------------------------------------------- import, export

@click.command()
@click.option("--format", "fmt", type=click.Choice(["json", "csv"]), default="json",
              show_default=True)
@click.pass_obj
def export(ctx: Context, fmt):
    """Write every promise, with its history, to standard output (JSON or CSV)."""
    from ..import_export import export_records, to_csv

    with _session(ctx, read_only=True) as s:
        records = export_records(s, ctx.today)
    # JSON with the terminal's controls escaped (it reads back the same); CSV as it is.
    click.echo(json_text(records) + "\n" if fmt == "json" else to_csv(records), nl=False)


def _read_input(path: str) -> bytes:
    """The bytes of FILE, or of standard input for '-'; an unreadable file is the user's to fix."""
    if path == "-":
        return sys.stdin.buffer.read()
    try:
        with open(path, "rb") as f:
            return f.read()
    except OSError as e:
        from ..import_export import EXPORT_FORMAT, FORMATS

        raise InvalidInput(f"cannot read {path}: {e.strerror}; {FORMATS}.", EXPORT_FORMAT) from None


@click.command("import")
@click.argument("file", type=click.Path(allow_dash=True))
@click.option("--skip-bad", is_flag=True, help="Import the good rows and report the bad ones.")
@fmt.json_option("the counts", help="Print the counts as one JSON object: added, updated, "
                 "unchanged, deleted (passed over) and the rows skipped, with why.")
@click.pass_obj
def import_(ctx: Context, file, skip_bad, as_json):
    """Import promises: our export (JSON/CSV) or Tweede Kamer Toezegging records (JSON).

    FILE may be '-' for standard input. Running it again adds nothing: rows are matched on
    the register number.
    """
    from ..import_export import check_rows, read_rows, write_rows

    name = "" if file == "-" else file
    rows = read_rows(_read_input(file), name)
    show = sys.stderr.isatty() and len(rows) > 1
    with _progress(show, len(rows), "Reading ") as tick:
        result, incoming = check_rows(rows, ctx.now, skip_bad=skip_bad, progress=tick)
    with _session(ctx) as s, _progress(show, len(incoming), "Storing ") as tick:
        write_rows(s, result, incoming, ctx.now, progress=tick)
    for row, why in result.skipped:
        click.echo(plain(f"skipped row {row}: {why}"), err=True)
    for ministry in sorted({inc.promise.ministry for _row, inc in incoming} - {None}):
        _warn(ministries.unknown_note(ministry))
    if as_json:
        fmt.print_json({"file": name or "-", "added": result.added, "updated": result.updated,
                        "unchanged": result.unchanged, "deleted": result.deleted,
                        "skipped": [{"row": row, "why": why} for row, why in result.skipped]})
        return
    click.echo(plain(f"Imported {name or 'standard input'}: {result.summary()}."))


@contextmanager
def _progress(show: bool, length: int, label: str):
    if not show:
        yield None
        return
    with click.progressbar(length=length, label=label, file=sys.stderr) as bar:
        yield bar.update
