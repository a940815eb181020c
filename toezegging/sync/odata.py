"""Reading an OData v4 collection page by page (`@odata.nextLink`), and writing its literals.

Each page must be a JSON object with a `value` list of objects; anything else is an
answer that does not parse, and stops the sync with `SyncError` before the page is used.
A next link must stay on the server the sync was pointed at.
"""

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any
from urllib.parse import urljoin, urlsplit

from .client import ADDRESS, JsonClient, SyncError


@dataclass(frozen=True)
class Page:
    number: int  # 1, 2, ...
    records: list[dict[str, Any]]
    next_url: str | None
    count: int | None  # @odata.count, when the server gives it


def pages(client: JsonClient, url: str, params: dict[str, str] | None = None) -> Iterator[Page]:
    """The pages of the collection at `url`, following `@odata.nextLink` to the end."""
    origin = urlsplit(url)[:2]
    next_url: str | None = url
    number, next_params = 1, params
    while next_url:
        doc = client.get_json(next_url, next_params)
        records, link, count = _page(doc, next_url)
        if link is not None:
            link = urljoin(next_url, link)
            if urlsplit(link)[:2] != origin:
                raise SyncError(
                    f"the API's next page points to another server ({link}); "
                    "the sync only follows links on the server it was given."
                )
        yield Page(number, records, link, count)
        number, next_url, next_params = number + 1, link, None


def _page(doc: Any, url: str) -> tuple[list[dict[str, Any]], str | None, int | None]:
    if not isinstance(doc, dict) or not isinstance(doc.get("value"), list):
        raise SyncError(
            f"{url.split('?')[0]} answered JSON that is not an OData collection "
            f"(no 'value' list); check the address ({ADDRESS}).",
            ADDRESS,
        )
    records = doc["value"]
    if not all(isinstance(r, dict) for r in records):
        raise SyncError(
            f"{url.split('?')[0]} answered a 'value' list that holds something other than records."
        )
    link = doc.get("@odata.nextLink")
    count = doc.get("@odata.count")
    return (
        records,
        link if isinstance(link, str) and link else None,
        count if isinstance(count, int) else None,
    )


def quote(text: str) -> str:
    """An OData string literal."""
    return "'" + text.replace("'", "''") + "'"


def moment(m: datetime | date) -> str:
    """An OData DateTimeOffset literal, in UTC."""
    if not isinstance(m, datetime):
        m = datetime(m.year, m.month, m.day, tzinfo=UTC)
    m = m.astimezone(UTC)
    return m.strftime("%Y-%m-%dT%H:%M:%S") + (f".{m.microsecond:06d}" if m.microsecond else "") + "Z"
