"""One JSON style (issue 12, item 13): every command that answers once prints one JSON
document, an array for lists and an object for one thing; a command that streams prints
one object per line and its help says so. Every `--json` is the one shared option, and
every command's `--json` is run here and read with a JSON parser."""

import json
import os
import select
import signal
import subprocess
import sys

import click
import pytest
from odata_server import FakeOData, load

from toezegging.cli import cli
from toezegging.cli.format import SHAPES, JsonOption

LETTER = """Datum 10 juni 2026
Betreft Voortgang jeugdzorg

Geachte voorzitter,

De Kamer wordt voor eind 2026 geïnformeerd over de wachttijden in de jeugdzorg.

Hoogachtend,

De minister van Volksgezondheid, Welzijn en Sport,

A.B. Jansen
"""


def _commands(group: click.Group, prefix=()):
    ctx = click.Context(group)
    for name in group.list_commands(ctx):
        cmd = group.get_command(ctx, name)
        yield (*prefix, name), cmd
        if isinstance(cmd, click.Group):
            yield from _commands(cmd, (*prefix, name))


def json_options() -> dict[str, click.Option]:
    """'event date' -> its --json option, for every command that has one."""
    return {
        " ".join(path): p
        for path, cmd in _commands(cli)
        for p in cmd.params
        if "--json" in getattr(p, "opts", ())
    }


def test_every_json_option_is_the_shared_one_and_says_its_shape():
    found = json_options()
    assert len(found) > 20
    for name, option in found.items():
        assert isinstance(option, JsonOption), f"`{name} --json` is not format.json_option"
        assert option.name == "as_json" and option.is_flag
        words = " ".join(option.help.split())
        if option.shape == "lines":
            assert "one object per line" in words, (name, words)
        else:
            assert f"one JSON {option.shape}" in words or SHAPES[option.shape] in words, (name, words)


def read(out: str, shape: str):
    """The output as the shape promises it: the whole output is one document, or every
    line is one object."""
    if shape == "lines":
        lines = out.splitlines()
        assert lines, "a stream with no objects"
        objects = [json.loads(line) for line in lines]
        assert all(isinstance(o, dict) for o in objects)
        return objects
    doc = json.loads(out)
    assert isinstance(doc, list if shape == "array" else dict), type(doc)
    return doc


@pytest.fixture
def world(toezegging_cli, tmp_path):
    """A register with promises, events, reminders and a private feed; a letter; the
    Kamer's register on a local server."""
    server = FakeOData(load("toezeggingen.json"), page_size=4).__enter__()
    toezegging_cli.configure(f"""
[sync.tk]
url = "{server.url}"
retries = 1
backoff = 0.0

[[feeds]]
name = "alle"
title = "Alle toezeggingen"

[[feeds]]
name = "team"
title = "Team"
private = true
""")
    c = toezegging_cli
    for text, deadline, ministry in [
        ("De Kamer ontvangt het actieplan femicide", "voor eind 2026", "JenV"),
        ("Brief over de voortgang van de pilots", "voor de zomer", "OCW"),
        ("Evaluatie van de Wet open overheid", "in het eerste kwartaal van 2027", "BZK"),
        ("Stand van zaken van de stikstofaanpak", "voor het kerstreces", "LVVN"),
        ("De Kamer wordt na de evaluatie geïnformeerd", "na afloop van de evaluatie", "BZK"),
        ("Uitvoeringstoets van de nieuwe wet", "binnen drie maanden na inwerkingtreding", "SZW"),
        ("Evaluatie van de nieuwe wet", "twee jaar na inwerkingtreding", "SZW"),
    ]:
        c("add", text, "--deadline", deadline, "--ministry", ministry, "--tag", "test", "--yes")
    letter = tmp_path / "brief.txt"
    letter.write_text(LETTER, encoding="utf-8")
    c.letter = letter
    try:
        yield c
    finally:
        server.__exit__(None, None, None)


