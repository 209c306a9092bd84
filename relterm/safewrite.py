"""Where relterm writes the files it is asked for (exports, backups), and how.

Every writer asks :func:`check_target` first. It refuses, with one line the
CLI shows and exits 2 on:

* the live database or its ``-wal``, ``-shm`` and ``-journal`` files, by real
  path and by inode (symbolic and hard links, ``./x``, ``../dir/x``, ``~``);
* a SQLite database another program has open (a ``-wal``, ``-shm`` or
  ``-journal`` beside it, or a lock on it): replacing it under that program
  pairs its journal with the new file and breaks both;
* a directory, a device (``/dev/null``, ``/dev/full``), a FIFO or a socket;
* a symbolic link in a sticky, world-writable directory (``/tmp``) owned by
  someone else: following it would write wherever that person points it.

:func:`replacing` then writes beside the target (``.NAME.PID.XXXX.partial``,
mode 0600), fsyncs, and renames it into place: the target is either the old
file or the whole new one. A failed run removes its temporary file; one
killed outright leaves it behind, and the next write to the same target (or
vdir export into the same directory) removes it once its process is gone.
"""

from __future__ import annotations

import errno
import os
import re
import stat
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator, Optional, Union

from .errors import InputError

DATABASE_SUFFIXES = ("", "-wal", "-shm", "-journal")
SQLITE_HEADER = b"SQLite format 3\x00"
_PARTIAL = ".partial"
# SQLite's lock bytes (os_unix.c): PENDING, RESERVED, then the 510 SHARED bytes.
_LOCK_START, _LOCK_LEN = 0x40000000, 512

PathLike = Union[str, os.PathLike]


def _expand(path: PathLike) -> Path:
    return Path(os.path.expanduser(os.fspath(path)))


def _file_id(path: Path, *, follow: bool = True) -> Optional[tuple[int, int]]:
    try:
        st = os.stat(path) if follow else os.lstat(path)
    except OSError:
        return None
    return st.st_dev, st.st_ino


def _real(path: Path, *, follow: bool = True) -> str:
    """The absolute path with every symbolic link resolved (but the last one when not ``follow``)."""
    if follow:
        return os.path.realpath(path)
    return os.path.join(os.path.realpath(path.parent if str(path.parent) else "."), path.name)


def refuse_database(target: PathLike, database: Optional[PathLike], *, follow: bool = True) -> None:
    """Raise InputError when ``target`` is the database at ``database`` or one of its journal files."""
    if database is None:
        return
    target = _expand(target)
    base = _expand(database)
    real = _real(target, follow=follow)
    ident = _file_id(target, follow=follow)
    for suffix in DATABASE_SUFFIXES:
        name = Path(f"{base}{suffix}")
        same = real == os.path.realpath(name)
        if not same and ident is not None:
            same = ident == _file_id(name)
        if same:
            what = "the database itself" if not suffix else f"the {suffix} file of the database itself"
            named = "" if str(target) == f"{base}{suffix}" else f" ({base})"
            raise InputError(f"{target} is {what}{named}; writing there would destroy it: choose another path")


def _sticky_foreign_link(path: Path) -> bool:
    """A symbolic link someone else owns, in a sticky world-writable directory such as /tmp."""
    try:
        link = os.lstat(path)
        parent = os.stat(path.parent if str(path.parent) else ".")
    except OSError:
        return False
    if not stat.S_ISLNK(link.st_mode):
        return False
    shared = parent.st_mode & stat.S_ISVTX and parent.st_mode & stat.S_IWOTH
    return bool(shared) and link.st_uid not in (os.geteuid(), parent.st_uid)


def _in_use(path: Path) -> Optional[str]:
    """Why the SQLite database at ``path`` is in use by another program, or None."""
    for suffix in DATABASE_SUFFIXES[1:]:
        if os.path.lexists(f"{path}{suffix}"):
            return f"a {suffix} file beside it"
    try:
        with open(path, "rb") as handle:
            if handle.read(len(SQLITE_HEADER)) != SQLITE_HEADER:
                return None
    except OSError:
        return None
    try:
        import fcntl
    except ImportError:  # no POSIX locks here: the journal files above are the only sign
        return None
    try:
        fd = os.open(path, os.O_RDWR)
    except OSError:
        return None  # we could not write into it either; the rename decides
    try:
        try:
            fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB, _LOCK_LEN, _LOCK_START)
        except OSError:
            return "a lock on it"
        fcntl.lockf(fd, fcntl.LOCK_UN, _LOCK_LEN, _LOCK_START)
    finally:
        os.close(fd)
    return None


