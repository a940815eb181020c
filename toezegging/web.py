"""Serving the feeds over HTTP: a small raw ASGI app, run by uvicorn (`toezegging serve`).

    /                       a plain page listing the public feeds, with links to copy
    /feeds/NAME.ics         a public feed
    /feeds/TOKEN/NAME.ics   a private feed (a wrong token, or none, is a plain 404)

Feeds carry a strong ETag (a hash of the bytes) and Last-Modified, and answer 304 to
If-None-Match and If-Modified-Since; gzip-compressed when the client accepts it (a
feed of thousands of promises shrinks tenfold), with an ETag of its own. The
database is asked at most once per `recheck` seconds whether anything changed, so a
304 costs no query; a feed is built again only when the data or the day changed.
Last-Modified is the moment this server first served those exact bytes (never earlier
than what a client saw before).
"""

import asyncio
import gzip
import html
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from email.utils import format_datetime, parsedate_to_datetime
from zoneinfo import ZoneInfo

from . import feed_data, feeds

_NAME = r"[A-Za-z0-9_-]{1,64}"
_FEED = re.compile(rf"/feeds/(?:(?P<token>[A-Za-z0-9_-]{{16,128}})/)?(?P<name>{_NAME})\.ics")
_TRICKS = re.compile(r"\.\.|%|\\|//|[\x00-\x20\x7f]")
_HOST = re.compile(r"(?:[A-Za-z0-9-]{1,63}\.)*[A-Za-z0-9-]{1,63}(?::\d{1,5})?"
                   r"|\[[0-9A-Fa-f:.]{2,45}\](?::\d{1,5})?")


@dataclass
class Entry:
    body: bytes
    etag: str
    last_modified: datetime  # UTC, whole seconds
    last_modified_http: str
    gzipped: bytes = b""  # the same feed gzip-compressed (deterministic: no timestamp)
    gzip_etag: str = ""

    def __post_init__(self):
        if not self.gzipped:
            self.gzipped = gzip.compress(self.body, compresslevel=5, mtime=0)
            self.gzip_etag = self.etag[:-1] + '-gz"'


@dataclass
class Snapshot:
    key: tuple  # (data version, today)
    checked: float  # time.monotonic() of the last look at the database
    promises: list
    counts: dict[int, int]
    tokens: dict[str, str]
    entries: dict[str, Entry] = field(default_factory=dict)


def _now_utc() -> datetime:
    return datetime.now(UTC)


