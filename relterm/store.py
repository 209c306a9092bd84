"""The SQLite store: Peewee models, opening, migrations and backups.

The models are bound to one module-level proxy that :func:`open_database`
points at the database it opens, so a process has one database file open at a
time: opening a second file while the first is still open is refused (it would
silently move the first one's model queries to the second), and cores on the
same file share one database object, so a core's ``db`` (raw SQL and
:func:`write`) and its model queries always run on the same connection. Every connection (one
per thread, Peewee's default) gets the same pragmas: WAL journal, foreign keys,
a busy timeout. Writes go through :func:`write`, an ``IMMEDIATE`` transaction,
so two processes writing at once wait for each other instead of failing with
"database is locked".

The schema is versioned by numbered scripts in ``relterm/migrations``
(Peewee's ``playhouse.migrations`` runner, history in ``schema_migration``);
before any migration runs on an existing database a copy is taken with
SQLite's backup API (the last few are kept beside it).

Opening is careful with what it is given: a path that is not relterm's
database (a text file, a directory, a device, another program's SQLite file)
is refused before anything touches it; a database the user cannot write is
opened read-only, so reading and exporting still work. SQLite and file system
failures become one-line errors in :func:`explain`, the one place every client
(the CLI, the app) turns them into words.
"""

from __future__ import annotations

import datetime as dt
import errno
import os
import sqlite3
import stat
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Iterator, Optional, Sequence

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
from .rules import LEVEL_CHANGE
from . import clock, paths

MIGRATIONS_DIR = paths.MIGRATIONS_DIR
# How long a write waits for another process's write (an import, the app saving) before giving up.
BUSY_TIMEOUT_SECONDS = 15.0
BUSY_TIMEOUT_ENV = "RELTERM_BUSY_TIMEOUT"  # seconds; for scripts that would rather fail fast, and for tests
PRAGMAS = {
    "journal_mode": "wal",
    "foreign_keys": 1,
    "busy_timeout": int(BUSY_TIMEOUT_SECONDS * 1000),
    "synchronous": "normal",
    "cache_size": -16000,
}
# What a read-only connection may set: nothing that writes to the file.
READ_ONLY_PRAGMAS = ("foreign_keys", "busy_timeout", "cache_size")
SQLITE_MAGIC = b"SQLite format 3\x00"
# Copies taken before migrations ("relterm.db.before-0005_x-20261123-101500.bak") kept beside the database.
KEEP_MIGRATION_BACKUPS = 3

database_proxy = DatabaseProxy()
# The database open_database() opened, once per open not yet closed (see _refuse_second_file): one file,
# one database object, so the models (through the proxy) and a core's ``db`` always use the same connection.
_open: list["RelTermDatabase"] = []


class StoreError(RelTermError):
    """The database cannot be opened or migrated."""


class DatabaseBusyError(StoreError):
    """Another process held the write lock for longer than the busy timeout."""


class ReadOnlyDatabaseError(StoreError):
    """A write to a database opened read-only (or on a read-only disk)."""


class DamagedDatabaseError(StoreError):
    """SQLite found corrupt pages."""


class DiskFullError(StoreError):
    """A write ran out of disk space (or into a file size limit)."""


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
    # rules.sort_key(name): the list's order, indexed (migration 0006); kept in step wherever a name is written.
    sort_key = TextField(null=True, index=False)
    url = TextField(default="")  # their profile link (http or https only; migration 0008)


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
    # Indexed where not null (migration 0004), with contact and kind (0007: the graph reads links from it).
    other = ForeignKeyField(Contact, null=True, on_delete="SET NULL", backref="mentions", index=False)
    warning = TextField(null=True)
    data = TextField(null=True)  # JSON for structured events (reviews)
    created_at = DateTimeField()
    # The interaction went badly (migration 0009): with a contact who came through someone, a ripple.
    went_badly = BooleanField(default=False)

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


