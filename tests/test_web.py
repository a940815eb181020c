"""Serving feeds (and the server's limits): real HTTP against uvicorn on 127.0.0.1 (a free
port per test). The pages are tested in test_pages*.py."""

import gzip
import http.client
import os
import re
import socket
import subprocess
import sys
import time
from datetime import UTC, date, datetime, timedelta
from email.utils import format_datetime, parsedate_to_datetime

import feed_checks
import pytest
from click.testing import CliRunner
from feed_checks import check_feed
from served import FEEDS, Served
from sqlmodel import select

from toezegging import feed_queries, feeds
from toezegging.config import parse_config
from toezegging.model import Promise

icaljs = feed_checks.icaljs  # the session fixture, made visible to this module
NOW = datetime(2026, 11, 25, 10, 0, tzinfo=UTC)
CONFIG = (
    """
language = "{language}"
[database]
url = "{url}"
[server]
base_url = "{base_url}"
max_request_bytes = 4096
{server}
"""
    + FEEDS
)


def _promise(id: int, latest: date, **kw) -> Promise:
    return Promise(
        id=id,
        text=f"Toezegging {id}, met; tekens",
        deadline="voor eind 2026",
        reference=date(2026, 6, 1),
        earliest=date(2026, 6, 1),
        latest=latest,
        kind="part",
        ministry="BZK",
        tags=["woo"],
        created_at=datetime(2026, 6, 1, tzinfo=UTC),
        updated_at=datetime(2026, 6, 2, 8, tzinfo=UTC),
        **kw,
    )


@pytest.fixture
def serve(store, tmp_path):
    """Start a server on `store` with the given config options; stopped after the test."""
    running = []
    clock = {"now": NOW}

    def start(language="nl", base_url="", server=""):
        text = CONFIG.format(language=language, url=store.url, base_url=base_url, server=server)
        path = tmp_path / "toezegging.toml"
        path.write_text(text)
        config = parse_config(text, path)
        s = Served(config, store, lambda: clock["now"])
        s.clock, s.config_path = clock, path
        running.append(s)
        return s

    with store.session() as s:
        s.add(_promise(1, date(2026, 12, 31), url="https://www.tweedekamer.nl/x"))
        s.add(_promise(2, date(2026, 10, 1)))
        s.add(_promise(3, date(2027, 3, 1), status="withdrawn"))
    yield start
    for s in running:
        s.stop()


def test_public_feed_is_served_with_its_headers(serve, tmp_path, icaljs):
    s = serve()
    status, h, body = s.get("/feeds/alle.ics")
    assert status == 200
    assert h["content-type"] == "text/calendar; charset=utf-8"
    assert re.fullmatch(r'"[0-9a-f]{40}"', h["etag"]) and h["etag"] == feeds.etag(body)
    assert parsedate_to_datetime(h["last-modified"]) <= NOW
    assert int(h["content-length"]) == len(body)
    cal = check_feed(body, tmp_path, icaljs)
    assert [str(e["UID"]) for e in cal.walk("VEVENT")] == [
        "toezegging-2@toezegging.local",
        "toezegging-1@toezegging.local",
        "toezegging-3@toezegging.local",
    ]
    # the same bytes `feeds build` writes
    with s.store.session() as sess:
        promises, counts = feed_queries.load_promises(sess)
    assert body == feeds.build(promises, counts, s.config.feeds[0], today=NOW.date())
    _, _, overdue = s.get("/feeds/verlopen.ics")
    assert b"toezegging-2@" in overdue and b"toezegging-1@" not in overdue


