"""Time the Agenda view of the app: from pressing A to its items on screen.

Target: under 1 s with 100k contacts and about a million interactions.
Runs the real app headless over a copy of a generated database (bench/generate.py,
cached), after the list and its markers have loaded, and prints each run and
the median.

    python bench/bench_agenda_view.py [--contacts 100000] [--runs 3]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))


async def _one_run(db: Path, config_dir: Path) -> float:
    from relterm.config import load_config
    from relterm.core import Core
    from relterm.tui.app import RelTermApp
    from relterm.tui.screens.agenda import AgendaScreen
    from relterm.tui.themes import load_settings

    core = Core(db, load_config(config_dir))
    app = RelTermApp(core, core.config, config_dir=config_dir, settings=load_settings(config_dir),
                     watch_database=False)
    shown: dict[str, float] = {}
    original = AgendaScreen._loaded

    def loaded(self, items):
        original(self, items)
        shown["at"] = time.perf_counter()

    try:
        async with app.run_test(size=(120, 40)) as pilot:
            await asyncio.sleep(4)  # the whole list and its markers load first
            AgendaScreen._loaded = loaded
            start = time.perf_counter()
            await pilot.press("A")
            while "at" not in shown:
                await asyncio.sleep(0.005)
            return shown["at"] - start
    finally:
        AgendaScreen._loaded = original
        core.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--contacts", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args(argv)
    from generate import cached_database

    source = cached_database(args.contacts)
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["RELTERM_CACHE_DIR"] = str(Path(tmp) / "cache")
        config_dir = Path(tmp) / "config"
        db = Path(tmp) / "bench.db"
        shutil.copy(source, db)
        times = [asyncio.run(_one_run(db, config_dir)) for _ in range(args.runs)]
    print(f"Agenda view, {args.contacts} contacts: key A to items shown")
    print("  runs:   " + ", ".join(f"{t:.2f} s" for t in times))
    print(f"  median: {statistics.median(times):.2f} s   (target < 1 s)")
    print(f"  load average: {os.getloadavg()[0]:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
