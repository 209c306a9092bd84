"""Exporting: vCard 3.0 (one file), a vdir (one .vcf per contact), CSV, the
JSON backup and iCalendar. Files are written atomically and readable by their
owner only (0600; a vdir directory 0700)."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import Iterable, Optional

from .. import store
from ..errors import InputError
from ..store import Contact
from .common import safe_file_stem, write_private

FORMATS = ("vcard", "vdir", "csv", "json", "ics")
# Contact columns carried by standard vCard properties or not exported at all.
_STANDARD = {"id", "name", "company", "title", "email", "phone", "birthday", "notes", "tags", "uid",
             "introduced_by", "created_at", "updated_at", "archived_at", "last_interaction", "sort_key"}


def select_ids(core, *, level=None, ladder: Optional[str] = None, sphere: Optional[str] = None,
               tag: Optional[str] = None) -> list[int]:
    """Ids of the contacts ``relterm list`` would show with the same filters."""
    key, _ = core.ladder(ladder)
    rank = core.parse_level(level, key) if level is not None else None
    return [row.id for row in core.rows(ladder=key, rank=rank, sphere=sphere, tag=tag)]


def contact_data(ids: Iterable[int]) -> list[dict]:
    """Everything exported about each contact, in the order of ``ids``: plain values.

    Columns without a vCard property of their own (sphere, cadence, reviews,
    and any added later) are in ``extra``, so they travel as X-RELTERM-*.
    """
    ids = list(ids)
    db = store.current_database()
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


def write_vdir(contacts: list[dict], directory: Path, *, prune: bool = False) -> int:
    """One ``<uid>.vcf`` per contact, each written atomically; return how many.

    With ``prune`` (a full export), cards relterm wrote earlier for contacts no longer
    exported (archived since) are removed, so a sync deletes them too. Files relterm did
    not write (no X-RELTERM- property) are never touched.
    """
    from .vcard import RELTERM_PREFIX, contact_to_vcard

    ours = b"\n" + RELTERM_PREFIX.encode()
    directory = Path(directory).expanduser()
    if directory.exists() and not directory.is_dir():
        raise InputError(f"{directory} is a file; a vdir export needs a directory")
    directory.mkdir(parents=True, exist_ok=True)
    os.chmod(directory, 0o700)
    written = set()
    for contact in contacts:
        target = directory / f"{safe_file_stem(contact['uid'])}.vcf"
        write_private(target, contact_to_vcard(contact))
        written.add(target.name)
    if prune:
        for stale in directory.glob("*.vcf"):
            if stale.name in written or not stale.is_file():
                continue
            try:
                if ours in stale.read_bytes():
                    stale.unlink()
            except OSError:
                pass
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

        text = dumps()
        count = store.current_database().execute_sql("SELECT COUNT(*) FROM contact").fetchone()[0]
    else:
        ids = select_ids(core, level=level, ladder=ladder, sphere=sphere, tag=tag)
        contacts = contact_data(ids)
        count = len(contacts)
        if fmt == "vdir":
            if output is None:
                raise InputError("a vdir export needs a directory: -o DIR")
            write_vdir(contacts, output, prune=not filtered)
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