def test_conditional_requests_and_head(serve):
    s = serve()
    _, h, body = s.get("/feeds/alle.ics")
    etag, lm = h["etag"], h["last-modified"]
    status, h304, b304 = s.get("/feeds/alle.ics", {"If-None-Match": etag})
    assert (status, b304) == (304, b"") and h304["etag"] == etag
    assert "content-length" not in h304 or h304["content-length"] == str(len(body))
    assert h304["last-modified"] == lm
    assert s.get("/feeds/alle.ics", {"If-None-Match": f'"x", W/{etag}'})[0] == 304
    assert s.get("/feeds/alle.ics", {"If-None-Match": "*"})[0] == 304
    assert s.get("/feeds/alle.ics", {"If-None-Match": '"other"'})[0] == 200
    assert s.get("/feeds/alle.ics", {"If-Modified-Since": lm})[0] == 304
    later = format_datetime(NOW + timedelta(days=1), usegmt=True)
    assert s.get("/feeds/alle.ics", {"If-Modified-Since": later})[0] == 304
    earlier = format_datetime(parsedate_to_datetime(lm) - timedelta(seconds=1), usegmt=True)
    assert s.get("/feeds/alle.ics", {"If-Modified-Since": earlier})[0] == 200
    assert s.get("/feeds/alle.ics", {"If-Modified-Since": "not a date"})[0] == 200
    # If-None-Match decides when both are sent (RFC 9110 13.2.2)
    assert s.get("/feeds/alle.ics", {"If-None-Match": '"other"', "If-Modified-Since": later})[0] == 200
    status, hh, hb = s.get("/feeds/alle.ics", method="HEAD")
    assert (status, hb, hh["etag"], int(hh["content-length"])) == (200, b"", etag, len(body))


def test_gzip_when_accepted(serve):
    s = serve()
    _, h, body = s.get("/feeds/alle.ics")
    status, hz, zipped = s.get("/feeds/alle.ics", {"Accept-Encoding": "br, gzip;q=0.8"})
    assert status == 200 and hz["content-encoding"] == "gzip" and hz["vary"] == "Accept-Encoding"
    assert gzip.decompress(zipped) == body and hz["etag"] != h["etag"]
    assert s.get("/feeds/alle.ics", {"Accept-Encoding": "gzip"})[2] == zipped  # deterministic
    for tag in (hz["etag"], h["etag"]):
        assert s.get("/feeds/alle.ics", {"Accept-Encoding": "gzip", "If-None-Match": tag})[0] == 304
    _, hn, plain = s.get("/feeds/alle.ics", {"Accept-Encoding": "gzip;q=0, identity"})
    assert plain == body and "content-encoding" not in hn


def test_a_change_gives_new_bytes_a_new_etag_and_a_later_last_modified(serve):
    s = serve()
    _, h, body = s.get("/feeds/alle.ics")
    s.clock["now"] = NOW + timedelta(minutes=5)
    with s.store.session() as sess:
        p = sess.exec(select(Promise).where(Promise.id == 1)).one()
        p.latest, p.revision = date(2027, 6, 30), 1
        p.updated_at = datetime(2026, 11, 25, 10, 4, tzinfo=UTC)
        sess.add(p)
    status, h2, body2 = s.get(
        "/feeds/alle.ics", {"If-None-Match": h["etag"], "If-Modified-Since": h["last-modified"]}
    )
    assert status == 200 and h2["etag"] != h["etag"]
    assert parsedate_to_datetime(h2["last-modified"]) > parsedate_to_datetime(h["last-modified"])
    assert b"DTSTART;VALUE=DATE:20270630" in body2 and b"SEQUENCE:1" in body2
    assert s.get("/feeds/alle.ics", {"If-Modified-Since": h["last-modified"]})[0] == 200


def test_the_day_turning_changes_the_overdue_feed(serve):
    s = serve()
    s.clock["now"] = datetime(2026, 9, 30, 12, tzinfo=UTC)
    _, h, body = s.get("/feeds/verlopen.ics")
    assert b"toezegging-2@" not in body
    s.clock["now"] = datetime(2026, 10, 1, 22, 30, tzinfo=UTC)  # 2 October in Amsterdam
    status, _, body = s.get("/feeds/verlopen.ics", {"If-None-Match": h["etag"]})
    assert status == 200 and b"toezegging-2@" in body


def _token(config_path, name="team") -> str:
    from toezegging.cli import cli

    r = CliRunner().invoke(cli, ["--config", str(config_path), "feeds", "token", name])
    assert r.exit_code == 0, r.output
    token = r.output.splitlines()[1]
    assert f"/feeds/{token}/{name}.ics" in r.output
    return token


