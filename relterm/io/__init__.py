"""Getting contacts in and out of relterm: vCard (files and vdirs), CSV
(Google, LinkedIn, relterm's own), the JSON backup, iCalendar.

No screen code here: the CLI and the TUI call :func:`run_import` and
:func:`export` and show what they return.

    summary = run_import(core, Path("contacts.vcf"), progress=lambda done, total: ...)
    print("\\n".join(summary.lines()))
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Callable, Iterable, Optional

from ..errors import InputError
from ..sanitize import clean_line
from .export import FORMATS as EXPORT_FORMATS
from .export import export
from .importer import Conflict, ImportSummary, Problem, import_records, source_label

# Files from this size on are read in a separate process during the import (about 2,000 contacts).
APART_BYTES = 512 * 1024
IMPORT_FORMATS = ("auto", "vcard", "google-csv", "linkedin-csv", "relterm-csv", "json")

__all__ = [
    "EXPORT_FORMATS", "IMPORT_FORMATS", "Conflict", "ImportSummary", "Problem", "detect_format", "export",
    "run_import",
]


def detect_format(path: Path) -> str:
    """The import format of ``path``: a directory is a vdir; files are told by their content."""
    from .backup import looks_like_backup
    from .csvfmt import sniff

    from .common import decode_bytes, read_bytes

    path = Path(path)
    if path.is_dir():
        return "vcard"
    _check_exists(path)
    head = read_bytes(path, 256 * 1024)  # a FIFO, a device: refused here, without waiting

    text = decode_bytes(head)
    if looks_like_backup(text):
        return "json"
    # A known CSV header first: a CSV cell may well contain the words BEGIN:VCARD.
    kind = sniff(text)
    if kind:
        return kind
    if re.search(r"^BEGIN:VCARD\s*$", text, re.IGNORECASE | re.MULTILINE):
        return "vcard"
    if path.suffix.lower() in (".vcf", ".vcard"):
        return "vcard"
    raise InputError(
        f"{path}: cannot tell the format (not a vCard, a known CSV header or a relterm backup); "
        f"pass --format ({', '.join(IMPORT_FORMATS[1:])})"
    )


def _check_exists(path: Path) -> None:
    if path.exists():
        return
    if path.is_symlink():
        raise InputError(f"{clean_line(str(path))}: a symbolic link to nothing; give a file")
    raise InputError(f"{clean_line(str(path))}: no such file or directory")


def run_import(
    core,
    path: Path | str,
    *,
    format: str = "auto",
    ladder: Optional[str] = None,
    level: str | int | None = None,
    sphere: Optional[str] = None,
    tags: Iterable[str] = (),
    update: bool = False,
    replace: bool = False,
    dry_run: bool = False,
    progress: Optional[Callable[[int, int], None]] = None,
) -> ImportSummary:
    """Import a file or vdir into ``core``'s database, in one transaction.

    ``progress(done, total)`` is called every hundred records and at the end.
    Returns what was added, merged and skipped (with reasons). Raises
    ``InputError`` for a file that cannot be imported at all; then nothing
    is written. With ``dry_run`` everything is checked and counted, and then
    rolled back.
    """
    path = Path(path).expanduser()
    _check_exists(path)
    if format not in IMPORT_FORMATS:
        raise InputError(f"unknown import format {format!r}; formats: {', '.join(IMPORT_FORMATS)}")
    fmt = detect_format(path) if format == "auto" else format
    if path.is_dir() and fmt != "vcard":
        raise InputError(f"{clean_line(str(path))} is a directory; only vCard directories (vdirs) can be imported")
    summary = ImportSummary(source=str(path), format=fmt, dry_run=dry_run)
    if fmt == "json":
        return _restore(core, path, summary, replace=replace, dry_run=dry_run, progress=progress)
    if replace:
        raise InputError("--replace applies to JSON backups only")
    options = dict(ladder=ladder, level=level, sphere=sphere, tags=tags, update=update,
                   source_name=source_label(path))
    if fmt == "vcard":
        from .vcard import count_cards, read_vcards

        total = count_cards(path)
        records = read_vcards(path)
    else:
        from .csvfmt import count_rows, read_csv

        total = count_rows(path) if progress is not None else 0
        records = read_csv(path, fmt)
    # A large file is read and checked in a second process while this one writes (see import_records).
    apart = path.is_file() and path.stat().st_size >= APART_BYTES
    return import_records(core, records, summary, total=total, progress=progress, dry_run=dry_run, apart=apart,
                          **options)


def _restore(core, path: Path, summary: ImportSummary, *, replace: bool, dry_run: bool, progress) -> ImportSummary:
    from .. import store
    from .backup import load, read, restore
    from .importer import _Rollback

    data = load(read(path), str(path))
    try:
        with store.write(core.db):
            counts = restore(core.db, data, str(path), replace=replace, progress=progress)
            summary.added = counts.get("contact", 0)
            summary.restored = counts
            if dry_run:
                raise _Rollback()
    except _Rollback:
        pass
    return summary