class UndoRecord(BaseModel):
    """What it takes to undo the last change of one kind ("event": an entry edited or deleted; "merge")."""

    kind = TextField(primary_key=True)
    data = TextField()  # JSON
    created_at = DateTimeField()

    class Meta:
        table_name = "undo"


class FollowUp(BaseModel):
    """Something to take up with a contact (migration 0009), usually the one a demoted or badly-handled
    contact came through (relterm.ripple): who, about whom, why, and whether it is still open."""

    id = AutoField()
    contact = ForeignKeyField(Contact, on_delete="CASCADE", backref="follow_ups")  # whom to follow up with
    about = ForeignKeyField(Contact, null=True, on_delete="SET NULL", backref="followed_up_about", index=False)
    event = ForeignKeyField(Event, null=True, on_delete="SET NULL", backref="follow_ups", index=False)
    trigger = TextField(null=True)  # relterm.ripple.DEMOTED | WENT_BADLY; None: added by hand
    reason = TextField(default="")
    created_at = DateTimeField()
    status = TextField(default="open")  # open | done | dismissed
    closed_on = DateField(null=True)

    class Meta:
        table_name = "follow_up"


class GoalRecord(BaseModel):
    """A habit set with ``relterm goal``: ``target`` meetings of kind ``name`` every ``every_days`` days
    (``relterm.rules.GOAL_KINDS``; migration 0008)."""

    name = TextField(primary_key=True)
    target = IntegerField()
    every_days = IntegerField()
    start = DateField()  # the first period begins on this day
    created_at = DateTimeField()

    class Meta:
        table_name = "goal"


MODELS = [Contact, ContactLevel, ContactDetail, Event, AgendaSnooze, UndoRecord, GoalRecord, FollowUp]


# Opening ------------------------------------------------------------------------------


def _casefold(value):
    """SQL ``casefold(text)``: Unicode case folding, where SQLite's LOWER() and NOCASE know only ASCII."""
    return value.casefold() if isinstance(value, str) else value


def _sort_key(value):
    """SQL ``sort_key(name)``: ``relterm.rules.sort_key``, for filling the stored keys in bulk."""
    from .rules import sort_key

    return sort_key(value) if isinstance(value, str) else value


def fill_sort_keys(db: SqliteDatabase | None = None) -> int:
    """Set ``contact.sort_key`` wherever it is missing or stale (after a bulk import or a restore,
    or rows written by another tool); return how many rows changed."""
    db = db or current_database()
    cursor = db.execute_sql("UPDATE contact SET sort_key = sort_key(name) WHERE sort_key IS NOT sort_key(name)")
    return cursor.rowcount


# SQL restatements of relterm.rules, kept here with the other SQLite-specific pieces so that
# another database is one module's work. tests/test_rules.py holds each equal to its rule.


def clock_start_sql(contact: str = "c") -> str:
    """``rules.clock_start`` as ISO date text: the later of the last contact and the date added."""
    return f"MAX(COALESCE({contact}.last_interaction, ''), substr({contact}.created_at, 1, 10))"


def days_between_sql(earlier: str, later: str) -> str:
    """Whole days from the ISO date ``earlier`` to ``later`` (SQL expressions)."""
    return f"(julianday({later}) - julianday({earlier}))"


def meeting_days_sql(kinds: int, *, first_only: bool) -> str:
    """Per day, how many in-person meetings there were (``kinds`` placeholders for the in-person kinds);
    with ``first_only``, how many people were first met in person that day: ``rules.first_meetings``."""
    marks = ",".join("?" * kinds)
    if first_only:
        return (f"SELECT d, COUNT(*) FROM (SELECT MIN(date) AS d FROM event WHERE kind IN ({marks}) "
                "GROUP BY contact_id) GROUP BY d")
    return f"SELECT date, COUNT(*) FROM event WHERE kind IN ({marks}) GROUP BY date"


