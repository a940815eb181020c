"""A recurring promise's rule in words ("elk jaar", "om de twee jaar", "elk kwartaal"),
for mails, feeds and pages: people never see the RRULE. The words are data
(`data/recurrence.toml`)."""

import tomllib
from functools import cache
from importlib import resources


@cache
def _words() -> dict:
    text = resources.files("toezegging").joinpath("data", "recurrence.toml").read_text("utf-8")
    return tomllib.loads(text)


def _parts(rule: str) -> dict[str, str]:
    out = {}
    for part in rule.upper().split(";"):
        key, _, value = part.partition("=")
        out[key.strip()] = value.strip()
    return out


def describe(rule: str | None, language: str = "nl") -> str:
    """The rule in words, in `language` ("" for no rule)."""
    if not rule:
        return ""
    w = _words().get(language, _words()["nl"])
    parts = _parts(rule)
    try:
        n = int(parts.get("INTERVAL", "1"))
    except ValueError:
        return w["other"]
    number = w["numbers"][n] if 0 < n < len(w["numbers"]) else str(n)
    freq = parts.get("FREQ", "")
    if freq == "YEARLY":
        return w["yearly"] if n == 1 else w["every_n_years"].format(n=number)
    if freq == "MONTHLY":
        if n == 12:
            return w["yearly"]
        known = {1: "monthly", 3: "quarterly", 6: "half_yearly"}
        return w[known[n]] if n in known else w["every_n_months"].format(n=number)
    if freq == "WEEKLY":
        return w["weekly"] if n == 1 else w["every_n_weeks"].format(n=number)
    if freq == "DAILY" and n == 1:
        return w["daily"]
    return w["other"]
