"""Export and import: round trips, Tweede Kamer records, idempotence, malformed rows."""

import json

import pytest
from conftest import CliRun


def add(cli, text, deadline, *extra):
    cli("add", text, "--deadline", deadline, "--yes", *extra)


def listed(cli, *args):
    return json.loads(cli("list", "--json", "--status", "all", *args).stdout)


@pytest.fixture
def filled(toezegging_cli):
    cli = toezegging_cli
    add(
        cli,
        "Brief over de verkenning",
        "voor eind 2026",
        "--ministry",
        "JenV",
        "--tag",
        "zeden",
        "--number",
        "TZ202606-001",
        "--owner",
        "staf@example.org",
    )
    add(cli, "Plan met aanbevelingen", "voor de zomer", "--by", "Van Weel", "--notes", 'a, "b"\nc')
    add(cli, "Bevindingen pilots", "in het eerste kwartaal van 2027", "--date", "2026-06-01")
    add(cli, "Evaluatie", "na afloop van de pilot", "--open-ended")
    cli("postpone", "2", "voor eind 2026", "--reason", "Mag ik er december van maken?")
    cli("done", "1", "--letter", "Kamerstuk 28345-300")
    return cli


def fresh(cli: CliRun, database_factory, tmp_path) -> CliRun:
    """The CLI on a second, empty database of the same backend."""
    (tmp_path / "other").mkdir()
    other = CliRun(database_factory(), tmp_path / "other")
    other.today = cli.today
    return other


@pytest.mark.parametrize("fmt", ["json", "csv"])
def test_export_then_import_gives_the_same_list(filled, database_factory, tmp_path, fmt):
    before = listed(filled)
    out = tmp_path / f"export.{fmt}"
    out.write_text(filled("export", "--format", fmt).stdout, encoding="utf-8")
    other = fresh(filled, database_factory, tmp_path)
    r = other("import", str(out))
    assert "4 added, 0 updated, 0 unchanged" in r.output
    assert listed(other) == before
    assert other("list").stdout == filled("list").stdout
    # and again: nothing new
    r = other("import", str(out))
    assert "0 added, 0 updated, 4 unchanged" in r.output
    assert listed(other) == before
    # new promises continue after the imported ids
    add(other, "Nieuw", "voor eind 2026")
    assert {p["text"]: p["id"] for p in listed(other)}["Nieuw"] == 5


def test_export_json_shape(filled):
    records = json.loads(filled("export").stdout)
    assert [r["id"] for r in records] == [1, 2, 3, 4]
    r2 = records[1]
    assert r2["deadline"] == "voor de zomer" and r2["current_deadline"] == "voor eind 2026"
    assert r2["history"][0]["reason"] == "Mag ik er december van maken?"
    assert records[0]["fulfilled_by"] == "Kamerstuk 28345-300"


def test_export_csv_header(filled):
    header = filled("export", "--format", "csv").stdout.splitlines()[0].split(",")
    for column in ("id", "text", "deadline", "reference", "earliest", "latest", "kind", "status", "history"):
        assert column in header


TK = [
    {
        "Id": "a1",
        "Nummer": "TZ202412-116",
        "Tekst": "De minister zegt toe de Kamer voor eind 2026 te informeren over de pilots.",
        "Naam": "D.M. van Weel",
        "Functie": "minister van Justitie en Veiligheid",
        "Ministerie": "Justitie en Veiligheid",
        "Status": "Openstaand",
        "Aanmaakdatum": "2026-06-01T00:00:00+02:00",
        "DatumNakoming": "0001-01-01T00:00:00",
        "ActiviteitNummer": "2026A01234",
        "Verwijderd": False,
    },
    {
        "Nummer": "TZ202412-117",
        "Tekst": "De staatssecretaris stuurt de evaluatie.",
        "Naam": "Staatssecretaris",
        "Ministerie": "OCW",
        "Status": "Afgedaan",
        "Aanmaakdatum": "2026-05-01",
        "DatumNakoming": "2026-09-01T00:00:00",
    },
    {
        "Nummer": "TZ202412-118",
        "Tekst": "De Kamer ontvangt een brief na afloop van de pilot.",
        "Status": "Deels afgedaan",
        "Aanmaakdatum": "2026-05-01",
        "DatumNakoming": None,
    },
    {
        "Nummer": "TZ202412-119",
        "Tekst": "Toezegging zonder termijn.",
        "Status": "Vervallen",
        "Aanmaakdatum": "2026-05-01",
    },
    {
        "Nummer": "TZ202412-120",
        "Tekst": "Verwijderd record",
        "Aanmaakdatum": "2026-05-01",
        "Verwijderd": True,
    },
]


