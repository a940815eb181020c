"""The words of `lang/extract_nl.toml`, compiled once: cleaning, document structure,
clauses, actors, time, and the commitment and adjustment rules."""

import re
import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

LANG_DIR = Path(__file__).resolve().parents[1] / "lang"
FLAGS = re.IGNORECASE


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
    # the document
    date_line: re.Pattern
    received: re.Pattern
    months: tuple[str, ...]
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
    # clauses
    subordinators: dict[str, str]  # word(s) -> kind
    subordinator_re: re.Pattern
    expect_that: re.Pattern
    report_that: re.Pattern
    new_subject: re.Pattern
    om_intention: re.Pattern
    om_target: re.Pattern
    # actors
    government: re.Pattern
    agencies: re.Pattern
    third_parties: re.Pattern
    prepositions: frozenset[str]
    agent: re.Pattern
    offices: tuple[str, ...]
    closings: tuple[str, ...]
    titles: tuple[str, ...]
    ministries: tuple[Ministry, ...]
    ministry_aliases: tuple[tuple[re.Pattern, str], ...]  # longest alias first
    # time
    time_cue: re.Pattern
    weak_time: re.Pattern
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
    # judgement
    commit: tuple[Rule, ...]
    adjust: tuple[Rule, ...]
    adjust_by_name: dict[str, Rule]
    sentences: tuple[SentenceExample, ...]
    # every pattern with its examples, for the tests
    examples: tuple[Example, ...]


def _alias_pattern(alias: str) -> str:
    return r"(?<!\w)" + re.escape(alias).replace(r"\ ", r"\s+") + r"(?!\w)"


def _rules(items: list[dict]) -> tuple[Rule, ...]:
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


def _words_pattern(words) -> str:
    ordered = sorted(words, key=len, reverse=True)
    return "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in ordered)


@cache
def load_rules(lang: str = "nl") -> Rules:
    data = tomllib.loads((LANG_DIR / f"extract_{lang}.toml").read_text(encoding="utf-8"))
    sent, furn, foot = data["sentences"], data["furniture"], data["footnotes"]
    letter, doc, src, cl = data["letter"], data["document"], data["source"], data["clauses"]
    act, tm = data["actors"], data["time"]
    c = lambda key, section: re.compile(section[key], FLAGS)  # noqa: E731

    ministries = tuple(Ministry(m["name"], tuple(m["aliases"])) for m in act["ministry"])
    aliases = sorted(
        ((a, m.name) for m in ministries for a in {m.name, *m.aliases}),
        key=lambda pair: -len(pair[0]),
    )
    subordinators = {}
    for kind in ("relative", "conditional", "temporal", "purpose", "reason", "interjection"):
        for w in cl[kind]:
            subordinators.setdefault(w.lower(), kind)
    commit = _rules(data["commit"])
    adjust = _rules(data["adjust"])
    sources = tuple(
        SourceRule(r["name"], re.compile(r["pattern"], FLAGS), r.get("template", "{subject}"),
                   tuple(r.get("examples", ())))
        for r in src["rule"]
    )

    def ex(name, section, key, examples, counter=None):
        return Example(name, c(key, section), tuple(section.get(examples, ())),
                       tuple(section.get(counter, ())) if counter else ())

    examples = (
        ex("footnote line", foot, "line", "examples", "counter"),
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
        ex("third parties", act, "third_parties", "third_parties_examples",
           "third_parties_counter"),
        ex("weak time", tm, "weak", "weak_examples", "weak_counter"),
        Example("past around a phrase",
                re.compile(f"(?:{tm['past_before']})|(?:{tm['past_after'].lstrip('^')})|"
                           f"(?:{tm['past_inside']})", FLAGS),
                tuple(tm["past_examples"])),
        ex("scope before", tm, "scope_before", "scope_examples"),
        ex("scope phrase", tm, "scope_phrase", "scope_phrase_examples", "scope_phrase_counter"),
        ex("bare date", tm, "bare_date", "bare_date_examples"),
        ex("noun before a year", tm, "noun_before", "noun_before_examples"),
        ex("period", tm, "period", "period_examples"),
        ex("event openers", tm, "event_openers", "event_examples", "event_counter"),
        ex("meeting with its date", tm, "meeting", "meeting_examples"),
    )
    return Rules(
        threshold=float(data["decision"]["threshold"]),
        abbreviations=frozenset(a.lower() for a in sent["abbreviations"]),
        starters=frozenset(sent["starters"]),
        name_titles=frozenset(w.lower() for w in sent["name_titles"]),
        heading_max_words=int(sent["heading_max_words"]),
        furniture_lines=tuple(re.compile(p, FLAGS) for p in furn["lines"]),
        furniture_inline=tuple(re.compile(p) for p in furn["inline"]),
        footnote_sections=tuple(re.compile(p, FLAGS) for p in foot["sections"]),
        footnote_line=re.compile(foot["line"]),
        date_line=c("date_line", letter),
        received=c("received", letter),
        months=tuple(letter["months"]),
        date_examples=tuple(letter["examples"]),
        answers=c("answers", doc),
        question=c("question", doc),
        answer=c("answer", doc),
        numbered_question=c("numbered_question", doc),
        report=c("report", doc),
        speaker=c("speaker", doc),
        others=re.compile(doc["others"], FLAGS | re.MULTILINE),
        government_letter=c("government_letter", doc),
        quoted=c("quoted", doc),
        sources=sources,
        kamerstuk=c("kamerstuk", src),
        aanhangsel=re.compile(src["aanhangsel"], FLAGS | re.DOTALL),
        vergaderjaar=c("vergaderjaar", src),
        subordinators=subordinators,
        subordinator_re=re.compile(rf"^(?:{_words_pattern(subordinators)})(?!\w)", FLAGS),
        expect_that=c("expect_that", cl),
        report_that=c("report_that", cl),
        new_subject=re.compile(rf"^(?:{_words_pattern(cl['new_subject'])})(?!\w)", FLAGS),
        om_intention=c("om_intention", cl),
        om_target=c("om_target", cl),
        government=c("government", act),
        agencies=c("agencies", act),
        third_parties=c("third_parties", act),
        prepositions=frozenset(w.lower() for w in act["prepositions"]),
        agent=c("agent", act),
        offices=tuple(act["offices"]),
        closings=tuple(act["closings"]),
        titles=tuple(act["titles"]),
        ministries=ministries,
        ministry_aliases=tuple((re.compile(_alias_pattern(a), FLAGS), n) for a, n in aliases),
        time_cue=c("cue", tm),
        weak_time=c("weak", tm),
        past_after=c("past_after", tm),
        past_before=c("past_before", tm),
        past_inside=c("past_inside", tm),
        scope_before=c("scope_before", tm),
        scope_phrase=c("scope_phrase", tm),
        scope_after_noun=c("scope_after_noun", tm),
        noun_before=c("noun_before", tm),
        bare_date=c("bare_date", tm),
        bare_date_planning=c("bare_date_planning", tm),
        period=c("period", tm),
        laat_verb=c("laat_verb", tm),
        laat_adverb_before=c("laat_adverb_before", tm),
        event_openers=c("event_openers", tm),
        event_stop=c("event_stop", tm),
        event_end=c("event_end", tm),
        meeting=c("meeting", tm),
        commit=commit,
        adjust=adjust,
        adjust_by_name={r.name: r for r in adjust},
        sentences=tuple(
            SentenceExample(s["text"], s.get("date", "2024-03-01"), bool(s["promise"]),
                            s.get("phrase"))
            for s in data.get("sentence", ())
        ),
        examples=examples,
    )
