"""How fast is the full-screen app on big databases? Prints the figures.

    /work/venv/bin/python bench/bench_tui.py                 # 10k and 100k contacts
    /work/venv/bin/python bench/bench_tui.py --sizes 100000 --no-tmux

The databases come from bench/generate.py (10 interactions per contact:
100k contacts have about 1.1M timeline entries), cached between runs.

Measured, for each size, each in a fresh process:

* headless (Textual's test driver), timing the app's own work:
  - start: from creating the app to the first frame showing rows, and to the
    whole list being loaded;
  - filter: from the key event reaching the app to the last frame
    composed for it (typing "mar", then "a", backspace ...);
  - cursor: from the key event (j) to the last frame showing the new card
    and timeline;
  - memory: the process's peak RSS once everything is loaded.
  Pilot.press() itself costs tens of milliseconds per key, so the times are
  taken from the key event (a message hook) to the last frame the app
  composed (App._display), not around the Pilot call.
* in a real terminal (tmux, 120x40): from launching ``relterm`` (as installed
  by ``pip install .``: see _as_installed) to the first capture of the pane
  that shows contact rows, and the relterm process's
  peak RSS (VmHWM) once the whole list is loaded.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))


def database(contacts: int) -> Path:
    from generate import cached_database

    return cached_database(contacts, per_contact=10, seed=1)


# Headless -----------------------------------------------------------------------------


async def _headless(db: Path) -> dict:
    import resource

    from textual import events

    from relterm.config import load_config
    from relterm.core import Core
    from relterm.tui.app import RelTermApp

    key_times: list[float] = []
    writes: list[float] = []

    def hook(message) -> None:
        if isinstance(message, events.Key):
            key_times.append(time.perf_counter())

    started = time.perf_counter()
    config = load_config()
    config_dir = Path(tempfile.mkdtemp(prefix="relterm-bench-config-"))
    from relterm.firstpage import read_first_page
    from relterm.tui import FIRST_PAGE

    # As relterm.tui.run() does: the first page without the store, which the app opens after its first frame.
    first_page = (config.default_ladder, read_first_page(db, config.default_ladder, FIRST_PAGE))
    app = RelTermApp(lambda: Core(db, config), config, config_dir=config_dir, watch_database=False,
                     first_page=first_page, db_path=db)
    result: dict = {}
    async with app.run_test(size=(120, 40), message_hook=hook) as pilot:
        original_display = app._display

        def display(screen, renderable) -> None:
            # Called with each frame's update (the headless driver then drops it).
            original_display(screen, renderable)
            if renderable is not None:
                writes.append(time.perf_counter())

        app._display = display  # type: ignore[method-assign]
        while True:
            screen = app.main_screen
            if screen is not None and screen.is_mounted:
                if screen.store.complete and len(screen.store.rows) and screen._loaded_once:
                    break
            await asyncio.sleep(0.002)
        await pilot.pause(0.3)
        result["first_rows_s"] = app.main_screen.marks["first_rows"] - started
        result["all_loaded_s"] = time.perf_counter() - started
        result["rows"] = len(app.main_screen.store.rows)

        async def timed(keys: list[str], what: str, settle: float = 0.12) -> list[float]:
            """Per key: from the key event to the first frame composed after the app finished ``what``."""
            out, work = [], []
            finished = app.main_screen.finished[what]
            for key in keys:
                writes.clear()
                keys_before, done_before = len(key_times), len(finished)
                await pilot.press(key)
                await pilot.pause(settle)
                await app.workers.wait_for_complete()
                await pilot.pause(0.03)
                if len(key_times) <= keys_before or len(finished) <= done_before:
                    continue
                done = finished[-1]
                work.append(done - key_times[keys_before])
                frames = [t for t in writes if t >= done]
                if frames:
                    out.append(min(frames) - key_times[keys_before])
            return out, work

        await pilot.press("slash")
        await pilot.pause(0.2)
        filter_keys = list("mar") + ["backspace", "backspace", "backspace"] + list("son") + ["backspace"] * 3
        filter_keys += list("a") + ["backspace"] + list("tech") + ["backspace"] * 4
        filter_times, work_filter = await timed(filter_keys, "filter")
        await pilot.press("escape")
        await pilot.pause(0.3)
        await app.workers.wait_for_complete()
        app.main_screen.timings["detail"].clear()
        cursor_times, work_detail = await timed(["j"] * 25 + ["k"] * 5, "detail")
        result["filter_ms"] = [t * 1000 for t in filter_times]
        result["cursor_ms"] = [t * 1000 for t in cursor_times]
        result["cursor_work_ms"] = [t * 1000 for t in work_detail]
        result["filter_work_ms"] = [t * 1000 for t in work_filter]
        result["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    app.close_core()
    shutil.rmtree(config_dir, ignore_errors=True)
    return result


def headless(contacts: int) -> dict:
    """Run the headless measurement in a fresh process (clean memory figures)."""
    db = database(contacts)
    proc = subprocess.run(
        [sys.executable, __file__, "--child", str(db)], capture_output=True, text=True, timeout=600,
        env={**os.environ, "RELTERM_CONFIG_DIR": tempfile.mkdtemp(prefix="relterm-bench-")},
    )
    if proc.returncode != 0:
        raise SystemExit(f"headless run failed:\n{proc.stderr}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


# tmux ---------------------------------------------------------------------------------


def _tmux(*args: str) -> str:
    return subprocess.run(["tmux", *args], capture_output=True, text=True, timeout=30).stdout


def in_tmux(contacts: int, runs: int = 7) -> dict:
    """``runs`` launches of relterm, each right after one of a bare Textual app: a shared machine's speed
    drifts from minute to minute, and launching them in turn lets both see the same drift."""
    db = database(contacts)
    _compile_tree()
    config_dir = tempfile.mkdtemp(prefix="relterm-bench-tmux-")
    script = Path(config_dir) / "bare.py"
    script.write_text(BARE_APP)
    firsts, loaded, rss, bare = [], [], [], []
    # An idle session keeps the tmux server alive between runs (killing the last session stops
    # the server, and a new session started while it shuts down fails).
    anchor = f"relterm-bench-anchor-{os.getpid()}"
    subprocess.run(["tmux", "new-session", "-d", "-s", anchor, "sleep 600"], check=True)
    try:
        for run in range(runs):
            _one_bare_run(run, script, bare)
            _one_tmux_run(run, db, config_dir, firsts, loaded, rss)
    finally:
        _tmux("kill-session", "-t", anchor)
    shutil.rmtree(config_dir, ignore_errors=True)
    return {"first_rows_s": firsts, "all_loaded_s": loaded, "peak_rss_mb": rss, "bare_s": bare}


def _as_installed(*front: Path) -> str:
    """Environment for ``python -S``: this tree and the environment's packages on the path, without the
    start-up hooks (.pth files) of a development install. ``pip install -e`` adds a hook that imports
    a module finder in every process (~11 ms here); the README's ``pip install .`` has none, and that
    is what a user starts."""
    import site

    parts = [str(p) for p in front] + site.getsitepackages()
    return f"PYTHONPATH={':'.join(parts)}"


def _compile_tree() -> None:
    """Byte-compile this tree (into its git-ignored __pycache__ folders), as ``pip install .`` does at
    install time. Without it (some machines set PYTHONDONTWRITEBYTECODE) every start would compile
    relterm from source: tens of milliseconds that no installed copy spends."""
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(ROOT / "relterm")], check=True)


def _one_tmux_run(run: int, db: Path, config_dir: str, firsts: list, loaded: list, rss: list) -> None:
    """Launch relterm in a fresh 120x40 tmux session and time it; append to the lists."""
    session = f"relterm-bench-{os.getpid()}-{run}"
    # `python -m relterm` from this source tree, as the `relterm` script of a `pip install .` runs it.
    command = f"{_as_installed(ROOT)} RELTERM_CONFIG_DIR={config_dir} RELTERM_DB={db} {sys.executable} -S -m relterm"
    started = time.perf_counter()
    subprocess.run(["tmux", "new-session", "-d", "-s", session, "-x", "120", "-y", "40", command], check=True)
    first = None
    try:
        deadline = started + 30
        while time.perf_counter() < deadline:
            pane = _tmux("capture-pane", "-p", "-t", session)
            now = time.perf_counter()
            # a contact row: the rank/level column is drawn, e.g. "3 Conversant"
            if first is None and any(
                line.count("│") >= 2 and any(f" {r} " in line for r in ("0 Cold", "1 Researched", "2 Introduced",
                                                                          "3 Conversant", "4 Met", "5 Regular"))
                for line in pane.splitlines()
            ):
                first = now - started
            if first is not None and re.search(r"Contacts \d+ ", pane):  # no "+": the whole list is in
                loaded.append(now - started)
                break
            time.sleep(0.01)  # each capture spawns tmux; polling faster would steal CPU from the app
        pid = _tmux("display-message", "-p", "-t", session, "#{pane_pid}").strip()
        if pid:
            time.sleep(0.5)
            status = Path(f"/proc/{pid}/status").read_text()
            for line in status.splitlines():
                if line.startswith("VmHWM:"):
                    rss.append(int(line.split()[1]) / 1024)
    finally:
        _tmux("send-keys", "-t", session, "q")
        time.sleep(0.3)
        _tmux("kill-session", "-t", session)
    if first is not None:
        firsts.append(first)


BARE_APP = """
from textual.app import App
from textual.widgets import Static


