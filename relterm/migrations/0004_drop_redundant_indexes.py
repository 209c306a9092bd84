"""Drop two indexes that repeat the start of another one.

``event (contact_id)`` is the first column of ``event (contact_id, date)``,
and ``contact_level (contact_id)`` the first of the unique
``contact_level (contact_id, ladder)``: SQLite finds a contact's events and
levels (and cascades deletes) through the longer index just as fast, while
every insert paid for both. Imports and logging write less, and the file of
a million events is smaller.
"""
from peewee import *  # noqa: F401,F403


def up(migrator, db):
    db.execute_sql("DROP INDEX IF EXISTS event_contact_id")
    db.execute_sql("DROP INDEX IF EXISTS contact_level_contact_id")
