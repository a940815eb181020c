"""`toezegging sync tk`: follow the Tweede Kamer's register of promises (OData v4, `Toezegging`).

One run asks the API for the records changed since the high-water mark (`GewijzigdOp ge
mark`, oldest first, the debate and the fulfilling letters expanded), page by page along
`@odata.nextLink`. Each page is brought into the register (`merge.apply`) in one
transaction, which also moves the mark to the page's newest `GewijzigdOp`: a run that
stops part-way (killed, or the API breaking off) keeps the pages it committed, and the
next run resumes at the mark; a record seen twice changes nothing the second time.

Filters (`Filters`): ministries, words in the text or the debate's subject, and a first
day. The API is asked for a superset (ministry names with `contains`, `Aanmaakdatum`, and
every deleted record), and each record is checked here; a record the register already
follows is always taken, so its changes and its deletion reach the register whatever
the filters say. The mark belongs to one set of filters (`state_key`): other filters start
from the beginning.

A dry run reads the same pages and applies each in a transaction that is rolled back: it
shows what would change and writes nothing, not even the mark.
"""

import hashlib
import json
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from .. import ministries
from ..errors import ToezeggingError
from ..import_export import Incoming, read_register
from ..model import SyncState
from . import merge, odata
from .client import JsonClient, SyncError

if TYPE_CHECKING:
    from ..config import TkSyncConfig
    from ..store import Store

SOURCE = "tk"
ENTITY = "Toezegging"
EXPAND = (
    "Activiteit($select=Id,Nummer,Soort,Onderwerp,Datum),"
    "KamerbriefNakoming($select=Id,DocumentNummer,Soort,Onderwerp,Titel,Datum)"
)
# The API refuses a $filter of more than 100 nodes; each contains() costs about 4.
MAX_NAME_TERMS = 12


@dataclass(frozen=True)
class Filters:
    ministries: tuple[str, ...] = ()
    match: tuple[str, ...] = ()
    since: date | None = None

    @classmethod
    def from_config(cls, tk: "TkSyncConfig") -> "Filters":
        """The filters of `[sync.tk]` (a `config.TkSyncConfig`)."""
        return cls(tuple(tk.ministries), tuple(tk.match), date.fromisoformat(tk.since) if tk.since else None)

    def describe(self) -> str:
        parts = []
        if self.ministries:
            parts.append("ministry " + " or ".join(repr(m) for m in self.ministries))
        if self.match:
            parts.append("matching " + " or ".join(repr(w) for w in self.match))
        if self.since:
            parts.append(f"made since {self.since.isoformat()}")
        return ", ".join(parts) or "no filters"


def state_key(filters: Filters) -> str:
    """The key of the high-water mark of one set of filters."""
    sel = ministries.select(filters.ministries)
    canon = {
        "ministries": sorted(sel.names) + sorted(sel.texts),
        "match": sorted({_fold(w) for w in filters.match}),
        "since": filters.since.isoformat() if filters.since else None,
    }
    digest = hashlib.sha256(json.dumps(canon, sort_keys=True).encode()).hexdigest()[:16]
    return f"{SOURCE}:{digest}"


# ----------------------------------------------------------------------------- the query


def query(filters: Filters, high_water: datetime | None) -> dict[str, str]:
    """The OData query options of one run."""
    narrow = []
    terms = _name_terms(filters)
    if terms:  # a record without a Ministerie may name its ministry in its Functie
        narrow.append(
            "(Ministerie eq null or "
            + " or ".join(f"contains(Ministerie,{odata.quote(t)})" for t in terms)
            + ")"
        )
    if filters.since:
        # a day early: Aanmaakdatum is a moment, and the day is the Kamer's, not UTC's
        narrow.append(f"Aanmaakdatum ge {odata.moment(filters.since - timedelta(days=1))}")
    clauses = []
    if high_water is not None:
        clauses.append(f"GewijzigdOp ge {odata.moment(high_water)}")
    if narrow:
        clauses.append(f"(Verwijderd eq true or {' and '.join(narrow)})")
    params = {"$orderby": "GewijzigdOp asc", "$expand": EXPAND, "$count": "true"}
    if clauses:
        params["$filter"] = " and ".join(clauses)
    return params