class Bare(App):
    def compose(self):
        yield Static("bare app row")


Bare().run()
"""


def _one_bare_run(run: int, script: Path, times: list) -> None:
    """For comparison: a one-widget Textual app, launched and detected the same way."""
    session = f"relterm-bench-bare-{os.getpid()}-{run}"
    command = f"{_as_installed()} {sys.executable} -S {script}"
    started = time.perf_counter()
    subprocess.run(["tmux", "new-session", "-d", "-s", session, "-x", "120", "-y", "40", command], check=True)
    try:
        while time.perf_counter() < started + 30:
            if "bare app row" in _tmux("capture-pane", "-p", "-t", session):
                times.append(time.perf_counter() - started)
                break
            time.sleep(0.01)
    finally:
        _tmux("kill-session", "-t", session)


# Report -------------------------------------------------------------------------------


def _stats(values: list[float]) -> str:
    if not values:
        return "n/a"
    return f"median {statistics.median(values):.1f}, worst {max(values):.1f} (n={len(values)})"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Measure the relterm TUI on big databases.")
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000], help="numbers of contacts")
    parser.add_argument("--no-tmux", action="store_true", help="skip the real-terminal measurement")
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        from relterm.tui import prepare_environment

        prepare_environment()  # as `relterm` does before importing Textual
        print(json.dumps(asyncio.run(_headless(args.child))))
        return 0
    for size in args.sizes:
        print(f"== {size} contacts ({database(size).name})")
        figures = headless(size)
        print(f"  headless start to first rows:   {figures['first_rows_s'] * 1000:.0f} ms"
              f" (whole list of {figures['rows']} loaded: {figures['all_loaded_s'] * 1000:.0f} ms)")
        print(f"  filter: key to list updated (ms):          {_stats(figures['filter_work_ms'])}")
        print(f"  filter: key to next composed frame (ms):   {_stats(figures['filter_ms'])}")
        print(f"  cursor: key to card+timeline updated (ms): {_stats(figures['cursor_work_ms'])}")
        print(f"  cursor: key to next composed frame (ms):   {_stats(figures['cursor_ms'])}")
        print(f"  peak RSS headless:              {figures['peak_rss_mb']:.0f} MB")
        if not args.no_tmux and shutil.which("tmux"):
            real = in_tmux(size)
            print(f"  tmux start to first rows (ms):  {_stats([t * 1000 for t in real['first_rows_s']])}")
            print(f"  tmux, a one-widget Textual app launched before each (ms): "
                  f"{_stats([t * 1000 for t in real['bare_s']])}")
            print(f"  tmux whole list loaded (ms):    {_stats([t * 1000 for t in real['all_loaded_s']])}")
            if real["peak_rss_mb"]:
                print(f"  tmux peak RSS (VmHWM):          {max(real['peak_rss_mb']):.0f} MB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
