"""Nothing from the data reaches the terminal as control codes: every CLI command, over a database
with hostile text in every text column (written with sqlite3, past the cleaning on the way in)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import click
import pytest

from relterm.cli.group import cli

from .hostile_text import BAD, HOSTILE, build_hostile_db, poison

ROOT = Path(__file__).resolve().parents[2]
# Command-line arguments cannot hold NUL.
ARG = HOSTILE.replace("\x00", "")


def leaf_commands() -> list[str]:
    """Every command the CLI has, as it is typed ("review record"), read from the click group."""
    ctx = click.Context(cli)
    found = []

    def walk(group, prefix):
        for name in group.list_commands(ctx):
            command = group.get_command(ctx, name)
            if isinstance(command, click.Group):
                walk(command, prefix + [name])
            else:
                found.append(" ".join(prefix + [name]))

    walk(cli, [])
    return found


# How each command is run. ``{tmp}`` is the module's temp dir, ``{vdir}`` a vdir with hostile file
# names, ``{gone}`` the archived contact's id. A command missing here fails the test: add it.
INVOCATIONS: dict[str, list[list[str]] | None] = {
    "add": [["add", f"Zed{ARG}", "--company", ARG, "--notes", ARG]],
    "backup": [["backup", "{tmp}/copy.db"]],
    "balance": [["balance"], ["balance", "1"], ["balance", "--json"], ["balance", "1", "--json"]],
    "brief": [["brief", "1"], ["brief", "1", "--json"], ["brief", "2"], ["brief", "pwned"]],
    "check": [["check"]],
    "config init": [["config", "init"], ["config", "init"]],
    "config path": [["config", "path"]],
    "delete": [["delete", "2", "--yes"], ["delete", "1"]],
    "demo": None,  # opens the full-screen app on sample data; the TUI tests cover what it shows
    "demote": [["demote", "1", "--reason", ARG], ["demote", "3", "--json"], ["demote", "3", "--follow-up"]],
    "due": [["due"], ["due", "--all"], ["due", "--json"], ["due", "--within", "400"]],
    "duplicates": [["duplicates"], ["duplicates", "--json"]],
    "merge": [["merge", "1", "2"], ["merge", "2", "1", "--yes"], ["merge", "--undo"], ["merge", "--undo"]],
    "edit": [["edit", "1", "--title", ARG], ["edit", "1"], ["edit", "1", "--birthday", ARG]],
    "event delete": [["event", "delete", "1", "-y"], ["event", "delete", "99999", "-y"]],
    "event edit": [["event", "edit", "2", "--summary", ARG, "-y"], ["event", "edit", "2", "--date", ARG, "-y"]],
    "event undo": [["event", "undo"], ["event", "undo"]],
    "goal": [["goal"], ["goal", "--json"], ["goal", "coffees", "1", "--every", "7"], ["goal", ARG, "1", "--every", "7"],
             ["goal", "--remove", ARG]],
    "export": [["export", "--format", fmt] for fmt in ("vcard", "csv", "json", "ics")]
    + [["export", "--format", "vdir", "-o", "{tmp}/out-vdir"]],
    "import": [["import", "{vdir}"], ["import", "{vdir}", "--dry-run", "--all"]],
    "intro": [["intro", "1", "Dee Ortiz"], ["intro", "1", f"Eve{ARG}", "--json"]],
    "levels": [["levels"], ["levels", "--json"], ["levels", "--history"], ["levels", "--history", "--json"]],
    "list": [["list"], ["list", "--json"], ["list", "--archived"], ["list", "--sort", "urgency"],
             ["list", "--sphere", ARG]],
    "log": [["log", "1", "hello", ARG], ["log", "1", "--date", ARG], ["log", ARG, "x"],
            ["log", "1", "--kind", ARG], ["log", "3", ARG, "--went-badly"],
            ["log", "3", ARG, "--went-badly", "--follow-up", "--json"]],
    "follow-up": [["follow-up", "1", "--about", "3", "--reason", ARG], ["follow-up", "1", "--json"],
                  ["follow-up", "--done", "1"], ["follow-up", "--reopen", "1", "--json"], ["follow-up", "--dismiss", ARG]],
    "follow-ups": [["follow-ups"], ["follow-ups", "--all"], ["follow-ups", "--json"], ["follow-ups", "1", "--all"]],
    "matrix": [["matrix"], ["matrix", "--json"]],
    "names": [["names", "1"], ["names", "1", "--json"], ["names", "1", "--pending"]],
    "overlaps": [["overlaps"], ["overlaps", "--json"]],
    "path": [["path", "2"], ["path", "2", "--json"]],
    "promote": [["promote", "2"], ["promote", "1", "--to", ARG]],
    "reach": [["reach"], ["reach", "--json"]],
    "restore": [["restore", "{gone}"]],
    "review record": [["review", "record", "1", "--continue", ARG, "--json"], ["review", "record", "1"]],
    "review schedule": [["review", "schedule", "1", "--every", "14"]],
    # "pwned" is inside every poisoned name: the "which one?" error lists them all.
    "show": [["show", "1"], ["show", "1", "--json"], ["show", "2"], ["show", "{gone}", "--archived"],
             ["show", "pwned"]],
    "snooze": [["snooze", "2", "5"]],
    "stats": [["stats"], ["stats", "--json"]],
    "suggest": [["suggest"], ["suggest", "--json"]],
    "who-knows": [["who-knows", "2"], ["who-knows", "2", "--json"], ["who-knows", "1"]],
    "sync init": [["sync", "init", "--url", "http://127.0.0.1:9/x/", "--force"]],
    "sync": [["sync", "init", "--url", "http://127.0.0.1:9/x/", "--force"], ["sync", "--no-vdirsyncer"],
             ["sync", "--dry-run"], ["sync", "--status"]],
}


@pytest.fixture(scope="module")
def hostile_env(tmp_path_factory):
    """A poisoned database, a config dir and a vdir whose file names carry escape sequences."""
    tmp = tmp_path_factory.mktemp("hostile")
    env = {
        "HOME": str(tmp / "home"), "XDG_DATA_HOME": str(tmp / "home/data"), "XDG_CONFIG_HOME": str(tmp / "home/config"),
        "RELTERM_DB": str(tmp / "relterm.db"), "RELTERM_CONFIG_DIR": str(tmp / "config"),
        "RELTERM_CACHE_DIR": str(tmp / "cache"), "RELTERM_TODAY": "2026-11-23",
    }
    with pytest.MonkeyPatch.context() as mp:
        for key, value in env.items():
            mp.setenv(key, value)
        from relterm import store
        from relterm.config import load_config
        from relterm.core import Core

        core = Core(Path(env["RELTERM_DB"]), load_config())
        ids = build_hostile_db(core)
        gone = core.resolve("Gone", archived=True)
        store.close_database()
    columns = poison(Path(env["RELTERM_DB"]))
    assert ("contact", "name") in columns and ("event", "summary") in columns
    vdir = tmp / "vdir"
    vdir.mkdir()
    file_name = ARG.replace("/", "")
    (vdir / f"{file_name}.vcf").write_text("BEGIN:VCARD\r\nVERSION:3.0\r\nN:;;;;\r\nEND:VCARD\r\n")
    (vdir / f"ok{file_name}.vcf").write_text(
        f"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Vic {file_name}\r\nORG:{file_name}\r\nEND:VCARD\r\n")
    (vdir / f"broken{file_name}.vcf").write_bytes(b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:\xff\xfe\x1b[2J\r\n")
    return {"env": env, "tmp": tmp, "vdir": vdir, "gone": gone, "ids": ids}


def run(hostile_env, args: list[str]) -> subprocess.CompletedProcess:
    fill = {"tmp": str(hostile_env["tmp"]), "vdir": str(hostile_env["vdir"]), "gone": str(hostile_env["gone"])}
    args = [arg.format(**fill) if "{" in arg else arg for arg in args]
    env = dict(os.environ)
    env.update(hostile_env["env"])
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    return subprocess.run([sys.executable, "-m", "relterm", *args], capture_output=True, env=env, timeout=60,
                          stdin=subprocess.DEVNULL)


def assert_clean(label: str, stream: str, data: bytes) -> str:
    text = data.decode("utf-8", errors="replace")
    match = BAD.search(text)
    assert match is None, f"{label}: {stream} holds {match.group()!r} at {match.start()}: {text[:2000]!r}"
    return text


@pytest.mark.parametrize("command", leaf_commands())
def test_no_control_characters_reach_the_terminal(hostile_env, command):
    assert command in INVOCATIONS, f"relterm {command}: add it to INVOCATIONS so its output is checked"
    invocations = INVOCATIONS[command]
    if invocations is None:
        return
    for args in invocations:
        proc = run(hostile_env, args)
        label = "relterm " + " ".join(a.encode("unicode_escape").decode() for a in args)
        out = assert_clean(label, "stdout", proc.stdout)
        err = assert_clean(label, "stderr", proc.stderr)
        assert out or err, f"{label} printed nothing"
        if "--json" in args and proc.returncode == 0:
            json.loads(out)  # still valid JSON, with the hostile characters escaped inside strings


def test_json_keeps_the_text_escaped_not_lost(hostile_env):
    """A JSON backup is for programs: the stored text comes back whole, every character escaped."""
    proc = run(hostile_env, ["export", "--format", "json"])
    assert proc.returncode == 0, proc.stderr
    assert_clean("export --format json", "stdout", proc.stdout)
    backup = json.loads(proc.stdout)
    cells = [cell for table in backup["tables"].values() for row in table["rows"] for cell in row]
    assert any(isinstance(cell, str) and HOSTILE in cell for cell in cells)


def test_show_json_is_cleaned_for_reading(hostile_env):
    proc = run(hostile_env, ["show", "1", "--json"])
    assert proc.returncode == 0, proc.stderr
    card = json.loads(assert_clean("show --json", "stdout", proc.stdout))
    assert "Ada" in card["name"] and "pwned" not in card["name"]


def test_tables_show_the_readable_text_in_columns(hostile_env):
    proc = run(hostile_env, ["list"])
    out = assert_clean("list", "stdout", proc.stdout)
    lines = out.splitlines()
    assert any("Ada" in line and "Engines" in line for line in lines), out
    header, rule = lines[0], lines[1]
    # The columns still line up: every column's dashes start where its header does.
    starts = [m.start() for m in re.finditer(r"-+", rule)]
    assert starts == [m.start() for m in re.finditer(r"\S+(?: \S+)*", header)]


def test_every_cli_print_goes_through_the_output_cleaner():
    """Only relterm/cli/output.py may write to the terminal directly."""
    offenders = []
    for path in sorted((ROOT / "relterm" / "cli").glob("*.py")):
        if path.name == "output.py":
            continue
        for number, line in enumerate(path.read_text().splitlines(), 1):
            if re.search(r"click\.(echo|secho)\(|\bprint\(|sys\.(stdout|stderr)\.write", line):
                offenders.append(f"{path.name}:{number}: {line.strip()}")
    assert not offenders, "print through relterm.cli.output.echo instead:\n" + "\n".join(offenders)
