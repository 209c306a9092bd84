"""What only shows across a process boundary: imports, exit codes, concurrent writers."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest


def python(code: str, env: dict | None = None, timeout: int = 120) -> subprocess.CompletedProcess:
    full_env = dict(os.environ)
    full_env.update(env or {})
    return subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True,
                          env=full_env, timeout=timeout)


def test_core_store_config_and_cli_do_not_import_textual():
    proc = python(
        """
        import sys
        import relterm.core, relterm.store, relterm.config, relterm.cli, relterm.dates, relterm.sanitize
        import relterm.cli.contacts, relterm.cli.config_cmd, relterm.cli.output, relterm.cli.context
        from relterm.cli import COMMANDS
        print(sorted(m for m in sys.modules if m == "textual" or m.startswith("textual.")))
        """
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "[]"


def test_running_cli_commands_does_not_import_textual_or_dateparser(db_path):
    proc = python(
        """
        import sys
        from relterm.cli import main
        for argv in (["add", "Ada Lovelace", "--level", "2"], ["log", "Ada", "--kind", "call", "--date", "yesterday",
                     "hi"], ["list"], ["list", "--json"], ["show", "Ada"], ["levels"], ["promote", "Ada"]):
            try:
                main(argv)
            except SystemExit as exc:
                assert not exc.code, (argv, exc.code)
        print("RESULT", "textual" in sys.modules, "dateparser" in sys.modules)
        """
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip().splitlines()[-1] == "RESULT False False"


def test_relterm_error_exits_2_without_traceback(run_cli):
    result = run_cli("show", "Nobody")
    assert result.code == 2
    assert result.err.startswith("relterm: ") and "Traceback" not in result.err
    result = run_cli("add", "X", "--sphere", "nope")
    assert result.code == 2 and "unknown sphere" in result.err and "Traceback" not in result.err


def test_usage_error_exits_2(run_cli):
    result = run_cli("add")
    assert result.code == 2 and "Missing argument" in result.err and "Traceback" not in result.err


def test_version_from_a_real_process(run_cli):
    from relterm import __version__

    result = run_cli("--version")
    assert result.code == 0 and __version__ in result.out


def test_real_process_creates_owner_only_files(run_cli, tmp_path):
    db = tmp_path / "perm" / "relterm.db"
    result = run_cli("--db", str(db), "add", "Ada", env={})
    assert result.code == 0, result
    assert db.stat().st_mode & 0o777 == 0o600
    assert db.parent.stat().st_mode & 0o777 == 0o700
    backup = tmp_path / "perm-backup" / "copy.db"
    assert run_cli("--db", str(db), "backup", str(backup)).code == 0
    assert backup.stat().st_mode & 0o777 == 0o600


def test_real_process_under_a_permissive_umask(tmp_path):
    db = tmp_path / "umask" / "relterm.db"
    proc = python(
        f"""
        import os
        os.umask(0)
        from relterm.cli import main
        try:
            main(["--db", {str(db)!r}, "add", "Ada"])
        except SystemExit as exc:
            assert not exc.code
        """
    )
    assert proc.returncode == 0, proc.stderr
    assert db.stat().st_mode & 0o777 == 0o600
    assert db.parent.stat().st_mode & 0o777 == 0o700
    for extra in db.parent.iterdir():
        assert extra.stat().st_mode & 0o077 == 0, extra


WRITER = """
import sys, time, datetime as dt
from pathlib import Path
from relterm.config import load_config
from relterm.core import Core

db, tag, rounds, start_at = sys.argv[1], sys.argv[2], int(sys.argv[3]), float(sys.argv[4])
core = Core(Path(db), load_config())
while time.time() < start_at:
    time.sleep(0.001)
ada = core.resolve("Ada Lovelace")
for i in range(rounds):
    # Each call is its own transaction; dates move back and forth so a stale read would show.
    day = dt.date(2026, 1, 1) + dt.timedelta(days=(i * 37 + (0 if tag == "a" else 11)) % 300)
    core.log(ada, "call", f"{tag} call {i}", date=day)
    if i % 5 == 0:
        core.add_contact(f"{tag} person {i}", tags=[tag])
