"""`toezegging extract FILE`: propose the promises in a letter, in answers to Kamervragen
or in a debate report, and add the ones the user accepts (or all with --yes) to the
register."""

import sys
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import click

from ..errors import InvalidInput, UnreadableDeadline
from . import complete, duplicates
from . import format as fmt
from .context import Context
from .format import plain, window_text
from .options import DATE

if TYPE_CHECKING:  # SQLModel and the extractor: only when the command runs
    from sqlmodel import Session

    from ..extract import Proposal
    from ..extract.document import Document
    from ..model import Promise
    from ..promises import Draft
    from ..similar import Match

CHOICES = {
    "a": "a",
    "accept": "a",
    "y": "a",
    "yes": "a",
    "e": "e",
    "edit": "e",
    "s": "s",
    "skip": "s",
    "n": "s",
    "no": "s",
    "q": "q",
    "quit": "q",
}
BAR_FROM = 100_000  # characters: a document this long shows a progress bar on a terminal


@click.command()
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--date",
    "ref",
    type=DATE,
    help="The document's date, the reference of its time phrases. Default: the "
    "'Datum' line of the letter, or the day answers to Kamervragen were received.",
)
@click.option(
    "--yes",
    is_flag=True,
    help="Add every proposal without asking (those like a "
    "promise in the register only with --allow-duplicate).",
)
@duplicates.ALLOW_OPTION
@fmt.json_option(
    "the proposals",
    shape="array",
    help="Print the proposals as one JSON array and add nothing, each with "
    "`duplicate_of` (the ids of like promises in the register). With --yes: "
    "add them and print one object per proposal handled, with `added` and "
    "`duplicate_of`.",
)
@click.option(
    "--min-confidence",
    type=click.FloatRange(0, 1),
    default=None,
    help="Leave out proposals below this confidence (0..1). Default: 0.5.",
)
@click.option("--owner", help="E-mail address that gets the reminders of the promises added.")
@click.option(
    "--tag",
    "tags",
    multiple=True,
    help="Tag for the promises added (repeatable).",
    shell_complete=complete.tags,
)
@click.option(
    "--source",
    help="Where the promises were made. Default: the document's subject (and its "
    "Kamerstuk number), as the document gives it.",
)
@click.option(
    "--events/--no-events",
    default=True,
    show_default=True,
    help="Propose promises tied to an event without a date "
    "('Wanneer dit onderzoek is afgerond ...'), stored open-ended.",
)
@click.pass_obj
def extract(
    ctx: Context,
    file: Path,
    ref: date | None,
    yes: bool,
    allow_duplicate: bool,
    as_json: bool,
    min_confidence: float | None,
    owner: str | None,
    tags: tuple[str, ...],
    source: str | None,
    events: bool,
) -> None:
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
    from ..promises import check_reference

    text = read_document(file)
    doc = read_structure(text)
    ref = _reference(ref, doc, file, as_json)
    check_reference(ref, ctx.today)
    fields = _fields(doc, ref, source, tags, owner)
    with fmt.Progress(
        f"Reading {file.name}", enabled=sys.stderr.isatty() and len(text) > BAR_FROM
    ) as progress:
        proposals = find_promises(
            text, ref, document=doc, include_events=events, min_confidence=min_confidence, progress=progress
        )
    with ctx.session() as session:
        batch = _Batch(ctx, session, ref, fields, as_json)
        fresh = batch.fresh(proposals)
        if as_json and not yes:
            fmt.print_json(
                [{**p.to_dict(), "duplicate_of": duplicates.ids(_like(session, p))} for p in fresh]
            )
            return
        if not fresh:
            _nothing_new(file, as_json)
            return
        if yes:
            batch.add_all(fresh, allow_duplicate)
        else:
            batch.ask_each(fresh)
        batch.report()
    if batch.interrupted:
        raise click.exceptions.Exit(130)


def _fields(doc: "Document", ref: date, source: str | None, tags: tuple[str, ...], owner: str | None) -> dict:
    """The fields every accepted proposal gets: the letter's subject and number as its
    source (unless --source names one), the tags and owner given (checked here)."""
    from ..promises import check_fields

    check_fields({"tags": list(tags), "owner": owner})
    return {
        "source": source or doc.source_on(ref),
        "kamerstuk": None if source else doc.kamerstuk,
        "tags": list(tags),
        "owner": owner,
    }


def _reference(ref: date | None, doc: "Document", file: Path, as_json: bool) -> date:
    """The day the document's time phrases are read at: --date, else the document's own."""
    if ref is not None:
        return ref
    if doc.date is None:
        raise InvalidInput(
            f"cannot tell the date of {file.name}; give it with --date YYYY-MM-DD "
            "(the day of the letter, of the answers or of the debate)."
        )
    if not as_json:
        click.echo(f"Document dated {doc.date.isoformat()} (use --date to change).", err=True)
    return doc.date


def _nothing_new(file: Path, as_json: bool) -> None:
    if as_json:
        fmt.print_json([])
    else:
        click.echo(f"No new promises found in {file.name}.")


def _show(i: int, n: int, p: "Proposal") -> None:
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


