"""Per-item agenda snoozes, and an index for the give/ask ledger.

A snooze hides one agenda item of one contact (keep in touch, review, a name
to contact, a birthday) until a date; Contact.snoozed_until still snoozes the
whole person. The ledger aggregates the events that carry a direction.
"""
from peewee import *  # noqa: F401,F403


def up(migrator, db):
    db.execute_sql(
        "CREATE TABLE IF NOT EXISTS agenda_snooze ("
        " id INTEGER NOT NULL PRIMARY KEY,"
        " contact_id INTEGER NOT NULL REFERENCES contact (id) ON DELETE CASCADE,"
        " item TEXT NOT NULL,"
        " until DATE NOT NULL)"
    )
    db.execute_sql("CREATE UNIQUE INDEX IF NOT EXISTS agenda_snooze_contact_item ON agenda_snooze (contact_id, item)")
    db.execute_sql(
        "CREATE INDEX IF NOT EXISTS event_direction_contact ON event (direction, contact_id) "
        "WHERE direction IS NOT NULL"
    )
