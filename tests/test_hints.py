"""The core says in words what to do about an error; the command line says it as its own
command or option (`errors.Hint`, `cli/hints.py`). Each case: the core's message names no
command-line syntax, and the CLI prints exactly the message it always printed."""

import ast
import re
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from toezegging import events
from toezegging.cli.hints import told
from toezegging.deadline import parse
from toezegging.errors import Hint, NotFound, ToezeggingError
from toezegging.import_export import check_rows, read_rows
from toezegging.promises import (
    Draft,
    add_promise,
    check_fields,
    check_reference,
    edit,
    fulfil,
    postpone,
    prepare,
    read_deadline,
    remove,
    set_status,
)
from toezegging.store import get_promise
from toezegging.sync.odata import pages

TODAY = date(2026, 6, 10)
NOW = datetime(2026, 6, 10, 10, tzinfo=UTC)
WINDOW = parse("voor eind 2026", TODAY).explanation


def _add(store, phrase="voor eind 2026", **fields) -> int:
    p = prepare(Draft("Brief over de pilots", phrase, date(2026, 6, 1), fields=fields), today=TODAY, now=NOW)
    with store.session() as s:
        return add_promise(s, p).id


def _write(store, change):
    return lambda: store.write(change)


class _NoRecords:
    def get_json(self, url, params=None):
        return {"records": []}


def _cases(store):
    """(what is refused, how it is refused, the message the CLI prints)."""
    one = _add(store, number="TZ202606-001")
    closed = _add(store)
    store.write(lambda s: set_status(s, closed, "fulfilled", today=TODAY, now=NOW))
    gone = _add(store)
    store.write(lambda s: remove(s, gone, today=TODAY, now=NOW))
    moved = _add(store)
    store.write(lambda s: postpone(s, moved, "voor de zomer van 2027", today=TODAY, now=NOW))
    return [
        (
            "not an id",
            _write(store, lambda s: get_promise(s, "x")),
            "'x' is not a promise id; ids are numbers, see `toezegging list --status all`.",
        ),
        (
            "no such id",
            _write(store, lambda s: get_promise(s, 99)),
            "no promise with id 99; see `toezegging list --status all` for the ids.",
        ),
        (
            "open end with a date",
            lambda: read_deadline("voor eind 2026", TODAY, open_ended=True),
            f"'voor eind 2026' already gives a date ({WINDOW}); --open-ended is only for a "
            "deadline tied to an event. Leave it out.",
        ),
        (
            "due with a date",
            lambda: read_deadline("voor eind 2026", TODAY, due=TODAY),
            f"'voor eind 2026' already gives a date ({WINDOW}); --due is only for a "
            "deadline tied to an event. Leave it out.",
        ),
        (
            "empty deadline",
            lambda: read_deadline(" ", TODAY),
            "the deadline is empty; give the time phrase as said, e.g. --deadline 'voor de zomer'.",
        ),
        (
            "url",
            lambda: check_fields({"url": "kamer.nl"}),
            "--url 'kamer.nl' is not a web address (https://...).",
        ),
        (
            "made in the future",
            lambda: check_reference(date(2026, 7, 1), TODAY),
            "--date 2026-07-01 is in the future; it is the day the promise was made (today is 2026-06-10).",
        ),
        (
            "number taken",
            lambda: store.write(
                lambda s: add_promise(
                    s,
                    prepare(
                        Draft("Nog een", "voor eind 2026", TODAY, fields={"number": "TZ202606-001"}),
                        today=TODAY,
                        now=NOW,
                    ),
                )
            ),
            f"register number TZ202606-001 is already promise {one}; see `toezegging show {one}`.",
        ),
        (
            "removed",
            _write(store, lambda s: postpone(s, gone, "eind 2027", today=TODAY, now=NOW)),
            f"promise {gone} was removed on 2026-06-10; restore it first with "
            f"`toezegging delete {gone} --undo`.",
        ),
        (
            "closed",
            _write(store, lambda s: postpone(s, closed, "eind 2027", today=TODAY, now=NOW)),
            f"promise {closed} is fulfilled; only an open promise can be postponed "
            f"(reopen it with `toezegging edit {closed} --status open`).",
        ),
        (
            "announced in the future",
            _write(
                store,
                lambda s: postpone(s, one, "eind 2027", today=TODAY, now=NOW, announced=date(2026, 7, 1)),
            ),
            "--date 2026-07-01 is in the future; it is the day the new deadline was announced "
            "(today is 2026-06-10).",
        ),
        (
            "announced before",
            _write(
                store,
                lambda s: postpone(s, one, "eind 2027", today=TODAY, now=NOW, announced=date(2026, 1, 1)),
            ),
            f"--date 2026-01-01 is before promise {one} was made (2026-06-01); give the day the "
            "new deadline was announced.",
        ),
        *[
            (
                f"{status} when closed",
                _write(store, lambda s, status=status: set_status(s, closed, status, today=TODAY, now=NOW)),
                f"promise {closed} is fulfilled (closed 2026-06-10); marking it {status} would "
                f"rewrite that. If it really is {status}, run `toezegging {command} {closed} --force` "
                "(the change is kept in its history).",
            )
            for status, command in (("withdrawn", "withdraw"), ("lapsed", "lapse"))
        ],
        (
            "series",
            _write(store, lambda s: fulfil(s, one, today=TODAY, now=NOW, series=True)),
            f"promise {one} does not recur; --series is for a recurring promise. "
            f"Use `toezegging done {one}`.",
        ),
        (
            "nothing to edit",
            _write(store, lambda s: edit(s, one, {}, today=TODAY, now=NOW)),
            "nothing to change; give the fields to change, e.g. "
            f"`toezegging edit {one} --owner staf@example.org --tag zeden`.",
        ),
        (
            "made after a move",
            _write(store, lambda s: edit(s, moved, {"reference": date(2026, 5, 1)}, today=TODAY, now=NOW)),
            f"promise {moved} has been postponed; its window now follows the postponement, so "
            "the day it was made can no longer change. To correct the postponement's phrase give "
            f"it again: `toezegging edit {moved} --deadline PHRASE --date DAY`.",
        ),
        (
            "event without a name",
            lambda: events.clean_name(" "),
            "the event's name is empty; give it as it is known, e.g. --as 'inwerkingtreding Wet X'.",
        ),
        (
            "event of a dated promise",
            _write(store, lambda s: events.date_promise_event(s, one, TODAY, today=TODAY, now=NOW)),
            f"promise {one} does not wait on an event: its deadline 'voor eind 2026' already "
            f"gives a date (2026-12-31). Use `toezegging postpone {one} PHRASE` to move it.",
        ),
        (
            "link nothing",
            _write(store, lambda s: events.link(s, [], "Wet X", today=TODAY, now=NOW)),
            "give the ids of the promises to link, e.g. `toezegging event link 3 7 --as 'Wet X'`.",
        ),
        (
            "no events",
            _write(store, lambda s: events.set_event(s, "Wet X", TODAY, today=TODAY, now=NOW)),
            "no open promise is linked to the event 'Wet X'. Name one first with "
            "`toezegging event link ID... --as NAME`.",
        ),
        (
            "empty file",
            lambda: read_rows(b"", "leeg.json"),
            "leeg.json is empty; import reads our own export (JSON or CSV, as `toezegging export` "
            "writes it) or the Tweede Kamer's Toezegging records (JSON).",
        ),
        (
            "bad rows",
            lambda: check_rows([{"text": "", "deadline": "eind 2026"}], NOW),
            "1 malformed row(s), nothing imported. row 1: text is empty. Fix them, or import the "
            "rest with --skip-bad.",
        ),
        (
            "not OData",
            lambda: next(pages(_NoRecords(), "https://api.example/Toezegging")),
            "https://api.example/Toezegging answered JSON that is not an OData collection (no "
            "'value' list); check the address ([sync.tk] url or --url).",
        ),
    ]


