"""What `--db PATH` / RELTERM_DB may point at: relterm opens its own database (or makes a new one) and
leaves everything else byte for byte and mode for mode as it was; a database the user cannot write
is still readable."""

from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
import stat
from pathlib import Path

import pytest

from .faults_support import one_line_error, run


def snapshot(path: Path) -> tuple:
    info = os.stat(path)
    content = hashlib.sha256(path.read_bytes()).hexdigest() if stat.S_ISREG(info.st_mode) else None
    return stat.S_IMODE(info.st_mode), content


def siblings(path: Path) -> list[str]:
    return sorted(p.name for p in path.parent.iterdir())


@pytest.mark.parametrize("via_env", [False, True])
def test_a_text_file_is_refused_and_left_exactly_as_it_was(tmp_path, via_env):
    (tmp_path / "files").mkdir()
    notes = tmp_path / "files" / "notes.txt"
    notes.write_text("my notes\n" * 50)
    notes.chmod(0o644)
    before, around = snapshot(notes), siblings(notes)
    args = ("add", "Ada") if via_env else ("--db", str(notes), "add", "Ada")
    line = one_line_error(run(*args, env={"RELTERM_DB": str(notes)} if via_env else None))
    assert str(notes) in line and "not an SQLite database" in line
    assert snapshot(notes) == before  # mode 0644 too: relterm did not create it
    assert siblings(notes) == around


def _foreign_with_contact_table(path: Path) -> None:
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE contact (id INTEGER PRIMARY KEY, who TEXT)")  # a half-made or foreign schema
    con.execute("INSERT INTO contact (who) VALUES ('someone else''s row')")
    con.commit()
    con.close()


def _foreign_app(path: Path) -> None:
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)")
    con.execute("INSERT INTO notes (body) VALUES ('keep me')")
    con.commit()
    con.close()


def _foreign_wal_app(path: Path) -> None:
    con = sqlite3.connect(path)
    con.execute("PRAGMA journal_mode=wal")
    con.execute("CREATE TABLE things (x)")
    con.commit()
    con.close()


@pytest.mark.parametrize("make", [_foreign_with_contact_table, _foreign_app, _foreign_wal_app])
@pytest.mark.parametrize("command", [("add", "Ada"), ("list",)])
def test_another_programs_sqlite_file_gets_no_relterm_tables(tmp_path, make, command):
    (tmp_path / "files").mkdir()
    other = tmp_path / "files" / "other.sqlite"
    make(other)
    other.chmod(0o664)
    before, around = snapshot(other), siblings(other)
    line = one_line_error(run("--db", str(other), *command))
    assert "another program's SQLite database" in line and "--db" in line
    assert snapshot(other) == before
    assert siblings(other) == around  # no -wal or -shm left beside it either
    con = sqlite3.connect(f"file:{other}?mode=ro", uri=True)
    assert "schema_migration" not in {n for (n,) in con.execute("SELECT name FROM sqlite_master")}
    con.close()


def test_a_directory_and_a_fifo_are_refused_untouched(tmp_path):
    folder = tmp_path / "folder"
    folder.mkdir(mode=0o755)
    folder.chmod(0o755)
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo, 0o644)
    fifo.chmod(0o644)
    for target, words in ((folder, "is a directory"), (fifo, "device, FIFO or socket")):
        before = snapshot(target)
        line = one_line_error(run("--db", str(target), "list", timeout=20))
        assert words in line
        assert snapshot(target) == before
    assert list(folder.iterdir()) == []


def test_a_device_is_refused_untouched(tmp_path):
    device = tmp_path / "null"
    try:
        os.mknod(device, stat.S_IFCHR | 0o666, os.makedev(1, 3))  # a private copy of /dev/null
    except (PermissionError, OSError):
        pytest.skip("cannot make a device node here (not root)")
    device.chmod(0o666)
    line = one_line_error(run("--db", str(device), "add", "Ada"))
    assert "device, FIFO or socket" in line
    assert stat.S_IMODE(device.stat().st_mode) == 0o666 and stat.S_ISCHR(device.stat().st_mode)


