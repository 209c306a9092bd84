"""`relterm backup DEST` copies into a temporary file beside DEST and renames it in; it
never writes into a database another program has open, nor over the live one (real processes)."""

from __future__ import annotations

import os
import sqlite3
import stat

import pytest

from .protect_helpers import device, fill, look, partials, run_limited


@pytest.fixture
def filled(db_path):
    fill(db_path)
    return db_path


@pytest.fixture
def other_db(tmp_path):
    """Another relterm database, with its own people."""
    path = tmp_path / "other" / "other.db"
    path.parent.mkdir()
    fill(path, 5)
    return path


def test_backup_onto_a_database_another_relterm_has_open_is_refused(filled, other_db, run_cli):
    # The other relterm (its TUI, say) has its database open in WAL mode, as relterm always does.
    holder = sqlite3.connect(other_db)
    try:
        holder.execute("PRAGMA journal_mode=wal")
        holder.execute("SELECT COUNT(*) FROM contact").fetchone()
        holder.execute("UPDATE contact SET notes = 'still working' WHERE id = 1")
        holder.commit()
        result = run_cli("backup", str(other_db))
        assert result.code == 2, result
        assert "in use" in result.err and len(result.err.strip().splitlines()) == 1
        holder.execute("UPDATE contact SET notes = 'and more' WHERE id = 2")
        holder.commit()
        assert holder.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    finally:
        holder.close()
    check, contacts, _ = look(other_db)
    assert (check, contacts) == ("ok", 5)
    assert partials(other_db.parent) == []


def test_backup_onto_a_rollback_database_mid_write_is_refused(filled, other_db, run_cli):
    """No -wal beside it, but a writer holds SQLite's lock on the file."""
    holder = sqlite3.connect(other_db, isolation_level=None)
    try:
        holder.execute("PRAGMA journal_mode=delete")
        holder.execute("BEGIN IMMEDIATE")
        result = run_cli("backup", str(other_db))
        assert result.code == 2 and "a lock on it" in result.err, result
        holder.execute("ROLLBACK")
    finally:
        holder.close()
    assert look(other_db)[:2] == ("ok", 5)


def test_backup_onto_a_database_with_a_hot_journal_is_refused(filled, other_db, run_cli):
    journal = other_db.with_name(other_db.name + "-journal")
    journal.write_bytes(b"\xd9\xd5\x05\xf9\x20\xa1\x63\xd7" + bytes(504))  # a rollback journal's header
    before = other_db.read_bytes()
    result = run_cli("backup", str(other_db))
    assert result.code == 2 and "-journal file beside it" in result.err, result
    assert journal.exists() and other_db.read_bytes() == before


def test_backup_beside_a_stale_wal_is_refused(filled, tmp_path, run_cli):
    """A -wal left by a crash would be replayed into the new copy by whoever opens it next."""
    dest = tmp_path / "copy.db"
    (tmp_path / "copy.db-wal").write_bytes(b"left over")
    result = run_cli("backup", str(dest))
    assert result.code == 2 and "-wal file beside it" in result.err, result
    assert not dest.exists()


def test_backup_replaces_an_idle_database_file_whole(filled, other_db, run_cli):
    assert not os.path.exists(f"{other_db}-wal")
    result = run_cli("backup", str(other_db))
    assert result.code == 0, result
    assert look(other_db)[:2] == ("ok", 3)
    assert stat.S_IMODE(other_db.stat().st_mode) == 0o600
    assert sorted(p.name for p in other_db.parent.iterdir()) == ["other.db"]


@pytest.mark.parametrize("spelling", ["hard-link", "symlink", "journal", "shm", "tilde", "dot-dot"])
def test_backup_refuses_the_live_database_however_it_is_spelled(filled, run_cli, monkeypatch, spelling):
    monkeypatch.chdir(filled.parent)
    if spelling == "hard-link":
        os.link(filled, filled.parent / "hard.db")
        dest = "hard.db"
    elif spelling == "symlink":
        (filled.parent / "link.db").symlink_to(filled.name)
        dest = "link.db"
    elif spelling == "journal":
        dest = f"{filled}-journal"
    elif spelling == "shm":
        dest = f"{filled}-shm"
    elif spelling == "tilde":
        dest = f"~/../{filled.name}"  # HOME is tmp_path/home
    else:
        dest = f"../{filled.parent.name}/{filled.name}"
    before = look(filled)
    result = run_cli("backup", dest)
    assert result.code == 2 and "database itself" in result.err, result
    assert look(filled) == before
    assert not os.path.exists(f"{filled}-journal")
    assert partials(filled.parent) == []


@pytest.mark.parametrize("target", ["/dev/null", "/dev/full", "fifo"])
def test_backup_to_a_device_or_fifo_is_refused(filled, run_cli, tmp_path, target):
    if target == "fifo":
        target = str(tmp_path / "pipe")
        os.mkfifo(target)
    else:
        target = device(tmp_path, target)
    kind = os.stat(target).st_mode
    result = run_cli("backup", target)
    assert result.code == 2 and "not a regular file" in result.err, result
    assert stat.S_IFMT(os.stat(target).st_mode) == stat.S_IFMT(kind)


def test_a_failed_backup_keeps_the_old_copy_and_leaves_no_partial(db_path, tmp_path):
    fill(db_path, 300, notes="n" * 300)
    dest = tmp_path / "copies" / "copy.db"
    dest.parent.mkdir()
    fill(dest, 1)
    before = dest.read_bytes()
    proc = run_limited(["backup", str(dest)], limit=64 * 1024)
    assert proc.returncode == 2, proc
    assert proc.stderr.startswith("relterm: ") and len(proc.stderr.strip().splitlines()) == 1
    assert "nothing was written" in proc.stderr and "Traceback" not in proc.stderr
    assert dest.read_bytes() == before
    assert sorted(p.name for p in dest.parent.iterdir()) == ["copy.db"]


def test_backup_into_a_sticky_directory_keeps_its_mode(filled, run_cli, tmp_path):
    shared = tmp_path / "shared"
    shared.mkdir()
    shared.chmod(0o1777)
    assert run_cli("backup", str(shared / "copy.db")).code == 0
    assert stat.S_IMODE(shared.stat().st_mode) == 0o1777
    assert look(shared / "copy.db")[:2] == ("ok", 3)
