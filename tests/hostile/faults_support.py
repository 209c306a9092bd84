"""Helpers for the fault tests: the real `relterm` in a subprocess, under a file size limit or bound
by file permissions (root writes anything, so when the tests run as root the subprocess loses the
capabilities that override permissions), and a way to damage a database's pages."""

from __future__ import annotations

import os
import ctypes
import resource
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PR_CAPBSET_DROP = 24
CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH = 1, 2


def drop_permission_override() -> None:
    """In a child about to exec: as root, keep uid 0 but lose CAP_DAC_OVERRIDE and CAP_DAC_READ_SEARCH,
    so a 0400 file or a 0555 directory is as read-only to it as to its owner anywhere else."""
    if os.geteuid() != 0:
        return
    libc = ctypes.CDLL(None, use_errno=True)
    for cap in (CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH):
        if libc.prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "cannot drop a capability")


def limit_writes(limit_bytes: int) -> None:
    """In a child about to exec: no file may grow past ``limit_bytes``; such writes fail with EFBIG."""
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # instead of killing the process, as on a full disk
    resource.setrlimit(resource.RLIMIT_FSIZE, (limit_bytes, limit_bytes))


def run(*args: str, env: dict | None = None, limit_bytes: int | None = None, permissions_bind: bool = False,
        timeout: float = 60) -> subprocess.CompletedProcess:
    """``python -m relterm ARGS``; ``limit_bytes`` caps every file it writes (a full disk, seen from inside)."""
    full_env = dict(os.environ)
    full_env["PYTHONPATH"] = str(ROOT) + os.pathsep + full_env.get("PYTHONPATH", "")
    full_env.update(env or {})

    def before():
        if limit_bytes is not None:
            limit_writes(limit_bytes)
        if permissions_bind:
            drop_permission_override()

    return subprocess.run([sys.executable, "-m", "relterm", *args], capture_output=True, text=True, env=full_env,
                          timeout=timeout, preexec_fn=before, input="")


def one_line_error(proc: subprocess.CompletedProcess) -> str:
    """The single stderr line of a handled failure (exit 2, no traceback); fails the test otherwise."""
    assert proc.returncode == 2, (proc.returncode, proc.stdout, proc.stderr)
    assert "Traceback" not in proc.stderr, proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("relterm: "), proc.stderr
    return lines[0]


def damage_table(db: Path, table: str) -> None:
    """Overwrite the root page of ``table`` with garbage: SQLite then says "database disk image is malformed"."""
    con = sqlite3.connect(db)
    root = con.execute("SELECT rootpage FROM sqlite_master WHERE name = ?", (table,)).fetchone()[0]
    size = con.execute("PRAGMA page_size").fetchone()[0]
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    con.close()
    with open(db, "r+b") as handle:
        handle.seek((root - 1) * size)
        handle.write(b"\xff" * size)


def fill(db: Path, count: int = 200) -> None:
    """A database with ``count`` contacts, each with a company, an email and notes (~25 kB per 100)."""
    from relterm import store
    from relterm.config import load_config
    from relterm.core import Core

    core = Core(db, load_config())
    with store.write():
        for i in range(count):
            core.add_contact(f"Person {i:03d}", company=f"Company {i}", email=f"p{i}@example.org", notes="n" * 150)
    core.close()
