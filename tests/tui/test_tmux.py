"""The app in a real terminal (tmux): what headless Pilot runs did not show.

In tmux the timeline's End stopped short of the oldest entry (an animated scroll
ended a fraction short, and the lines drawn were cut down from that fraction).
Skipped when tmux is not installed.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")


class Tmux:
    def __init__(self, tmp_path: Path, width: int, height: int, *args: str) -> None:
        self.socket = f"relterm-test-{uuid.uuid4().hex[:8]}"
        env = {
            "PYTHONPATH": str(ROOT), "HOME": os.environ["HOME"], "XDG_DATA_HOME": os.environ["XDG_DATA_HOME"],
            "XDG_CONFIG_HOME": os.environ["XDG_CONFIG_HOME"], "RELTERM_TODAY": os.environ["RELTERM_TODAY"],
            "RELTERM_DB": os.environ["RELTERM_DB"], "RELTERM_CONFIG_DIR": os.environ["RELTERM_CONFIG_DIR"],
            "RELTERM_CACHE_DIR": os.environ["RELTERM_CACHE_DIR"], "TERM": "xterm-256color", "LANG": "C.UTF-8",
        }
        exports = " ".join(f"{key}={value!s}" for key, value in env.items())
        command = f"env -i {exports} {sys.executable} -m relterm {' '.join(args)}"
        self._tmux("new-session", "-d", "-s", "t", "-x", str(width), "-y", str(height), command)

    def _tmux(self, *args: str) -> str:
        return subprocess.run(["tmux", "-L", self.socket, *args], capture_output=True, text=True, check=False).stdout

    def keys(self, *keys: str, pause: float = 0.4) -> None:
        for key in keys:
            self._tmux("send-keys", "-t", "t", key)
            time.sleep(pause)

    def screen(self) -> str:
        return self._tmux("capture-pane", "-p", "-t", "t")

    def wait_for(self, text: str, timeout: float = 20.0) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            screen = self.screen()
            if text in screen:
                return screen
            time.sleep(0.2)
        raise AssertionError(f"{text!r} never showed:\n{self.screen()}")

    def close(self) -> None:
        self._tmux("kill-server")


@pytest.fixture
def tmux(tmp_path):
    sessions: list[Tmux] = []

    def start(*args: str, size=(120, 40)) -> Tmux:
        session = Tmux(tmp_path, size[0], size[1], *args)
        sessions.append(session)
        return session

    yield start
    for session in sessions:
        session.close()


def test_end_in_the_timeline_reaches_the_first_entry_in_a_real_terminal(tmux):
    term = tmux("demo")
    term.wait_for("Amara Nwosu")
    term.keys("j")  # Amara Nwosu: a long timeline
    term.wait_for("Lagoon Analytics")
    term.keys("Tab", "Tab", "Tab", "G", pause=0.6)
    time.sleep(1.0)  # any scroll animation has ended
    screen = term.screen()
    assert "added at" in screen, screen
    term.keys("q")


def test_a_popup_opened_over_notifications_is_readable_at_80x24(tmux):
    """At 80 columns a stack of notifications covered half a popup (a merge preview, a form's hint):
    opening a popup clears them."""
    term = tmux("demo", size=(80, 24))
    term.wait_for("Aisha Bello")
    term.keys("d", "y")  # "Archived Aisha Bello. Press u to undo ..." stays 8 seconds
    term.wait_for("Archived Aisha Bello")
    term.keys("m", "j", "m", pause=0.3)  # two more notifications: the marks for a merge
    term.wait_for("J previews")
    term.keys("J", pause=0.8)
    screen = term.screen()
    assert "Merge " in screen and "Archived Aisha Bello" not in screen and "J previews" not in screen, screen
    assert "y: merge · s: keep the other one instead" in screen, screen
    term.keys("Escape", pause=0.3)
    term.keys("a", pause=0.8)
    screen = term.screen()
    assert "Add a contact" in screen and "enter saves · escape cancels · tab next field" in screen, screen
    term.keys("Escape", "q")
