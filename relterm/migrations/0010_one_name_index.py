"""Names are looked up through the sort key's index; the second name index goes.

``contact_name_nocase`` (``name COLLATE NOCASE``) answered exact-name lookups
(``relterm show "Sarah Whitfield"``). Since 0006 every contact also has an
indexed ``sort_key``: the name with case and accents folded. Two names equal
but for ASCII case (what NOCASE compares) have the same sort key, so a lookup
now narrows by ``sort_key`` through its index and compares the names on the
few rows found; that also serves "émile zola" finding "Émile Zola", which
NOCASE never could (it read every row). Keeping a second index of every name
cost each added contact a write into another tree: about a tenth of a large
import's time in the database.
"""
import unicodedata

from peewee import *  # noqa: F401,F403


def sort_key(name):
    """relterm.rules.sort_key as of this migration (a migration keeps describing its day)."""
    text = unicodedata.normalize("NFKD", str(name or "").casefold())
    return unicodedata.normalize("NFC", "".join(ch for ch in text if not unicodedata.combining(ch)))


def up(migrator, db):
    # Lookups now trust the key: any key gone stale (a rename through phone sync wrote the name alone;
    # another tool may have written rows) is put right first.
    rows = db.execute_sql("SELECT id, name, sort_key FROM contact").fetchall()
    db.cursor().executemany("UPDATE contact SET sort_key = ? WHERE id = ?",
                            [(sort_key(name), cid) for cid, name, key in rows if key != sort_key(name)])
    db.execute_sql("DROP INDEX IF EXISTS contact_name_nocase")


def down(migrator, db):
    db.execute_sql("CREATE INDEX IF NOT EXISTS contact_name_nocase ON contact (name COLLATE NOCASE)")
