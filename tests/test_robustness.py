"""Hostile and broken input gets a clear message, never a traceback, and writes nothing
(issue 13: NUL, lone surrogates, huge numbers, deep JSON, odd CSV, empty files)."""

import json

import pytest
from conftest import CliRun
from sqlmodel import select

from toezegging.errors import InvalidInput


def listed(cli: CliRun) -> list[dict]:
    return json.loads(cli("list", "--json", "--status", "all").stdout)


def refused(cli: CliRun, *args: str, input: str | None = None) -> str:
    """Run a command that must be refused: exit 1, a message, no traceback."""
    r = cli(*args, input=input, expect=1)
    assert "Traceback" not in r.output and r.exception is None or isinstance(r.exception, SystemExit)
    assert r.output.startswith("Error: "), r.output
    return r.output


OWN = {"text": "Brief over de pilots", "deadline": "voor eind 2026", "reference": "2026-06-01"}


# ----------------------------------------------------------------------------- import files


@pytest.mark.parametrize(
    "content, message",
    [
        (b"", "is empty; import reads our own export (JSON or CSV"),
        (b"  \n\n", "is empty; import reads our own export"),
        (b"\xff\xfe\x00P\x00K", "is not UTF-8 text (byte 1); import reads our own export"),
        (b"[" * 100_000 + b"]" * 100_000, "nested too deeply"),
        (b'[{"text": "a", "revision": ' + b"9" * 5000 + b"}]", "cannot be read"),
    ],
    ids=["empty", "blank", "binary", "deep", "long-integer"],
)
def test_an_empty_or_unreadable_file_names_the_formats(toezegging_cli, tmp_path, content, message):
    f = tmp_path / "in.json"
    f.write_bytes(content)
    assert message in refused(toezegging_cli, "import", str(f))
    assert listed(toezegging_cli) == []


def test_a_file_that_cannot_be_opened_exits_1(toezegging_cli, tmp_path):
    out = refused(toezegging_cli, "import", str(tmp_path / "missing.json"))
    assert "cannot read" in out and "No such file" in out and "import reads our own export" in out
    out = refused(toezegging_cli, "import", str(tmp_path))
    assert "Is a directory" in out


def test_an_empty_register_exports_a_csv_that_imports(toezegging_cli, tmp_path):
    f = tmp_path / "empty.csv"
    f.write_text(toezegging_cli("export", "--format", "csv").stdout, encoding="utf-8")
    assert f.read_text(encoding="utf-8").startswith("id,number,text,")
    assert "0 added" in toezegging_cli("import", str(f)).output


def test_a_csv_row_longer_than_its_header_is_reported_wherever_it_is(toezegging_cli, tmp_path):
    f = tmp_path / "in.csv"
    f.write_text(
        "text,deadline,reference\n"
        "Brief,voor eind 2026,2026-06-01\n"
        "Plan, met komma,voor de zomer,2026-06-01\n"
        "Nota,voor eind 2026,2026-06-01\n",
        encoding="utf-8",
    )
    out = refused(toezegging_cli, "import", str(f))
    assert "row 2: has 4 cells, more than the 3 columns of the header" in out
    assert listed(toezegging_cli) == []
    r = toezegging_cli("import", "--skip-bad", str(f))
    assert "2 added" in r.output and "skipped row 2: has 4 cells" in r.output
    assert [p["text"] for p in listed(toezegging_cli)] == ["Brief", "Nota"]


def test_a_csv_cell_longer_than_the_csv_modules_limit_imports(toezegging_cli, database_factory, tmp_path):
    toezegging_cli("add", "Lange brief", "--deadline", "voor eind 2026", "--yes", "--notes", "x" * 200_000)
    f = tmp_path / "export.csv"
    f.write_text(toezegging_cli("export", "--format", "csv").stdout, encoding="utf-8")
    other = CliRun(database_factory(), tmp_path)
    assert "1 added" in other("import", str(f)).output
    assert len(listed(other)[0]["notes"]) == 200_000


# ----------------------------------------------------------------------------- NUL, surrogates

FIELDS = (
    "--by",
    "--function",
    "--ministry",
    "--to",
    "--fraction",
    "--source",
    "--kamerstuk",
    "--notes",
    "--tag",
)


