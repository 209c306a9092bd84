"""`relterm export -o FILE` never writes over the live database, a directory, a device or a
FIFO, and never leaves a half-written target or a temporary file behind (real processes)."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from .protect_helpers import device as make_device
from .protect_helpers import fill, look, partials, run_limited

FORMATS = ["vcard", "csv", "json", "ics"]


@pytest.fixture
def filled(db_path):
    fill(db_path)
    return db_path


def spellings(db_path):
    """Ways to name the database (or its journals) on the command line, and what each needs first."""
    home = db_path.parent / "home"

    def symlink():
        (db_path.parent / "link.db").symlink_to(db_path)
        return "link.db"

    def hardlink():
        os.link(db_path, db_path.parent / "hard.db")
        return str(db_path.parent / "hard.db")

    def link_in_other_dir():
        other = db_path.parent / "elsewhere"
        other.mkdir()
        (other / "contacts.vcf").symlink_to(os.path.relpath(db_path, other))
        return str(other / "contacts.vcf")

    return {
        "absolute": lambda: str(db_path),
        "dot-slash": lambda: f"./{db_path.name}",
        "dot-dot": lambda: f"../{db_path.parent.name}/{db_path.name}",
        "tilde": lambda: f"~/{os.path.relpath(db_path, home)}",
        "symlink": symlink,
        "hard-link": hardlink,
        "symlink-elsewhere": link_in_other_dir,
        "wal": lambda: f"{db_path}-wal",
        "shm": lambda: f"./{db_path.name}-shm",
        "journal": lambda: f"{db_path}-journal",
    }


@pytest.mark.parametrize("spelling", ["absolute", "dot-slash", "dot-dot", "tilde", "symlink", "hard-link",
                                      "symlink-elsewhere", "wal", "shm", "journal"])
def test_export_refuses_the_live_database_however_it_is_spelled(filled, run_cli, monkeypatch, spelling):
    monkeypatch.chdir(filled.parent)
    target = spellings(filled)[spelling]()
    before = look(filled)
    assert before[:2] == ("ok", 3) and before[2] >= 3
    for fmt in FORMATS:
        result = run_cli("export", "--format", fmt, "-o", target)
        assert result.code == 2, (fmt, result)
        assert "database itself" in result.err and "choose another path" in result.err
        assert len(result.err.strip().splitlines()) == 1 and "Traceback" not in result.err
        assert look(filled) == before, fmt  # the whole timeline is still there
    assert not os.path.exists(f"{filled}-journal")
    assert partials(filled.parent) == []


def test_export_to_a_directory_is_refused(filled, run_cli, tmp_path):
    folder = tmp_path / "out"
    folder.mkdir()
    (folder / "keep.txt").write_text("mine\n")
    for fmt in FORMATS:
        result = run_cli("export", "--format", fmt, "-o", str(folder))
        assert result.code == 2 and "is a directory" in result.err, result
    assert sorted(p.name for p in folder.iterdir()) == ["keep.txt"]


@pytest.mark.parametrize("device", ["/dev/null", "/dev/full"])
def test_export_to_a_device_is_refused_not_replaced(filled, run_cli, tmp_path, device):
    target = make_device(tmp_path, device)
    before = os.stat(target)
    result = run_cli("export", "--format", "vcard", "-o", target)
    assert result.code == 2 and "not a regular file" in result.err, result
    after = os.stat(target)
    assert stat.S_ISCHR(after.st_mode) and after.st_ino == before.st_ino  # not renamed over, even as root
    assert partials(Path(target).parent) == []


def test_export_to_a_fifo_is_refused_without_waiting_for_a_reader(filled, run_cli, tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    result = run_cli("export", "--format", "csv", "-o", str(fifo))  # run_cli times out after 60 s
    assert result.code == 2 and "not a regular file" in result.err, result
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)


def test_a_failed_export_keeps_the_old_file_whole_and_leaves_no_partial(db_path, tmp_path):
    fill(db_path, 300, notes="n" * 300)
    target = tmp_path / "contacts.json"
    target.write_text("the previous export\n")
    proc = run_limited(["export", "--format", "json", "-o", str(target)], limit=64 * 1024)
    assert proc.returncode == 2, proc
    assert proc.stderr.startswith("relterm: ") and len(proc.stderr.strip().splitlines()) == 1
    assert "cannot write" in proc.stderr and "Traceback" not in proc.stderr
    assert target.read_text() == "the previous export\n"
    assert partials(tmp_path) == []


def test_a_killed_exports_leftover_is_removed_by_the_next_export(filled, run_cli, tmp_path):
    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    dead_pid = int(gone.stdout)
    target = tmp_path / "contacts.vcf"
    stale = tmp_path / f".contacts.vcf.{dead_pid}.abcd1234.partial"
    stale.write_text("BEGIN:VCARD\r\nhalf")
    alive = tmp_path / f".contacts.vcf.{os.getpid()}.abcd1234.partial"  # a run still going: left alone
    alive.write_text("BEGIN:VCARD\r\nhalf")
    other = tmp_path / f".notes.txt.{dead_pid}.abcd1234.partial"  # for another target: left alone
    other.write_text("x")
    result = run_cli("export", "--format", "vcard", "-o", str(target))
    assert result.code == 0, result
    assert target.read_text().count("BEGIN:VCARD") == 3
    assert not stale.exists() and alive.exists() and other.exists()


def test_export_in_a_sticky_world_writable_directory_keeps_its_mode(filled, run_cli, tmp_path):
    shared = tmp_path / "shared"
    shared.mkdir()
    shared.chmod(0o1777)
    target = shared / "contacts.vcf"
    assert run_cli("export", "--format", "vcard", "-o", str(target)).code == 0
    assert stat.S_IMODE(shared.stat().st_mode) == 0o1777
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert partials(shared) == []


@pytest.mark.skipif(os.geteuid() != 0, reason="making a link another user owns needs root")
def test_a_link_another_user_planted_in_a_sticky_directory_is_not_followed(filled, run_cli, tmp_path):
    shared = tmp_path / "shared"
    shared.mkdir()
    shared.chmod(0o1777)
    victim = tmp_path / "victim.txt"
    victim.write_text("precious\n")
    planted = shared / "contacts.vcf"
    planted.symlink_to(victim)
    os.lchown(planted, 4242, 4242)
    result = run_cli("export", "--format", "vcard", "-o", str(planted))
    assert result.code == 2 and "symbolic link another user owns" in result.err, result
    assert victim.read_text() == "precious\n" and planted.is_symlink()


def test_an_explicit_link_to_a_regular_file_writes_that_file(filled, run_cli, tmp_path):
    real = tmp_path / "synced" / "contacts.vcf"
    real.parent.mkdir()
    real.write_text("old\n")
    link = tmp_path / "contacts.vcf"
    link.symlink_to(real)
    assert run_cli("export", "--format", "vcard", "-o", str(link)).code == 0
    assert link.is_symlink() and real.read_text().count("BEGIN:VCARD") == 3
