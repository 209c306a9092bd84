"""Where sync keeps its files, its settings, and what it remembers between runs.

Per database: ``<db name>-sync/`` beside the database file (for the default
database, ``relterm-sync/`` in the data directory) holds the two vdirs
(``contacts/``, ``agenda/``), vdirsyncer's status and ``state.json``. The
settings (``sync.yaml``) and the vdirsyncer config (``vdirsyncer.conf``) are
in relterm's config directory.

``state.json`` remembers, per card file: the card's UID, the contact it
belongs to, the file's signature (mtime, size, inode and a hash, so an
unchanged file is never read), the fields the file holds (``held``), the
last copy both sides agreed on (``base``, the merge's ancestor) and whether
relterm's last write is still waiting for vdirsyncer to take it to the
server (``pending``). Per agenda file it remembers a digest of the event
it holds and the file's signature (``agenda``), so an agenda that did not
move is neither rendered nor read again. It is replaced atomically: a sync killed before it is
saved is redone from the files and the database, which are consistent on
their own (see ``engine``).
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

import yaml

from ..errors import InputError
from ..safewrite import write_file
from .merge import RELTERM, SIDES

STATE_VERSION = 1
SETTINGS_FILE = "sync.yaml"
VDIRSYNCER_FILE = "vdirsyncer.conf"
DEFAULT_AGENDA_DAYS = 30
AGENDA_DAYS = (0, 366)  # how far ahead the agenda may reach, in days (sync init, sync.yaml): the one place


def agenda_days_ok(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and AGENDA_DAYS[0] <= value <= AGENDA_DAYS[1]


@dataclass(frozen=True)
class SyncPaths:
    root: Path
    config_dir: Path

    @classmethod
    def for_database(cls, db_path: Path, config_dir: Path) -> "SyncPaths":
        db_path = Path(db_path).expanduser().absolute()
        return cls(db_path.parent / f"{db_path.stem}-sync", Path(config_dir).expanduser().absolute())

    @property
    def contacts(self) -> Path:
        return self.root / "contacts"

    @property
    def agenda(self) -> Path:
        return self.root / "agenda"

    @property
    def state_file(self) -> Path:
        return self.root / "state.json"

    @property
    def status_dir(self) -> Path:
        return self.root / "vdirsyncer-status"

    @property
    def settings_file(self) -> Path:
        return self.config_dir / SETTINGS_FILE

    @property
    def vdirsyncer_config(self) -> Path:
        return self.config_dir / VDIRSYNCER_FILE


@dataclass
class Settings:
    prefer: str = RELTERM  # who wins a field both sides changed: relterm | phone
    agenda_days: int = DEFAULT_AGENDA_DAYS  # how far ahead the agenda vdir reaches
    root: Optional[str] = None  # the sync directory the vdirsyncer config points at

    @classmethod
    def load(cls, path: Path) -> Optional["Settings"]:
        if not path.exists():
            return None
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
            raise InputError(f"{path}: cannot read the sync settings ({str(exc).splitlines()[0]}); "
                             "fix it or run `relterm sync init --force`") from None
        if not isinstance(data, dict):
            raise InputError(f"{path}: the sync settings must be a mapping; run `relterm sync init --force`")
        prefer = data.get("prefer", RELTERM)
        if prefer not in SIDES:
            raise InputError(f"{path}: prefer must be relterm or phone, not {prefer!r}")
        days = data.get("agenda_days", DEFAULT_AGENDA_DAYS)
        if not agenda_days_ok(days):
            raise InputError(f"{path}: agenda_days must be a whole number from {AGENDA_DAYS[0]} to {AGENDA_DAYS[1]}")
        root = data.get("root")
        return cls(prefer, days, str(root) if root else None)

    def save(self, path: Path, *, database: Optional[Path]) -> None:
        """Write the settings atomically (0600); never over ``database`` (the core's) or its journals."""
        text = (
            "# relterm sync settings (written by `relterm sync init`).\n"
            "# prefer: who wins when relterm and the phone changed the same field since the last sync\n"
            "#         (relterm | phone); the losing value is kept on the contact's timeline.\n"
            "# agenda_days: how many days ahead the agenda calendar reaches.\n"
            + yaml.safe_dump({"prefer": self.prefer, "agenda_days": self.agenda_days, "root": self.root},
                             sort_keys=False)
        )
        write_file(path, text, database=database)


def signature(path: Path) -> Optional[list]:
    """[mtime_ns, size, inode] of a file, or None when it is gone."""
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return None
    return [st.st_mtime_ns, st.st_size, st.st_ino]


def digest(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=16).hexdigest()


class SyncState:
    """What the last sync saw. ``cards``: file name -> entry (a plain dict, see the module docstring)."""

    def __init__(self, path: Path, data: Optional[dict] = None, *, database: Optional[Path] = None):
        self.path = path
        self.database = database  # the core's database file: never written over (``safewrite``)
        data = data or {}
        self.cards: dict[str, dict] = data.get("cards", {})
        self.last_sync: Optional[str] = data.get("last_sync")
        self.last_counts: dict = data.get("last_counts", {})
        self.conflicts: list = data.get("conflicts", [])
        self.problems: list = data.get("problems", [])
        self.agenda: dict[str, list] = data.get("agenda", {})  # agenda file name -> [event key, signature]

    @classmethod
    def load(cls, path: Path, *, database: Optional[Path] = None) -> "SyncState":
        try:
            raw = path.read_bytes()
        except FileNotFoundError:
            return cls(path, database=database)
        except OSError as exc:
            raise InputError(f"{path}: cannot read the sync state: {exc.strerror or exc}") from None
        try:
            data = json.loads(raw)
            if not isinstance(data, dict) or data.get("version") != STATE_VERSION:
                raise ValueError("unknown version")
        except ValueError:
            # Only a memory: without it the next sync compares every card again and links by UID.
            raise InputError(f"{path}: the sync state is damaged; delete it and sync again "
                             "(cards are matched to contacts by UID, nothing is lost)") from None
        return cls(path, data, database=database)

    def save(self) -> None:
        data = {"version": STATE_VERSION, "last_sync": self.last_sync, "last_counts": self.last_counts,
                "conflicts": self.conflicts[-200:], "problems": self.problems[-200:], "cards": self.cards,
                "agenda": self.agenda}
        write_file(self.path, json.dumps(data, ensure_ascii=False, separators=(",", ":")), database=self.database)

    def by_contact(self) -> dict[int, str]:
        return {entry["cid"]: href for href, entry in self.cards.items() if entry.get("cid") is not None}
