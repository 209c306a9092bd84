"""Hostile text for output tests, and a database holding it in every text column.

The text is written with sqlite3 straight into the file, past relterm's cleaning on the way in: as an
older relterm, a restored backup or someone with the sqlite3 shell could leave it.
"""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

# Window title (OSC 0), a clipboard write of "rm -rf ~" (OSC 52), clear screen (CSI 2J), 8-bit CSI
# and OSC (C1), a right-to-left override, NUL, a zero-width space, DEL, a bell and a backspace.
HOSTILE = "\x1b]0;pwned\x07\x1b]52;c;cm0gLXJmIH4=\x07\x1b[2J\x9b2J\x9d0;t\x9c\u202eNUL\x00zw\u200bdel\x7fbel\x07bs\x08"

# Anything a terminal acts on: C0 controls but line feed and tab (carriage return is checked
# separately: only the CRLF line ends of exports may carry it), DEL, C1, bidi and zero-width.
BAD = re.compile("[\x00-\x08\x0b-\x0c\x0e-\x1f\x7f-\x9f\u061c\u200b\u200e\u200f\u2028\u2029\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]|\r(?!\n)")

# Columns that hold no text a person reads, left intact so the commands still find their way.
KEEP = {("contact", "uid"), ("contact", "birthday"), ("event", "data"), ("schema_migration", "name")}
# Columns that name a ladder, kind or item: poisoned in the last row of their table only, so the
# commands still reach the code that prints the rest.
KEYS = {("contact_level", "ladder"), ("event", "kind"), ("event", "direction"), ("agenda_snooze", "item"),
        ("follow_up", "status"), ("follow_up", "trigger")}


def text_columns(con: sqlite3.Connection) -> list[tuple[str, str]]:
    tables = [row[0] for row in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
    columns = []
    for table in tables:
        if table.startswith("sqlite_"):
            continue
        for _, column, kind, *_ in con.execute(f'PRAGMA table_info("{table}")'):
            if kind.upper() in ("TEXT", "VARCHAR") and (table, column) not in KEEP:
                columns.append((table, column))
    return columns


def poison(db_path: Path, text: str = HOSTILE) -> list[tuple[str, str]]:
    """Wrap every readable text value in ``text`` (before and after it); the columns touched."""
    con = sqlite3.connect(str(db_path))
    try:
        columns = text_columns(con)
        for table, column in columns:
            where = f'WHERE id = (SELECT MAX(id) FROM "{table}")' if (table, column) in KEYS else ""
            con.execute(f'UPDATE "{table}" SET "{column}" = ? || COALESCE("{column}", \'\') || ? {where}',
                        (text, text))
        con.commit()
    finally:
        con.close()
    return columns


def build_hostile_db(core) -> dict[str, int]:
    """Contacts, a timeline, introductions, a review, a snooze and details; then poisoned."""
    ids = {}
    ids["ada"] = core.add_contact("Ada", level=3, company="Engines", email="ada@example.org", tags=["math"],
                                  birthday="1990-12-01", notes="first line\nsecond line", title="Countess",
                                  phone="+44 1", details=[("url", "home", "https://ada.example")])
    ids["ben"] = core.add_contact("Ben", level=2, sphere="friends", introduced_by=ids["ada"], company="Press")
    core.log(ids["ada"], "coffee", "Talked about engines", date="2026-11-01")
    core.log(ids["ben"], "call", "Quick call", date="2025-01-01")
    core.change_level(ids["ben"], to=4, reason="worked together", date="2026-10-01")
    core.intel.schedule_review(ids["ada"], 30)
    core.intel.record_review(ids["ada"], keep="lunches", stop="", start="more calls", date="2026-11-02")
    core.intel.introduce_many(ids["ada"], ["Cleo Mensah (Acme)"], date="2026-11-03")
    core.intel.snooze(ids["ben"], 3)
    bad = core.log(ids["ben"], "call", "Tense call", date="2026-11-04", went_badly=True)
    core.intel.add_follow_up(ids["ada"], about=ids["ben"], reason="Ben's call went badly", trigger="went-badly",
                             event_id=bad)
    core.intel.add_follow_up(ids["ada"], reason="catch up")
    core.archive(core.add_contact("Gone", company="Old Co"))
    core.edit_contact(ids["ada"], url="https://ada.example/profile")
    core.intel.set_goal("new-coffees", 1, 14)
    return ids
