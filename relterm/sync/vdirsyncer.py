"""The vdirsyncer config relterm writes, and running vdirsyncer on it.

relterm never talks to a server itself: vdirsyncer moves the two vdirs.
The contacts pair resolves a card changed on both sides in the server's
favour ("b wins"): relterm's own edit is still in the database and is merged
again, field by field, with what came down (see ``engine``). The agenda pair
is one-way in effect: relterm rewrites its calendar after every run, and
resolves conflicts in its own favour ("a wins").
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

from .state import SyncPaths

CONTACTS_PAIR = "relterm_contacts"
AGENDA_PAIR = "relterm_agenda"
TIMEOUT = 600


def _q(value: str) -> str:
    """A TOML-like string as vdirsyncer's config reads it (JSON string syntax)."""
    return json.dumps(str(value), ensure_ascii=False)


def config_text(paths: SyncPaths, url: str, *, calendar_url: Optional[str] = None, username: str = "",
                password: Optional[str] = None, password_command: Optional[str] = None) -> str:
    def auth() -> list[str]:
        lines = []
        if username:
            lines.append(f"username = {_q(username)}")
        if password_command:
            lines.append(f'password.fetch = ["command", "sh", "-c", {_q(password_command)}]')
        elif password is not None:
            lines.append(f"password = {_q(password)}")
        return lines

    out = [
        "# Written by `relterm sync init`; relterm runs `vdirsyncer -c THIS_FILE sync` in `relterm sync`.",
        "# The contacts vdir is relterm's: edit cards on your phone or in relterm, not in the files.",
        "[general]",
        f"status_path = {_q(str(paths.status_dir) + '/')}",
        "",
        f"[pair {CONTACTS_PAIR}]",
        f'a = "{CONTACTS_PAIR}_local"',
        f'b = "{CONTACTS_PAIR}_remote"',
        "collections = null",
        '# A card changed on both sides: the server\'s copy comes down, and relterm merges it field by field.',
        'conflict_resolution = "b wins"',
        "",
        f"[storage {CONTACTS_PAIR}_local]",
        'type = "filesystem"',
        f"path = {_q(str(paths.contacts) + '/')}",
        'fileext = ".vcf"',
        "",
        f"[storage {CONTACTS_PAIR}_remote]",
        'type = "carddav"',
        f"url = {_q(url)}",
        *auth(),
    ]
    if calendar_url:
        out += [
            "",
            f"[pair {AGENDA_PAIR}]",
            f'a = "{AGENDA_PAIR}_local"',
            f'b = "{AGENDA_PAIR}_remote"',
            "collections = null",
            "# One way: relterm's agenda overwrites edits made in the calendar.",
            'conflict_resolution = "a wins"',
            "",
            f"[storage {AGENDA_PAIR}_local]",
            'type = "filesystem"',
            f"path = {_q(str(paths.agenda) + '/')}",
            'fileext = ".ics"',
            "",
            f"[storage {AGENDA_PAIR}_remote]",
            'type = "caldav"',
            f"url = {_q(calendar_url)}",
            *auth(),
        ]
    return "\n".join(out) + "\n"


def executable() -> list[str]:
    """vdirsyncer beside this Python (a venv), else on PATH, else as a module."""
    beside = Path(sys.executable).with_name("vdirsyncer")
    if beside.exists():
        return [str(beside)]
    found = shutil.which("vdirsyncer")
    if found:
        return [found]
    return [sys.executable, "-m", "vdirsyncer"]


def available() -> bool:
    if Path(sys.executable).with_name("vdirsyncer").exists() or shutil.which("vdirsyncer"):
        return True
    import importlib.util

    return importlib.util.find_spec("vdirsyncer") is not None


@dataclass
class Run:
    ok: bool
    seconds: float
    message: str  # the last lines of its output when it failed


def run(paths: SyncPaths, *, timeout: float = TIMEOUT) -> Run:
    """``vdirsyncer discover`` (the first time) and ``vdirsyncer sync`` on relterm's config."""
    started = time.monotonic()
    if not available():
        return Run(False, 0.0, "vdirsyncer is not installed (pip install 'relterm[sync]'), "
                               "or sync with --no-vdirsyncer and run it yourself")
    base = executable() + ["-c", str(paths.vdirsyncer_config)]
    env = dict(os.environ, LANG=os.environ.get("LANG", "C.UTF-8"))
    steps = []
    if not list(paths.status_dir.glob("*.collections")):
        steps.append(base + ["discover"])
    steps.append(base + ["sync", CONTACTS_PAIR])
    try:
        has_agenda = f"[pair {AGENDA_PAIR}]" in paths.vdirsyncer_config.read_text(encoding="utf-8")
    except OSError:
        has_agenda = False
    if has_agenda:
        # relterm's own calendar may rightly become empty (everything done): vdirsyncer's guard against a
        # wiped side is kept for the contacts, not for the one-way agenda.
        steps.append(base + ["sync", "--force-delete", AGENDA_PAIR])
    for command in steps:
        try:
            proc = subprocess.run(command, capture_output=True, text=True, timeout=timeout, env=env,
                                  stdin=subprocess.DEVNULL, errors="replace")
        except subprocess.TimeoutExpired:
            return Run(False, time.monotonic() - started, f"vdirsyncer took more than {timeout:.0f} s; stopped")
        except OSError as exc:
            return Run(False, time.monotonic() - started, f"cannot start vdirsyncer: {exc.strerror or exc}")
        if proc.returncode != 0:
            lines = [line.strip() for line in (proc.stderr + proc.stdout).splitlines() if line.strip()]
            errors = [line for line in lines if line.lower().startswith(("error", "critical"))
                      and "-vdebug" not in line] or lines
            return Run(False, time.monotonic() - started, "; ".join(errors[-3:])[:500] or f"exit {proc.returncode}")
    return Run(True, time.monotonic() - started, "")
