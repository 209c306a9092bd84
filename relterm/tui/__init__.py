"""The full-screen app.

``run()`` loads the ladder config and the settings before Textual is
imported, so a broken ``levels.yaml`` costs no more than in the CLI: the same
one-line error and exit status 2 (raised as ``RelTermError`` for the CLI to
print).
"""

from __future__ import annotations

import os

FIRST_PAGE = 200  # rows shown before the whole list has loaded


def prepare_environment() -> None:
    """Settings that must be in place before Textual is imported.

    Textual composes at most TEXTUAL_FPS frames a second (60 by default), so a
    change can wait up to 17 ms for its frame. The app redraws only after a key
    or a database result, so a higher cap costs nothing when idle and shows
    each change sooner. A value the user set wins.
    """
    os.environ.setdefault("TEXTUAL_FPS", "120")


def run(app_context, *, demo: bool = False, fresh_demo: bool = True) -> None:
    """Open the app over the store and ladder config named by ``app_context`` (a ``cli.context.AppContext``)."""
    from .. import paths

    config = app_context.config  # raises ConfigError (exit 2) before anything else happens
    prepare_environment()
    if demo:
        from ..demo import build_demo

        app_context.db_path = str(paths.demo_db_path())
        build_demo(paths.demo_db_path(), config, fresh=fresh_demo)
    ladder = config.default_ladder
    # The first screenful, read now (a few ms, the name index serves it) so that the first frame
    # already shows contacts; the whole list follows in a background worker. On a database that is
    # up to date it is read without the store, which the app opens after its first frame.
    from ..firstpage import read_first_page

    rows = read_first_page(app_context.database, ladder, FIRST_PAGE)
    if rows is None:  # a new database or one to migrate: open the store now, as every command does
        rows = app_context.core.rows(ladder=ladder, limit=FIRST_PAGE)
    from .themes import load_settings

    settings = load_settings(app_context.config_path)
    from .app import RelTermApp

    app = RelTermApp(
        lambda: app_context.core, config, config_dir=app_context.config_path, settings=settings, demo=demo,
        first_page=(ladder, rows), db_path=app_context.database,
    )
    try:
        app.run()
    finally:
        app.close_core()
