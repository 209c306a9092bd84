"""The click command group: options, lazily imported commands, and errors as one line."""

from __future__ import annotations

import importlib

import click

from .. import __version__
from ..errors import RelTermError
from . import COMMANDS
from .context import AppContext


class LazyGroup(click.Group):
    """A group that imports each command's module on first use and turns
    ``RelTermError`` into one line on stderr and exit status 2."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(set(COMMANDS) | set(super().list_commands(ctx)))

    def get_command(self, ctx: click.Context, name: str):
        if name in COMMANDS:
            module_name, attr = COMMANDS[name].split(":")
            module = importlib.import_module(f"relterm.cli.{module_name}")
            return getattr(module, attr)
        return super().get_command(ctx, name)

    def resolve_command(self, ctx, args):
        try:
            return super().resolve_command(ctx, args)
        except click.UsageError as exc:
            from ..fuzzy import closest

            if args and "No such command" in exc.message:
                close = closest(args[0], self.list_commands(ctx))
                if close:
                    exc.message += f" Did you mean '{close}'?"
            raise

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except RelTermError as exc:
            fail(str(exc), exc.exit_code)
        except Exception as exc:
            # A full disk, a locked, read-only or damaged database: one line, as for bad input.
            error = user_error(exc)
            if error is None:
                raise
            fail(str(error), error.exit_code)


def user_error(exc: BaseException):
    """``exc`` as the one-line ``RelTermError`` the user should see, or None for a bug (see ``store.explain``)."""
    if isinstance(exc, (click.exceptions.ClickException, click.exceptions.Exit, click.exceptions.Abort)):
        return None
    from ..store import explain

    return explain(exc)


def fail(message: str, code: int = 2) -> None:
    from .output import echo

    echo(f"relterm: {message}", err=True)
    raise click.exceptions.Exit(code)


@click.group(cls=LazyGroup, invoke_without_command=True, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--db",
    "db_path",
    metavar="PATH",
    envvar="RELTERM_DB",
    help="Database file to use (default: relterm.db in your data directory). Env: RELTERM_DB.",
)
@click.option(
    "--config-dir",
    metavar="DIR",
    envvar="RELTERM_CONFIG_DIR",
    help="Directory holding levels.yaml and themes (default: your config directory). Env: RELTERM_CONFIG_DIR.",
)
@click.version_option(__version__, "-V", "--version", prog_name="relterm")
@click.pass_context
def cli(ctx: click.Context, db_path: str | None, config_dir: str | None) -> None:
    """relterm: your professional relationships, on a ladder, from the terminal.

    Run without a command to open the full-screen app. Wherever a command
    takes a PERSON, give an id, the full name, or any part of the name that
    matches exactly one contact.
    """
    ctx.obj = AppContext(db_path=db_path, config_dir=config_dir)
    ctx.call_on_close(ctx.obj.close)  # in-process callers (tests, scripts) get the database back closed
    if ctx.invoked_subcommand is None:
        from .tui_cmd import launch

        launch(ctx.obj)
