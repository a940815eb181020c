"""A careful HTTP client for JSON APIs: the one module that imports httpx.

Timeouts on every request; retries with a doubling pause on a connection that fails or
breaks off, on 429 and 5xx answers (honouring `Retry-After`, in seconds or as a date) and
on an answer that is not complete JSON; a User-Agent that names the tool and its version.
Anything else, or the last failed attempt, raises `SyncError` with a message that says
what went wrong and what to do. The pause and the clock are parameters, so tests need
not wait.
"""

import time
from collections.abc import Callable
from email.utils import parsedate_to_datetime
from typing import TYPE_CHECKING, Any

import httpx

from .. import __version__
from ..errors import Hint, ToezeggingError

if TYPE_CHECKING:
    from .tk import Report

RETRY_STATUS = frozenset({429, 500, 502, 503, 504})
# Where the address of the register is set (the command line can also give it).
ADDRESS = Hint("[sync.tk] url", "sync_url")
USER_AGENT = f"toezegging/{__version__} (sync; python-httpx/{httpx.__version__})"


class SyncError(ToezeggingError):
    """An outside register could not be read: unreachable, refusing, or not making sense."""

    # What the run had done when it failed (set by `tk.run`: the pages it stored).
    report: "Report | None" = None


def retry_after(value: str | None, now: float) -> float | None:
    """Seconds to wait from a `Retry-After` header (a number, or an HTTP date)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - now)


class JsonClient:
    """GETs JSON documents; one instance per sync (it keeps its connections open)."""

    def __init__(
        self,
        *,
        timeout: float = 30.0,
        retries: int = 5,
        backoff: float = 2.0,
        max_wait: float = 600.0,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.retries, self.backoff, self.max_wait = retries, backoff, max_wait
        self.sleep, self.clock = sleep, clock
        self.http = httpx.Client(
            timeout=httpx.Timeout(timeout, connect=min(timeout, 10.0)),
            headers={"User-Agent": USER_AGENT, "Accept": "application/json"},
            follow_redirects=True,
        )

    def __enter__(self) -> "JsonClient":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self.http.close()

    def get_json(self, url: str, params: dict[str, str] | None = None) -> Any:
        """The JSON document at `url`; `SyncError` once every attempt has failed."""
        last = "no answer"
        for attempt in range(1, self.retries + 1):
            wait = self.backoff * 2 ** (attempt - 1)
            try:
                r = self.http.get(url, params=params)
            except httpx.TimeoutException:
                last = "no answer in time (timeout)"
            except httpx.TransportError as e:
                last = _transport_message(e)
            else:
                if r.status_code in RETRY_STATUS:
                    last = f"HTTP {r.status_code} {r.reason_phrase}".rstrip()
                    asked = retry_after(r.headers.get("Retry-After"), self.clock())
                    if asked is not None:
                        if asked > self.max_wait:
                            raise SyncError(
                                f"{_where(url)} answered {last} and asks to wait {asked:.0f} s "
                                "(Retry-After); run the sync again later."
                            )
                        wait = asked
                elif r.status_code >= 400:
                    raise SyncError(
                        f"{_where(url)} answered HTTP {r.status_code} "
                        f"{r.reason_phrase}{_error_detail(r)}; check the address "
                        f"({ADDRESS}) and the filters.",
                        ADDRESS,
                    )
                else:
                    try:
                        return r.json()
                    except ValueError:
                        last = "an answer that is not valid JSON"
            if attempt == self.retries:
                break
            self.sleep(wait)
        raise SyncError(
            f"cannot read {_where(url)}: {last} ({self.retries} attempt"
            f"{'s' if self.retries != 1 else ''}). Check the address ({ADDRESS}) "
            "and the network, then run the sync again.",
            ADDRESS,
        )


def _where(url: str) -> str:
    u = httpx.URL(url)
    return f"{u.scheme}://{u.netloc.decode()}{u.path}"


def _transport_message(e: httpx.TransportError) -> str:
    if isinstance(e, httpx.ConnectError):
        return f"cannot connect ({e})"
    if isinstance(e, httpx.RemoteProtocolError):
        return f"the answer broke off ({e})"
    return f"{type(e).__name__}: {e}"


def _error_detail(r: httpx.Response) -> str:
    """The OData error message of a refused request, if it gives one."""
    try:
        message = r.json()["error"]["message"]
    except Exception:
        return ""
    if isinstance(message, dict):  # OData v2/v3 style
        message = message.get("value")
    return f" ({str(message)[:200]})" if message else ""
