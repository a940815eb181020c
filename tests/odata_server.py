"""A local HTTP server that answers like the Tweede Kamer's OData v4 API, from fixtures.

The API (gegevensmagazijn.tweedekamer.nl/OData/v4/2.0/) serves the entity set
`Toezegging` as JSON: `{"@odata.context": ..., "value": [records], "@odata.nextLink":
...}`, 250 records a page with the next page's address in `@odata.nextLink`
(`...&$skiptoken=N`), `@odata.count` with `$count=true`, and navigation properties
(`Activiteit`, `KamerbriefNakoming`) only when `$expand`ed. A record's fields: `Id`
(GUID), `Nummer` (TZ202504-031), `Tekst`, `Naam` ("Van Weel, D.M."), `Achternaam`,
`Initialen`, `Voornaam`, `Tussenvoegsel`, `Achtervoegsel`, `Titulatuur`, `Functie`,
`Ministerie`, `Status` (Openstaand, Voldaan, Deels voldaan, ...), `DatumNakoming`
(`0001-01-01T00:00:00Z` when empty), `Aanmaakdatum`, `ActiviteitNummer`, `Notities`,
`Verwijderd`, `GewijzigdOp`, `ApiGewijzigdOp`. The fixtures in `tests/tk_odata/` hold
records of that form (made up, about made-up debates).

What this server does of OData: `$filter` (a subset: `and`, `or`, `not`, parentheses,
`eq ne gt ge lt le`, `contains()`, strings, numbers, `true/false/null`,
DateTimeOffset literals; an unknown property is a 400 with an OData error, as the API
answers), `$orderby` (properties, `asc`/`desc`), `$expand` (navigation properties are
left out unless expanded), `$count`, paging by `page_size` with `@odata.nextLink`.

Faults for the tests, each for a page (1, 2, ...) or any page (`page=None`), `times`
times: `fail(status=503)`, `fail(status=429, headers={"Retry-After": "1"})`,
`fail(cut=True)` (the body breaks off: fewer bytes than Content-Length, then the
connection closes), `fail(body=b"...")` (200 with that body), `fail(delay=30)`.
"""

import json
import re
import threading
from dataclasses import dataclass, field
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, quote, urlencode, urlsplit

FIXTURES = Path(__file__).parent / "tk_odata"
BASE_PATH = "/OData/v4/2.0"
PROPERTIES = {
    "Id",
    "Nummer",
    "Tekst",
    "Naam",
    "Achternaam",
    "Initialen",
    "Voornaam",
    "Tussenvoegsel",
    "Achtervoegsel",
    "Titulatuur",
    "Functie",
    "Ministerie",
    "Status",
    "DatumNakoming",
    "Aanmaakdatum",
    "ActiviteitNummer",
    "Notities",
    "Verwijderd",
    "GewijzigdOp",
    "ApiGewijzigdOp",
}
NAVIGATION = {
    "Activiteit",
    "KamerbriefNakoming",
    "ToegezegdAan",
    "IsHerhalingVan",
    "IsWijzigingVan",
    "IsAanvullingOp",
    "IsAangevuldVanuit",
    "IsHerhaaldDoor",
    "IsGewijzigdDoor",
}


def load(name: str) -> list[dict]:
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


class BadQuery(Exception):
    pass


# ----------------------------------------------------------------------------- $filter

_TOKEN = re.compile(
    r"""\s*(?:
    (?P<string>'(?:[^']|'')*')
  | (?P<moment>\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:\d{2}))
  | (?P<number>-?\d+(?:\.\d+)?)
  | (?P<word>[A-Za-z_][A-Za-z0-9_/]*)
  | (?P<punct>[(),])
)""",
    re.X,
)
_OPS = {"eq", "ne", "gt", "ge", "lt", "le"}


def _tokens(text: str) -> list[tuple[str, str]]:
    out, pos = [], 0
    while pos < len(text):
        if not text[pos:].strip():
            break
        m = _TOKEN.match(text, pos)
        if not m:
            raise BadQuery(f"Syntax error at position {pos} in '{text}'.")
        kind = m.lastgroup
        out.append((kind, m.group(kind)))
        pos = m.end()
    return out


