"""The sample database of ``relterm demo``: a few dozen people and a year of history.

Written through the Core API like any user's data, from a fixed list of
invented people and a seeded random generator, so every run gives the same
database (dates are counted back from today, which tests fix with
RELTERM_TODAY). Kept in its own file (``paths.demo_db_path()``).
"""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

from . import store
from .config import Config
from .core import Core
from .dates import today

SEED = 20261123

# name, business rank, sphere, company, tags, introduced by (an earlier name), customer rank
PEOPLE: list[tuple[str, int, str, str, tuple[str, ...], str | None, int | None]] = [
    ("Ingrid Solberg", 6, "friends", "Solberg Advisory", ("mentor", "finance"), None, None),
    ("Tomás Ferreira", 5, "business", "Ferreira & Filhos", ("client", "legal"), None, 3),
    ("Amara Nwosu", 5, "business", "Lagoon Analytics", ("data", "speaker"), None, 2),
    ("Henrik Lund", 4, "business", "Nordlys Energy", ("client",), "Ingrid Solberg", 2),
    ("Priya Raman", 4, "business", "Kestrel Labs", ("founder", "python"), "Amara Nwosu", None),
    ("Jonas Becker", 4, "acquaintance", "Becker Bau", ("supplier",), None, None),
    ("Mei Tanaka", 3, "business", "Origami Design", ("design",), "Priya Raman", None),
    ("Lucía Ortega", 3, "business", "Ortega Legal", ("legal", "board"), "Tomás Ferreira", 1),
    ("Samuel Okafor", 3, "business", "Baobab Capital", ("investor",), "Ingrid Solberg", None),
    ("Élodie Martin", 3, "friends", "Atelier Martin", ("design", "alumni"), None, None),
    ("Rahul Mehta", 2, "business", "Monsoon Cloud", ("cloud", "hiring"), "Priya Raman", None),
    ("Grace Kim", 2, "business", "Harbor Health", ("client",), "Henrik Lund", 1),
    ("Oskar Nilsson", 2, "business", "Fjord Freight", ("ops",), "Henrik Lund", None),
    ("Fatima Haddad", 2, "acquaintance", "Cedar Press", ("press",), "Lucía Ortega", None),
    ("Daniel Weiss", 2, "business", "Weiss Consulting", ("sales",), "Samuel Okafor", None),
    ("Chloé Dubois", 1, "business", "Lumen Studio", ("marketing",), None, None),
    ("Marek Nowak", 1, "business", "Vistula Software", ("rust", "founder"), None, None),
    ("Aisha Bello", 1, "business", "Sahel Solar", ("conference",), None, None),
    ("Liam O'Connor", 1, "acquaintance", "Cliffside Cafe", ("neighbour",), None, None),
    ("Sofia Rossi", 1, "business", "Rossi Tessuti", ("supplier",), None, 1),
    ("Yuki Sato", 1, "business", "Sakura Robotics", ("data",), "Mei Tanaka", None),
    ("Nora Lindqvist", 1, "business", "Polar Bank", ("finance", "investor"), None, None),
    ("Ben Carter", 0, "business", "Carter Logistics", ("ops",), None, None),
    ("Zara Ahmed", 0, "business", "Crescent Media", ("press", "speaker"), None, None),
    ("Pablo Jiménez", 0, "business", "Sol Ventures", ("investor",), None, None),
    ("Hannah Vogel", 0, "business", "Vogel Werke", ("hiring",), None, None),
    ("Kwame Mensah", 2, "business", "Accra Digital", ("cloud", "partner"), "Amara Nwosu", 2),
    ("Olivia Brown", 4, "family", "", ("family",), None, None),
    ("Mateo García", 5, "friends", "García Arquitectos", ("design",), None, None),
    ("Anna Kowalska", 3, "servicer", "Kowalska Accounting", ("finance",), None, None),
    ("Ravi Patel", 2, "servicer", "Patel IT Support", ("security",), "Anna Kowalska", None),
    ("Emma Schulz", 1, "servicer", "Schulz Print", ("supplier",), None, None),
    ("Noah Fischer", 3, "business", "Fischer Data", ("data", "python"), "Rahul Mehta", None),
    ("Leila Karimi", 4, "business", "Persepolis Trading", ("client", "partner"), "Tomás Ferreira", 3),
    ("Viktor Petrov", 2, "acquaintance", "Neva Consulting", ("alumni",), None, None),
    ("Camille Laurent", 1, "business", "Laurent Conseil", ("sales",), "Élodie Martin", None),
    ("Diego Alvarez", 0, "business", "Pampas Foods", (), None, None),
    ("Sara Johansson", 3, "business", "Nordic Design Week", ("conference", "design"), "Mei Tanaka", None),
    ("Tariq Aziz", 1, "business", "Oasis Water", ("client",), "Kwame Mensah", 1),
    ("Hugo Moreau", 2, "business", "Moreau Vins", ("supplier",), "Élodie Martin", None),
]

# Names someone gave you, not contacted yet (they stand on the introduced rung).
NAMES_GIVEN = [
    ("Julia Hartmann", "Ingrid Solberg", "Hartmann Stiftung"),
    ("Kofi Boateng", "Kwame Mensah", "Gold Coast Ventures"),
    ("Astrid Berg", "Henrik Lund", "Berg Maritime"),
]

