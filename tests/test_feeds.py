"""Feeds: promises → iCalendar bytes, checked by the parsers real clients use."""

import dataclasses
import os
import random
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import feed_checks
import icalendar
import pytest
import vobject
from click.testing import CliRunner
from feed_checks import check_feed, own_checks
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from toezegging import feeds
from toezegging.config import FeedConfig
from toezegging.model import Promise

icaljs = feed_checks.icaljs  # the session fixture, made visible to this module
GOLDEN = Path(__file__).parent / "golden"
TODAY = date(2026, 11, 25)


def promise(id: int, **kw) -> Promise:
    values = dict(
        id=id,
        text=f"De Kamer wordt geïnformeerd over onderwerp {id}.",
        deadline="voor eind 2026",
        reference=date(2026, 6, 10),
        earliest=date(2026, 6, 10),
        latest=date(2026, 12, 31),
        kind="part",
        explanation="Eind 2026: uiterlijk 31 december 2026.",
        ministry="BZK",
        status="open",
        tags=[],
        created_at=datetime(2026, 6, 10, 12, 0, tzinfo=UTC),
        updated_at=datetime(2026, 6, 11, 9, 30, 15, 123456, tzinfo=UTC),
        revision=0,
    )
    values.update(kw)
    return Promise(**values)


def sample() -> tuple[list[Promise], dict[int, int]]:
    """Promises of every shape a feed meets."""
    ps = [
        promise(
            1,
            text="De minister informeert de Kamer, voor eind 2026; over de evaluatie van "
            "de Wet open overheid (Woo) en de gevolgen daarvan voor gemeenten 😀.\n"
            "Tweede regel met \\ backslash.",
            by="E. van Dijk",
            function="minister van Binnenlandse Zaken",
            to="Van der Werf",
            fraction="D66",
            source="Commissiedebat Woo",
            kamerstuk="32802-95",
            url="https://www.tweedekamer.nl/kamerstukken/toezeggingen/detail?id=TZ1",
            number="TZ202606-001",
            tags=["woo", "transparantie, open"],
            revision=2,
            owner="staf@example.org",
        ),
        promise(
            2,
            text="Verwacht de bevindingen in het eerste kwartaal van 2027 te delen.",
            deadline="in het eerste kwartaal van 2027",
            earliest=date(2027, 1, 1),
            latest=date(2027, 3, 31),
            kind="quarter",
            hedged=True,
            ministry="JenV",
            explanation="Het eerste kwartaal van 2027: 1 januari t/m 31 maart 2027.",
        ),
        promise(
            3,
            text="Jaarlijkse voortgangsrapportage.",
            deadline="jaarlijks voor Prinsjesdag",
            earliest=None,
            latest=date(2026, 9, 15),
            recurrence="FREQ=YEARLY",
            kind="budget",
            ministry="Financiën",
            explanation="Prinsjesdag 2026 is 15 september 2026.",
        ),
        promise(
            4,
            text="Ingetrokken toezegging.",
            status="withdrawn",
            latest=date(2026, 10, 1),
            earliest=date(2026, 10, 1),
            kind="day",
            closed_on=date(2026, 10, 2),
        ),
        promise(
            5,
            text="Na de evaluatie.",
            deadline="na de evaluatie",
            earliest=None,
            latest=None,
            kind="event",
            open_ended=True,
        ),
        promise(
            6,
            text="Brief voor de zomer.",
            deadline="voor de zomer",
            latest=date(2026, 7, 3),
            earliest=date(2026, 6, 10),
            kind="recess",
            ministry="OCW",
            status="open",
            owner="Other@Example.org",
            tags=["onderwijs"],
        ),
        promise(
            7,
            text="Voldaan met brief.",
            status="fulfilled",
            latest=date(2026, 11, 1),
            fulfilled_by="Kamerstuk 32802-99",
            closed_on=date(2026, 10, 30),
        ),
    ]
    return ps, {1: 2, 6: 1}


FULL = FeedConfig(
    name="alle",
    title="Alle toezeggingen",
    description="Alle toezeggingen, ook dicht",
    show_window=True,
    alarm_days=7,
)


def test_golden_feed_byte_for_byte(tmp_path, icaljs):
    ps, counts = sample()
    body = feeds.build(ps, counts, FULL, today=TODAY)
    golden = GOLDEN / "alle.ics"
    if os.environ.get("UPDATE_GOLDEN"):
        golden.write_bytes(body)
    assert body == golden.read_bytes()
    check_feed(body, tmp_path, icaljs)


