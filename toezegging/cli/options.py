"""The options and arguments several commands share: a date, a date a prompt may leave
empty, and a promise's id (with its completion). `--json` is `format.json_option`."""

from datetime import date
from typing import Any

import click

from . import complete


class DateType(click.ParamType):
    name = "YYYY-MM-DD"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> date:
        if isinstance(value, date):
            return value
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            self.fail(f"{value!r} is not a date; write it as YYYY-MM-DD, e.g. 2026-06-10.", param, ctx)


DATE = DateType()


class OptionalDateType(DateType):
    """A date at a prompt where Enter gives none; a typo asks again (click re-prompts on it)."""

    def convert(  # type: ignore[override]
        self,
        value: Any,
        param: click.Parameter | None,
        ctx: click.Context | None,
    ) -> date | None:
        if value is None or (isinstance(value, str) and not value.strip()):
            return None
        return super().convert(value, param, ctx)


OPTIONAL_DATE = OptionalDateType()

ID_ARGUMENT = click.argument("promise_id", metavar="ID", shell_complete=complete.promise_ids)
