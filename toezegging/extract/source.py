"""Where a promise was made, as a mail or a feed may name it: the letter's subject and
its Kamerstuk number ("Reactie op de initiatiefnota van het lid Van der Werf over ...",
"36 811, nr. 2"), the answers' heading ("Antwoorden op vragen van het lid Erkens (VVD)
over ... (Aanhangsel Handelingen, vergaderjaar 2023–2024, nr. 2168)"), never a file name.
The rules are `[source]` in `lang/extract_nl.toml`."""

import re
from datetime import date

from .rules import Rules, load_rules

MAX = 220


def _tidy(text: str) -> str:
    text = re.sub(r"\[[^\]]*\]", "", text)
    text = re.sub(r"(?<=\w)- (?=[a-zà-ÿ])", "", text)  # "hoofdlijnenak- koord"
    text = re.sub(r"\s+", " ", text).strip(" .,;:")
    if len(text) > MAX:
        text = text[:MAX].rsplit(" ", 1)[0] + " …"
    return text


def kamerstuk_in(text: str, rules: Rules | None = None) -> str | None:
    """The first Kamerstuk number in `text`, written "36 811, nr. 2"."""
    rules = rules or load_rules()
    m = rules.kamerstuk.search(text)
    if not m:
        return None
    dossier = re.sub(r"\s+", " ", m.group("dossier"))
    dossier = re.sub(r"^(\d{2})(\d{3})", r"\1 \2", dossier)
    return rules.written["kamerstuk_number"].format(dossier=dossier, nr=m.group("nr"))


def source_of(text: str, kind: str, rules: Rules | None = None) -> tuple[str | None, str | None]:
    """(subject, Kamerstuk number) of the document, as far as its text gives them."""
    rules = rules or load_rules()
    head = text[:12000]
    flat = re.sub(r"\s+", " ", head)
    if kind == "answers":
        for rule in rules.sources:
            if rule.name != "kamervragen":
                continue
            m = rule.pattern.search(flat)
            if m:
                subject = _tidy(rule.template.format(**{k: _tidy(v) for k, v in m.groupdict().items() if v}))
                nr = rules.aanhangsel.search(flat)
                year = rules.vergaderjaar.search(flat)
                if nr:
                    written = rules.written
                    where = written["vergaderjaar_written"].format(year=year.group("year")) if year else ""
                    subject += written["aanhangsel_written"].format(where=where, nr=nr.group("nr"))
                return subject, None
    for rule in rules.sources:
        if rule.name == "kamervragen":
            continue
        m = rule.pattern.search(head) or rule.pattern.search(flat)
        if not m:
            continue
        groups = {k: _tidy(v) for k, v in m.groupdict().items() if v}
        subject = _tidy(rule.template.format(**groups))
        if not subject:
            continue
        if "dossier" in groups and "nr" in groups:
            cited = rules.written["kamerstuk_written"].format(dossier=groups["dossier"], nr=groups["nr"])
            return subject, kamerstuk_in(cited, rules)
        where = m.string
        return subject, kamerstuk_in(where[m.start() : m.end() + 300], rules)
    if kind == "report":
        m = rules.report.search(head)
        if m:
            line_start = head.rfind("\n", 0, m.start()) + 1
            line_end = head.find("\n", m.end())
            return _tidy(head[line_start : line_end if line_end > 0 else None]), None
    return None, None


def letter_source(signed_by: str | None, day: date | None, rules: Rules | None = None) -> str | None:
    """A document without a subject of its own: "Brief van de minister van Defensie van 3
    juni 2026"."""
    if not (signed_by or day):
        return None
    rules = rules or load_rules()
    written = rules.written
    who = written["letter_by"].format(signed_by=signed_by) if signed_by else ""
    when = ""
    if day:
        when = written["letter_on"].format(date=f"{day.day} {rules.months[day.month - 1]} {day.year}")
    return written["letter"].format(who=who, when=when)
