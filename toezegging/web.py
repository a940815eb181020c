"""Serving the register over HTTP: its pages and its calendar feeds (Starlette, run by
uvicorn; `toezegging serve`). The one module that imports starlette and uvicorn.

    /                       the overview: counts, timeline and table (filters in the query)
    /promises/ID            one promise: text, window, history, drafted questions, feeds
    /ministries/SLUG        one ministry's figures and open promises
    /feeds                  the feeds, each with a webcal:// button, and how to subscribe
    /static/NAME            the pages' CSS and JS
    /feeds/NAME.ics         a public feed
    /feeds/TOKEN/NAME.ics   a private feed (a wrong token, or none, is a plain 404)

Feeds carry a strong ETag (a hash of the bytes) and Last-Modified, and answer 304 to
If-None-Match and If-Modified-Since; gzip-compressed when the client accepts it (a
feed of thousands of promises shrinks tenfold), with an ETag of its own. The
database is asked at most once per `recheck` seconds whether anything changed, so a
304 costs no query; a feed is built again only when the data or the day changed.
Last-Modified is the moment this server first served those exact bytes (never earlier
than what a client saw before). Pages are compressed by Starlette's GZip middleware;
feeds keep their own, precomputed gzip.

Who sees which pages (`[web] access`): "public" shows anyone the promises the public
feeds show; "token" asks for the token of a private feed, once as `?token=...` (then
kept in a cookie, and the address is cleaned of it), and shows what that feed shows.

Before any of this, `Guard` refuses what no page or feed needs: other methods than
GET and HEAD, request bodies, oversized headers and path tricks (`..`, `%`, `\\`,
`//`, control characters). The connection itself is bounded by `[server]`:
`header_timeout` (a request's headers must arrive within it, counted from connecting
or from the previous answer), `keep_alive_timeout` and `max_connections`.
"""

import asyncio
import gzip
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from email.utils import format_datetime, parsedate_to_datetime
from typing import TYPE_CHECKING, Any, cast
from zoneinfo import ZoneInfo

import uvicorn
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.gzip import GZipMiddleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, PlainTextResponse, RedirectResponse, Response
from starlette.routing import Mount, Route, Router
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Receive, Scope, Send
from uvicorn.protocols.http.h11_impl import H11Protocol

from . import feed_queries, feeds
from .pages.register import Filters, Register
from .pages.views import Pages

if TYPE_CHECKING:
    import asyncio as _asyncio

    import uvicorn

    from .config import Config, FeedConfig
    from .store import Store

_NAME = re.compile(r"[A-Za-z0-9_-]{1,64}")
_TOKEN = re.compile(r"[A-Za-z0-9_-]{16,128}")
_TRICKS = re.compile(r"\.\.|%|\\|//|[\x00-\x20\x7f]")
_HOST = re.compile(
    r"(?:[A-Za-z0-9-]{1,63}\.)*[A-Za-z0-9-]{1,63}(?::\d{1,5})?"
    r"|\[[0-9A-Fa-f:.]{2,45}\](?::\d{1,5})?"
)
COOKIE = "toezegging_token"
COOKIE_DAYS = 30
_CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
)


@dataclass
class Entry:
    body: bytes
    etag: str
    last_modified: datetime  # UTC, whole seconds
    last_modified_http: str
    gzipped: bytes = b""  # the same feed gzip-compressed (deterministic: no timestamp)
    gzip_etag: str = ""

    def __post_init__(self) -> None:
        if not self.gzipped:
            self.gzipped = gzip.compress(self.body, compresslevel=5, mtime=0)
            self.gzip_etag = self.etag[:-1] + '-gz"'


@dataclass
class Snapshot:
    key: tuple  # (data version, today)
    checked: float  # time.monotonic() of the last look at the database
    promises: list
    counts: dict[int, int]
    changes: dict[int, list]
    tokens: dict[str, str]
    entries: dict[str, Entry] = field(default_factory=dict)
    registers: dict[tuple, Register] = field(default_factory=dict)  # by the feeds a reader sees


@dataclass
class Reader:
    """Who is asking for a page: the feeds they may see, and their private token."""

    feeds: list
    token: str = ""
    private: bool = False


def _now_utc() -> datetime:
    return datetime.now(UTC)


