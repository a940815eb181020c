"""The command line's conventions (issue 12, items 12, 15, 16 and 17): whole tab-separated
rows in a pipe and the table on a terminal, exit status 130 on Ctrl-C, `-V`, completion
of the register's own values, and prompts that ask again after a typo."""

import json
import os
import pty
import select
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from click.testing import CliRunner
from reminder_helpers import free_port

import toezegging.cli.promises as cli_promises
from toezegging import __version__
from toezegging.cli import cli

LONG = (
    "De minister van Volksgezondheid, Welzijn en Sport stuurt de Kamer voor het zomerreces "
    "een brief over de wachttijden in de jeugdzorg, de ggz en de wijkverpleging, met de "
    "cijfers per regio en de maatregelen die de zorgverzekeraars nemen"
)


def _env(url: str, home: Path, **extra) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TOEZEGGING_")}
    env.update(
        TOEZEGGING_DATABASE_URL=url,
        XDG_CONFIG_HOME=str(home / "config"),
        XDG_DATA_HOME=str(home / "data"),
        **extra,
    )
    return env


@pytest.fixture
def register(toezegging_cli):
    """Three open promises (one overdue on the frozen day, one with a long text) and a closed one."""
    c = toezegging_cli
    c("add", LONG, "-d", "voor de zomer", "--ministry", "VWS", "--by", "Jansen", "--tag", "zorg", "--yes")
    c(
        "add",
        "Het actieplan femicide naar de Kamer",
        "-d",
        "voor eind 2026",
        "--ministry",
        "Justitie en Veiligheid",
        "--tag",
        "femicide",
        "--yes",
    )
    c(
        "add",
        "Evaluatie van de Wet open overheid",
        "-d",
        "in het eerste kwartaal van 2027",
        "--ministry",
        "BZK",
        "--yes",
    )
    c("add", "Brief over de pilots", "-d", "voor eind 2026", "--ministry", "OCW", "--yes")
    c("done", "4")
    c.today = "2026-07-15"  # the summer promise is overdue now
    return c


# ----------------------------------------------------------------------------- item 12


def test_list_piped_prints_whole_rows_tab_separated(register):
    out = register("list").stdout  # CliRunner's output is no terminal: as in a pipe
    rows = [line.split("\t") for line in out.splitlines()]
    assert [r[0] for r in rows] == ["1", "2", "3"]  # no header, no total
    assert rows[0] == [
        "1",
        "2026-07-02",
        "voor de zomer",
        "overdue",
        "VWS",
        "Volksgezondheid, Welzijn en Sport",
        "Jansen",
        LONG,
    ]  # nothing cut
    assert rows[1][4:6] == ["JenV", "Justitie en Veiligheid"]
    assert register("list", "--status", "withdrawn").stdout == ""


def test_list_into_grep_finds_the_ministry(register):
    """`toezegging list | grep VWS` in a real shell pipeline."""
    with subprocess.Popen(
        ["bash", "-c", f"{sys.executable} -m toezegging list | grep VWS"],
        env=_env(register.url, register.home),
        stdout=subprocess.PIPE,
        text=True,
    ) as p:
        out, _ = p.communicate(timeout=60)
    assert p.returncode == 0
    (line,) = out.splitlines()
    assert line.startswith("1\t") and line.endswith(LONG)


def _on_a_terminal(args, env) -> str:
    """Run toezegging with its standard output on a pseudo-terminal; what it showed."""
    pid, fd = pty.fork()
    if pid == 0:  # the child
        try:
            os.execve(sys.executable, [sys.executable, "-m", "toezegging", *args], env)
        finally:
            os._exit(127)
    out = b""
    while True:
        try:
            chunk = os.read(fd, 65536)
        except OSError:  # EIO: the child closed the terminal
            break
        if not chunk:
            break
        out += chunk
    _, status = os.waitpid(pid, 0)
    os.close(fd)
    assert os.waitstatus_to_exitcode(status) == 0, out
    return out.decode().replace("\r\n", "\n")


def test_on_a_terminal_list_stays_a_table(register):
    env = _env(register.url, register.home, COLUMNS="80", TERM="xterm")
    env.pop("NO_COLOR", None)
    shown = _on_a_terminal(["list"], env)
    lines = shown.splitlines()
    assert lines[0].startswith("\x1b[1mID  Due") and "Promise" in lines[0]  # a bold header
    assert lines[-1] == "3 promises."
    first = lines[1]
    assert "\x1b[31moverdue\x1b[0m" in first  # in red
    assert (
        first.rstrip().endswith("…") and len(first.replace("\x1b[31m", "").replace("\x1b[0m", "")) <= 80
    )  # cut to the terminal's width
    plain = _on_a_terminal(["list"], {**env, "NO_COLOR": "1"})
    assert "\x1b[" not in plain and plain.splitlines()[0].startswith("ID  Due")


