"""Lighter indexes: two that repeat another's first column go, two on mostly empty columns shrink.

``event (contact_id)`` is the first column of ``event (contact_id, date)``,
and ``contact_level (contact_id)`` the first of the unique
``contact_level (contact_id, ladder)``: SQLite finds a contact's events and
levels (and cascades deletes) through the longer index just as fast, while
every insert paid for both.

``contact.introduced_by_id`` and ``event.other_id`` are empty for most rows,
and they are only ever looked up by a value ("whom did X introduce", "which
events mention X", and the foreign keys' ON DELETE SET NULL). Partial indexes
``WHERE ... IS NOT NULL`` serve all of those and cost nothing for the rows
without a value. (``contact.archived_at`` keeps its full index: counting the
active contacts reads it instead of the table.)

Imports and logging write less, and the file of a million events is smaller.
"""
from peewee import *  # noqa: F401,F403


def up(migrator, db):
    db.execute_sql("DROP INDEX IF EXISTS event_contact_id")
    db.execute_sql("DROP INDEX IF EXISTS contact_level_contact_id")
    db.execute_sql("DROP INDEX IF EXISTS contact_introduced_by_id")
    db.execute_sql(
        "CREATE INDEX contact_introduced_by_id ON contact (introduced_by_id) WHERE introduced_by_id IS NOT NULL"
    )
    db.execute_sql("DROP INDEX IF EXISTS event_other_id")
    db.execute_sql("CREATE INDEX event_other_id ON event (other_id) WHERE other_id IS NOT NULL")
