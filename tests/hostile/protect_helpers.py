"""Shared pieces of the "never write over what is not ours" tests: a database with a
timeline, a look at it from outside relterm, and a CLI run under a file size limit."""

from __future__ import annotations

import os
import resource
import stat
import sqlite3
import subprocess
import sys
from pathlib import Path


def fill(db_path: Path, count: int = 3, *, notes: str = "") -> None:
    """``count`` contacts, each with an interaction on the timeline, written by a Core that is then closed."""
    from relterm import store
    from relterm.config import load_config
    from relterm.core import Core

    store.close_database()
    core = Core(db_path, load_config())
    try:
        for n in range(count):
            cid = core.add_contact(f"Person {n}", notes=notes, uid=f"person-{n}")
            core.log(cid, "coffee", f"coffee number {n}", date="2026-11-01")
    finally:
        core.close()
        store.close_database()


def look(db_path: Path) -> tuple[str, int, int]:
    """(integrity_check, contacts, timeline events) read by plain sqlite3, as another program would."""
    con = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    try:
        check = con.execute("PRAGMA integrity_check").fetchone()[0]
        contacts = con.execute("SELECT COUNT(*) FROM contact").fetchone()[0]
        events = con.execute("SELECT COUNT(*) FROM event").fetchone()[0]
    finally:
        con.close()
    return check, contacts, events


def run_limited(args: list[str], limit: int, cwd: Path | None = None) -> subprocess.CompletedProcess:
    """The real CLI with files limited to ``limit`` bytes: a write past it fails (EFBIG), as on a full disk."""

    def cap() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return subprocess.run([sys.executable, "-m", "relterm", *args], capture_output=True, text=True,
                          preexec_fn=cap, env=dict(os.environ), cwd=cwd, timeout=60)


def partials(directory: Path) -> list[str]:
    return sorted(p.name for p in directory.iterdir() if p.name.endswith((".partial", ".tmp")))


DEVICES = {"/dev/null": (1, 3), "/dev/full": (1, 7)}


def device(tmp_path: Path, name: str) -> str:
    """A path to the device ``name``. As root, a node of the same device made in ``tmp_path``:
    a writer that wrongly renames over its target then replaces that node, not the system's
    /dev/null (which an unprivileged run cannot replace)."""
    if os.geteuid() != 0:
        return name
    node = tmp_path / f"dev-{Path(name).name}"
    os.mknod(node, stat.S_IFCHR | 0o666, os.makedev(*DEVICES[name]))
    return str(node)
