"""`relterm check`: is the database file sound, and if not, how to get the data back."""

from __future__ import annotations

import click

from .context import AppContext
from .group import fail
from .output import echo

pass_app = click.make_pass_decorator(AppContext)


@click.command()
@pass_app
def check(app: AppContext):
    """Check the database file for damage (SQLite's integrity and foreign key checks).

    Reads the file without changing it, even when it is damaged or read-only.
    Exit status 0 when it is sound, 2 when it is damaged, with the way back.
    """
    from .. import store

    path = app.database
    result = store.check_database(path)
    if result.ok:
        what = f"{result.contacts} contact{'s' if result.contacts != 1 else ''}, schema {result.schema}"
        echo(f"{path}: ok, no damage found ({what}; integrity and foreign keys checked).")
        return
    echo(f"{path}: DAMAGED. SQLite reports:")
    for problem in result.problems:
        echo(f"  {problem}")
    backups = store.migration_backups(path)
    echo("relterm will not write to this file. To get your data back:")
    echo("  1. Keep a copy of the damaged file as it is (cp it somewhere safe) before anything else.")
    if backups:
        echo(f"  2. Restore a copy taken before an upgrade, newest first (copy it over {path.name}):")
        for backup in backups:
            echo(f"       {backup}")
    else:
        echo(f"  2. Restore a copy you made: copy a `relterm backup` file over {path.name}, or load a JSON")
        echo("     export into a new database: relterm --db NEW.db import backup.json")
    echo(f'  3. Or save what is still readable: sqlite3 "{path}" .recover | sqlite3 NEW.db,')
    echo("     then check it with: relterm --db NEW.db check")
    fail(f"{path} is damaged; see above for how to recover")
