"""`toezegging extract FILE`: propose the promises in a letter, in answers to Kamervragen
or in a debate report, and add the ones the user accepts (or all with --yes) to the
register."""

import sys
from pathlib import Path

import click

from ..errors import InvalidInput, UnreadableDeadline
from . import complete, duplicates
from . import format as fmt
from .context import Context
from .format import plain
from .promises import DATE, window_text

CHOICES = {"a": "a", "accept": "a", "y": "a", "yes": "a", "e": "e", "edit": "e",
           "s": "s", "skip": "s", "n": "s", "no": "s", "q": "q", "quit": "q"}


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
    where = f" (answer {p.question})" if p.question else ""
    click.echo(f"\n[{i}/{n}]{plain(where)} {sentence}")
    hedge = ", hedged" if p.hedged else ""
    click.echo(plain(f"      deadline: {p.phrase!r} -> {window_text(p)} ({p.kind}{hedge})"))
    who = p.by or "?"
    if p.function and p.function != p.by:
        who += f" ({p.function})"
    click.echo(plain(f"      by: {who}; ministry: {p.ministry or '?'}; confidence {p.confidence:.2f}"))


def _draft(p, ref, fields: dict):
    from ..promises import Draft

    return Draft(
        text=p.text or p.sentence, deadline=p.phrase, reference=ref, open_ended=p.latest is None,
        fields={"by": p.by, "function": p.function, "ministry": p.ministry, **fields},
    )


def _prepare(ctx: Context, p, draft):
    from ..promises import prepare_proposal

    return prepare_proposal(p, draft, today=ctx.today, now=ctx.now)


def _ask(label: str, default: str) -> str:
    return click.prompt(label, default=default)


def _edit(ctx: Context, p, draft):
    draft.text = _ask("  text", draft.text)
    old = (draft.fields.get("by"), draft.fields.get("ministry"))
    draft.fields["by"] = _ask("  by", draft.fields.get("by") or "") or None
    draft.fields["ministry"] = _ask("  ministry", draft.fields.get("ministry") or "") or None
    if (draft.fields["by"], draft.fields["ministry"]) != old:
        draft.fields["function"] = None  # the old function names the old minister
    from .. import ministries

    if note := ministries.unknown_note(draft.fields["ministry"]):
        click.echo(f"  Warning: {note}", err=True)
    from ..promises import EventWithoutDate

    while True:
        draft.deadline = _ask("  deadline", draft.deadline)
        draft.open_ended = False
        try:
            return _prepare(ctx, p, draft)
        except EventWithoutDate:
            draft.open_ended = True
            return _prepare(ctx, p, draft)
        except UnreadableDeadline as e:
            click.echo(f"  {e.message}", err=True)


def _like(session, p) -> list:
    """The open promises a proposal looks like (see `cli.duplicates`)."""
    from .. import ministries  # here for start-up time, as the other imports below
    from ..similar import near_duplicates

    return near_duplicates(session, p.text or p.sentence, ministries.as_stored(p.ministry),
                           p.earliest, p.latest)


def _result(session, promise, ctx: Context, matches, added: bool) -> dict:
    """`extract --yes --json`: one promise, `added` or left out as like `duplicate_of`."""
    from ..promises import promise_to_dict  # here for start-up time (it imports SQLModel)
    from .promises import _as_dict

    d = _as_dict(session, promise, ctx) if added else promise_to_dict(promise, [], ctx.today)
    return {**d, "added": added, "duplicate_of": duplicates.ids(matches)}


def _choose(default: str = "a") -> str:
    """Accept, edit, skip or quit; anything else (a typo) asks again."""
    while True:
        answer = click.prompt("  [a]ccept, [e]dit, [s]kip, [q]uit", default=default,
                              show_default=True).strip().lower()
        if answer in CHOICES:
            return CHOICES[answer]
        click.echo(f"  '{answer}' is not one of a, e, s, q; try again.", err=True)


@click.command()
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--date", "ref", type=DATE,
              help="The document's date, the reference of its time phrases. Default: the "
                   "'Datum' line of the letter, or the day answers to Kamervragen were received.")
@click.option("--yes", is_flag=True, help="Add every proposal without asking (those like a "
              "promise in the register only with --allow-duplicate).")
@duplicates.ALLOW_OPTION
@fmt.json_option("the proposals", shape="array",
                 help="Print the proposals as one JSON array and add nothing, each with "
                      "`duplicate_of` (the ids of like promises in the register). With --yes: "
                      "add them and print one object per proposal handled, with `added` and "
                      "`duplicate_of`.")
@click.option("--min-confidence", type=click.FloatRange(0, 1), default=None,
              help="Leave out proposals below this confidence (0..1). Default: 0.5.")
