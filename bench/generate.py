"""Write a realistic relterm database, fast, for benchmarks and manual testing.

    python bench/generate.py --contacts 100000 --per-contact 10 --out /tmp/bench-100k.db

Contacts get Faker names, companies and emails (seeded, so the same
parameters always give the same data), a rank on the business ladder (more
people on the low rungs), a sphere, tags, sometimes a rank on the customer
ladder, an introducer among the earlier contacts (about one in five),
birthdays, a few review schedules, and a timeline: an initial level change,
some promotions, and about ``per_contact`` interactions of every kind in the
ladder config (referrals and asks with their direction) over the last two
years. ``Contact.last_interaction`` matches the newest interaction.

The schema is created by ``relterm.store.open_database`` (so every migration
runs); rows are then inserted with ``executemany`` in a few big transactions.

Generated files are cached in a directory (default ``/tmp/relterm-bench``,
or ``RELTERM_BENCH_CACHE``) under a name made of the parameters and the schema
version, and reused when they exist. ``--out`` copies the cached file there.

Importable: ``generate(path, contacts=..., interactions_per_contact=10, seed=...)``
writes one file; ``cached_database(...)`` returns the path of a cached one.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import shutil
import sys
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from relterm import store  # noqa: E402
from relterm.config import Config, load_config  # noqa: E402
from relterm.dates import today  # noqa: E402
from relterm.domain import LEVEL_CHANGE  # noqa: E402

DEFAULT_CACHE = Path(os.environ.get("RELTERM_BENCH_CACHE", "/tmp/relterm-bench"))
# Bump when the generated data changes shape, so stale cached files are not reused.
GENERATOR_VERSION = 1

_SPHERE_WEIGHTS = {"business": 70, "acquaintance": 12, "friends": 8, "servicer": 6, "family": 4}
_TAGS = [
    "mentor", "investor", "design", "python", "rust", "sales", "hiring", "founder", "speaker",
    "recruiter", "press", "legal", "finance", "ops", "marketing", "data", "cloud", "security",
    "board", "alumni", "conference", "neighbour", "client", "partner", "supplier",
]
_SUMMARIES = {
    "note": ["Moving to a new role in {month}", "Has two kids, likes sailing", "Prefers email to calls",
             "Working on a book about {topic}", "Looking for a {topic} consultant"],
    "email": ["Sent the notes from our talk", "Asked about {topic}", "Shared an article on {topic}",
              "Thanked them for the intro", "Followed up on the proposal"],
    "call": ["Caught up on {topic}", "Discussed the {company} project", "Quick call about hiring",
             "Talked through their plans for {month}"],
    "message": ["Congratulated them on the new job", "Sent a link about {topic}", "Quick hello"],
    "coffee": ["Coffee near their office; talked {topic}", "Coffee: they are hiring", "Morning coffee, caught up"],
    "meal": ["Lunch: {topic} and family news", "Dinner after the meetup", "Lunch with their team"],
    "meeting": ["Workshop on {topic}", "Met at {company}", "Planning meeting for {month}"],
    "event": ["Met at the {topic} meetup", "Saw them at the {topic} conference", "Both at the {company} launch"],
    "social": ["Liked their post on {topic}", "Commented on their talk", "Connected online"],
    "referral-given": ["Referred a client who needs {topic}", "Sent them the {company} lead"],
    "referral-received": ["They sent a {topic} client my way", "Referral from them: {company}"],
    "introduction": ["Introduced them to someone in {topic}", "Connected them with {company}"],
    "introduced": ["They introduced me to a {topic} expert", "Introduction to {company}"],
    "ask": ["Asked for an intro to {company}", "Asked about {topic} work", "Asked for a testimonial"],
    "review": ["Reviewed where we stand", "Quarterly relationship review"],
}
_TOPICS = ["data pipelines", "hiring", "open source", "pricing", "security", "design systems", "fundraising",
           "cloud costs", "machine learning", "accessibility", "mobile apps", "logistics"]
_MONTHS = ["January", "March", "May", "June", "September", "October", "December"]
_REASONS = ["Met at the meetup", "Worked together on a project", "Several good calls", "Lunch went well",
            "Exchanged referrals", "Known each other for years now"]


def _pools(seed: int, size: int):
    """Names, companies and domains drawn from Faker once; combined freely afterwards (much faster)."""
    from faker import Faker

    fake = Faker("en_US")
    fake.seed_instance(seed)
    first = sorted({fake.first_name() for _ in range(max(200, size // 20))})
    last = sorted({fake.last_name() for _ in range(max(200, size // 10))})
    companies = sorted({fake.company() for _ in range(max(100, size // 20))})
    domains = sorted({fake.free_email_domain() for _ in range(50)} | {fake.domain_name() for _ in range(300)})
    return first, last, companies, domains


def _ascii_local(text: str) -> str:
    return "".join(ch for ch in text.lower() if ch.isalnum()) or "x"


def generate(
    path: str | os.PathLike,
    contacts: int = 10_000,
    interactions_per_contact: int = 10,
    seed: int = 1,
    *,
    config: Config | None = None,
    quiet: bool = True,
) -> Path:
    """Write a fresh database of ``contacts`` contacts to ``path`` (replacing any file there)."""
    path = Path(path)
    started = time.perf_counter()
    config = config or load_config()
    rng = random.Random(seed)
    for suffix in ("", "-wal", "-shm"):
        extra = Path(str(path) + suffix)
        if extra.exists():
            extra.unlink()

    first, last, companies, domains = _pools(seed, contacts)
    business_key = config.default_ladder
    business = config.ladders[business_key]
    ranks = [lv.rank for lv in business.ordered]
    # More people on the low rungs: weight falls off with height.
    rank_weights = [max(1, 40 - 6 * i) if i else 12 for i in range(len(ranks))]
    other_ladders = [(key, lad) for key, lad in config.ladders.items() if key != business_key]
    spheres = [s for s in config.spheres]
    sphere_weights = [_SPHERE_WEIGHTS.get(s, 5) for s in spheres]
    kinds = list(config.kinds)
    kind_weights = [
        {"note": 8, "email": 20, "call": 10, "message": 12, "coffee": 6, "meal": 3, "meeting": 6, "event": 4,
         "social": 8, "referral-given": 2, "referral-received": 2, "introduction": 1, "introduced": 1,
         "ask": 2, "review": 1}.get(k, 3)
        for k in kinds
    ]
    directions = {k: config.kind(k).direction for k in kinds}
    now_day = today()
    span = 730  # two years
    oldest = now_day - dt.timedelta(days=span)

    db = store.open_database(path)
    conn = db.connection()
    conn.execute("PRAGMA synchronous=OFF")

    contact_rows = []
    level_rows = []
    event_rows = []
    detail_rows = []
    stamp = dt.datetime.combine(now_day, dt.time(9)).strftime("%Y-%m-%d %H:%M:%S")
    uid_base = uuid.UUID(int=rng.getrandbits(128))
    for cid in range(1, contacts + 1):
        fn, ln = rng.choice(first), rng.choice(last)
        name = f"{fn} {ln}"
        company = rng.choice(companies) if rng.random() < 0.85 else ""
        email = f"{_ascii_local(fn)}.{_ascii_local(ln)}@{rng.choice(domains)}" if rng.random() < 0.8 else ""
        phone = f"+1 555 {rng.randrange(1000, 9999)} {rng.randrange(100, 999)}" if rng.random() < 0.3 else ""
        sphere = rng.choices(spheres, sphere_weights)[0]
        tags = ",".join(dict.fromkeys(rng.sample(_TAGS, rng.choice((0, 0, 1, 1, 2, 3)))))
        rank_index = rng.choices(range(len(ranks)), rank_weights)[0]
        rank = ranks[rank_index]
        introducer = rng.randrange(1, cid) if cid > 1 and rng.random() < 0.2 else None
        to_contact = rank_index <= 1 and rng.random() < 0.08
        birthday = None
        if rng.random() < 0.3:
            year = rng.randrange(1950, 2000)
            month, day = rng.randrange(1, 13), rng.randrange(1, 29)
            birthday = f"{year}-{month:02d}-{day:02d}" if rng.random() < 0.7 else f"--{month:02d}-{day:02d}"
        review_every = review_due = None
        if rng.random() < 0.02:
            review_every = rng.choice((30, 90, 180))
            review_due = (now_day + dt.timedelta(days=rng.randrange(-20, review_every))).isoformat()
        cadence = None if rng.random() < 0.95 else rng.choice((0, 14, 30, 120))
        archived = stamp if rng.random() < 0.01 else None

        # The timeline: added on day ``start``, interactions after it.
        start_offset = rng.randrange(0, span)
        start = oldest + dt.timedelta(days=start_offset)
        n_events = 0 if to_contact else rng.randint(max(0, interactions_per_contact // 2),
                                                       interactions_per_contact + interactions_per_contact // 2)
        remaining = (now_day - start).days
        days = sorted(start + dt.timedelta(days=rng.randint(0, remaining)) for _ in range(n_events))

        # Most people above the first rungs got there through promotions along the way.
        path_ranks = [rank]
        if rank_index >= 2 and rng.random() < 0.6:
            low = rng.randrange(1, rank_index)
            path_ranks = ranks[low:rank_index + 1]
        start_iso = start.isoformat()
        created = f"{start_iso} 10:00:00"
        event_rows.append((cid, start_iso, LEVEL_CHANGE, "", business_key, None, path_ranks[0],
                           "introduced" if introducer else "added", None, None, None, None, created))
        if len(path_ranks) > 1:
            promo_days = sorted(start + dt.timedelta(days=rng.randint(0, remaining)) for _ in path_ranks[1:])
            for before, after, day in zip(path_ranks, path_ranks[1:], promo_days):
                event_rows.append((cid, day.isoformat(), LEVEL_CHANGE, "", business_key, before, after,
                                   rng.choice(_REASONS), None, None, None, None, created))
        level_rows.append((cid, business_key, rank))
        for key, lad in other_ladders:
            if rng.random() < 0.1:
                other_rank = rng.choice([lv.rank for lv in lad.ordered[:2]] + [lad.ordered[0].rank])
                level_rows.append((cid, key, other_rank))
                event_rows.append((cid, start_iso, LEVEL_CHANGE, "", key, None, other_rank, "added",
                                   None, None, None, None, created))

        last_iso = None
        for day in days:
            kind = rng.choices(kinds, kind_weights)[0]
            template = rng.choice(_SUMMARIES.get(kind) or ["Talked about {topic}"])
            summary = template.format(topic=rng.choice(_TOPICS), company=rng.choice(companies),
                                      month=rng.choice(_MONTHS))
            direction = directions[kind]
            other = rng.randrange(1, contacts + 1) if direction in ("given", "received") and rng.random() < 0.5 else None
            if other == cid:
                other = None
            last_iso = day.isoformat()
            event_rows.append((cid, last_iso, kind, summary, None, None, None, None, direction, other, None, None,
                               created))
        if rng.random() < 0.05:
            detail_rows.append((cid, "phone", "work", f"+1 555 {rng.randrange(1000, 9999)} {rng.randrange(100, 999)}",
                                0))
        uid = str(uuid.UUID(int=(uid_base.int + cid) % (1 << 128)))
        contact_rows.append((cid, name, sphere, company, "", email, phone, birthday, "", tags, introducer, cadence,
                             int(to_contact), review_every, review_due, None, last_iso, uid, created,
                             f"{last_iso or start_iso} 18:00:00", archived))

    contact_sql = (
        "INSERT INTO contact (id, name, sphere, company, title, email, phone, birthday, notes, tags, introduced_by_id,"
        " cadence_days, to_contact, review_every_days, review_due, snoozed_until, last_interaction, uid, created_at,"
        " updated_at, archived_at) VALUES (" + ",".join("?" * 21) + ")"
    )
    event_sql = (
        "INSERT INTO event (contact_id, date, kind, summary, ladder, from_rank, to_rank, reason, direction, other_id,"
        " warning, data, created_at) VALUES (" + ",".join("?" * 13) + ")"
    )
    with db.atomic():
        conn.executemany(contact_sql, contact_rows)
        store.fill_sort_keys(db)
        conn.executemany("INSERT INTO contact_level (contact_id, ladder, rank) VALUES (?, ?, ?)", level_rows)
        conn.executemany(
            "INSERT INTO contact_detail (contact_id, kind, label, value, position) VALUES (?, ?, ?, ?, ?)", detail_rows
        )
    batch = 200_000
    for i in range(0, len(event_rows), batch):
        with db.atomic():
            conn.executemany(event_sql, event_rows[i:i + batch])
    conn.execute("PRAGMA synchronous=NORMAL")
    conn.execute("ANALYZE")
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    store.close_database()
    if not quiet:
        print(
            f"wrote {path}: {contacts} contacts, {len(event_rows)} events in {time.perf_counter() - started:.1f} s",
            file=sys.stderr,
        )
    return path


def cache_name(contacts: int, per_contact: int, seed: int) -> str:
    return f"relterm-c{contacts}-p{per_contact}-s{seed}-schema{store.latest_version()}-g{GENERATOR_VERSION}.db"


def cached_database(
    contacts: int,
    per_contact: int = 10,
    seed: int = 1,
    cache_dir: str | os.PathLike | None = None,
    *,
    quiet: bool = True,
) -> Path:
    """The path of a generated database with these parameters, generating it on first use."""
    directory = Path(cache_dir) if cache_dir else DEFAULT_CACHE
    directory.mkdir(parents=True, exist_ok=True)
    target = directory / cache_name(contacts, per_contact, seed)
    if target.exists():
        return target
    partial = directory / f"{target.name}.{os.getpid()}.partial"
    try:
        generate(partial, contacts=contacts, interactions_per_contact=per_contact, seed=seed, quiet=quiet)
        os.replace(partial, target)
    finally:
        for suffix in ("", "-wal", "-shm"):
            leftover = Path(str(partial) + suffix)
            if leftover.exists():
                leftover.unlink()
    return target


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Generate a realistic relterm database for benchmarks.")
    parser.add_argument("--contacts", type=int, default=10_000, help="number of contacts (default 10000)")
    parser.add_argument("--per-contact", type=int, default=10, help="interactions per contact, on average (default 10)")
    parser.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    parser.add_argument("--out", type=Path, help="copy the database here (default: only the cached file)")
    parser.add_argument("--cache-dir", type=Path, default=None,
                        help=f"where generated files are kept and reused (default {DEFAULT_CACHE})")
    parser.add_argument("--no-cache", action="store_true", help="generate straight to --out, ignoring the cache")
    args = parser.parse_args(argv)
    if args.no_cache:
        if not args.out:
            parser.error("--no-cache needs --out")
        generate(args.out, contacts=args.contacts, interactions_per_contact=args.per_contact, seed=args.seed,
                 quiet=False)
        print(args.out)
        return 0
    path = cached_database(args.contacts, args.per_contact, args.seed, args.cache_dir, quiet=False)
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, args.out)
        os.chmod(args.out, 0o600)
        path = args.out
    print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
