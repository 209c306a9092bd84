"""The relterm command line: one client of the core, beside the TUI.

Commands live in sibling modules and are imported only when run, so
``relterm add`` does not pay for the import of every other command (or of
Textual). To add a command, add it to ``COMMANDS``. The click group itself is
in ``group.py``; plain ``relterm`` opens the app without it (see :func:`main`).
"""

from __future__ import annotations

import sys

# command name -> "module:attribute" inside relterm.cli
COMMANDS: dict[str, str] = {
    "add": "contacts:add",
    "log": "contacts:log",
    "promote": "contacts:promote",
    "demote": "contacts:demote",
    "list": "contacts:list_",
    "show": "contacts:show",
    "levels": "contacts:levels",
    "edit": "contacts:edit",
    "delete": "contacts:delete",
    "restore": "contacts:restore",
    "event": "events:event",
    "duplicates": "merge_cmd:duplicates",
    "merge": "merge_cmd:merge",
    "backup": "contacts:backup",
    "check": "check_cmd:check",
    "config": "config_cmd:config",
    "demo": "tui_cmd:demo",
    "import": "io_cmd:import_",
    "export": "io_cmd:export_",
    "due": "intel:due",
    "snooze": "intel:snooze",
    "follow-up": "followup_cmd:follow_up",
    "follow-ups": "followup_cmd:follow_ups",
    "intro": "intel:intro",
    "names": "intel:names",
    "path": "intel:path",
    "overlaps": "intel:overlaps",
    "who-knows": "intel:who_knows",
    "reach": "intel:reach",
    "balance": "intel:balance",
    "stats": "intel:stats",
    "review": "intel:review",
    "suggest": "intel:suggest",
    "matrix": "intel:matrix",
    "brief": "intel:brief",
    "goal": "intel:goal",
    "sync": "sync_cmd:sync",
}


def main(argv: list[str] | None = None) -> None:
    from ..errors import RelTermError
    from .streams import finish, guard

    args = sys.argv[1:] if argv is None else list(argv)
    # Arguments that are not UTF-8, a closed stdout: one line and exit 2 before anything runs;
    # failures of stdin and stdout later become RelTermErrors (see streams.py).
    guard(args, app=not args)
    try:
        if not args:
            _open_app()
        else:
            from .group import cli

            try:
                cli.main(args=args, prog_name="relterm", standalone_mode=True)
            finally:
                finish()
    except KeyboardInterrupt:
        from .output import echo

        echo("relterm: interrupted; nothing was written", err=True)
        sys.exit(130)
    except RelTermError as exc:  # raised outside a command (help, usage errors) or by the last flush
        from .output import last_words

        last_words(f"relterm: {exc}")
        sys.exit(exc.exit_code)


def _open_app() -> None:
    """Plain ``relterm``: the full-screen app on the default (or RELTERM_DB / RELTERM_CONFIG_DIR) files.

    Started without click, whose import and parsing would add ~30 ms before the first frame; errors end
    the same way as through the group: one line on stderr and exit status 2.
    """
    from ..errors import RelTermError
    from ..tui import run
    from .context import AppContext

    try:
        run(AppContext())
    except RelTermError as exc:
        from .output import echo

        echo(f"relterm: {exc}", err=True)
        sys.exit(exc.exit_code)
    except Exception as exc:  # a locked, read-only or damaged database, a full disk: one line too
        from ..store import explain
        from .output import echo

        error = explain(exc)
        if error is None:
            raise
        echo(f"relterm: {error}", err=True)
        sys.exit(error.exit_code)


def __getattr__(name: str):
    """``cli`` and ``fail`` live in ``group.py``; imported from here on first use."""
    if name in ("cli", "fail"):
        from . import group

        return getattr(group, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