def test_the_table_keeps_its_layout(register, terminal, monkeypatch):
    """The layout of the table rich drew before (columns two apart, the text cut to what
    the width leaves, a "Who" column from 110 columns on), now drawn without rich."""
    monkeypatch.setenv("COLUMNS", "120")
    assert register("list").stdout == (
        "ID  Due         Deadline                        Status   Promise                     "
        "            Who                   \n"
        " 1  2026-07-02  voor de zomer                   overdue  De minister van Volksgezondheid,"
        " Welz…  Jansen                \n"
        " 2  2026-12-31  voor eind 2026                  open     Het actieplan femicide naar de "
        "Kamer    Justitie en Veiligheid\n"
        " 3  2027-03-31  in het eerste kwartaal van 20…  open     Evaluatie van de Wet open "
        "overheid      Binnenlandse Zaken en…\n"
        "3 promises.\n"
    )
    monkeypatch.setenv("COLUMNS", "80")
    assert register("list").stdout.splitlines()[1] == (
        " 1  2026-07-02  voor de zomer           overdue  De minister van Volksgezondhe…"
    )


def test_other_tables_print_whole_rows_when_piped(register, tmp_path):
    c = register
    c(
        "add",
        "Uitvoeringstoets van de nieuwe wet",
        "-d",
        "binnen drie maanden na inwerkingtreding",
        "--ministry",
        "SZW",
        "--yes",
    )
    events = [line.split("\t") for line in c("events").stdout.splitlines()]
    assert events == [
        [
            "inwerkingtreding",
            "2026-07-15",
            "5",
            "binnen drie maanden na inwerkingtreding",
            "Uitvoeringstoets van de nieuwe wet",
        ]
    ]
    stats = [line.split("\t") for line in c("stats").stdout.splitlines()]
    assert stats[0] == ["promises", "5", ""] and ["events", "1", "20.0%"] in stats
    calendar = [line.split("\t") for line in c("calendar").stdout.splitlines()]
    assert ["2026", "2026-07-03", "2026-08-31", "zomerreces", "sourced"] == calendar[
        [r[3] for r in calendar].index("zomerreces")
    ][:5]
    cfg = tmp_path / "mail.toml"
    cfg.write_text(
        f'[mail]\ntransport = "file"\nfolder = "{tmp_path / "mail"}"\n'
        'to = ["staf@example.org"]\n[reminders]\nquiet_hours = []\n',
        encoding="utf-8",
    )
    c("--config", str(cfg), "remind", "--now", "2026-07-16T09:00")
    rows = [line.split("\t") for line in c("--config", str(cfg), "outbox").stdout.splitlines()]
    (row,) = [r for r in rows if r[1] == "1"]
    assert (row[4], row[6], row[7]) == ("sent", "staf@example.org", LONG)  # the text whole


# ----------------------------------------------------------------------------- item 15


def test_dash_v_shows_the_version():
    for flag in ("-V", "--version"):
        r = CliRunner().invoke(cli, [flag], prog_name="toezegging")
        assert (r.exit_code, r.stdout) == (0, f"toezegging, version {__version__}\n")


def _wait_for(stream, text: str, timeout: float = 60) -> str:
    """Read `stream` (a pipe, unbuffered) until `text` has appeared."""
    seen = b""
    end = time.monotonic() + timeout
    while text.encode() not in seen:
        ready, _, _ = select.select([stream], [], [], max(0, end - time.monotonic()))
        assert ready, f"no {text!r} in {seen!r}"
        chunk = os.read(stream.fileno(), 4096)
        assert chunk, f"the stream ended before {text!r}: {seen!r}"
        seen += chunk
    return seen.decode()


def _wait_until_blocked(pid: int, timeout: float = 30) -> None:
    """Wait until the process sleeps (blocked reading its input). A signal that came between
    writing the prompt and starting to read would only be seen after the next line: no
    person is that fast, but a test is."""
    end = time.monotonic() + timeout
    while Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "S":
        assert time.monotonic() < end, "the process never waited for its input"
        time.sleep(0.01)


