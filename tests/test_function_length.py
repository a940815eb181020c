"""No function is longer than 60 lines (issue 14): a long function is where a change is
risky and every new case lands. Measured over the whole package, from `def` to the
function's last line; the packages and modules in ENFORCED are held to it (the migrations
never are). To hold another one to it, add it to ENFORCED."""

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "toezegging"
MAX_LINES = 60
ENFORCED = (  # top-level folders and modules of toezegging/, one a line; the rest to follow
    "deadline",
    "extract",
    "address.py",
    "database.py",
    "errors.py",
    "events.py",
    "feed_queries.py",
    "import_export.py",
    "ministries.py",
    "model.py",
    "promises.py",
    "similar.py",
    "stats.py",
    "store.py",
    "sync",
    "cli",
    "pages",
    "lang",
    "calendar_report.py",
    "config.py",
    "delivery.py",
    "demo.py",
    "doctor.py",
    "feeds.py",
    "mail.py",
    "outbox.py",
    "parliament.py",
    "recurrence.py",
    "reminders.py",
    "scheduler.py",
    "status.py",
    "text.py",
    "web.py",
)
NEVER = ("migrations",)


def lengths(source: str) -> list[tuple[str, int, int]]:
    """(name, first line, number of lines) of every function and method in `source`."""
    out = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            out.append((node.name, node.lineno, node.end_lineno - node.lineno + 1))
    return out


def long_functions(enforced: tuple[str, ...] = ENFORCED) -> list[str]:
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        folder = path.relative_to(PACKAGE).parts[0]
        if folder in NEVER or folder not in enforced:
            continue
        for name, line, n in lengths(path.read_text(encoding="utf-8")):
            if n > MAX_LINES:
                found.append(f"{path.relative_to(PACKAGE.parent)}:{line} {name}: {n} lines")
    return found


def test_no_function_is_longer_than_60_lines():
    assert long_functions() == []


def test_the_measure_counts_from_def_to_the_last_line():
    body = "".join(f"        x{i} = {i}\n" for i in range(MAX_LINES))  # def + 60 lines: 61
    source = f"def short():\n    return 1\n\n\nclass C:\n    def long(self):\n{body}"
    assert lengths(source) == [("short", 1, 2), ("long", 6, MAX_LINES + 1)]