def _draft(p: "Proposal", ref: date, fields: dict) -> "Draft":
    from ..promises import Draft

    return Draft(
        text=p.text or p.sentence,
        deadline=p.phrase,
        reference=ref,
        open_ended=p.latest is None,
        fields={"by": p.by, "function": p.function, "ministry": p.ministry, **fields},
    )


def _prepare(ctx: Context, p: "Proposal", draft: "Draft") -> "Promise":
    from ..promises import prepare_proposal

    return prepare_proposal(p, draft, today=ctx.today, now=ctx.now)


def _ask(label: str, default: str) -> str:
    return click.prompt(label, default=default)


def _edit(ctx: Context, p: "Proposal", draft: "Draft") -> "Promise":
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


def _like(session: "Session", p: "Proposal") -> "list[Match]":
    """The open promises a proposal looks like (see `cli.duplicates`)."""
    from .. import ministries  # here for start-up time, as the other imports below
    from ..similar import near_duplicates

    return near_duplicates(
        session, p.text or p.sentence, ministries.as_stored(p.ministry), p.earliest, p.latest
    )


def _choose(default: str = "a") -> str:
    """Accept, edit, skip or quit; anything else (a typo) asks again."""
    while True:
        answer = (
            click.prompt("  [a]ccept, [e]dit, [s]kip, [q]uit", default=default, show_default=True)
            .strip()
            .lower()
        )
        if answer in CHOICES:
            return CHOICES[answer]
        click.echo(f"  '{answer}' is not one of a, e, s, q; try again.", err=True)


@dataclass
class _Batch:
    """One run of `extract` over the proposals of a document: what it added, and what
    `--json` prints (one object per proposal handled)."""

    ctx: Context
    session: "Session"
    ref: date
    fields: dict
    as_json: bool
    added: "list[Promise]" = field(default_factory=list)
    results: list[dict] = field(default_factory=list)
    interrupted: bool = False

    def fresh(self, proposals: "list[Proposal]") -> "list[Proposal]":
        """The proposals not in the register yet (nor earlier in the document)."""
        from ..extract.dedup import unique
        from ..store import promise_texts

        fresh = unique(proposals, key=lambda p: p.text or p.sentence, seen=promise_texts(self.session))
        skipped = len(proposals) - len(fresh)
        if skipped and not self.as_json:
            click.echo(f"{skipped} already in the register, left out.", err=True)
        return fresh

    def add(self, promise: "Promise", matches: "list[Match]") -> None:
        from ..promises import add_promise

        self.added.append(add_promise(self.session, promise))  # later proposals are checked against it
        if self.as_json:
            self.results.append(self._result(promise, matches, added=True))

    def _result(self, promise: "Promise", matches: "list[Match]", added: bool) -> dict:
        """`extract --yes --json`: one promise, `added` or left out as like `duplicate_of`."""
        from ..promises import promise_to_dict  # here for start-up time (it imports SQLModel)

        d = (
            fmt.promise_dict(self.session, promise, self.ctx.today)
            if added
            else promise_to_dict(promise, [], self.ctx.today)
        )
        return {**d, "added": added, "duplicate_of": duplicates.ids(matches)}

    def add_all(self, fresh: "list[Proposal]", allow_duplicate: bool) -> None:
        """--yes: every proposal whose deadline reads, those like a promise in the register
        only with --allow-duplicate."""
        for p in fresh:
            try:
                promise = _prepare(self.ctx, p, _draft(p, self.ref, dict(self.fields)))
            except UnreadableDeadline as e:
                click.echo(plain(f"Left out: {e.message} ({p.sentence[:60]})"), err=True)
                continue
            matches = duplicates.find(self.session, promise)
            if matches and not allow_duplicate:
                click.echo(
                    plain(
                        f"Left out (like #{', #'.join(map(str, duplicates.ids(matches)))}): {p.sentence[:70]}"
                    ),
                    err=True,
                )
                if self.as_json:
                    self.results.append(self._result(promise, matches, added=False))
                continue
            self.add(promise, matches)

    def ask_each(self, fresh: "list[Proposal]") -> None:
        """Show each proposal and ask: accept, edit, skip or quit (Ctrl-C keeps those
        accepted so far)."""
        for i, p in enumerate(fresh, 1):
            _show(i, len(fresh), p)
            matches = _like(self.session, p)
            if matches:
                duplicates.show(matches)
            try:
                choice = _choose("s" if matches else "a")
                if choice == "q":
                    break
                if choice == "s":
                    continue
                draft = _draft(p, self.ref, dict(self.fields))
                promise = _edit(self.ctx, p, draft) if choice == "e" else _prepare(self.ctx, p, draft)
            except click.exceptions.Abort:
                self.interrupted = True
                break
            self.add(promise, matches)

    def report(self) -> None:
        """What was added (or, with --json, every proposal handled)."""
        if self.as_json:
            fmt.print_json(self.results)
            return
        for a in self.added:
            click.echo(plain(f"Added promise {a.id}: {window_text(a)}  {a.text[:70]}"))
        if self.interrupted:
            click.echo(
                f"\nInterrupted: the {len(self.added)} promise(s) accepted before are "
                "stored; the rest was not added.",
                err=True,
            )
        elif not self.added:
            click.echo("Nothing added.")
