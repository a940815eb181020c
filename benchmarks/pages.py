"""Page speed and size: the overview of 10,000 promises, rendered and served.

    .venv/bin/python benchmarks/pages.py [--promises 10000] [--site]

1. Renders the pages from the view data alone (no database, no HTTP), best and median
   of 5: the register's index, the overview (default: the open promises; all; a text
   filter), a promise page and a ministry page. Targets: the overview under 1 s and
   under 1 MB (it shows [web] page_size promises per page and counts all of them).
2. Starts `toezegging serve` on a temporary SQLite database with the same promises and
   times GET / (the first one loads the register; the next ones reuse it), with its
   size plain and gzip-compressed.
3. With --site: writes the whole static site of N promises and times it.
"""

import argparse
import gzip
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from feeds import fetch, start_serve, synthetic

from toezegging.config import Config
from toezegging.model import DeadlineChange
from toezegging.pages.register import Filters, Register
from toezegging.pages.views import Pages

TODAY = date(2026, 11, 25)


def history(promises, seed: int = 2) -> dict[int, list]:
    """One promise in four postponed once or twice (earlier windows), as history rows."""
    rnd = random.Random(seed)
    out = {}
    for p in promises:
        if rnd.random() < 0.25:
            rows, latest = [], p.latest
            for n in range(rnd.choice([1, 2])):
                old = latest - timedelta(days=rnd.choice([60, 120]))
                rows.insert(
                    0,
                    DeadlineChange(
                        promise_id=p.id,
                        kind="postponement",
                        changed_at=datetime(2026, 1, 1 + n, tzinfo=UTC),
                        reference=date(2026, 1, 1),
                        old_deadline="voor de zomer",
                        new_deadline="eind 2026",
                        old_earliest=old - timedelta(days=30),
                        old_latest=old,
                        new_earliest=p.earliest,
                        new_latest=latest,
                    ),
                )
                latest = old
            out[p.id] = rows
    return out


def timed(label: str, fn, runs: int = 5, limit: float | None = None, size_limit: int | None = None):
    times, result = [], None
    for _ in range(runs):
        t = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t)
    size = len(result.encode("utf-8")) if isinstance(result, str) else None
    verdict = ""
    if limit is not None:
        ok = min(times) < limit and (size_limit is None or size < size_limit)
        verdict = "  [OK]" if ok else f"  [TOO SLOW OR TOO BIG (targets < {limit} s, < 1 MB)]"
    sized = f", {size / 1e3:,.0f} kB" if size is not None else ""
    print(f"{label:34} best {min(times):.3f} s, median {statistics.median(times):.3f} s{sized}{verdict}")
    return result


def bench_render(n: int) -> None:
    promises, _ = synthetic(n)
    changes = history(promises)
    config = Config()
    reg = timed(f"register of {n} promises", lambda: Register(promises, changes, TODAY))
    pages = Pages(reg, config, feeds=config.feeds, base_url="http://127.0.0.1:8000")
    size = config.web.page_size
    page = timed("overview (open)", lambda: pages.overview(Filters(), size), limit=1.0, size_limit=1_000_000)
    print(
        f"{'':34} {page.count('data-id=') // 2} bars on the first page "
        f"(page_size {size}), gzip {len(gzip.compress(page.encode())) / 1e3:,.0f} kB"
    )
    timed(
        "overview (all statuses)",
        lambda: pages.overview(Filters(show="all"), size),
        limit=1.0,
        size_limit=1_000_000,
    )
    timed(
        "overview (text filter)",
        lambda: pages.overview(Filters(text="evaluatie"), size),
        limit=1.0,
        size_limit=1_000_000,
    )
    moved = next(i for i in reg.items if i.moves)
    timed(f"promise page (#{moved.id})", lambda: pages.promise(moved.id))
    slug = reg.ministries[0][1]
    timed(f"ministry page ({slug})", lambda: pages.ministry(slug))


def bench_serve(n: int) -> None:
    from toezegging.store import Store

    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "bench.db"
        store = Store(f"sqlite:///{db}")
        store.create_schema()
        promises, _ = synthetic(n)
        changes = history(promises)
        with store.session() as s:
            s.add_all(promises)
            s.flush()
            s.add_all(c for rows in changes.values() for c in rows)
        store.dispose()
        config = Path(tmp) / "toezegging.toml"
        config.write_text(f'[database]\nurl = "sqlite:///{db}"\n')
        proc, port = start_serve(config, "--today", TODAY.isoformat())
        try:
            url = f"http://127.0.0.1:{port}/"
            first, _, body = fetch(url, proc)
            print(f"serve GET / first (loads the register) {first:.3f} s, {len(body) / 1e3:,.0f} kB")
            times = []
            for _ in range(10):
                took, _, zipped = fetch(url, proc, {"Accept-Encoding": "gzip"})
                times.append(took)
            verdict = "OK" if min(times) < 1 and len(body) < 1_000_000 else "TOO SLOW OR TOO BIG"
            print(
                f"serve GET / again x10: best {min(times):.3f} s, median "
                f"{statistics.median(times):.3f} s, {len(zipped) / 1e3:,.0f} kB gzip  [{verdict}]"
            )
        finally:
            proc.terminate()
            proc.wait(10)


def bench_site(n: int) -> None:
    from toezegging.pages.site import files

    promises, _ = synthetic(n)
    changes = history(promises)
    counts = {pid: len(rows) for pid, rows in changes.items()}
    t = time.perf_counter()
    out = files(promises, counts, changes, Config(), today=TODAY)
    took = time.perf_counter() - t
    print(
        f"static site of {n} promises: {len(out)} files, "
        f"{sum(len(v) for v in out.values()) / 1e6:.1f} MB in {took:.1f} s"
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--promises", type=int, default=10_000)
    ap.add_argument("--site", action="store_true", help="also time the whole static site")
    args = ap.parse_args()
    bench_render(args.promises)
    bench_serve(args.promises)
    if args.site:
        bench_site(args.promises)


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).parent))
    main()
