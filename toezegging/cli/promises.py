"""The everyday commands: add, list, show, edit, done, postpone, withdraw, lapse, delete,
import, export.

Each command reads its options, opens the store (`Context.session`/`Context.write`),
calls `toezegging.promises` or `toezegging.import_export`, and prints (`format`). The clock
comes from the `Context` (read once).
"""

import re
import sys
from typing import TYPE_CHECKING, Any

import click

from .. import ministries
from ..errors import InvalidInput, UnreadableDeadline
from ..status import Status
from . import complete, duplicates
from . import format as fmt
from .context import Context
from .format import json_text, plain, window_text
from .options import DATE, ID_ARGUMENT, OPTIONAL_DATE

if TYPE_CHECKING:  # SQLModel: only when a command opens the store
    from sqlmodel import Session

    from ..model import Promise
    from ..promises import Reading
    from ..similar import Match

STATUS_CHOICES = [s.value for s in Status]
JSON_OPTION = fmt.json_option("the promise")
MAX_DAYS = 36_500  # a hundred years: --due-within goes no further


def _interactive() -> bool:
    """Whether to ask for what is missing (standard input is a terminal)."""
    return sys.stdin.isatty()


def _after(session: "Session", p: "Promise", ctx: Context, as_json: bool, message: str) -> str:
    """What a change prints: the promise as JSON, or `message` (as plain text: it quotes
    stored text)."""
    return json_text(fmt.promise_dict(session, p, ctx.today)) if as_json else plain(message)


# ----------------------------------------------------------------------------- add


@click.command()
@click.argument("text", required=False)
@click.option("--deadline", "-d", help="The time phrase as said, e.g. 'voor de zomer'.")
@click.option(
    "--date", "reference", type=DATE, help="The day the promise was made (debate or letter). Default: today."
)
@click.option("--by", help="Who promised it (bewindspersoon).")
@click.option("--function", help="Their function, e.g. 'minister van Justitie en Veiligheid'.")
@click.option("--ministry", help="The ministry.", shell_complete=complete.ministry_names)
@click.option("--to", help="To whom (member of parliament).")
@click.option("--fraction", help="The member's fraction.")
@click.option("--source", help="Where: the debate or letter.")
@click.option("--kamerstuk", help="Kamerstuk number, e.g. 28345-300.")
@click.option("--url", help="A link to the debate or letter.")
@click.option("--number", help="The official register number, e.g. TZ202412-116.")
@click.option("--tag", "tags", multiple=True, help="A tag; repeat for more.", shell_complete=complete.tags)
@click.option("--owner", help="E-mail address that gets the reminders.")
@click.option("--notes", help="Free notes.")
@click.option(
    "--open-ended",
    is_flag=True,
    help="Keep an event deadline without a date (the default for an event phrase).",
)
@click.option("--due", type=DATE, help="The date of the event an event phrase waits on, if known already.")
@click.option("--yes", "-y", is_flag=True, help="Store without asking to confirm.")
@duplicates.ALLOW_OPTION
@fmt.json_option(
    "the promise",
    help="Print the promise as one JSON object, with `added` and "
    "`duplicate_of` (the ids of the like promises it matched; not added then "
    "unless --allow-duplicate).",
)
@click.pass_obj
def add(
    ctx: Context,
    text: str | None,
    deadline: str | None,
    reference: Any,
    tags: tuple[str, ...],
    open_ended: bool,
    due: Any,
    yes: bool,
    allow_duplicate: bool,
    as_json: bool,
    **fields: Any,
) -> None:
    """Add a promise: shows how its deadline is read, and asks before storing it.

    A deadline tied to an event without a date ("binnen drie maanden na inwerkingtreding")
    is stored waiting on its event; give the event's date later with `toezegging event`.
    When the same ministry already holds an open promise with a like text and an
    overlapping window, it asks "Is this #12?" (with --yes: leaves it out, unless
    --allow-duplicate).
    """
    from ..promises import Draft, check_reference, prepare

    interactive = _interactive()
    guided = interactive and not text
    text, deadline = _text_and_deadline(text, deadline, interactive)
    reference = reference or ctx.today
    check_reference(reference, ctx.today)
    deadline, due = _read(deadline, reference, open_ended, due, interactive, ask_due=not yes)
    if guided:
        _ask_who(fields)
    draft = Draft(
        text=text,
        deadline=deadline,
        reference=reference,
        open_ended=open_ended,
        due=due,
        fields={**fields, "tags": list(tags)},
    )
    p = prepare(draft, today=ctx.today, now=ctx.now)
    fmt.warn(ministries.unknown_note(p.ministry))
    with ctx.session(read_only=True) as s:
        from ..promises import check_number_free

        check_number_free(s, p.number)
        matches = duplicates.find(s, p)
    fmt.print_promise({"history": []}, p, ctx.today, err=as_json)
    if _go_ahead(ctx, p, matches, yes, allow_duplicate, as_json):
        click.echo(ctx.write(lambda s: _store(s, ctx, p, matches, as_json)))


