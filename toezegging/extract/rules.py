"""The words of `lang/extract_nl.toml`, compiled once: cues, abbreviations, ministries."""

import re
import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

LANG_DIR = Path(__file__).resolve().parents[1] / "lang"


@dataclass(frozen=True)
class Cue:
    name: str
    pattern: re.Pattern
    examples: tuple[str, ...]
    counter: tuple[str, ...]


@dataclass(frozen=True)
class Ministry:
    name: str
    aliases: tuple[str, ...]


@dataclass(frozen=True)
class Rules:
    abbreviations: frozenset[str]
    starters: frozenset[str]
    heading_max_words: int
    furniture_lines: tuple[re.Pattern, ...]
    furniture_inline: tuple[re.Pattern, ...]
    strong: tuple[Cue, ...]
    weak: tuple[Cue, ...]
    past: tuple[Cue, ...]
    asks: tuple[Cue, ...]
    hedge: tuple[Cue, ...]
    government: re.Pattern
    offices: tuple[str, ...]
    closings: tuple[str, ...]
    ministries: tuple[Ministry, ...]
    # (alias pattern, ministry name), longest alias first
    ministry_aliases: tuple[tuple[re.Pattern, str], ...]
    sentences: tuple[tuple[str, bool], ...]
    date_line: re.Pattern
    months: tuple[str, ...]
    date_examples: tuple[str, ...]


def _alias_pattern(alias: str) -> str:
    return r"(?<!\w)" + re.escape(alias).replace(r"\ ", r"\s+") + r"(?!\w)"


def _cues(items: list[dict]) -> tuple[Cue, ...]:
    return tuple(
        Cue(
            name=c["name"],
            pattern=re.compile(c["pattern"], re.IGNORECASE),
            examples=tuple(c.get("examples", ())),
            counter=tuple(c.get("counter", ())),
        )
        for c in items
    )


@cache
def load_rules(lang: str = "nl") -> Rules:
    data = tomllib.loads((LANG_DIR / f"extract_{lang}.toml").read_text(encoding="utf-8"))
    sent, furn, com, act = data["sentences"], data["furniture"], data["commitments"], data["actors"]
    ministries = tuple(Ministry(m["name"], tuple(m["aliases"])) for m in act["ministry"])
    aliases = sorted(
        ((a, m.name) for m in ministries for a in {m.name, *m.aliases}),
        key=lambda pair: -len(pair[0]),
    )
    return Rules(
        abbreviations=frozenset(a.lower() for a in sent["abbreviations"]),
        starters=frozenset(sent["starters"]),
        heading_max_words=int(sent["heading_max_words"]),
        furniture_lines=tuple(re.compile(p, re.IGNORECASE) for p in furn["lines"]),
        furniture_inline=tuple(re.compile(p) for p in furn["inline"]),
        strong=_cues(com["strong"]),
        weak=_cues(com["weak"]),
        past=_cues(com["past"]),
        asks=_cues(com.get("asks", [])),
        hedge=_cues(com["hedge"]),
        government=re.compile(act["government"], re.IGNORECASE),
        offices=tuple(act["offices"]),
        closings=tuple(act["closings"]),
        ministries=ministries,
        ministry_aliases=tuple(
            (re.compile(_alias_pattern(a), re.IGNORECASE), n) for a, n in aliases
        ),
        sentences=tuple((s["text"], bool(s["promise"])) for s in data.get("sentence", ())),
        date_line=re.compile(data["letter"]["date_line"], re.IGNORECASE | re.MULTILINE),
        months=tuple(data["letter"]["months"]),
        date_examples=tuple(data["letter"]["examples"]),
    )
