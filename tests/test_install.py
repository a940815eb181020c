"""Installed the way users install it: the sdist and wheel built with `python -m build`, the
wheel installed into a fresh virtualenv (not editable) with the Dockerfile's own install
line, and the whole job run in an empty folder: demo, a reminder through a real SMTP
server, draft, feeds build, doctor, and serve with a feed, the overview and its CSS.

These tests build and install, which takes a minute or two, so they run when
TOEZEGGING_TEST_INSTALL=1 or CI=true (`.ci/run` sets the first); `pytest` alone skips them.
"""

import os
import subprocess
import sys
import time
import urllib.request
import zipfile
from pathlib import Path

import pytest
from reminder_helpers import SmtpServer, free_port

ROOT = Path(__file__).parent.parent
WANTED = os.environ.get("TOEZEGGING_TEST_INSTALL") == "1" or os.environ.get("CI") == "true"
pytestmark = pytest.mark.skipif(
    not WANTED, reason="installs a wheel: set TOEZEGGING_TEST_INSTALL=1 (as .ci/run does) to run"
)


def dockerfile_install_line() -> str:
    """The Dockerfile's `RUN pip install ... /dist/...whl` line, without what follows `&&`."""
    for line in (ROOT / "Dockerfile").read_text(encoding="utf-8").splitlines():
        if line.startswith("RUN pip install") and "/dist/" in line:
            return line[len("RUN ") :].split(" && ")[0]
    raise AssertionError("the Dockerfile installs no wheel from /dist")


@pytest.fixture(scope="session")
def built(tmp_path_factory) -> Path:
    """dist/ with the sdist and the wheel, built from a copy of the sources."""
    dist = tmp_path_factory.mktemp("dist")
    r = subprocess.run(
        [sys.executable, "-m", "build", "--outdir", str(dist), str(ROOT)],
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert r.returncode == 0, r.stdout[-3000:] + r.stderr[-3000:]
    return dist


@pytest.fixture(scope="session")
def installed(built, tmp_path_factory) -> Path:
    """A fresh virtualenv with the wheel installed by the Dockerfile's line; its bin/."""
    venv = tmp_path_factory.mktemp("venv")
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=300)
    line = dockerfile_install_line().replace("/dist/", f"{built}/")
    env = {**os.environ, "PATH": f"{venv / 'bin'}:{os.environ['PATH']}"}
    env.pop("PYTHONPATH", None)
    r = subprocess.run(["sh", "-c", line], capture_output=True, text=True, env=env, timeout=900)
    assert r.returncode == 0, r.stdout[-3000:] + r.stderr[-3000:]
    return venv / "bin"


def test_the_sdist_and_the_wheel_are_built(built):
    names = sorted(p.name for p in built.iterdir())
    assert [n for n in names if n.endswith(".tar.gz")] and [n for n in names if n.endswith(".whl")]


def test_the_wheel_holds_every_template_calendar_and_language_file(built):
    (wheel,) = built.glob("toezegging-*.whl")
    inside = set(zipfile.ZipFile(wheel).namelist())
    wanted = [f"toezegging/calendars/{p.name}" for p in (ROOT / "calendars").glob("*.toml")]
    wanted += [
        f"toezegging/mail_templates/{p.relative_to(ROOT / 'mail_templates')}"
        for p in (ROOT / "mail_templates").rglob("*")
        if p.suffix in (".j2", ".toml")
    ]
    wanted += [f"toezegging/lang/{p.name}" for p in (ROOT / "toezegging" / "lang").glob("*.toml")]
    wanted += [
        str(p.relative_to(ROOT))
        for p in (ROOT / "toezegging" / "data").rglob("*")
        if p.is_file() and "__pycache__" not in p.parts
    ]
    wanted += [
        str(p.relative_to(ROOT)) for p in (ROOT / "toezegging").rglob("*.py") if "__pycache__" not in p.parts
    ]
    wanted += ["toezegging/alembic.ini", "toezegging/migrations/script.py.mako"]
    assert len(wanted) > 60
    missing = sorted(set(wanted) - inside)
    assert not missing, f"the wheel lacks {missing}"


def test_the_sdist_holds_the_cards_folders(built):
    import tarfile

    (sdist,) = built.glob("toezegging-*.tar.gz")
    names = tarfile.open(sdist).getnames()
    for folder in (
        "calendars/recesses.toml",
        "mail_templates/nl/mail.txt.j2",
        "mail_templates/words.toml",
        "toezegging/lang/nl.toml",
    ):
        assert any(n.endswith(folder) for n in names), folder


