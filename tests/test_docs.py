"""The docs stay honest: every command has help and is in the README, the quick start
is two commands and CI runs the README's test command, the deployment files hold what
the README says, and shell completion works."""

import configparser
import json
import os
import re
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from toezegging import __version__
from toezegging.cli import COMMANDS, cli

ROOT = Path(__file__).parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def _commands(group: click.Group, prefix=()) -> list[tuple[tuple[str, ...], click.Command]]:
    out = []
    ctx = click.Context(group)
    for name in group.list_commands(ctx):
        cmd = group.get_command(ctx, name)
        out.append(((*prefix, name), cmd))
        if isinstance(cmd, click.Group):
            out += _commands(cmd, (*prefix, name))
    return out


ALL = _commands(cli)
IDS = [" ".join(path) for path, _ in ALL]


def _code_blocks(text: str, lang: str | None = None) -> list[str]:
    blocks = re.findall(r"^```(\w*)\n(.*?)^```", text, flags=re.M | re.S)
    return [body for kind, body in blocks if lang is None or kind == lang]


def _quick_start() -> list[str]:
    m = re.search(r"^## Quick start\n(.*?)(?=^## )", README + "\n## ", flags=re.M | re.S)
    assert m, "README.md has no '## Quick start' section"
    return [b.strip() for b in _code_blocks(m.group(1), "console")]


def test_every_module_in_commands_loads():
    assert [path[0] for path, _ in ALL if len(path) == 1] == list(COMMANDS)


@pytest.mark.parametrize(("path", "cmd"), ALL, ids=IDS)
def test_every_command_has_help(path, cmd):
    assert (cmd.help or "").strip(), f"`toezegging {' '.join(path)}` has no help text"


@pytest.mark.parametrize("path", [p for p, _ in ALL], ids=IDS)
def test_every_command_is_in_a_readme_code_block(path):
    words = r"\s+".join(re.escape(w) for w in path)
    pattern = re.compile(rf"toezegging(?:\s+--config\s+\S+)?\s+{words}\b")
    assert any(pattern.search(b) for b in _code_blocks(README)), (
        f"README.md shows `toezegging {' '.join(path)}` in no code block"
    )


def test_the_quick_start_is_two_commands():
    blocks = _quick_start()
    assert len(blocks) == 2, blocks
    assert all(len(b.splitlines()) == 1 for b in blocks), blocks
    assert blocks[0].endswith("toezegging demo")
    assert "pytest" in blocks[1]


def test_ci_runs_the_readme_test_command():
    test_command = _quick_start()[1]
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert test_command in ci.splitlines(), f"{test_command!r} is not a line of .ci/run"


def _run(*args: str, env: dict | None = None):
    """The command in this process, as the console script names it (`toezegging`), with no
    config of the user's."""
    unset = {k: None for k in os.environ if k.startswith("TOEZEGGING_")}
    return CliRunner(env={**unset, **(env or {})}).invoke(cli, list(args), prog_name="toezegging")


def test_version():
    r = _run("--version")
    assert r.exit_code == 0 and r.stdout.strip() == f"toezegging, version {__version__}"


def test_bash_completion_script_and_completions():
    # `toezegging` is the program name click was given; the README's line uses it.
    script = _run(env={"_TOEZEGGING_COMPLETE": "bash_source"})
    assert script.exit_code == 0
    assert "_toezegging_completion()" in script.stdout
    assert "complete -o nosort -F _toezegging_completion toezegging" in script.stdout
    words = _run(
        env={"_TOEZEGGING_COMPLETE": "bash_complete", "COMP_WORDS": "toezegging fe", "COMP_CWORD": "1"}
    )
    assert "plain,feeds" in words.stdout.splitlines()


def test_the_dockerfile_runs_serve_and_scheduler():
    lines = [ln.strip() for ln in (ROOT / "Dockerfile").read_text().splitlines()]
    instructions = [ln for ln in lines if ln and not ln.startswith("#")]
    stages = [ln for ln in instructions if ln.startswith("FROM ")]
    assert stages == ["FROM python:3.11-slim AS build", "FROM python:3.11-slim"]
    users = [ln.split()[1] for ln in instructions if ln.startswith("USER ")]
    assert users and users[-1] not in ("root", "0")
    assert any(ln.startswith("VOLUME ") and "/data" in ln for ln in instructions)
    entry = json.loads(next(ln for ln in instructions if ln.startswith("ENTRYPOINT "))[11:])
    cmd = json.loads(next(ln for ln in instructions if ln.startswith("CMD "))[4:])
    assert entry == ["toezegging"] and cmd[0] == "serve" and "0.0.0.0" in cmd
    # the scheduler: the same image with `scheduler` as its argument, as documented there
    assert any(ln.endswith(" toezegging scheduler") for ln in lines)


@pytest.mark.parametrize(
    ("unit", "command"), [("toezegging.service", "scheduler"), ("toezegging-serve.service", "serve")]
)
def test_the_systemd_units(unit, command):
    p = configparser.ConfigParser(strict=True, interpolation=None)
    p.optionxform = str
    p.read(ROOT / "contrib" / unit)
    assert set(p.sections()) == {"Unit", "Service", "Install"}
    exec_start = p["Service"]["ExecStart"].split()
    assert exec_start[0].endswith("/toezegging") and exec_start[1:] == [command]
    assert p["Service"]["User"] not in ("root", "0")
    assert p["Install"]["WantedBy"] == "multi-user.target"


@pytest.mark.parametrize(
    "needle",
    [
        "_TOEZEGGING_COMPLETE=bash_source toezegging",
        "contrib/toezegging.service",
        "contrib/toezegging-serve.service",
        "docker build",
        "toezegging scheduler",
    ],
)
def test_the_readme_documents_running_it(needle):
    assert any(needle in b for b in _code_blocks(README)), f"README.md shows no {needle!r}"


def test_the_dockerfile_installs_the_wheel_as_the_install_test_does():
    """tests/test_install.py runs this very line against the wheel it builds."""
    from test_install import dockerfile_install_line

    line = dockerfile_install_line()
    assert re.fullmatch(r'pip install "\$\(ls /dist/toezegging-\*\.whl\)\[postgres\]"', line), line
    assert "COPY --from=build /dist /dist" in (ROOT / "Dockerfile").read_text(encoding="utf-8")
