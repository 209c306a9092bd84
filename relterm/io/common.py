"""What every import and export format shares: the incoming record, birthdays,
text decoding and private, atomic file writing."""

from __future__ import annotations

import datetime as dt
import os
import re
import stat
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator, Optional

from ..errors import InputError
from ..sanitize import clean_line


@dataclass(slots=True)
class Record:
    """One contact read from a file, before checking and cleaning.

    ``fields`` holds only what the source actually says (contact column ->
    value), so that merging never mistakes a default for information.
    """

    where: str
    name: str = ""
    fields: dict = field(default_factory=dict)
    tags: list = field(default_factory=list)
    emails: list = field(default_factory=list)  # (label, address); the first is the primary one
    phones: list = field(default_factory=list)  # (label, number); the first is the primary one
    # False when the source says there is no primary email (or phone): all of them are further details.
    email_primary: bool = True
    phone_primary: bool = True
    details: list = field(default_factory=list)  # (kind, label, value) for addresses, urls, related, other
    ranks: dict = field(default_factory=dict)  # ladder key -> rank (int or level name)
    introduced_by: Optional[str] = None  # "urn:uuid:UID", a UID or a name
    events: list = field(default_factory=list)  # (date, kind, summary)
    warnings: list = field(default_factory=list)


@dataclass(slots=True)
class BadRecord:
    """A card or row that cannot be read at all."""

    where: str
    reason: str


# Birthdays -----------------------------------------------------------------------------

_YEARLESS_MARKERS = {"1604", "0000"}  # Apple's omit-year and Android's "no year"
_BDAY_FULL = re.compile(r"^(\d{4})-?(\d{2})-?(\d{2})(?:[T ].*)?$")
_BDAY_NOYEAR = re.compile(r"^--(\d{2})-?(\d{2})$")


def parse_birthday(text: str, *, omit_year: Optional[str] = None) -> Optional[str]:
    """A birthday as relterm stores it: "YYYY-MM-DD", or "--MM-DD" without a year.

    Reads vCard 3.0/4.0 forms (1985-04-15, 19850415, --0415, --04-15) and
    Apple's X-APPLE-OMIT-YEAR=1604, so a year-less birthday never becomes the
    year 1604. Returns None for an empty value; raises ValueError otherwise.
    """
    value = (text or "").strip()
    if not value:
        return None
    match = _BDAY_NOYEAR.match(value)
    if match:
        month, day = int(match.group(1)), int(match.group(2))
        dt.date(2000, month, day)  # a leap year, so --02-29 is valid
        return f"--{month:02d}-{day:02d}"
    match = _BDAY_FULL.match(value)
    if not match:
        raise ValueError(f"birthday {value!r} is not a date")
    year, month, day = match.group(1), int(match.group(2)), int(match.group(3))
    if year in _YEARLESS_MARKERS or (omit_year and year == omit_year.strip()):
        dt.date(2000, month, day)
        return f"--{month:02d}-{day:02d}"
    return dt.date(int(year), month, day).isoformat()


# Decoding ------------------------------------------------------------------------------


def _utf16(head: bytes) -> Optional[str]:
    """The UTF-16 codec a file's first bytes say it is in (a BOM, or a zero byte beside ASCII), or None."""
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16"
    if len(head) > 3 and head[0] == 0 and head[1] != 0:
        return "utf-16-be"
    if len(head) > 3 and head[1] == 0 and head[0] != 0:
        return "utf-16-le"
    return None


def decode_bytes(data: bytes) -> str:
    """Text of a file whatever its encoding: BOMs, UTF-8, UTF-16, else Windows-1252 line by line."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace")
    utf16 = _utf16(data[:4])
    if utf16:
        return data.decode(utf16, errors="replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    # Mixed files exist (one card in Latin-1 among UTF-8 ones): decode each line on its own.
    lines = []
    for raw in data.splitlines(keepends=True):
        try:
            lines.append(raw.decode("utf-8"))
        except UnicodeDecodeError:
            lines.append(raw.decode("cp1252", errors="replace"))
    return "".join(lines)


def _kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a directory"
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def open_regular(path: Path):
    """``path`` opened for reading in binary, or InputError if it is not a regular file.

    Opened without blocking and checked on the open descriptor, so a FIFO (which
    would wait forever for a writer), a device or a directory is refused at
    once, even one swapped in after an earlier check.
    """
    path = Path(path)
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    except OSError as exc:
        if os.path.islink(path) and not os.path.exists(path):
            raise InputError(f"{clean_line(str(path))}: a symbolic link to nothing; give a file") from None
        raise InputError(f"{clean_line(str(path))}: cannot read: {exc.strerror or exc}") from None
    try:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            raise InputError(f"{clean_line(str(path))} is {_kind(mode)}, not a file; give a regular file or a vdir")
        if hasattr(os, "set_blocking"):
            os.set_blocking(fd, True)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def read_bytes(path: Path, limit: Optional[int] = None) -> bytes:
    """The bytes of a regular file (the first ``limit`` of them); InputError otherwise."""
    with open_regular(path) as handle:
        try:
            return handle.read() if limit is None else handle.read(limit)
        except OSError as exc:
            raise InputError(f"{clean_line(str(path))}: cannot read: {exc.strerror or exc}") from None


def iter_lines(path: Path) -> Iterator[str]:
    """The file's lines (with their line ends), decoded as ``decode_bytes`` would, without
    holding the whole file in memory: UTF-16 when it says so, else UTF-8 with Windows-1252
    for lines that are not UTF-8."""
    import io

    path = Path(path)
    handle = open_regular(path)
    with handle:
        head = handle.read(4)
        handle.seek(0)
        utf16 = _utf16(head)
        if utf16:
            with io.TextIOWrapper(handle, encoding=utf16, errors="replace", newline="") as text:
                yield from text
            return
        first = True
        for raw in handle:
            if first:
                first = False
                if raw.startswith(b"\xef\xbb\xbf"):
                    raw = raw[3:]
            try:
                yield raw.decode("utf-8")
            except UnicodeDecodeError:
                yield raw.decode("cp1252", errors="replace")


def read_text(path: Path) -> str:
    return decode_bytes(read_bytes(path))


# Writing -------------------------------------------------------------------------------


def write_private(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` atomically, readable by the owner only (0600)."""
    path = Path(path)
    if path.is_dir():
        raise InputError(f"{path} is a directory; give a file name")
    parent = path.parent if str(path.parent) else Path(".")
    if not parent.exists():
        raise InputError(f"{parent}: no such directory")
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=parent)
    try:
        os.fchmod(fd, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


_SAFE_NAME = re.compile(r"[^A-Za-z0-9@._-]")


def safe_file_stem(uid: str) -> str:
    """A file name for a UID: the UID itself when it is plain, otherwise a readable, collision-free form."""
    stem = _SAFE_NAME.sub("_", uid).strip(".") or "contact"
    if stem != uid:
        import hashlib

        stem = f"{stem[:60]}-{hashlib.sha1(uid.encode()).hexdigest()[:10]}"
    return stem[:120]
