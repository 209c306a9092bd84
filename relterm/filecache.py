"""A small cache of parsed data files, so starting relterm reads JSON instead of
parsing YAML (and, for levels.yaml, validating it) again.

Entries live in the cache directory (``RELTERM_CACHE_DIR`` or the user's cache
directory) as ``<kind>-<key>.json``, where the key is a hash of everything the
entry was made from: the file's bytes and whatever else the caller adds (the
version of relterm, the code that checks the file). An edited file therefore
never meets a stale entry; the old one is simply left to be pruned. Entries
are written atomically and readable by the owner only, and any failure to
read or write one only means the file is parsed as if there were no cache.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Iterable, Optional

from . import paths


def key_of(parts: Iterable[bytes]) -> str:
    """A hex digest of ``parts`` (bytes), told apart from each other."""
    import hashlib

    digest = hashlib.sha256()
    for part in parts:
        digest.update(len(part).to_bytes(8, "big"))
        digest.update(part)
    return digest.hexdigest()


def _entry(kind: str, key: str) -> Path:
    return paths.cache_dir() / f"{kind}-{key}.json"


def read(kind: str, key: str):
    """The data cached under ``kind`` and ``key``, or None when absent, unreadable or damaged."""
    try:
        raw = _entry(kind, key).read_bytes()
    except OSError:
        return None
    try:
        entry = json.loads(raw)
        if entry["key"] != key:
            return None
        return entry["data"]
    except (ValueError, KeyError, TypeError):
        return None


def write(kind: str, key: str, data, *, keep: int) -> None:
    """Keep ``data`` (anything JSON can hold) under ``kind`` and ``key``; at most ``keep`` entries of
    ``kind`` stay, the newest. Failure is harmless."""
    import tempfile  # only writing needs it (~4 ms to import, on the way to the first frame otherwise)

    target = _entry(kind, key)
    try:
        paths.make_private_dir(target.parent)
        handle, temp = tempfile.mkstemp(dir=target.parent, prefix=f".{kind}-", suffix=".tmp")  # mode 0600
    except OSError:
        return
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            json.dump({"key": key, "data": data}, out, separators=(",", ":"))
        os.replace(temp, target)
    except (OSError, TypeError, ValueError):
        try:
            os.unlink(temp)
        except OSError:
            pass
        return
    _prune(target.parent, kind, keep, target)


def _prune(directory: Path, kind: str, keep: int, newest: Path) -> None:
    try:
        entries = [(entry.stat().st_mtime, entry) for entry in directory.glob(f"{kind}-*.json")]
    except OSError:
        return
    entries.sort(reverse=True)
    for _, entry in entries[keep:]:
        if entry != newest:
            try:
                entry.unlink()
            except OSError:
                pass


class YamlError(ValueError):
    """A YAML syntax error: ``line`` (1-based, or None) and what is wrong."""

    def __init__(self, problem: str, line: Optional[int]):
        super().__init__(problem)
        self.problem = problem
        self.line = line


def load_yaml(raw: bytes, *, kind: str = "yaml", keep: int = 32):
    """The data of a small YAML file's bytes (UTF-8), from the cache when these bytes were parsed before.

    Raises ``UnicodeDecodeError`` for bytes that are not UTF-8 and :class:`YamlError` for a syntax
    error. Only data that JSON keeps exactly (mappings with string keys, lists, strings, numbers,
    booleans, null) is cached; anything else is parsed every time.
    """
    key = key_of([b"yaml 1", raw])
    cached = read(kind, key)
    if cached is not None:
        return cached["value"]
    text = raw.decode("utf-8")
    import yaml

    from .yamlsafe import AliasRefused, refuse_aliases

    try:
        refuse_aliases(text)  # before anything is built: ten lines of aliases make a billion items
        data = yaml.safe_load(text)
    except AliasRefused as exc:
        raise YamlError(exc.problem, exc.line) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise YamlError(str(getattr(exc, "problem", None) or exc), mark.line + 1 if mark is not None else None) \
            from None
    try:
        exact = json.loads(json.dumps(data)) == data
    except (TypeError, ValueError):
        exact = False
    if exact:
        write(kind, key, {"value": data}, keep=keep)
    return data