def test_the_core_says_it_in_words_and_the_cli_as_a_command(store):
    for what, refused, cli_message in _cases(store):
        with pytest.raises(ToezeggingError) as e:
            refused()
        assert e.value.hints, what
        assert "--" not in e.value.message and "`" not in e.value.message, (what, e.value.message)
        assert told(e.value) == cli_message, what


def test_a_hint_the_cli_does_not_know_keeps_its_words_and_added_text_stays():
    hint = Hint("ask the clerk", "ask_clerk")
    e = NotFound(f"no such record; {hint}.", hint, Hint("see the list of every promise", "list_all"))
    e.message += " Nothing was written."
    assert told(e) == "no such record; ask the clerk. Nothing was written."
    assert str(e) == e.message


# The modules of the store and the register: their messages name no option or command.
CORE = (
    "store.py",
    "model.py",
    "database.py",
    "promises.py",
    "import_export.py",
    "feed_queries.py",
    "events.py",
    "stats.py",
    "similar.py",
    "ministries.py",
    "address.py",
    "errors.py",
    "sync",
)
CLI_SYNTAX = re.compile(r"(?<![\w-])--[a-z]|`toezegging |\btoezegging (?:list|show|edit|add)\b")


def _texts(source: str) -> list[str]:
    """The string constants of a module, its docstrings left out."""
    tree = ast.parse(source)
    docs = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    return [
        n.value
        for n in ast.walk(tree)
        if isinstance(n, ast.Constant) and isinstance(n.value, str) and id(n) not in docs
    ]


def test_the_core_names_no_option_or_command():
    package = Path(__file__).resolve().parents[1] / "toezegging"
    found = []
    for name in CORE:
        for path in sorted([package / name] if name.endswith(".py") else (package / name).rglob("*.py")):
            found += [f"{path.name}: {t!r}" for t in _texts(path.read_text("utf-8")) if CLI_SYNTAX.search(t)]
    assert found == []
