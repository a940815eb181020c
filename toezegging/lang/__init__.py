"""The language files: `nl.toml` and `en.toml` (the deadline engine's words and the
wording of its explanations), `extract_nl.toml` (the extractor's rules), `stopwords.toml`.

The month names have one home: the MONTH tokens of `<code>.toml`, where each month's
first word is its name as prose writes it ("januari", "January"). Everything that writes
a date (explanations, mails, feeds, pages, the extractor) takes them from `month_names`.
"""

import tomllib
from functools import cache
from importlib import resources
from typing import Any


@cache
def load(name: str) -> dict[str, Any]:
    """One language file, parsed (once): `load("nl")` is lang/nl.toml. Do not change it."""
    with resources.files(__name__).joinpath(f"{name}.toml").open("rb") as f:
        return tomllib.load(f)


@cache
def month_names(code: str) -> tuple[str, ...]:
    """The twelve month names of language `code`, January first."""
    for rule in load(code).get("rule", []):
        tokens = rule.get("tokens", {})
        if "MONTH:1" in tokens:
            return tuple(tokens[f"MONTH:{n}"][0] for n in range(1, 13))
    raise ValueError(f"lang/{code}.toml names no months: a rule with tokens MONTH:1 .. MONTH:12")