def test_same_rows_give_same_bytes_in_any_order():
    ps, counts = sample()
    first = feeds.build(ps, counts, FULL, today=TODAY)
    random.Random(4).shuffle(ps)
    assert feeds.build(ps, dict(counts), FULL, today=TODAY) == first
    assert feeds.etag(first) == feeds.etag(first) and feeds.etag(first).startswith('"')


def test_round_trip_through_icalendar():
    ps, counts = sample()
    cal = icalendar.Calendar.from_ical(feeds.build(ps, counts, FULL, today=TODAY))
    assert str(cal["X-WR-CALNAME"]) == "Alle toezeggingen"
    assert str(cal["NAME"]) == "Alle toezeggingen"
    assert str(cal["DESCRIPTION"]) == "Alle toezeggingen, ook dicht"
    # X-properties are TEXT (RFC 5545 3.8.8.2), so escaped; icalendar reads them raw.
    assert cal["X-WR-CALDESC"].to_ical() == b"Alle toezeggingen\\, ook dicht"
    assert cal["REFRESH-INTERVAL"].params["VALUE"] == "DURATION"
    assert cal.decoded("REFRESH-INTERVAL") == timedelta(hours=6)
    assert str(cal["X-PUBLISHED-TTL"]) == "PT6H"
    events = {str(e["UID"]): e for e in cal.walk("VEVENT")}
    assert list(events) == [
        "toezegging-6@toezegging.local",
        "toezegging-6-venster@toezegging.local",
        "toezegging-3@toezegging.local",
        "toezegging-3-reeks@toezegging.local",
        "toezegging-4@toezegging.local",
        "toezegging-7@toezegging.local",
        "toezegging-7-venster@toezegging.local",
        "toezegging-1@toezegging.local",
        "toezegging-1-venster@toezegging.local",
        "toezegging-2@toezegging.local",
        "toezegging-2-venster@toezegging.local",
    ]
    one = events["toezegging-1@toezegging.local"]
    assert one.decoded("DTSTART") == date(2026, 12, 31)
    assert one.decoded("DTEND") == date(2027, 1, 1)
    assert one.decoded("SEQUENCE") == 2
    assert one.decoded("DTSTAMP") == datetime(2026, 6, 11, 9, 30, 15, tzinfo=UTC)
    assert one.decoded("LAST-MODIFIED") == datetime(2026, 6, 11, 9, 30, 15, tzinfo=UTC)
    assert one.categories == ["BZK", "woo", "transparantie, open"]
    assert str(one["URL"]) == ps[0].url
    assert str(one["SUMMARY"]).endswith("(BZK)")
    desc = str(one["DESCRIPTION"])
    assert desc.startswith(ps[0].text + "\n\n")
    for fact in (
        "“voor eind 2026”",
        "10 juni 2026 t/m 31 december 2026",
        ps[0].explanation,
        "E. van Dijk, minister van Binnenlandse Zaken (BZK)",
        "Van der Werf (D66)",
        "Commissiedebat Woo, Kamerstuk 32802-95",
        "Status: Openstaand",
        "Uitgesteld: 2 keer",
        "TZ202606-001",
    ):
        assert fact in desc
    (alarm,) = one.walk("VALARM")
    assert alarm.decoded("TRIGGER") == timedelta(days=-7) and "nadert" in str(alarm["DESCRIPTION"])
    assert str(events["toezegging-4@toezegging.local"]["STATUS"]) == "CANCELLED"
    assert str(events["toezegging-2@toezegging.local"]["STATUS"]) == "TENTATIVE"
    # A recurring promise: its current occurrence (overdue since 15 September) has no rule;
    # the occurrences after it start a year later.
    assert "RRULE" not in events["toezegging-3@toezegging.local"]
    series = events["toezegging-3-reeks@toezegging.local"]
    assert series["RRULE"].to_ical() == b"FREQ=YEARLY"
    assert series.decoded("DTSTART") == date(2027, 9, 15)
    assert "Herhaalt: elk jaar; eerstvolgende: 15 september 2027" in str(
        events["toezegging-3@toezegging.local"]["DESCRIPTION"]
    )
    assert str(events["toezegging-7@toezegging.local"]["SUMMARY"]).startswith("[Voldaan] ")
    window = events["toezegging-2-venster@toezegging.local"]
    assert window.decoded("DTSTART") == date(2027, 1, 1)
    assert window.decoded("DTEND") == date(2027, 4, 1)