class RelTermDatabase(SqliteDatabase):
    """Peewee's SQLite database, opened read-write or (``read_only``) through a read-only URI.

    ``database`` stays the plain path either way, so code comparing paths keeps working.
    """

    def __init__(self, path: Path, *, read_only: bool = False, immutable: bool = False, timeout: float = 15.0):
        self.read_only = read_only
        self.damaged = False  # set once SQLite reported corrupt pages: writes are refused from then on
        pragmas = dict(PRAGMAS, busy_timeout=int(timeout * 1000))
        if read_only:
            pragmas = {key: value for key, value in pragmas.items() if key in READ_ONLY_PRAGMAS}
        self._uri = _read_only_uri(path, immutable=immutable) if read_only else None
        super().__init__(str(path), pragmas=pragmas, timeout=timeout, check_same_thread=False)

    def execute_sql(self, sql, params=None):
        try:
            return super().execute_sql(sql, params)
        except Exception as exc:
            if "malformed" in str(exc):
                self.damaged = True
            raise

    def _connect(self):
        if self._uri is None:
            return super()._connect()
        conn = sqlite3.connect(self._uri, uri=True, timeout=self._timeout, isolation_level=None,
                               **self.connect_params)
        try:
            self._add_conn_hooks(conn)
        except Exception:
            conn.close()
            raise
        return conn


def _read_only_uri(path: Path, *, immutable: bool = False) -> str:
    # as_uri() percent-encodes "?", "#" and "%" in the path, which SQLite's URI parser would misread.
    return Path(os.path.abspath(path)).as_uri() + ("?immutable=1" if immutable else "?mode=ro")


def busy_timeout() -> float:
    """Seconds a write waits for another process's write: ``RELTERM_BUSY_TIMEOUT`` or 15."""
    try:
        return max(0.0, float(os.environ.get(BUSY_TIMEOUT_ENV, "")))
    except ValueError:
        return BUSY_TIMEOUT_SECONDS


def _make_database(path: Path, *, read_only: bool = False, immutable: bool = False) -> RelTermDatabase:
    db = RelTermDatabase(path, read_only=read_only, immutable=immutable, timeout=busy_timeout())
    db.register_function(_casefold, "casefold", 1, deterministic=True)  # on every connection
    db.register_function(_sort_key, "sort_key", 1, deterministic=True)
    return db


def _refuse(path: Path, what: str) -> StoreError:
    return StoreError(
        f"{path}: cannot open the database: {what}; relterm leaves it as it is "
        "(give the path of a relterm database, or a new one, with --db or RELTERM_DB)"
    )


def _peek(path: Path) -> sqlite3.Connection:
    """A connection that reads ``path`` without writing to it or beside it, whatever it is."""
    wal = Path(f"{path}-wal")
    # Without a -wal file everything is in the main file: immutable=1 reads it without creating the
    # -wal and -shm files a read-only WAL connection would leave behind another program's database.
    return sqlite3.connect(_read_only_uri(path, immutable=not wal.exists()), uri=True, timeout=busy_timeout())


def _inspect(path: Path) -> bool:
    """Whether ``path`` holds a relterm database (True) or nothing yet (False: missing, empty).

    Anything else (a directory, a device, a FIFO, a text file, another program's SQLite
    database) raises ``StoreError`` before relterm has changed a byte of it or its mode.
    """
    try:
        info = os.stat(path)
    except (FileNotFoundError, NotADirectoryError):  # nothing there yet (creating it will say what is in the way)
        return False
    except OSError as exc:
        raise StoreError(f"{path}: cannot open the database: {exc.strerror or exc}") from None
    if stat.S_ISDIR(info.st_mode):
        raise _refuse(path, "it is a directory")
    if not stat.S_ISREG(info.st_mode):
        raise _refuse(path, "it is a device, FIFO or socket, not a file")
    if info.st_size == 0:
        return False
    try:
        with open(path, "rb") as handle:
            head = handle.read(len(SQLITE_MAGIC))
    except OSError as exc:
        raise StoreError(f"{path}: cannot read the database: {exc.strerror or exc}") from None
    if head != SQLITE_MAGIC:
        raise _refuse(path, "it is not an SQLite database")
    try:
        conn = _peek(path)
        try:
            tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        finally:
            conn.close()
    except sqlite3.Error as exc:
        raise explain(exc, path) or StoreError(f"{path}: cannot open the database: {exc}") from None
    if not tables:
        return False  # an SQLite file with nothing in it (a first run killed at once): nothing to lose
    if "schema_migration" not in tables:
        raise _refuse(path, "it is another program's SQLite database (it has no relterm schema)")
    return True


