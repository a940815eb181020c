"""Stored text reaches the terminal as plain text: no rich markup, no escape sequences, no
control characters, in every command that prints it; JSON output still carries it exactly."""

import json

import pytest
from conftest import CliRun

from toezegging.cli.format import json_text, plain, plain_lines

OSC_TITLE = "\x1b]0;pwned\x07"  # sets the terminal's window title
HOSTILE = {
    "text": f"Brief [/] en [bold]vet[/bold] [link=https://evil.example]klik[/link]{OSC_TITLE}",
    "--by": "Van \x1b[31mRood\x1b[0m Weel",
    "--ministry": "Justitie\x9b2J en Veiligheid",
    "--notes": "regel een\rOVERSCHREVEN\x08\x08 \u202eesrever",
    "--source": "debat \x1bPdcs-string\x1b\\ einde",
    "--tag": "[red]rood[/red]",
}
CONTROL = [chr(c) for c in (*range(0, 9), *range(11, 32), *range(0x7F, 0xA0))] + ["\u202e", "\u2066"]


def _assert_plain(out: str, whole_sequences: bool = True) -> None:
    for c in CONTROL:
        assert c not in out, f"{c!r} reached the terminal"
    if whole_sequences:  # not only the ESC: nothing of the sequence is left on the screen
        assert "pwned" not in out and "dcs-string" not in out


@pytest.fixture
def hostile(toezegging_cli) -> CliRun:
    flags = [x for k, v in HOSTILE.items() if k != "text" for x in (k, v)]
    toezegging_cli(
        "add", HOSTILE["text"], "--deadline", "voor eind 2026", "--yes", "--owner", "staf@example.org", *flags
    )
    toezegging_cli(
        "postpone",
        "1",
        "voor de zomer van 2027",
        "--reason",
        "[/]verzoek\x1b]8;;https://evil.example\x1b\\link\x1b]8;;\x1b\\",
    )
    return toezegging_cli


@pytest.mark.parametrize("columns", ["80", "200"])
def test_list_prints_stored_text_plainly(hostile, monkeypatch, columns):
    monkeypatch.setenv("COLUMNS", columns)
    out = hostile("list").stdout
    assert "Brief [/] en [bold]vet" in out
    if columns == "200":
        assert "Van Rood Weel" in out
    _assert_plain(out)


def test_show_prints_every_field_plainly(hostile):
    out = hostile("show", "1").stdout
    for shown in (
        "Brief [/] en [bold]vet[/bold] [link=https://evil.example]klik[/link]",
        "by:         Van Rood Weel",
        "ministry:   Justitie en Veiligheid",
        "notes:      regel een OVERSCHREVEN esrever",
        "source:     debat  einde",
        "tags:       [red]rood[/red]",
        "([/]verzoeklink)",
    ):
        assert shown in out
    _assert_plain(out)


def test_json_keeps_the_exact_text_and_shows_no_control(hostile):
    for args in (("show", "1", "--json"), ("list", "--json"), ("export",)):
        out = hostile(*args).stdout
        _assert_plain(out.replace("\n", ""), whole_sequences=False)
        data = json.loads(out)
        record = data if isinstance(data, dict) else data[0]
        assert record["text"] == HOSTILE["text"] and record["ministry"] == HOSTILE["--ministry"]


def test_messages_quoting_stored_text_are_plain(hostile):
    out = hostile("done", "1", "--letter", "Brief\x1b]0;x\x07 [b]").stdout
    assert out == "Promise 1 is now fulfilled (Brief [b]).\n"
    out = hostile("edit", "1", "--status", "open", "--text", "Nieuw\x1b[2J").stdout
    _assert_plain(out)


def test_an_error_quoting_imported_text_is_plain(toezegging_cli, tmp_path):
    f = tmp_path / "in.json"
    f.write_text(
        json.dumps([{"text": "a", "deadline": f"ooit{OSC_TITLE}", "reference": "2026-06-01"}]),
        encoding="utf-8",
    )
    r = toezegging_cli("import", str(f), expect=1)
    assert "cannot read the deadline 'ooit'" in r.output
    _assert_plain(r.output.replace("\n", ""))