def test_private_feeds_need_their_token(serve, tmp_path, icaljs):
    s = serve(base_url="https://feeds.example.org")
    assert s.get("/feeds/team.ics")[0] == 404
    fake = "A" * 43
    assert s.get(f"/feeds/{fake}/team.ics")[0] == 404  # no token made yet
    token = _token(s.config_path)
    status, h, body = s.get(f"/feeds/{token}/team.ics")
    assert status == 200 and h["cache-control"].startswith("private")
    check_feed(body, tmp_path, icaljs)
    assert s.get(f"/feeds/{token}/team.ics", {"If-None-Match": h["etag"]})[0] == 304
    wrong = token[:-1] + ("B" if token[-1] != "B" else "C")
    for path in (
        f"/feeds/{wrong}/team.ics",
        f"/feeds/{token}/alle.ics",
        "/feeds/team.ics",
        f"/feeds/{token}/nope.ics",
    ):
        status, h, body = s.get(path)
        assert (status, body) == (404, b"Not found\n"), path
    with s.store.session() as sess:
        stored = feed_queries.token_hashes(sess)["team"]
    assert token not in stored and stored.startswith("sha256:")
    new = _token(s.config_path)
    assert s.get(f"/feeds/{token}/team.ics")[0] == 404
    assert s.get(f"/feeds/{new}/team.ics")[0] == 200


def test_the_feeds_page_lists_public_feeds_with_links(serve):
    s = serve()
    status, h, body = s.get("/feeds", {"Host": "agenda.example.org:8080"})
    page = body.decode()
    assert status == 200 and h["content-type"] == "text/html; charset=utf-8"
    assert "webcal://agenda.example.org:8080/feeds/alle.ics" in page
    assert "http://agenda.example.org:8080/feeds/verlopen.ics" in page
    assert "/team.ics" not in page and "Abonneer" in page
    _, _, body = s.get("/feeds", {"Host": '"><script>x</script>'})
    assert b"<script>" not in body and f"127.0.0.1:{s.port}/feeds/alle.ics".encode() in body


def test_the_feeds_page_uses_base_url_and_language(serve):
    s = serve(language="en", base_url="https://feeds.example.org/")
    _, _, body = s.get("/feeds", {"Host": "elsewhere"})
    page = body.decode()
    assert "https://feeds.example.org/feeds/alle.ics" in page
    assert "webcal://feeds.example.org/feeds/alle.ics" in page
    # an English page; the feed keeps the title its config gives it
    assert "elsewhere" not in page and "Alle toezeggingen" in page and "Subscribe" in page


@pytest.mark.parametrize(
    "path, status",
    [
        ("/nope", 404),
        ("/feeds/nope.ics", 404),
        ("/feeds/alle", 404),
        ("/feeds/alle.ics/extra", 404),
        ("/feeds/../feeds/alle.ics", 400),
        ("/feeds/%2e%2e/alle.ics", 400),
        ("/feeds/a%2Fb/alle.ics", 400),
        ("/feeds/alle%2Eics", 400),
        ("/feeds//alle.ics", 400),
        ("/feeds\\alle.ics", 400),
    ],
    ids=lambda v: str(v),
)
def test_unknown_paths_and_path_tricks_are_refused(serve, path, status):
    s = serve()
    got, _, body = s.get(path)
    assert got == status and b"BEGIN:VCALENDAR" not in body


def test_query_strings_are_ignored(serve):
    s = serve()
    assert s.get("/feeds/alle.ics?x=1")[0] == 200