def test_every_commands_json_reads_as_one_document_or_a_stream(world, tmp_path):
    export = tmp_path / "export.json"
    export.write_text(world("export").stdout, encoding="utf-8")
    runs = [  # (command, arguments, exit statuses allowed)
        ("parse", ["parse", "eind 2026", "--ref", "2026-06-10", "--json"], (0,)),
        ("add", ["add", "Brief over de opvang", "-d", "voor de zomer", "--yes", "--json"], (0,)),
        ("list", ["list", "--json"], (0,)),
        ("show", ["show", "1", "--json"], (0,)),
        ("edit", ["edit", "1", "--notes", "nagaan", "--json"], (0,)),
        ("postpone", ["postpone", "1", "voor de zomer van 2027", "--json"], (0,)),
        ("done", ["done", "2", "--json"], (0,)),
        ("withdraw", ["withdraw", "3", "--json"], (0,)),
        ("lapse", ["lapse", "4", "--json"], (0,)),
        ("delete", ["delete", "4", "--yes", "--json"], (0,)),
        ("import", ["import", str(export), "--json"], (0,)),
        ("events", ["events", "--json"], (0,)),
        ("event date", ["event", "date", "5", "--on", "2026-06-01", "--json"], (0,)),
        ("event link", ["event", "link", "6", "7", "--as", "inwerkingtreding Wet X", "--json"], (0,)),
        ("event set", ["event", "set", "inwerkingtreding Wet X", "2026-06-01", "--json"], (0,)),
        ("extract", ["extract", str(world.letter), "--json"], (0,)),
        ("feeds build", ["feeds", "build", "--out", str(tmp_path / "feeds"), "--json"], (0,)),
        ("feeds token", ["feeds", "token", "team", "--json"], (0,)),
        ("site build", ["site", "build", str(tmp_path / "site"), "--json"], (0,)),
        ("remind", ["remind", "--now", "2026-06-10T09:00", "--json"], (0,)),
        ("draft", ["draft", "1", "--json"], (0,)),
        ("outbox", ["outbox", "--json"], (0,)),
        ("outbox retry", ["outbox", "retry", "--json"], (0,)),
        ("calendar", ["calendar", "--json"], (0,)),
        ("doctor", ["doctor", "--json"], (0, 1)),
        ("sync tk", ["sync", "tk", "--json"], (0,)),
        ("stats", ["stats", "--json"], (0,)),
    ]
    options = json_options()
    for name, args, statuses in runs:
        r = world(*args, expect=None)
        assert r.exit_code in statuses, (name, r.exit_code, r.output)
        read(r.stdout, options[name].shape)
    # the scheduler streams too: test_the_scheduler_streams_each_ticks_report
    assert {name for name, _, _ in runs} | {"scheduler"} == set(options), (
        "a command with --json that this test does not run"
    )


def test_parse_reading_standard_input_streams_one_object_per_line(world):
    r = world("parse", "--json", "--ref", "2026-06-10", input="eind 2026\nQ1 2027\n")
    assert [o["latest"] for o in read(r.stdout, "lines")] == ["2026-12-31", "2027-03-31"]


def test_the_proposals_and_the_promises_added_are_arrays(world):
    proposals = read(world("extract", str(world.letter), "--json").stdout, "array")
    assert [p["phrase"] for p in proposals] == ["voor eind 2026"]
    added = read(world("extract", str(world.letter), "--yes", "--json").stdout, "array")
    assert [(p["added"], p["duplicate_of"]) for p in added] == [(True, [])]


def test_the_scheduler_streams_each_ticks_report(database_url, tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("TOEZEGGING_")}
    env.update(
        TOEZEGGING_DATABASE_URL=database_url,
        XDG_CONFIG_HOME=str(tmp_path / "config"),
        XDG_DATA_HOME=str(tmp_path / "data"),
    )
    p = subprocess.Popen(
        [sys.executable, "-m", "toezegging", "scheduler", "--interval", "0.2", "--json"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        reports = []
        while len(reports) < 2:
            ready, _, _ = select.select([p.stdout], [], [], 60)
            assert ready, p.stderr.read() if p.poll() is not None else "no tick report"
            reports.append(json.loads(p.stdout.readline()))
        assert all({"now", "queued", "sent", "failed"} <= set(r) for r in reports)
        p.send_signal(signal.SIGTERM)
        assert p.wait(timeout=30) == 0
    finally:
        p.kill()
        p.wait()
