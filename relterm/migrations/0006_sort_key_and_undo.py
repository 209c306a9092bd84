"""Names sort with accents folded; timeline edits and merges can be undone.

``contact.sort_key`` holds ``relterm.rules.sort_key(name)`` (case and accents
folded), kept in step by every write of a name, with an index so the list's
first page is still read straight from an index ("Élodie" now sorts beside
"Elias", not after "Zara"). The old ``contact_name_nocase`` index stays: it
answers the exact-name lookups.

``undo`` keeps what is needed to take back the last change of each kind: the
last timeline entry edited or deleted (``event``) and the last merge
(``merge``), as JSON. The next change of the same kind replaces it.
"""
import unicodedata

from peewee import *  # noqa: F401,F403


def sort_key(name):
    """relterm.rules.sort_key as of this migration (a migration keeps describing its day)."""
    text = unicodedata.normalize("NFKD", str(name or "").casefold())
    return unicodedata.normalize("NFC", "".join(ch for ch in text if not unicodedata.combining(ch)))


def up(migrator, db):
    columns = {row[1] for row in db.execute_sql("PRAGMA table_info(contact)").fetchall()}
    if "sort_key" not in columns:
        db.execute_sql("ALTER TABLE contact ADD COLUMN sort_key TEXT")
    rows = db.execute_sql("SELECT id, name FROM contact").fetchall()
    db.cursor().executemany("UPDATE contact SET sort_key = ? WHERE id = ?",
                            [(sort_key(name), cid) for cid, name in rows])
    db.execute_sql("CREATE INDEX IF NOT EXISTS contact_sort_key ON contact (sort_key)")
    db.execute_sql(
        "CREATE TABLE IF NOT EXISTS undo ("
        " kind TEXT NOT NULL PRIMARY KEY,"
        " data TEXT NOT NULL,"
        " created_at DATETIME NOT NULL)"
    )


def down(migrator, db):
    db.execute_sql("DROP TABLE IF EXISTS undo")
    db.execute_sql("DROP INDEX IF EXISTS contact_sort_key")
