"""Upgrading an older database: a full copy beside it first, the user told where, the last three
copies kept, and the half-written copy of a run killed mid-way cleaned up by the next one."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

from .faults_support import ROOT, run

V1 = ROOT / "tests" / "data" / "schema_v1.sql"


def make_v1(path: Path, marker: str = "") -> None:
    """A database as relterm 0001 wrote it (with data); ``marker`` names one extra contact."""
    if path.exists():
        path.unlink()
    con = sqlite3.connect(path)
    con.executescript(V1.read_text())
    if marker:
        con.execute("UPDATE contact SET notes = ? WHERE id = 1", (marker,))
        con.commit()
    con.close()


def note_of(path: Path) -> str:
    con = sqlite3.connect(path)
    try:
        return con.execute("SELECT notes FROM contact WHERE id = 1").fetchone()[0]
    finally:
        con.close()


def backups(db: Path) -> list[Path]:
    return sorted(db.parent.glob(f"{db.name}.before-*.bak"))


def test_the_upgrade_copy_is_whole_and_the_user_is_told_where(tmp_path):
    db = tmp_path / "old" / "relterm.db"
    db.parent.mkdir()
    make_v1(db, "as it was")
    size = db.stat().st_size
    result = run("--db", str(db), "list")
    assert result.returncode == 0, result.stderr
    [copy] = backups(db)
    assert str(copy) in result.stderr and "upgraded" in result.stderr and "last 3" in result.stderr
    assert copy.stat().st_size == size  # the whole file, page for page
    con = sqlite3.connect(copy)
    assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert con.execute("SELECT name FROM schema_migration").fetchall() == [("0001_initial",)]
    assert con.execute("SELECT COUNT(*) FROM event").fetchone()[0] == 12
    con.close()
    # Nothing to upgrade the second time: no message, no new copy.
    again = run("--db", str(db), "list")
    assert again.returncode == 0 and "upgraded" not in again.stderr and len(backups(db)) == 1


def test_only_the_last_three_copies_are_kept(tmp_path):
    db = tmp_path / "old" / "relterm.db"
    db.parent.mkdir()
    for number in range(5):
        make_v1(db, f"attempt {number}")
        assert run("--db", str(db), "list").returncode == 0
    kept = backups(db)
    assert len(kept) == 3
    assert sorted(note_of(copy) for copy in kept) == ["attempt 2", "attempt 3", "attempt 4"]


KILLED_WHILE_COPYING = """
import os, signal, sys
from relterm import store

def die(*args, **kwargs):  # the copy is written; the run dies before putting it in place
    os.kill(os.getpid(), signal.SIGKILL)

store.os.replace = die
store.open_database(sys.argv[1])
"""


def test_a_run_killed_while_copying_leaves_a_partial_that_the_next_run_removes(tmp_path):
    db = tmp_path / "old" / "relterm.db"
    db.parent.mkdir()
    make_v1(db, "before the kill")
    proc = subprocess.run([sys.executable, "-c", textwrap.dedent(KILLED_WHILE_COPYING), str(db)],
                          env=dict(os.environ, PYTHONPATH=str(ROOT), RELTERM_TODAY="2026-11-20"),  # days ago
                          capture_output=True, timeout=60)
    assert proc.returncode == -9
    partials = list(db.parent.glob("*.partial*"))
    assert partials and backups(db) == []  # the kill really happened mid-copy
    result = run("--db", str(db), "list")
    assert result.returncode == 0, result.stderr
    assert list(db.parent.glob("*.partial*")) == []
    [copy] = backups(db)
    assert note_of(copy) == "before the kill"


def test_a_partial_of_someone_else_is_left_alone(tmp_path):
    """Only relterm's own leftovers go: a file that merely ends in .partial is not ours."""
    db = tmp_path / "old" / "relterm.db"
    db.parent.mkdir()
    make_v1(db)
    theirs = db.parent / "download.zip.partial"
    theirs.write_text("half a download")
    assert run("--db", str(db), "list").returncode == 0
    assert theirs.read_text() == "half a download"
