"""Time the graph of ways in (overlaps, every path, who-knows) on a generated database.

    python bench/bench_graph.py                  # 100,000 contacts, ~1M interactions
    python bench/bench_graph.py --contacts 10000 --runs 3

The database comes from bench/generate.py (cached): about one contact in five
has a first introducer among the earlier ones, and referrals and introductions
name another contact half the time, so many people have several ways in. Each
figure is the median of ``--runs`` in-process calls after the database is open
(what the CLI and the TUI call), plus the whole ``relterm overlaps`` process.

Paths and who-knows are timed on the people with the most ways in and with
the deepest first-introducer chain (the worst cases), not on a random one.

Target at 100k contacts: each under 1 s.
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

TARGET = 1.0


def _median(func, runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--contacts", type=int, default=100_000)
    parser.add_argument("--per-contact", type=int, default=10)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()

    db = cached_database(args.contacts, args.per_contact)
    from relterm.config import load_config
    from relterm.core import Core
    from relterm.intel import circles

    core = Core(db, load_config())
    intel = core.intel
    graph = circles.load_graph(core)
    links = sum(len(into) for into in graph.ways_in.values())
    busiest = max(graph.ways_in, key=lambda cid: len(graph.ways_in[cid]))

    def depth(cid: int) -> int:
        seen, hops = {cid}, 0
        row = core.db.execute_sql("SELECT introduced_by_id FROM contact WHERE id = ?", (cid,)).fetchone()
        while row and row[0] is not None and row[0] not in seen:
            seen.add(row[0])
            hops += 1
            row = core.db.execute_sql("SELECT introduced_by_id FROM contact WHERE id = ?", (row[0],)).fetchone()
        return hops

    # The deepest chain among the last contacts (introducers are always earlier ones).
    last = [row[0] for row in core.db.execute_sql("SELECT id FROM contact ORDER BY id DESC LIMIT 2000")]
    deepest = max(last, key=depth)
    widest = max(graph.ways_out, key=lambda cid: len(graph.ways_out[cid]))
    found = intel.overlaps()
    paths = intel.paths(deepest)
    print(f"{db.name}: {core.count()} contacts, {links} links between {len(graph.ways_in)} people; "
          f"{len(found)} in two or more circles")
    print(f"  busiest: id {busiest} ({len(graph.ways_in[busiest])} ways in); deepest: id {deepest} "
          f"(chain of {depth(deepest)} introducers, {len(paths.chains)} chains found, complete={paths.complete}); "
          f"widest: id {widest} (brought {len(graph.ways_out[widest])})")

    figures = {
        "load_graph()": _median(lambda: circles.load_graph(core), args.runs),
        "overlaps()": _median(intel.overlaps, args.runs),
        "overlap_ids() (the Circles marks)": _median(intel.overlap_ids, args.runs),
        "paths(busiest)": _median(lambda: intel.paths(busiest), args.runs),
        "paths(deepest)": _median(lambda: intel.paths(deepest), args.runs),
        "who_knows(busiest)": _median(lambda: intel.who_knows(busiest), args.runs),
        "who_knows(widest)": _median(lambda: intel.who_knows(widest), args.runs),
        "also_known_through(busiest) (the card line)": _median(lambda: intel.also_known_through(busiest),
                                                                args.runs),
    }
    core.close()
    env = dict(os.environ, RELTERM_DB=str(db), PYTHONPATH=str(HERE.parent))

    def run(*argv: str) -> None:
        subprocess.run([sys.executable, "-m", "relterm", *argv], env=env, check=True, stdout=subprocess.DEVNULL)

    figures["relterm overlaps (process)"] = _median(lambda: run("overlaps"), max(1, args.runs // 2))
    figures["relterm path (process)"] = _median(lambda: run("path", str(deepest)), max(1, args.runs // 2))
    figures["relterm who-knows (process)"] = _median(lambda: run("who-knows", str(busiest)), max(1, args.runs // 2))
    print(f"  load average {os.getloadavg()[0]:.2f}")
    width = max(len(name) for name in figures)
    for name, seconds in figures.items():
        verdict = "" if "process" in name else ("  ok" if seconds <= TARGET else f"  OVER {TARGET:g} s")
        print(f"  {name:<{width}}  {seconds * 1000:8.1f} ms{verdict}")


if __name__ == "__main__":
    main()
