"""The JSON backup: every row of every table, restorable exactly.

Format (version 1)::

    {
      "format": "relterm-backup",
      "version": 1,
      "schema": 4,                      # newest migration applied when written
      "exported_at": "2026-11-23T18:00:00",
      "tables": {
        "contact": {"columns": ["id", "name", ...], "rows": [[1, "Ann Lee", ...], ...]},
        "contact_level": {...}, "contact_detail": {...}, "event": {...}, ...
      }
    }

Tables and columns are taken from the models in ``relterm.store`` (every
model, every field), so columns added by later versions travel without a
change here. Values are the database's own: dates and times as ISO text,
booleans as 0/1, JSON event data as its text. Archived contacts, every
ladder's ranks, the whole timeline (level changes, reviews, introductions)
are all rows of these tables.

Restoring refuses a database that already holds contacts unless told to
replace them (``relterm import --format json --replace``), and refuses a
backup with columns this version does not know (written by a newer relterm).
Every value is checked (type, range, links between rows) and every text
cleaned before anything is written (``backup_check``): a backup is input like
any other, and may have been edited by hand.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Callable, Optional

from .. import clock, store
from ..errors import InputError

FORMAT = "relterm-backup"
VERSION = 1


def _tables() -> list:
    return list(store.MODELS)


def dump(db) -> dict:
    """Every row of every table of ``db`` (a core's ``db``)."""
    tables = {}
    for model in _tables():
        columns = [f.column_name for f in model._meta.sorted_fields]
        quoted = ", ".join(f'"{c}"' for c in columns)
        key = model._meta.primary_key
        order = f'"{key.column_name}"' if key is not None and not isinstance(key, tuple) and hasattr(key, "column_name") \
            else "rowid"
        rows = [list(row) for row in db.execute_sql(f'SELECT {quoted} FROM "{model._meta.table_name}" ORDER BY {order}')]
        tables[model._meta.table_name] = {"columns": columns, "rows": rows}
    return {
        "format": FORMAT,
        "version": VERSION,
        "schema": store.schema_version(db),
        "exported_at": clock.now().isoformat(),
        "tables": tables,
    }


def dumps(db) -> str:
    return json.dumps(dump(db), ensure_ascii=False, indent=1) + "\n"


def looks_like_backup(text: str) -> bool:
    head = text.lstrip()[:400]
    return head.startswith("{") and FORMAT in head


def load(text: str, source: str) -> dict:
    try:
        data = json.loads(text)
    except (ValueError, RecursionError) as exc:
        raise InputError(f"{source}: not JSON: {exc}") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise InputError(f"{source}: not a relterm JSON backup (no \"format\": \"{FORMAT}\")")
    version = data.get("version")
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        shown = "missing" if version is None else json.dumps(version)[:40]
        raise InputError(f"{source}: backup format version {shown} is not one relterm knows; "
                         f"this relterm reads version {VERSION}")
    if version > VERSION:
        raise InputError(f"{source}: backup format version {version} is newer than this relterm reads "
                         f"({VERSION}); upgrade relterm")
    if not isinstance(data.get("tables"), dict):
        raise InputError(f"{source}: \"tables\" must be an object of tables by name; the backup has none")
    return data


def restore(db, data: dict, source: str, *, replace: bool = False,
            progress: Optional[Callable[[int, int], None]] = None) -> dict[str, int]:
    """Write every row of the backup into the database; return rows per table.

    Every value is checked and cleaned first (``backup_check``), as any other input is; a
    problem raises ``InputError`` naming table, row and column before anything is written.
    Runs inside the caller's transaction (``store.write``): any error leaves the database
    as it was.
    """
    from .backup_check import check_tables

    existing = db.execute_sql("SELECT COUNT(*) FROM contact").fetchone()[0]
    if existing and not replace:
        raise InputError(
            f"the database already holds {existing} contact{'s' if existing != 1 else ''}; a backup restores into "
            "an empty database (relterm --db NEW.db import ...), or pass --replace to replace everything in it"
        )
    plans = check_tables(data, source)
    total = sum(len(rows) for _, _, rows in plans)
    db.execute_sql("PRAGMA defer_foreign_keys = ON")
    if replace:
        for model in reversed(_tables()):
            db.execute_sql(f'DELETE FROM "{model._meta.table_name}"')
    order = {m: i for i, m in enumerate(_tables())}
    plans.sort(key=lambda plan: order[plan[0]])
    done = 0
    counts = {}
    cursor = db.cursor()
    for model, columns, rows in plans:
        quoted = ", ".join(f'"{c}"' for c in columns)
        marks = ", ".join("?" for _ in columns)
        sql = f'INSERT INTO "{model._meta.table_name}" ({quoted}) VALUES ({marks})'
        for start in range(0, len(rows), 2000):
            chunk = rows[start:start + 2000]
            try:
                cursor.executemany(sql, chunk)
            except sqlite3.OperationalError:  # a full disk, a lock: not the backup's fault (store.explain says)
                raise
            except Exception as exc:  # sqlite3.IntegrityError and friends: a broken backup
                raise InputError(f"{source}: table {model._meta.table_name}: cannot restore: {exc}") from None
            done += len(chunk)
            if progress is not None:
                progress(done, total)
        counts[model._meta.table_name] = len(rows)
    problems = db.execute_sql("PRAGMA foreign_key_check").fetchall()
    if problems:
        table, rowid, parent, _ = problems[0]
        raise InputError(f"{source}: table {table}, row {rowid} points to a missing {parent} row; nothing restored")
    return counts


def read(path: Path) -> str:
    from .common import read_text

    return read_text(path)