def _writable(path: Path) -> bool:
    """Whether SQLite could write ``path``: the file, and its directory (or its -wal and -shm files)."""
    if not os.access(path, os.W_OK):
        return False
    if os.access(path.parent, os.W_OK | os.X_OK):
        return True
    return all(os.access(f"{path}{suffix}", os.W_OK) for suffix in ("-wal", "-shm"))


def _keep_private(path: Path) -> None:
    """relterm's own database is readable by its owner only; the owner's own bits (0400) stay as set."""
    try:
        mode = stat.S_IMODE(os.stat(path).st_mode)
        if mode & 0o077:
            os.chmod(path, mode & ~0o077)
    except OSError:
        pass  # not ours to change (another owner), or a read-only disk


def open_database(path: Path, *, migrate: bool = True) -> SqliteDatabase:
    """Open (creating if needed) the database at ``path`` and bring its schema up to date.

    A file the user cannot write is opened read-only: reads work, writes raise
    ``ReadOnlyDatabaseError``. Anything that is not a relterm database is refused.
    """
    global last_upgrade
    last_upgrade = None
    path = Path(path)
    _refuse_second_file(path)
    if _open:  # another core on this file: it shares that one's database (and its connection per thread)
        _open.append(_open[0])
        return _open[0]
    exists = _inspect(path)
    if not path.exists():
        try:
            paths.make_private_dir(path.parent)
            fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
            os.close(fd)
            os.chmod(path, 0o600)  # os.open's mode passes through the umask
        except FileExistsError:
            pass  # another relterm created it at the same moment
        except OSError as exc:
            raise StoreError(f"{path}: cannot create the database: {exc.strerror or exc}") from None
    read_only = not _writable(path)
    if read_only and not exists:
        raise StoreError(f"{path}: cannot create the database: the file or its directory is read-only")
    immutable = False
    if read_only:
        # In a directory we cannot write, SQLite cannot make the -shm file a read-only WAL reader needs.
        immutable = not os.path.exists(f"{path}-shm") and not os.access(path.parent, os.W_OK | os.X_OK)
        wal = Path(f"{path}-wal")
        if immutable and wal.exists() and wal.stat().st_size > 0:
            raise ReadOnlyDatabaseError(
                f"{path}: the database is read-only and its latest changes are still in {wal.name}, "
                "which only a writable open can read; make its directory writable"
            )
    else:
        _keep_private(path)
    db = _make_database(path, read_only=read_only, immutable=immutable)
    database_proxy.initialize(db)
    _open.append(db)
    try:
        db.connect(reuse_if_open=True)
        if migrate:
            run_migrations(db, path)
    except StoreError:
        close_database(db)
        raise
    except Exception as exc:
        close_database(db)
        error = explain(exc, path)
        if error is None and _is_database_error(exc):
            error = StoreError(f"{path}: cannot open the database: {exc}")
        if error is None:
            raise
        raise error from None
    return db


def _same_file(a: Path | str, b: Path | str) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return os.path.abspath(a) == os.path.abspath(b)


def _refuse_second_file(path: Path) -> None:
    """Refuse to open ``path`` while another database file is open in this process.

    The models are bound to one proxy: pointing it at a second file would move the
    first core's queries there without a word. Another core on the same file is fine.
    """
    for other in _open:
        if not _same_file(other.database, path):
            raise StoreError(
                f"{path}: cannot open a second database in this process while {other.database} is open; "
                "close the first one (Core.close) before opening another file"
            )