def _name_terms(filters: Filters) -> list[str]:
    """Pieces of text a wanted record's `Ministerie` holds (none: ask for every ministry)."""
    if not filters.ministries:
        return []
    sel = ministries.select(filters.ministries)
    by_name = {m.name: m for m in ministries.table().ministries}
    terms: list[str] = []
    for name in sorted(sel.names):
        terms += [n for n in by_name[name].names if n not in by_name[name].portfolios]
    terms += list(sel.unknown)
    # "Justitie" also finds "Justitie en Veiligheid": keep the shortest pieces only
    terms = sorted(set(terms), key=len)
    kept: list[str] = []
    for t in terms:
        if not any(k in t for k in kept):
            kept.append(t)
    return kept if len(kept) <= MAX_NAME_TERMS else []


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", text.casefold())
    return " ".join("".join(c for c in text if not unicodedata.combining(c)).split())


def wanted(inc: Incoming, filters: Filters, selection: ministries.Selection) -> bool:
    """Whether a record the register does not follow yet passes the filters."""
    if inc.deleted:
        return False
    p = inc.promise
    if filters.ministries and not selection.matches(p.ministry):
        return False
    if filters.since and p.reference < filters.since:
        return False
    if filters.match:
        haystack = _fold(f"{p.text} \n {inc.subject or ''}")
        if not any(_fold(w) in haystack for w in filters.match if w.strip()):
            return False
    return True


# ----------------------------------------------------------------------------- a run


@dataclass
class Report:
    url: str
    filters: Filters
    dry_run: bool = False
    pages: int = 0
    records: int = 0
    total: int | None = None  # @odata.count of the first page
    outcomes: list[merge.Outcome] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (number or id, why)
    high_water: datetime | None = None
    complete: bool = False

    def of(self, kind: str) -> list[merge.Outcome]:
        return [o for o in self.outcomes if o.kind == kind]

    @property
    def conflicts(self) -> list[merge.Outcome]:
        return [o for o in self.outcomes if o.conflicts]

    @property
    def unreadable(self) -> list[merge.Outcome]:
        return [o for o in self.outcomes if o.unreadable]

    def counts(self) -> dict[str, int]:
        return {
            "new": len(self.of("new")),
            "updated": len(self.of("updated")),
            "closed": len(self.of("closed")),
            "reopened": len(self.of("reopened")),
            "removed": len(self.of("removed")),
            "restored": len(self.of("restored")),
            "conflicts": len(self.conflicts),
            "unreadable": len(self.unreadable),
            "unchanged": len(self.of("unchanged")),
            "skipped": len(self.skipped),
        }

    def to_dict(self) -> dict[str, Any]:
        return {
            "url": self.url,
            "filters": self.filters.describe(),
            "dry_run": self.dry_run,
            "complete": self.complete,
            "pages": self.pages,
            "records": self.records,
            "high_water": self.high_water.isoformat() if self.high_water else None,
            **self.counts(),
            "changes": [
                {
                    "kind": o.kind,
                    "number": o.number,
                    "promise_id": o.promise_id,
                    "details": o.details,
                    "unreadable": o.unreadable,
                    "conflicts": [c.__dict__ for c in o.conflicts],
                }
                for o in self.outcomes
                if o.kind not in ("unchanged", "ignored") or o.conflicts
            ],
            "skipped": [{"record": n, "why": why} for n, why in self.skipped],
        }


def run(
    store: "Store",
    client: JsonClient,
    *,
    url: str,
    filters: Filters,
    now: datetime,
    tags: Iterable[str] = (),
    dry_run: bool = False,
    full: bool = False,
    progress: Callable[[int, int | None], None] | None = None,
) -> Report:
    """One sync of the register at `url` (see the module docstring).

    `now` (aware) stamps what is written; `full` ignores the high-water mark. `progress`
    is called with (records done, records in all, when the API says). Raises `SyncError`
    when the API fails; the pages committed before stay (see `Report` for a summary).
    """
    report = Report(url=url, filters=filters, dry_run=dry_run)
    key = state_key(filters)
    with Session(store.engine) as s:
        state = s.get(SyncState, key)
        mark = None if full or state is None else state.high_water
    report.high_water = mark
    selection = ministries.select(filters.ministries)
    base = url.rstrip("/") + "/" + ENTITY
    try:
        for page in odata.pages(client, base, query(filters, mark)):
            if page.number == 1:
                report.total = page.count
            _commit_page(store, page.records, report, key, filters, selection, now, tags, dry_run)
            report.pages += 1
            if progress:
                progress(report.records, report.total)
    except SyncError as e:
        e.report = report
        raise
    report.complete = True
    if not dry_run:
        with Session(store.engine) as s:
            state = _state(s, key, now)
            state.last_run_at = now
            s.add(state)
            s.commit()
    return report