def _text_and_deadline(text: str | None, deadline: str | None, interactive: bool) -> tuple[str, str]:
    """The promise's text and deadline phrase: asked for on a terminal when not given."""
    if not text:
        if not interactive:
            raise InvalidInput("give the promise's text: toezegging add TEXT --deadline PHRASE.")
        text = click.prompt("What was promised")
    if not deadline:
        if not interactive:
            raise InvalidInput("give the deadline as said, e.g. --deadline 'voor de zomer'.")
        deadline = click.prompt("Deadline, as said (e.g. 'voor de zomer')")
    return text, deadline


def _read(
    deadline: str, reference: Any, open_ended: bool, due: Any, interactive: bool, ask_due: bool
) -> tuple[str, Any]:
    """Read the deadline now, so a wrong reading is caught on the spot (on a terminal it is
    asked again); one that waits on an event asks for the event's date (`ask_due`)."""
    from ..promises import read_deadline

    while True:
        try:
            reading: Reading = read_deadline(deadline, reference, open_ended=open_ended, due=due)
            break
        except UnreadableDeadline as e:
            if not interactive:
                raise
            fmt.error(e.message)
            deadline = click.prompt("Deadline, as said")
    if reading.waits and interactive and ask_due:
        click.echo(plain(f"'{deadline}' waits on an event without a date: {reading.explanation}"), err=True)
        # A typo ("1-11-2026") is said and asked again; Enter keeps it waiting.
        due = click.prompt(
            "Date of the event, if known (YYYY-MM-DD; Enter: keep it waiting)",
            default="",
            show_default=False,
            type=OPTIONAL_DATE,
            err=True,
        )
    return deadline, due


def _ask_who(fields: dict) -> None:
    """Who promised it, which ministry, to whom: asked when adding step by step."""
    for key, question in (("by", "Promised by"), ("ministry", "Ministry"), ("to", "To whom")):
        if not fields.get(key):
            fields[key] = click.prompt(f"{question} (Enter to skip)", default="", show_default=False) or None


def _go_ahead(
    ctx: Context, p: "Promise", matches: "list[Match]", yes: bool, allow_duplicate: bool, as_json: bool
) -> bool:
    """Whether to store it: asked, or left out when it is like a promise in the register
    (said so, or printed as JSON with `added` false)."""
    if matches:
        duplicates.show(matches, err=as_json)
        if yes and not allow_duplicate or not yes and not duplicates.add_anyway(err=as_json):
            if as_json:
                fmt.print_json(_added_dict(None, p, ctx, matches))
            else:
                click.echo(duplicates.left_out(matches) if yes else duplicates.skipped(matches))
            return False
    elif not yes:
        click.confirm("Store this promise?", default=True, abort=True, err=as_json)
    return True


