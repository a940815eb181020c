"""The words of `lang/extract_nl.toml`, compiled once: cleaning, document structure,
clauses, actors, time, and the commitment and adjustment rules."""

import re
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from ..lang import month_names

LANG_DIR = Path(__file__).resolve().parents[1] / "lang"
FLAGS = re.IGNORECASE
Section = dict[str, Any]  # a table of the language file


@dataclass(frozen=True)
class Rule:
    """A commitment cue (`[[commit]]`) or a feature that adjusts confidence (`[[adjust]]`)."""

    name: str
    pattern: re.Pattern
    weight: float
    examples: tuple[str, ...] = ()
    counter: tuple[str, ...] = ()
    scope: str = "clause"  # clause, sentence, before, after, phrase
    hedged: bool = False
    future_time: bool = False
    unless: re.Pattern | None = None

    def applies(self, text: str) -> bool:
        return bool(self.pattern.search(text)) and not (self.unless and self.unless.search(text))


@dataclass(frozen=True)
class SourceRule:
    name: str
    pattern: re.Pattern
    template: str
    examples: tuple[str, ...]


@dataclass(frozen=True)
class Ministry:
    name: str
    aliases: tuple[str, ...]


@dataclass(frozen=True)
class Example:
    """A pattern's examples (must match) and counter-examples (must not), for the tests."""

    name: str
    pattern: re.Pattern
    examples: tuple[str, ...]
    counter: tuple[str, ...] = ()


@dataclass(frozen=True)
class SentenceExample:
    text: str
    date: str
    promise: bool
    phrase: str | None


@dataclass(frozen=True)
class Rules:
    threshold: float
    # sentences and cleaning
    abbreviations: frozenset[str]
    starters: frozenset[str]
    name_titles: frozenset[str]
    heading_max_words: int
    furniture_lines: tuple[re.Pattern, ...]
    furniture_inline: tuple[re.Pattern, ...]
    footnote_sections: tuple[re.Pattern, ...]
    footnote_line: re.Pattern
    footnote_reference: re.Pattern
    suspended_compound: tuple[str, ...]
    hyphen_break: re.Pattern  # a word broken by the typesetter, in the judged copy
    # the document
    date_line: re.Pattern
    received: re.Pattern
    months: tuple[str, ...]  # the month names of lang/<lang>.toml
    date_examples: tuple[str, ...]
    answers: re.Pattern
    question: re.Pattern
    answer: re.Pattern
    numbered_question: re.Pattern
    report: re.Pattern
    speaker: re.Pattern
    others: re.Pattern
    government_letter: re.Pattern
    quoted: re.Pattern
    sources: tuple[SourceRule, ...]
    kamerstuk: re.Pattern
    aanhangsel: re.Pattern
    vergaderjaar: re.Pattern
    numbered_answer: re.Pattern
    reference_parens: re.Pattern
    written: dict[str, str]  # how a source is written: kamerstuk_number, letter, ... ([source])
    # clauses
    subordinators: dict[str, str]  # word(s) -> kind
    subordinator_re: re.Pattern
    expect_that: re.Pattern
    report_that: re.Pattern
    new_subject: re.Pattern
    om_intention: re.Pattern
    om_target: re.Pattern
    coordinators: tuple[str, ...]
    coordinator_re: re.Pattern
    then_re: re.Pattern
    relative_prefix: str
    complementizer: str
    relative_pronoun: str
    that_re: re.Pattern  # the complementizer or the relative pronoun at the start
    articles: tuple[str, ...]
    relative_dat: re.Pattern
    clause_next: re.Pattern
    when_words: tuple[str, ...]
    completed: re.Pattern
    om: re.Pattern
    om_verb: re.Pattern
    om_no_clause: re.Pattern
    # actors
    government: re.Pattern
    agencies: re.Pattern
    third_parties: re.Pattern
    prepositions: frozenset[str]
    agent: re.Pattern
    agent_word: str
    agent_named: re.Pattern  # case-sensitive
    first_person: tuple[str, ...]
    addressee: tuple[str, ...]
    offices: tuple[str, ...]
    closings: tuple[str, ...]
    titles: tuple[str, ...]
    office_links: tuple[str, str]  # before a whole ministry, before a portfolio
    article: str
    join_names: str
    join_functions: str
    answerer: re.Pattern
    not_a_name: re.Pattern
    name_particles: frozenset[str]
    ministries: tuple[Ministry, ...]
    ministry_aliases: tuple[tuple[re.Pattern, str], ...]  # longest alias first
    # time
    time_cue: re.Pattern
    past_after: re.Pattern
    past_before: re.Pattern
    past_inside: re.Pattern
    scope_before: re.Pattern
    scope_phrase: re.Pattern
    scope_after_noun: re.Pattern
    noun_before: re.Pattern
    bare_date: re.Pattern
    bare_date_planning: re.Pattern
    period: re.Pattern
    laat_verb: re.Pattern
    laat_adverb_before: re.Pattern
    event_openers: re.Pattern
    event_stop: re.Pattern
    event_end: re.Pattern
    meeting: re.Pattern
    period_exclusive: tuple[str, ...]
    clause_openers: tuple[str, ...]
    # judgement
    commit: tuple[Rule, ...]
    adjust: tuple[Rule, ...]
    sentences: tuple[SentenceExample, ...]
    # every pattern with its examples, for the tests
    examples: tuple[Example, ...]