def close_database(db: Optional[SqliteDatabase] = None) -> None:
    """Close one open of ``db`` (closed when no other core still has it open), or every database this
    process opened (``None``), so another file may be opened."""
    if db is not None:
        if db in _open:
            _open.remove(db)
        if db in _open:
            return  # another core on the same file still uses it
        closing = [db]
    else:
        closing = [*dict.fromkeys(_open), database_proxy.obj]
        _open.clear()
    for each in closing:
        if each is not None and not each.is_closed():
            each.close()


def current_database() -> SqliteDatabase:
    db = database_proxy.obj
    if db is None:
        raise StoreError("no database is open")
    return db


@contextmanager
def write(db: Optional[SqliteDatabase] = None) -> Iterator[None]:
    """One write transaction on ``db`` (default: the one open), taken IMMEDIATE so concurrent writers queue up.

    Refused at once on a database opened read-only or seen to be damaged.
    """
    db = db if db is not None else current_database()
    path = Path(db.database)
    if getattr(db, "read_only", False):
        raise _read_only_error(path)
    if getattr(db, "damaged", False):
        raise DamagedDatabaseError(
            f"{path}: the database file is damaged; relterm will not write to it. "
            "Run `relterm check` for what is wrong and how to recover from a backup"
        )
    try:
        if db.in_transaction():
            with db.atomic():
                yield
        else:
            with db.atomic(lock_type="IMMEDIATE"):
                yield
    except Exception as exc:
        original = _masked_by_rollback(exc)
        if original is None:
            raise
        raise original from None


# Writing in batches ---------------------------------------------------------------------
# The core writes row by row through the models; an import writes thousands of rows per batch.
# Both run inside write(); these keep the batched SQL here, beside the models it must follow.


def _sql_value(value):
    """A Python value as SQLite stores it (dates and datetimes as ISO text, booleans as 0/1)."""
    if value is None or type(value) is str or type(value) is int:
        return value
    if isinstance(value, dt.datetime):
        return str(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, bool):
        return int(value)
    return value


def _sql_literal(value) -> str:
    """A constant as SQL: NULL, a number or a quoted string."""
    if value is None:
        return "NULL"
    if type(value) is int or type(value) is float:
        return repr(value)
    return "'" + str(value).replace("'", "''") + "'"


def insert_rows(db: SqliteDatabase, model: type[Model], given: Sequence[str], rows: list[tuple],
                fixed: Optional[dict] = None) -> None:
    """Insert ``rows`` (values, as stored, for the fields named ``given``) into ``model``'s table in one
    executemany on ``db``; other columns get their model defaults, so columns added later need no change
    in the caller. ``fixed`` (field name -> value as stored) gives columns that have one value on every row:
    like the defaults, they are written into the statement instead of bound row by row (binding is most of
    the time an insert takes in Python, and a contact has two dozen columns). Runs inside the caller's
    ``write()``."""
    if not rows:
        return
    fields = model._meta.fields
    fixed = dict(fixed or {})
    rest = [f for f in model._meta.sorted_fields
            if f.name not in given and f.name not in fixed and not isinstance(f, AutoField)]
    fresh = {f.name for f in rest if callable(f.default)}  # a fresh default per row
    fixed.update((f.name, None if f.name in fresh else _sql_value(f.default)) for f in rest)
    # Only plain constants go into the SQL text; fresh defaults and anything else (a NUL in a string) are bound.
    bound = [name for name, value in fixed.items() if name in fresh or not _literal_ok(value)]
    literal = [name for name in fixed if name not in bound]
    if bound:
        rows = [row + tuple(_sql_value(fields[name].default()) if name in fresh else fixed[name] for name in bound)
                for row in rows]
    columns = [fields[name].column_name for name in (*given, *bound, *literal)]
    values = ", ".join(["?"] * (len(given) + len(bound)) + [_sql_literal(fixed[name]) for name in literal])
    quoted = ", ".join(f'"{c}"' for c in columns)
    db.cursor().executemany(f'INSERT INTO "{model._meta.table_name}" ({quoted}) VALUES ({values})', rows)