def _store(session: "Session", ctx: Context, p: "Promise", matches: "list[Match]", as_json: bool) -> str:
    """Add the promise; what `add` prints then."""
    from ..promises import add_promise

    add_promise(session, p)
    if as_json:
        return json_text(_added_dict(session, p, ctx, matches))
    message = f"Added promise {p.id}."
    if matches:
        message += f" (like promise {', '.join(map(str, duplicates.ids(matches)))}; added anyway)"
    if p.waits_on_event():
        message += (
            f" It waits on '{p.anchor or p.deadline}': give that date with "
            f"`toezegging event {p.id} --on YYYY-MM-DD` once it is known "
            "(or link it to a shared event with `toezegging event link`)."
        )
    return plain(message)


def _added_dict(session: "Session | None", p: "Promise", ctx: Context, matches: "list[Match]") -> dict:
    """`add --json`: the promise (id null when it was not added), whether it was added, and
    the ids of the open promises it looks like."""
    if session is None:
        from ..promises import promise_to_dict  # here for start-up time (it imports SQLModel)

        d = promise_to_dict(p, [], ctx.today)
    else:
        d = fmt.promise_dict(session, p, ctx.today)
    return {**d, "added": session is not None, "duplicate_of": duplicates.ids(matches)}


# ----------------------------------------------------------------------------- list, show


def _days(value: str | None) -> int | None:
    if value is None:
        return None
    m = re.fullmatch(r"\s*(\d{1,6})\s*([dw]?)\s*", value.lower())
    days = int(m.group(1)) * (7 if m.group(2) == "w" else 1) if m else None
    if days is None or days > MAX_DAYS:
        raise InvalidInput(
            f"--due-within {value!r}: give days or weeks, e.g. 30d or 6w (at most {MAX_DAYS} days)."
        )
    return days


@click.command("list")
@click.option(
    "--status",
    default="open",
    show_default=True,
    type=click.Choice([*STATUS_CHOICES, "all"], case_sensitive=False),
    help="Which promises; 'all' for every status.",
)
@click.option("--overdue", is_flag=True, help="Only open promises past their deadline.")
@click.option("--due-within", metavar="30d", help="Only those due within N days (or Nw weeks).")
@click.option(
    "--ministry",
    help="Only this ministry: its abbreviation, name, former name "
    "or whole words of one (e.g. OCW, onderwijs).",
    shell_complete=complete.ministry_names,
)
@click.option("--tag", help="Only promises with this tag.", shell_complete=complete.tags)
@click.option("--owner", help="Only promises of this owner (e-mail).")
@click.option("--search", help="Only promises mentioning this text.")
@click.option("--waiting", is_flag=True, help="Only promises that wait on an event without a date.")
@fmt.json_option("the promises, with every field,", shape="array")
@click.pass_obj
def list_(
    ctx: Context,
    status: str,
    overdue: bool,
    due_within: str | None,
    ministry: str | None,
    tag: str | None,
    owner: str | None,
    search: str | None,
    waiting: bool,
    as_json: bool,
) -> None:
    """List promises by deadline (open ones unless --status says otherwise).

    On a terminal a table, cut to its width. Piped or redirected, one whole line per
    promise, its fields separated by tabs: id, due date, deadline, status, the ministry's
    abbreviation, the ministry, who promised it, the text (`toezegging list | grep VWS`).
    """
    from ..promises import promise_to_dict
    from ..store import histories, query_promises

    if ministry:
        fmt.warn(ministries.filter_note(ministries.select(ministry)))
    with ctx.session(read_only=True) as s:
        found = query_promises(
            s,
            status=status,
            ministry=ministry,
            tag=tag,
            owner=owner,
            overdue=True if overdue else None,
            today=ctx.today,
            due_within_days=_days(due_within),
            search=search,
            waiting=waiting or None,
        )
        changes = histories(s, [fmt.stored_id(p) for p in found])
    if as_json:
        fmt.print_json([promise_to_dict(p, changes[fmt.stored_id(p)], ctx.today) for p in found])
        return
    fmt.print_promises(found, changes, ctx.today)