def _alias_pattern(alias: str) -> str:
    return r"(?<!\w)" + re.escape(alias).replace(r"\ ", r"\s+") + r"(?!\w)"


def _rules(items: list[Section]) -> tuple[Rule, ...]:
    return tuple(
        Rule(
            name=r["name"],
            pattern=re.compile(r["pattern"], FLAGS),
            weight=float(r["weight"]),
            examples=tuple(r.get("examples", ())),
            counter=tuple(r.get("counter", ())),
            scope=r.get("scope", "clause"),
            hedged=bool(r.get("hedged", False)),
            future_time=bool(r.get("future_time", False)),
            unless=re.compile(r["unless"], FLAGS) if r.get("unless") else None,
        )
        for r in items
    )


def _words_pattern(words: Iterable[str]) -> str:
    ordered = sorted(words, key=len, reverse=True)
    return "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in ordered)


def _c(key: str, section: Section) -> re.Pattern:
    return re.compile(section[key], FLAGS)


@cache
def load_rules(lang: str = "nl") -> Rules:
    data = tomllib.loads((LANG_DIR / f"extract_{lang}.toml").read_text(encoding="utf-8"))
    months = month_names(lang)
    data["time"] = _with_months(data["time"], months)
    return Rules(
        threshold=float(data["decision"]["threshold"]),
        **_cleaning(data["sentences"], data["furniture"], data["footnotes"]),
        **_document(data["letter"], data["document"], data["source"]),
        months=months,
        **_clauses(data["clauses"]),
        **_actors(data["actors"]),
        **_time(data["time"]),
        **_judgement(data),
        examples=_examples(data),
    )


def _with_months(section: Section, months: tuple[str, ...]) -> Section:
    """The section with `{months}` in its patterns replaced by the month names, any one."""
    names = "|".join(months)
    return {k: v.replace("{months}", names) if isinstance(v, str) else v for k, v in section.items()}


# Each section's fields of `Rules`, by name.


def _cleaning(sent: Section, furn: Section, foot: Section) -> dict[str, Any]:
    return {
        "abbreviations": frozenset(a.lower() for a in sent["abbreviations"]),
        "starters": frozenset(sent["starters"]),
        "name_titles": frozenset(w.lower() for w in sent["name_titles"]),
        "heading_max_words": int(sent["heading_max_words"]),
        "furniture_lines": tuple(re.compile(p, FLAGS) for p in furn["lines"]),
        "furniture_inline": tuple(re.compile(p) for p in furn["inline"]),
        "footnote_sections": tuple(re.compile(p, FLAGS) for p in foot["sections"]),
        "footnote_line": re.compile(foot["line"]),
        "footnote_reference": _c("reference", foot),
        "suspended_compound": tuple(sent["suspended_compound"]),
        "hyphen_break": re.compile(
            r"(?<=[a-zà-ÿ]{3})- (?=[a-zà-ÿ]{2,})(?!(?:"
            + "|".join(map(re.escape, sent["not_broken_before"]))
            + r")\b)"
        ),
    }


