"""The first screenful of the contact list, read before the app has opened its store.

``relterm`` shows contacts in its very first frame. Opening the store (Peewee,
the models, the migration check) costs ~40 ms of imports, so the first page
is read here with the standard library alone, and the store is opened right
after the first frame. Only a database that is already up to date is read
this way: a missing file or one that needs migrating gets ``None``, and the
caller opens the store first (creating or migrating the file, with its
backup), exactly as before.

The query matches ``Core.rows(ladder=..., limit=...)``; a test holds them to
the same result.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Optional

from . import paths
from .domain import ContactRow, rows_from_cursor

_FIRST_PAGE_SQL = """
SELECT c.id, c.name, l.rank, c.sphere, c.company, c.email, c.tags, c.last_interaction, i.name,
       c.archived_at, c.to_contact, c.cadence_days, substr(c.created_at, 1, 10)
FROM contact AS c
LEFT OUTER JOIN contact_level AS l ON l.contact_id = c.id AND l.ladder = ?
LEFT OUTER JOIN contact AS i ON i.id = c.introduced_by_id
WHERE c.archived_at IS NULL
ORDER BY c.sort_key, c.id
LIMIT ?
"""


def read_first_page(db_path: Path, ladder: str, limit: int) -> Optional[list[ContactRow]]:
    """The first ``limit`` active contacts by name on ``ladder``, or None when the store must be opened
    first (no database yet, one that needs migrating, or anything unexpected)."""
    path = Path(db_path)
    if not path.is_file():
        return None
    try:
        connection = sqlite3.connect(str(path), timeout=5)
    except sqlite3.Error:
        return None
    try:
        applied = {row[0] for row in connection.execute("SELECT name FROM schema_migration")}
        if applied != set(paths.migration_names()):
            return None
        return rows_from_cursor(connection.execute(_FIRST_PAGE_SQL, (ladder, limit)))
    except sqlite3.Error:
        return None
    finally:
        connection.close()
