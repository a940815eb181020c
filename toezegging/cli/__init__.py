"""The `toezegging` command: a click group whose subcommands live in sibling modules.

Subcommands are imported only when they run, so `toezegging parse` starts without
loading the database, feed or mail libraries; the command modules import those libraries
inside the commands that use them, for start-up time (`tests/test_startup.py` checks what
each command loads, `benchmarks/cli.py` measures it). Each module below owns its commands:

| module            | commands                                                        |
|-------------------|-----------------------------------------------------------------|
| `cli/parse.py`    | parse                                                           |
| `cli/promises.py` | add, list, show, edit, done, postpone, withdraw, lapse, delete, import, export |
| `cli/events.py`   | events, event (date, link, set)                                 |
| `cli/feeds.py`    | feeds (build, token), serve                                     |
| `cli/site.py`     | site (build)                                                    |
| `cli/remind.py`   | remind, scheduler, draft, outbox                                |
| `cli/extract.py`  | extract                                                         |
| `cli/calendar.py` | calendar                                                        |
| `cli/doctor.py`   | doctor                                                          |
| `cli/demo.py`     | demo                                                            |
| `cli/sync.py`     | sync (tk), stats                                                |

Beside them: `cli/context.py` (the config, the clock and the one way to open the store),
`cli/format.py` (every kind of output, and the error every command ends with),
`cli/options.py` (options several commands share) and `cli/complete.py` (shell completion).

The clock is read here, once per command (`Context.today`/`Context.now`), never below.
"""

import importlib
import sys
from typing import Any

import click

from .. import __version__
from ..errors import ToezeggingError
from .context import Context
from .format import UserError, plain_lines
from .hints import told

# command name -> (module, attribute); the order is the order of `--help`.
COMMANDS: dict[str, tuple[str, str]] = {
    "parse": ("parse", "parse"),
    "add": ("promises", "add"),
    "list": ("promises", "list_"),
    "show": ("promises", "show"),
    "edit": ("promises", "edit"),
    "done": ("promises", "done"),
    "postpone": ("promises", "postpone"),
    "withdraw": ("promises", "withdraw"),
    "lapse": ("promises", "lapse"),
    "delete": ("promises", "delete"),
    "import": ("promises", "import_"),
    "export": ("promises", "export"),
    "events": ("events", "events"),
    "event": ("events", "event"),
    "extract": ("extract", "extract"),
    "feeds": ("feeds", "feeds"),
    "serve": ("feeds", "serve"),
    "site": ("site", "site"),
    "remind": ("remind", "remind"),
    "scheduler": ("remind", "scheduler"),
    "draft": ("remind", "draft"),
    "outbox": ("remind", "outbox"),
    "calendar": ("calendar", "calendar"),
    "doctor": ("doctor", "doctor"),
    "demo": ("demo", "demo"),
    "sync": ("sync", "sync"),
    "stats": ("sync", "stats"),
}


class LazyGroup(click.Group):
    """A group that imports a subcommand's module only when it is asked for."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        # Bytes in argv that are not UTF-8 reach Python as lone surrogates; no store or
        # terminal takes them, so refuse them here, showing the argument as bytes.
        for arg in args:
            if any("\ud800" <= c <= "\udfff" for c in arg):
                shown = arg.encode(
                    "utf-8",
                    "surrogateescape"
                    if all("\udc80" <= c <= "\udcff" for c in arg if "\ud800" <= c <= "\udfff")
                    else "backslashreplace",
                ).decode("utf-8", "backslashreplace")
                raise UserError(
                    f"an argument is not UTF-8 text: '{shown}'. Set the terminal and the "
                    "shell to UTF-8 (e.g. LANG=nl_NL.UTF-8) and type it again."
                )
        return super().parse_args(ctx, args)

    def list_commands(self, ctx: click.Context) -> list[str]:
        return [name for name in COMMANDS if self._load(name) is not None]

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        return self._load(cmd_name)

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except ToezeggingError as e:
            raise UserError(plain_lines(told(e))) from None
        except Exception as e:
            # A database failure that is no bug (busy, disk full, read-only, damaged, gone)
            # gets a message too; the store only is imported when a command used it.
            if "toezegging.store" not in sys.modules:
                raise
            from ..database import describe_failure, sqlite_path

            try:
                path = sqlite_path(ctx.obj.config.database_url())
            except Exception:
                path = None
            if (message := describe_failure(e, path=path)) is None:
                raise
            raise UserError(message) from None

    @staticmethod
    def _load(name: str) -> click.Command | None:
        if name not in COMMANDS:
            return None
        module_name, attr = COMMANDS[name]
        try:
            module = importlib.import_module(f"{__name__}.{module_name}")
        except ModuleNotFoundError as e:
            # A command module not written yet is simply absent; a missing library is a bug.
            if e.name == f"{__name__}.{module_name}":
                return None
            raise
        return getattr(module, attr, None)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--config",
    "config_path",
    type=click.Path(dir_okay=False),
    envvar="TOEZEGGING_CONFIG",
    help="Config file (TOML). Default: toezegging.toml in the user's config directory.",
)
@click.version_option(__version__, "-V", "--version", prog_name="toezegging")
@click.pass_context
def cli(ctx: click.Context, config_path: str | None) -> None:
    """Keep track of what ministers promise the Tweede Kamer, and chase it when due."""
    ctx.obj = Context(config_path=config_path)


# Ctrl-C (SIGINT) ends a command with 128 + SIGINT, as a shell reports a process it ended.
EXIT_INTERRUPTED = 130


def _interrupted(e: BaseException | None) -> bool:
    """Whether an `Abort` came from Ctrl-C (click raises it from the KeyboardInterrupt it
    caught, at a prompt or anywhere in a command), rather than a declined question or the
    end of the input."""
    while e is not None:
        if isinstance(e, KeyboardInterrupt):
            return True
        e = e.__cause__ or e.__context__
    return False


def main(argv: list[str] | None = None) -> None:
    """Console entry point. User errors reach here as `UserError` (see `LazyGroup.invoke`)."""
    try:
        # Outside standalone mode click returns the status of `Exit` instead of exiting.
        status = cli.main(args=argv, prog_name="toezegging", standalone_mode=False)
        if isinstance(status, int) and status:
            sys.exit(status)
    except click.exceptions.Abort as e:
        if _interrupted(e):
            click.echo("Interrupted.", err=True)
            sys.exit(EXIT_INTERRUPTED)
        click.echo("Aborted; nothing was written.", err=True)
        sys.exit(1)
    except KeyboardInterrupt:  # before or after click ran the command
        click.echo("\nInterrupted.", err=True)
        sys.exit(EXIT_INTERRUPTED)
    except click.ClickException as e:
        e.show()
        sys.exit(e.exit_code)
    except click.exceptions.Exit as e:
        sys.exit(e.exit_code)
    except BrokenPipeError:
        sys.exit(0)
