"""`toezegging parse`: read deadline phrases (or sentences, with --search) into windows."""

import sys
from datetime import date, datetime
from zoneinfo import ZoneInfo

import click

from ..deadline import EXAMPLES, search
from ..deadline import parse as parse_phrase
from ..errors import UnreadableDeadline
from . import format as fmt
from .format import plain_lines
from .options import DATE

# parse needs no config, so its clock reads the default zone.
ZONE = "Europe/Amsterdam"


def _answer(line: str, ref: date, find: bool) -> dict:
    """One JSON object for one input line; an unreadable line gets an "error"."""
    phrase = line.strip()
    try:
        if find:
            found = search(phrase, ref)
            if found is None:
                raise UnreadableDeadline(phrase, EXAMPLES)
            return {
                "phrase": phrase,
                **found.window.to_dict(),
                "span": found.text,
                "start": found.span[0],
                "end": found.span[1],
            }
        return {"phrase": phrase, **parse_phrase(phrase, ref).to_dict()}
    except UnreadableDeadline as e:
        if find:
            msg = f"found no time phrase in '{phrase[:80]}'"
        else:
            msg = e.message
        return {
            "phrase": phrase,
            "earliest": None,
            "latest": None,
            "kind": None,
            "recurrence": None,
            "hedged": False,
            "estimated": False,
            "explanation": None,
            "anchor": None,
            "offset": None,
            "offset_mode": None,
            "error": msg,
            "examples": list(EXAMPLES),
        }


def _human(obj: dict) -> str:
    if "error" in obj:
        return f"{obj['phrase']}: {obj['error']}"
    span = f"  [{obj['span']}]" if "span" in obj else ""
    if obj["kind"] == "event":
        counted = ""
        if obj["anchor"]:
            counted = f"; waits on '{obj['anchor']}'"
            counted += f" ({obj['offset_mode']}" + (f" {obj['offset']})" if obj["offset"] else ")")
        return f"{obj['phrase']}: no date (an event{counted}){span}\n  {obj['explanation']}"
    head = f"{obj['earliest']} .. {obj['latest']}  ({obj['kind']}"
    head += f", {obj['recurrence']}" if obj["recurrence"] else ""
    head += ", hedged" if obj["hedged"] else ""
    head += ", estimated" if obj["estimated"] else ""
    head += ")"
    return f"{head}{span}\n  {obj['explanation']}"


@click.command(
    epilog="Exit status: 0 when every phrase was read; 1 when one was not (the "
    "others are still answered, in order)."
)
@click.argument("phrase", required=False)
@click.option("--ref", "ref", type=DATE, help="The day the promise was made (default: today).")
@fmt.json_option(
    "each answer",
    shape="lines",
    help="Print each answer as JSON, one object per line, in the order of the "
    'input (a stream; an unreadable phrase gives an object with "error").',
)
@click.option(
    "--search",
    "find",
    is_flag=True,
    help="Each input is a sentence: find the time phrase in it (adds 'span').",
)
def parse(phrase: str | None, ref: date | None, as_json: bool, find: bool) -> None:
    """Read a deadline PHRASE into a window; without PHRASE, one phrase per line on stdin.

    What it cannot read is said on standard error, and the exit status is then 1; the
    other phrases are still answered. With --json every phrase gets an object, in order,
    an unreadable one with "error".

    \b
    Examples:
      toezegging parse "voor de zomer van 2026" --ref 2026-03-02
      printf 'eind 2026\\nQ1 2027\\n' | toezegging parse --json --ref 2026-06-10
      toezegging parse --search "De Kamer wordt voor eind 2026 geïnformeerd"
    """
    ref = ref or datetime.now(ZoneInfo(ZONE)).date()  # the clock, read once
    lines = [phrase] if phrase is not None else sys.stdin
    failed = False
    for line in lines:
        if phrase is None and not line.strip():
            continue
        obj = _answer(line, ref, find)
        if "error" in obj:
            failed = True
            fmt.error(_human(obj))  # said at once: the other phrases are still answered
            if not as_json:
                continue
        if as_json:
            fmt.print_json_line(obj)
        else:
            click.echo(plain_lines(_human(obj)))
    if failed:
        raise fmt.UserError(fmt.REPORTED)
