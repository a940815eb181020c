"""One name per ministry: the data, reading a name, filters, and every way into the register."""

import json
import tomllib
from importlib import resources

import pytest

from toezegging import ministries
from toezegging.config import FeedConfig
from toezegging.feeds import matches

EXAMPLES = [(e, m.name) for m in ministries.table().ministries for e in m.examples]


@pytest.mark.parametrize(("written", "name"), EXAMPLES, ids=[e for e, _ in EXAMPLES])
def test_every_example_in_the_data_reads_as_its_ministry(written, name):
    assert ministries.canonical(written) == name


def test_every_ministry_has_examples_and_its_names_read_as_itself():
    for m in ministries.table().ministries:
        assert m.examples, f"{m.name} has no examples"
        for form in m.names:
            assert ministries.canonical(form) == m.name, form


def test_a_form_that_names_two_ministries_is_refused():
    raw = tomllib.loads(resources.files("toezegging").joinpath("data/ministries.toml").read_text("utf-8"))
    raw["ministry"][1]["abbreviations"].append("az")  # Algemene Zaken's, in another case
    with pytest.raises(ValueError, match="names both"):
        ministries.build_table(raw)


@pytest.mark.parametrize(
    ("written", "name"),
    [
        ("OCW", "Onderwijs, Cultuur en Wetenschap"),
        ("ocw", "Onderwijs, Cultuur en Wetenschap"),
        ("  Ministerie van   OCW ", "Onderwijs, Cultuur en Wetenschap"),
        ("onderwijs", "Onderwijs, Cultuur en Wetenschap"),
        ("J & V", "Justitie en Veiligheid"),
        ("MINISTERIE VAN VEILIGHEID EN JUSTITIE", "Justitie en Veiligheid"),
        ("financien", "Financiën"),
        ("Economische Zaken en Klimaat", "Economische Zaken"),
        ("Landbouw, Natuur en Voedselkwaliteit", "Landbouw, Visserij, Voedselzekerheid en Natuur"),
        ("de staatssecretaris van Justitie en Veiligheid", "Justitie en Veiligheid"),
        ("minister voor Langdurige Zorg, Jeugd en Sport", "Volksgezondheid, Welzijn en Sport"),
        ("Zaken", None),
        ("Ministerie van Digitale Zaken", None),
        ("", None),
    ],
)
def test_reading_a_name(written, name):
    assert ministries.canonical(written) == name


def test_an_unknown_ministry_is_kept_as_given_with_a_warning_naming_the_nearest():
    assert ministries.as_stored("Ministerie van  Digitale Zaken") == "Ministerie van Digitale Zaken"
    assert ministries.as_stored("vws") == "Volksgezondheid, Welzijn en Sport"
    note = ministries.unknown_note("Justitie en Veiligheit")
    assert "kept as given" in note and "'Justitie en Veiligheid'" in note
    assert ministries.unknown_note("JenV") is None


@pytest.mark.parametrize(
    ("part", "names"),
    [
        ("onderwijs", {"Onderwijs, Cultuur en Wetenschap"}),
        ("cultuur en wetenschap", {"Onderwijs, Cultuur en Wetenschap"}),
        ("Groene groei", {"Klimaat en Groene Groei"}),
        ("klimaat", {"Klimaat en Groene Groei", "Economische Zaken"}),  # once "EZ en Klimaat"
        ("justitie", {"Justitie en Veiligheid"}),
        ("zorg", {"Volksgezondheid, Welzijn en Sport"}),  # its portfolios
        ("veiligheid", {"Justitie en Veiligheid"}),  # a whole word: not "Voedselzekerheid"
        ("en", set()),
        ("onderw", set()),  # not a whole word
    ],
)
def test_a_part_of_a_name_selects_on_whole_words(part, names):
    assert ministries.select(part).names == names


def test_a_value_that_selects_no_ministry_is_matched_as_text_and_warned_about():
    sel = ministries.select(["onderw", "OCW"])
    assert sel.names == {"Onderwijs, Cultuur en Wetenschap"} and sel.texts == ("onderw",)
    assert sel.matches("Ministerie van Onderwerpen") and sel.matches("OCW")
    assert not sel.matches("Justitie en Veiligheid")
    note = ministries.filter_note(sel)
    assert "'onderw'" in note and "Onderwijs, Cultuur en Wetenschap" in note


@pytest.mark.parametrize(
    ("ministerie", "functie", "name"),
    [
        ("Justitie en Veiligheid", "Minister van Justitie en Veiligheid", "Justitie en Veiligheid"),
        ("Ministerie van Veiligheid en Justitie", None, "Justitie en Veiligheid"),
        ("OCW", None, "Onderwijs, Cultuur en Wetenschap"),
        (None, "Staatssecretaris van Justitie en Veiligheid", "Justitie en Veiligheid"),
        (
            "",
            "Minister voor Buitenlandse Handel en Ontwikkelingssamenwerking",
            "Buitenlandse Handel en Ontwikkelingshulp",
        ),
        (None, "Minister-president, minister van Algemene Zaken", "Algemene Zaken"),
        ("Digitale Zaken", None, "Digitale Zaken"),
        (None, "Staatssecretaris", None),
    ],
)
def test_the_kamers_ministerie_values_map_onto_the_same_list(ministerie, functie, name):
    assert ministries.from_register(ministerie, functie) == name


