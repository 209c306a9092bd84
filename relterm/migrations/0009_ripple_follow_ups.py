"""The ripple of a referral: interactions that went badly, and follow-ups with the referrer.

``event.went_badly`` flags an interaction that went wrong (``relterm log
--went-badly``, the toggle in the app's log popup). ``follow_up`` holds what to
take up with someone, usually the person a demoted or badly-handled contact
came through: who (``contact_id``), about whom (``about_id``), why, what set it
off (``trigger``, ``event_id``), when it was added, and whether it is still
``open`` or was ``done`` or ``dismissed`` (on ``closed_on``).

Written to stand alone: it checks before adding, and touches no table or
column another migration adds, so it applies the same whether the migrations
numbered before it ran first or arrive later.
"""
from peewee import *  # noqa: F401,F403


def up(migrator, db):
    columns = {row[1] for row in db.execute_sql("PRAGMA table_info(event)").fetchall()}
    if "went_badly" not in columns:
        db.execute_sql("ALTER TABLE event ADD COLUMN went_badly INTEGER NOT NULL DEFAULT 0")
    db.execute_sql(
        "CREATE TABLE IF NOT EXISTS follow_up ("
        " id INTEGER NOT NULL PRIMARY KEY,"
        " contact_id INTEGER NOT NULL REFERENCES contact (id) ON DELETE CASCADE,"
        " about_id INTEGER REFERENCES contact (id) ON DELETE SET NULL,"
        " event_id INTEGER REFERENCES event (id) ON DELETE SET NULL,"
        " trigger TEXT,"
        " reason TEXT NOT NULL DEFAULT '',"
        " created_at DATETIME NOT NULL,"
        " status TEXT NOT NULL DEFAULT 'open',"
        " closed_on DATE)"
    )
    db.execute_sql("CREATE INDEX IF NOT EXISTS follow_up_contact_id ON follow_up (contact_id)")
    db.execute_sql("CREATE INDEX IF NOT EXISTS follow_up_about_id ON follow_up (about_id) WHERE about_id IS NOT NULL")
    db.execute_sql("CREATE INDEX IF NOT EXISTS follow_up_event_id ON follow_up (event_id) WHERE event_id IS NOT NULL")


def down(migrator, db):
    db.execute_sql("DROP TABLE IF EXISTS follow_up")
    columns = {row[1] for row in db.execute_sql("PRAGMA table_info(event)").fetchall()}
    if "went_badly" in columns:
        db.execute_sql("ALTER TABLE event DROP COLUMN went_badly")
