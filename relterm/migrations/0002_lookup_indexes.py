"""Indexes for the agenda and the give/ask ledger, which scan events by kind and date,
and for finding contacts by name."""
from peewee import *  # noqa: F401,F403


def up(migrator, db):
    db.execute_sql("CREATE INDEX IF NOT EXISTS event_kind_date ON event (kind, date)")
    db.execute_sql("CREATE INDEX IF NOT EXISTS contact_name_nocase ON contact (name COLLATE NOCASE)")