def _literal_ok(value) -> bool:
    return value is None or type(value) is int or (type(value) is str and "\x00" not in value)


@lru_cache(maxsize=None)
def _first_levels_sql() -> str:
    chosen = {"contact": "contact_id", "date": "?", "kind": _sql_literal(LEVEL_CHANGE), "summary": "''",
              "ladder": "ladder", "from_rank": "NULL", "to_rank": "rank", "reason": "?", "direction": "NULL",
              "created_at": "?"}
    fields = [f for f in Event._meta.sorted_fields if not isinstance(f, AutoField)]
    columns = ", ".join(f'"{f.column_name}"' for f in fields)
    picked = ", ".join(chosen.get(f.name) or _sql_literal(_sql_value(f.default() if callable(f.default) else f.default))
                       for f in fields)
    return (f'INSERT INTO "event" ({columns}) SELECT {picked} FROM "contact_level" '
            f'WHERE "contact_id" BETWEEN ? AND ? ORDER BY "contact_id", "id"')


def insert_first_levels(db: SqliteDatabase, first_id: int, last_id: int, *, date: str, reason: str,
                        created_at: str) -> None:
    """Put each new contact's starting level on its timeline: an "added at this level" event for every level
    row of contacts ``first_id`` to ``last_id``, in one statement (a batch of new contacts has consecutive ids)."""
    db.cursor().execute(_first_levels_sql(), (date, reason, created_at, first_id, last_id))


def _masked_by_rollback(exc: BaseException) -> Optional[BaseException]:
    """The error hidden behind a failed ROLLBACK, if ``exc`` is one.

    On a full disk or an I/O error SQLite rolls the transaction back itself; Peewee's
    ROLLBACK then fails ("no transaction is active") and would replace the real error.
    """
    def is_rollback_failure(error: BaseException) -> bool:
        text = str(error)
        return "no transaction is active" in text or "no such savepoint" in text

    if not is_rollback_failure(exc):
        return None
    while exc is not None and is_rollback_failure(exc):  # Peewee wraps sqlite3's error: skip both
        exc = exc.__context__
    return exc


# Faults as one line ----------------------------------------------------------------------

# errnos that mean "no room left": a full disk, a quota, a file size limit.
_FULL_ERRNOS = {errno.ENOSPC, errno.EFBIG, getattr(errno, "EDQUOT", errno.ENOSPC)}


def _is_database_error(exc: BaseException) -> bool:
    import peewee

    return isinstance(exc, (sqlite3.DatabaseError, peewee.DatabaseError))


def _read_only_error(path: Path) -> ReadOnlyDatabaseError:
    return ReadOnlyDatabaseError(
        f"{path}: the database is read-only (the file, its directory or its disk); nothing was written. "
        "Reading, exporting and backing up still work"
    )


