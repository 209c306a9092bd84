"""Starting the full-screen app from the command line."""

from __future__ import annotations

import click

from .context import AppContext


def launch(obj: AppContext, *, demo: bool = False) -> None:
    try:
        from ..tui import run
    except ImportError:  # the TUI package is not there yet
        click.echo("relterm: the full-screen app is not available in this build; see `relterm --help`.")
        return
    run(obj, demo=demo)
