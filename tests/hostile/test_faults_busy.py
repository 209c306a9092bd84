"""Another process holds the write lock (a long import) past the busy timeout: the waiting write says
so in one line, in the CLI and in the app alike, and nothing is lost."""

from __future__ import annotations

import contextlib
import subprocess
import sys
import time

import pytest

from .faults_support import one_line_error, run

HOLD = """
import sqlite3, sys
con = sqlite3.connect(sys.argv[1], isolation_level=None)
con.execute("BEGIN IMMEDIATE")
print("holding", flush=True)
sys.stdin.read()  # until the test closes our stdin
con.execute("ROLLBACK")
"""


@contextlib.contextmanager
def write_lock_held(db):
    """A real second process holding SQLite's write lock on ``db`` until the block ends."""
    holder = subprocess.Popen([sys.executable, "-c", HOLD, str(db)], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                              text=True)
    try:
        assert holder.stdout.readline().strip() == "holding"
        yield holder
    finally:
        holder.stdin.close()
        try:
            holder.wait(timeout=10)
        except subprocess.TimeoutExpired:
            holder.kill()
            holder.wait()


@pytest.mark.parametrize("command", [("add", "Bea"), ("log", "Ada", "a note"), ("promote", "Ada", "--reason", "x")])
def test_a_write_waiting_too_long_for_another_relterm_says_so(db_path, command):
    assert run("add", "Ada").returncode == 0
    with write_lock_held(db_path):
        started = time.monotonic()
        line = one_line_error(run(*command, env={"RELTERM_BUSY_TIMEOUT": "1"}))
        waited = time.monotonic() - started
    assert "another relterm is writing" in line and "nothing was written" in line and str(db_path) in line
    assert waited < 20
    # Once the other writer is done, the same command goes through.
    assert run(*command).returncode == 0


def test_reading_is_not_held_up_by_a_writer(db_path):
    assert run("add", "Ada").returncode == 0
    with write_lock_held(db_path):
        listed = run("list", "--json", env={"RELTERM_BUSY_TIMEOUT": "1"})
    assert listed.returncode == 0 and "Ada" in listed.stdout


# The app -------------------------------------------------------------------------------------


@pytest.fixture
def short_busy_timeout(monkeypatch):
    """Before the core opens the database: writes give up after half a second."""
    monkeypatch.setenv("RELTERM_BUSY_TIMEOUT", "0.5")


async def test_the_app_says_another_relterm_is_writing_and_keeps_the_form(short_busy_timeout, core, config_dir,
                                                                           db_path):
    from textual.screen import ModalScreen

    from relterm.tui.app import RelTermApp
    from relterm.tui.themes import load_settings

    from tui.helpers import db_rows, notifications, press, started, type_text

    core.add_contact("Ada Lovelace")
    app = RelTermApp(core, core.config, config_dir=config_dir, settings=load_settings(config_dir),
                     watch_database=False)
    async with started(app, (120, 40)) as pilot:
        with write_lock_held(db_path):
            await press(pilot, "a")
            await type_text(pilot, "Bea Busy")
            await press(pilot, "enter")
            assert "another relterm is writing" in notifications(app)
            assert "OperationalError" not in notifications(app)
            assert isinstance(app.screen, ModalScreen)  # the form is open again, with what was typed
        await press(pilot, "enter")
        assert not isinstance(app.screen, ModalScreen)
    assert db_rows(db_path, "SELECT name FROM contact ORDER BY id") == [("Ada Lovelace",), ("Bea Busy",)]
