"""A database with corrupt pages: reads say the file is damaged and point at `relterm check`, writes
are refused, and `relterm check` tells a sound file (exit 0) from a damaged one (exit 2) and how
to get the data back."""

from __future__ import annotations

import hashlib
import sqlite3

import pytest

from relterm import store

from .faults_support import damage_table, fill, one_line_error, run


@pytest.fixture
def damaged(db_path):
    fill(db_path, 60)
    damage_table(db_path, "contact")
    return db_path


def digest(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.parametrize("command", [("list",), ("show", "Person 001"), ("due",),
                                     ("export", "--format", "vcard")])
def test_reading_a_damaged_file_says_so_in_one_line(damaged, command):
    line = one_line_error(run(*command))
    assert "the database file is damaged" in line and "relterm check" in line and str(damaged) in line


@pytest.mark.parametrize("command", [("add", "New Person"), ("log", "Person 001", "hello"), ("delete", "1", "--yes")])
def test_writing_to_a_damaged_file_is_refused_and_changes_nothing(damaged, command):
    before = digest(damaged)
    line = one_line_error(run(*command))
    assert "damaged" in line and "relterm check" in line
    assert digest(damaged) == before


def test_once_damage_is_seen_the_store_writes_no_more(damaged, core):
    """The app keeps its store open: after a read met the damage, a write elsewhere in the file is refused."""
    with pytest.raises(Exception) as caught:
        core.rows()
    assert isinstance(store.explain(caught.value), store.DamagedDatabaseError)
    before = digest(damaged)
    with pytest.raises(store.DamagedDatabaseError, match="relterm check"):
        with store.write():
            store.current_database().execute_sql("INSERT INTO agenda_snooze (contact_id, item, until) "
                                                 "VALUES (1, 'review', '2027-01-01')")
    assert digest(damaged) == before


def test_check_on_a_sound_database(db_path):
    fill(db_path, 5)
    result = run("check")
    assert result.returncode == 0, result.stderr
    assert "ok" in result.stdout and "5 contacts" in result.stdout and result.stderr == ""


def test_check_on_a_damaged_database_explains_the_way_back(damaged):
    before = digest(damaged)
    result = run("check")
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "DAMAGED" in result.stdout and "malformed" in result.stdout
    assert "relterm backup" in result.stdout and ".recover" in result.stdout
    assert result.stderr.strip().splitlines() == [f"relterm: {damaged} is damaged; see above for how to recover"]
    assert digest(damaged) == before  # checking writes nothing


def test_check_lists_broken_links_between_rows(db_path):
    fill(db_path, 3)
    con = sqlite3.connect(db_path)
    con.execute("PRAGMA foreign_keys = OFF")
    con.execute("INSERT INTO event (contact_id, date, kind, summary, created_at) "
                "VALUES (999, '2026-01-01', 'note', 'orphan', '2026-01-01')")
    con.commit()
    con.close()
    result = run("check")
    assert result.returncode == 2
    assert "event row" in result.stdout and "contact row that is not there" in result.stdout


def test_check_names_the_upgrade_copies_to_restore(damaged):
    copy = damaged.with_name(f"{damaged.name}.before-0004_x-20261101-120000.bak")
    copy.write_bytes(b"SQLite format 3\x00")
    result = run("check")
    assert result.returncode == 2 and str(copy) in result.stdout


def test_check_refuses_what_is_not_a_relterm_database(tmp_path):
    notes = tmp_path / "notes.txt"
    notes.write_text("hello\n")
    line = one_line_error(run("--db", str(notes), "check"))
    assert "not an SQLite database" in line
    line = one_line_error(run("--db", str(tmp_path / "missing.db"), "check"))
    assert "no database here" in line
    assert not (tmp_path / "missing.db").exists()


def test_check_is_in_the_help():
    result = run("--help")
    assert result.returncode == 0 and "check" in result.stdout
