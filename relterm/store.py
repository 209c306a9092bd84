"""The SQLite store: Peewee models, opening, migrations and backups.

One module-level ``Database`` is initialised by :func:`open_database`; every
connection (one per thread, Peewee's default) gets the same pragmas: WAL
journal, foreign keys, a busy timeout. Writes go through :func:`write`, an
``IMMEDIATE`` transaction, so two processes writing at once wait for each
other instead of failing with "database is locked".

The schema is versioned by numbered scripts in ``relterm/migrations``
(Peewee's ``playhouse.migrations`` runner, history in ``schema_migration``);
before any migration runs on an existing database a copy is taken with
SQLite's backup API.
"""

from __future__ import annotations

import os
import sqlite3
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from peewee import (
    AutoField,
    BooleanField,
    DatabaseProxy,
    DateField,
    DateTimeField,
    ForeignKeyField,
    IntegerField,
    Model,
    SqliteDatabase,
    TextField,
)

from .errors import RelTermError
from . import clock, paths

MIGRATIONS_DIR = paths.MIGRATIONS_DIR
PRAGMAS = {
    "journal_mode": "wal",
    "foreign_keys": 1,
    "busy_timeout": 15000,
    "synchronous": "normal",
    "cache_size": -16000,
}

database_proxy = DatabaseProxy()


class StoreError(RelTermError):
    """The database cannot be opened or migrated."""


class BaseModel(Model):
    class Meta:
        database = database_proxy
        legacy_table_names = False


class Contact(BaseModel):
    id = AutoField()
    name = TextField()
    sphere = TextField(default="business")
    company = TextField(default="")
    title = TextField(default="")
    email = TextField(default="")
    phone = TextField(default="")
    birthday = TextField(null=True)  # "YYYY-MM-DD", or "--MM-DD" when the year is unknown
    notes = TextField(default="")
    tags = TextField(default="")  # tags joined by "," (tags themselves never hold commas)
    # Indexed where not null (migration 0004): most contacts have no introducer.
    introduced_by = ForeignKeyField("self", null=True, on_delete="SET NULL", backref="introduced", index=False)
    cadence_days = IntegerField(null=True)  # None: the level's cadence; 0: no cadence
    to_contact = BooleanField(default=False)  # a name given to you, not contacted yet
    review_every_days = IntegerField(null=True)
    review_due = DateField(null=True)
    snoozed_until = DateField(null=True)
    last_interaction = DateField(null=True)  # kept in step with the timeline by the core
    uid = TextField(unique=True)
    created_at = DateTimeField()
    updated_at = DateTimeField()
    archived_at = DateTimeField(null=True, index=True)


class ContactLevel(BaseModel):
    """The rank of a contact on one ladder."""

    id = AutoField()
    # Indexed by (contact, ladder) below, which serves lookups by contact too (migration 0004).
    contact = ForeignKeyField(Contact, on_delete="CASCADE", backref="levels", index=False)
    ladder = TextField()
    rank = IntegerField()

    class Meta:
        indexes = ((("contact", "ladder"), True), (("ladder", "rank"), False))


class ContactDetail(BaseModel):
    """Further emails, phones, addresses, URLs and other vCard fields."""

    id = AutoField()
    contact = ForeignKeyField(Contact, on_delete="CASCADE", backref="details")
    kind = TextField()  # email | phone | address | url | related | other
    label = TextField(default="")
    value = TextField()
    position = IntegerField(default=0)


class Event(BaseModel):
    """One entry on a contact's timeline: an interaction, a level change, a review..."""

    id = AutoField()
    # Indexed by (contact, date) below, which serves lookups by contact too (migration 0004).
    contact = ForeignKeyField(Contact, on_delete="CASCADE", backref="events", index=False)
    date = DateField()
    kind = TextField()  # an interaction kind, or "level-change"
    summary = TextField(default="")
    ladder = TextField(null=True)
    from_rank = IntegerField(null=True)
    to_rank = IntegerField(null=True)
    reason = TextField(null=True)
    direction = TextField(null=True)  # given | received | ask
    # Indexed where not null (migration 0004): most events mention no one else.
    other = ForeignKeyField(Contact, null=True, on_delete="SET NULL", backref="mentions", index=False)
    warning = TextField(null=True)
    data = TextField(null=True)  # JSON for structured events (reviews)
    created_at = DateTimeField()

    class Meta:
        indexes = ((("contact", "date"), False),)


class AgendaSnooze(BaseModel):
    """One agenda item of one contact hidden until a date (keep-in-touch, review, to-contact, birthday)."""

    id = AutoField()
    contact = ForeignKeyField(Contact, on_delete="CASCADE", backref="snoozes")
    item = TextField()
    until = DateField()

    class Meta:
        table_name = "agenda_snooze"
        indexes = ((("contact", "item"), True),)


MODELS = [Contact, ContactLevel, ContactDetail, Event, AgendaSnooze]


# Opening ------------------------------------------------------------------------------


def _casefold(value):
    """SQL ``casefold(text)``: Unicode case folding, where SQLite's LOWER() and NOCASE know only ASCII."""
    return value.casefold() if isinstance(value, str) else value


def _make_database(path: Path) -> SqliteDatabase:
    db = SqliteDatabase(str(path), pragmas=PRAGMAS, timeout=15, check_same_thread=False)
    db.register_function(_casefold, "casefold", 1, deterministic=True)  # on every connection
    return db