def test_draft_prints_plain_text(hostile):
    out = hostile("draft", "1").stdout
    assert "Brief [/] en [bold]vet[/bold]" in out
    _assert_plain(out.replace("\n", ""))


def test_remind_and_outbox_print_plain_text(hostile, tmp_path):
    cfg = tmp_path / "mail.toml"
    cfg.write_text(f'[mail]\ntransport = "file"\nfolder = "{tmp_path / "mail"}"\n', encoding="utf-8")
    out = hostile("--config", str(cfg), "remind", "--now", "2027-06-20T09:00").stdout
    _assert_plain(out.replace("\n", ""))
    out = hostile("--config", str(cfg), "outbox").stdout
    assert "Brief [/] en [bold]vet[/bold]" in out
    _assert_plain(out.replace("\n", ""))
    for line in hostile("--config", str(cfg), "outbox", "--json").stdout.splitlines():
        _assert_plain(line, whole_sequences=False)
        json.loads(line)


@pytest.mark.parametrize(
    "text, one_line, lines",
    [
        ("a\x1b]0;title\x07b", "ab", "ab"),
        ("a\x1b]0;title\x1b\\b", "ab", "ab"),
        ("a\x9d0;title\x9cb", "ab", "ab"),
        ("a\x1b[1;31mb\x1b[0m", "ab", "ab"),
        ("a\x9b31mb", "ab", "ab"),
        ("a\x1bcb", "ab", "ab"),
        ("a\x1b", "a", "a"),
        ("a\rb\nc\td", "a b c d", "a b\nc d"),
        ("a\r\nb\u2028c", "a b c", "a\nb\nc"),
        ("a\u202eb\u2066c\u200dd", "abc\u200dd", "abc\u200dd"),
        ("caf\udce9", "caf\ufffd", "caf\ufffd"),
        ("[bold]x[/] é ☃", "[bold]x[/] é ☃", "[bold]x[/] é ☃"),
        (None, "", ""),
    ],
)
def test_plain(text, one_line, lines):
    assert plain(text) == one_line
    assert plain_lines(text) == lines


def test_json_text_reads_back_exactly():
    obj = {"t": 'a\x1b]0;x\x07\x9b\u2028\u202e\x7f\n"é'}
    out = json_text(obj)
    assert json.loads(out) == obj
    assert not any(c in out for c in "\x1b\x07\x9b\u2028\u202e\x7f")


def test_sync_prints_the_registers_text_plainly(toezegging_cli):
    """The Tweede Kamer's open data is outside text too."""
    from odata_server import FakeOData, load

    record = {
        **load("toezeggingen.json")[0],
        "Tekst": f"De {OSC_TITLE}minister [b]stuurt[/b] [/] voor de zomer een brief.",
    }
    with FakeOData([record], page_size=4) as server:
        folder = toezegging_cli.home / "config" / "toezegging"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "toezegging.toml").write_text(
            f'[sync.tk]\nurl = "{server.url}"\nretries = 1\nbackoff = 0.0\n', encoding="utf-8"
        )
        toezegging_cli.today = "2025-07-20"
        out = toezegging_cli("sync", "tk").stdout
    assert "De minister [b]stuurt[/b] [/]" in out
    _assert_plain(out.replace("\n", ""))
    out = toezegging_cli("list").stdout
    assert "De minister [b]stuurt" in out
    _assert_plain(out.replace("\n", ""))


def test_events_print_names_and_promises_plainly(toezegging_cli):
    toezegging_cli(
        "add", f"Evaluatie [/]{OSC_TITLE}", "--deadline", "na afloop van de pilot", "--open-ended", "--yes"
    )
    out = toezegging_cli("event", "link", "1", "--as", f"pilot [b]klaar[/b]{OSC_TITLE}").stdout
    assert "pilot [b]klaar[/b]" in out
    _assert_plain(out.replace("\n", ""))
    out = toezegging_cli("events").stdout
    assert "pilot [b]klaar[/b]" in out and "Evaluatie [/]" in out
    _assert_plain(out.replace("\n", ""))
