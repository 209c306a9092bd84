"""`relterm sync` at scale: relterm's own time for a sync with nothing changed, and for one
applying 100 phone edits, at 10k contacts (targets: <= 2 s and <= 3 s; memory <= 200 MB).

vdirsyncer is not run (its time depends on the server; `relterm sync` prints it beside
relterm's own). The first sync (writing every card) is timed too, for reference.

    PYTHONPATH=. python bench/bench_sync.py [--contacts 10000]
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--contacts", type=int, default=10_000)
    parser.add_argument("--edits", type=int, default=100)
    args = parser.parse_args()
    os.environ.setdefault("RELTERM_TODAY", "2026-11-23")
    from bench.generate import cached_database
    from relterm.config import load_config
    from relterm.core import Core
    from relterm.sync import Settings, SyncPaths, run_sync, setup

    work = Path(tempfile.mkdtemp(prefix="relterm-bench-sync-"))
    try:
        db = work / "bench.db"
        shutil.copy(cached_database(args.contacts, per_contact=2), db)
        core = Core(db, load_config())
        paths = SyncPaths.for_database(db, work / "config")
        setup(paths, "http://127.0.0.1:9/unused/", database=db)
        settings = Settings()

        def timed(label: str) -> float:
            report = run_sync(core, paths, settings, use_vdirsyncer=False)
            print(f"{label:<34} relterm {report.relterm_seconds:6.2f} s (vdirsyncer not run)   "
                  f"(cards written {report.counts['written']}, updated {report.counts['updated']}, "
                  f"agenda files {report.counts['agenda_written']})")
            return report.relterm_seconds

        timed("first sync (every card written)")
        unchanged = timed("sync, nothing changed")
        cards = sorted(paths.contacts.glob("*.vcf"))[: args.edits]
        for n, card in enumerate(cards):
            text = card.read_bytes().decode()
            card.write_bytes(text.replace("END:VCARD", f"TITLE:Edited on the phone {n}\r\nEND:VCARD", 1).encode()
                             if "\nTITLE:" not in text else
                             text.replace("\nTITLE:", f"\nTITLE:Edited {n} ", 1).encode())
        edits = timed(f"sync applying {len(cards)} phone edits")
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"peak memory {peak:.0f} MB; targets: nothing changed <= 2 s ({unchanged:.2f}), "
              f"{len(cards)} edits <= 3 s ({edits:.2f}), memory <= 200 MB")
        core.close()
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