def test_an_empty_file_and_a_new_path_become_databases(tmp_path):
    empty = tmp_path / "empty.db"
    empty.touch()
    fresh = tmp_path / "new" / "fresh.db"
    for db in (empty, fresh):
        assert run("--db", str(db), "add", "Ada").returncode == 0
        listed = run("--db", str(db), "list", "--json")
        assert listed.returncode == 0 and "Ada" in listed.stdout
        assert stat.S_IMODE(db.stat().st_mode) == 0o600


def test_a_database_of_the_right_kind_still_opens_after_being_copied(tmp_path):
    """The checks must not refuse relterm's own file, wherever it sits."""
    db = tmp_path / "a.db"
    assert run("--db", str(db), "add", "Ada").returncode == 0
    copy = tmp_path / "odd name?#%.db"
    shutil.copy(db, copy)
    listed = run("--db", str(copy), "list", "--json")
    assert listed.returncode == 0 and "Ada" in listed.stdout


# Read-only databases --------------------------------------------------------------------------


@pytest.fixture
def readable_only(tmp_path):
    """A relterm database with Ada in it; the test then takes away the right to write it."""
    folder = tmp_path / "db"
    folder.mkdir()
    db = folder / "relterm.db"
    env = {"RELTERM_DB": str(db)}
    assert run("add", "Ada Lovelace", "--company", "Engines", env=env).returncode == 0
    assert run("log", "Ada", "--kind", "call", "First call", env=env).returncode == 0
    yield tmp_path, db, env
    folder.chmod(0o700)  # so that pytest can clean up


def _reads_work_and_writes_say_read_only(base: Path, db: Path, env: dict) -> None:
    listed = run("list", "--json", env=env, permissions_bind=True)
    assert listed.returncode == 0, listed.stderr
    assert [c["name"] for c in __import__("json").loads(listed.stdout)] == ["Ada Lovelace"]
    shown = run("show", "Ada", env=env, permissions_bind=True)
    assert shown.returncode == 0 and "First call" in shown.stdout, shown.stderr
    out = base / "out"
    out.mkdir()
    exported = run("export", "--format", "json", "-o", str(out / "all.json"), env=env, permissions_bind=True)
    assert exported.returncode == 0, exported.stderr
    assert "Ada Lovelace" in (out / "all.json").read_text()
    backed = run("backup", str(out / "copy.db"), env=env, permissions_bind=True)
    assert backed.returncode == 0, backed.stderr
    for command in (("add", "Bob"), ("log", "Ada", "again"), ("promote", "Ada", "--reason", "x")):
        line = one_line_error(run(*command, env=env, permissions_bind=True))
        assert "the database is read-only" in line and str(db) in line


def test_a_read_only_file_can_be_read_exported_and_backed_up(readable_only):
    base, db, env = readable_only
    db.chmod(0o400)
    before = snapshot(db)
    _reads_work_and_writes_say_read_only(base, db, env)
    assert snapshot(db) == before  # still 0400: relterm did not make it writable again


def test_a_database_in_a_read_only_directory_can_be_read(readable_only):
    base, db, env = readable_only
    for extra in db.parent.glob("relterm.db-*"):
        extra.unlink()
    db.parent.chmod(0o555)
    before = snapshot(db)
    _reads_work_and_writes_say_read_only(base, db, env)
    assert snapshot(db) == before
    assert siblings(db) == ["relterm.db"]


def test_an_immutable_file_can_be_read(readable_only):
    """chattr +i: not even root may write it (the test needs root and a file system with attributes)."""
    import subprocess

    base, db, env = readable_only
    if shutil.which("chattr") is None or subprocess.run(["chattr", "+i", str(db)], capture_output=True).returncode:
        pytest.skip("cannot make a file immutable here")
    try:
        before = snapshot(db)
        _reads_work_and_writes_say_read_only(base, db, env)
        assert snapshot(db) == before
    finally:
        subprocess.run(["chattr", "-i", str(db)], check=True)