def test_feed_filters_select_by_the_same_rule():
    feed = FeedConfig(name="f", ministry=["ocw"])

    class P:
        status, tags, owner, latest = "open", [], None, None
        ministry = "Onderwijs, Cultuur en Wetenschap"

    assert matches(P, feed, None)
    assert matches(P, FeedConfig(name="f", ministry=["Onderwijs"]), None)
    assert not matches(P, FeedConfig(name="f", ministry=["JenV"]), None)


# ----------------------------------------------------------------------------- the CLI


def _listed(cli, *args):
    return json.loads(cli("list", "--json", "--status", "all", *args).stdout)


def test_every_way_in_stores_the_canonical_name_and_filters_find_it(toezegging_cli, tmp_path):
    cli = toezegging_cli
    cli("add", "Brief over het lerarentekort", "-d", "voor de zomer", "--ministry", "OCW", "-y")
    cli(
        "add",
        "Brief over de aanpak van femicide",
        "-d",
        "voor de zomer",
        "--ministry",
        "Ministerie van Veiligheid en Justitie",
        "-y",
    )
    cli("add", "Brief over het stikstofbeleid", "-d", "voor de zomer", "--ministry", "lnv", "-y")
    cli("edit", "3", "--ministry", "kgg")
    rows = [
        {
            "Nummer": "TZ202605-001",
            "Tekst": "De minister stuurt de evaluatie voor eind 2026.",
            "Ministerie": "Ministerie van Onderwijs, Cultuur en Wetenschap",
            "Aanmaakdatum": "2026-05-01",
            "Status": "Openstaand",
        }
    ]
    f = tmp_path / "tk.json"
    f.write_text(json.dumps(rows), encoding="utf-8")
    cli("import", str(f))
    by_id = {p["id"]: p["ministry"] for p in _listed(cli)}
    assert by_id == {
        1: "Onderwijs, Cultuur en Wetenschap",
        2: "Justitie en Veiligheid",
        3: "Klimaat en Groene Groei",
        4: "Onderwijs, Cultuur en Wetenschap",
    }
    for value in ("onderwijs", "OCW", "ocenw", "Ministerie van Onderwijs, Cultuur en Wetenschap"):
        assert [p["id"] for p in _listed(cli, "--ministry", value)] == [1, 4], value
    assert [p["id"] for p in _listed(cli, "--ministry", "V&J")] == [2]
    assert [p["id"] for p in _listed(cli, "--ministry", "klimaat")] == [3]


def test_an_unknown_ministry_is_stored_as_given_and_warned_about(toezegging_cli, terminal):
    r = toezegging_cli("add", "Brief", "-d", "voor de zomer", "--ministry", "Justitie en Veiligheit", "-y")
    assert "Warning: 'Justitie en Veiligheit' is not a ministry" in r.stderr
    assert "Did you mean 'Justitie en Veiligheid'?" in r.stderr
    assert _listed(toezegging_cli)[0]["ministry"] == "Justitie en Veiligheit"
    r = toezegging_cli("list", "--ministry", "veiligheit")
    assert "'veiligheit'" in r.stderr and "1 promise." in r.stdout


def test_an_extract_proposal_edited_by_hand_is_stored_under_the_canonical_name(toezegging_cli, tmp_path):
    letter = tmp_path / "brief.txt"
    letter.write_text(
        "Geachte voorzitter,\n\nDe Kamer wordt hierover voor eind 2026 verder "
        "geïnformeerd.\n\nDe minister van Justitie en Veiligheid,\n\nD.M. van Weel\n",
        encoding="utf-8",
    )
    toezegging_cli("extract", str(letter), "--date", "2026-06-10", input="e\n\n\nbzk\n\n")
    (p,) = _listed(toezegging_cli)
    assert p["ministry"] == "Binnenlandse Zaken en Koninkrijksrelaties"


def test_the_upgrade_stores_the_ministries_already_in_the_register_under_their_names(database_url):
    from sqlalchemy import text

    from toezegging.store import Store, upgrade_schema

    s = Store(database_url)
    upgrade_schema(s.engine, "0002")  # before this change
    with s.engine.begin() as conn:
        for i, ministry in enumerate(
            ["OCW", "Ministerie van Veiligheid en Justitie", "Digitale Zaken", None], 1
        ):
            conn.execute(
                text(
                    "INSERT INTO promise (text, deadline, reference, kind, hedged, estimated, "
                    "explanation, open_ended, tags, status, created_at, updated_at, revision, ministry) "
                    f"VALUES ('p{i}', 'voor de zomer', '2026-06-10', 'recess', false, false, '', false, "
                    "'[]', 'open', '2026-06-10 10:00:00', '2026-06-10 10:00:00', 0, :m)"
                ),
                {"m": ministry},
            )
    s.create_schema()
    with s.engine.connect() as conn:
        got = [r[0] for r in conn.execute(text("SELECT ministry FROM promise ORDER BY id"))]
    s.dispose()
    assert got == ["Onderwijs, Cultuur en Wetenschap", "Justitie en Veiligheid", "Digitale Zaken", None]
