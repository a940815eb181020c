"""Start-up speed of the command line: wall time of whole processes, as a user waits for them.

    .venv/bin/python benchmarks/cli.py [--promises 1000] [--runs 7]

Builds a register of N promises in a temporary SQLite file (its own config, mail to
files), then runs each command as a fresh process, `--runs` times, and prints the best
and the median wall time and the best CPU time (user + system), beside a bare
`python -c pass` and the import of the model (SQLModel, SQLAlchemy and pydantic: the floor
of any command that reads the register). The machine may be shared: the best of N, and
the CPU time, say what the code costs; the median how it feels today.

Target (issue 12, item 19): `list` on 1,000 promises and `add --yes` each under 0.4 s.
"""

import argparse
import os
import pty
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

TARGET = 0.4
MINISTRIES = [
    "Binnenlandse Zaken en Koninkrijksrelaties",
    "Justitie en Veiligheid",
    "Financiën",
    "Onderwijs, Cultuur en Wetenschap",
    "Volksgezondheid, Welzijn en Sport",
    "Infrastructuur en Waterstaat",
    "Sociale Zaken en Werkgelegenheid",
    "Defensie",
]
WORDS = (
    "de Kamer wordt geïnformeerd over de voortgang van het wetsvoorstel, de evaluatie en "
    "de uitvoering; met aandacht voor gemeenten, provincies en waterschappen"
).split()


def build_register(folder: Path, n: int) -> Path:
    """A config and a SQLite register of `n` promises (some overdue, some postponed)."""
    from toezegging.model import DeadlineChange, Promise
    from toezegging.store import Store

    db = folder / "toezegging.db"
    config = folder / "toezegging.toml"
    config.write_text(
        f'[database]\nurl = "sqlite:///{db}"\n\n[mail]\ntransport = "file"\n'
        f'folder = "{folder / "mail"}"\nto = ["staf@example.org"]\n',
        encoding="utf-8",
    )
    rnd = random.Random(12)
    now = datetime(2026, 6, 1, tzinfo=UTC)
    store = Store(f"sqlite:///{db}")
    store.create_schema()
    with store.session() as s:
        for i in range(1, n + 1):
            latest = date(2025, 6, 1) + timedelta(days=rnd.randrange(900))
            earliest = latest - timedelta(days=rnd.choice([0, 30, 90, 180]))
            text = " ".join(rnd.choice(WORDS) for _ in range(rnd.randrange(12, 40))).capitalize()
            p = Promise(
                text=text + ".",
                deadline="voor eind 2026",
                reference=earliest,
                earliest=earliest,
                latest=latest,
                kind="part",
                explanation="'voor eind 2026' = vóór het einde van 2026.",
                by="Van Weel",
                ministry=rnd.choice(MINISTRIES),
                tags=rnd.sample(["zorg", "wonen", "klimaat", "onderwijs"], 2),
                status=rnd.choice(["open"] * 6 + ["fulfilled"]),
                created_at=now,
                updated_at=now,
            )
            s.add(p)
            if i % 10 == 0:
                s.flush()
                s.add(
                    DeadlineChange(
                        promise_id=p.id,
                        changed_at=now,
                        reference=earliest,
                        old_deadline="voor de zomer",
                        new_deadline="voor eind 2026",
                        old_latest=earliest,
                        new_latest=latest,
                    )
                )
    store.dispose()
    return config


def _command() -> list[str]:
    """The installed console script beside this Python, as a user runs it."""
    script = Path(sys.executable).with_name("toezegging")
    return [str(script)] if script.exists() else [sys.executable, "-m", "toezegging"]