class FeedApp:
    """The ASGI application. `clock` returns an aware "now" (injectable for tests)."""

    def __init__(self, config, store, *, clock: Callable[[], datetime] = _now_utc,
                 recheck: float = 1.0):
        self.config = config
        self.store = store
        self.clock = clock
        self.recheck = recheck
        self.zone = ZoneInfo(config.reminders.timezone)
        self.feeds = {f.name: f for f in config.feeds}
        self.words = feeds.words(config.language)
        self.max_bytes = config.server.max_request_bytes
        self._snap: Snapshot | None = None
        self._lock = asyncio.Lock()
        self._seen: dict[str, Entry] = {}  # the last entry served per feed, across snapshots

    # ------------------------------------------------------------------ data

    def _today(self) -> date:
        return self.clock().astimezone(self.zone).date()

    def _load(self, previous: Snapshot | None) -> Snapshot:
        with self.store.session() as s:
            key = (feed_data.data_version(s), self._today())
            tokens = feed_data.token_hashes(s)
            if previous is not None and previous.key[0] == key[0]:
                promises, counts = previous.promises, previous.counts
            else:
                promises, counts = feed_data.load_promises(s)
        snap = Snapshot(key, time.monotonic(), promises, counts, tokens)
        if previous is not None and previous.key == key:
            snap.entries = previous.entries
        return snap

    async def snapshot(self) -> Snapshot:
        snap = self._snap
        if snap is not None and time.monotonic() - snap.checked < self.recheck:
            return snap
        async with self._lock:
            snap = self._snap
            if snap is None or time.monotonic() - snap.checked >= self.recheck:
                snap = self._snap = await asyncio.to_thread(self._load, snap)
            return snap

    def _build(self, snap: Snapshot, name: str) -> Entry:
        body = feeds.build(snap.promises, snap.counts, self.feeds[name], today=snap.key[1],
                           language=self.config.language)
        tag = feeds.etag(body)
        seen = self._seen.get(name)
        if seen is not None and seen.etag == tag:
            return seen
        moment = self.clock().astimezone(UTC).replace(microsecond=0)
        if seen is not None and moment <= seen.last_modified:
            moment = seen.last_modified + timedelta(seconds=1)
        entry = Entry(body, tag, moment, format_datetime(moment, usegmt=True))
        self._seen[name] = entry
        return entry

    async def entry(self, name: str) -> tuple[Entry, Snapshot]:
        snap = await self.snapshot()
        found = snap.entries.get(name)
        if found is None:
            async with self._lock:
                found = snap.entries.get(name)
                if found is None:
                    found = snap.entries[name] = await asyncio.to_thread(self._build, snap, name)
        return found, snap

    # ------------------------------------------------------------------ HTTP

    async def __call__(self, scope, receive, send):
        if scope["type"] == "lifespan":
            while True:
                message = await receive()
                if message["type"] == "lifespan.startup":
                    await send({"type": "lifespan.startup.complete"})
                elif message["type"] == "lifespan.shutdown":
                    await send({"type": "lifespan.shutdown.complete"})
                    return
        if scope["type"] != "http":
            return
        status, headers, body = await self.respond(scope)
        head = scope["method"] == "HEAD"
        if status != 304:  # a 304 has no body and must not claim a length of 0
            headers.setdefault("content-length", str(len(body)))
        await send({
            "type": "http.response.start",
            "status": status,
            "headers": [(k.encode(), v.encode()) for k, v in headers.items()],
        })
        await send({"type": "http.response.body", "body": b"" if head or status == 304 else body})

    async def respond(self, scope) -> tuple[int, dict[str, str], bytes]:
        raw_headers = scope.get("headers", [])
        size = len(scope.get("raw_path") or b"") + sum(len(k) + len(v) + 4 for k, v in raw_headers)
        if size > self.max_bytes:
            return _plain(431, "Request headers too large")
        h = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in raw_headers}
        if "transfer-encoding" in h or int(h.get("content-length", "0") or 0) > 0:
            return _plain(413, "A request body is not accepted here")
        if scope["method"] not in ("GET", "HEAD"):
            status, headers, body = _plain(405, "Method not allowed")
            headers["allow"] = "GET, HEAD"
            return status, headers, body
        path = (scope.get("raw_path") or scope["path"].encode()).decode("latin-1")
        path = path.split("?", 1)[0]
        if _TRICKS.search(path):
            return _plain(400, "Bad path")
        if path == "/":
            return self.index(scope, h)
        m = _FEED.fullmatch(path)
        if not m or m["name"] not in self.feeds:
            return _plain(404, "Not found")
        feed = self.feeds[m["name"]]
        if feed.private:
            if not m["token"]:
                return _plain(404, "Not found")
            snap = await self.snapshot()
            if not feed_data.token_matches(m["token"], snap.tokens.get(feed.name)):
                return _plain(404, "Not found")
        elif m["token"]:
            return _plain(404, "Not found")
        entry, _ = await self.entry(feed.name)
        zipped = _accepts_gzip(h.get("accept-encoding", ""))
        headers = {
            "content-type": "text/calendar; charset=utf-8",
            "etag": entry.gzip_etag if zipped else entry.etag,
            "last-modified": entry.last_modified_http,
            "vary": "Accept-Encoding",
            "cache-control": ("private" if feed.private else "public") + ", no-cache",
            "content-disposition": f'inline; filename="{feed.name}.ics"',
            "x-content-type-options": "nosniff",
        }
        if feed.private:
            headers["referrer-policy"] = "no-referrer"
        if _not_modified(h, entry):
            return 304, headers, b""
        if zipped:
            headers["content-encoding"] = "gzip"
            return 200, headers, entry.gzipped
        return 200, headers, entry.body

    def _base(self, scope, h: dict[str, str]) -> str:
        base = self.config.server.base_url.rstrip("/")
        if base:
            return base
        host = h.get("host", "")
        if not _HOST.fullmatch(host):
            server = scope.get("server") or ("127.0.0.1", self.config.server.port)
            host = f"{server[0]}:{server[1]}"
        return f"{scope.get('scheme', 'http')}://{host}"

    def index(self, scope, h: dict[str, str]) -> tuple[int, dict[str, str], bytes]:
        w = self.words["page"]
        base = self._base(scope, h)
        webcal = "webcal://" + base.split("://", 1)[1]
        items = []
        for f in self.feeds.values():
            if f.private:
                continue
            title, desc = feeds.feed_title(f, self.config.language)
            url, sub = f"{base}/feeds/{f.name}.ics", f"{webcal}/feeds/{f.name}.ics"
            e = html.escape
            items.append(
                f"<li><strong>{e(title)}</strong>{' — ' + e(desc) if desc else ''}<br>\n"
                f'<a href="{e(sub)}">{e(w["subscribe"])}</a>: <code>{e(sub)}</code><br>\n'
                f'<a href="{e(url)}">{e(w["copy"])}</a>: <code>{e(url)}</code></li>'
            )
        listing = "<ul>\n" + "\n".join(items) + "\n</ul>" if items else f"<p>{w['none']}</p>"
        page = (
            f'<!doctype html>\n<html lang="{self.config.language}">\n<head><meta charset="utf-8">'
            f"<title>{html.escape(w['title'])}</title></head>\n<body>\n"
            f"<h1>{html.escape(w['title'])}</h1>\n<p>{html.escape(w['intro'])}</p>\n"
            f"{listing}\n</body>\n</html>\n"
        )
        return 200, {"content-type": "text/html; charset=utf-8", "cache-control": "no-cache",
                     "x-content-type-options": "nosniff"}, page.encode("utf-8")


