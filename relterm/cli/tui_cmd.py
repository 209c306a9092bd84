"""Starting the full-screen app from the command line, on your data or on sample data."""

from __future__ import annotations

import click

from .context import AppContext


def launch(obj: AppContext, *, demo: bool = False, fresh: bool = True) -> None:
    """Open the full-screen app (``relterm`` with no command)."""
    from ..tui import run

    run(obj, demo=demo, fresh_demo=fresh)


@click.command()
@click.option("--keep", is_flag=True, help="Reopen the sample database as you left it instead of writing it afresh.")
@click.pass_obj
def demo(obj: AppContext, keep: bool) -> None:
    """Open the app on a sample database (a few dozen people, a year of history).

    The sample lives in its own file (demo.db in your data directory), never
    mixed with your own contacts; it is written afresh each time unless you
    pass --keep.
    """
    launch(obj, demo=True, fresh=not keep)