def test_events_equal_icalendars_own_writer():
    """The fast line writer says exactly what icalendar's Event.new would say."""
    ps, counts = sample()
    p = ps[0]
    body = feeds.build(
        [p], counts, dataclasses.replace(FULL, show_window=False, alarm_days=None), today=TODAY
    )
    (ours,) = icalendar.Calendar.from_ical(body).walk("VEVENT")
    w = feeds.words("nl")
    stamp = datetime(2026, 6, 11, 9, 30, 15, tzinfo=UTC)
    theirs = icalendar.Event.new(
        uid="toezegging-1@toezegging.local",
        stamp=stamp,
        start=p.latest,
        end=p.latest + timedelta(days=1),
        summary=feeds.summary(p, w),
        description=feeds.description(p, 2, w),
        sequence=2,
        created=p.created_at,
        last_modified=stamp,
        status="CONFIRMED",
        transparency="TRANSPARENT",
        categories=["BZK", "woo", "transparantie, open"],
        url=p.url,
    )
    assert {k: v.to_ical() for k, v in ours.items()} == {k: v.to_ical() for k, v in theirs.items()}
    lines = body.split(b"\r\nBEGIN:VEVENT\r\n")[1].split(b"\r\nEND:VEVENT")[0]
    assert sorted(lines.split(b"\r\n")) == sorted(theirs.to_ical().split(b"\r\n")[1:-2]), (
        "folding differs from icalendar's"
    )


@pytest.mark.parametrize(
    "feed, ids",
    [
        (FeedConfig(name="alle"), [6, 3, 4, 7, 1, 2]),
        (FeedConfig(name="open", status=["open"]), [6, 3, 1, 2]),
        (FeedConfig(name="verlopen", status=["open"], overdue=True), [6, 3]),
        (FeedConfig(name="niet-verlopen", overdue=False), [4, 7, 1, 2]),
        (FeedConfig(name="bzk", ministry=["bzk"]), [4, 7, 1]),
        (FeedConfig(name="tag", tag=["WOO", "onderwijs"]), [6, 1]),
        (FeedConfig(name="owner", owner=["other@example.org"]), [6]),
        (FeedConfig(name="combi", status=["open"], ministry=["BZK", "OCW"], tag=["onderwijs"]), [6]),
        (FeedConfig(name="leeg", ministry=["AZ"]), []),
    ],
    ids=lambda v: v.name if isinstance(v, FeedConfig) else None,
)
def test_filters(feed, ids, tmp_path, icaljs):
    ps, counts = sample()
    assert [p.id for p in feeds.select(ps, feed, TODAY)] == ids
    body = feeds.build(ps, counts, feed, today=TODAY)
    cal = check_feed(body, tmp_path, icaljs)
    # The recurring promise 3: its current occurrence, then the occurrences after it.
    assert [str(e["UID"]) for e in cal.walk("VEVENT")] == [
        uid
        for i in ids
        for uid in [f"toezegging-{i}@toezegging.local"]
        + ([f"toezegging-{i}-reeks@toezegging.local"] if i == 3 else [])
    ]


def test_promises_without_a_window_are_left_out():
    ps, counts = sample()
    body = feeds.build(ps, counts, FeedConfig(name="alle"), today=TODAY)
    assert b"toezegging-5@" not in body


def test_overdue_depends_on_the_given_today():
    ps, _ = sample()
    feed = FeedConfig(name="verlopen", status=["open"], overdue=True)
    assert [p.id for p in feeds.select(ps, feed, date(2026, 7, 3))] == []
    assert [p.id for p in feeds.select(ps, feed, date(2026, 7, 4))] == [6]
    assert [p.id for p in feeds.select(ps, feed, date(2026, 9, 16))] == [6, 3]