def _commit_page(
    store: "Store",
    records: list[dict[str, Any]],
    report: Report,
    key: str,
    filters: Filters,
    selection: ministries.Selection,
    now: datetime,
    tags: Iterable[str],
    dry_run: bool,
) -> None:
    """Bring one page into the register and move the mark, in one transaction."""
    newest = report.high_water
    skipped: list[tuple[str, str]] = []
    incoming: list[Incoming] = []
    applied: list[tuple[Incoming, merge.Outcome]] = []
    for row in records:
        modified = _modified(row)
        if modified and (newest is None or modified > newest):
            newest = modified  # a record that cannot be read is passed, not retried
        try:
            incoming.append(read_register(row, now))
        except ToezeggingError as e:  # a malformed record, or a date the calendar cannot hold
            skipped.append((str(row.get("Nummer") or row.get("Id") or "?"), e.message))
    with Session(store.engine, expire_on_commit=False, autoflush=False) as s:
        try:
            known = merge.Known(s, SOURCE, incoming)
            for inc in incoming:
                link, promise = known.find(inc)
                if link is None and promise is None and not wanted(inc, filters, selection):
                    continue
                applied.append((inc, merge.apply(s, SOURCE, inc, now=now, tags=list(tags), known=known)))
            known.finish(s, SOURCE, now)
            for inc, outcome in applied:  # the ids of the new promises are known now
                outcome.promise_id = outcome.promise_id or inc.promise.id
            if dry_run:
                s.rollback()
            else:
                if newest is not None and newest != report.high_water:
                    state = _state(s, key, now)
                    state.high_water, state.updated_at = newest, now
                    s.add(state)
                s.commit()
        except IntegrityError:
            s.rollback()
            raise SyncError(
                "the register changed while this sync ran (another sync at the same "
                "time?); nothing of this page was stored. Run the sync again: it "
                "resumes where it stopped."
            ) from None
        except BaseException:
            s.rollback()
            raise
    report.outcomes += [outcome for _inc, outcome in applied]
    report.skipped += skipped
    report.records += len(records)
    report.high_water = newest


def _modified(row: dict) -> datetime | None:
    try:
        m = datetime.fromisoformat(str(row.get("GewijzigdOp")).replace("Z", "+00:00"))
    except ValueError:
        return None
    return m if m.tzinfo else m.replace(tzinfo=UTC)


def _state(s: Session, key: str, now: datetime) -> SyncState:
    return s.get(SyncState, key) or SyncState(key=key, updated_at=now)


# ----------------------------------------------------------------------------- the scheduler


def due(last_run: datetime | None, now: datetime, hour: int) -> bool:
    """Whether the daily sync is due at `now` (local): the last run was before the latest
    `hour` o'clock that has passed (so a day the scheduler was down is made up as soon as
    it runs again); the very first run waits for the hour."""
    slot = now.replace(hour=hour, minute=0, second=0, microsecond=0)
    if last_run is None:
        return now >= slot
    if now < slot:
        slot -= timedelta(days=1)
    return last_run < slot


def last_run(store: "Store", filters: Filters) -> datetime | None:
    with Session(store.engine) as s:
        state = s.get(SyncState, state_key(filters))
        return state.last_run_at if state else None


def daily(
    store: "Store", tk: "TkSyncConfig", now: datetime, client: JsonClient | None = None
) -> Report | None:
    """The scheduler's daily sync with the filters of `[sync.tk]` (`tk`), when it is due
    at `now`: enabled, past `tk.hour` today, and not yet run since. The last run is kept
    in the database, so a restart or a night the scheduler was down changes nothing.
    Raises `SyncError` as `run` does (the scheduler logs it and tries again next tick).
    """
    filters = Filters.from_config(tk)
    if not tk.enabled or not due(last_run(store, filters), now, tk.hour):
        return None
    own = client is None
    client = client or JsonClient(timeout=tk.timeout, retries=tk.retries, backoff=tk.backoff)
    try:
        return run(store, client, url=tk.url, filters=filters, now=now, tags=list(tk.tags))
    finally:
        if own:
            client.close()
