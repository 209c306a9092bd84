"""Migration 0009 (went_badly, follow_up) upgrades an older database and stands alone: it applies the
same when migrations numbered before it run first or arrive later (parallel work lands in any order)."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

from relterm import paths, store
from relterm.config import load_config
from relterm.core import Core

DATA = Path(__file__).resolve().parent / "data"
LATER = '''
def up(migrator, db):
    db.execute_sql("ALTER TABLE event ADD COLUMN {column} TEXT")
    db.execute_sql("CREATE TABLE IF NOT EXISTS {table} (id INTEGER PRIMARY KEY, contact_id INTEGER REFERENCES contact (id))")
'''


@pytest.fixture
def migrations(tmp_path, monkeypatch):
    """A copy of the migrations directory the store reads, to take files out of and add to."""
    copy = tmp_path / "migrations"
    shutil.copytree(paths.MIGRATIONS_DIR, copy, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(paths, "MIGRATIONS_DIR", copy)
    monkeypatch.setattr(store, "MIGRATIONS_DIR", copy)
    return copy


def applied(db_path):
    con = sqlite3.connect(db_path)
    try:
        return [row[0] for row in con.execute("SELECT name FROM schema_migration ORDER BY id")]
    finally:
        con.close()


def exercise(core: Core) -> None:
    """What 0009 is for works: a bad interaction, a ripple, a follow-up."""
    tom = core.add_contact("Tom", level=4)
    [sam] = core.intel.introduce_many(tom, ["Sam"])
    event = core.log(sam.contact_id, "coffee", "awkward", went_badly=True)
    ripple = core.intel.ripple_for_event(event)
    assert [item.name for item in ripple.touched] == ["Tom"]
    fid, _ = core.intel.add_follow_up(tom, about=sam.contact_id, trigger=ripple.trigger, event_id=event)
    assert [f.id for f in core.intel.follow_ups()] == [fid]


def test_an_older_database_is_upgraded_and_its_entries_did_not_go_badly(tmp_path):
    path = tmp_path / "old.db"
    con = sqlite3.connect(path)
    con.executescript((DATA / "schema_v1.sql").read_text())  # relterm's database at schema 0001, with a timeline
    con.close()
    core = Core(path, load_config())
    assert "0009_ripple_follow_ups" in applied(path)
    ada = core.resolve("Ada Lovelace")
    entries = core.timeline(ada)
    assert entries and not any(e.went_badly for e in entries)
    assert core.intel.follow_ups(status=None) == []
    exercise(core)


def test_earlier_numbers_arriving_after_0009_still_apply_and_leave_it_working(migrations, db_path):
    core = Core(db_path, load_config())
    exercise(core)
    store.close_database()
    (migrations / "0007_someone_else.py").write_text(LATER.format(column="from_0007", table="t0007"))
    (migrations / "0008_someone_else.py").write_text(LATER.format(column="from_0008", table="t0008"))
    core = Core(db_path, load_config())
    names = applied(db_path)
    assert names.index("0009_ripple_follow_ups") < names.index("0007_someone_else") < names.index("0008_someone_else")
    sam = core.resolve("Sam")
    event = core.log(sam, "call", "again", went_badly=True)
    assert core.intel.ripple_for_event(event).touched[0].open_follow_up is not None


def test_0009_after_earlier_numbers_and_run_twice_is_harmless(migrations, db_path):
    (migrations / "0007_someone_else.py").write_text(LATER.format(column="from_0007", table="t0007"))
    core = Core(db_path, load_config())
    names = applied(db_path)
    assert names.index("0007_someone_else") < names.index("0009_ripple_follow_ups")
    exercise(core)
    import importlib.util

    spec = importlib.util.spec_from_file_location("m0009", migrations / "0009_ripple_follow_ups.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.up(None, core.db)  # again: checks before adding, nothing lost
    assert len(core.intel.follow_ups()) == 1