def _document(letter: Section, doc: Section, src: Section) -> dict[str, Any]:
    sources = tuple(
        SourceRule(
            r["name"],
            re.compile(r["pattern"], FLAGS),
            r.get("template", "{subject}"),
            tuple(r.get("examples", ())),
        )
        for r in src["rule"]
    )
    return {
        "date_line": _c("date_line", letter),
        "received": _c("received", letter),
        "date_examples": tuple(letter["examples"]),
        **{
            key: _c(key, doc)
            for key in (
                "answers",
                "question",
                "answer",
                "numbered_question",
                "report",
                "speaker",
                "government_letter",
                "quoted",
            )
        },
        "others": re.compile(doc["others"], FLAGS | re.MULTILINE),
        "sources": sources,
        "kamerstuk": _c("kamerstuk", src),
        "aanhangsel": re.compile(src["aanhangsel"], FLAGS | re.DOTALL),
        "vergaderjaar": _c("vergaderjaar", src),
        "numbered_answer": _c("numbered_answer", doc),
        "reference_parens": _c("reference_parens", doc),
        "written": {
            key: src[key]
            for key in (
                "kamerstuk_number",
                "kamerstuk_written",
                "aanhangsel_written",
                "vergaderjaar_written",
                "letter",
                "letter_by",
                "letter_on",
            )
        },
    }


def _clauses(cl: Section) -> dict[str, Any]:
    subordinators: dict[str, str] = {}
    for kind in ("relative", "conditional", "temporal", "purpose", "reason", "interjection"):
        for w in cl[kind]:
            subordinators.setdefault(w.lower(), kind)
    return {
        "subordinators": subordinators,
        "subordinator_re": re.compile(rf"^(?:{_words_pattern(subordinators)})(?!\w)", FLAGS),
        "new_subject": re.compile(rf"^(?:{_words_pattern(cl['new_subject'])})(?!\w)", FLAGS),
        **{
            key: _c(key, cl)
            for key in (
                "expect_that",
                "report_that",
                "om_intention",
                "om_target",
                "relative_dat",
                "clause_next",
                "completed",
                "om",
                "om_verb",
                "om_no_clause",
            )
        },
        "coordinators": tuple(cl["coordinators"]),
        "coordinator_re": re.compile(rf"(?:{'|'.join(map(re.escape, cl['coordinators']))})\s", FLAGS),
        "then_re": re.compile(rf"{re.escape(cl['then'])}\s", FLAGS),
        "relative_prefix": cl["relative_prefix"],
        "complementizer": cl["complementizer"],
        "relative_pronoun": cl["relative_pronoun"],
        "that_re": re.compile(
            rf"\s*({re.escape(cl['relative_pronoun'])}|{re.escape(cl['complementizer'])})\b", FLAGS
        ),
        "articles": tuple(cl["articles"]),
        "when_words": tuple(cl["when_words"]),
    }


def _actors(act: Section) -> dict[str, Any]:
    ministries = tuple(Ministry(m["name"], tuple(m["aliases"])) for m in act["ministry"])
    aliases = sorted(
        ((a, m.name) for m in ministries for a in {m.name, *m.aliases}),
        key=lambda pair: -len(pair[0]),
    )
    return {
        **{key: _c(key, act) for key in ("government", "agencies", "third_parties", "agent")},
        "prepositions": frozenset(w.lower() for w in act["prepositions"]),
        "agent_word": act["agent_word"],
        "agent_named": re.compile(act["agent_named"]),
        "first_person": tuple(act["first_person"]),
        "addressee": tuple(act["addressee"]),
        "offices": tuple(act["offices"]),
        "closings": tuple(act["closings"]),
        "titles": tuple(act["titles"]),
        "office_links": (act["office_links"][0], act["office_links"][1]),
        "article": act["article"],
        "join_names": act["join_names"],
        "join_functions": act["join_functions"],
        "answerer": re.compile(_with_offices(act["answerer"], act["offices"]), FLAGS | re.DOTALL),
        "not_a_name": _c("not_a_name", act),
        "name_particles": frozenset(act["name_particles"]),
        "ministries": ministries,
        "ministry_aliases": tuple((re.compile(_alias_pattern(a), FLAGS), n) for a, n in aliases),
    }


def _with_offices(pattern: str, offices: list[str]) -> str:
    """`{offices}` in `pattern` replaced by the offices, any one."""
    return pattern.replace("{offices}", "|".join(re.escape(o) for o in offices))


def _time(tm: Section) -> dict[str, Any]:
    return {
        "time_cue": _c("cue", tm),
        **{
            key: _c(key, tm)
            for key in (
                "past_after",
                "past_before",
                "past_inside",
                "scope_before",
                "scope_phrase",
                "scope_after_noun",
                "noun_before",
                "bare_date",
                "bare_date_planning",
                "period",
                "laat_verb",
                "laat_adverb_before",
                "event_openers",
                "event_stop",
                "event_end",
                "meeting",
            )
        },
        "period_exclusive": tuple(tm["period_exclusive"]),
        "clause_openers": tuple(tm["clause_openers"]),
    }


