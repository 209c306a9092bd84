"""Fixtures for driving the real app with Pilot over a temporary database file."""

from __future__ import annotations

import pytest

from relterm.config import load_config
from relterm.core import Core

# A small fixed data set: name, business rank, sphere, company, tags.
PEOPLE = [
    ("Ada Lovelace", 5, "business", "Analytical Engines", ("math",)),
    ("Ben Okri", 3, "friends", "Famished Road Ltd", ("books", "press")),
    ("Chen Wei", 1, "business", "Harbor Freight", ()),
    ("Dana Scully", 4, "business", "Federal Bureau", ("science",)),
    ("Elena Ferrante", 2, "acquaintance", "Europa Editions", ("books",)),
    ("Farid Haddad", 0, "business", "Cedar Press", ()),
    ("Grace Hopper", 6, "business", "Navy Labs", ("cobol", "math")),
]


@pytest.fixture
def people(core) -> dict[str, int]:
    """The fixed contacts, with a few interactions and one introduction."""
    ids: dict[str, int] = {}
    for name, rank, sphere, company, tags in PEOPLE:
        ids[name] = core.add_contact(name, level=rank, sphere=sphere, company=company, tags=tags, date="2026-01-10")
    core.log(ids["Ada Lovelace"], "coffee", "Talked about engines", date="2026-11-02")
    core.log(ids["Ada Lovelace"], "email", "Sent the notes", date="2026-10-20")
    core.log(ids["Grace Hopper"], "meal", "Lunch by the harbour", date="2026-11-20")
    core.log(ids["Dana Scully"], "call", "Quick call", date="2026-08-01")
    # Everyone was added in January: those with a cadence need a recent contact to be on track.
    core.log(ids["Ben Okri"], "message", "Asked about the reading", date="2026-11-15")
    core.log(ids["Chen Wei"], "email", "Sent the freight quote", date="2026-11-10")
    core.log(ids["Elena Ferrante"], "social", "Liked her post", date="2026-11-01")
    core.edit_contact(ids["Elena Ferrante"], introduced_by=ids["Ben Okri"])
    core.edit_contact(ids["Ada Lovelace"], email="ada@engines.example")
    core.change_level(ids["Dana Scully"], ladder="customer", to=2, reason="bought the audit", date="2026-09-01")
    return ids


@pytest.fixture
def make_app(core, config_dir):
    """Build the app over the test database; the database watcher is off unless asked for."""
    from relterm.tui.app import RelTermApp
    from relterm.tui.themes import load_settings

    def make(**kwargs):
        kwargs.setdefault("watch_database", False)
        return RelTermApp(core, core.config, config_dir=config_dir, settings=load_settings(config_dir), **kwargs)

    return make


@pytest.fixture
def fresh_core(db_path):
    """A second Core on the same file, like the CLI running beside the app."""
    instance = Core(db_path, load_config())
    return instance
