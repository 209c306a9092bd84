"""Exporting: vCard 3.0 (one file), a vdir (one .vcf per contact), CSV, the
JSON backup and iCalendar. Files are written atomically and readable by their
owner only (0600; a vdir directory relterm creates 0700), never over the open
database (see ``relterm.safewrite``)."""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path
from typing import Iterable, Optional

from ..errors import InputError
from ..store import Contact
from .common import safe_file_stem, write_private

FORMATS = ("vcard", "vdir", "csv", "json", "ics")
# Contact columns carried by standard vCard properties or not exported at all.
_STANDARD = {"id", "name", "company", "title", "email", "phone", "birthday", "notes", "tags", "uid",
             "introduced_by", "created_at", "updated_at", "archived_at", "last_interaction"}


def select_ids(core, *, level=None, ladder: Optional[str] = None, sphere: Optional[str] = None,
               tag: Optional[str] = None) -> list[int]:
    """Ids of the contacts ``relterm list`` would show with the same filters."""
    key, _ = core.ladder(ladder)
    rank = core.parse_level(level, key) if level is not None else None
    return [row.id for row in core.rows(ladder=key, rank=rank, sphere=sphere, tag=tag)]


def contact_data(db, ids: Iterable[int]) -> list[dict]:
    """Everything exported about each contact, in the order of ``ids``: plain values.

    Columns without a vCard property of their own (sphere, cadence, reviews,
    and any added later) are in ``extra``, so they travel as X-RELTERM-*.
    """
    ids = list(ids)
    fields = [f for f in Contact._meta.sorted_fields]
    quoted = ", ".join(f'c."{f.column_name}"' for f in fields)
    by_id: dict[int, dict] = {}
    for start in range(0, len(ids), 900):
        chunk = ids[start:start + 900]
        marks = ", ".join("?" for _ in chunk)
        cursor = db.execute_sql(
            f"SELECT {quoted}, i.uid, i.name FROM contact c LEFT JOIN contact i ON i.id = c.introduced_by_id "
            f"WHERE c.id IN ({marks})", chunk)
        for row in cursor:
            values = {f.name: row[n] for n, f in enumerate(fields)}
            intro_uid, intro_name = row[len(fields)], row[len(fields) + 1]
            extra = {}
            for f in fields:
                if f.name in _STANDARD:
                    continue
                value = values[f.name]
                if f.name == "to_contact":
                    value = bool(value)
                extra[f.name] = value
            by_id[values["id"]] = {
                "id": values["id"], "uid": values["uid"], "name": values["name"], "company": values["company"] or "",
                "title": values["title"] or "", "email": values["email"] or "", "phone": values["phone"] or "",
                "birthday": values["birthday"], "notes": values["notes"] or "", "sphere": values["sphere"],
                "tags": tuple(t for t in (values["tags"] or "").split(",") if t),
                "introduced_by": intro_name, "introduced_by_uid": intro_uid,
                "last_interaction": values["last_interaction"], "created_at": values["created_at"],
                "cadence_days": values["cadence_days"], "review_due": values["review_due"],
                "snoozed_until": values["snoozed_until"],
                "ranks": {}, "details": [], "extra": extra,
            }
        for cid, kind, label, value in db.execute_sql(
                f"SELECT contact_id, kind, label, value FROM contact_detail WHERE contact_id IN ({marks}) "
                "ORDER BY contact_id, position, id", chunk):
            by_id[cid]["details"].append((kind, label or "", value))
        for cid, ladder, rank in db.execute_sql(
                f"SELECT contact_id, ladder, rank FROM contact_level WHERE contact_id IN ({marks})", chunk):
            by_id[cid]["ranks"][ladder] = rank
    return [by_id[cid] for cid in ids if cid in by_id]


def vcard_text(contacts: list[dict]) -> str:
    from .vcard import contact_to_vcard

    return "".join(contact_to_vcard(c) for c in contacts)


def csv_text(core, contacts: list[dict]) -> str:
    from .csvfmt import RELTERM_COLUMNS, write_csv

    extra = [f.name for f in Contact._meta.sorted_fields if f.name not in _STANDARD and f.name not in RELTERM_COLUMNS]
    ladders = list(core.config.ladders)
    for c in contacts:
        ladders += [key for key in c["ranks"] if key not in ladders]
    return write_csv(contacts, extra, ladders)


VDIR_STATE = ".relterm-vdir.json"