def test_methods_bodies_and_oversized_requests_are_refused(serve):
    s = serve()
    status, h, _ = s.get("/feeds/alle.ics", method="POST", body=b"")
    assert status == 405 and h["allow"] == "GET, HEAD"
    assert s.get("/feeds/alle.ics", method="GET", body=b"x" * 10)[0] == 413
    assert s.get("/feeds/alle.ics", {"X-Big": "y" * 5000})[0] == 431
    assert s.get("/feeds/alle.ics", {"X-Huge": "y" * 50_000})[0] in (400, 431)
    assert s.get("/" + "a" * 5000)[0] in (400, 414, 431)
    assert s.get("/feeds/alle.ics")[0] == 200  # and the server still serves


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_the_serve_command_serves(store, tmp_path):
    with store.session() as s:
        s.add(_promise(1, date(2026, 12, 31)))
    config = tmp_path / "toezegging.toml"
    config.write_text(CONFIG.format(language="nl", url=store.url, base_url="", server=""))
    port = _free_port()
    env = {**os.environ, "TOEZEGGING_CONFIG": str(config)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "toezegging", "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
                conn.request("GET", "/feeds/alle.ics")
                r = conn.getresponse()
                break
            except ConnectionRefusedError:
                assert proc.poll() is None, proc.stderr.read().decode()
                assert time.monotonic() < deadline, "serve did not start"
                time.sleep(0.1)
        assert r.status == 200 and b"toezegging-1@" in r.read()
        conn.close()
    finally:
        proc.terminate()
        proc.wait(10)


# ----------------------------------------------------------------------------- connection limits

LIMITS = "header_timeout = 0.6\nkeep_alive_timeout = 0.4\nmax_connections = 3"


def _until_closed(sock: socket.socket, limit: float = 5.0) -> tuple[float, bytes]:
    """Read until the server closes `sock`: (seconds it took, bytes received)."""
    sock.settimeout(limit)
    start, data = time.monotonic(), b""
    try:
        while chunk := sock.recv(65536):
            data += chunk
    except TimeoutError:
        pytest.fail(f"the server still held the connection after {limit} s")
    except ConnectionResetError:
        pass
    return time.monotonic() - start, data


def test_a_connection_that_sends_nothing_is_closed_after_the_header_timeout(serve):
    s = serve(server=LIMITS)
    with socket.create_connection(("127.0.0.1", s.port)) as sock:
        took, data = _until_closed(sock)
    assert data == b"" and 0.5 <= took < 2.0


def test_a_half_sent_request_is_closed_even_while_it_trickles(serve):
    s = serve(server=LIMITS)
    with socket.create_connection(("127.0.0.1", s.port)) as sock:
        start = time.monotonic()
        sock.sendall(b"GET /feeds/alle.ics HTTP/1.1\r\nHost: 127.0.0.1\r\n")
        for i in range(4):  # a header line every 0.15 s: the deadline is for the whole head
            time.sleep(0.15)
            sock.sendall(f"X-Slow-{i}: 1\r\n".encode())
        _, data = _until_closed(sock)
        took = time.monotonic() - start
    assert data == b"" and 0.5 <= took < 2.0


def test_an_idle_keep_alive_connection_is_closed_and_a_busy_one_is_not(serve):
    s = serve(server=LIMITS)
    with socket.create_connection(("127.0.0.1", s.port)) as sock:
        request = b"GET /feeds/alle.ics HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
        sock.settimeout(5)
        for _ in range(3):  # requests 0.3 s apart keep it open past both timeouts
            sock.sendall(request)
            head = sock.recv(65536)
            assert head.startswith(b"HTTP/1.1 200 "), head[:40]
            while len(head) < 1000:  # the rest of the (small) feed
                head += sock.recv(65536)
            time.sleep(0.3)
        took, rest = _until_closed(sock)
    assert b"HTTP/1.1" not in rest and took < 1.5


def test_requests_beyond_the_connection_limit_are_answered_503(serve):
    s = serve(server=LIMITS.replace("header_timeout = 0.6", "header_timeout = 5"))
    held = [socket.create_connection(("127.0.0.1", s.port)) for _ in range(3)]
    try:
        time.sleep(0.2)
        assert s.get("/feeds/alle.ics")[0] == 503
    finally:
        for sock in held:
            sock.close()
    time.sleep(0.3)
    assert s.get("/feeds/alle.ics")[0] == 200


@pytest.mark.parametrize(
    "line, message",
    [
        ("header_timeout = 0", "server.header_timeout = 0.0 is out of range: give a number from 0.1 to 3600"),
        ("keep_alive_timeout = -1", "server.keep_alive_timeout = -1.0 is out of range"),
        ("max_connections = 0", "server.max_connections = 0 is out of range"),
    ],
)
def test_server_limits_out_of_range_are_refused(line, message):
    from toezegging.errors import ConfigError

    with pytest.raises(ConfigError, match=re.escape(message)):
        parse_config(f"[server]\n{line}\n")
