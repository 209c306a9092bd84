"""Two-way CardDAV/CalDAV sync through vdirsyncer (no Textual, no click here).

relterm keeps two vdirs correct (contacts/ two ways, agenda/ one way) and
lets vdirsyncer move them to a server. ``setup`` is `relterm sync init`,
``engine.run_sync`` is `relterm sync`; see the modules for the rules.
"""

from __future__ import annotations

from pathlib import Path
from typing import Optional

from ..errors import InputError
from ..paths import make_private_dir
from ..safewrite import write_file
from .engine import Report, run_sync, status
from .merge import PHONE, RELTERM
from .state import AGENDA_DAYS, DEFAULT_AGENDA_DAYS, Settings, SyncPaths, agenda_days_ok

__all__ = ["Report", "run_sync", "status", "setup", "Settings", "SyncPaths", "RELTERM", "PHONE", "load"]


def _check_url(url: str, what: str) -> str:
    url = (url or "").strip()
    if not url.lower().startswith(("http://", "https://")) or any(c.isspace() for c in url):
        raise InputError(f"the {what} must be an http:// or https:// URL, not {url[:80]!r}")
    return url


def setup(paths: SyncPaths, url: str, *, calendar_url: Optional[str] = None, username: str = "",
          password: Optional[str] = None, password_command: Optional[str] = None, prefer: str = RELTERM,
          agenda_days: int = DEFAULT_AGENDA_DAYS, force: bool = False, database: Optional[Path] = None) -> list[Path]:
    """Write the vdirsyncer config and the settings, create the vdirs; return what was written.

    ``database``: the database the sync is for (its file and journals are never written over)."""
    from .vdirsyncer import config_text

    url = _check_url(url, "address book URL")
    if calendar_url:
        calendar_url = _check_url(calendar_url, "calendar URL")
    if prefer not in (RELTERM, PHONE):
        raise InputError("--prefer must be relterm or phone")
    if not agenda_days_ok(agenda_days):
        raise InputError(f"--agenda-days must be from {AGENDA_DAYS[0]} to {AGENDA_DAYS[1]}")
    if paths.vdirsyncer_config.exists() and not force:
        raise InputError(f"{paths.vdirsyncer_config} exists; pass --force to replace it "
                         "(the vdirs and what was synced are kept)")
    if password_command and "\n" in password_command:
        raise InputError("the password command must be one line")
    make_private_dir(paths.config_dir)
    for directory in (paths.root, paths.contacts, paths.agenda):
        make_private_dir(directory)
    write_file(paths.vdirsyncer_config, config_text(
        paths, url, calendar_url=calendar_url, username=username, password=password,
        password_command=password_command), database=database)
    Settings(prefer, agenda_days, str(paths.root)).save(paths.settings_file, database=database)
    return [paths.vdirsyncer_config, paths.settings_file, paths.contacts, paths.agenda]


def load(paths: SyncPaths) -> Settings:
    settings = Settings.load(paths.settings_file)
    if settings is None:
        raise InputError("sync is not set up; run `relterm sync init --url URL` first")
    return settings