def _judgement(data: Section) -> dict[str, Any]:
    adjust = _rules(data["adjust"])
    return {
        "commit": _rules(data["commit"]),
        "adjust": adjust,
        "sentences": tuple(
            SentenceExample(s["text"], s.get("date", "2024-03-01"), bool(s["promise"]), s.get("phrase"))
            for s in data.get("sentence", ())
        ),
    }


def _example(name: str, section: Section, key: str, examples: str, counter: str | None = None) -> Example:
    return Example(
        name,
        _c(key, section),
        tuple(section.get(examples, ())),
        tuple(section.get(counter, ())) if counter else (),
    )


def _examples(data: Section) -> tuple[Example, ...]:
    """Every pattern with its examples (and counter-examples), for the tests."""
    foot, doc, cl, ex = data["footnotes"], data["document"], data["clauses"], _example
    return (
        ex("footnote line", foot, "line", "examples", "counter"),
        ex("reference in a footnote", foot, "reference", "reference_examples", "reference_counter"),
        ex(
            "numbered answer label",
            doc,
            "numbered_answer",
            "numbered_answer_examples",
            "numbered_answer_counter",
        ),
        ex(
            "reference in brackets",
            doc,
            "reference_parens",
            "reference_parens_examples",
            "reference_parens_counter",
        ),
        ex("relative 'dat'", cl, "relative_dat", "relative_dat_examples", "relative_dat_counter"),
        ex(
            "what follows 'dat'/'die' opening a clause",
            cl,
            "clause_next",
            "clause_next_examples",
            "clause_next_counter",
        ),
        ex("a finished thing", cl, "completed", "completed_examples", "completed_counter"),
        ex("no 'om' clause", cl, "om_no_clause", "om_no_clause_examples"),
        *_actor_and_time_examples(data),
    )


def _actor_and_time_examples(data: Section) -> tuple[Example, ...]:
    """`_examples` of the actors, the documents' parts and the time phrases."""
    doc, src, act, tm, ex = data["document"], data["source"], data["actors"], data["time"], _example
    return (
        Example(
            "named agent",
            re.compile(act["agent_named"]),
            tuple(act["agent_named_examples"]),
            tuple(act["agent_named_counter"]),
        ),
        ex("answers heading", doc, "answers", "answers_examples"),
        ex("question label", doc, "question", "question_examples", "label_counter"),
        ex("answer label", doc, "answer", "answer_examples", "label_counter"),
        ex("debate report", doc, "report", "report_examples"),
        ex("speaker of a turn", doc, "speaker", "speaker_examples", "speaker_counter"),
        ex("written by others", doc, "others", "others_examples"),
        ex("quoted motion", doc, "quoted", "quoted_examples"),
        ex("Kamerstuk number", src, "kamerstuk", "kamerstuk_examples"),
        ex("government", act, "government", "government_examples", "government_counter"),
        ex("agencies", act, "agencies", "agencies_examples", "agencies_counter"),
        ex("third parties", act, "third_parties", "third_parties_examples", "third_parties_counter"),
        Example(
            "answering member of the government",
            re.compile(_with_offices(act["answerer"], act["offices"]), FLAGS | re.DOTALL),
            tuple(act["answerer_examples"]),
            tuple(act["answerer_counter"]),
        ),
        ex("no name in a signature", act, "not_a_name", "not_a_name_examples", "not_a_name_counter"),
        ex("weak time", tm, "weak", "weak_examples", "weak_counter"),
        Example(
            "past around a phrase",
            re.compile(
                f"(?:{tm['past_before']})|(?:{tm['past_after'].lstrip('^')})|(?:{tm['past_inside']})", FLAGS
            ),
            tuple(tm["past_examples"]),
        ),
        ex("scope before", tm, "scope_before", "scope_examples"),
        ex("scope phrase", tm, "scope_phrase", "scope_phrase_examples", "scope_phrase_counter"),
        ex("bare date", tm, "bare_date", "bare_date_examples"),
        ex("noun before a year", tm, "noun_before", "noun_before_examples"),
        ex("period", tm, "period", "period_examples"),
        ex("event openers", tm, "event_openers", "event_examples", "event_counter"),
        ex("meeting with its date", tm, "meeting", "meeting_examples"),
    )