def test_ctrl_c_at_a_prompt_exits_130_and_writes_nothing(toezegging_cli):
    env = _env(toezegging_cli.url, toezegging_cli.home)
    p = subprocess.Popen(
        [sys.executable, "-m", "toezegging", "add", "Brief over de opvang", "--deadline", "voor eind 2026"],
        env=env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        _wait_for(p.stdout, "Store this promise?")
        _wait_until_blocked(p.pid)  # at the prompt, reading: the moment a person presses Ctrl-C
        p.send_signal(signal.SIGINT)
        assert p.wait(timeout=30) == 130
        assert "Interrupted." in p.stderr.read().decode()
    finally:
        p.kill()
        p.wait()
    assert json.loads(toezegging_cli("list", "--json", "--status", "all").stdout) == []


def test_sigint_stops_serve_with_130(toezegging_cli):
    toezegging_cli("list")  # the database exists
    port = free_port()
    p = subprocess.Popen(
        [sys.executable, "-m", "toezegging", "serve", "--port", str(port)],
        env=_env(toezegging_cli.url, toezegging_cli.home),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        end = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/feeds", timeout=5) as r:
                    assert r.status == 200
                break
            except OSError:
                assert time.monotonic() < end and p.poll() is None, p.stderr.read()
                time.sleep(0.1)
        p.send_signal(signal.SIGINT)
        assert p.wait(timeout=30) == 130
        assert "Traceback" not in p.stderr.read().decode()
    finally:
        p.kill()
        p.wait()


# ----------------------------------------------------------------------------- item 16


def complete(url: str, home: Path, words: str, shell: str = "zsh") -> list[tuple[str, str]]:
    """What the shell is offered for the last of `words` (click's completion protocol):
    (value, help) pairs."""
    cword = len(words.split()) - (0 if words.endswith(" ") else 1)
    env = {
        "_TOEZEGGING_COMPLETE": f"{shell}_complete",
        "COMP_WORDS": words,
        "COMP_CWORD": str(cword),
        "TOEZEGGING_DATABASE_URL": url,
        "TOEZEGGING_CONFIG": None,
        "XDG_CONFIG_HOME": str(home / "config"),
        "XDG_DATA_HOME": str(home / "data"),
    }
    r = CliRunner(env=env).invoke(cli, [], prog_name="toezegging")
    assert r.exit_code == 0, r.output
    if shell == "bash":
        return [(line.split(",", 1)[1], "") for line in r.stdout.splitlines() if line]
    lines = r.stdout.strip("\n").splitlines()
    return [(lines[i + 1], lines[i + 2]) for i in range(0, len(lines), 3)]


def test_completion_offers_promise_ids_with_their_text(register):
    got = complete(register.url, register.home, "toezegging show ")
    assert [v for v, _ in got] == ["1", "2", "3", "4"]
    assert got[1] == ("2", "Het actieplan femicide naar de Kamer")
    assert got[0][1].startswith("De minister van Volksgezondheid") and got[0][1].endswith("…")
    assert got[3] == ("4", "Brief over de pilots [fulfilled]")
    assert [v for v, _ in complete(register.url, register.home, "toezegging done #3")] == ["3"]
    assert [v for v, _ in complete(register.url, register.home, "toezegging event link 1 ")] == [
        "1",
        "2",
        "3",
        "4",
    ]


def test_completion_offers_tags_feeds_and_ministries(register):
    url, home = register.url, register.home
    assert complete(url, home, "toezegging list --tag ", "bash") == [("femicide", ""), ("zorg", "")]
    assert complete(url, home, "toezegging add x --tag z", "bash") == [("zorg", "")]
    offered = complete(url, home, "toezegging list --ministry v")
    assert ("VWS", "Volksgezondheid, Welzijn en Sport") in offered
    assert all(value.lower().startswith("v") for value, _ in offered)
    assert complete(url, home, "toezegging list --ministry volksg") == [
        ("Volksgezondheid, Welzijn en Sport", "VWS")
    ]
    assert ("alle", "Alle toezeggingen") in complete(url, home, "toezegging feeds token ")


def test_completion_offers_event_names(register):
    register("add", "Uitvoeringstoets", "-d", "binnen drie maanden na inwerkingtreding", "--yes")
    register("event", "link", "5", "--as", "inwerkingtreding Wet X")
    assert complete(register.url, register.home, "toezegging event set ", "bash") == [
        ("inwerkingtreding Wet X", "")
    ]


def test_completion_neither_makes_nor_migrates_a_register(tmp_path):
    from sqlalchemy import create_engine, text

    from toezegging.store import current_revision, upgrade_schema

    missing = tmp_path / "none.db"
    assert complete(f"sqlite:///{missing}", tmp_path, "toezegging show ") == []
    assert not missing.exists()
    old = tmp_path / "old.db"
    engine = create_engine(f"sqlite:///{old}")
    upgrade_schema(engine, "0004")  # a register an older version made
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO promise (text, deadline, reference, kind, hedged, estimated, explanation,"
                " open_ended, tags, status, created_at, updated_at, revision) VALUES ('Oude brief',"
                " 'eind 2025', '2025-01-01', 'part', 0, 0, '', 0, '[]', 'open', '2025-01-01',"
                " '2025-01-01', 0)"
            )
        )
    assert complete(f"sqlite:///{old}", tmp_path, "toezegging show ") == [("1", "Oude brief")]
    assert current_revision(engine) == "0004"  # not migrated
    engine.dispose()
    old.chmod(0o444)  # a register this user may only read
    try:
        assert complete(f"sqlite:///{old}", tmp_path, "toezegging show ") == [("1", "Oude brief")]
    finally:
        old.chmod(0o644)


# ----------------------------------------------------------------------------- item 17


def test_a_typo_at_adds_prompts_asks_again(toezegging_cli, monkeypatch):
    monkeypatch.setattr(cli_promises, "_interactive", lambda: True)
    r = toezegging_cli(
        "add",
        "Evaluatie van de pilot",
        "--deadline",
        "na afloop van de pilot",
        input="1-11-2026\n2026-11-01\nja\ny\n",
    )
    assert "'1-11-2026' is not a date" in r.output  # the date asked again
    assert "Error: invalid input" in r.output  # "ja" is no yes or no: asked again
    (p,) = json.loads(toezegging_cli("list", "--json").stdout)
    assert (p["event_date"], p["latest"]) == ("2026-11-01", "2027-02-01")