@pytest.mark.parametrize("wrapped", [False, True], ids=["list", "odata"])
def test_import_tweede_kamer_records(toezegging_cli, tmp_path, wrapped):
    f = tmp_path / "toezeggingen.json"
    f.write_text(json.dumps({"value": TK} if wrapped else TK), encoding="utf-8")
    r = toezegging_cli("import", str(f))
    assert "4 added" in r.output and "1 deleted in the register" in r.output
    assert "Reading" not in r.output  # no progress bar when not on a terminal
    by_number = {p["number"]: p for p in listed(toezegging_cli)}
    a = by_number["TZ202412-116"]
    assert (a["deadline"], a["reference"], a["latest"], a["status"]) == (
        "voor eind 2026",
        "2026-06-01",
        "2026-12-31",
        "open",
    )
    assert (a["by"], a["function"], a["ministry"], a["source"]) == (
        "D.M. van Weel",
        "minister van Justitie en Veiligheid",
        "Justitie en Veiligheid",
        "activiteit 2026A01234",
    )
    b = by_number["TZ202412-117"]
    assert (b["deadline"], b["earliest"], b["latest"], b["kind"], b["status"]) == (
        "2026-09-01",
        "2026-09-01",
        "2026-09-01",
        "day",
        "fulfilled",
    )
    c = by_number["TZ202412-118"]
    assert (c["latest"], c["open_ended"], c["status"]) == (None, True, "partly")
    d = by_number["TZ202412-119"]
    assert (d["deadline"], d["latest"], d["status"]) == ("", None, "lapsed")


def test_tweede_kamer_import_is_idempotent_and_takes_status_changes(toezegging_cli, tmp_path):
    f = tmp_path / "tk.json"
    f.write_text(json.dumps(TK), encoding="utf-8")
    toezegging_cli("import", str(f))
    assert "0 added, 0 updated, 4 unchanged" in toezegging_cli("import", str(f)).output
    changed = [dict(TK[0], Status="Voldaan")]
    f.write_text(json.dumps(changed), encoding="utf-8")
    assert "0 added, 1 updated" in toezegging_cli("import", str(f)).output
    p = listed(toezegging_cli, "--search", "pilots")[0]
    assert (p["status"], p["revision"], len(listed(toezegging_cli))) == ("fulfilled", 1, 4)


BAD = [
    TK[0],
    {"Nummer": "TZ202412-200", "Tekst": "", "Aanmaakdatum": "2026-05-01"},
    {"Nummer": "TZ202412-201", "Tekst": "x", "Aanmaakdatum": "gisteren"},
    {"Nummer": "TZ202412-202", "Tekst": "x", "Aanmaakdatum": "2026-05-01", "Status": "Zoek"},
    "not an object",
    {"text": "eigen", "deadline": "xyzzy plugh", "reference": "2026-05-01"},
    TK[1],
]


def test_a_malformed_row_imports_nothing(toezegging_cli, tmp_path):
    f = tmp_path / "bad.json"
    f.write_text(json.dumps(BAD), encoding="utf-8")
    r = toezegging_cli("import", str(f), expect=1)
    for row, why in [
        (2, "Tekst is empty"),
        (3, "Aanmaakdatum 'gisteren' is not a date"),
        (4, "status 'Zoek' is unknown"),
        (5, "not a record"),
        (6, "cannot read the deadline 'xyzzy plugh'"),
    ]:
        assert f"row {row}: {why}" in r.output
    assert "nothing imported" in r.output and "--skip-bad" in r.output
    assert listed(toezegging_cli) == []


