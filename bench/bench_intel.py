"""Time relationship intelligence on a generated database (100k contacts, ~1M interactions).

    python bench/bench_intel.py                  # 100,000 contacts
    python bench/bench_intel.py --contacts 10000 --runs 3

The database comes from bench/generate.py (generated once, then reused from
its cache). Two kinds of figures, each the median of several runs:

* in-process: the core calls the TUI makes (``core.intel.agenda()``, health
  of every list row, the introduction forest, suggestions...), timed after
  the database is open;
* whole process: ``relterm due``, ``relterm reach`` and friends as fresh
  subprocesses, as a user runs them (start-up and imports included).

Targets at 100k contacts: ``relterm due`` and the agenda under 1 s,
``relterm reach`` under 2 s.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

from generate import cached_database  # noqa: E402

TARGETS = {"agenda()": 1.0, "relterm due": 1.0, "relterm reach": 2.0}


def _median(func, runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def in_process(db: Path, runs: int) -> dict[str, float]:
    from relterm.config import load_config
    from relterm.core import Core

    core = Core(db, load_config())
    intel = core.intel
    rows = core.rows()
    figures = {
        "agenda()": _median(lambda: intel.agenda(), runs),
        "agenda(within=14)": _median(lambda: intel.agenda(within=14), runs),
        "health(100k rows)": _median(lambda: intel.health(rows), runs),
        "sort_by_urgency(rows)": _median(lambda: intel.sort_by_urgency(rows), runs),
        "forest().roots()": _median(lambda: intel.forest().roots(), runs),
        "reach(20)": _median(lambda: intel.reach(20), runs),
        "balances()": _median(lambda: intel.balances(), runs),
        "concentration()": _median(lambda: intel.concentration(), runs),
        "suggestions()": _median(lambda: intel.suggestions(), runs),
        "level_history()": _median(lambda: intel.level_history(), runs),
        "matrix()": _median(lambda: intel.matrix(), runs),
    }
    cid = rows[len(rows) // 2].id
    figures["ask_warning(one)"] = _median(lambda: intel.ask_warning(cid), runs)
    figures["evidence(one)"] = _median(lambda: intel.evidence(cid), runs)
    core.close()
    return figures


def whole_process(db: Path, runs: int) -> dict[str, float]:
    env = dict(os.environ, RELTERM_DB=str(db))
    env.pop("RELTERM_CONFIG_DIR", None)
    commands = [
        ["due"], ["due", "--json"], ["reach"], ["balance"], ["stats"], ["suggest"], ["matrix"],
        ["levels", "--history"],
    ]
    figures = {}
    for args in commands:
        def run(args=args):
            subprocess.run([sys.executable, "-m", "relterm", *args], env=env, check=True,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

        run()  # warm the page cache
        figures["relterm " + " ".join(args)] = _median(run, runs)
    return figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Time the agenda, reach and the other intelligence views.")
    parser.add_argument("--contacts", type=int, default=100_000, help="contacts in the database (default 100000)")
    parser.add_argument("--per-contact", type=int, default=10, help="interactions per contact (default 10)")
    parser.add_argument("--runs", type=int, default=5, help="runs per figure; the median is printed (default 5)")
    args = parser.parse_args(argv)
    start = time.perf_counter()
    db = cached_database(args.contacts, args.per_contact, quiet=False)
    print(f"database: {db} ({time.perf_counter() - start:.1f} s to generate or find)")
    import sqlite3

    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    contacts, events = (conn.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0] for t in ("contact", "event"))
    conn.close()
    print(f"{contacts} contacts, {events} timeline events; median of {args.runs} runs\n")
    failed = False
    for title, figures in (("in process (database open)", in_process(db, args.runs)),
                           ("whole process", whole_process(db, args.runs))):
        print(title)
        for name, seconds in figures.items():
            target = TARGETS.get(name)
            mark = ""
            if target is not None:
                ok = seconds < target or contacts < 100_000
                failed |= not ok
                mark = f"  (target < {target:.1f} s: {'ok' if ok else 'MISSED'})"
            print(f"  {name:<28} {seconds:7.3f} s{mark}")
        print()
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