def test_english_titles_and_words(tmp_path, icaljs):
    ps, counts = sample()
    from toezegging.config import default_feeds, parse_config

    default = default_feeds("en")[0]
    assert parse_config('language = "en"').feeds[0] == default  # a config without [[feeds]]
    assert parse_config("").feeds[0].title == "Alle toezeggingen"
    body = feeds.build(ps, counts, default, today=TODAY, language="en")
    cal = check_feed(body, tmp_path, icaljs)
    assert str(cal["X-WR-CALNAME"]) == "All promises"
    one = next(e for e in cal.walk("VEVENT") if str(e["UID"]).startswith("toezegging-1@"))
    assert "Postponed: twice" not in str(one["DESCRIPTION"])
    assert "Postponed: 2 times" in str(one["DESCRIPTION"])
    assert "10 June 2026 to 31 December 2026" in str(one["DESCRIPTION"])
    own = FeedConfig(name="alle", title="Mijn eigen titel")
    assert b"X-WR-CALNAME:Mijn eigen titel" in feeds.build([], {}, own, today=TODAY, language="en")


def test_empty_feed_passes_the_parsers(tmp_path, icaljs):
    body = feeds.build([], {}, FeedConfig(name="leeg", title="Leeg; niets, nog"), today=TODAY)
    check_feed(body, tmp_path, icaljs)
    assert b"X-WR-CALNAME:Leeg\\; niets\\, nog\r\n" in body


def test_control_characters_are_dropped_and_line_ends_normalised():
    assert feeds.clean("a\r\nb\rc\x00d\x07e\tf\x7f") == "a\nb\ncde\tf"


def test_summary_is_short_and_the_description_whole():
    long = "woord " * 3000
    p = promise(9, text=long)
    cal = icalendar.Calendar.from_ical(feeds.build([p], {}, FeedConfig(name="a"), today=TODAY))
    (ev,) = cal.walk("VEVENT")
    assert len(str(ev["SUMMARY"])) <= feeds.SUMMARY_MAX + len(" (BZK)")
    assert str(ev["DESCRIPTION"]).startswith(long + "\n\n")


def test_a_bad_url_or_rule_never_breaks_the_feed(tmp_path):
    p = promise(9, url="javascript:alert(1)", recurrence="FREQ=SOMETIMES;X")
    body = feeds.build([p], {}, FeedConfig(name="a"), today=TODAY)
    check_feed(body)
    assert b"URL:" not in body and b"RRULE" not in body


def test_each_occurrence_of_a_recurring_promise_has_its_own_status(tmp_path, icaljs):
    """Issue 12 (items 2 and 4): fulfilled occurrences, the current one and the series."""
    from toezegging.model import DeadlineChange

    p = promise(
        12,
        deadline="jaarlijks",
        recurrence="FREQ=YEARLY",
        reference=date(2024, 3, 1),
        earliest=date(2026, 3, 1),
        latest=date(2027, 3, 1),
        source="ocw.pdf",
        kamerstuk="31293-700",
        revision=3,
    )
    rows = [
        DeadlineChange(
            promise_id=12,
            kind="occurrence",
            changed_at=p.updated_at,
            reference=date(2025 + n, 3, 10),
            old_deadline="jaarlijks",
            new_deadline="jaarlijks",
            old_earliest=date(2024 + n, 3, 1),
            old_latest=date(2025 + n, 3, 1),
            new_earliest=date(2025 + n, 3, 1),
            new_latest=date(2026 + n, 3, 1),
            reason=f"Kamerstuk 31293-70{n}",
            old_status="open",
            new_status=status,
        )
        for n, status in enumerate(["fulfilled", "partly"])
    ]

    def events(**kw):
        body = feeds.build([promise(12, **{**vars_of(p), **kw})], {}, FULL, today=TODAY, history={12: rows})
        cal = check_feed(body, tmp_path, icaljs)
        return body, {str(e["UID"]).split("@")[0]: e for e in cal.walk("VEVENT")}

    body, ev = events()
    assert list(ev) == [
        "toezegging-12-keer-1",
        "toezegging-12-keer-2",
        "toezegging-12",
        "toezegging-12-venster",
        "toezegging-12-reeks",
    ]
    assert str(ev["toezegging-12-keer-1"]["SUMMARY"]).startswith("[Voldaan] ")
    assert str(ev["toezegging-12-keer-2"]["SUMMARY"]).startswith("[Deels voldaan] ")
    assert str(ev["toezegging-12-keer-2"].decoded("DTSTART")) == "2026-03-01"
    assert "Nagekomen met: Kamerstuk 31293-701" in str(ev["toezegging-12-keer-2"]["DESCRIPTION"])
    for uid in ("toezegging-12", "toezegging-12-reeks"):
        assert not str(ev[uid]["SUMMARY"]).startswith("[")
    assert [uid for uid, e in ev.items() if "RRULE" in e] == ["toezegging-12-reeks"]
    assert str(ev["toezegging-12-reeks"].decoded("DTSTART")) == "2028-03-01"
    assert "Waar: Kamerstuk 31293-700" in str(ev["toezegging-12"]["DESCRIPTION"])
    assert b"ocw.pdf" not in body and b"FREQ" not in body.split(b"RRULE:")[0]
    # Withdrawn: every occurrence still to come is cancelled; the fulfilled ones stay.
    _, ev = events(status="withdrawn", revision=4)
    assert str(ev["toezegging-12-reeks"]["STATUS"]) == "CANCELLED"
    assert not str(ev["toezegging-12-reeks"]["SUMMARY"]).startswith("[")
    assert str(ev["toezegging-12-keer-1"]["STATUS"]) == "CONFIRMED"
    # Removed: all of it is cancelled, under the same UIDs.
    _, ev = events(deleted_at=datetime(2026, 11, 1, tzinfo=UTC), revision=5)
    assert {str(e["STATUS"]) for e in ev.values()} == {"CANCELLED"}
    assert {e.decoded("SEQUENCE") for e in ev.values()} == {5}