def test_a_history_row_without_a_day_is_a_malformed_row(toezegging_cli, tmp_path):
    """A reference of "0001-01-01" (the register's "no date") or blanks gives no day: the
    row is refused as malformed, where the import used to fail writing it."""
    f = tmp_path / "history.json"
    f.write_text(
        json.dumps(
            [
                {
                    "text": "Brief",
                    "deadline": "voor eind 2026",
                    "reference": "2026-06-01",
                    "history": [{"new_deadline": "eind 2027", "reference": day}],
                }
                for day in ("0001-01-01", "  ")
            ]
        ),
        encoding="utf-8",
    )
    r = toezegging_cli("import", str(f), expect=1)
    assert "row 1: history[1] needs new_deadline and reference" in r.output
    assert "row 2: history[1] needs new_deadline and reference" in r.output
    assert listed(toezegging_cli) == []


def test_skip_bad_imports_the_rest(toezegging_cli, tmp_path):
    f = tmp_path / "bad.json"
    f.write_text(json.dumps(BAD), encoding="utf-8")
    r = toezegging_cli("import", str(f), "--skip-bad")
    assert "2 added" in r.output and "5 bad rows skipped" in r.output
    assert "skipped row 2: Tekst is empty" in r.stderr
    assert sorted(p["number"] for p in listed(toezegging_cli)) == ["TZ202412-116", "TZ202412-117"]


def test_import_a_plain_spreadsheet(toezegging_cli, tmp_path):
    f = tmp_path / "sheet.csv"
    f.write_text(
        "text;deadline;reference;ministry;tags\n"
        "Brief over zeden;voor eind 2026;2026-06-01;JenV;zeden, wodc\n"
        "Plan;voor de zomer;2026-06-01;;\n",
        encoding="utf-8-sig",
    )
    assert "2 added" in toezegging_cli("import", str(f)).output
    a, b = listed(toezegging_cli)
    assert (a["text"], a["latest"], b["text"], b["latest"], b["tags"]) == (
        "Plan",
        "2026-07-02",
        "Brief over zeden",
        "2026-12-31",
        ["zeden", "wodc"],
    )
    assert "0 added" in toezegging_cli("import", str(f)).output


@pytest.mark.parametrize(
    "content, message",
    [
        ('[{"text": ', "not valid JSON"),
        ("text,deadline\nx,voor eind 2026\n", "row 1: reference"),
        ('[{"foo": 1}]', "row 1: has neither our fields"),
        (
            '[{"Nummer": "TZ202412-1", "Tekst": "a", "Aanmaakdatum": "2026-01-01"},'
            ' {"Nummer": "TZ202412-1", "Tekst": "b", "Aanmaakdatum": "2026-01-01"}]',
            "row 2: register number TZ202412-1 is also on row 1",
        ),
    ],
    ids=["json", "csv-missing-reference", "unknown-fields", "duplicate-number"],
)
def test_import_errors(toezegging_cli, tmp_path, content, message):
    f = tmp_path / ("in.csv" if content.startswith("text") else "in.json")
    f.write_text(content, encoding="utf-8")
    r = toezegging_cli("import", str(f), expect=1)
    assert message in r.output and "Traceback" not in r.output
    assert listed(toezegging_cli) == []


def test_import_reads_standard_input(toezegging_cli):
    r = toezegging_cli("import", "-", input=json.dumps(TK[:1]))
    assert "1 added" in r.output


def test_the_kamers_status_words_are_data_and_each_names_a_status():
    """The Kamer's status words live in data/register.toml; every one maps to one of our
    statuses, whatever its case in a record."""
    from toezegging import import_export
    from toezegging.status import Status

    table = import_export._kamer_statuses()
    assert {"openstaand", "voldaan", "deels voldaan", "vervallen"} <= set(table)
    assert import_export._status("Deels Voldaan") is Status.PARTLY
    assert import_export._status("NIET NAGEKOMEN") is Status.LAPSED
    with pytest.raises(import_export.BadRow, match="unknown"):
        import_export._status("half af")
