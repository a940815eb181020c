"""The one-sentence explanation of a window, worded by the `[explain]` tables of lang/."""

from datetime import date
from functools import cache

from .expr import Span
from .lexicon import language


class Explainer:
    def __init__(self, lang: str):
        self.t = language(lang).explain
        self.w = self.t["words"]
        self.p = self.t["period"]

    def date(self, d: date) -> str:
        return f"{d.day} {self.w['months'][d.month - 1]} {d.year}"

    def sentence(self, key: str, **fmt) -> str:
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

    def undated(self, phrase: str, link) -> str:
        """An event without a date: what the window will be once it has one."""
        key = link.mode + ("" if link.offset is not None or link.mode not in ("after", "before")
                           else "_bare")
        fmt = {"phrase": phrase.strip(), "anchor": link.anchor}
        if link.offset is not None:
            fmt["span"] = self.span(link.offset)
        return self.t["undated"][key].format(**fmt) + "."

    def dated(self, phrase: str, anchor: str | None, mode: str, offset: Span | None, day: date,
              earliest: date, latest: date, ref: date, passed: bool, hedged: bool) -> str:
        """The window of an event phrase once its event has a date."""
        key = mode + ("" if offset is not None or mode not in ("after", "before") else "_bare")
        if anchor is None:
            key = "unknown"
        fmt = {"phrase": phrase.strip(), "anchor": anchor or "", "date": self.date(day),
               "earliest": self.date(earliest), "latest": self.date(latest)}
        if offset is not None:
            fmt["span"] = self.span(offset)
        text = self.t["dated"][key].format(**fmt)
        if hedged:
            text += self.t["hedged"]
        if passed:
            text += self.t["passed"].format(ref=self.date(ref))
        return text + "."

    def period(self, res) -> str:
        occ = res.occ
        if occ is None:
            return ""
        part = res.part if res.key not in ("before_end", "before_mid", "by") else None
        text = self._with_part(self._occurrence(occ), part)
        if res.second is not None:
            second = self._with_part(self._occurrence(res.second), res.second_part)
            text = self.p["range"].format(first=self._with_part(self._occurrence(occ), res.part),
                                          second=second)
        return text

    def _with_part(self, text: str, part: str | None) -> str:
        return self.p["part"].format(part=self.w["part"][part], period=text) if part else text

    def _occurrence(self, occ) -> str:
        p = occ.period
        k = p.kind
        year = occ.start.year
        fmt = {"year": year, "start": self.date(occ.start), "end": self.date(occ.end)}
        if k in ("day", "weekday"):
            return self.p["day"].format(date=self.date(occ.start))
        if k in ("week", "weekof"):
            return self.p["week"].format(week=occ.start.isocalendar()[1], **fmt)
        if k == "month":
            return self.p["month"].format(month=self.w["months"][occ.start.month - 1], **fmt)
        if k in ("quarter", "half"):
            n = (occ.start.month - 1) // (3 if k == "quarter" else 6)
            return self.p[k].format(ordinal=self.w["ordinal"][n], **fmt)
        if k == "year":
            return self.p["year"].format(**fmt)
        if k == "season":
            return self.p["season"].format(season=self.w["season"][p.name], **fmt)
        if k == "recess":
            name = occ.moment.name or self.w["recess"][occ.moment.kind]
            return self.p["recess"].format(recess=name, **fmt)
        if k == "budget":
            m = occ.moment
            dates = self.date(m.start)
            if m.start != m.end:
                dates += f" {self.w['to']} {self.date(m.end)}"
            return self.p["budget"].format(budget=self.w["budget"][m.kind], dates=dates, year=m.year)
        return ""

    def explain(self, phrase, ref, earliest, res, expr, passed) -> str:
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
        if occ is not None and occ.period.kind == "day" and occ.period.weekday is not None \
                and occ.start.weekday() != occ.period.weekday:
            text += self.t["weekday_mismatch"].format(
                date=self.date(occ.start), weekday=self.w["weekdays"][occ.period.weekday])
        return text + "."


@cache
def explainer(lang: str) -> Explainer:
    return Explainer(lang)
