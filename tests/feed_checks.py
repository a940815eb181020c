"""Checks every feed the tests produce must pass: the strict parsers real clients use
(`ical` strict, as in Home Assistant; `vobject` with validation; `ical.js`, as in
Thunderbird) and our own rules for what they let through.

Imported by tests/test_feeds.py and tests/test_web.py; `icaljs` is a session fixture.
"""

import json
import os
import re
import shutil
import subprocess
from datetime import date, datetime, timedelta
from pathlib import Path

import icalendar
import pytest
import vobject
from ical.calendar_stream import IcsCalendarStream

ROOT = Path(__file__).resolve().parent.parent
ICALJS_DIR = ROOT / ".cache" / "icaljs"
ICALJS_VERSION = "2.2.1"

_CHECK_MJS = r"""
import ICAL from "ical.js";
import { readFileSync } from "node:fs";
const out = [];
for (const path of process.argv.slice(2)) {
  const jcal = ICAL.parse(readFileSync(path, "utf8"));
  const cal = new ICAL.Component(jcal);
  const events = cal.getAllSubcomponents("vevent").map((c) => {
    const e = new ICAL.Event(c);
    return {
      uid: e.uid, summary: e.summary, description: e.description,
      start: e.startDate.toString(), end: e.endDate.toString(),
      allday: e.startDate.isDate, recurring: e.isRecurring(),
      status: c.getFirstPropertyValue("status"),
      categories: c.getAllProperties("categories").flatMap((p) => p.getValues()),
      alarms: c.getAllSubcomponents("valarm").length,
    };
  });
  out.push({ name: cal.getFirstPropertyValue("x-wr-calname"), events });
}
console.log(JSON.stringify(out));
"""


@pytest.fixture(scope="session")
def icaljs():
    """A function that parses .ics files with ical.js and returns what it read.

    ical.js is installed from npm once into .cache/icaljs (gitignored). Without node or
    npm the checks skip, except under CI (env CI set), where they must run.
    """
    node, npm = shutil.which("node"), shutil.which("npm")
    if not (node and npm):
        if os.environ.get("CI"):
            pytest.fail("node and npm are needed in CI for the ical.js checks")
        pytest.skip("node/npm not available: ical.js checks skipped")
    module = ICALJS_DIR / "node_modules" / "ical.js" / "package.json"
    installed = module.exists() and json.loads(module.read_text())["version"] == ICALJS_VERSION
    if not installed:
        ICALJS_DIR.mkdir(parents=True, exist_ok=True)
        (ICALJS_DIR / "package.json").write_text(
            json.dumps({"private": True, "type": "module", "dependencies": {"ical.js": ICALJS_VERSION}})
        )
        r = subprocess.run(
            [npm, "install", "--no-audit", "--no-fund", "--prefix", str(ICALJS_DIR)],
            capture_output=True,
            text=True,
            timeout=180,
        )
        if r.returncode != 0:
            if os.environ.get("CI"):
                pytest.fail(f"npm install ical.js failed: {r.stderr}")
            pytest.skip(f"npm install ical.js failed (offline?): {r.stderr[-300:]}")
    script = ICALJS_DIR / "check.mjs"
    script.write_text(_CHECK_MJS)

    def parse(*paths: Path) -> list[dict]:
        r = subprocess.run(
            [node, str(script), *map(str, paths)], capture_output=True, text=True, timeout=60, cwd=ICALJS_DIR
        )
        assert r.returncode == 0, f"ical.js refused the feed:\n{r.stderr}"
        return json.loads(r.stdout)

    return parse


# ----------------------------------------------------------------------------- own rules

_UNESCAPED = re.compile(r"(?<!\\)(?:\\\\)*[,;]")
_TEXT_PROPS = {"SUMMARY", "DESCRIPTION", "NAME", "X-WR-CALNAME", "X-WR-CALDESC", "LOCATION"}


def unfold(body: bytes) -> list[str]:
    return body.decode("utf-8").replace("\r\n ", "").split("\r\n")[:-1]


def own_checks(body: bytes) -> None:
    """What the parsers let through: line form, escaping, floating times, date order."""
    assert body.endswith(b"\r\n"), "the feed must end with CRLF"
    assert b"\n" not in body.replace(b"\r\n", b""), "bare LF: every line must end with CRLF"
    assert b"\r" not in body.replace(b"\r\n", b""), "bare CR in the feed"
    for raw in body.split(b"\r\n")[:-1]:
        assert len(raw) <= 75, f"line longer than 75 octets: {raw[:40]!r}…"
        raw.decode("utf-8")  # folding never splits a UTF-8 character
    lines = unfold(body)
    assert lines[0] == "BEGIN:VCALENDAR" and lines[-1] == "END:VCALENDAR"
    for line in lines:
        name_params, _, value = line.partition(":")
        name = name_params.split(";")[0]
        if name in _TEXT_PROPS:
            assert not _UNESCAPED.search(value), f"unescaped , or ; in {name}: {value[:60]}"
        if name in {"DTSTAMP", "CREATED", "LAST-MODIFIED"}:
            assert re.fullmatch(r"\d{8}T\d{6}Z", value), f"{name} must be UTC: {value}"
        if name in {"DTSTART", "DTEND"}:
            assert "VALUE=DATE" in name_params and re.fullmatch(r"\d{8}", value) or value.endswith("Z"), (
                f"floating time in {line}"
            )
    cal = icalendar.Calendar.from_ical(body)
    for ev in cal.walk("VEVENT"):
        start, end = ev.decoded("DTSTART"), ev.decoded("DTEND")
        assert type(start) is type(end)
        assert end > start, f"DTEND not after DTSTART in {ev['UID']}"
        if isinstance(start, date) and not isinstance(start, datetime):
            assert end - start >= timedelta(days=1)


def check_feed(body: bytes, tmp_path: Path | None = None, icaljs=None) -> icalendar.Calendar:
    """Run every check on `body`; returns icalendar's reading of it."""
    own_checks(body)
    text = body.decode("utf-8")
    # ical, strict: no compat mode (Home Assistant's calendar parser).
    stream = IcsCalendarStream.calendar_from_ics(text)
    ical_uids = [e.uid for e in stream.events]
    # vobject, validating.
    vcal = vobject.readOne(text, validate=True)
    vcal.validate(raiseException=True)
    cal = icalendar.Calendar.from_ical(body)
    uids = [str(e["UID"]) for e in cal.walk("VEVENT")]
    assert ical_uids == uids
    assert [str(e.uid.value) for e in getattr(vcal, "vevent_list", [])] == uids
    assert cal.to_ical() is not None
    if icaljs is not None and tmp_path is not None:
        path = tmp_path / f"feed-{abs(hash(body))}.ics"
        path.write_bytes(body)
        (parsed,) = icaljs(path)
        assert [e["uid"] for e in parsed["events"]] == uids
        for theirs, ours in zip(parsed["events"], cal.walk("VEVENT"), strict=True):
            assert theirs["allday"]
            assert theirs["summary"] == str(ours["SUMMARY"])
            assert theirs["description"] == str(ours["DESCRIPTION"])
            assert theirs["start"] == ours.decoded("DTSTART").isoformat()
    return cal