def vars_of(p: Promise) -> dict:
    return {k: getattr(p, k) for k in Promise.model_fields if k != "id"}


# Text iCalendar can carry: anything but control characters (other than newline and tab).
_TEXT = st.text(st.characters(exclude_categories=("Cs", "Cc"), include_characters='\n\t;,\\:"'), max_size=400)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=_TEXT, tag=_TEXT, ministry=_TEXT)
@example(text="regel 1\nregel 2; met, tekens \\n en 😀" * 300, tag="a,b;c", ministry="x\\y")
@example(text="x" * 10_000, tag="", ministry="")
@example(text="C:\\Nieuw \\n \\, \\; \\\\", tag="\\N", ministry="a\\Nb")
def test_any_text_round_trips(text, tag, ministry):
    p = promise(11, text=text, tags=[tag] if tag.strip() else [], ministry=ministry or None)
    body = feeds.build([p], {}, FeedConfig(name="a"), today=TODAY)
    own_checks(body)
    (ev,) = icalendar.Calendar.from_ical(body).walk("VEVENT")
    assert str(ev["DESCRIPTION"]).startswith(text + "\n\n")
    from ical.calendar_stream import IcsCalendarStream

    (parsed,) = IcsCalendarStream.calendar_from_ics(body.decode()).events
    assert parsed.description.startswith(text + "\n\n")
    vcal = vobject.readOne(body.decode(), validate=True)
    assert vcal.vevent.description.value.startswith(text + "\n\n")


@pytest.mark.filterwarnings("ignore:foldline is deprecated:DeprecationWarning")
@settings(max_examples=300, deadline=None)
@given(st.text(st.characters(exclude_categories=("Cs",)) | st.sampled_from("\\^😀“"), max_size=300))
def test_folding_matches_icalendar(s):
    line = "DESCRIPTION:" + s.replace("\r", "").replace("\n", " ")
    assert feeds.fold(line.encode()) == icalendar.parser.foldline(line).encode()


# ----------------------------------------------------------------------------- CLI


def _config(tmp_path: Path, url: str, extra: str = "") -> Path:
    path = tmp_path / "toezegging.toml"
    path.write_text(
        f'[database]\nurl = "{url}"\n\n'
        '[[feeds]]\nname = "alle"\ntitle = "Alle toezeggingen"\nshow_window = true\n\n'
        '[[feeds]]\nname = "open"\ntitle = "Open"\nstatus = ["open"]\nalarm_days = 3\n\n'
        '[[feeds]]\nname = "team"\ntitle = "Team"\nprivate = true\n' + extra,
        encoding="utf-8",
    )
    return path


def _store_promises(store, ps):
    from toezegging.model import DeadlineChange

    with store.session() as s:
        for p in ps:
            s.add(p.model_copy())
        s.flush()
        s.add(
            DeadlineChange(
                promise_id=1,
                changed_at=datetime(2026, 7, 1, tzinfo=UTC),
                reference=date(2026, 7, 1),
                old_deadline="voor de zomer",
                new_deadline="voor eind 2026",
            )
        )