@pytest.mark.parametrize("bad", ["\x00", "\ud800", "\udcff"], ids=["nul", "surrogate", "escaped-byte"])
@pytest.mark.parametrize("where", ["text", "deadline", *FIELDS])
def test_add_refuses_unstorable_text_in_every_field(toezegging_cli, where, bad):
    text, deadline, extra = "Brief over de pilots", "voor eind 2026", []
    if where == "text":
        text = f"Brief{bad} over de pilots"
    elif where == "deadline":
        deadline = f"voor eind 2026{bad}"
    else:
        extra = [where, f"a{bad}b"]
    out = refused(toezegging_cli, "add", text, "--deadline", deadline, "--yes", *extra)
    # (a lone surrogate in argv is how Python passes bytes that are not UTF-8)
    assert ("NUL character (U+0000)" if bad == "\x00" else "an argument is not UTF-8 text") in out
    assert listed(toezegging_cli) == []


@pytest.mark.parametrize(
    "args",
    [
        ("postpone", "1", "voor de zomer van 2027", "--reason", "juni\x00"),
        ("postpone", "1", "voor de zomer\x00 van 2027"),
        ("done", "1", "--letter", "Kamerstuk\x00 1"),
        ("edit", "1", "--notes", "zie\x00brief"),
        ("edit", "1", "--text", "\ud800"),
    ],
    ids=["reason", "phrase", "letter", "notes", "text"],
)
def test_changes_refuse_unstorable_text(toezegging_cli, args):
    toezegging_cli("add", "Brief", "--deadline", "voor eind 2026", "--yes")
    before = listed(toezegging_cli)
    refused(toezegging_cli, *args)
    assert listed(toezegging_cli) == before


def test_import_reports_the_row_with_a_nul_also_with_skip_bad(toezegging_cli, tmp_path):
    rows = [
        OWN,
        {**OWN, "text": "Plan", "notes": "a\x00b"},
        {
            **OWN,
            "text": "Nota",
            "history": [{"new_deadline": "x", "reference": "2026-06-02", "reason": "\ud800"}],
        },
        {**OWN, "text": "Brief\x00"},
        {**OWN, "text": "Laatste"},
    ]
    f = tmp_path / "in.json"
    f.write_text(json.dumps(rows), encoding="utf-8")  # NUL and the surrogate as \u escapes
    out = refused(toezegging_cli, "import", str(f))
    assert "3 malformed row(s), nothing imported" in out
    assert "row 2: notes holds a NUL character (U+0000)" in out
    assert "row 3: history[1].reason holds U+D800" in out
    assert "row 4: text holds a NUL character" in out
    assert listed(toezegging_cli) == []
    r = toezegging_cli("import", "--skip-bad", str(f))
    assert "2 added" in r.output and "3 bad rows skipped" in r.output
    assert "skipped row 2: notes holds a NUL character" in r.output
    assert [p["text"] for p in listed(toezegging_cli)] == ["Brief over de pilots", "Laatste"]


def test_no_write_can_store_unstorable_text(store):
    """The store's own guard, for any code path that skips the input checks."""
    from datetime import UTC, date, datetime

    from toezegging.model import Promise

    now = datetime(2026, 6, 10, tzinfo=UTC)
    for bad in ("a\x00", "\udc80"):
        with pytest.raises(InvalidInput, match="the notes of the promise holds"), store.session() as s:
            s.add(
                Promise(
                    text="Brief",
                    deadline="voor eind 2026",
                    reference=date(2026, 6, 1),
                    notes=bad,
                    created_at=now,
                    updated_at=now,
                )
            )
    with store.session() as s:
        assert s.exec(select(Promise)).all() == []


# ----------------------------------------------------------------------------- numbers, shapes

BIG = "9" * 25  # far over 64 bits


@pytest.mark.parametrize(
    "args",
    [
        ("show", BIG),
        ("postpone", BIG, "voor eind 2027"),
        ("done", BIG),
        ("edit", BIG, "--notes", "x"),
        ("show", "--", "-" + BIG),
        ("show", "2147483648"),
    ],
    ids=["show", "postpone", "done", "edit", "negative", "int32"],
)
def test_an_id_over_64_bits_is_no_promise(toezegging_cli, args):
    assert "no promise with id" in refused(toezegging_cli, *args)


