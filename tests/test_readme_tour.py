"""Every command of the README's command-line tour runs, in order, on a fresh database (exit 0)."""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# The sections whose indented blocks make the tour, in the README's order.
TOUR_SECTIONS = ("## The command line, a short tour", "## What to do next")


def tour_commands(text: str) -> list[list[str]]:
    """The ``relterm ...`` commands of the tour's code blocks: comments dropped, ``a ; b`` split."""
    commands: list[list[str]] = []
    section = None
    for line in text.splitlines():
        if line.startswith("## "):
            section = next((s for s in TOUR_SECTIONS if line.startswith(s)), None)
            continue
        if section is None or not line.startswith("    relterm "):
            continue
        words = shlex.split(line, comments=True)
        current: list[str] = []
        for word in words + [";"]:
            if word == ";":
                if current:
                    assert current[0] == "relterm", line
                    commands.append(current[1:])
                current = []
            else:
                current.append(word)
    return commands


def test_the_tour_is_found():
    commands = tour_commands((ROOT / "README.md").read_text(encoding="utf-8"))
    assert ["add", "Ada Lovelace", "--level", "2", "--sphere", "business", "--company", "Analytical Engines",
            "--email", "ada@example.org"] == commands[0]
    assert any(c[:1] == ["intro"] for c in commands) and any(c[:1] == ["matrix"] for c in commands)
    assert len(commands) > 40


def test_every_tour_command_runs_in_order_on_a_fresh_database(tmp_path):
    home = Path(os.environ["HOME"])
    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    assert not Path(env["RELTERM_DB"]).exists()
    for args in tour_commands((ROOT / "README.md").read_text(encoding="utf-8")):
        args = [str(home / arg[2:]) if arg.startswith("~/") else arg for arg in args]
        result = subprocess.run([sys.executable, "-m", "relterm", *args], capture_output=True, text=True, env=env,
                                stdin=subprocess.DEVNULL, timeout=60, cwd=tmp_path)
        assert result.returncode == 0, f"relterm {shlex.join(args)}: exit {result.returncode}\n{result.stderr}"
        assert "Traceback" not in result.stderr
