"""The reminder daemon: APScheduler 3 running one interval job, the tick.

The only module that imports apscheduler. The job store is in memory and holds that
one job; what is due lives in the database, so a restart, a crash, a second scheduler
or a DST night changes nothing (see `delivery.tick`). SIGTERM and SIGINT stop it cleanly:
a tick under way finishes before the process exits.
"""

import logging
import signal
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, tzinfo
from types import FrameType
from typing import TYPE_CHECKING

from apscheduler.jobstores.memory import MemoryJobStore
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.interval import IntervalTrigger

from .errors import StoreUnreachable
from .store import open_store

if TYPE_CHECKING:
    from .config import Config
    from .store import Store

log = logging.getLogger("toezegging.scheduler")


class Stop(threading.Event):
    """Set when the daemon is to stop; `signum` is the signal that said so (if one did)."""

    signum: int | None = None


def make_scheduler(
    job: Callable[[], None], interval_seconds: float, start: datetime, timezone: tzinfo
) -> BackgroundScheduler:
    """A scheduler with the tick as its only job, first run at `start`."""
    sched = BackgroundScheduler(
        jobstores={"default": MemoryJobStore()},
        job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": None},
        timezone=timezone,
    )
    sched.add_job(
        job,
        IntervalTrigger(seconds=interval_seconds, timezone=timezone),
        id="tick",
        name="reminder tick",
        next_run_time=start,
        replace_existing=True,
    )
    return sched


@contextmanager
def stopping(stop: Stop | None = None) -> Iterator[Stop]:
    """Yields an event that SIGTERM and SIGINT set while the block runs (the old handlers
    come back after); `stop.signum` is the signal that stopped it. One such block around
    start-up and running loses no signal."""
    stop = stop or Stop()
    stop.signum = None

    def _on_signal(signum: int, _frame: FrameType | None) -> None:
        log.info("received %s, stopping", signal.Signals(signum).name)
        stop.signum = signum
        stop.set()

    old = {s: signal.signal(s, _on_signal) for s in (signal.SIGTERM, signal.SIGINT)}
    try:
        yield stop
    finally:
        for s, h in old.items():
            signal.signal(s, h)


def wait_for_store(
    config: "Config", logger: logging.Logger, stop: threading.Event, max_wait: float = 60.0
) -> "Store | None":
    """Open the store, waiting (one log line per try, backing off) while the database
    cannot be reached. None when `stop` is set first. A wrong URL is not waited for."""

    delay = 1.0
    while not stop.is_set():
        try:
            store = open_store(config)
        except StoreUnreachable as e:
            logger.error("%s Trying again in %.0f s.", e, delay)
            if stop.wait(delay):
                break
            delay = min(delay * 2, max_wait)
            continue
        if stop.is_set():
            store.dispose()
            break
        return store
    return None


def run(
    job: Callable[[], None], interval_seconds: float, start: datetime, timezone: tzinfo, stop: threading.Event
) -> None:
    """Run the tick every `interval_seconds` until `stop` is set (see `stopping`)."""
    sched = make_scheduler(job, interval_seconds, start, timezone)
    sched.start()
    log.info("scheduler started: a tick every %s s", interval_seconds)
    try:
        while not stop.wait(1.0):
            pass
    finally:
        sched.shutdown(wait=True)
        log.info("scheduler stopped")