def _run(argv: list[str], env: dict, terminal: bool) -> tuple[float, float]:
    """Run `argv` once: (wall seconds, CPU seconds of the process, user + system). On a
    shared machine the CPU time is what the process itself cost; the wall time adds the
    waiting for a core. With `terminal`, its standard output is a pseudo-terminal (the
    table, as a person sees it); else a pipe."""
    start = time.perf_counter()
    if terminal:
        pid, fd = pty.fork()
        if pid == 0:  # the child
            os.execve(argv[0], argv, {**env, "COLUMNS": "120"})
        while True:
            try:
                if not os.read(fd, 65536):
                    break
            except OSError:
                break
        _, status, usage = os.wait4(pid, 0)
        os.close(fd)
    else:
        with tempfile.TemporaryFile() as err:
            p = subprocess.Popen(argv, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=err)
            while p.stdout.read(65536):
                pass
            p.stdout.close()
            _, status, usage = os.wait4(p.pid, 0)  # reaped here, for its resource usage
            p.returncode = os.waitstatus_to_exitcode(status)
            if p.returncode:
                err.seek(0)
                raise SystemExit(f"{' '.join(argv)} failed ({p.returncode}):\n{err.read().decode()}")
    wall = time.perf_counter() - start
    return wall, usage.ru_utime + usage.ru_stime


def timed(argv: list[str], env: dict, runs: int, terminal: bool = False):
    """Best and median wall time, and the best CPU time, of `runs` runs."""
    walls, cpus = [], []
    for _ in range(runs):
        wall, cpu = _run(argv, env, terminal)
        walls.append(wall)
        cpus.append(cpu)
    return min(walls), statistics.median(walls), min(cpus)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--promises", type=int, default=1000)
    ap.add_argument("--runs", type=int, default=7)
    args = ap.parse_args()

    folder = Path(tempfile.mkdtemp(prefix="toezegging-bench-cli-"))
    try:
        config = build_register(folder, args.promises)
        env = {k: v for k, v in os.environ.items() if not k.startswith("TOEZEGGING_")}
        env["TOEZEGGING_CONFIG"] = str(config)
        cmd = _command()
        add = [
            *cmd,
            "add",
            "De Kamer ontvangt de evaluatie van de pilot",
            "--deadline",
            "voor de zomer van 2027",
            "--ministry",
            "OCW",
            "--yes",
        ]
        rows = [
            ("python -c pass", [sys.executable, "-c", "pass"], False, False),
            (
                "import toezegging.model (the floor)",
                [sys.executable, "-c", "import toezegging.model"],
                False,
                False,
            ),
            ("toezegging --version", [*cmd, "--version"], False, False),
            (
                "toezegging parse 'voor de zomer'",
                [*cmd, "parse", "voor de zomer", "--ref", "2026-06-10"],
                False,
                False,
            ),
            (f"toezegging list ({args.promises}; piped)", [*cmd, "list", "--status", "all"], False, True),
            (f"toezegging list ({args.promises}; terminal)", [*cmd, "list", "--status", "all"], True, True),
            (
                f"toezegging list --json ({args.promises})",
                [*cmd, "list", "--status", "all", "--json"],
                False,
                False,
            ),
            ("toezegging add --yes", add, False, True),
            ("completion: toezegging show <Tab>", [*cmd], False, False),
        ]
        print(f"A whole process, {args.runs} runs each (register of {args.promises} promises, SQLite):")
        print(f"  {'':<40} {'best':>6}    {'median':>6}    {'CPU':>6} (best; user + system)")
        tab = {
            **env,
            "_TOEZEGGING_COMPLETE": "zsh_complete",
            "COMP_WORDS": "toezegging show ",
            "COMP_CWORD": "2",
        }
        for label, argv, terminal, targeted in rows:
            best, median, cpu = timed(
                argv, tab if label.startswith("completion") else env, args.runs, terminal
            )
            mark = ""
            if targeted:
                mark = f"  {'under' if best < TARGET else 'OVER'} the {TARGET:.1f} s target"
            print(f"  {label:<40} {best:6.3f} s  {median:6.3f} s  {cpu:6.3f} s{mark}")
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
