"""Long commands (import, extract of a large file, feeds build) show a progress bar when
stderr is a terminal, and print nothing of it when piped. The terminal is a real pty."""

import os
import pty
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from toezegging import demo as demo_core
from toezegging.cli import cli

LETTER = Path(demo_core.__file__).parent / "data" / "demo" / demo_core.letter().file


def _env(tmp_path: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TOEZEGGING_")}
    env.update(
        HOME=str(tmp_path / "home"),
        XDG_CONFIG_HOME=str(tmp_path / "home" / "config"),
        XDG_DATA_HOME=str(tmp_path / "home" / "data"),
        TOEZEGGING_DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite'}",
    )
    return env


def run(args, tmp_path, *, tty: bool) -> tuple[str, str]:
    """Run toezegging with stderr on a pty (tty=True) or a pipe; returns (stdout, stderr)."""
    cmd = [sys.executable, "-m", "toezegging", *args]
    if not tty:
        r = subprocess.run(
            cmd, env=_env(tmp_path), cwd=tmp_path, capture_output=True, timeout=120, stdin=subprocess.DEVNULL
        )
        assert r.returncode == 0, r.stderr
        return r.stdout.decode(), r.stderr.decode()
    master, slave = pty.openpty()
    p = subprocess.Popen(
        cmd, env=_env(tmp_path), cwd=tmp_path, stdout=subprocess.PIPE, stderr=slave, stdin=subprocess.DEVNULL
    )
    os.close(slave)
    err = b""
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:  # EIO: the child closed the terminal
            break
        if not chunk:
            break
        err += chunk
    os.close(master)
    out = p.stdout.read()
    assert p.wait(timeout=120) == 0, err
    return out.decode(), err.decode(errors="replace")


@pytest.fixture
def demo_export(tmp_path) -> Path:
    """An export of the demo's thirteen promises, to import."""
    report = demo_core.run(tmp_path / "demo")
    env = {k: None for k in os.environ if k.startswith("TOEZEGGING_")}
    r = CliRunner(env=env).invoke(cli, ["--config", str(report.config_path), "export"])
    assert r.exit_code == 0, r.output
    path = tmp_path / "export.json"
    path.write_bytes(r.stdout_bytes)
    return path


@pytest.mark.parametrize("tty", [True, False], ids=["terminal", "piped"])
def test_import_then_feeds_build(demo_export, tmp_path, tty):
    out, err = run(["import", str(demo_export)], tmp_path, tty=tty)
    assert out.startswith("Imported")
    assert ("Storing" in err) is tty
    out, err = run(["feeds", "build", "--out", "feeds"], tmp_path, tty=tty)
    assert "feeds/alle.ics: 13 promises" in out
    assert ("Building feeds" in err) is tty


@pytest.mark.parametrize("tty", [True, False], ids=["terminal", "piped"])
def test_extract_of_a_large_file(tmp_path, tty):
    big = tmp_path / "big.txt"
    big.write_text(LETTER.read_text(encoding="utf-8") * 5, encoding="utf-8")  # > 100,000 chars
    out, err = run(["extract", str(big), "--date", "2026-06-10", "--json"], tmp_path, tty=tty)
    assert '"phrase": "voor eind 2026"' in out
    assert ("Reading big.txt" in err) is tty
