"""A reminder tick over 100,000 promises: the store filters in SQL, with indexes.

    .venv/bin/python benchmarks/reminders.py [--promises N] [--url sqlite:///...]

Deadlines spread over 2024-2029, a third of the promises closed, some recurring. Prints
the time of (1) a dry-run tick on an empty outbox (what is due is computed, nothing
written), (2) the first real tick's queueing (every due reminder inserted; sending is
switched off by a transport that drops mail), and (3) a steady tick the next hour, when
everything due is already in the outbox: the tick cron and the scheduler run all day.
"""

import argparse
import random
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import insert, update  # noqa: E402

from toezegging import delivery, outbox  # noqa: E402
from toezegging.config import Config  # noqa: E402
from toezegging.model import DeadlineChange, Promise, Reminder  # noqa: E402
from toezegging.store import Store  # noqa: E402


class Drop:
    def send(self, msg, to):
        pass

    def close(self):
        pass


def fill(store: Store, n: int, seed: int = 7) -> None:
    rnd = random.Random(seed)
    stamp = datetime(2024, 1, 1, tzinfo=UTC)
    rows, changes = [], []
    for i in range(1, n + 1):
        ref = date(2024, 1, 1) + timedelta(days=rnd.randrange(0, 3 * 365))
        latest = ref + timedelta(days=rnd.randrange(7, 3 * 365))
        earliest = ref if rnd.random() < 0.7 else latest - timedelta(days=rnd.randrange(0, 90))
        status = "open" if rnd.random() < 0.66 else rnd.choice(["fulfilled", "lapsed", "partly"])
        rows.append(
            dict(
                id=i,
                text=f"Toezegging {i}",
                deadline="voor eind 2026",
                reference=ref,
                earliest=max(earliest, ref),
                latest=latest,
                kind="part",
                recurrence="FREQ=YEARLY" if rnd.random() < 0.01 else None,
                hedged=False,
                estimated=False,
                explanation="",
                open_ended=False,
                ministry=rnd.choice(["BZK", "JenV", "Financiën", "OCW", "VWS"]),
                tags=[],
                status=status,
                created_at=stamp,
                updated_at=stamp,
                revision=0,
                owner=f"staf{i % 50}@example.org",
            )
        )
        if rnd.random() < 0.05:
            changes.append(
                dict(
                    promise_id=i,
                    changed_at=stamp + timedelta(days=rnd.randrange(900)),
                    reference=ref,
                    old_deadline="x",
                    new_deadline="y",
                    new_latest=latest,
                )
            )
    with store.engine.begin() as conn:
        for start in range(0, n, 10000):
            conn.execute(insert(Promise.__table__), rows[start : start + 10000])
        if changes:
            conn.execute(insert(DeadlineChange.__table__), changes)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--promises", type=int, default=100_000)
    ap.add_argument("--url", default="")
    args = ap.parse_args()
    tmp = tempfile.mkdtemp()
    url = args.url or f"sqlite:///{tmp}/bench.db"
    store = Store(url)
    store.create_schema()
    t0 = time.perf_counter()
    fill(store, args.promises)
    print(f"filled {args.promises:,} promises in {time.perf_counter() - t0:.2f} s ({url})")
    config = Config()
    now = datetime(2026, 12, 1, 9, 0, tzinfo=ZoneInfo("Europe/Amsterdam"))

    t0 = time.perf_counter()
    r = delivery.tick(store, config, now, dry_run=True)
    print(f"dry-run tick, empty outbox:    {time.perf_counter() - t0:6.3f} s ({r.inserted:,} reminders due)")

    # The first real tick queues everything; mark them sent so only the queueing is timed.
    t0 = time.perf_counter()
    r = delivery.tick(store, config, now, transport=Drop(), dry_run=True)
    dues = r.inserted
    from toezegging import reminders

    with store.engine.connect() as conn:
        cands = outbox.candidates(conn, now.date(), config.reminders)
    due = reminders.due(cands, now, config.reminders)
    owners = {c.id: outbox.recipients_for(c.owner, config.mail) for c in cands}
    outbox.insert_due(store, due, owners, now)
    with store.engine.begin() as conn:
        conn.execute(update(Reminder.__table__).values(state="sent", sent_at=now))
    print(f"first tick, queueing {dues:,}:  {time.perf_counter() - t0:6.3f} s")

    for label, moment in (
        ("steady tick, an hour later:", now + timedelta(hours=1)),
        ("steady tick, the next day:  ", now + timedelta(days=1)),
    ):
        t0 = time.perf_counter()
        r = delivery.tick(store, config, moment, transport=Drop())
        took = time.perf_counter() - t0
        print(f"{label}   {took:6.3f} s ({r.inserted:,} queued, {r.sent:,} sent)")
    store.dispose()


if __name__ == "__main__":
    main()
