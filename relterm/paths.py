"""Where relterm keeps its files: every path in one place.

Each location has an override, used by tests and power users alike:

* database: ``--db PATH`` or ``RELTERM_DB``; default
  ``$XDG_DATA_HOME/relterm/relterm.db`` (platformdirs' user data dir);
* configuration: ``--config-dir DIR`` or ``RELTERM_CONFIG_DIR``; default
  ``$XDG_CONFIG_HOME/relterm``;
* cache (the validated ladder config, rebuilt whenever it is missing):
  ``RELTERM_CACHE_DIR``; default ``$XDG_CACHE_HOME/relterm``.
"""

from __future__ import annotations

import os
from pathlib import Path

APP_NAME = "relterm"
DB_ENV = "RELTERM_DB"
CONFIG_ENV = "RELTERM_CONFIG_DIR"
CACHE_ENV = "RELTERM_CACHE_DIR"
LEVELS_FILE = "levels.yaml"
SETTINGS_FILE = "settings.yaml"
THEMES_DIR = "themes"

PACKAGE_DIR = Path(__file__).resolve().parent
SHIPPED_LEVELS = PACKAGE_DIR / LEVELS_FILE
SHIPPED_THEMES = PACKAGE_DIR / THEMES_DIR
MIGRATIONS_DIR = PACKAGE_DIR / "migrations"


def migration_names() -> list[str]:
    """The schema migrations this relterm knows, in order ("0001_initial", ...)."""
    return sorted(p.stem for p in MIGRATIONS_DIR.glob("[0-9]*.py"))


def data_dir() -> Path:
    from platformdirs import user_data_path

    return Path(user_data_path(APP_NAME, appauthor=False))


def default_db_path() -> Path:
    return data_dir() / "relterm.db"


def demo_db_path() -> Path:
    """The sample database of ``relterm demo``, kept apart from real data."""
    return data_dir() / "demo.db"


def db_path(override: str | os.PathLike | None = None) -> Path:
    if override:
        return Path(override).expanduser()
    env = os.environ.get(DB_ENV)
    if env:
        return Path(env).expanduser()
    return default_db_path()


def config_dir(override: str | os.PathLike | None = None) -> Path:
    if override:
        return Path(override).expanduser()
    env = os.environ.get(CONFIG_ENV)
    if env:
        return Path(env).expanduser()
    from platformdirs import user_config_path

    return Path(user_config_path(APP_NAME, appauthor=False))


def cache_dir() -> Path:
    """Where relterm keeps files it can rebuild at any time (deleting them is always safe)."""
    env = os.environ.get(CACHE_ENV)
    if env:
        return Path(env).expanduser()
    from platformdirs import user_cache_path

    return Path(user_cache_path(APP_NAME, appauthor=False))


def user_levels_file(config: Path) -> Path:
    return config / LEVELS_FILE


def user_themes_dir(config: Path) -> Path:
    return config / THEMES_DIR


def settings_file(config: Path) -> Path:
    return config / SETTINGS_FILE


def make_private_dir(path: Path) -> None:
    """Create ``path`` (and missing parents) readable by its owner only.

    Directories that already exist keep their mode: ``--db /tmp/x.db`` or
    ``--db ~/notes/x.db`` must not lock everyone else out of /tmp or ~/notes.
    """
    missing = []
    current = Path(path)
    while not current.exists() and current.parent != current:
        missing.append(current)
        current = current.parent
    for directory in reversed(missing):
        try:
            directory.mkdir(mode=0o700)
        except FileExistsError:
            continue
        try:
            os.chmod(directory, 0o700)  # mkdir's mode passes through the umask
        except OSError:
            pass
    if not Path(path).is_dir():
        raise NotADirectoryError(f"{path} is not a directory")