@pytest.mark.parametrize(
    "field, value, message",
    [
        ("revision", 2**70, "row 1: revision must be a whole number from 0 to 2147483647"),
        ("revision", -1, "row 1: revision must be a whole number from 0 to 2147483647"),
        ("id", 2**64, "row 1: id must be a whole number from 1 to 2147483647"),
        ("id", 0, "row 1: id must be a whole number from 1 to 2147483647"),
        (
            "history",
            [{"new_deadline": "x", "reference": "2026-06-02", "reason": {"a": 1}}],
            "row 1: history[1].reason must be text, got {'a': 1}",
        ),
        (
            "history",
            [{"new_deadline": ["x"], "reference": "2026-06-02"}],
            "row 1: history[1].new_deadline must be text",
        ),
        (
            "history",
            [{"new_deadline": "x", "reference": "2026-06-02", "old_deadline": 5}],
            "row 1: history[1].old_deadline must be text",
        ),
    ],
    ids=[
        "revision",
        "negative-revision",
        "id",
        "zero-id",
        "reason-object",
        "deadline-list",
        "old-deadline-number",
    ],
)
def test_import_refuses_out_of_range_numbers_and_wrong_shapes(
    toezegging_cli, tmp_path, field, value, message
):
    f = tmp_path / "in.json"
    f.write_text(json.dumps([{**OWN, field: value}]), encoding="utf-8")
    assert message in refused(toezegging_cli, "import", str(f))
    assert listed(toezegging_cli) == []


def test_arguments_that_are_not_utf8_are_refused(toezegging_cli):
    # On a UTF-8 system Python turns bytes that are not UTF-8 in argv into lone surrogates.
    out = refused(toezegging_cli, "list", "--search", "caf\udce9")
    assert "an argument is not UTF-8 text" in out and "caf\\xe9" in out


@pytest.mark.parametrize(
    "args, message",
    [
        (("list", "--due-within", BIG + "d"), "at most 36500 days"),
        (("outbox", "--limit", BIG), "is not in the range 1<=x<=1000000"),
        (("scheduler", "--interval", "1e300"), "is not in the range 0.1<=x<=86400"),
    ],
    ids=["due-within", "limit", "interval"],
)
def test_numeric_options_have_a_range(toezegging_cli, args, message):
    r = toezegging_cli(*args, expect=None)
    assert r.exit_code in (1, 2) and message in r.output and "Traceback" not in r.output


# ----------------------------------------------------------------------------- addresses

HOSTILE_ADDRESSES = [
    "victim,attacker@evil.example",
    "a;b@evil.example",
    "Bcc:x@evil.example",
    "x@evil.example;",
    "Staf <staf@example.org>",
    "a@x.nl, b@y.nl",
    "group: a@x.nl;",
    "a@x.nl (comment)",
    '"a"@x.nl',
    "a@x.nl\nBcc: y@z.nl",
    "x@[127.0.0.1]",
    "a@localhost",
]


@pytest.mark.parametrize("owner", HOSTILE_ADDRESSES)
def test_an_owner_is_exactly_one_address(toezegging_cli, tmp_path, owner):
    out = refused(toezegging_cli, "add", "Brief", "--deadline", "voor eind 2026", "--yes", "--owner", owner)
    assert "is not an e-mail address: give exactly one" in out
    f = tmp_path / "in.json"
    f.write_text(json.dumps([{**OWN, "owner": owner}]), encoding="utf-8")
    assert "row 1: the owner" in refused(toezegging_cli, "import", str(f))
    assert listed(toezegging_cli) == []


@pytest.mark.parametrize("owner", ["staf@example.org", "Jan.de-Vries+tz@minjenv.nl", "anne@überweisung.de"])
def test_a_plain_owner_address_is_taken(toezegging_cli, owner):
    toezegging_cli("add", "Brief", "--deadline", "voor eind 2026", "--yes", "--owner", owner)
    assert listed(toezegging_cli)[0]["owner"] == owner
