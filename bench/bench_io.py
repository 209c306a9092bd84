"""Import speed and memory: 10k and 100k generated vCards and Google CSV rows.

    /work/venv/bin/python bench/bench_io.py            # 10k and 100k
    /work/venv/bin/python bench/bench_io.py --sizes 10000

Each import runs in a fresh process against a fresh database, end to end
(reading, parsing, checking, duplicate detection, writing, commit), so the
peak memory printed is that of the import alone (the importing process's
peak plus that of the process that reads large files alongside it). Also measured: vobject's own
parse rate on the same cards (the floor for vCard imports), and a re-import
of the same file (every record a duplicate).

Targets: >= 2,500 vCards/s, >= 20,000 CSV rows/s, peak memory < 300 MB for 100k.
Each import runs --runs times (3 by default); the table shows the median run
(seconds, rate, CPU) beside the best rate, and the highest peak.

Large files are read in a second process while the first writes (see
relterm.io.importer). On a shared machine the wall-clock rate follows the load
average printed first; the CPU seconds (both processes) change much less.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

CACHE = Path(tempfile.gettempdir()) / "relterm-bench-io"


def _pool(size: int, seed: int = 7) -> dict:
    from faker import Faker

    fake = Faker(["en_US", "de_DE", "fr_FR", "es_ES"])
    Faker.seed(seed)
    return {
        "first": [fake.first_name() for _ in range(size)],
        "last": [fake.last_name() for _ in range(size)],
        "company": [fake.company() for _ in range(size)],
        "job": [fake.job() for _ in range(size)],
        "phone": [fake.phone_number() for _ in range(size)],
        "street": [fake.street_address() for _ in range(size)],
        "city": [fake.city() for _ in range(size)],
        "postcode": [fake.postcode() for _ in range(size)],
        "note": [fake.sentence(nb_words=12) for _ in range(size)],
        "word": [fake.word() for _ in range(50)],
    }


def _people(n: int):
    pool = _pool(3000)
    rng = random.Random(n)
    for i in range(n):
        first, last = rng.choice(pool["first"]), rng.choice(pool["last"])
        yield {
            "first": first, "last": last, "company": rng.choice(pool["company"]), "title": rng.choice(pool["job"]),
            "email": f"{first}.{last}.{i}@example.org".lower().replace(" ", ""),
            "email2": f"{first[0]}{last}{i}@mail.example".lower().replace(" ", ""),
            "phone": rng.choice(pool["phone"]), "phone2": rng.choice(pool["phone"]),
            "street": rng.choice(pool["street"]), "city": rng.choice(pool["city"]),
            "postcode": rng.choice(pool["postcode"]), "note": rng.choice(pool["note"]),
            "birthday": f"{rng.randint(1950, 2000)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
            if rng.random() < 0.6 else f"--{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
            "tags": rng.sample(pool["word"], 2),
        }


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def make_vcards(n: int, path: Path) -> None:
    with open(path, "w", encoding="utf-8", newline="") as out:
        for i, p in enumerate(_people(n)):
            bday = "--" + p["birthday"][2:].replace("-", "") if p["birthday"].startswith("--") else p["birthday"]
            out.write(
                "BEGIN:VCARD\r\nVERSION:3.0\r\n"
                f"UID:bench-{i}\r\n"
                f"FN:{_escape(p['first'] + ' ' + p['last'])}\r\n"
                f"N:{_escape(p['last'])};{_escape(p['first'])};;;\r\n"
                f"ORG:{_escape(p['company'])}\r\nTITLE:{_escape(p['title'])}\r\n"
                f"EMAIL;TYPE=INTERNET,WORK,pref:{p['email']}\r\nEMAIL;TYPE=INTERNET,HOME:{p['email2']}\r\n"
                f"TEL;TYPE=CELL:{p['phone']}\r\nTEL;TYPE=WORK:{p['phone2']}\r\n"
                f"ADR;TYPE=WORK:;;{_escape(p['street'])};{_escape(p['city'])};;{p['postcode']};\r\n"
                f"BDAY:{bday}\r\nNOTE:{_escape(p['note'])}\r\nCATEGORIES:{','.join(p['tags'])}\r\n"
                "END:VCARD\r\n"
            )


GOOGLE_HEADER = ["First Name", "Middle Name", "Last Name", "Nickname", "File As", "Organization Name",
                 "Organization Title", "Birthday", "Notes", "Labels", "E-mail 1 - Label", "E-mail 1 - Value",
                 "E-mail 2 - Label", "E-mail 2 - Value", "Phone 1 - Label", "Phone 1 - Value", "Phone 2 - Label",
                 "Phone 2 - Value", "Address 1 - Label", "Address 1 - Formatted"]


def make_csv(n: int, path: Path) -> None:
    with open(path, "w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(GOOGLE_HEADER)
        for p in _people(n):
            writer.writerow([
                p["first"], "", p["last"], "", "", p["company"], p["title"], p["birthday"], p["note"],
                "* myContacts ::: " + " ::: ".join(p["tags"]), "* Work", p["email"], "Home", p["email2"],
                "Mobile", p["phone"], "Work", p["phone2"], "Work", f"{p['street']}\n{p['postcode']} {p['city']}",
            ])


def _file(kind: str, n: int) -> Path:
    CACHE.mkdir(exist_ok=True)
    path = CACHE / f"{kind}-{n}.{'vcf' if kind == 'vcard' else 'csv'}"
    if not path.exists():
        started = time.perf_counter()
        (make_vcards if kind == "vcard" else make_csv)(n, path)
        print(f"  (generated {path.name} in {time.perf_counter() - started:.1f} s)", file=sys.stderr)
    return path


def worker(args) -> None:
    """Run in a child process: one import (twice with --again), print JSON figures."""
    from relterm import store
    from relterm.config import load_config
    from relterm.core import Core
    from relterm.io import run_import

    db = Path(args.db)
    core = Core(db, load_config())
    cpu = _cpu()
    started = time.perf_counter()
    summary = run_import(core, Path(args.file))
    first = time.perf_counter() - started
    result = {"seconds": first, "cpu": _cpu() - cpu, "added": summary.added, "skipped": summary.skipped}
    if args.again:
        started = time.perf_counter()
        again = run_import(core, Path(args.file))
        result["again_seconds"] = time.perf_counter() - started
        result["again_added"] = again.added
        result["again_updated"] = again.updated
    store.close_database()
    # Large files are read in a second process during the import: its peak counts too (the sum is an upper bound).
    result["peak_mb"] = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
                         + resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss) / 1024
    print(json.dumps(result))


def _cpu() -> float:
    """CPU seconds (user + system) of this process and of its finished children (the reading process)."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def vobject_rate(path: Path, limit: int = 10000) -> float:
    import vobject

    with open(path, encoding="utf-8", newline="") as handle:
        text = handle.read()
    chunks = text.split("END:VCARD\r\n")[:limit]
    chunks = [c + "END:VCARD\r\n" for c in chunks if c.strip()]
    started = time.perf_counter()
    for chunk in chunks:
        vobject.readOne(chunk)
    return len(chunks) / (time.perf_counter() - started)


