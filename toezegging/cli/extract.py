"""`toezegging extract FILE`: propose the promises in a letter or report, and add the
ones the user accepts (or all with --yes) to the register."""

import sys
from pathlib import Path

import click

from ..errors import InvalidInput, UnreadableDeadline
from .context import Context
from .format import json_text, plain
from .promises import DATE, window_text


class _Progress:
    """A progress bar on a terminal for a long document; nothing when piped."""

    def __init__(self, label: str, enabled: bool):
        self.label, self.enabled, self.bar = label, enabled, None

    def __call__(self, done: int, total: int) -> None:
        if not self.enabled:
            return
        if self.bar is None:
            self.bar = click.progressbar(length=total, label=self.label, file=sys.stderr)
            self.bar.__enter__()
        self.bar.update(done - self.bar.pos)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)


def _show(i: int, n: int, p) -> None:
    a, b = p.span  # the letter's text is not ours: plain text, only our marking styled
    marked = click.style(plain(p.sentence[a:b]), bold=True, underline=True)
    sentence = plain(p.sentence[:a]) + marked + plain(p.sentence[b:])
    click.echo(f"\n[{i}/{n}] {sentence}")
    hedge = ", hedged" if p.hedged else ""
    click.echo(plain(f"      deadline: {p.phrase!r} -> {window_text(p)} ({p.kind}{hedge})"))
    who = p.by or "?"
    if p.function and p.function != p.by:
        who += f" ({p.function})"
    click.echo(plain(f"      by: {who}; ministry: {p.ministry or '?'}"))


def _draft(p, ref, fields: dict):
    from ..promises import Draft

    return Draft(
        text=p.sentence, deadline=p.phrase, reference=ref, open_ended=p.latest is None,
        fields={"by": p.by, "function": p.function, "ministry": p.ministry, **fields},
    )


def _prepare(ctx: Context, p, draft):
    from ..promises import prepare

    promise = prepare(draft, today=ctx.today, now=ctx.now)
    # The sentence may hedge where the phrase does not ("verwacht ... te kunnen delen").
    promise.hedged = promise.hedged or p.hedged
    return promise


def _edit(ctx: Context, p, draft):
    draft.text = click.prompt("  text", default=draft.text)
    draft.fields["by"] = click.prompt("  by", default=draft.fields.get("by") or "") or None
    draft.fields["ministry"] = (
        click.prompt("  ministry", default=draft.fields.get("ministry") or "") or None
    )
    from .. import ministries

    if note := ministries.unknown_note(draft.fields["ministry"]):
        click.echo(f"  Warning: {note}", err=True)
    from ..promises import EventWithoutDate

    while True:
        draft.deadline = click.prompt("  deadline", default=draft.deadline)
        draft.open_ended = False
        try:
            return _prepare(ctx, p, draft)
        except EventWithoutDate:
            draft.open_ended = True
            return _prepare(ctx, p, draft)
        except UnreadableDeadline as e:
            click.echo(f"  {e.message}", err=True)


@click.command()
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--date", "ref", type=DATE,
              help="The letter's or debate's date, the reference of its time phrases. "
                   "Default: the 'Datum' line of the letter.")
@click.option("--yes", is_flag=True, help="Add every proposal without asking.")
@click.option("--json", "as_json", is_flag=True,
              help="Print the proposals as a JSON list and add nothing "
                   "(with --yes: add them and print the promises added).")
@click.option("--owner", help="E-mail address that gets the reminders of the promises added.")
@click.option("--tag", "tags", multiple=True, help="Tag for the promises added (repeatable).")
@click.option("--source", help="Where the promises were made. Default: the file's name.")
@click.option("--events", is_flag=True,
              help="Also propose promises tied to an event without a date (stored open-ended).")
@click.pass_obj
def extract(ctx: Context, file: Path, ref, yes, as_json, owner, tags, source, events):
    """Find the promises in a letter or debate report (.txt, .pdf, .docx, .html).

    Each proposal shows the sentence, its time phrase and window, and who promised it;
    accept, edit or skip it. Promises already in the register are left out.

        toezegging extract kamerbrief.pdf --date 2026-06-10
    """
    from ..extract import find_promises, read_document
    from ..extract.dedup import unique
    from ..extract.letterdate import letter_date
    from ..promises import add_promise, check_reference
    from .promises import _as_dict, _session

    text = read_document(file)
    if ref is None:
        ref = letter_date(text)
        if ref is None:
            raise InvalidInput(
                f"cannot tell the date of {file.name}; give it with --date YYYY-MM-DD "
                "(the day of the letter or debate)."
            )
        if not as_json:
            click.echo(f"Letter dated {ref.isoformat()} (use --date to change).", err=True)
    check_reference(ref, ctx.today)
    fields = {"source": source or file.name, "tags": list(tags), "owner": owner}
    from ..promises import check_fields

    check_fields({k: v for k, v in fields.items() if k != "source"})

    progress = _Progress(f"Reading {file.name}", sys.stderr.isatty() and len(text) > 100_000)
    try:
        proposals = find_promises(text, ref, include_events=events, progress=progress)
    finally:
        progress.close()

    with _session(ctx) as session:
        from sqlmodel import select

        from ..model import Promise

        known = session.exec(select(Promise.text)).all()
        fresh = unique(proposals, key=lambda p: p.sentence, seen=known)
        skipped = len(proposals) - len(fresh)

        if as_json and not yes:
            click.echo(json_text([p.to_dict() for p in fresh]))
            return
        if skipped and not as_json:
            click.echo(f"{skipped} already in the register, left out.", err=True)
        if not fresh:
            if as_json:
                click.echo("[]")
            else:
                click.echo(f"No new promises found in {file.name}.")
            return

        accepted = []
        for i, p in enumerate(fresh, 1):
            draft = _draft(p, ref, dict(fields))
            if yes:
                try:
                    accepted.append(_prepare(ctx, p, draft))
                except UnreadableDeadline as e:
                    click.echo(plain(f"Left out: {e.message} ({p.sentence[:60]})"), err=True)
                continue
            _show(i, len(fresh), p)
            choice = click.prompt(
                "  [a]ccept, [e]dit, [s]kip, [q]uit",
                type=click.Choice(["a", "e", "s", "q"]), default="a", show_choices=False,
            )
            if choice == "q":
                break
            if choice == "s":
                continue
            accepted.append(_edit(ctx, p, draft) if choice == "e" else _prepare(ctx, p, draft))

        added = [add_promise(session, promise) for promise in accepted]
        if as_json:
            click.echo(json_text([_as_dict(session, a, ctx) for a in added]))
            return
        for a in added:
            click.echo(plain(f"Added promise {a.id}: {window_text(a)}  {a.text[:70]}"))
        if not added:
            click.echo("Nothing added.")
