"""Feed speed: building a feed of 10,000 promises, and serving 304s from one process.

    .venv/bin/python benchmarks/feeds.py [--promises 10000] [--seconds 3] [--connections 8]

1. Builds the "alle" feed over N synthetic promises (no database: feeds.build is pure),
   best and median of 5 runs, plain and with the window events and alarms.
   Target: under 1 s for 10,000.
2. Starts `toezegging serve` (one uvicorn process running the Starlette app that also
   serves the pages) on 127.0.0.1 over a temporary SQLite database holding the same
   promises, and asks for a public feed, then a private one (token checked on every
   request), with If-None-Match from a small keep-alive load client for a bounded time.
   Target: at least 1,000 answers of 304 per second each.
"""

import argparse
import asyncio
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from toezegging import feed_queries, feeds
from toezegging.config import FeedConfig
from toezegging.model import Promise

MINISTRIES = ["BZK", "JenV", "Financiën", "OCW", "VWS", "EZK", "IenW", "SZW", "Defensie", "LVVN"]
WORDS = (
    "de Kamer wordt geïnformeerd over de voortgang van het wetsvoorstel, de evaluatie en "
    "de uitvoering; met aandacht voor gemeenten, provincies en waterschappen"
).split()


def synthetic(n: int, seed: int = 1) -> tuple[list[Promise], dict[int, int]]:
    rnd = random.Random(seed)
    ps = []
    for i in range(1, n + 1):
        latest = date(2026, 1, 1) + timedelta(days=rnd.randrange(900))
        earliest = latest - timedelta(days=rnd.choice([0, 30, 90, 180]))
        text = " ".join(rnd.choice(WORDS) for _ in range(rnd.randrange(20, 60))).capitalize() + "."
        ps.append(
            Promise(
                id=i,
                text=text,
                deadline="voor eind 2026",
                reference=earliest,
                earliest=earliest,
                latest=latest,
                kind="part",
                recurrence="FREQ=YEARLY" if i % 50 == 0 else None,
                hedged=i % 7 == 0,
                explanation="Eind 2026 loopt tot 31 december 2026.",
                by="E. van Dijk",
                function="minister",
                ministry=rnd.choice(MINISTRIES),
                to="Van der Werf",
                fraction="D66",
                source="Commissiedebat",
                kamerstuk=f"32802-{i % 300}",
                url=f"https://www.tweedekamer.nl/toezegging/{i}",
                number=f"TZ2026-{i:05d}",
                tags=rnd.sample(["woo", "privacy", "wonen", "zorg", "klimaat"], 2),
                status=rnd.choice(["open"] * 6 + ["fulfilled", "withdrawn"]),
                created_at=datetime(2026, 1, 1, tzinfo=UTC),
                updated_at=datetime(2026, 1, 1, tzinfo=UTC) + timedelta(minutes=i),
                revision=i % 3,
            )
        )
    return ps, {i: i % 4 for i in range(1, n + 1)}


def bench_build(n: int) -> None:
    ps, counts = synthetic(n)
    today = date(2026, 11, 25)
    for label, feed in [
        ("plain", FeedConfig(name="alle", title="Alle toezeggingen")),
        ("window+alarm", FeedConfig(name="alle", title="Alle toezeggingen", show_window=True, alarm_days=7)),
    ]:
        times = []
        for _ in range(5):
            t = time.perf_counter()
            body = feeds.build(ps, counts, feed, today=today)
            times.append(time.perf_counter() - t)
        verdict = "OK" if min(times) < 1.0 else "TOO SLOW (target < 1 s)"
        print(
            f"build {label:13} {n} promises -> {body.count(b'BEGIN:VEVENT')} events, "
            f"{len(body) / 1e6:.1f} MB: best {min(times):.3f} s, "
            f"median {statistics.median(times):.3f} s  [{verdict}]"
        )