def _env(home: Path, bindir: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TOEZEGGING_")}
    env.update(
        HOME=str(home),
        XDG_CONFIG_HOME=str(home / "config"),
        XDG_DATA_HOME=str(home / "data"),
        PATH=f"{bindir}:{os.environ['PATH']}",
    )
    env.pop("PYTHONPATH", None)
    return env


def _run(bindir: Path, cwd: Path, env: dict, *args: str, timeout=120):
    return subprocess.run(
        [str(bindir / "toezegging"), *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout
    )


def test_the_installed_tool_is_not_the_source_tree(installed, tmp_path):
    r = subprocess.run(
        [
            str(installed / "python"),
            "-c",
            "import toezegging, toezegging.calendars as c; print(toezegging.__file__); print(c.__file__)",
        ],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=60,
        env=_env(tmp_path, installed),
    )
    assert r.returncode == 0, r.stderr
    for path in r.stdout.split():
        assert "site-packages" in path and not path.startswith(str(ROOT)), path


def test_the_installed_tool_runs_the_whole_job(installed, tmp_path):
    work = tmp_path / "leeg"
    work.mkdir()
    env = _env(tmp_path / "home", installed)
    # 1. the quick start's demo
    r = _run(installed, work, env, "demo")
    assert r.returncode == 0, r.stderr
    demo = work / "toezegging-demo"
    assert list((demo / "mail").glob("*.eml")) and list((demo / "feeds").glob("*.ics"))
    r = _run(installed, work, env, "--config", str(demo / "toezegging.toml"), "doctor")
    assert r.returncode == 0, r.stdout + r.stderr
    # 2. a register of one's own, with mail through a real SMTP server
    server = SmtpServer("plain").start()
    try:
        (work / "toezegging.toml").write_text(
            f"""
[database]
url = "sqlite:///register.db"

[mail]
transport = "smtp"
host = "127.0.0.1"
port = {server.port}
security = "none"
from = "Toezeggingen <toezegging@example.org>"
to = ["staf@example.org"]
""",
            encoding="utf-8",
        )
        cfg = ("--config", str(work / "toezegging.toml"))
        r = _run(
            installed,
            work,
            env,
            *cfg,
            "add",
            "De Kamer ontvangt voor eind 2026 de evaluatie.",
            "--deadline",
            "voor eind 2026",
            "--date",
            "2026-06-10",
            "--ministry",
            "Justitie en Veiligheid",
            "--to",
            "Lid",
            "--yes",
        )
        assert r.returncode == 0, r.stderr
        r = _run(installed, work, env, *cfg, "remind", "--now", "2026-12-31T09:00")
        assert r.returncode == 0, r.stdout + r.stderr
        assert [x.rcpt_tos for x in server.handler.received] == [["staf@example.org"]]
        assert server.handler.received[0].msg["X-Toezegging-Kind"] == "due"
    finally:
        server.stop()
    r = _run(installed, work, env, *cfg, "draft", "1")
    assert r.returncode == 0 and r.stdout.startswith("Vragen van het lid Lid"), r.stderr
    r = _run(installed, work, env, *cfg, "feeds", "build", "--out", "feeds")
    assert r.returncode == 0, r.stderr
    assert (work / "feeds" / "alle.ics").read_text(encoding="utf-8").startswith("BEGIN:VCALENDAR")
    # 3. serve, and one GET
    port = free_port()
    p = subprocess.Popen(
        [str(installed / "toezegging"), *cfg, "serve", "--port", str(port)],
        cwd=work,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        body = _get(f"http://127.0.0.1:{port}/feeds/alle.ics")
        page = _get(f"http://127.0.0.1:{port}/")  # the pages' templates and assets are in the wheel
        css = _get(f"http://127.0.0.1:{port}/static/style.css")
    finally:
        p.terminate()
        p.wait(timeout=30)
    assert body.startswith(b"BEGIN:VCALENDAR") and b"De Kamer ontvangt" in body
    assert b'<figure class="timeline"' in page and b"De Kamer ontvangt" in page
    assert b".timeline" in css


def _get(url: str, seconds: float = 60.0) -> bytes:
    end = time.monotonic() + seconds
    while True:
        try:
            with urllib.request.urlopen(url, timeout=5) as resp:
                return resp.read()
        except OSError:
            if time.monotonic() > end:
                raise
            time.sleep(0.3)
