"""A full disk during add, log, import, backup and export: one line, exit 2, no traceback, no partial
file, and the database as it was. The disk fills for the real `relterm` process through RLIMIT_FSIZE:
every write past the limit fails (EFBIG, SIGXFSZ ignored) as on a full disk."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from .faults_support import fill, one_line_error, run

# Above the 32 kB -shm file SQLite maps for a WAL reader, far below what each write below needs.
LIMIT = 36_000
BIG_NOTE = "x" * 40_000


@pytest.fixture
def full(tmp_path, db_path):
    """A database of 200 contacts (~180 kB), an export of it to import again, and a place for output."""
    fill(db_path)
    out = tmp_path / "out"
    out.mkdir()
    assert run("export", "--format", "vcard", "-o", str(out / "all.vcf")).returncode == 0
    return db_path, out


def _contacts(db: Path) -> int:
    con = sqlite3.connect(db)
    try:
        assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        return con.execute("SELECT COUNT(*) FROM contact").fetchone()[0]
    finally:
        con.close()


@pytest.mark.parametrize("command", [
    ("add", "Someone New", "--notes", BIG_NOTE),
    ("log", "Person 001", "--kind", "call", BIG_NOTE),
    ("import", "{out}/all.vcf", "--tag", "again", "--update"),
], ids=["add", "log", "import"])
def test_a_write_on_a_full_disk_is_one_line_and_changes_nothing(full, command):
    db, out = full
    before = _contacts(db)
    events = sqlite3.connect(db).execute("SELECT COUNT(*) FROM event").fetchone()[0]
    args = [part.format(out=out) for part in command]
    line = one_line_error(run(*args, limit_bytes=LIMIT))
    assert "the disk is full" in line and "nothing was written" in line
    assert _contacts(db) == before
    assert sqlite3.connect(db).execute("SELECT COUNT(*) FROM event").fetchone()[0] == events
    assert sorted(p.name for p in db.parent.glob("relterm.db*")) in (["relterm.db"],
                                                                       ["relterm.db", "relterm.db-shm",
                                                                        "relterm.db-wal"])
    # With room again, the same command works.
    assert run(*args).returncode == 0


@pytest.mark.parametrize("command", [
    ("backup", "{out}/copy.db"),
    ("export", "--format", "json", "-o", "{out}/all.json"),
    ("export", "--format", "vcard", "-o", "{out}/again.vcf"),
    ("export", "--format", "csv", "-o", "{out}/all.csv"),
], ids=["backup", "export-json", "export-vcard", "export-csv"])
def test_a_copy_on_a_full_disk_leaves_no_partial_file(full, command):
    db, out = full
    before = sorted(p.name for p in out.iterdir())
    args = [part.format(out=out) for part in command]
    line = one_line_error(run(*args, limit_bytes=LIMIT))
    assert "the disk is full" in line and "nothing was written" in line
    assert sorted(p.name for p in out.iterdir()) == before  # no *.partial, no temp file, no half a copy
    assert _contacts(db) == 200


def test_restoring_a_json_backup_on_a_full_disk_blames_the_disk_not_the_backup(full, tmp_path):
    db, out = full
    assert run("export", "--format", "json", "-o", str(out / "all.json")).returncode == 0
    empty = tmp_path / "restore" / "relterm.db"
    assert run("--db", str(empty), "list").returncode == 0  # a new, empty database
    line = one_line_error(run("--db", str(empty), "import", str(out / "all.json"), limit_bytes=LIMIT))
    assert "the disk is full" in line and "cannot restore" not in line
    assert _contacts(empty) == 0
    assert run("--db", str(empty), "import", str(out / "all.json")).returncode == 0
    assert _contacts(empty) == 200


RESTORE_WITH_A_SMALL_CACHE = """
import sys
from relterm import store
from relterm.config import load_config
from relterm.core import Core
from relterm.io import run_import

core = Core(sys.argv[1], load_config())
core.db.execute_sql("PRAGMA cache_size = 2")  # pages spill to the disk during the inserts themselves
try:
    run_import(core, sys.argv[2])
except Exception as exc:
    print(type(exc).__name__, store.explain(exc))
"""


def test_a_full_disk_in_the_middle_of_a_restore_is_not_called_a_broken_backup(full, tmp_path):
    import os
    import subprocess
    import sys

    from .faults_support import ROOT, limit_writes

    db, out = full
    assert run("export", "--format", "json", "-o", str(out / "all.json")).returncode == 0
    empty = tmp_path / "restore" / "relterm.db"
    assert run("--db", str(empty), "list").returncode == 0
    proc = subprocess.run([sys.executable, "-c", RESTORE_WITH_A_SMALL_CACHE, str(empty), str(out / "all.json")],
                          capture_output=True, text=True, timeout=60, preexec_fn=lambda: limit_writes(LIMIT),
                          env=dict(os.environ, PYTHONPATH=str(ROOT)))
    assert proc.returncode == 0, proc.stderr
    assert "the disk is full" in proc.stdout and "cannot restore" not in proc.stdout, proc.stdout
    assert _contacts(empty) == 0