@click.command()
@ID_ARGUMENT
@fmt.json_option("the promise with its history")
@click.pass_obj
def show(ctx: Context, promise_id: str, as_json: bool) -> None:
    """Show one promise with its deadline history."""
    from ..store import get_promise

    with ctx.session(read_only=True) as s:
        p = get_promise(s, promise_id)
        d = fmt.promise_dict(s, p, ctx.today)
    if as_json:
        fmt.print_json(d)
    else:
        fmt.print_promise(d, p, ctx.today)


# ----------------------------------------------------------------------------- changes


@click.command()
@ID_ARGUMENT
@click.argument("phrase")
@click.option(
    "--date",
    "announced",
    type=DATE,
    help="The day the minister announced the move; PHRASE is read at it. Default: today.",
)
@click.option("--reason", help="Why, e.g. 'Mag ik er juni van maken?'.")
@click.option("--open-ended", is_flag=True, help="Keep an event deadline without a date.")
@click.option("--due", type=DATE, help="The date to hold an event deadline to.")
@JSON_OPTION
@click.pass_obj
def postpone(
    ctx: Context,
    promise_id: str,
    phrase: str,
    announced: Any,
    reason: str | None,
    open_ended: bool,
    due: Any,
    as_json: bool,
) -> None:
    """Move a promise's deadline to PHRASE, as the minister announced (--date, default
    today); the old one stays in history. To fix a typo instead, use `edit --deadline`."""
    from ..promises import postpone as do_postpone
    from ..store import get_promise

    def change(s: "Session") -> str:
        c = do_postpone(
            s,
            promise_id,
            phrase,
            today=ctx.today,
            now=ctx.now,
            reason=reason,
            open_ended=open_ended,
            due=due,
            announced=announced,
        )
        p = get_promise(s, c.promise_id)
        return _after(
            s,
            p,
            ctx,
            as_json,
            f"Promise {p.id}: '{c.old_deadline}' ({c.old_latest or 'no date'}) -> "
            f"'{c.new_deadline}' (said on {c.reference.isoformat()}), now "
            f"{window_text(p)}: {p.explanation}",
        )

    click.echo(ctx.write(change))


@click.command()
@ID_ARGUMENT
@click.option("--letter", help="What fulfilled it, e.g. 'Kamerstuk 28345-300'.")
@click.option("--partly", is_flag=True, help="Only partly fulfilled (Deels voldaan).")
@click.option(
    "--series", is_flag=True, help="A recurring promise: end the whole series (no occurrences follow)."
)
@JSON_OPTION
@click.pass_obj
def done(
    ctx: Context, promise_id: str, letter: str | None, partly: bool, series: bool, as_json: bool
) -> None:
    """Mark a promise fulfilled (or --partly).

    For a recurring promise this fulfils its current occurrence and opens the next one
    (its window moves on by the rule); --series ends the series instead.
    """
    from ..promises import fulfil

    def change(s: "Session") -> str:
        r = fulfil(s, promise_id, today=ctx.today, now=ctx.now, letter=letter, partly=partly, series=series)
        p, occ = r.promise, r.occurrence
        if occ is not None:
            by = f" ({occ.reason})" if occ.reason else ""
            message = (
                f"Promise {p.id}: the occurrence due {occ.old_latest} is "
                f"{occ.new_status}{by}; the next one: {window_text(p)}. "
                f"To end the series: `toezegging done {p.id} --series`."
            )
        else:
            extra = f" ({p.fulfilled_by})" if p.fulfilled_by else ""
            message = f"Promise {p.id} is now {p.status}{extra}."
            if series:
                message += " The series has ended."
        return _after(s, p, ctx, as_json, message)

    click.echo(ctx.write(change))