def explain(exc: BaseException, path: Path | str | None = None) -> Optional[RelTermError]:
    """The one-line error a user should see for ``exc``, or None when it is a bug (keep the traceback).

    The CLI and the app both ask here, so a full disk, a locked, read-only or
    damaged database reads the same everywhere. ``path`` names the database
    (default: the one open).
    """
    if isinstance(exc, RelTermError):
        return exc
    exc = _masked_by_rollback(exc) or exc
    if isinstance(exc, OSError):
        if exc.errno == errno.EPIPE:
            return None  # a closed stdout: click and the CLI deal with it
        where = f"{exc.filename}: " if exc.filename else ""
        if exc.errno in _FULL_ERRNOS:
            return DiskFullError(f"{where}cannot write: the disk is full ({exc.strerror}); nothing was written. "
                                 "Free some space and try again")
        if exc.errno is not None and exc.strerror:
            return RelTermError(f"{where}{exc.strerror}")
        return None
    if not _is_database_error(exc):
        return None
    if path is None:
        db = database_proxy.obj
        path = db.database if db is not None else "the database"
    message = str(exc)
    text = message.lower()
    if "locked" in text or "busy" in text:
        waited = busy_timeout()
        return DatabaseBusyError(
            f"{path}: another relterm is writing to the database (an import, or the app saving) and did not "
            f"finish within {waited:g} second{'' if waited == 1 else 's'}; nothing was written. "
            "Try again when it is done"
        )
    if "disk is full" in text:
        return DiskFullError(f"{path}: cannot write: the disk is full; nothing was written. "
                             "Free some space and try again")
    if "readonly" in text or "read-only" in text:
        return _read_only_error(Path(path))
    if "malformed" in text or "not a database" in text or "corrupt" in text:
        db = database_proxy.obj
        if db is not None and str(db.database) == str(path):
            db.damaged = True
        error = DamagedDatabaseError(
            f"{path}: the database file is damaged ({message}). "
            "Run `relterm check` for what is wrong and how to recover from a backup"
        )
        error.detail = message
        return error
    if "disk i/o error" in text:
        inner = exc.args[0] if exc.args and isinstance(exc.args[0], sqlite3.Error) else exc  # Peewee wraps it
        if "READ" in (getattr(inner, "sqlite_errorname", "") or ""):
            return StoreError(f"{path}: cannot read: the disk failed (disk I/O error); check the disk is there "
                              "and sound, and run `relterm check`")
        # A full disk shows as this too when SQLite's write lands wholly past the end of the space.
        return DiskFullError(f"{path}: cannot write: the disk is full or failing (disk I/O error); nothing was "
                             "written. Free some space, check the disk, and try again")
    if "unable to open" in text:
        return StoreError(f"{path}: cannot open the database file (unable to open; check the file and its "
                          "directory exist and are readable)")
    return None


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


@dataclass
class Upgrade:
    """What :func:`open_database` did to bring an older database up to date."""

    path: Path
    applied: list[str]
    backup: Optional[Path] = None  # the copy taken before, beside the database
    kept: list[Path] = field(default_factory=list)  # every such copy still there, newest first

    def message(self) -> str:
        text = f"upgraded {self.path} to schema {self.applied[-1].split('_', 1)[0].lstrip('0')}"
        if self.backup is None:
            return text
        return (f"{text}; the database as it was is in {self.backup} (the last {KEEP_MIGRATION_BACKUPS} such "
                f"copies are kept beside it, {self.path.name}.before-*.bak)")


# What the last open_database() upgraded, for the client to tell the user (None: nothing).
last_upgrade: Optional[Upgrade] = None


def migration_backups(path: Path) -> list[Path]:
    """The copies taken before migrations, beside the database at ``path``, newest first."""
    path = Path(path)
    found = [p for p in path.parent.glob(f"{_glob_escape(path.name)}.before-*.bak") if p.is_file()]
    return sorted(found, key=lambda p: (p.stat().st_mtime_ns, p.name), reverse=True)


def _glob_escape(name: str) -> str:
    import glob

    return glob.escape(name)


def _remove_killed_backups(path: Path) -> None:
    """A run killed while copying leaves ``<db>.before-*.bak.partial`` (or, written through
    relterm.safewrite, ``.<db>.before-*.bak.<pid>.<random>.partial``): only ever relterm's, so remove them."""
    name = _glob_escape(path.name)
    found = list(path.parent.glob(f"{name}.before-*.bak.partial*"))
    found += path.parent.glob(f".{name}.before-*.bak.*.partial")
    for partial in found:
        try:
            partial.unlink()
        except OSError:
            pass


def _prune_backups(path: Path, keep: int = KEEP_MIGRATION_BACKUPS) -> list[Path]:
    backups = migration_backups(path)
    for old in backups[keep:]:
        try:
            old.unlink()
        except OSError:
            pass
    return backups[:keep]


