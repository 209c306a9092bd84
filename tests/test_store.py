"""The store: migrations of older databases, connection pragmas, permissions, backups."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

import pytest

from relterm import store

DATA = Path(__file__).resolve().parent / "data"


def migration_names() -> list[str]:
    return sorted(p.stem for p in store.MIGRATIONS_DIR.glob("[0-9]*.py"))


@pytest.fixture
def v1_db(tmp_path) -> Path:
    """A database as relterm wrote it at schema 0001, with data."""
    path = tmp_path / "old" / "relterm.db"
    path.parent.mkdir()
    conn = sqlite3.connect(path)
    conn.executescript((DATA / "schema_v1.sql").read_text())
    conn.close()
    return path


def test_fixture_is_at_schema_0001(v1_db):
    conn = sqlite3.connect(v1_db)
    assert conn.execute("SELECT name FROM schema_migration").fetchall() == [("0001_initial",)]
    conn.close()
    assert len(migration_names()) >= 2  # so the test below migrates something


def test_old_database_is_backed_up_then_migrated_with_data_intact(v1_db):
    db = store.open_database(v1_db)
    applied = [row[0] for row in db.execute_sql("SELECT name FROM schema_migration ORDER BY id")]
    assert applied == migration_names()
    assert store.schema_version(db) == store.latest_version()
    assert store.pending_migrations(db) == []
    store.close_database()

    backups = list(v1_db.parent.glob("relterm.db.before-*.bak"))
    assert len(backups) == 1
    assert backups[0].stat().st_mode & 0o777 == 0o600
    old = sqlite3.connect(backups[0])
    assert old.execute("SELECT name FROM schema_migration").fetchall() == [("0001_initial",)]
    assert old.execute("SELECT COUNT(*) FROM event").fetchone()[0] == 12
    old.close()

    conn = sqlite3.connect(v1_db)
    assert conn.execute("SELECT id, name, introduced_by_id, archived_at IS NOT NULL FROM contact ORDER BY id").fetchall() == [
        (1, "Ada Lovelace", None, 0), (2, "Charles Babbage", 1, 0), (3, "Mary Somerville", 1, 0), (4, "Old Friend", None, 1)]
    assert conn.execute("SELECT COUNT(*) FROM event").fetchone()[0] == 12
    # Ada's web link moved from her details to her profile link (migration 0008); her phone stays a detail.
    assert conn.execute("SELECT kind, value FROM contact_detail").fetchall() == [("phone", "+44 20 7946 0000")]
    assert conn.execute("SELECT url FROM contact WHERE id = 1").fetchone()[0] == "https://example.org/ada"
    assert conn.execute("SELECT COUNT(*) FROM contact WHERE url = ''").fetchone()[0] == 3
    assert conn.execute("SELECT contact_id, ladder, rank FROM contact_level ORDER BY id").fetchall() == [
        (1, "business", 5), (1, "customer", 2), (2, "business", 3), (3, "business", 2), (4, "business", 1)]
    conn.close()


def test_migrated_database_works_through_the_cli(v1_db, invoke):
    result = invoke("--db", str(v1_db), "show", "Ada", "--json")
    assert result.code == 0, result
    ada = result.json()
    assert ada["level"] == 5 and ada["ladders"] == {"business": 5, "customer": 2}
    assert ada["tags"] == ["mentor", "math"] and ada["last_interaction"] == "2026-10-15"
    assert len(ada["timeline"]) == 7 and ada["timeline"][0]["summary"] == "Follow-up call"
    assert [c["name"] for c in invoke("--db", str(v1_db), "list", "--archived", "--json").json()] == ["Old Friend"]
    assert invoke("--db", str(v1_db), "log", "Charles", "--kind", "call", "Back in touch").code == 0
    # A second open has nothing to migrate and takes no further backup.
    assert len(list(v1_db.parent.glob("*.bak"))) == 1


def test_a_new_database_needs_no_backup(db_path):
    store.open_database(db_path)
    store.close_database()
    assert list(db_path.parent.glob("*.bak")) == []


def test_database_from_a_newer_relterm_is_refused(db_path):
    store.open_database(db_path)
    store.current_database().execute_sql(
        "INSERT INTO schema_migration (name, applied) VALUES ('9999_future', '2030-01-01 00:00:00')")
    store.close_database()
    with pytest.raises(store.StoreError, match="newer relterm"):
        store.open_database(db_path)


def test_not_a_database_is_a_clear_error(tmp_path, invoke):
    junk = tmp_path / "junk.db"
    junk.write_text("this is not sqlite " * 100)
    result = invoke("--db", str(junk), "list")
    assert result.code == 2 and "cannot open the database" in result.err and str(junk) in result.err


def _pragmas(conn) -> tuple:
    return (conn.execute("PRAGMA journal_mode").fetchone()[0], conn.execute("PRAGMA foreign_keys").fetchone()[0],
            conn.execute("PRAGMA busy_timeout").fetchone()[0])


def test_wal_and_foreign_keys_on_every_connection_in_every_thread(core):
    main = _pragmas(core.db.connection())
    seen = {}

    def work():
        seen["thread"] = _pragmas(core.db.connection())
        # The thread's own connection enforces foreign keys.
        try:
            core.db.execute_sql("INSERT INTO contact_level (contact_id, ladder, rank) VALUES (999, 'business', 1)")
        except Exception as exc:  # peewee.IntegrityError
            seen["error"] = type(exc).__name__
        core.db.close()

    thread = threading.Thread(target=work)
    thread.start()
    thread.join()
    assert main == ("wal", 1, 15000)
    assert seen["thread"] == ("wal", 1, 15000)
    assert seen["error"] == "IntegrityError"


def test_archive_keeps_rows_and_cascade_only_on_real_delete(core):
    cid = core.add_contact("Ada Lovelace")
    core.log(cid, "call", "hi")
    core.archive(cid)
    assert core.count() == 0 and core.count(archived=True) == 1
    assert len(core.timeline(cid)) == 2
    with store.write():
        store.Contact.delete().where(store.Contact.id == cid).execute()
    assert store.Event.select().count() == 0 and store.ContactLevel.select().count() == 0


def test_every_command_writes_in_one_transaction(core):
    """A failure in the middle of add leaves nothing behind."""
    with pytest.raises(RuntimeError):
        with store.write():
            store.Contact.create(name="Half", uid="u1", created_at="2026-01-01 00:00:00",
                                 updated_at="2026-01-01 00:00:00")
            raise RuntimeError("boom")
    assert store.Contact.select().count() == 0


def test_add_is_atomic_when_a_detail_fails(core, monkeypatch):
    original = store.ContactDetail.create

    def broken(**kwargs):
        raise RuntimeError("disk trouble")

    monkeypatch.setattr(store.ContactDetail, "create", broken)
    with pytest.raises(RuntimeError):
        core.add_contact("Ada", details=[("phone", "work", "123")])
    monkeypatch.setattr(store.ContactDetail, "create", original)
    assert store.Contact.select().count() == 0 and store.Event.select().count() == 0


# Permissions ---------------------------------------------------------------------------------


def test_database_file_and_directory_are_owner_only(tmp_path, invoke):
    db = tmp_path / "fresh" / "nested" / "relterm.db"
    assert invoke("--db", str(db), "add", "Ada").code == 0
    assert db.stat().st_mode & 0o777 == 0o600
    assert db.parent.stat().st_mode & 0o777 == 0o700
    for extra in db.parent.glob("relterm.db-*"):
        assert extra.stat().st_mode & 0o777 == 0o600, extra


def test_loose_permissions_are_tightened_on_open(db_path, invoke):
    invoke("add", "Ada")
    db_path.chmod(0o644)
    invoke("list")
    assert db_path.stat().st_mode & 0o777 == 0o600


# Backups -------------------------------------------------------------------------------------


def test_backup_while_another_connection_holds_a_write_transaction(core, invoke, db_path, tmp_path):
    core.add_contact("Ada Lovelace")
    core.close()
    other = sqlite3.connect(db_path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    other.execute(
        "INSERT INTO contact (name, sphere, company, title, email, phone, notes, tags, to_contact, uid, created_at,"
        " updated_at) VALUES ('Uncommitted', 'business', '', '', '', '', '', '', 0, 'u-x', '2026-01-01', '2026-01-01')")
    try:
        dest = tmp_path / "backup.db"
        result = invoke("backup", str(dest))
        assert result.code == 0, result
    finally:
        other.execute("COMMIT")
        other.close()
    copy = sqlite3.connect(dest)
    assert copy.execute("SELECT name FROM contact").fetchall() == [("Ada Lovelace",)]
    assert copy.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    copy.close()


def test_backup_while_the_database_is_open_and_reading(core, invoke, db_path, tmp_path):
    """As when the full-screen app has the database open: a second connection mid-read."""
    for i in range(30):
        core.add_contact(f"Person {i}")
    reader = sqlite3.connect(db_path)
    cursor = reader.execute("SELECT name FROM contact")
    cursor.fetchone()  # a read transaction stays open
    dest = tmp_path / "copy.db"
    assert invoke("backup", str(dest)).code == 0
    reader.close()
    assert sqlite3.connect(dest).execute("SELECT COUNT(*) FROM contact").fetchone()[0] == 30
    assert not list(tmp_path.glob("*.partial"))


def test_backup_with_core_connection_open(core, tmp_path):
    core.add_contact("Ada")
    dest = core.backup(tmp_path / "b" / "copy.db")
    core.add_contact("Charles")  # the open connection goes on working
    assert sqlite3.connect(dest).execute("SELECT COUNT(*) FROM contact").fetchone()[0] == 1
    assert dest.stat().st_mode & 0o777 == 0o600


def test_backup_onto_the_database_itself_is_refused(invoke, db_path, monkeypatch):
    invoke("add", "Ada")
    before = db_path.read_bytes()
    for dest in (str(db_path), f"{db_path}-wal"):
        result = invoke("backup", dest)
        assert result.code == 2 and "the database itself" in result.err
    monkeypatch.chdir(db_path.parent)
    assert invoke("backup", db_path.name).code == 2
    assert db_path.read_bytes() == before
    assert [c["name"] for c in invoke("list", "--json").json()] == ["Ada"]


def test_an_existing_directory_keeps_its_mode(tmp_path, invoke):
    shared = tmp_path / "shared"
    shared.mkdir()
    shared.chmod(0o755)
    assert invoke("--db", str(shared / "relterm.db"), "add", "Ada").code == 0
    assert shared.stat().st_mode & 0o777 == 0o755  # not ours to lock down
    assert (shared / "relterm.db").stat().st_mode & 0o777 == 0o600
    nested = shared / "new" / "deeper"
    assert invoke("--db", str(nested / "relterm.db"), "list").code == 0
    assert (shared / "new").stat().st_mode & 0o777 == 0o700
    assert nested.stat().st_mode & 0o777 == 0o700


def test_a_file_where_the_directory_should_be(tmp_path, invoke):
    blocker = tmp_path / "blocker"
    blocker.write_text("")
    result = invoke("--db", str(blocker / "relterm.db"), "list")
    assert result.code == 2 and "not a directory" in result.err


def test_per_contact_lookups_use_an_index_and_no_index_is_kept_twice(v1_db):
    """A contact's timeline, levels and deletes go through an index (a full scan of a million events takes
    tens of milliseconds per contact), and no index is a prefix of another one (every insert would pay twice)."""
    db = store.open_database(v1_db)  # migrated from schema 0001
    plans = {
        "timeline": "SELECT * FROM event WHERE contact_id = 1 ORDER BY date DESC, id DESC",
        "levels": "SELECT ladder, rank FROM contact_level WHERE contact_id = 1",
        "details": "SELECT * FROM contact_detail WHERE contact_id = 1",
        "cascade": "DELETE FROM event WHERE contact_id = 1",
        "introduced": "SELECT id FROM contact WHERE introduced_by_id = 1",
        "mentions": "SELECT id FROM event WHERE other_id = 1",
        "active": "SELECT COUNT(*) FROM contact WHERE archived_at IS NULL",
    }
    for what, sql in plans.items():
        plan = " ".join(row[-1] for row in db.execute_sql("EXPLAIN QUERY PLAN " + sql).fetchall())
        assert "USING INDEX" in plan or "USING COVERING INDEX" in plan, (what, plan)
    columns: dict[str, list[tuple[str, tuple]]] = {}
    for table, index in db.execute_sql(
            "SELECT tbl_name, name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL").fetchall():
        cols = tuple(row[2] for row in db.execute_sql(f'PRAGMA index_info("{index}")').fetchall())
        partial = db.execute_sql("SELECT sql LIKE '%WHERE%' FROM sqlite_master WHERE name = ?", (index,)).fetchone()[0]
        if not partial and None not in cols:  # expression and partial indexes serve other queries
            columns.setdefault(table, []).append((index, cols))
    for table, indexes in columns.items():
        for name, cols in indexes:
            for other, longer in indexes:
                assert other == name or longer[:len(cols)] != cols, f"{name} repeats the start of {other}"
    store.close_database()


def test_insert_rows_writes_fixed_columns_as_given_and_binds_what_cannot_be_written_in_the_statement(core):
    """The importer's batch insert: columns with one value for every row are written into the statement,
    quotes and all; a value that cannot be (a NUL) is bound instead, and columns not named get defaults."""
    db = core.db
    now = "2026-12-03 10:00:00"
    with store.write(db):
        store.insert_rows(db, store.Contact, ("id", "name", "sort_key", "uid"),
                          [(901, "Ann O'Hara", "ann o'hara", "u-901"), (902, "Bo", "bo", "u-902")],
                          {"sphere": "it's", "company": "Nul\x00Co", "created_at": now, "updated_at": now})
    rows = db.execute_sql("SELECT id, name, sphere, company, title, to_contact, created_at FROM contact "
                          "WHERE id IN (901, 902) ORDER BY id").fetchall()
    assert rows == [(901, "Ann O'Hara", "it's", "Nul\x00Co", "", 0, now), (902, "Bo", "it's", "Nul\x00Co", "", 0, now)]


# One database file per process -------------------------------------------------------------


def test_a_second_file_is_refused_while_a_core_is_open(core, tmp_path):
    """The models follow one database: opening another file must not move the first core's writes there."""
    from relterm.config import load_config
    from relterm.core import Core

    other_path = tmp_path / "other.db"
    with pytest.raises(store.StoreError, match="cannot open a second database in this process") as raised:
        Core(other_path, load_config())
    assert str(core.db_path) in str(raised.value)
    assert not other_path.exists()  # refused before anything was created
    cid = core.add_contact("Ada Lovelace")  # the first core still writes to its own file
    assert sqlite3.connect(core.db_path).execute("SELECT name FROM contact WHERE id = ?", (cid,)).fetchone() == (
        "Ada Lovelace",)
    core.close()
    other = Core(other_path, load_config())  # once the first is closed, another file opens
    try:
        assert other.count() == 0
    finally:
        other.close()


def test_a_second_core_on_the_same_file_is_fine(core, db_path):
    from relterm.config import load_config
    from relterm.core import Core

    other = Core(db_path, load_config())
    try:
        cid = other.add_contact("Grace Hopper")
        assert core.card(cid).name == "Grace Hopper"
    finally:
        other.close()
    assert core.count() == 1


def test_a_core_keeps_writing_after_a_command_ran_beside_it(core, invoke, monkeypatch):
    """A command run in the same process shares the core's database and gives it back open."""
    monkeypatch.setenv("RELTERM_BUSY_TIMEOUT", "1")
    assert invoke("add", "Ada Lovelace").code == 0
    cid = core.add_contact("Grace Hopper")  # its transaction and its queries on one connection
    assert invoke("show", "Grace Hopper", "--json").json()["id"] == cid
    assert invoke("add", "Alan Turing").code == 0
    core.log(cid, "coffee", "after two commands")
    assert core.count() == 3