def _closing(name: str, status: Status, doc: str) -> click.Command:
    """A command that moves a promise to `status` (withdraw, lapse)."""

    @click.command(name, help=doc)
    @ID_ARGUMENT
    @click.option(
        "--force", is_flag=True, help="Also when the promise is closed already (kept in its history)."
    )
    @JSON_OPTION
    @click.pass_obj
    def command(ctx: Context, promise_id: str, force: bool, as_json: bool) -> None:
        from ..promises import set_status
        from ..store import get_promise

        def change(s: "Session") -> str:
            before = get_promise(s, promise_id).status
            p = set_status(s, promise_id, status, today=ctx.today, now=ctx.now, force=force)
            was = f" (was {before})" if Status(before).closed else ""
            return _after(s, p, ctx, as_json, f"Promise {p.id} is now {p.status}{was}.")

        click.echo(ctx.write(change))

    return command


withdraw = _closing(
    "withdraw",
    Status.WITHDRAWN,
    "Mark a promise withdrawn (taken back). A promise closed already (fulfilled, lapsed) needs --force.",
)
lapse = _closing(
    "lapse",
    Status.LAPSED,
    "Mark a promise lapsed (Vervallen). A promise closed already (fulfilled, withdrawn) needs --force.",
)


@click.command()
@ID_ARGUMENT
@click.option("--yes", "-y", is_flag=True, help="Remove without asking to confirm.")
@click.option("--undo", is_flag=True, help="Bring a removed promise back.")
@JSON_OPTION
@click.pass_obj
def delete(ctx: Context, promise_id: str, yes: bool, undo: bool, as_json: bool) -> None:
    """Remove a mistaken entry: it leaves lists, reminders and feeds (as a cancellation).

    Asks to confirm unless --yes. Its history stays; `delete ID --undo` brings it back.
    """
    from ..promises import remove, restore

    if not undo:
        _confirm_removal(ctx, promise_id, yes)

    def change(s: "Session") -> str:
        if undo:
            p = restore(s, promise_id, today=ctx.today, now=ctx.now)
            return _after(s, p, ctx, as_json, f"Promise {p.id} is back ({p.status}).")
        p = remove(s, promise_id, today=ctx.today, now=ctx.now)
        return _after(
            s,
            p,
            ctx,
            as_json,
            f"Removed promise {p.id}: it left lists, reminders and feeds. "
            f"Undo with `toezegging delete {p.id} --undo`.",
        )

    click.echo(ctx.write(change))


def _confirm_removal(ctx: Context, promise_id: str, yes: bool) -> None:
    """Show the promise and ask before removing it (unless --yes, or removed already)."""
    from ..store import get_promise

    with ctx.session(read_only=True) as s:
        p = get_promise(s, promise_id)
        d = fmt.promise_dict(s, p, ctx.today)
    if p.deleted_at is None and not yes:
        if not _interactive():
            raise InvalidInput(
                f"removing promise {p.id} needs confirmation: run "
                f"`toezegging delete {p.id} --yes` (there is no terminal "
                "to ask on)."
            )
        fmt.print_promise(d, p, ctx.today, err=True)
        click.confirm(f"Remove promise {p.id}?", default=False, abort=True, err=True)