class WebApp:
    """The ASGI application. `clock` returns an aware "now" (injectable for tests);
    `today` fixes the day the register is shown as of (a demo, a look back)."""

    def __init__(
        self,
        config: "Config",
        store: "Store",
        *,
        clock: Callable[[], datetime] = _now_utc,
        recheck: float = 1.0,
        today: date | None = None,
    ) -> None:
        self.config = config
        self.store = store
        self.clock = clock
        self.recheck = recheck
        self.fixed_today = today
        self.zone = ZoneInfo(config.reminders.timezone)
        self.feeds = {f.name: f for f in config.feeds}
        self.public = [f for f in config.feeds if not f.private]
        self._snap: Snapshot | None = None
        self._lock = asyncio.Lock()
        self._seen: dict[str, Entry] = {}  # the last entry served per feed, across snapshots
        pages = Router(
            [
                Route("/", self.overview),
                Route("/promises/{promise_id:int}", self.promise),
                Route("/ministries/{slug}", self.ministry),
                Route("/feeds", self.feeds_page),
                Mount("/static", app=StaticFiles(packages=[("toezegging.pages", "static")])),
            ],
            redirect_slashes=False,
        )
        zipped = Mount("", app=GZipMiddleware(pages, minimum_size=800, compresslevel=6))
        self.app = Starlette(
            routes=[
                Route("/feeds/{name}.ics", self.feed),
                Route("/feeds/{token}/{name}.ics", self.feed),
                zipped,
            ],
            middleware=[Middleware(Guard, max_bytes=config.server.max_request_bytes)],
            exception_handlers={HTTPException: _http_error},
        )
        # No redirect from /feeds/ to /feeds: Starlette would build it from the Host header.
        self.app.router.redirect_slashes = False

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await self.app(scope, receive, send)

    # ------------------------------------------------------------------ data

    def _today(self) -> date:
        return self.fixed_today or self.clock().astimezone(self.zone).date()

    def _load(self, previous: Snapshot | None) -> Snapshot:
        with self.store.session() as s:
            key = (feed_queries.data_version(s), self._today())
            tokens = feed_queries.token_hashes(s)
            if previous is not None and previous.key[0] == key[0]:
                promises, counts, changes = previous.promises, previous.counts, previous.changes
            else:
                promises, counts = feed_queries.load_promises(s)
                changes = feed_queries.load_changes(s)
        snap = Snapshot(key, time.monotonic(), promises, counts, changes, tokens)
        if previous is not None and previous.key == key:
            snap.entries, snap.registers = previous.entries, previous.registers
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
        body = feeds.build(
            snap.promises,
            snap.counts,
            self.feeds[name],
            today=snap.key[1],
            language=self.config.language,
            history=snap.changes,
        )
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

    def _register(self, snap: Snapshot, reader: Reader) -> Register:
        today = snap.key[1]
        shown = [
            p for p in snap.promises if any(feeds.matches(p, f, today) for f in self._visible_feeds(reader))
        ]
        return Register(shown, snap.changes, today, private=reader.private)

    def _visible_feeds(self, reader: Reader) -> list:
        """The feeds whose promises the reader sees: the private feed of their token, or
        else the public feeds."""
        if reader.private:
            return [f for f in reader.feeds if f.private]
        return self.public

    async def register(self, snap: Snapshot, reader: Reader) -> Register:
        key = tuple(f.name for f in self._visible_feeds(reader)) + (reader.private,)
        found = snap.registers.get(key)
        if found is None:
            async with self._lock:
                found = snap.registers.get(key)
                if found is None:
                    found = snap.registers[key] = await asyncio.to_thread(self._register, snap, reader)
        return found

    # ------------------------------------------------------------------ feeds

    async def feed(self, request: Request) -> Response:
        params = request.path_params
        name, token = params["name"], params.get("token")
        feed = self.feeds.get(name) if _NAME.fullmatch(name) else None
        if feed is None or (token is not None and not _TOKEN.fullmatch(token)):
            return _not_found()
        if feed.private:
            if not token:
                return _not_found()
            snap = await self.snapshot()
            if not feed_queries.token_matches(token, snap.tokens.get(feed.name)):
                return _not_found()
        elif token:
            return _not_found()
        entry, _ = await self.entry(feed.name)
        h = request.headers
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
            return Response(status_code=304, headers=headers)
        if zipped:
            headers["content-encoding"] = "gzip"
            return Response(entry.gzipped, headers=headers)
        return Response(entry.body, headers=headers)

    # ------------------------------------------------------------------ pages

    def _base(self, request: Request) -> str:
        base = self.config.server.base_url.rstrip("/")
        if base:
            return base
        host = request.headers.get("host", "")
        if not _HOST.fullmatch(host):
            server = request.scope.get("server") or ("127.0.0.1", self.config.server.port)
            host = f"{server[0]}:{server[1]}"
        return f"{request.url.scheme}://{host}"

    def _token_feed(self, token: str | None, snap: Snapshot) -> "FeedConfig | None":
        """The private feed whose token this is, or None."""
        if not token or not _TOKEN.fullmatch(token):
            return None
        return next(
            (
                f
                for f in self.config.feeds
                if f.private and feed_queries.token_matches(token, snap.tokens.get(f.name))
            ),
            None,
        )

    async def _reader(self, request: Request, snap: Snapshot) -> Reader | Response:
        """Who asks, or the answer for someone without access (a cookie for a good token)."""
        if self.config.web.access == "public":
            return Reader(feeds=self.public)
        given = request.query_params.get("token")
        if given is not None:
            if self._token_feed(given, snap) is None:
                return self._message(request, snap, 403, "wrong")
            rest = request.url.remove_query_params("token").query
            # Relative to this page, and always a path: "./" keeps a segment such as
            # "https:evil.example" from reading as another site's address.
            segment = "./" + request.url.path.rsplit("/", 1)[-1]
            response = RedirectResponse(segment + (f"?{rest}" if rest else ""), status_code=303)
            response.set_cookie(
                COOKIE,
                given,
                max_age=COOKIE_DAYS * 86400,
                path="/",
                httponly=True,
                samesite="lax",
                secure=request.url.scheme == "https",
            )
            response.headers["cache-control"] = "no-store"
            response.headers["referrer-policy"] = "no-referrer"
            return response
        token = request.cookies.get(COOKIE)
        feed = self._token_feed(token, snap)
        if feed is None:
            return self._message(request, snap, 403, "wrong" if token else "needed")
        return Reader(feeds=[*self.public, feed], token=token or "", private=True)

    def _message(self, request: Request, snap: Snapshot, status: int, which: str) -> Response:
        reg = Register([], {}, snap.key[1])
        pages = Pages(reg, self.config, feeds=[], base_url=self._base(request))
        t = pages.t["access"]
        return self._html(pages.message(t["title"], t[which]), status, private=True)

    def _html(self, text: str, status: int = 200, *, private: bool) -> Response:
        return HTMLResponse(
            text,
            status_code=status,
            headers={
                "cache-control": "private, no-store" if private else "no-cache",
                "x-content-type-options": "nosniff",
                "content-security-policy": _CSP,
                "referrer-policy": "no-referrer" if private else "strict-origin-when-cross-origin",
            },
        )

    async def _page(self, request: Request, make: Callable[[Pages], str | None]) -> Response:
        snap = await self.snapshot()
        reader = await self._reader(request, snap)
        if isinstance(reader, Response):
            return reader
        reg = await self.register(snap, reader)
        pages = Pages(reg, self.config, feeds=reader.feeds, base_url=self._base(request), token=reader.token)
        text = await asyncio.to_thread(make, pages)
        if text is None:
            e = pages.t["errors"]
            return self._html(pages.message(e["not_found"], e["not_found_text"]), 404, private=reader.private)
        return self._html(text, private=reader.private)

    async def overview(self, request: Request) -> Response:
        private = self.config.web.access == "token"
        filters = Filters.from_query(request.query_params, private=private)
        return await self._page(request, lambda p: p.overview(filters, self.config.web.page_size))

    async def promise(self, request: Request) -> Response:
        promise_id = request.path_params["promise_id"]
        return await self._page(request, lambda p: p.promise(promise_id))

    async def ministry(self, request: Request) -> Response:
        slug = request.path_params["slug"]
        return await self._page(request, lambda p: p.ministry(slug))

    async def feeds_page(self, request: Request) -> Response:
        return await self._page(request, lambda p: p.feeds())