def run_migrations(db: SqliteDatabase, path: Path | None = None) -> list[str]:
    """Apply pending migrations; back the database up first if it already held data."""
    global last_upgrade
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
    if getattr(db, "read_only", False):
        raise ReadOnlyDatabaseError(
            f"{path}: the database is read-only and this relterm must first upgrade it (schema "
            f"{schema_version(db)} to {latest_version()}); make it writable once, or use the relterm that wrote it"
        )
    with _migration_lock(path):
        # Another process (two commands run at once on a new database, or just after an
        # upgrade) may have applied them while this one waited for the lock.
        applied = _applied(db)
        pending = [name for name in sorted(known) if name not in applied]
        if not pending:
            return []
        upgrade = None
        if db.get_tables() and path is not None:
            path = Path(path)
            _remove_killed_backups(path)
            dest = path.with_name(f"{path.name}.before-{pending[-1]}-{clock.stamp()}.bak")
            number = 1
            while dest.exists():  # a second attempt within the same second keeps the first copy
                number += 1
                dest = path.with_name(f"{path.name}.before-{pending[-1]}-{clock.stamp()}-{number}.bak")
            backup_to(db, dest)
            upgrade = Upgrade(path, [], dest, _prune_backups(path))
        done = _runner(db).up()
        if upgrade is not None and done:
            upgrade.applied = done
            last_upgrade = upgrade
        return done


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
        except sqlite3.Error as exc:  # the disk filled, an I/O error: name the copy, not the database
            error = explain(exc, dest)
            if error is not None:
                raise error from None
            raise StoreError(f"{dest}: cannot write the backup: {exc}; nothing was written") from None
        finally:
            target.close()
    return dest


# Checking -----------------------------------------------------------------------------


@dataclass
class CheckResult:
    """What ``relterm check`` found: problems is empty when the file is sound."""

    path: Path
    problems: list[str]
    contacts: Optional[int] = None
    schema: Optional[int] = None

    @property
    def ok(self) -> bool:
        return not self.problems


def check_database(path: Path, *, limit: int = 20) -> CheckResult:
    """Run SQLite's integrity and foreign key checks on ``path`` without writing to it.

    Works on a damaged file (it does not migrate or go through the models) and on
    a read-only one. Raises ``StoreError`` for a path that is not a relterm database.
    """
    path = Path(path)
    if not path.exists():
        raise StoreError(f"{path}: no database here, nothing to check (give its path with --db or RELTERM_DB)")
    try:
        exists = _inspect(path)
    except DamagedDatabaseError as exc:  # even the list of tables cannot be read
        return CheckResult(path, [getattr(exc, "detail", str(exc))])
    if not exists:
        return CheckResult(path, [], contacts=0, schema=0)
    problems: list[str] = []
    contacts = schema = None
    try:
        conn = _peek(path)
    except sqlite3.Error as exc:
        raise explain(exc, path) or StoreError(f"{path}: cannot open the database: {exc}") from None
    try:
        try:
            rows = [row[0] for row in conn.execute(f"PRAGMA integrity_check({int(limit)})")]
            problems += [row for row in rows if row != "ok"]
        except sqlite3.DatabaseError as exc:
            problems.append(str(exc))
        try:
            for table, rowid, parent, _ in conn.execute("PRAGMA foreign_key_check").fetchmany(limit):
                problems.append(f"{table} row {rowid} points to a {parent} row that is not there")
        except sqlite3.DatabaseError as exc:
            if str(exc) not in problems:
                problems.append(str(exc))
        if not problems:
            contacts = conn.execute("SELECT COUNT(*) FROM contact").fetchone()[0] \
                if conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'contact'").fetchone() else 0
            names = [row[0] for row in conn.execute("SELECT name FROM schema_migration")]
            schema = max((int(n.split("_", 1)[0]) for n in names if n.split("_", 1)[0].isdigit()), default=0)
    except sqlite3.DatabaseError as exc:
        problems.append(str(exc))
    finally:
        conn.close()
    return CheckResult(path, problems, contacts, schema)