@click.option("--owner", help="E-mail address that gets the reminders of the promises added.")
@click.option("--tag", "tags", multiple=True, help="Tag for the promises added (repeatable).",
              shell_complete=complete.tags)
@click.option("--source",
              help="Where the promises were made. Default: the document's subject (and its "
                   "Kamerstuk number), as the document gives it.")
@click.option("--events/--no-events", default=True, show_default=True,
              help="Propose promises tied to an event without a date "
                   "('Wanneer dit onderzoek is afgerond ...'), stored open-ended.")
@click.pass_obj
def extract(ctx: Context, file: Path, ref, yes, allow_duplicate, as_json, min_confidence, owner,
            tags, source, events):
    """Find the promises in a letter, answers to Kamervragen or a debate report
    (.txt, .pdf, .docx, .html).

    Each proposal shows the sentence, its time phrase and window, who promised it, and in
    answers to Kamervragen the question it answers; accept, edit or skip it. Promises
    already in the register are left out; one like an open promise of the same ministry
    in an overlapping window asks "Is this #12?" (with --yes: left out, unless
    --allow-duplicate). Ctrl-C keeps the ones accepted so far.

        toezegging extract kamerbrief.pdf --date 2026-06-10
    """
    from ..extract import find_promises, read_document, read_structure
    from ..extract.dedup import unique
    from ..promises import add_promise, check_fields, check_reference
    from .promises import _session

    text = read_document(file)
    doc = read_structure(text)
    if ref is None:
        ref = doc.date
        if ref is None:
            raise InvalidInput(
                f"cannot tell the date of {file.name}; give it with --date YYYY-MM-DD "
                "(the day of the letter, of the answers or of the debate)."
            )
        if not as_json:
            click.echo(f"Document dated {ref.isoformat()} (use --date to change).", err=True)
    check_reference(ref, ctx.today)
    fields = {"source": source or doc.source_on(ref), "kamerstuk": None if source else doc.kamerstuk,
              "tags": list(tags), "owner": owner}
    check_fields({k: v for k, v in fields.items() if k not in ("source", "kamerstuk")})

    progress = _Progress(f"Reading {file.name}", sys.stderr.isatty() and len(text) > 100_000)
    try:
        proposals = find_promises(text, ref, document=doc, include_events=events,
                                  min_confidence=min_confidence, progress=progress)
    finally:
        progress.close()

    interrupted = False
    with _session(ctx) as session:
        from sqlmodel import select

        from ..model import Promise

        known = session.exec(select(Promise.text)).all()
        fresh = unique(proposals, key=lambda p: p.text or p.sentence, seen=known)
        skipped = len(proposals) - len(fresh)

        if as_json and not yes:
            fmt.print_json([{**p.to_dict(), "duplicate_of": duplicates.ids(_like(session, p))}
                            for p in fresh])
            return
        if skipped and not as_json:
            click.echo(f"{skipped} already in the register, left out.", err=True)
        if not fresh:
            if as_json:
                fmt.print_json([])
            else:
                click.echo(f"No new promises found in {file.name}.")
            return

        added, results = [], []  # results: what --json prints, one object per proposal handled
        for i, p in enumerate(fresh, 1):
            draft = _draft(p, ref, dict(fields))
            if yes:
                try:
                    promise = _prepare(ctx, p, draft)
                except UnreadableDeadline as e:
                    click.echo(plain(f"Left out: {e.message} ({p.sentence[:60]})"), err=True)
                    continue
                matches = duplicates.find(session, promise)
                if matches and not allow_duplicate:
                    click.echo(plain(f"Left out (like #{', #'.join(map(str, duplicates.ids(matches)))}):"
                                     f" {p.sentence[:70]}"), err=True)
                    if as_json:
                        results.append(_result(session, promise, ctx, matches, added=False))
                    continue
            else:
                _show(i, len(fresh), p)
                matches = _like(session, p)
                if matches:
                    duplicates.show(matches)
                try:
                    choice = _choose("s" if matches else "a")
                    if choice == "q":
                        break
                    if choice == "s":
                        continue
                    promise = _edit(ctx, p, draft) if choice == "e" else _prepare(ctx, p, draft)
                except click.exceptions.Abort:
                    interrupted = True
                    break
            added.append(add_promise(session, promise))  # later proposals are checked against it
            if as_json:
                results.append(_result(session, promise, ctx, matches, added=True))

        if as_json:
            fmt.print_json(results)
            return
        for a in added:
            click.echo(plain(f"Added promise {a.id}: {window_text(a)}  {a.text[:70]}"))
        if interrupted:
            click.echo(f"\nInterrupted: the {len(added)} promise(s) accepted before are stored; "
                       "the rest was not added.", err=True)
        elif not added:
            click.echo("Nothing added.")
    if interrupted:
        raise click.exceptions.Exit(130)