def _vdir_name(name) -> bool:
    """A card file name relterm may have written: ``<stem>.vcf`` in the directory itself."""
    return (isinstance(name, str) and name.endswith(".vcf") and not name.startswith(".")
            and "/" not in name and "\\" not in name and "\0" not in name)


def _read_vdir_state(directory: Path) -> dict[str, list[str]]:
    """Database identity -> the card files that database's exports wrote into ``directory``."""
    try:
        data = json.loads((directory / VDIR_STATE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    databases = data.get("databases") if isinstance(data, dict) else None
    if not isinstance(databases, dict):
        return {}
    return {key: [n for n in names if _vdir_name(n)] for key, names in databases.items()
            if isinstance(key, str) and isinstance(names, list)}


def write_vdir(contacts: list[dict], directory: Path, *, database: str, prune: bool = False) -> int:
    """One ``<uid>.vcf`` per contact, each written atomically; return how many.

    ``directory/.relterm-vdir.json`` records which files exports of which database
    (its real path) wrote there. With ``prune`` (a full export), the files this
    database wrote earlier for contacts no longer exported (archived since) are
    removed, so a sync deletes them too. Nothing else in the directory is ever
    touched: other programs' cards, single-file exports, other databases' cards.
    A directory relterm creates is 0700; an existing one keeps its mode.
    """
    from .. import paths
    from ..safewrite import clean_stale, refuse_database
    from .vcard import contact_to_vcard

    directory = Path(directory).expanduser()
    refuse_database(directory, database)
    if directory.exists() and not directory.is_dir():
        raise InputError(f"{directory} is a file; a vdir export needs a directory")
    if not directory.exists():
        try:
            paths.make_private_dir(directory)
        except OSError as exc:
            raise InputError(f"{directory}: cannot create the directory: {exc.strerror or exc}") from None
    clean_stale(directory)  # cards a killed export left half-written
    identity = os.path.realpath(database)
    state = _read_vdir_state(directory)
    previous = set(state.get(identity, ()))
    others = {name for key, names in state.items() if key != identity for name in names}
    taken: set[str] = set()
    for contact in contacts:
        name = f"{safe_file_stem(contact['uid'])}.vcf"
        if name in taken:  # two UIDs, one name: never write one card over another
            import hashlib

            name = f"{hashlib.sha1(contact['uid'].encode('utf-8', 'surrogatepass')).hexdigest()}.vcf"
        write_private(directory / name, contact_to_vcard(contact), follow=False, batch=True)
        taken.add(name)
    kept = set(taken)
    for name in previous - kept:
        if not prune:
            kept.add(name)
            continue
        stale = directory / name
        if name in others or not stale.is_file() or stale.is_symlink():
            continue
        try:
            stale.unlink()
        except FileNotFoundError:
            pass
        except OSError:
            kept.add(name)  # try again next time
    state[identity] = sorted(kept)
    write_private(directory / VDIR_STATE,
                  json.dumps({"format": "relterm-vdir", "version": 1, "databases": state}, indent=1) + "\n",
                  follow=False)
    return len(contacts)


def export(core, fmt: str, output: Optional[Path], *, level=None, ladder: Optional[str] = None,
           sphere: Optional[str] = None, tag: Optional[str] = None, today: Optional[dt.date] = None) -> tuple[str, int]:
    """Export in ``fmt``. Returns (text, count): the text is empty when it was written to ``output``."""
    if fmt not in FORMATS:
        raise InputError(f"unknown export format {fmt!r}; formats: {', '.join(FORMATS)}")
    filtered = any(v is not None for v in (level, ladder, sphere, tag))
    if fmt == "json":
        if filtered:
            raise InputError("the JSON backup holds the whole database; filters do not apply to it")
        from .backup import dumps

        text = dumps(core.db)
        count = core.db.execute_sql("SELECT COUNT(*) FROM contact").fetchone()[0]
    else:
        ids = select_ids(core, level=level, ladder=ladder, sphere=sphere, tag=tag)
        contacts = contact_data(core.db, ids)
        count = len(contacts)
        if fmt == "vdir":
            if output is None:
                raise InputError("a vdir export needs a directory: -o DIR")
            write_vdir(contacts, output, database=core.db.database, prune=not filtered)
            return "", count
        if fmt == "vcard":
            text = vcard_text(contacts)
        elif fmt == "csv":
            text = csv_text(core, contacts)
        else:
            from .ics import calendar_text

            text = calendar_text(core, contacts, today=today)
    if output is None:
        return text, count
    write_private(Path(output).expanduser(), text)
    return "", count
