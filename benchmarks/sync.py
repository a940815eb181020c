"""Sync speed: `sync tk` of N synthetic records from the local OData server, pages of 250.

    .venv/bin/python benchmarks/sync.py [--records 5000] [--page-size 250]

Serves N records shaped like the fixtures (tests/tk_odata/: a debate expanded, a time
phrase in the text for most, DatumNakoming for some, a few closed) from the test server
on loopback, and times into a fresh SQLite database: the first sync (every record new),
a second with nothing new, and one after a tenth of the records changed status. Prints
records per second; the network is loopback, so this is the register's side of the cost.
"""

import argparse
import copy
import random
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from odata_server import FakeOData, load  # noqa: E402

from toezegging.store import Store  # noqa: E402
from toezegging.sync import tk  # noqa: E402
from toezegging.sync.client import JsonClient  # noqa: E402

PHRASES = [
    "voor de zomer",
    "voor het einde van het jaar",
    "binnen drie maanden",
    "in het eerste kwartaal van 2026",
    "na het zomerreces",
    "in het najaar",
    "",
]


def synthetic(n: int, seed: int = 1) -> list[dict]:
    rnd = random.Random(seed)
    templates = [r for r in load("toezeggingen.json") if not r["Verwijderd"]]
    start = datetime(2024, 1, 1, 9, 0, tzinfo=ZoneInfo("Europe/Amsterdam"))
    out = []
    for i in range(n):
        r = copy.deepcopy(templates[i % len(templates)])
        made = start + timedelta(hours=3 * i)
        phrase = rnd.choice(PHRASES)
        r["Id"] = f"00000000-0000-4000-8000-{i:012d}"
        r["Nummer"] = f"TZ{made:%Y%m}-{i % 100000:03d}"
        r["Tekst"] = (
            f"De minister stuurt de Kamer {phrase} een brief over onderwerp {i}."
            if phrase
            else f"De minister gaat in gesprek over onderwerp {i}."
        )
        r["Aanmaakdatum"] = r["GewijzigdOp"] = r["ApiGewijzigdOp"] = made.isoformat()
        r["DatumNakoming"] = "0001-01-01T00:00:00Z"
        if isinstance(r.get("Activiteit"), list):
            r["Activiteit"][0]["Datum"] = made.isoformat()
        out.append(r)
    return out


def timed(label: str, store, client, url: str, n: int, now: datetime) -> None:
    t = time.perf_counter()
    report = tk.run(store, client, url=url, filters=tk.Filters(), now=now)
    dt = time.perf_counter() - t
    counts = {k: v for k, v in report.counts().items() if v}
    print(
        f"{label:<24} {report.records:>6} records, {report.pages:>3} pages in {dt:6.2f} s "
        f"= {report.records / dt:7.0f} records/s  {counts}"
    )


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--records", type=int, default=5000)
    ap.add_argument("--page-size", type=int, default=250)
    args = ap.parse_args()
    records = synthetic(args.records)
    now = datetime(2026, 11, 27, 6, 0, tzinfo=ZoneInfo("Europe/Amsterdam"))
    with (
        tempfile.TemporaryDirectory() as tmp,
        FakeOData(records, args.page_size) as server,
        JsonClient(retries=2, backoff=0) as client,
    ):
        store = Store(f"sqlite:///{Path(tmp) / 'sync.db'}")
        store.create_schema()
        timed("first sync (all new)", store, client, server.url, args.records, now)
        timed("second (nothing new)", store, client, server.url, args.records, now)
        later = datetime(2026, 11, 1, 12, 0, tzinfo=ZoneInfo("Europe/Amsterdam"))
        changed = [
            dict(r, Status="Voldaan", GewijzigdOp=(later + timedelta(minutes=i)).isoformat())
            for i, r in enumerate(records[::10])
        ]
        server.update(changed)
        timed("a tenth closed", store, client, server.url, len(changed), now)
        store.dispose()


if __name__ == "__main__":
    main()