def test_cli_build_writes_every_feed_atomically(store, tmp_path, icaljs):
    from toezegging.cli import cli

    ps, _ = sample()
    _store_promises(store, ps)
    config = _config(tmp_path, store.url)
    out = tmp_path / "out"
    r = CliRunner().invoke(cli, ["--config", str(config), "feeds", "build", "--out", str(out)])
    assert r.exit_code == 0, r.output
    assert sorted(p.name for p in out.iterdir()) == ["alle.ics", "open.ics", "team.ics"]
    for f in out.iterdir():
        check_feed(f.read_bytes(), tmp_path, icaljs)
    assert b"Uitgesteld: 1 keer" in (out / "alle.ics").read_bytes().replace(b"\r\n ", b"")
    # same database, same bytes
    before = {f.name: f.read_bytes() for f in out.iterdir()}
    r = CliRunner().invoke(cli, ["--config", str(config), "feeds", "build", "--out", str(out), "--json"])
    assert r.exit_code == 0, r.output
    assert before == {f.name: f.read_bytes() for f in out.iterdir()}
    assert '"feed": "alle"' in r.output


def test_a_failed_write_leaves_the_old_file_and_no_temporary(tmp_path, monkeypatch):
    from toezegging.cli import feeds as cli_feeds

    target = tmp_path / "alle.ics"
    target.write_bytes(b"old")

    def broken(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(cli_feeds.os, "replace", broken)
    with pytest.raises(OSError):
        cli_feeds.write_atomically(target, b"new")
    assert [p.name for p in tmp_path.iterdir()] == ["alle.ics"]
    assert target.read_bytes() == b"old"


def test_cli_token_refuses_public_and_unknown_feeds(store, tmp_path):
    from toezegging.cli import cli

    config = _config(tmp_path, store.url)
    for name, words in [("alle", "not private"), ("nope", "no feed")]:
        r = CliRunner().invoke(cli, ["--config", str(config), "feeds", "token", name])
        assert r.exit_code == 1 and words in r.output, r.output
    r = CliRunner().invoke(cli, ["--config", str(config), "feeds", "token", "team"])
    assert r.exit_code == 0 and "/feeds/" in r.output and "/team.ics" in r.output


def test_feed_of_promises_added_with_the_cli(store, tmp_path, icaljs):
    """Done-when of issue 4: promises added, postponed and withdrawn with the CLI."""
    from toezegging.cli import cli

    config = _config(tmp_path, store.url)

    def run(*args):
        r = CliRunner().invoke(cli, ["--config", str(config), *args])
        assert r.exit_code == 0, r.output
        return r.output

    run(
        "add",
        "De Kamer wordt geïnformeerd over de evaluatie, met; tekens 😀",
        "-d",
        "voor eind 2026",
        "--date",
        "2026-06-10",
        "--ministry",
        "BZK",
        "--tag",
        "woo",
        "--by",
        "E. van Dijk",
        "--url",
        "https://www.tweedekamer.nl/x",
        "-y",
    )
    run(
        "add",
        "Brief over de uitvoering",
        "-d",
        "in het eerste kwartaal van 2027",
        "--date",
        "2026-06-10",
        "--ministry",
        "JenV",
        "-y",
    )
    run(
        "add",
        "Na de evaluatie volgt een brief",
        "-d",
        "na de evaluatie",
        "--date",
        "2026-06-10",
        "--open-ended",
        "-y",
    )
    run("postpone", "1", "voor de zomer van 2027", "--reason", "Mag ik er juni van maken?")
    run("withdraw", "2")
    out = tmp_path / "out"
    run("feeds", "build", "--out", str(out))
    body = (out / "alle.ics").read_bytes()
    cal = check_feed(body, tmp_path, icaljs)
    by_uid = {str(e["UID"]): e for e in cal.walk("VEVENT")}
    assert set(by_uid) >= {"toezegging-1@toezegging.local", "toezegging-2@toezegging.local"}
    assert "toezegging-3@toezegging.local" not in by_uid
    one = by_uid["toezegging-1@toezegging.local"]
    assert one.decoded("SEQUENCE") >= 1
    assert "Uitgesteld: 1 keer" in str(one["DESCRIPTION"])
    assert "Termijn zoals gezegd: “voor eind 2026”" in str(one["DESCRIPTION"])
    assert "Termijn na uitstel: “voor de zomer van 2027”" in str(one["DESCRIPTION"])
    assert str(by_uid["toezegging-2@toezegging.local"]["STATUS"]) == "CANCELLED"
    check_feed((out / "open.ics").read_bytes(), tmp_path, icaljs)