def open_database(path: Path, *, migrate: bool = True) -> SqliteDatabase:
    """Open (creating if needed) the database at ``path`` and bring its schema up to date."""
    path = Path(path)
    try:
        paths.make_private_dir(path.parent)
        if not path.exists():
            fd = os.open(path, os.O_CREAT | os.O_WRONLY, 0o600)
            os.close(fd)
        os.chmod(path, 0o600)
    except OSError as exc:
        raise StoreError(f"{path}: cannot create the database: {exc.strerror or exc}") from None
    db = _make_database(path)
    database_proxy.initialize(db)
    try:
        db.connect(reuse_if_open=True)
        if migrate:
            run_migrations(db, path)
    except sqlite3.DatabaseError as exc:  # not a database, or corrupt
        raise StoreError(f"{path}: cannot open the database: {exc}") from None
    except Exception as exc:
        import peewee

        if isinstance(exc, peewee.DatabaseError):
            raise StoreError(f"{path}: cannot open the database: {exc}") from None
        raise
    for suffix in ("-wal", "-shm"):
        extra = Path(str(path) + suffix)
        if extra.exists():
            try:
                os.chmod(extra, 0o600)
            except OSError:
                pass
    return db


def close_database() -> None:
    db = database_proxy.obj
    if db is not None and not db.is_closed():
        db.close()


def current_database() -> SqliteDatabase:
    db = database_proxy.obj
    if db is None:
        raise StoreError("no database is open")
    return db


@contextmanager
def write() -> Iterator[None]:
    """One write transaction, taken IMMEDIATE so concurrent writers queue up."""
    db = current_database()
    if db.in_transaction():
        with db.atomic():
            yield
        return
    with db.atomic(lock_type="IMMEDIATE"):
        yield


# Migrations ---------------------------------------------------------------------------


def _runner(db: SqliteDatabase):
    from playhouse.migrations import Runner

    return Runner(db, str(MIGRATIONS_DIR), table_name="schema_migration")


def _applied(db: SqliteDatabase) -> set[str]:
    if not db.table_exists("schema_migration"):
        return set()
    return {row[0] for row in db.execute_sql("SELECT name FROM schema_migration").fetchall()}


def schema_version(db: SqliteDatabase | None = None) -> int:
    """Number of the newest applied migration (0 for an empty database)."""
    db = db or current_database()
    return max((int(name.split("_", 1)[0]) for name in _applied(db)), default=0)


def latest_version() -> int:
    return max(int(name.split("_", 1)[0]) for name in paths.migration_names())


def pending_migrations(db: SqliteDatabase) -> list[str]:
    applied = _applied(db)
    return [name for name in paths.migration_names() if name not in applied]


def run_migrations(db: SqliteDatabase, path: Path | None = None) -> list[str]:
    """Apply pending migrations; back the database up first if it already held data."""
    applied = _applied(db)
    known = set(paths.migration_names())
    unknown = applied - known
    if unknown:
        raise StoreError(
            f"{path}: the database was written by a newer relterm (it has schema changes "
            f"{', '.join(sorted(unknown))} this version does not know); upgrade relterm"
        )
    pending = [name for name in sorted(known) if name not in applied]
    if not pending:
        return []
    with _migration_lock(path):
        # Another process (two commands run at once on a new database, or just after an
        # upgrade) may have applied them while this one waited for the lock.
        applied = _applied(db)
        pending = [name for name in sorted(known) if name not in applied]
        if not pending:
            return []
        if db.get_tables() and path is not None:
            stamp = clock.stamp()
            backup_to(db, path.with_name(f"{path.name}.before-{pending[-1]}-{stamp}.bak"))
        return _runner(db).up()


@contextmanager
def _migration_lock(path: Path | None) -> Iterator[None]:
    """One process at a time migrates the database at ``path``.

    Not a transaction: Peewee's SQLite migrator must switch foreign keys off
    outside one (so rebuilding a table cannot cascade into deletes). The lock is
    an flock on the database's directory; SQLite's own locks on the file are
    POSIX locks, which an flock on another file neither meets nor releases.
    """
    try:
        import fcntl
    except ImportError:  # no flock on this platform
        yield
        return
    if path is None:
        yield
        return
    try:
        fd = os.open(Path(path).parent, os.O_RDONLY)
    except OSError:  # a directory we may write but not read: migrate unguarded, as before
        yield
        return
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # releases the flock


# Backups ------------------------------------------------------------------------------


def backup_to(db: SqliteDatabase, dest: Path) -> Path:
    """Copy the whole database to ``dest`` with SQLite's online backup API.

    Safe while other connections (the TUI, a script) are reading or writing.
    The copy is made in a temporary file beside ``dest`` and renamed into place,
    so ``dest`` is never half-written; :func:`relterm.safewrite.check_target`
    refuses the database itself and its journals, and a ``dest`` another
    program has open (replacing it would pair its journal with the new file).
    """
    from .safewrite import check_target, replacing

    dest = Path(os.path.expanduser(os.fspath(dest)))
    if dest.is_dir():
        dest = dest / f"relterm-{clock.stamp()}.db"
    elif not dest.parent.exists():
        try:
            paths.make_private_dir(dest.parent)
        except OSError as exc:
            raise StoreError(f"{dest.parent}: cannot create the directory: {exc.strerror or exc}") from None
    real = check_target(dest, database=db.database)
    with replacing(real) as tmp:
        target = sqlite3.connect(str(tmp))
        try:
            db.connection().backup(target)
            target.execute("PRAGMA journal_mode=delete")
        except sqlite3.Error as exc:  # the disk filled, an I/O error
            raise StoreError(f"{dest}: cannot write the backup: {exc}; nothing was written") from None
        finally:
            target.close()
    return dest