async def _client(port: int, path: str, etag: str, stop_at: float, limit: int, counts: dict):
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    request = (f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nIf-None-Match: {etag}\r\n\r\n").encode()
    try:
        while time.perf_counter() < stop_at and counts["total"] < limit:
            writer.write(request)
            head = await reader.readuntil(b"\r\n\r\n")
            status = head[9:12]
            counts["total"] += 1
            if status != b"304":
                counts["other"] += 1
                length = [ln for ln in head.split(b"\r\n") if ln.lower().startswith(b"content-length")]
                if length:
                    await reader.readexactly(int(length[0].split(b":")[1]))
    finally:
        writer.close()


def bench_serve(n: int, seconds: float, connections: int) -> None:
    from toezegging.store import Store

    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "bench.db"
        store = Store(f"sqlite:///{db}")
        store.create_schema()
        ps, _ = synthetic(n)
        with store.session() as s:
            s.add_all(ps)
            token = feed_queries.rotate_token(s, "team", datetime(2026, 1, 1, tzinfo=UTC))
        store.dispose()
        config = Path(tmp) / "toezegging.toml"
        config.write_text(
            f'[database]\nurl = "sqlite:///{db}"\n'
            '[[feeds]]\nname = "alle"\n[[feeds]]\nname = "team"\nprivate = true\n'
        )
        proc, port = start_serve(config)
        try:
            for label, path in (("public", "/feeds/alle.ics"), ("private", f"/feeds/{token}/team.ics")):
                _load_one(port, label, path, seconds, connections, first=label == "public", proc=proc)
        finally:
            proc.terminate()
            proc.wait(10)


def start_serve(config: Path, *args: str) -> tuple[subprocess.Popen, int]:
    """`toezegging serve` with `config` on a free port of 127.0.0.1 (not yet answering)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    env = {**os.environ, "TOEZEGGING_CONFIG": str(config)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "toezegging", "serve", "--port", str(port), *args],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    return proc, port


def fetch(url: str, proc: subprocess.Popen, headers: dict | None = None):
    """GET `url` once the server answers: (seconds the answer took, response headers, body)."""
    deadline = time.monotonic() + 60
    while True:
        try:
            t = time.perf_counter()
            with urllib.request.urlopen(urllib.request.Request(url, headers=headers or {}), timeout=60) as r:
                body = r.read()
            return time.perf_counter() - t, r.headers, body
        except OSError:
            if time.monotonic() > deadline or proc.poll() is not None:
                raise SystemExit("the server did not start") from None
            time.sleep(0.1)


def _load_one(
    port: int, label: str, path: str, seconds: float, connections: int, *, first: bool, proc
) -> None:
    took, headers, body = fetch(f"http://127.0.0.1:{port}{path}", proc)
    etag, size = headers["ETag"], len(body)
    if first:
        print(f"serve: first GET of {size / 1e6:.1f} MB feed (build included) {took:.3f} s")
    counts = {"total": 0, "other": 0}
    limit = int(seconds * 20_000)

    async def load():
        stop_at = time.perf_counter() + seconds
        await asyncio.gather(*(_client(port, path, etag, stop_at, limit, counts) for _ in range(connections)))

    t = time.perf_counter()
    asyncio.run(load())
    elapsed = time.perf_counter() - t
    rate = counts["total"] / elapsed
    verdict = "OK" if rate >= 1000 and not counts["other"] else "TOO SLOW (target ≥ 1000/s)"
    print(
        f"serve 304 {label:7}: {counts['total']} requests over {connections} keep-alive "
        f"connections in {elapsed:.2f} s = {rate:,.0f} req/s "
        f"({counts['other']} not 304; one server process, client on the same host, "
        f"{os.cpu_count()} CPUs)  [{verdict}]"
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--promises", type=int, default=10_000)
    ap.add_argument("--seconds", type=float, default=3.0)
    ap.add_argument("--connections", type=int, default=8)
    args = ap.parse_args()
    bench_build(args.promises)
    bench_serve(args.promises, args.seconds, args.connections)


if __name__ == "__main__":
    main()
