"""A profile link on each contact, and goals.

``contact.url`` holds the person's profile link (LinkedIn's URL column, a
vCard ``URL``, ``relterm edit --url``): http or https only. Until now such
links were kept among the contact's details; each contact's first web link
(one labelled ``linkedin`` first) moves to the new column, the others stay
details.

``goal`` holds the habits set with ``relterm goal``: ``target`` meetings of
the kind ``name`` (``new-coffees``, ``coffees``) every ``every_days`` days,
periods counted from ``start``.
"""
import re

from peewee import *  # noqa: F401,F403

WEB = re.compile(r"^https?://[^\s/?#]+\S*$", re.IGNORECASE)


def up(migrator, db):
    columns = {row[1] for row in db.execute_sql("PRAGMA table_info(contact)").fetchall()}
    if "url" not in columns:
        db.execute_sql("ALTER TABLE contact ADD COLUMN url TEXT NOT NULL DEFAULT ''")
    db.execute_sql(
        "CREATE TABLE IF NOT EXISTS goal ("
        " name TEXT NOT NULL PRIMARY KEY,"
        " target INTEGER NOT NULL,"
        " every_days INTEGER NOT NULL,"
        " start DATE NOT NULL,"
        " created_at DATETIME NOT NULL)"
    )
    chosen = {}
    rows = db.execute_sql(
        "SELECT d.id, d.contact_id, d.label, d.value FROM contact_detail d JOIN contact c ON c.id = d.contact_id "
        "WHERE d.kind = 'url' AND c.url = '' ORDER BY d.contact_id, d.label != 'linkedin', d.position, d.id"
    ).fetchall()
    for detail_id, contact_id, _, value in rows:
        text = (value or "").strip()
        if contact_id not in chosen and WEB.match(text):
            chosen[contact_id] = (detail_id, text)
    cursor = db.cursor()
    cursor.executemany("UPDATE contact SET url = ? WHERE id = ?", [(text, cid) for cid, (_, text) in chosen.items()])
    cursor.executemany("DELETE FROM contact_detail WHERE id = ?", [(did,) for did, _ in chosen.values()])


def down(migrator, db):
    db.execute_sql("DROP TABLE IF EXISTS goal")