NOTES = {
    "note": ["Moving to a new role in spring", "Has two kids, sails at weekends", "Prefers email to calls",
             "Writing a book about small-business finance", "Looking for a data engineer"],
    "email": ["Sent the notes from our talk", "Asked about the pricing model", "Shared an article on hiring",
              "Thanked them for the introduction", "Followed up on the proposal"],
    "call": ["Catch-up call, all well", "Talked through their expansion plans", "Quick call about the contract",
             "Video call about the workshop"],
    "message": ["Congratulated them on the launch", "Sent the conference link", "Wished them a good holiday"],
    "coffee": ["Coffee near the station", "Coffee after the meetup", "Coffee: they want to meet my accountant"],
    "meal": ["Lunch at the harbour", "Dinner with their team", "Breakfast before the board meeting"],
    "meeting": ["Project kick-off", "Quarterly review of the account", "Workshop on the new process"],
    "event": ["Met at the regional business breakfast", "Saw them at the design week", "Chatted at the trade fair"],
    "social": ["Liked their post about the award", "Commented on their article"],
    "referral-given": ["Sent them a client looking for legal advice", "Passed on a supplier lead"],
    "referral-received": ["They sent me a new client", "Recommended me for a workshop"],
    "introduction": ["Introduced them to a designer I trust", "Introduced them to an investor"],
    "introduced": ["They introduced me to their partner", "They put me in touch with a journalist"],
    "ask": ["Asked whether they need help with the audit"],
    "review": ["Relationship review: keep the monthly calls"],
}

# Interactions in a year by rank: deeper relationships see more contact.
PER_YEAR = {0: 0, 1: 2, 2: 4, 3: 6, 4: 9, 5: 12, 6: 16}
IN_PERSON = ["coffee", "meal", "meeting", "event"]
REMOTE = ["email", "call", "message", "social", "note"]


def build_demo(path: Path, config: Config, *, fresh: bool = True) -> Path:
    """Write the sample database at ``path`` (replacing it when ``fresh``); return the path."""
    path = Path(path)
    if path.exists() and not fresh:
        return path
    for suffix in ("", "-wal", "-shm"):
        leftover = Path(str(path) + suffix)
        if leftover.exists():
            leftover.unlink()
    core = Core(path, config)
    try:
        fill(core)
    finally:
        core.close()
    return path


def fill(core: Core) -> dict[str, int]:
    """Add the sample people and their year of history through ``core``; return name -> id."""
    rnd = random.Random(SEED)
    now = today()
    default_key = core.config.default_ladder
    business = core.config.ladders[default_key]
    has_customer = "customer" in core.config.ladders
    kinds = set(core.config.kinds)
    ids: dict[str, int] = {}

    def day(days_ago: int) -> dt.date:
        return now - dt.timedelta(days=days_ago)

    with store.write(core.db):
        for name, rank, sphere, company, tags, introducer, customer_rank in PEOPLE:
            if business.level(rank) is None:
                rank = business.default_rank
            start_rank = min(rank, business.lowest + 1) if rank > business.lowest + 1 else rank
            added = day(rnd.randint(300, 380))
            domain = company.split()[0].lower() if company else ""
            email = f"{name.split()[0].lower()}@{domain}.example" if domain else ""
            cid = core.add_contact(
                name, level=start_rank, sphere=sphere if sphere in core.config.spheres else None, company=company,
                email=email, tags=tags, introduced_by=ids.get(introducer) if introducer else None,
                date=added,
            )
            ids[name] = cid
            # Climb to the rung they stand on today, one step at a time over the year.
            steps = [r.rank for r in business.ordered if start_rank < r.rank <= rank]
            when = (now - added).days
            for step_rank in steps:
                when = max(1, when - rnd.randint(20, 60))
                reason = rnd.choice(["met in person at last", "regular calls now", "worked on a project together",
                                     "several good exchanges", "referred a client to me"])
                core.change_level(cid, ladder=default_key, to=step_rank, reason=reason, date=day(when))
            # A year of interactions, more for deeper relationships.
            for _ in range(PER_YEAR.get(rank, 3)):
                pool = IN_PERSON + REMOTE if rank >= 4 else REMOTE + (["event"] if rank >= 2 else [])
                if rank >= 4 and rnd.random() < 0.25:
                    pool = ["referral-given", "referral-received", "introduction", "introduced"]
                kind = rnd.choice(pool)
                if kind not in kinds:
                    continue
                known_for = max((now - added).days - 1, 1)
                core.log(cid, kind, rnd.choice(NOTES.get(kind, ["Kept in touch"])), date=day(rnd.randint(1, known_for)))
            if has_customer and customer_rank is not None:
                core.change_level(cid, ladder="customer", to=customer_rank, reason="became a customer",
                                  date=day(rnd.randint(30, 200)))
        for name, introducer, company in NAMES_GIVEN:
            core.add_contact(
                name, level=business.intro_rank, company=company, introduced_by=ids.get(introducer),
                to_contact=True, date=day(rnd.randint(3, 20)), reason=f"name given by {introducer}",
            )
        # A demotion, so the timeline shows one too.
        if "Jonas Becker" in ids:
            core.change_level(ids["Jonas Becker"], ladder=default_key, step=-1, reason="moved away; we rarely talk",
                              date=day(12))
            core.change_level(ids["Jonas Becker"], ladder=default_key, step=1, reason="back in town", date=day(4))
    return ids