class Guard:
    """Refuses, before any routing, what no page or feed needs (see the module's doc)."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        refused = self.refuse(scope)
        if refused is not None:
            await refused(scope, receive, send)
            return
        await self.app(scope, receive, send)

    def refuse(self, scope: Scope) -> Response | None:
        raw_headers = scope.get("headers", [])
        raw_path = scope.get("raw_path") or scope["path"].encode()
        size = len(raw_path) + sum(len(k) + len(v) + 4 for k, v in raw_headers)
        if size > self.max_bytes:
            return _plain(431, "Request headers too large")
        for k, v in raw_headers:
            if k == b"transfer-encoding" or (k == b"content-length" and v.strip() not in (b"", b"0")):
                return _plain(413, "A request body is not accepted here")
        if scope["method"] not in ("GET", "HEAD"):
            return _plain(405, "Method not allowed", {"allow": "GET, HEAD"})
        path = raw_path.decode("latin-1").split("?", 1)[0]
        if _TRICKS.search(path):
            return _plain(400, "Bad path")
        return None


def _plain(status: int, text: str, headers: dict | None = None) -> Response:
    return PlainTextResponse(text + "\n", status_code=status, headers=headers)


def _not_found() -> Response:
    return _plain(404, "Not found")


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)  # the only exception it is the handler of
    if exc.status_code == 404:
        return _not_found()
    if exc.status_code == 405:
        return _plain(405, "Method not allowed", {"allow": "GET, HEAD"})
    return _plain(exc.status_code, exc.detail or "Error")


def _accepts_gzip(header: str) -> bool:
    for item in header.split(","):
        coding, _, params = item.strip().partition(";")
        if coding.strip().lower() in ("gzip", "x-gzip"):
            q = params.strip().lower()
            return not (q.startswith("q=") and q[2:].strip() in ("0", "0.", "0.0", "0.00", "0.000"))
    return False


def _not_modified(h: Any, entry: Entry) -> bool:
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


# ----------------------------------------------------------------------------- the server


def _protocol(header_timeout: float) -> type:
    """uvicorn's h11 protocol with a deadline for each request's headers.

    uvicorn times out only a connection left idle after an answer (`timeout_keep_alive`);
    a connection that never sends a request, or sends half of one, it keeps for good.
    Here a timer runs from the moment a connection opens or an answer completes until a
    request's headers are in, and closes the connection when it fires first.
    """

    class HeaderDeadlineProtocol(H11Protocol):
        _deadline = None

        def _waiting(self) -> bool:
            return self.cycle is None or self.cycle.response_complete

        def _arm(self) -> None:
            self._disarm()
            self._deadline = self.loop.call_later(header_timeout, self._expired)

        def _disarm(self) -> None:
            if self._deadline is not None:
                self._deadline.cancel()
                self._deadline = None

        def _expired(self) -> None:
            self._deadline = None
            if self._waiting() and not self.transport.is_closing():
                self.transport.close()

        def connection_made(self, transport: "_asyncio.Transport") -> None:  # type: ignore[override]  # as uvicorn's own
            super().connection_made(transport)
            self._arm()

        def data_received(self, data: bytes) -> None:
            super().data_received(data)
            if not self._waiting():
                self._disarm()

        def on_response_complete(self) -> None:
            super().on_response_complete()
            if self._waiting() and not self.transport.is_closing():
                self._arm()

        def connection_lost(self, exc: Exception | None) -> None:
            self._disarm()
            super().connection_lost(exc)

    return HeaderDeadlineProtocol


def server_config(
    app: ASGIApp, config: "Config", *, host: str, port: int, log_level: str = "info"
) -> "uvicorn.Config":
    """The uvicorn configuration `serve` runs with (and the tests, on their own socket)."""

    s = config.server
    # No access log: private feed URLs carry their token, and a log must not.
    return uvicorn.Config(
        app,
        host=host,
        port=port,
        http=_protocol(s.header_timeout),
        lifespan="on",
        server_header=False,
        h11_max_incomplete_event_size=s.max_request_bytes + 4096,
        # Seconds, a float (uvicorn hands it to `loop.call_later`; its annotation says int).
        timeout_keep_alive=cast(int, s.keep_alive_timeout),
        # uvicorn answers 503 once it holds this many connections, the asking one included.
        limit_concurrency=s.max_connections + 1,
        log_level=log_level,
        access_log=False,
    )


def run(config: "Config", store: "Store", host: str, port: int, today: date | None = None) -> None:
    """Serve until interrupted (the `serve` command)."""

    app = WebApp(config, store, today=today)
    uvicorn.Server(server_config(app, config, host=host, port=port)).run()
