"""The contact list held in memory, its filter, and small text helpers.

Rows are ``relterm.domain.ContactRow`` (slotted, frozen). Each row has a
lower-case "haystack" (name, company, email and tags) so a keystroke in the
filter is one substring test per row, in C; when the new filter text extends
the previous one only the previous matches are searched again.
"""

from __future__ import annotations

import bisect
import datetime as dt
from itertools import compress, repeat
from operator import contains
from dataclasses import dataclass, field
from typing import Optional, Sequence

from ..config import Ladder
from ..domain import ContactRow


def haystack(row: ContactRow) -> str:
    return f"{row.name}\t{row.company}\t{row.email}\t{' '.join(row.tags)}".lower()


def sort_key(name: str) -> str:
    """The order SQLite's NOCASE gives: ASCII letters folded, everything else as is."""
    return name.translate(_ASCII_LOWER)


_ASCII_LOWER = {c: c + 32 for c in range(ord("A"), ord("Z") + 1)}


class RowsView(Sequence[ContactRow]):
    """A read-only window onto ``rows`` through ``indices`` (no copying of 100k rows)."""

    __slots__ = ("rows", "indices")

    def __init__(self, rows: list[ContactRow], indices: Sequence[int]):
        self.rows = rows
        self.indices = indices

    def __len__(self) -> int:
        return len(self.indices)

    def __getitem__(self, index):  # type: ignore[override]
        if isinstance(index, slice):
            return [self.rows[i] for i in self.indices[index]]
        return self.rows[self.indices[index]]


@dataclass
class ContactStore:
    """Every active contact on one ladder, and the current filter over them."""

    rows: list[ContactRow] = field(default_factory=list)
    hays: list[str] = field(default_factory=list)
    complete: bool = True  # False while only the first screenful is loaded
    text: str = ""
    rank: Optional[int] = None
    indices: Sequence[int] = field(default_factory=lambda: range(0))

    def load(self, rows: list[ContactRow], hays: Optional[list[str]] = None, *, complete: bool = True) -> None:
        self.rows = rows
        self.hays = hays if hays is not None else [haystack(r) for r in rows]
        self.complete = complete
        self._base_text = None
        self.apply(self.text, self.rank, force=True)

    _base_text: Optional[str] = None

    def apply(self, text: str, rank: Optional[int], *, force: bool = False) -> Sequence[int]:
        """Filter by words (all must occur) and by rank; return the matching indices."""
        text = text.strip().lower()
        words = text.split()
        narrowing = (
            not force
            and rank == self.rank
            and self._base_text is not None
            and text.startswith(self._base_text)
            and len(text.split()) >= len(self._base_text.split())
        )
        self.text, self.rank = text, rank
        if not words and rank is None:
            self.indices = range(len(self.rows))
            self._base_text = text
            return self.indices
        if narrowing and len(self.indices) > len(self.rows) // 4:
            narrowing = False  # a scan of every haystack runs faster than picking most of them out
        base: Sequence[int] = self.indices if narrowing else range(len(self.rows))
        hays, rows = self.hays, self.rows
        if rank is not None and not narrowing:
            base = [i for i in base if rows[i].rank == rank]
        for word in words:
            # The loop runs in C: substring tests over the haystacks, then pick the matching indices.
            if isinstance(base, range) and len(base) == len(hays):
                base = list(compress(base, map(contains, hays, repeat(word))))
            else:
                base = list(compress(base, map(contains, map(hays.__getitem__, base), repeat(word))))
        self.indices = base if isinstance(base, list) else list(base)
        self._base_text = text
        return self.indices

    def view(self) -> RowsView:
        return RowsView(self.rows, self.indices)

    def position_of(self, contact_id: int, row: Optional[ContactRow] = None) -> Optional[int]:
        """Index in the filtered list of a contact, if shown.

        With the contact's ``row`` this is two binary searches (rows are in name
        order, and the filtered indices ascend); otherwise a scan.
        """
        index = self._row_index(row) if row is not None and row.id == contact_id else None
        if index is None:
            index = self._index_of(contact_id)
            if index is None:
                return None
        position = bisect.bisect_left(self.indices, index)
        if position < len(self.indices) and self.indices[position] == index:
            return position
        return None

    def _row_index(self, row: ContactRow) -> Optional[int]:
        index = bisect.bisect_left(_KeyView(self.rows), (sort_key(row.name), row.id))
        if index < len(self.rows) and self.rows[index].id == row.id:
            return index
        return None

    # Changing single rows after a write (no reload of 100k rows) -----------------------

    def _index_of(self, contact_id: int) -> Optional[int]:
        for index, row in enumerate(self.rows):
            if row.id == contact_id:
                return index
        return None

    def upsert(self, row: ContactRow) -> None:
        """Insert or replace one row, keeping the name order, then refilter."""
        old = self._index_of(row.id)
        if old is not None:
            del self.rows[old]
            del self.hays[old]
        keys = _KeyView(self.rows)
        position = bisect.bisect_left(keys, (sort_key(row.name), row.id))
        self.rows.insert(position, row)
        self.hays.insert(position, haystack(row))
        self.apply(self.text, self.rank, force=True)

    def remove(self, contact_id: int) -> None:
        old = self._index_of(contact_id)
        if old is not None:
            del self.rows[old]
            del self.hays[old]
        self.apply(self.text, self.rank, force=True)

    def names(self) -> list[str]:
        return [row.name for row in self.rows]


class _KeyView(Sequence):
    def __init__(self, rows: list[ContactRow]):
        self.rows = rows

    def __len__(self) -> int:
        return len(self.rows)

    def __getitem__(self, index):  # type: ignore[override]
        row = self.rows[index]
        return (sort_key(row.name), row.id)


# Text helpers -----------------------------------------------------------------------


def days_since(day: Optional[dt.date], today: dt.date) -> Optional[int]:
    return None if day is None else (today - day).days


def cadence_of(cadence_days: Optional[int], rank: Optional[int], ladder: Ladder) -> Optional[int]:
    """The keep-in-touch interval: the contact's override (0 = none), else the level's."""
    if cadence_days is not None:
        return cadence_days or None
    if rank is None:
        return None
    level = ladder.level(rank)
    return level.cadence_days if level else None


def next_touch(last: Optional[dt.date], cadence: Optional[int], today: dt.date) -> Optional[dt.date]:
    if cadence is None:
        return None
    if last is None:
        return today
    return last + dt.timedelta(days=cadence)


def fit(text: str, width: int) -> str:
    """``text`` in exactly ``width`` cells: padded, or cut at a word with an ellipsis."""
    from rich.cells import cell_len, set_cell_size

    if width <= 0:
        return ""
    length = cell_len(text)
    if length <= width:
        return text + " " * (width - length)
    if width == 1:
        return "…"
    cut = set_cell_size(text, width - 1).rstrip()
    space = cut.rfind(" ")
    if space >= max(3, (width - 1) // 2):
        cut = cut[:space].rstrip()
    return set_cell_size(cut + "…", width)