print("done", tag)
"""


def test_two_processes_writing_at_once_both_succeed(core, db_path, tmp_path):
    core.add_contact("Ada Lovelace")
    core.close()
    script = tmp_path / "writer.py"
    script.write_text(WRITER)
    import time

    start_at = time.time() + 1.0  # both start their writes together, after imports
    rounds = 150
    procs = [
        subprocess.Popen([sys.executable, str(script), str(db_path), tag, str(rounds), str(start_at)],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for tag in ("a", "b")
    ]
    outputs = [p.communicate(timeout=180) for p in procs]
    for proc, (out, err) in zip(procs, outputs):
        assert proc.returncode == 0, err
        assert "locked" not in err
    conn = sqlite3.connect(db_path)
    calls = conn.execute("SELECT COUNT(*) FROM event WHERE kind = 'call'").fetchone()[0]
    people = conn.execute("SELECT COUNT(*) FROM contact").fetchone()[0]
    last, newest = conn.execute(
        "SELECT c.last_interaction, (SELECT MAX(date) FROM event e WHERE e.contact_id = c.id AND kind != 'level-change')"
        " FROM contact c WHERE name = 'Ada Lovelace'").fetchone()
    conn.close()
    assert calls == 2 * rounds
    assert people == 1 + 2 * (rounds // 5)
    assert last == newest  # last_interaction kept in step under concurrency


def test_two_cli_processes_logging_at_once(run_cli, core, db_path):
    core.add_contact("Ada Lovelace")
    core.add_contact("Charles Babbage")
    core.close()
    env = dict(os.environ)
    procs = []
    for i in range(2):
        for person in ("Ada", "Charles"):
            procs.append(subprocess.Popen(
                [sys.executable, "-m", "relterm", "log", person, "--kind", "email", f"note {i}"],
                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env))
        procs.append(subprocess.Popen(
            [sys.executable, "-m", "relterm", "add", f"Newcomer {i}"],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env))
    for proc in procs:
        out, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err
        assert "locked" not in err
    data = json.loads(run_cli("list", "--json").out)
    assert len(data) == 4
    conn = sqlite3.connect(db_path)
    assert conn.execute("SELECT COUNT(*) FROM event WHERE kind = 'email'").fetchone()[0] == 4
    conn.close()


@pytest.mark.parametrize("command", [["list"], ["show", "1"]])
def test_reading_while_another_process_holds_a_write_transaction(run_cli, db_path, command):
    assert run_cli("add", "Ada").code == 0
    holder = sqlite3.connect(db_path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    holder.execute("UPDATE contact SET company = 'pending' WHERE id = 1")
    try:
        result = run_cli(*command)
        assert result.code == 0, result
        assert "pending" not in result.out
    finally:
        holder.execute("ROLLBACK")
        holder.close()


PROMOTER = """
import sys, time
from pathlib import Path
from relterm.config import load_config
from relterm.core import Core

core = Core(Path(sys.argv[1]), load_config())
start_at = float(sys.argv[2])
while time.time() < start_at:
    time.sleep(0.001)
for _ in range(3):
    core.change_level(1, step=+1, reason=sys.argv[3])
"""


def test_two_processes_promoting_the_same_contact(core, db_path, tmp_path):
    import time

    core.add_contact("Ada Lovelace", level=0)
    core.close()
    script = tmp_path / "promoter.py"
    script.write_text(PROMOTER)
    start_at = time.time() + 1.0
    procs = [subprocess.Popen([sys.executable, str(script), str(db_path), str(start_at), tag],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for tag in ("a", "b")]
    for proc in procs:
        _, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err
    conn = sqlite3.connect(db_path)
    rank = conn.execute("SELECT rank FROM contact_level WHERE contact_id = 1").fetchone()[0]
    steps = conn.execute(
        "SELECT from_rank, to_rank FROM event WHERE kind = 'level-change' AND from_rank IS NOT NULL ORDER BY id"
    ).fetchall()
    conn.close()
    assert rank == 6  # six promotions from 0 Cold reach 6 Friend
    assert steps == [(r, r + 1) for r in range(6)]  # each from where the previous one left off


def test_backup_from_another_process_while_core_holds_a_write_transaction(core, run_cli, tmp_path):
    """The full-screen app keeps a Core open; a backup from a shell must still work, mid-write."""
    from relterm import store

    core.add_contact("Ada Lovelace")
    dest = tmp_path / "shell-backup.db"
    with store.write():
        core.add_contact("Charles Babbage")  # not committed yet
        result = run_cli("backup", str(dest))
    assert result.code == 0, result
    copy = sqlite3.connect(dest)
    assert copy.execute("SELECT name FROM contact").fetchall() == [("Ada Lovelace",)]
    assert copy.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    copy.close()
    assert [name for _, name in core.names()] == ["Ada Lovelace", "Charles Babbage"]


def _run_at_once(commands: list[list[str]], env: dict) -> list[tuple[int, str]]:
    procs = [subprocess.Popen([sys.executable, "-m", "relterm", *args], stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True, env=env) for args in commands]
    results = []
    for proc in procs:
        _, err = proc.communicate(timeout=120)
        results.append((proc.returncode, err))
    return results


def test_first_use_from_several_processes_at_once(tmp_path):
    """Each process finds a new database and wants to create the schema; one does, the others wait."""
    db = tmp_path / "new" / "relterm.db"
    env = dict(os.environ, RELTERM_DB=str(db))
    results = _run_at_once([["add", f"Person {i}"] for i in range(6)], env)
    assert all(code == 0 for code, _ in results), results
    conn = sqlite3.connect(db)
    assert conn.execute("SELECT COUNT(*) FROM contact").fetchone()[0] == 6
    names = [n for (n,) in conn.execute("SELECT name FROM schema_migration ORDER BY name")]
    conn.close()
    from relterm import store

    assert names == sorted(p.stem for p in store.MIGRATIONS_DIR.glob("[0-9]*.py"))


def test_upgrade_from_two_processes_at_once_backs_up_once(tmp_path):
    db = tmp_path / "old" / "relterm.db"
    db.parent.mkdir()
    conn = sqlite3.connect(db)
    conn.executescript((Path(__file__).parent / "data" / "schema_v1.sql").read_text())
    conn.close()
    env = dict(os.environ, RELTERM_DB=str(db))
    results = _run_at_once([["log", "Ada", "--kind", "call", "one"], ["log", "Charles", "--kind", "call", "two"]], env)
    assert all(code == 0 for code, _ in results), results
    assert len(list(db.parent.glob("relterm.db.before-*.bak"))) == 1
    conn = sqlite3.connect(db)
    assert conn.execute("SELECT COUNT(*) FROM event WHERE kind = 'call'").fetchone()[0] == 3  # one from v1
    conn.close()
