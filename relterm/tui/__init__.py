"""The full-screen app.

``run()`` loads the ladder config and the settings before Textual is
imported, so a broken ``levels.yaml`` costs no more than in the CLI: the same
one-line error and exit status 2 (raised as ``RelTermError`` for the CLI to
print).
"""

from __future__ import annotations


def run(app_context, *, demo: bool = False, fresh_demo: bool = True) -> None:
    """Open the app over the store and ladder config named by ``app_context`` (a ``cli.context.AppContext``)."""
    from .. import paths

    config = app_context.config  # raises ConfigError (exit 2) before anything else happens
    if demo:
        from ..demo import build_demo

        app_context.db_path = str(paths.demo_db_path())
        build_demo(paths.demo_db_path(), config, fresh=fresh_demo)
    core = app_context.core
    from .themes import load_settings

    settings = load_settings(app_context.config_path)
    from .app import RelTermApp

    app = RelTermApp(core, config, config_dir=app_context.config_path, settings=settings, demo=demo)
    try:
        app.run()
    finally:
        core.close()
