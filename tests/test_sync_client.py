"""The careful HTTP client and the OData pages, against a real HTTP server on loopback."""

import socket
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest
from odata_server import FakeOData, load

from toezegging import __version__
from toezegging.sync import odata
from toezegging.sync.client import JsonClient, SyncError, retry_after


@pytest.fixture
def server():
    with FakeOData(load("toezeggingen.json"), page_size=4) as s:
        yield s


@pytest.fixture
def waits():
    return []


@pytest.fixture
def client(waits):
    with JsonClient(timeout=5, retries=3, backoff=0.5, sleep=waits.append) as c:
        yield c


def _first(server) -> str:
    return server.url + "Toezegging"


def test_three_pages_joined_by_next_link(server, client):
    got = list(odata.pages(client, _first(server), {"$count": "true", "$orderby": "GewijzigdOp"}))
    assert [p.number for p in got] == [1, 2, 3]
    assert [len(p.records) for p in got] == [4, 4, 3]
    assert got[0].count == 11 and got[1].count is None
    assert got[0].next_url and "$skiptoken=4" in got[0].next_url and got[2].next_url is None
    assert [r["query"].get("$skiptoken") for r in server.requests] == [None, ["4"], ["8"]]


def test_the_user_agent_names_the_tool_and_its_version(server, client):
    client.get_json(_first(server))
    assert server.requests[0]["headers"]["User-Agent"].startswith(f"toezegging/{__version__} ")


def test_a_503_then_a_success_is_retried_after_the_backoff(server, client, waits):
    server.fail(page=1, status=503)
    doc = client.get_json(_first(server))
    assert len(doc["value"]) == 4
    assert waits == [0.5]
    assert [r["status"] for r in server.requests] == [503, 200]


def test_a_429_waits_as_long_as_retry_after_says(server, client, waits):
    server.fail(page=1, status=429, headers={"Retry-After": "7"})
    server.fail(page=1, status=502)
    client.get_json(_first(server))
    assert waits == [7.0, 1.0]  # Retry-After, then the doubled backoff


def test_retry_after_as_an_http_date():
    now = datetime(2026, 11, 27, 10, 0, tzinfo=UTC)
    header = format_datetime(now + timedelta(seconds=90), usegmt=True)
    assert retry_after(header, now.timestamp()) == 90
    assert retry_after("12", 0) == 12 and retry_after("soon", 0) is None


def test_too_long_a_retry_after_is_an_error_at_once(server, waits):
    server.fail(page=1, status=503, headers={"Retry-After": "86400"})
    with (
        JsonClient(retries=3, sleep=waits.append, max_wait=600) as c,
        pytest.raises(SyncError, match="asks to wait 86400 s"),
    ):
        c.get_json(_first(server))
    assert waits == []


def test_giving_up_names_the_address_the_reason_and_the_attempts(server, client, waits):
    server.fail(page=1, status=503, times=3)
    with pytest.raises(SyncError) as e:
        client.get_json(_first(server))
    assert "/OData/v4/2.0/Toezegging: HTTP 503 Service Unavailable (3 attempts)" in e.value.message
    assert "[sync.tk] url" in e.value.message
    assert waits == [0.5, 1.0]


def test_a_refused_query_is_not_retried_and_says_why(server, client, waits):
    with pytest.raises(SyncError, match="HTTP 400 .*Could not find a property named 'Bestaat'"):
        client.get_json(_first(server), {"$filter": "Bestaat eq 1"})
    assert waits == [] and len(server.requests) == 1


def test_a_body_that_breaks_off_is_retried(server, client, waits):
    server.fail(page=1, cut=True)
    assert len(client.get_json(_first(server))["value"]) == 4
    assert waits == [0.5] and server.requests[0]["cut"]


def test_an_answer_that_is_not_json_is_retried_then_refused(server, client):
    server.fail(page=1, times=3, body=b"<html>Onderhoud</html>")
    with pytest.raises(SyncError, match="an answer that is not valid JSON \\(3 attempts\\)"):
        client.get_json(_first(server))


def test_json_that_is_not_an_odata_collection_is_refused(server, client):
    server.fail(page=1, body=b'{"boodschap": "geen value"}')
    with pytest.raises(SyncError, match="not an OData collection"):
        list(odata.pages(client, _first(server)))


def test_a_next_link_to_another_server_is_not_followed(server, client):
    server.fail(page=1, body=b'{"value": [], "@odata.nextLink": "https://example.org/Toezegging"}')
    with pytest.raises(SyncError, match="points to another server"):
        list(odata.pages(client, _first(server)))


def test_a_server_that_cannot_be_reached(waits):
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with JsonClient(retries=2, sleep=waits.append) as c, pytest.raises(SyncError) as e:
        c.get_json(f"http://127.0.0.1:{port}/OData/v4/2.0/Toezegging")
    assert "cannot connect" in e.value.message and "(2 attempts)" in e.value.message


def test_a_server_that_answers_too_late(server, waits):
    server.fail(page=1, delay=2)
    with JsonClient(timeout=0.3, retries=2, backoff=0, sleep=waits.append) as c:
        assert len(c.get_json(_first(server))["value"]) == 4  # the second attempt is on time
    assert waits == [0]


@pytest.mark.parametrize(
    ("value", "literal"),
    [
        (datetime(2025, 4, 7, 10, 15, 2, 180000, tzinfo=UTC), "2025-04-07T10:15:02.180000Z"),
        (datetime(2025, 4, 7, 12, 0, tzinfo=UTC) - timedelta(hours=2), "2025-04-07T10:00:00Z"),
    ],
)
def test_odata_literals(value, literal):
    assert odata.moment(value) == literal
    assert odata.quote("'s-Hertogenbosch") == "'''s-Hertogenbosch'"