class _Filter:
    def __init__(self, text: str):
        self.toks, self.i = _tokens(text), 0
        self.tree = self._or()
        if self.i != len(self.toks):
            raise BadQuery(f"Syntax error: unexpected '{self.toks[self.i][1]}'.")

    def _peek(self):
        return self.toks[self.i] if self.i < len(self.toks) else (None, None)

    def _take(self, value=None):
        kind, v = self._peek()
        if kind is None or (value is not None and v != value):
            raise BadQuery(f"Syntax error: expected '{value}'.")
        self.i += 1
        return kind, v

    def _or(self):
        node = self._and()
        while self._peek()[1] == "or":
            self._take()
            node = ("or", node, self._and())
        return node

    def _and(self):
        node = self._not()
        while self._peek()[1] == "and":
            self._take()
            node = ("and", node, self._not())
        return node

    def _not(self):
        if self._peek()[1] == "not":
            self._take()
            return ("not", self._not())
        left = self._primary()
        if self._peek()[1] in _OPS:
            _, op = self._take()
            return (op, left, self._primary())
        return left

    def _primary(self):
        kind, v = self._take()
        if v == "(":
            node = self._or()
            self._take(")")
            return node
        if kind == "string":
            return ("lit", v[1:-1].replace("''", "'"))
        if kind == "moment":
            return ("lit", datetime.fromisoformat(v.replace("Z", "+00:00")))
        if kind == "number":
            return ("lit", float(v))
        if v in ("true", "false", "null"):
            return ("lit", {"true": True, "false": False, "null": None}[v])
        if v in ("contains", "startswith", "endswith"):
            self._take("(")
            a = self._or()
            self._take(",")
            b = self._or()
            self._take(")")
            return (v, a, b)
        if v not in PROPERTIES:
            raise BadQuery(
                f"Could not find a property named '{v}' on type 'Tweedekamer.Gegevensmagazijn.Toezegging'."
            )
        return ("prop", v)

    def __call__(self, record: dict):
        return self._eval(self.tree, record)

    def _eval(self, node, r):
        op = node[0]
        if op == "lit":
            return node[1]
        if op == "prop":
            return r.get(node[1])
        if op == "or":
            return bool(self._eval(node[1], r)) or bool(self._eval(node[2], r))
        if op == "and":
            return bool(self._eval(node[1], r)) and bool(self._eval(node[2], r))
        if op == "not":
            return not self._eval(node[1], r)
        a, b = self._eval(node[1], r), self._eval(node[2], r)
        if op in ("contains", "startswith", "endswith"):
            if not isinstance(a, str) or not isinstance(b, str):
                return False
            return {"contains": b in a, "startswith": a.startswith(b), "endswith": a.endswith(b)}[op]
        a, b = _comparable(a, b)
        if op == "eq":
            return a == b
        if op == "ne":
            return a != b
        if a is None or b is None:
            return False
        return {"gt": a > b, "ge": a >= b, "lt": a < b, "le": a <= b}[op]


def _comparable(a, b):
    if isinstance(a, datetime) and isinstance(b, str):
        b = _moment(b)
    if isinstance(b, datetime) and isinstance(a, str):
        a = _moment(a)
    return a, b


def _moment(s: str) -> datetime:
    m = datetime.fromisoformat(s.replace("Z", "+00:00"))
    return m if m.tzinfo else m.replace(tzinfo=datetime.now().astimezone().tzinfo)


# ----------------------------------------------------------------------------- the server


@dataclass
class Fault:
    page: int | None
    times: int
    status: int = 200
    headers: dict = field(default_factory=dict)
    body: bytes | None = None
    cut: bool = False
    delay: float = 0.0


