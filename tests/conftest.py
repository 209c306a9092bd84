"""Shared fixtures. Every test runs with its own data and config directories,
so nothing can read or write the developer's real relterm files."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"


@pytest.fixture(autouse=True)
def isolated_dirs(tmp_path, monkeypatch):
    """Point XDG dirs, RELTERM_DB, RELTERM_CONFIG_DIR and RELTERM_CACHE_DIR into the test's temp dir."""
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / "data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / "config"))
    monkeypatch.setenv("RELTERM_DB", str(tmp_path / "relterm.db"))
    monkeypatch.setenv("RELTERM_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.setenv("RELTERM_CACHE_DIR", str(tmp_path / "relterm-cache"))
    monkeypatch.setenv("RELTERM_TODAY", "2026-11-23")
    yield tmp_path
    from relterm import store

    store.close_database()


@pytest.fixture
def db_path(tmp_path) -> Path:
    return tmp_path / "relterm.db"


@pytest.fixture
def config_dir(tmp_path) -> Path:
    path = tmp_path / "config"
    path.mkdir(exist_ok=True)
    return path


@pytest.fixture
def core(db_path):
    """A Core over a fresh temporary database file and the shipped ladders."""
    from relterm.config import load_config
    from relterm.core import Core

    instance = Core(db_path, load_config())
    yield instance
    instance.close()


class CLIResult:
    def __init__(self, proc: subprocess.CompletedProcess):
        self.code = proc.returncode
        self.out = proc.stdout
        self.err = proc.stderr

    def json(self):
        return json.loads(self.out)

    def __repr__(self) -> str:
        return f"<exit {self.code}\nstdout: {self.out}\nstderr: {self.err}>"


@pytest.fixture
def run_cli():
    """Run the real `relterm` command in a subprocess, as a user would."""

    def run(*args: str, input: str | None = None, env: dict | None = None) -> CLIResult:
        full_env = dict(os.environ)
        full_env.update(env or {})
        proc = subprocess.run(
            [sys.executable, "-m", "relterm", *args],
            capture_output=True,
            text=True,
            input=input if input is not None else "",
            env=full_env,
            timeout=60,
        )
        return CLIResult(proc)

    return run


@pytest.fixture
def invoke():
    """Run the CLI in-process through click's runner (faster; same code path)."""
    from click.testing import CliRunner

    from relterm.cli import cli

    def run(*args: str, input: str | None = None) -> CLIResult:
        runner = CliRunner()
        # The command closes the database it opened; a core the test holds on the same file stays open.
        result = runner.invoke(cli, list(args), input=input, catch_exceptions=False)
        proc = subprocess.CompletedProcess(args, result.exit_code, result.stdout, result.stderr)
        return CLIResult(proc)

    return run


# Tiers: `pytest -m "not pilot and not process"` is the fast loop; plain `pytest` runs everything.
_PROCESS_FIXTURES = {"run_cli"}


def pytest_collection_modifyitems(config, items):
    """Mark Pilot tests (everything under tests/tui) and tests that start real processes."""
    starts_processes: dict[Path, bool] = {}
    for item in items:
        path = Path(str(item.fspath))
        if "tui" in path.parts:
            item.add_marker(pytest.mark.pilot)
        if path not in starts_processes:
            starts_processes[path] = path.suffix == ".py" and "subprocess" in path.read_text(encoding="utf-8")
        if _PROCESS_FIXTURES & set(getattr(item, "fixturenames", ())) or starts_processes[path]:
            item.add_marker(pytest.mark.process)
