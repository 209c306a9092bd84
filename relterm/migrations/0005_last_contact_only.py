"""``last_interaction`` holds the last *contact* only.

Before this, a private note or a review moved a person's keep-in-touch clock
as if it were contact with them. The rule now lives in ``relterm.rules``:
note and review do not count (unless levels.yaml says otherwise). This
recomputes the stored date from the timeline with the shipped defaults.
"""
from peewee import *  # noqa: F401,F403

NOT_CONTACT = ("level-change", "introduced-by", "note", "review")


def up(migrator, db):
    marks = ",".join("?" * len(NOT_CONTACT))
    db.execute_sql(
        "UPDATE contact SET last_interaction = ("
        f" SELECT MAX(e.date) FROM event e WHERE e.contact_id = contact.id AND e.kind NOT IN ({marks}))",
        NOT_CONTACT,
    )


def down(migrator, db):
    db.execute_sql(
        "UPDATE contact SET last_interaction = ("
        " SELECT MAX(e.date) FROM event e WHERE e.contact_id = contact.id"
        " AND e.kind NOT IN ('level-change', 'introduced-by'))"
    )
