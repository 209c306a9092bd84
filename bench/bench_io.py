"""Import speed and memory: 10k and 100k generated vCards and Google CSV rows.

    /work/venv/bin/python bench/bench_io.py            # 10k and 100k
    /work/venv/bin/python bench/bench_io.py --sizes 10000
    /work/venv/bin/python bench/bench_io.py --shapes 5     # pathological vCard shapes, ~5 MB each

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


# Pathological shapes -------------------------------------------------------------------------
# Each makes one file of about ``mb`` megabytes in a shape that once cost quadratic (or worse) time,
# and measures reading it (parse rate, the target: >= 5 MB/s) and importing it end to end.


def _shape_fold(mb: float) -> str:
    note = "NOTE:" + "x" * int(mb * 1e6)
    return _one_card("FN:Folded\r\n" + "\r\n ".join(note[i:i + 74] for i in range(0, len(note), 74)) + "\r\n")


def _shape_qp(mb: float) -> str:
    lines = "=\r\n".join("=C3=A9" * 12 for _ in range(int(mb * 1e6 / 75)))
    return ("BEGIN:VCARD\r\nVERSION:2.1\r\nFN:Soft breaks\r\n"
            f"NOTE;ENCODING=QUOTED-PRINTABLE;CHARSET=UTF-8:{lines}\r\nEND:VCARD\r\n")


def _shape_categories(mb: float) -> str:
    return _one_card("FN:Tagged\r\nCATEGORIES:" + ",".join(f"tag{i}" for i in range(int(mb * 1e6 / 9))) + "\r\n")


def _shape_emails(mb: float) -> str:
    count = int(mb * 1e6 / 42)
    return _one_card("FN:Many Mails\r\n" + "".join(f"EMAIL;TYPE=work:person{i}@example.org\r\n" for i in range(count)))


def _shape_params(mb: float) -> str:
    # Many parameters on each line (a few quoted), many lines; and one card nested in another (AGENT).
    line = "X-NOTE" + "".join(f";X-P{i}=v{i},w" for i in range(40)) + ';LABEL="a;b:c":value\r\n'
    body = line * int(mb * 1e6 / len(line))
    agent = "AGENT:\r\nBEGIN:VCARD\r\nVERSION:2.1\r\nFN:Agent\r\nEND:VCARD\r\n"
    return _one_card("FN:Params\r\n" + agent + body)


def _shape_cards(mb: float) -> str:
    # Many small cards, every other one missing its END:VCARD (reported, not imported).
    good = "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Small {0}\r\nEMAIL:s{0}@example.org\r\nEND:VCARD\r\n"
    bad = "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Broken {0}\r\n"
    n = int(mb * 1e6 / 110)
    return "".join((good if i % 2 else bad).format(i) for i in range(n))


def _one_card(body: str) -> str:
    return "BEGIN:VCARD\r\nVERSION:3.0\r\n" + body + "END:VCARD\r\n"


SHAPES = {"long fold": _shape_fold, "QP soft breaks": _shape_qp, "many categories": _shape_categories,
          "many emails": _shape_emails, "many params": _shape_params, "missing ENDs": _shape_cards}


def shape_worker(args) -> None:
    """Run in a child process: read the file (parse only), then import it into a fresh database."""
    import gc

    from relterm import store
    from relterm.config import load_config
    from relterm.core import Core
    from relterm.io import run_import
    from relterm.io.vcard import read_vcards

    path = Path(args.file)
    gc.disable()  # as during an import (see relterm.io.importer)
    started, cpu = time.perf_counter(), time.process_time()
    records = sum(1 for _ in read_vcards(path))
    parse, parse_cpu = time.perf_counter() - started, time.process_time() - cpu
    gc.enable()
    core = Core(Path(args.db), load_config())
    started = time.perf_counter()
    summary = run_import(core, path)
    result = {"parse": parse, "parse_cpu": parse_cpu, "import": time.perf_counter() - started, "records": records,
              "added": summary.added, "skipped": summary.skipped}
    store.close_database()
    print(json.dumps(result))


def run_shapes(mb: float) -> None:
    print(f"pathological shapes, about {mb:g} MB each (target: parse >= 5 MB/s; 'per CPU s' is the parse rate\n"
          "per second of CPU the reading took, which a shared machine's load changes much less)")
    print(f"{'shape':<16} {'MB':>5} {'parse s':>8} {'MB/s':>6} {'per CPU s':>9} {'import s':>9} {'MB/s':>6}  result")
    with tempfile.TemporaryDirectory() as tmp:
        for name, make in SHAPES.items():
            path = Path(tmp) / "shape.vcf"
            path.write_text(make(mb), encoding="utf-8", newline="")
            size = path.stat().st_size / 1e6
            env = dict(os.environ, RELTERM_CONFIG_DIR=str(Path(tmp) / "config"))
            db = Path(tmp) / f"{name.replace(' ', '-')}.db"
            proc = subprocess.run([sys.executable, __file__, "--shape-worker", "--file", str(path), "--db", str(db)],
                                  capture_output=True, text=True, env=env)
            if proc.returncode != 0:
                raise SystemExit(proc.stderr)
            r = json.loads(proc.stdout.strip().splitlines()[-1])
            flag = "ok" if size / max(r["parse_cpu"], 1e-9) >= 5 else "BELOW TARGET"  # per CPU second: see the header
            print(f"{name:<16} {size:>5.1f} {r['parse']:>8.2f} {size / r['parse']:>6.1f} "
                  f"{size / max(r['parse_cpu'], 1e-9):>9.1f} {r['import']:>9.2f} {size / r['import']:>6.1f}"
                  f"  added {r['added']}, skipped {r['skipped']}  [{flag}]")


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
    parser.add_argument("--shapes", type=float, default=None, metavar="MB",
                        help="Measure pathological vCard shapes of about MB megabytes each instead "
                             "(long folds, many categories, emails, parameters...).")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--shape-worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--file", help=argparse.SUPPRESS)
    parser.add_argument("--db", help=argparse.SUPPRESS)
    parser.add_argument("--again", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker(args)
        return
    if args.shape_worker:
        shape_worker(args)
        return
    if args.shapes:
        print(f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())} on {os.cpu_count()} cores")
        run_shapes(args.shapes)
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
