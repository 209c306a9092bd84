"""Every key of the app, timed at 100k contacts: from the key event to the frame. Prints a table.

    /work/venv/bin/python bench/bench_keys.py                  # 100k contacts, 3 presses a key
    /work/venv/bin/python bench/bench_keys.py --contacts 10000 --repeat 5

The keys come from the registry (``relterm.tui.commands``): every command of
the main screen, the rung keys, the keys of the focused timeline, and each
view with its own keys and the ones every view shares (``VIEW_COMMON``),
besides the movement keys, tab and shift+tab, typing in the filter and the
palette. A key that opens a popup or a view is followed by escape, timed too.
``q`` (quit) is left out: it ends the run.

Measured headless (Textual's test driver) in a fresh process, on a copy of
the cached database (bench/generate.py: 10 interactions per contact), as
bench_tui.py does: from the key event reaching the app (a message hook) to

* answer: the first frame the app composed after it (``App._display``): what
  the user sees first (a popup, the view with "loading", the moved cursor);
* done: the last frame composed before the app fell quiet (no thread worker
  running, no frame for 150 ms): the work the key started, including
  database reads in thread workers (a view's rows, the card and timeline).

Target: answer <= 50 ms for every key. ``done`` above it is work in a thread
while the app keeps answering (a view's loader, a reload of every row): its
own targets are in bench/README.md (the agenda under 1 s, ...).
The cursor in text fields does not blink during the run (its frames would be
counted as work).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
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

TARGET_MS = 50.0
QUIET_S = 0.15  # no frame for this long, and no thread worker running: the key's work is done
LONGEST_S = 20.0


def database(contacts: int) -> Path:
    from generate import cached_database

    return cached_database(contacts, per_contact=10, seed=1)


async def _run(db: Path, repeat: int) -> list[dict]:
    from textual import events
    from textual.widgets import Input, TextArea

    from relterm.config import load_config
    from relterm.core import Core
    from relterm.firstpage import read_first_page
    from relterm.tui import FIRST_PAGE
    from relterm.tui.app import RelTermApp
    from relterm.tui.commands import COMMANDS, TIMELINE_COMMANDS, VIEW_COMMON, VIEWS

    for widget in (Input, TextArea):  # a blinking cursor draws a frame every half second
        original = widget.__init__

        def init(self, *args, __original=original, __widget=widget, **kwargs):
            __original(self, *args, **kwargs)
            self.set_reactive(__widget.cursor_blink, False)

        widget.__init__ = init

    key_times: list[float] = []
    writes: list[float] = []

    def hook(message) -> None:
        if isinstance(message, events.Key):
            key_times.append(time.perf_counter())

    config = load_config()
    config_dir = Path(tempfile.mkdtemp(prefix="relterm-bench-keys-config-"))
    first_page = (config.default_ladder, read_first_page(db, config.default_ladder, FIRST_PAGE))
    app = RelTermApp(lambda: Core(db, config), config, config_dir=config_dir, watch_database=False,
                     first_page=first_page, db_path=db)
    results: dict[str, dict] = {}
    order: list[str] = []

    async with app.run_test(size=(120, 40), message_hook=hook) as pilot:
        original_display = app._display

        def display(screen, renderable) -> None:
            original_display(screen, renderable)
            if renderable is not None:
                writes.append(time.perf_counter())

        app._display = display  # type: ignore[method-assign]

        def busy() -> bool:
            return any(getattr(w, "_thread_worker", False) and not w.is_finished for w in app.workers)

        async def settle() -> None:
            deadline = time.perf_counter() + LONGEST_S
            while time.perf_counter() < deadline:
                count = len(writes)
                await asyncio.sleep(QUIET_S)
                if len(writes) == count and not busy():
                    return

        async def press(key: str, label: str | None = None) -> None:
            label = label or key
            writes.clear()
            before = len(key_times)
            await pilot.press(key)
            await settle()
            if len(key_times) <= before:
                return
            start = key_times[before]
            frames = [t for t in writes if t >= start]
            entry = results.setdefault(label, {"answer": [], "done": []})
            if label not in order:
                order.append(label)
            if frames:
                entry["answer"].append((frames[0] - start) * 1000)
                entry["done"].append((frames[-1] - start) * 1000)

        def main_on_top() -> bool:
            return app.screen is app.main_screen

        async def back_to_main(label: str) -> None:
            for _ in range(4):
                if main_on_top():
                    return
                await press("escape", label)

        # The whole list in, markers too.
        while True:
            screen = app.main_screen
            if screen is not None and screen.is_mounted and screen.store.complete and screen._loaded_once:
                break
            await asyncio.sleep(0.01)
        await settle()
        await pilot.pause(1.0)
        await settle()
        main = app.main_screen

        # Movement in the list.
        for key in ["j", "down", "k", "up", "pagedown", "pageup", "G", "end", "g", "home"]:
            for _ in range(repeat):
                await press(key, f"list {key}")
        # Typing in the filter.
        await press("slash", "/ (focus filter)")
        for _ in range(repeat):
            for key in "mar":
                await press(key, "filter: type a letter")
            for _ in "mar":
                await press("backspace", "filter: backspace")
        await press("m", "filter: type a letter")
        await press("escape", "escape (clear filter)")
        # Rungs: filter, then again to show everyone.
        for rank in range(10):
            for _ in range(repeat if rank < 2 else 1):
                await press(str(rank), "rung key (filter)")
                await press(str(rank), "rung key (everyone again)")
        # Focus changes.
        for _ in range(repeat):
            for _ in range(3):
                await press("tab", "tab (focus next)")
            for _ in range(3):
                await press("shift+tab", "shift+tab (focus previous)")
        # Every command of the main screen; a popup or view it opens is closed with escape.
        toggles = {"m", "o", "H", "L"}  # pressed twice: state back as it was
        skipped = {"q", "slash", "escape"}
        for command in COMMANDS + [view.command() for view in VIEWS]:
            key = command.keys.split(",")[0]
            if key in skipped:
                continue
            label = f"{command.shown_keys.split()[0]} {command.title}"
            for _ in range(repeat if key not in ("r", "L", "D") else 1):
                main.query_one("ContactList").focus()
                await press(key, label)
                if key in toggles:
                    await press(key, label)
                if key == "m":  # marked twice: unmarked
                    continue
                if not main_on_top():
                    await back_to_main(f"  escape after {command.shown_keys.split()[0]}")
        # Palette.
        for _ in range(repeat):
            await press("ctrl+p", "ctrl+p Palette")
            await back_to_main("  escape after ctrl+p")
        # Keys of the focused timeline.
        timeline = main.query_one("Timeline")
        timeline.focus()
        await settle()
        for key in ["j", "k", "G", "g"]:
            for _ in range(repeat):
                await press(key, f"timeline {key}")
        for command in TIMELINE_COMMANDS:
            key = command.keys.split(",")[0]
            for _ in range(repeat):
                timeline.focus()
                await press(key, f"timeline {key} {command.title}")
                await back_to_main(f"  escape after timeline {key}")
        main.query_one("ContactList").focus()
        await settle()

        # Each view: open it, every key of its own and the shared ones, close it.
        for view in VIEWS:
            async def open_view() -> None:
                if main_on_top():
                    main.query_one("ContactList").focus()
                    await press(view.key, f"{view.key} open {view.title}")

            for _ in range(repeat):
                await open_view()
                await press("escape", f"{view.key} {view.title}: escape (back)")
            await open_view()
            keys = [k for k in (*VIEW_COMMON, *view.keys) if k.keys.split(",")[0] not in ("q", "escape")]
            for key in keys:
                first = key.keys.split(",")[0]
                for _ in range(repeat if first not in ("enter", "R", "r") else 1):
                    await open_view()
                    view_screen = app.screen
                    await press(first, f"{view.key} {view.title}: {key.shown_keys.split()[0]} {key.title}")
                    if first == "o":  # overlaps: back to everyone
                        await press(first, f"{view.key} {view.title}: {key.shown_keys.split()[0]} {key.title}")
                    if app.screen is not view_screen and not main_on_top():
                        await press("escape", f"  escape after {view.key} {key.shown_keys.split()[0]}")
                    if first == "slash":
                        for letter in "mar":
                            await press(letter, f"{view.key} {view.title}: filter, type a letter")
                        await press("escape", f"{view.key} {view.title}: escape (clear filter)")
                    if main_on_top() and (main.store.sphere is not None or main.store.rank is not None):
                        await press("escape", "escape (clear filter)")  # matrix enter filtered the list
            await open_view()
            await press("escape", f"{view.key} {view.title}: escape (back)")
            await back_to_main("  escape (back)")
    app.close_core()
    shutil.rmtree(config_dir, ignore_errors=True)
    return [{"key": label, **results[label]} for label in order]


def run_child(contacts: int, repeat: int) -> list[dict]:
    source = database(contacts)
    work = Path(tempfile.mkdtemp(prefix="relterm-bench-keys-"))
    try:
        copy = work / "bench.db"
        shutil.copyfile(source, copy)  # popups are closed unsaved, but never risk the cached file
        proc = subprocess.run(
            [sys.executable, __file__, "--child", str(copy), "--repeat", str(repeat)], capture_output=True,
            text=True, timeout=1800, env={**os.environ, "RELTERM_CONFIG_DIR": str(work / "config")},
        )
    finally:
        shutil.rmtree(work, ignore_errors=True)
    if proc.returncode != 0:
        raise SystemExit(f"the run failed:\n{proc.stderr[-4000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Time every key of the relterm TUI on a big database.")
    parser.add_argument("--contacts", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3, help="presses of each key (default 3)")
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        from relterm.tui import prepare_environment

        prepare_environment()
        print(json.dumps(asyncio.run(_run(args.child, args.repeat))))
        return 0
    print(f"== {args.contacts} contacts, load average {os.getloadavg()[0]:.2f}")
    rows = run_child(args.contacts, args.repeat)
    width = max(len(row["key"]) for row in rows)
    print(f"{'key':<{width}}  {'answer ms':>9}  {'done ms':>8}  n")
    over = 0
    for row in rows:
        if not row["answer"]:
            print(f"{row['key']:<{width}}  {'no frame':>9}")
            continue
        answer = statistics.median(row["answer"])
        done = statistics.median(row["done"])
        flag = "  OVER" if answer > TARGET_MS else ""
        over += bool(flag)
        print(f"{row['key']:<{width}}  {answer:9.1f}  {done:8.1f}  {len(row['answer'])}{flag}")
    print(f"{over} key(s) over {TARGET_MS:.0f} ms to the first frame (median); load average "
          f"{os.getloadavg()[0]:.2f}")
    return 1 if over else 0


if __name__ == "__main__":
    raise SystemExit(main())
