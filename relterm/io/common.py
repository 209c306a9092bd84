"""What every import and export format shares: the incoming record, birthdays,
text decoding and private, atomic file writing."""

from __future__ import annotations

import os
import re
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator, Optional

# One check of birthdays for every way in (re-exported for the importers): raises InputError.
from ..dates import parse_birthday  # noqa: F401
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
    url_primary: bool = True  # False: the card's links are all further details, none is their profile
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


def open_regular(path: Path, *, wanted: str = "a regular file or a vdir"):
    """``path`` opened for reading in binary, or InputError (saying what to give: ``wanted``) if it is
    not a regular file.

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
            raise InputError(f"{clean_line(str(path))} is {_kind(mode)}, not a file; give {wanted}")
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


def read_text_limited(path: Path, limit: int, *, what: str) -> str:
    """The text of a regular file of at most ``limit`` bytes (decoded as ``decode_bytes`` does).

    InputError, naming the file and ``what`` it was for, when it is a FIFO, a directory, a device,
    or larger than ``limit``: checked on the open file, and at most ``limit + 1`` bytes are read
    (a file that grows meanwhile, or one that reports no size, such as those in /proc).
    """
    with open_regular(path, wanted="a regular file") as handle:
        size = os.fstat(handle.fileno()).st_size
        try:
            data = handle.read(limit + 1) if size <= limit else b""
        except OSError as exc:
            raise InputError(f"{clean_line(str(path))}: cannot read: {exc.strerror or exc}") from None
    if size > limit or len(data) > limit:
        shown = f"{size / 2**20:,.1f} MiB" if size > limit else "larger than that"
        raise InputError(f"{clean_line(str(path))} is {shown}: {what} can be at most {limit // 2**20} MiB; "
                         "nothing was changed")
    return decode_bytes(data)


# Writing -------------------------------------------------------------------------------


def write_private(path: Path, text: str, *, follow: bool = True, batch: bool = False) -> Path:
    """Write ``text`` to ``path`` atomically, readable by the owner only (0600).

    Never over the open database, a directory, a device or a database in use:
    :func:`relterm.safewrite.check_target` decides, for every writer.
    """
    from .. import store
    from ..safewrite import write_file

    db = store.database_proxy.obj
    return write_file(path, text, database=db.database if db is not None else None, follow=follow, batch=batch)


_SAFE_NAME = re.compile(r"[^A-Za-z0-9@._-]")
# What a hashed stem ends with; a plain UID ending so is hashed too, so no plain UID can take a hashed one's name.
_HASHED = re.compile(r"-[0-9a-f]{10}$")
STEM_MAX = 120


def safe_file_stem(uid: str) -> str:
    """A file name for a UID: the UID itself when it is plain and short, otherwise a readable form
    with a hash of the whole UID, so two UIDs never share a name (``../x``, ``a/b``, long UIDs)."""
    stem = _SAFE_NAME.sub("_", uid).strip(".") or "contact"
    if stem != uid or len(stem) > STEM_MAX or _HASHED.search(stem):
        import hashlib

        stem = f"{stem[:60]}-{hashlib.sha1(uid.encode('utf-8', 'surrogatepass')).hexdigest()[:10]}"
    return stem
