"""The command line's streams: arguments or stdin that are not UTF-8, an output encoding that
cannot show a name, a closed or broken stdout, a full device. Each ends in one line on stderr
and exit status 2: no traceback, no "Exception ignored"."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

RELTERM = [sys.executable, "-m", "relterm"]


def _one_line(err: str) -> str:
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert "Traceback" not in err and "Exception ignored" not in err
    assert lines[0].startswith("relterm: ")
    return lines[0]


def _run(args, **kwargs):
    return subprocess.run(RELTERM + list(args), capture_output=True, timeout=60, **kwargs)


def test_an_argument_that_is_not_utf8_is_refused_before_anything_runs(run_cli):
    result = subprocess.run(RELTERM + [b"add", b"Bad\xff name"], capture_output=True, timeout=60)
    assert result.returncode == 2
    assert "not valid UTF-8" in _one_line(result.stderr.decode())
    assert run_cli("list", "--json").json() == []


def test_stdin_that_is_not_utf8_writes_nothing(run_cli):
    run_cli("add", "Ann Lee")
    result = _run(["intro", "Ann", "-"], input=b"Good Name\nBad\xff Name\n")
    assert result.returncode == 2
    assert "standard input" in _one_line(result.stderr.decode())
    assert [c["name"] for c in run_cli("list", "--json").json()] == ["Ann Lee"]


def test_an_output_encoding_that_cannot_show_a_name(run_cli):
    run_cli("add", "東京 Tanaka")
    result = _run(["list"], env={**os.environ, "PYTHONIOENCODING": "latin-1"})
    assert result.returncode == 2
    assert "encoding" in _one_line(result.stderr.decode())
    ascii_ok = _run(["list", "--json"], env={**os.environ, "PYTHONIOENCODING": "ascii", "LANG": "C", "LC_ALL": "C"})
    assert ascii_ok.returncode in (0, 2)
    if ascii_ok.returncode == 2:
        _one_line(ascii_ok.stderr.decode())


def test_a_closed_stdout(run_cli):
    run_cli("add", "Ann Lee")
    for args in (["list"], ["add", "Bob Ray"]):
        result = subprocess.run(RELTERM + args, stdin=subprocess.DEVNULL, stderr=subprocess.PIPE, timeout=60,
                                pass_fds=(), preexec_fn=lambda: os.close(1))
        assert result.returncode == 2
        assert "standard output is closed" in _one_line(result.stderr.decode())
    # Refused before anything ran: Bob was not added.
    assert [c["name"] for c in run_cli("list", "--json").json()] == ["Ann Lee"]


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="no /dev/full")
def test_a_full_device_as_stdout(run_cli):
    run_cli("add", "Ann Lee")
    with open("/dev/full", "w") as full:
        listed = subprocess.run(RELTERM + ["list"], stdout=full, stderr=subprocess.PIPE, timeout=60)
        added = subprocess.run(RELTERM + ["add", "Bob Ray"], stdout=full, stderr=subprocess.PIPE, timeout=60)
    assert listed.returncode == 2 and "No space left" in _one_line(listed.stderr.decode())
    assert added.returncode == 2
    assert "saved" in _one_line(added.stderr.decode())
    # The add was one transaction, committed before its output failed.
    assert [c["name"] for c in run_cli("list", "--json").json()] == ["Ann Lee", "Bob Ray"]


def test_a_pipe_closed_early(run_cli, tmp_path):
    cards = "".join(f"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Person {i:05d}\r\nEND:VCARD\r\n" for i in range(3000))
    (tmp_path / "many.vcf").write_text(cards, encoding="utf-8")
    assert run_cli("import", str(tmp_path / "many.vcf")).code == 0
    for args in (["list"], ["list", "--json"]):
        proc = subprocess.Popen(RELTERM + args, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        proc.stdout.readline()
        proc.stdout.close()  # as `| head -1` does
        err = proc.stderr.read().decode()
        assert proc.wait(timeout=60) == 2
        assert "broken pipe" in _one_line(err)
