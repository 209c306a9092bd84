"""Small helpers shared by the relationship-intelligence tests."""

from __future__ import annotations

import datetime as dt

from relterm.config import load_config, parse_config
from relterm.core import Core
from relterm.paths import SHIPPED_LEVELS
from relterm.store import Contact

TODAY = dt.date(2026, 11, 23)  # tests/conftest.py freezes RELTERM_TODAY to this day


def set_added(cid: int, day: str) -> None:
    """Pretend the contact was added on ``day`` (created_at is the real clock otherwise)."""
    Contact.update(created_at=dt.datetime.fromisoformat(day + " 09:00:00")).where(Contact.id == cid).execute()


def add(core: Core, name: str, level=None, *, added: str = "2026-01-01", **kwargs) -> int:
    cid = core.add_contact(name, level=level, date=added, **kwargs)
    set_added(cid, added)
    return cid


def edited_config(transform):
    """The shipped config with ``transform(text) -> text`` applied."""
    return parse_config(transform(SHIPPED_LEVELS.read_text(encoding="utf-8")))


def shipped():
    return load_config()
