"""The one-sentence explanation of a window, worded by the `[explain]` tables of lang/."""

from __future__ import annotations

import datetime
from functools import cache
from typing import TYPE_CHECKING, Any

from ..lang import month_names
from .expr import Expression, Link, Span
from .lexicon import language

if TYPE_CHECKING:  # resolve.py imports this module
    from .calendar import Occurrence
    from .resolve import _Result


class Explainer:
    def __init__(self, lang: str) -> None:
        self.t = language(lang).explain
        self.w = self.t["words"]
        self.p = self.t["period"]
        self.months = month_names(lang)

    def date(self, d: datetime.date) -> str:
        return f"{d.day} {self.months[d.month - 1]} {d.year}"

    def sentence(self, key: str, **fmt: Any) -> str:
        return self.t[key].format(**fmt)

    def span(self, s: Span, hi: Span | None = None) -> str:
        text = self._one_span(s)
        if hi is not None:
            text = f"{self._amount(s)} {self.w['to']} {self._one_span(hi)}"
        return text

    def _amount(self, s: Span) -> str:
        return str(s.months if s.months else s.days)

    def _one_span(self, s: Span) -> str:
        if s.months:
            if s.months % 12 == 0:
                n, unit = s.months // 12, "year"
            else:
                n, unit = s.months, "month"
        elif s.days % 7 == 0 and s.days:
            n, unit = s.days // 7, "week"
        else:
            n, unit = s.days, "day"
        singular, plural = self.w["unit"][unit]
        return f"{n} {singular if n == 1 else plural}"

    def undated(self, phrase: str, link: Link) -> str:
        """An event without a date: what the window will be once it has one."""
        key = link.mode + ("" if link.offset is not None or link.mode not in ("after", "before") else "_bare")
        fmt = {"phrase": phrase.strip(), "anchor": link.anchor}
        if link.offset is not None:
            fmt["span"] = self.span(link.offset)
        return self.t["undated"][key].format(**fmt) + "."

    def dated(
        self,
        phrase: str,
        anchor: str | None,
        mode: str,
        offset: Span | None,
        day: datetime.date,
        earliest: datetime.date,
        latest: datetime.date,
        ref: datetime.date,
        passed: bool,
        hedged: bool,
    ) -> str:
        """The window of an event phrase once its event has a date."""
        key = mode + ("" if offset is not None or mode not in ("after", "before") else "_bare")
        if anchor is None:
            key = "unknown"
        fmt = {
            "phrase": phrase.strip(),
            "anchor": anchor or "",
            "date": self.date(day),
            "earliest": self.date(earliest),
            "latest": self.date(latest),
        }
        if offset is not None:
            fmt["span"] = self.span(offset)
        text = self.t["dated"][key].format(**fmt)
        if hedged:
            text += self.t["hedged"]
        if passed:
            text += self.t["passed"].format(ref=self.date(ref))
        return text + "."

    def period(self, res: _Result) -> str:
        occ = res.occ
        if occ is None:
            return ""
        part = res.part if res.key not in ("before_end", "before_mid", "by") else None
        text = self._with_part(self._occurrence(occ), part)
        if res.second is not None:
            second = self._with_part(self._occurrence(res.second), res.second_part)
            text = self.p["range"].format(
                first=self._with_part(self._occurrence(occ), res.part), second=second
            )
        return text

    def _with_part(self, text: str, part: str | None) -> str:
        return self.p["part"].format(part=self.w["part"][part], period=text) if part else text

    def _occurrence(self, occ: Occurrence) -> str:
        p = occ.period
        k = p.kind
        year = occ.start.year
        fmt = {"year": year, "start": self.date(occ.start), "end": self.date(occ.end)}
        if k in ("day", "weekday"):
            return self.p["day"].format(date=self.date(occ.start))
        if k in ("week", "weekof"):
            return self.p["week"].format(week=occ.start.isocalendar()[1], **fmt)
        if k == "month":
            return self.p["month"].format(month=self.months[occ.start.month - 1], **fmt)
        if k in ("quarter", "half"):
            n = (occ.start.month - 1) // (3 if k == "quarter" else 6)
            return self.p[k].format(ordinal=self.w["ordinal"][n], **fmt)
        if k == "year":
            return self.p["year"].format(**fmt)
        if k == "season":
            return self.p["season"].format(season=self.w["season"][p.name], **fmt)
        m = occ.moment  # a recess or budget moment has one
        if k == "recess" and m is not None:
            name = m.name or self.w["recess"][m.kind]
            return self.p["recess"].format(recess=name, **fmt)
        if k == "budget" and m is not None:
            dates = self.date(m.start)
            if m.start != m.end:
                dates += f" {self.w['to']} {self.date(m.end)}"
            return self.p["budget"].format(budget=self.w["budget"][m.kind], dates=dates, year=m.year)
        return ""

    def explain(
        self,
        phrase: str,
        ref: datetime.date,
        earliest: datetime.date,
        res: _Result,
        expr: Expression,
        passed: bool,
    ) -> str:
        template = self.t[res.key]
        fmt = {"phrase": phrase.strip(), "latest": self.date(res.latest)}
        # Only what the template says is worded (a "by" sentence needs no period).
        if "{ref}" in template or passed:
            fmt["ref"] = self.date(ref)
        if "{earliest}" in template:
            fmt["earliest"] = self.date(earliest)
        if "{period}" in template:
            fmt["period"] = self.period(res)
        if res.span is not None:
            fmt["span"] = self.span(res.span, res.span_hi)
        text = template.format(**fmt)
        if expr.recurrence:
            words = self.w["recurrence"].get(expr.recurrence, expr.recurrence)
            text += self.t["recur"].format(recurrence=words)
        if res.estimated:
            text += self.t["estimated"]
        if expr.hedged:
            text += self.t["hedged"]
        if passed:
            text += self.t["passed"].format(ref=fmt["ref"])
        occ = res.occ
        if (
            occ is not None
            and occ.period.kind == "day"
            and occ.period.weekday is not None
            and occ.start.weekday() != occ.period.weekday
        ):
            text += self.t["weekday_mismatch"].format(
                date=self.date(occ.start), weekday=self.w["weekdays"][occ.period.weekday]
            )
        return text + "."


@cache
def explainer(lang: str) -> Explainer:
    return Explainer(lang)
