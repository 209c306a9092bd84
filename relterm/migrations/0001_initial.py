"""The first schema: contacts, their ranks per ladder, further details, the timeline.

Models are frozen copies, independent of relterm.store, as a migration must
keep describing the schema of its day.
"""
from peewee import *  # noqa: F401,F403


def up(migrator, db):
    class Base(Model):
        class Meta:
            database = db
            legacy_table_names = False

    class Contact(Base):
        name = TextField()
        sphere = TextField(default="business")
        company = TextField(default="")
        title = TextField(default="")
        email = TextField(default="")
        phone = TextField(default="")
        birthday = TextField(null=True)
        notes = TextField(default="")
        tags = TextField(default="")
        introduced_by = ForeignKeyField("self", null=True, on_delete="SET NULL")
        cadence_days = IntegerField(null=True)
        to_contact = BooleanField(default=False)
        review_every_days = IntegerField(null=True)
        review_due = DateField(null=True)
        snoozed_until = DateField(null=True)
        last_interaction = DateField(null=True)
        uid = TextField(unique=True)
        created_at = DateTimeField()
        updated_at = DateTimeField()
        archived_at = DateTimeField(null=True, index=True)

    class ContactLevel(Base):
        contact = ForeignKeyField(Contact, on_delete="CASCADE")
        ladder = TextField()
        rank = IntegerField()

        class Meta:
            indexes = ((("contact", "ladder"), True), (("ladder", "rank"), False))

    class ContactDetail(Base):
        contact = ForeignKeyField(Contact, on_delete="CASCADE")
        kind = TextField()
        label = TextField(default="")
        value = TextField()
        position = IntegerField(default=0)

    class Event(Base):
        contact = ForeignKeyField(Contact, on_delete="CASCADE")
        date = DateField()
        kind = TextField()
        summary = TextField(default="")
        ladder = TextField(null=True)
        from_rank = IntegerField(null=True)
        to_rank = IntegerField(null=True)
        reason = TextField(null=True)
        direction = TextField(null=True)
        other = ForeignKeyField(Contact, null=True, on_delete="SET NULL")
        warning = TextField(null=True)
        data = TextField(null=True)
        created_at = DateTimeField()

        class Meta:
            indexes = ((("contact", "date"), False),)

    db.create_tables([Contact, ContactLevel, ContactDetail, Event])
