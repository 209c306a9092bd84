"""Time whole `relterm` processes on generated databases of growing size.

    python bench/bench_cli.py                    # 1k, 10k and 100k contacts
    python bench/bench_cli.py --sizes 1000 10000 --runs 7

For each size a database is generated (or reused from the cache, see
bench/generate.py) with about ten interactions per contact, and each command
is run as a fresh subprocess with RELTERM_DB pointing at the file, as a user
would run it. The figure is the median wall-clock time of several runs.
``add`` and ``log`` run on a copy of the database, so the cached file stays unchanged.
The validated ladder config is cached in a temporary RELTERM_CACHE_DIR, filled by the
first command as it would be on a user's machine; ``show NAME, config not cached`` empties
that cache before every run, so it includes validating levels.yaml.

Targets at 100k contacts: ``show NAME`` and ``add`` under 0.5 s,
``list --json`` under 3 s.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

from generate import cached_database  # noqa: E402

TARGETS = {  # command -> seconds, checked at the largest size
    "show NAME": 0.5,
    "add": 0.5,
    "list --json": 3.0,
}
TARGET_SIZE = 100_000


def _unique_name(db: Path) -> str:
    """An active contact's full name that no other contact shares, from the middle of the table."""
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        total = conn.execute("SELECT COUNT(*) FROM contact").fetchone()[0]
        row = conn.execute(
            "SELECT MIN(name) FROM contact WHERE archived_at IS NULL GROUP BY LOWER(name) "
            "HAVING COUNT(*) = 1 AND MIN(id) >= ? LIMIT 1",
            (total // 2,),
        ).fetchone()
    finally:
        conn.close()
    if not row:
        raise SystemExit(f"{db}: no contact with a unique name to show")
    return row[0]


def _time(args: list[str], env: dict, runs: int, prepare=None) -> tuple[float, float]:
    """Median wall-clock and median CPU (user + system) seconds of ``relterm ARGS`` as a fresh process.

    The CPU figure barely moves when other work shares the machine; the wall-clock one is what a
    user waits for.
    """
    walls, cpus = [], []
    for _ in range(runs):
        if prepare:
            prepare()
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.perf_counter()
        proc = subprocess.run(
            [sys.executable, "-m", "relterm", *args], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
            text=True, timeout=300,
        )
        elapsed = time.perf_counter() - started
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        if proc.returncode != 0:
            raise SystemExit(f"relterm {' '.join(args)} failed ({proc.returncode}): {proc.stderr.strip()}")
        walls.append(elapsed)
        cpus.append((after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime))
    return statistics.median(walls), statistics.median(cpus)


def bench(sizes: list[int], runs: int, per_contact: int, cache_dir: str | None) -> dict[int, dict[str, tuple]]:
    results: dict[int, dict[str, tuple]] = {}
    with tempfile.TemporaryDirectory(prefix="relterm-bench-") as tmp:
        tmp_path = Path(tmp)
        for size in sizes:
            started = time.perf_counter()
            db = cached_database(size, per_contact, cache_dir=cache_dir)
            print(f"{size:>7} contacts: database ready in {time.perf_counter() - started:.1f} s ({db})",
                  file=sys.stderr)
            env = dict(os.environ)
            env.pop("RELTERM_TODAY", None)
            env["RELTERM_DB"] = str(db)
            env["RELTERM_CONFIG_DIR"] = str(tmp_path / "config")  # the shipped ladders
            cache = tmp_path / "cache"
            env["RELTERM_CACHE_DIR"] = str(cache)
            name = _unique_name(db)
            row: dict[str, tuple[float, float]] = {}
            row["--version"] = _time(["--version"], env, runs)
            row["show NAME, config not cached"] = _time(
                ["show", name], env, runs, prepare=lambda: shutil.rmtree(cache, ignore_errors=True)
            )
            row["show NAME"] = _time(["show", name], env, runs)
            row["show NAME --json"] = _time(["show", name, "--json"], env, runs)
            row["list --json"] = _time(["list", "--json"], env, max(1, runs // 2))
            row["list"] = _time(["list"], env, max(1, runs // 2))

            copy = tmp_path / f"add-{size}.db"

            def fresh_copy(src=db, dst=copy):
                for suffix in ("-wal", "-shm"):
                    Path(str(dst) + suffix).unlink(missing_ok=True)
                shutil.copyfile(src, dst)

            add_env = dict(env, RELTERM_DB=str(copy))
            # One copy for all the writes: copying a large file before every run would time the page
            # cache flushing it, not relterm.
            fresh_copy()
            _time(["list", "--level", "6"], add_env, 1)  # read the copy once, as a database in use would be
            row["add"] = _time(["add", "Bench Person", "--level", "2", "--company", "Bench Ltd", "--duplicate"], add_env, runs)
            row["log NAME"] = _time(["log", name, "--kind", "call", "Benchmark call"], add_env, runs)
            results[size] = row
            print(f"{size:>7} contacts: " + ", ".join(f"{k} {w:.3f} s" for k, (w, _) in row.items()), file=sys.stderr)
    return results


def print_table(results: dict[int, dict[str, tuple]]) -> bool:
    commands = list(next(iter(results.values())))
    sizes = list(results)
    header = ["command"] + [f"{s:,} contacts" for s in sizes] + ["target"]
    lines = [header]
    ok = True
    for command in commands:
        target = TARGETS.get(command)
        cells = [f"relterm {command}"]
        for size in sizes:
            wall, cpu = results[size][command]
            mark = ""
            if target is not None and size == TARGET_SIZE and wall > target:
                mark = " MISSED"
                ok = False
            cells.append(f"{wall:.3f} s (cpu {cpu:.2f}){mark}")
        cells.append(f"< {target} s at {TARGET_SIZE:,}" if target else "")
        lines.append(cells)
    widths = [max(len(line[i]) for line in lines) for i in range(len(header))]
    for index, line in enumerate(lines):
        print("  ".join(cell.ljust(w) for cell, w in zip(line, widths)).rstrip())
        if index == 0:
            print("  ".join("-" * w for w in widths))
    return ok


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Time whole relterm processes on generated databases.")
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000, 10_000, 100_000],
                        help="numbers of contacts (default: 1000 10000 100000)")
    parser.add_argument("--runs", type=int, default=5, help="runs per command; the median is reported (default 5)")
    parser.add_argument("--per-contact", type=int, default=10, help="interactions per contact (default 10)")
    parser.add_argument("--cache-dir", default=None, help="where generated databases are kept (see generate.py)")
    args = parser.parse_args(argv)
    results = bench(args.sizes, args.runs, args.per_contact, args.cache_dir)
    print(f"\nmedian wall-clock time of a whole process (and its CPU time), python {sys.version.split()[0]}, "
          f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    ok = print_table(results)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