def _plain(status: int, text: str) -> tuple[int, dict[str, str], bytes]:
    return status, {"content-type": "text/plain; charset=utf-8"}, (text + "\n").encode()


def _accepts_gzip(header: str) -> bool:
    for item in header.split(","):
        coding, _, params = item.strip().partition(";")
        if coding.strip().lower() in ("gzip", "x-gzip"):
            q = params.strip().lower()
            return not (q.startswith("q=") and q[2:].strip() in ("0", "0.", "0.0", "0.00", "0.000"))
    return False


def _not_modified(h: dict[str, str], entry: Entry) -> bool:
    """RFC 9110 13.2.2: If-None-Match decides when present; else If-Modified-Since."""
    inm = h.get("if-none-match")
    if inm is not None:
        tags = [t.strip().removeprefix("W/") for t in inm.split(",")]
        return "*" in tags or entry.etag in tags or entry.gzip_etag in tags
    ims = h.get("if-modified-since")
    if ims:
        try:
            since = parsedate_to_datetime(ims)
        except (TypeError, ValueError, IndexError):
            return False
        if since.tzinfo is None:
            since = since.replace(tzinfo=UTC)
        return entry.last_modified <= since
    return False


def run(config, store, host: str, port: int) -> None:
    """Serve until interrupted (the `serve` command)."""
    import uvicorn

    app = FeedApp(config, store)
    # No access log: private feed URLs carry their token, and a log must not.
    uvicorn.run(app, host=host, port=port, lifespan="on", server_header=False,
                h11_max_incomplete_event_size=config.server.max_request_bytes + 4096,
                timeout_keep_alive=30, log_level="info", access_log=False)