def check_target(target: PathLike, *, database: Optional[PathLike], follow: bool = True) -> Path:
    """The path to write for ``target``, or InputError saying why relterm will not write there.

    ``database`` is the open database (None when there is none). With ``follow``
    a symbolic link is followed and the file it points to replaced; without, the
    link itself is replaced and what it points to left alone.
    """
    path = _expand(target)
    refuse_database(path, database, follow=follow)
    if follow and os.path.islink(path):
        if _sticky_foreign_link(path):
            raise InputError(f"{path} is a symbolic link another user owns in a shared directory; "
                             "relterm does not follow it: choose another path")
        path = Path(os.path.realpath(path))
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        st = None
    except OSError as exc:
        raise InputError(f"{path}: cannot write: {exc.strerror or exc}") from None
    if st is not None and stat.S_ISDIR(st.st_mode):
        raise InputError(f"{path} is a directory; give a file name")
    if st is not None and not (stat.S_ISREG(st.st_mode) or stat.S_ISLNK(st.st_mode)):
        raise InputError(f"{path} is not a regular file (a device, FIFO or socket); give the path of a file")
    parent = path.parent if str(path.parent) else Path(".")
    if not parent.is_dir():
        raise InputError(f"{parent}: no such directory")
    why = _in_use(path) if st is not None and stat.S_ISREG(st.st_mode) else None
    if why is None and st is None:
        for suffix in DATABASE_SUFFIXES[1:]:
            if os.path.lexists(f"{path}{suffix}"):
                why = f"a {suffix} file beside it"
                break
    if why:
        raise InputError(f"{path} looks like a database in use ({why}); writing there would break it: "
                         "close the program using it, or choose another path")
    return path


_TEMP_NAME = re.compile(r"^\.(.+)\.(\d+)\.[A-Za-z0-9_]{8}\.partial$")  # what replacing() creates


def clean_stale(directory: Path, name: Optional[str] = None) -> None:
    """Remove the temporary files of earlier writes into ``directory`` (to ``name`` only, when
    given) whose process is gone: a run killed between writing and renaming."""
    try:
        entries = os.listdir(directory)
    except OSError:
        return
    for entry in entries:
        match = _TEMP_NAME.match(entry)
        if not match or (name is not None and match.group(1) != name):
            continue
        pid = int(match.group(2))
        if pid == os.getpid():
            continue
        try:
            os.kill(pid, 0)
            continue  # still running: maybe writing it now
        except ProcessLookupError:
            pass
        except OSError:  # someone else's process, alive
            continue
        stale = Path(directory) / entry
        try:
            st = os.lstat(stale)
            if stat.S_ISREG(st.st_mode) and st.st_uid == os.geteuid():
                for suffix in DATABASE_SUFFIXES:
                    Path(f"{stale}{suffix}").unlink(missing_ok=True)
        except OSError:
            pass


def fsync_dir(directory: Path) -> None:
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


@contextmanager
def replacing(path: Path, *, batch: bool = False) -> Iterator[Path]:
    """Yield a new private temporary file beside ``path``; when the block ends well it
    is flushed to disk and renamed over ``path``, otherwise removed. OSErrors become
    one-line InputErrors. ``path`` must have passed :func:`check_target`. Temporary files a
    killed earlier run left for ``path`` are removed first, and the directory is synced after
    the rename; with ``batch`` (one of many files into one directory) the caller does both once."""
    path = Path(path)
    parent = path.parent if str(path.parent) else Path(".")
    if not batch:
        clean_stale(parent, path.name)
    tmp = None
    try:
        fd, name = tempfile.mkstemp(prefix=f".{path.name}.{os.getpid()}.", suffix=_PARTIAL, dir=parent)
        tmp = Path(name)
        os.close(fd)
        yield tmp
        with open(tmp, "rb+") as handle:
            os.fchmod(handle.fileno(), 0o600)
            os.fsync(handle.fileno())
        os.replace(tmp, path)
        tmp = None
        if not batch:
            fsync_dir(parent)
    except OSError as exc:
        if exc.errno in (errno.ENOSPC, errno.EFBIG, errno.EDQUOT):  # the same words as store.explain
            raise InputError(f"{path}: cannot write: the disk is full ({exc.strerror}); nothing was written. "
                             "Free some space and try again") from None
        raise InputError(f"{path}: cannot write: {exc.strerror or exc}; nothing was written") from None
    finally:
        if tmp is not None:
            for suffix in DATABASE_SUFFIXES:
                try:
                    os.unlink(f"{tmp}{suffix}")
                except OSError:
                    pass


def write_file(target: PathLike, data: Union[str, bytes], *, database: Optional[PathLike],
               follow: bool = True, batch: bool = False) -> Path:
    """Write ``data`` (text as UTF-8) to ``target`` after :func:`check_target`, atomically, mode 0600."""
    path = check_target(target, database=database, follow=follow)
    raw = data.encode("utf-8") if isinstance(data, str) else data
    with replacing(path, batch=batch) as tmp:
        with open(tmp, "wb") as handle:
            handle.write(raw)
    return path