def run(kind: str, n: int, again: bool) -> dict:
    path = _file(kind, n)
    with tempfile.TemporaryDirectory() as tmp:
        env = dict(os.environ, RELTERM_CONFIG_DIR=str(Path(tmp) / "config"))
        proc = subprocess.run([sys.executable, __file__, "--worker", "--file", str(path), "--db",
                               str(Path(tmp) / "bench.db")] + (["--again"] if again else []),
                              capture_output=True, text=True, env=env)
        if proc.returncode != 0:
            raise SystemExit(proc.stderr)
        return json.loads(proc.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000], help="How many records.")
    parser.add_argument("--formats", nargs="+", choices=("vcard", "csv"), default=["vcard", "csv"],
                        help="Which imports to measure.")
    parser.add_argument("--runs", type=int, default=3,
                        help="Imports per format and size (each in a fresh process and database); the median is "
                             "compared with the target, since a shared machine's speed drifts from run to run.")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--file", help=argparse.SUPPRESS)
    parser.add_argument("--db", help=argparse.SUPPRESS)
    parser.add_argument("--again", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker(args)
        return
    # On a shared machine wall-clock rates follow the load; CPU seconds much less.
    print(f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())} on {os.cpu_count()} cores")
    print(f"{'format':<8} {'records':>8} {'seconds':>8} {'records/s':>10} {'best/s':>8} {'CPU s':>6} {'peak MB':>8}"
          "  re-import (all duplicates)")
    for n in args.sizes:
        for kind, target in (("vcard", 2500), ("csv", 20000)):
            if kind not in args.formats:
                continue
            runs = [run(kind, n, again=n <= 10_000 and i == 0) for i in range(args.runs)]
            r = sorted(runs, key=lambda x: x["seconds"])[len(runs) // 2]  # the median run
            rate = r["added"] / r["seconds"]
            best = max(x["added"] / x["seconds"] for x in runs)
            again = ""
            first = runs[0]
            if "again_seconds" in first:
                again = (f"{first['again_seconds']:.2f} s, {n / first['again_seconds']:,.0f}/s, "
                         f"added {first['again_added']}, changed {first['again_updated']}")
            peak = max(x["peak_mb"] for x in runs)
            flag = "ok" if rate >= target and peak < 300 else "BELOW TARGET"
            print(f"{kind:<8} {n:>8,} {r['seconds']:>8.2f} {rate:>10,.0f} {best:>8,.0f} {r['cpu']:>6.2f} {peak:>8.0f}"
                  f"  {again}  [{flag}]")
    print(f"vobject alone parses {vobject_rate(_file('vcard', min(args.sizes))):,.0f} cards/s on these cards"
          " (a gauge of how fast this machine runs right now)")


if __name__ == "__main__":
    main()
