"""`toezegging doctor`: check each part of this installation, with a fix for what is wrong."""

import click

from ..doctor import FAIL, OK, WARNING
from . import format as fmt
from .context import Context

MARKS = {OK: "✓", WARNING: "!", FAIL: "✗"}


@click.command(epilog="Exit status: 0 when no check fails (warnings allowed), 1 otherwise.")
@fmt.json_option("the checks")
@click.pass_obj
def doctor(ctx: Context, as_json: bool) -> None:
    """Check the config, database, mail templates, mail server, feeds folder and calendar.

    Prints ✓, ! (a warning) or ✗ per check, with a hint for each one that is not ✓.
    Nothing is written and no mail is sent.
    """
    from ..doctor import Check, run_checks
    from ..errors import ConfigError

    where = ctx.config_path or "the default place"
    try:
        config = ctx.config
    except ConfigError as e:
        checks = [Check("config", FAIL, str(e), "fix the config file (see config.example.toml)")]
    else:
        shown = str(config.path) if config.path else f"none at {where} (defaults)"
        checks = [Check("config", OK, f"loaded: {shown}")] + run_checks(config, ctx.today)
    failed = [c for c in checks if c.status == FAIL]
    if as_json:
        fmt.print_json(dict(ok=not failed, checks=[c.as_dict() for c in checks]))
    else:
        for c in checks:
            click.echo(f"{MARKS[c.status]} {c.name}: {c.detail}")
            if c.hint and c.status != OK:
                click.echo(f"    fix: {c.hint}")
        click.echo(
            f"\n{len(failed)} of {len(checks)} checks failed."
            if failed
            else f"\nAll {len(checks)} checks passed."
        )
    if failed:
        raise click.exceptions.Exit(1)
