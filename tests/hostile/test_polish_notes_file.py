"""Hostile --notes-file inputs: a FIFO, a directory, a device, a huge file, a missing file, stdin that is
too long or not UTF-8. Each: one line on stderr naming the file, exit 2, the notes unchanged."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest


def _one_line(err: str) -> str:
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert "Traceback" not in err
    assert lines[0].startswith("relterm: ")
    return lines[0]


def _notes(run_cli) -> str:
    return run_cli("show", "Ada Lovelace", "--json").json()["notes"]


@pytest.fixture
def ada(run_cli):
    run_cli("add", "Ada Lovelace", "--notes", "kept")


def test_a_fifo_is_refused_at_once_without_waiting_for_a_writer(run_cli, ada, tmp_path):
    fifo = tmp_path / "notes.fifo"
    os.mkfifo(fifo)
    result = run_cli("edit", "Ada Lovelace", "--notes-file", str(fifo))  # would block forever if opened plainly
    assert result.code == 2
    line = _one_line(result.err)
    assert str(fifo) in line and "FIFO" in line and "give a regular file" in line and "vdir" not in line
    assert _notes(run_cli) == "kept"


def test_a_directory_is_refused(run_cli, ada, tmp_path):
    result = run_cli("edit", "Ada Lovelace", "--notes-file", str(tmp_path))
    assert result.code == 2
    assert "a directory, not a file" in _one_line(result.err)
    assert _notes(run_cli) == "kept"


def test_a_device_is_refused(run_cli, ada):
    result = run_cli("edit", "Ada Lovelace", "--notes-file", "/dev/zero")  # endless: must not be read
    assert result.code == 2
    assert "a device" in _one_line(result.err)
    assert _notes(run_cli) == "kept"


def test_a_huge_file_is_refused_by_its_size_without_reading_it(run_cli, ada, tmp_path):
    huge = tmp_path / "huge.txt"
    with open(huge, "wb") as handle:
        handle.truncate(2 * 2**30)  # 2 GiB, sparse: nothing to read, and nothing may be
    result = run_cli("edit", "Ada Lovelace", "--notes-file", str(huge))
    assert result.code == 2
    line = _one_line(result.err)
    assert str(huge) in line and "2,048.0 MiB" in line and "at most 16 MiB" in line
    assert _notes(run_cli) == "kept"


def test_a_missing_file_is_named(run_cli, ada, tmp_path):
    result = run_cli("edit", "Ada Lovelace", "--notes-file", str(tmp_path / "nope.txt"))
    assert result.code == 2
    assert "nope.txt: cannot read: No such file or directory" in _one_line(result.err)
    assert _notes(run_cli) == "kept"


def test_standard_input_too_long_is_refused(run_cli, ada):
    result = run_cli("edit", "Ada Lovelace", "--notes-file", "-", input="x" * (16 * 2**20 + 1))
    assert result.code == 2
    assert "standard input holds more than 16 MiB" in _one_line(result.err)
    assert _notes(run_cli) == "kept"


def test_standard_input_that_is_not_utf8_is_refused(run_cli, ada):
    proc = subprocess.run([sys.executable, "-m", "relterm", "edit", "Ada Lovelace", "--notes-file", "-"],
                          input=b"caf\xe9 notes\n", capture_output=True, timeout=60)
    assert proc.returncode == 2
    assert "standard input is not valid" in _one_line(proc.stderr.decode())
    assert _notes(run_cli) == "kept"
