"""The first screenful of the list, read without the store before the app opens it: the same rows as
the core's, and no read at all from a database that is missing, foreign or needs migrating."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from relterm.firstpage import read_first_page

DATA = Path(__file__).resolve().parent / "data"


def test_the_first_page_is_the_cores_first_page(core, db_path):
    names = ["zoë Quinn", "Émile Zola", "ada Lovelace", "Ada Lovelace", "Bob", "bob", "Carl", "Dora", "Eve"]
    ids = {}
    for number, name in enumerate(names):
        ids[number] = core.add_contact(name, level=number % 6, company=f"Co {number % 3}", tags=["x", f"t{number}"],
                                       email=f"p{number}@example.org")
    core.log(ids[2], "call", "hello", date="2026-11-01")
    core.edit_contact(ids[3], introduced_by=ids[2])
    core.archive(ids[4])
    core.change_level(ids[5], ladder="customer", to=2, reason="bought", date="2026-09-01")
    for ladder in ("business", "customer"):
        for limit in (1, 3, 200):
            assert read_first_page(db_path, ladder, limit) == core.rows(ladder=ladder, limit=limit)
    page = read_first_page(db_path, "business", 200)
    assert ids[4] not in {row.id for row in page}  # archived: not listed
    assert [row.introduced_by for row in page if row.id == ids[3]] == ["ada Lovelace"]


def test_nothing_is_read_from_a_missing_foreign_or_older_database(tmp_path):
    missing = tmp_path / "none.db"
    assert read_first_page(missing, "business", 10) is None
    assert not missing.exists()  # and nothing was created
    foreign = tmp_path / "notes.db"
    foreign.write_text("not a database")
    assert read_first_page(foreign, "business", 10) is None
    old = tmp_path / "old.db"
    connection = sqlite3.connect(old)
    connection.executescript((DATA / "schema_v1.sql").read_text())
    connection.close()
    assert read_first_page(old, "business", 10) is None  # the store opens (and migrates) it first