@click.command()
@ID_ARGUMENT
@click.option("--text", help="What was promised.")
@click.option(
    "--deadline",
    help="Correct the deadline phrase (a typo, a misread phrase, or an "
    "event promise's date): not a postponement.",
)
@click.option(
    "--date",
    "reference",
    type=DATE,
    help="Correct the day the promise was made; with --deadline, the day the phrase "
    "was said (it is read at that day).",
)
@click.option("--by", help="Who promised it (a new one clears a function that named another).")
@click.option("--function")
@click.option(
    "--ministry",
    shell_complete=complete.ministry_names,
    help="The ministry (a new one clears a function of another ministry).",
)
@click.option("--to")
@click.option("--fraction")
@click.option("--source")
@click.option("--kamerstuk")
@click.option("--url")
@click.option("--number")
@click.option(
    "--tag", "tags", multiple=True, help="Replaces the tags; repeat for more.", shell_complete=complete.tags
)
@click.option("--no-tags", is_flag=True, help="Remove every tag.")
@click.option("--owner")
@click.option("--notes")
@click.option(
    "--status",
    type=click.Choice(STATUS_CHOICES, case_sensitive=False),
    help="Set the status (e.g. reopen with --status open).",
)
@click.option("--letter", "fulfilled_by", help="What fulfilled it.")
@JSON_OPTION
@click.pass_obj
def edit(
    ctx: Context, promise_id: str, tags: tuple[str, ...], no_tags: bool, as_json: bool, **options: Any
) -> None:
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

    def change(s: "Session") -> tuple[str | None, str]:
        p = get_promise(s, promise_id)
        before = (p.deadline_now(), p.reference, p.earliest, p.latest)
        phrase, latest, function = p.deadline_now(), p.latest, p.function
        p = do_edit(s, promise_id, dict(changes), today=ctx.today, now=ctx.now)
        note = ministries.unknown_note(p.ministry) if "ministry" in changes else None
        lines = [f"Promise {p.id} updated ({', '.join(sorted(changes))})."]
        if (p.deadline_now(), p.reference, p.earliest, p.latest) != before:
            lines.append(
                f"Deadline corrected (not a postponement): '{phrase}' "
                f"({latest or 'no date'}) -> '{p.deadline_now()}', now "
                f"{window_text(p)}: {p.explanation}"
            )
        if function and p.function is None and "function" not in changes:
            whom = f"the minister of {p.ministry}" if p.ministry else "an unnamed minister"
            lines.append(
                f"Function '{function}' cleared: it named whoever held it before. "
                f"Drafts now address {whom}; give --function to name the new one."
            )
        return note, _after(s, p, ctx, as_json, " ".join(lines))

    note, out = ctx.write(change)
    fmt.warn(note)
    click.echo(out)


# ----------------------------------------------------------------------------- import, export


@click.command()
@click.option("--format", "form", type=click.Choice(["json", "csv"]), default="json", show_default=True)
@click.pass_obj
def export(ctx: Context, form: str) -> None:
    """Write every promise, with its history, to standard output (JSON or CSV)."""
    from ..import_export import export_records, to_csv

    with ctx.session(read_only=True) as s:
        records = export_records(s, ctx.today)
    # JSON with the terminal's controls escaped (it reads back the same); CSV as it is.
    click.echo(json_text(records) + "\n" if form == "json" else to_csv(records), nl=False)


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
@fmt.json_option(
    "the counts",
    help="Print the counts as one JSON object: added, updated, "
    "unchanged, deleted (passed over) and the rows skipped, with why.",
)
@click.pass_obj
def import_(ctx: Context, file: str, skip_bad: bool, as_json: bool) -> None:
    """Import promises: our export (JSON/CSV) or Tweede Kamer Toezegging records (JSON).

    FILE may be '-' for standard input. Running it again adds nothing: rows are matched on
    the register number.
    """
    from ..import_export import check_rows, read_rows, write_rows

    name = "" if file == "-" else file
    rows = read_rows(_read_input(file), name)
    show = sys.stderr.isatty() and len(rows) > 1
    with fmt.Progress("Reading ", enabled=show, length=len(rows)) as bar:
        result, incoming = check_rows(rows, ctx.now, skip_bad=skip_bad, progress=bar.advance)
    with ctx.session() as s, fmt.Progress("Storing ", enabled=show, length=len(incoming)) as bar:
        write_rows(s, result, incoming, ctx.now, progress=bar.advance)
    for row, why in result.skipped:
        click.echo(plain(f"skipped row {row}: {why}"), err=True)
    for ministry in sorted({m for _row, inc in incoming if (m := inc.promise.ministry)}):
        fmt.warn(ministries.unknown_note(ministry))
    if as_json:
        fmt.print_json(
            {
                "file": name or "-",
                "added": result.added,
                "updated": result.updated,
                "unchanged": result.unchanged,
                "deleted": result.deleted,
                "skipped": [{"row": row, "why": why} for row, why in result.skipped],
            }
        )
        return
    click.echo(plain(f"Imported {name or 'standard input'}: {result.summary()}."))