class FakeOData:
    """The server; `url` is the API's base address. Use as a context manager."""

    def __init__(self, records: list[dict], page_size: int = 4):
        self.records = [dict(r) for r in records]
        self.page_size = page_size
        self.faults: list[Fault] = []
        self.requests: list[dict] = []  # {"path", "query", "headers", "page", "status"}
        self.arrived: list[int] = []  # the page of each request, as it arrives
        self.lock = threading.Lock()
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, args=(0.05,), daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}{BASE_PATH}/"

    def __enter__(self) -> "FakeOData":
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def update(self, records: list[dict]) -> None:
        """Records changed at the Kamer: replace those with the same Id, add the others."""
        with self.lock:
            by_id = {r["Id"]: i for i, r in enumerate(self.records)}
            for r in records:
                if r["Id"] in by_id:
                    self.records[by_id[r["Id"]]] = dict(r)
                else:
                    self.records.append(dict(r))

    def fail(self, page: int | None = None, times: int = 1, **how) -> None:
        self.faults.append(Fault(page, times, **how))

    def pages_served(self) -> list[int]:
        return [r["page"] for r in self.requests if r.get("status") == 200]

    # -- answering

    def _fault(self, page: int) -> Fault | None:
        with self.lock:
            for f in self.faults:
                if f.times > 0 and f.page in (None, page):
                    f.times -= 1
                    return f
        return None

    def answer(self, path: str, query: dict) -> tuple[int, dict, int]:
        """(status, JSON document, page) of a GET."""
        if path.rstrip("/") != BASE_PATH + "/Toezegging":
            return 404, _error(f"No HTTP resource was found that matches '{path}'."), 0
        one = {k: v[-1] for k, v in query.items()}
        offset = int(one.get("$skiptoken", 0))
        page = offset // self.page_size + 1
        try:
            keep = _Filter(one["$filter"]) if one.get("$filter") else (lambda r: True)
            with self.lock:
                found = [r for r in self.records if keep(r)]
            for prop, desc in reversed(_orderby(one.get("$orderby", "Id"))):
                found.sort(key=lambda r: _sort_key(r.get(prop)), reverse=desc)
        except BadQuery as e:
            return 400, _error(str(e)), page
        expanded = {e.split("(")[0].strip() for e in _split_expand(one.get("$expand", ""))}
        unknown = expanded - NAVIGATION
        if unknown:
            return (
                400,
                _error(
                    f"Could not find a property named '{sorted(unknown)[0]}' on "
                    "type 'Tweedekamer.Gegevensmagazijn.Toezegging'."
                ),
                page,
            )
        chunk = [
            {k: v for k, v in r.items() if k not in NAVIGATION or k in expanded}
            for r in found[offset : offset + self.page_size]
        ]
        doc = {"@odata.context": f"{BASE_PATH}/$metadata#Toezegging", "value": chunk}
        if one.get("$count") == "true" and offset == 0:
            doc["@odata.count"] = len(found)
        if offset + self.page_size < len(found):
            rest = {k: v for k, v in one.items() if k not in ("$skiptoken", "$count")}
            rest["$skiptoken"] = str(offset + self.page_size)
            doc["@odata.nextLink"] = f"http://127.0.0.1:{self.httpd.server_address[1]}{path}?" + urlencode(
                rest, safe="$(),'/:", quote_via=quote
            )
        return 200, doc, page

    def _handler(self):
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):  # quiet
                pass

            def do_GET(self):
                parts = urlsplit(self.path)
                query = parse_qs(parts.query, keep_blank_values=True)
                status, doc, page = server.answer(parts.path, query)
                server.arrived.append(page)
                fault = server._fault(page) if status == 200 else None
                body = json.dumps(doc, ensure_ascii=False).encode("utf-8")
                headers = {
                    "Content-Type": "application/json; odata.metadata=minimal; "
                    "odata.streaming=true; charset=utf-8"
                }
                if fault is not None:
                    if fault.delay:
                        threading.Event().wait(fault.delay)
                    status = fault.status
                    headers.update(fault.headers)
                    if fault.body is not None:
                        body = fault.body
                    elif status != 200:
                        body = json.dumps(_error("Service Unavailable")).encode()
                server.requests.append(
                    {
                        "path": parts.path,
                        "query": query,
                        "page": page,
                        "headers": dict(self.headers),
                        "status": status,
                        "cut": bool(fault and fault.cut),
                    }
                )
                try:
                    self.send_response(status)
                    for k, v in headers.items():
                        self.send_header(k, v)
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    if fault is not None and fault.cut:
                        self.wfile.write(body[: len(body) // 2])
                        self.wfile.flush()
                        self.close_connection = True
                        return
                    self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):  # the client gave up waiting
                    self.close_connection = True

        return Handler


def _error(message: str) -> dict:
    return {"error": {"code": "", "message": message}}


def _orderby(text: str) -> list[tuple[str, bool]]:
    out = []
    for part in text.split(","):
        words = part.split()
        if not words:
            continue
        if words[0] not in PROPERTIES:
            raise BadQuery(f"Could not find a property named '{words[0]}'.")
        out.append((words[0], len(words) > 1 and words[1] == "desc"))
    return out


def _split_expand(text: str) -> list[str]:
    out, depth, cur = [], 0, ""
    for c in text:
        if c == "," and depth == 0:
            out.append(cur)
            cur = ""
            continue
        depth += c == "("
        depth -= c == ")"
        cur += c
    return [x for x in [*out, cur] if x.strip()]


def _sort_key(v):
    if isinstance(v, str) and re.match(r"\d{4}-\d{2}-\d{2}T", v):
        return (1, _moment(v).timestamp(), "")
    return (0, 0, "" if v is None else str(v))


if __name__ == "__main__":  # serve the fixtures by hand (the README's sync was run so)
    import argparse

    ap = argparse.ArgumentParser(description="Serve tests/tk_odata/ like the Kamer's OData API.")
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--page-size", type=int, default=4)
    ap.add_argument("--after", action="store_true", help="with the changes of wijzigingen.json")
    args = ap.parse_args()
    fake = FakeOData(load("toezeggingen.json"), page_size=args.page_size)
    if args.after:
        fake.update(load("wijzigingen.json"))
    if args.port:
        fake.httpd.server_close()
        fake.httpd = ThreadingHTTPServer(("127.0.0.1", args.port), fake._handler())
        fake.thread = threading.Thread(target=fake.httpd.serve_forever, daemon=True)
    with fake:
        print(fake.url, flush=True)
        threading.Event().wait()
