"""Accuracy and speed of the deadline engine beside dateparser, on the labelled dev corpus.

    .venv/bin/pip install -e '.[bench]'      # dateparser, for the comparison only
    .venv/bin/python benchmarks/deadlines.py [CORPUS.tsv]

Prints one table: accuracy (window right, as ../shared/tools/score-deadlines judges it)
and phrases per second in process, for this engine (warm: the phrase step cached, as a
register with repeated phrases has it; cold: every phrase read afresh) and for
dateparser's `parse` and `search_dates` (right when the date it gives is the deadline,
`latest`, or when it gives none for an event phrase). Then the wall time of 20,000
phrases through `toezegging parse --json` from standard input, start-up included.
"""

import csv
import os
import random
import subprocess
import sys
import tempfile
import time
from datetime import date, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT = ROOT.parent / "shared" / "corpus" / "deadlines-dev.tsv"


def load(path: Path):
    with open(path, newline="", encoding="utf-8") as f:
        rows = csv.DictReader(f, delimiter="\t")
        return [(r["phrase"], date.fromisoformat(r["reference"]), r) for r in rows]


def judge_window(row, earliest, latest, kind, recurrence) -> bool:
    if row["kind"] == "event":
        return kind == "event" and earliest is None and latest is None
    return ((earliest and earliest.isoformat()), (latest and latest.isoformat())) == (
        row["earliest"],
        row["latest"],
    ) and (recurrence or "") == row["recurrence"]


def judge_date(row, d) -> bool:
    if row["kind"] == "event":
        return d is None
    return d is not None and d.date().isoformat() == row["latest"]


def rate(fn, cases, seconds=2.0) -> float:
    n, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        for phrase, ref, _row in cases:
            fn(phrase, ref)
        n += len(cases)
    return n / (time.perf_counter() - start)


def main() -> None:
    path = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT
    cases = load(path)
    sys.path.insert(0, str(ROOT))
    from toezegging.deadline import parse, read
    from toezegging.errors import UnreadableDeadline

    def ours(phrase, ref):
        try:
            return parse(phrase, ref)
        except UnreadableDeadline:
            return None

    def ours_cold(phrase, ref):
        read.cache_clear()
        return ours(phrase, ref)

    right = 0
    for phrase, ref, row in cases:
        w = ours(phrase, ref)
        right += bool(w) and judge_window(row, w.earliest, w.latest, w.kind, w.recurrence)
    rows = [
        ("toezegging (warm)", right, rate(ours, cases)),
        ("toezegging (cold)", right, rate(ours_cold, cases)),
    ]

    try:
        import dateparser
        from dateparser.search import search_dates
    except ImportError:
        print("dateparser is not installed: pip install -e '.[bench]' for the comparison", file=sys.stderr)
    else:

        def settings(ref):
            return {"RELATIVE_BASE": datetime(ref.year, ref.month, ref.day), "PREFER_DATES_FROM": "future"}

        def dp_parse(phrase, ref):
            return dateparser.parse(phrase, languages=["nl", "en"], settings=settings(ref))

        def dp_search(phrase, ref):
            found = search_dates(phrase, languages=["nl", "en"], settings=settings(ref))
            return found[-1][1] if found else None

        for name, fn in (("dateparser.parse", dp_parse), ("dateparser search_dates", dp_search)):
            ok = sum(judge_date(row, fn(phrase, ref)) for phrase, ref, row in cases)
            rows.append((name, ok, rate(fn, cases, seconds=1.0)))

    total = len(cases)
    print(f"corpus: {path.name}, {total} phrases")
    print(f"{'parser':26} {'right':>9} {'accuracy':>9} {'phrases/s':>11}")
    for name, ok, per_s in rows:
        print(f"{name:26} {ok:>4}/{total:<4} {100 * ok / total:>8.1f}% {per_s:>11,.0f}")

    # 20,000 phrases through the CLI, start-up included.
    random.seed(0)
    phrases = [random.choice(cases)[0] for _ in range(20000)]
    exe = Path(sys.executable).with_name("toezegging")
    cmd = [str(exe)] if exe.exists() else [sys.executable, "-m", "toezegging"]
    with tempfile.TemporaryFile("w+") as f:
        f.write("\n".join(phrases) + "\n")
        f.seek(0)
        start = time.perf_counter()
        p = subprocess.run(
            cmd + ["parse", "--json", "--ref", "2026-06-10"],
            stdin=f,
            capture_output=True,
            text=True,
            env={**os.environ},
        )
        wall = time.perf_counter() - start
    lines = len(p.stdout.splitlines())
    print(
        f"toezegging parse --json: {lines:,} phrases from stdin in {wall:.2f} s wall "
        f"({lines / wall:,.0f} phrases/s, start-up included)"
    )


if __name__ == "__main__":
    main()
