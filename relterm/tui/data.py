"""The contact list held in memory, its filter, and small text helpers.

Rows are ``relterm.domain.ContactRow`` (slotted, frozen). Each row has a
lower-case "haystack" (name, company, email and tags) so a keystroke in the
filter is one substring test per row, in C; when the new filter text extends
the previous one only the previous matches are searched again.

Rows stay in name order. The health marker (on track / due / overdue) and
the suggestion marker of each contact are kept by contact id, filled in by the
row-loading worker; sorting by urgency walks the rows in a precomputed order
(most days overdue first) instead of moving them.
"""

from __future__ import annotations

import bisect
import datetime as dt
from itertools import compress, repeat
from operator import contains
from dataclasses import dataclass, field
from typing import Optional, Sequence

from ..domain import ContactRow

# Health states (relterm.intel.model) and suggestion actions, as the list shows them.
HEALTH_OVERDUE, HEALTH_DUE, HEALTH_OK, HEALTH_SNOOZED = "overdue", "due", "ok", "snoozed"
NO_URGENCY = 1 << 40  # urgency key of a contact without a cadence: after everyone else
SNOOZED_URGENCY = 1 << 30  # plus the days until the snooze ends: after everyone on track


def urgency_keys(health: dict) -> dict[int, int]:
    """From ``core.intel.health()``: contact id -> sort key, lower is more urgent (minus the days over).

    Run in the loading worker: one pass over the Health values. The key also
    gives the marker (:func:`health_state`), so one small int per contact is
    all the list keeps (100k Health objects would cost ~15 MB).
    """
    keys = {}
    for cid, item in health.items():
        if item.days_over is None:
            keys[cid] = NO_URGENCY
        elif item.days_over >= 0 and item.snoozed_until is not None:
            keys[cid] = SNOOZED_URGENCY + item.snoozed_until.toordinal()
        else:
            keys[cid] = -item.days_over
    return keys


def health_state(key: Optional[int]) -> Optional[str]:
    """The health state an urgency key stands for: "overdue", "due", "ok", "none"; None when unknown."""
    if key is None:
        return None
    if key == NO_URGENCY:
        return "none"
    if key >= SNOOZED_URGENCY:
        return HEALTH_SNOOZED
    return HEALTH_OVERDUE if key < 0 else HEALTH_DUE if key == 0 else HEALTH_OK


def haystack(row: ContactRow) -> str:
    return f"{row.name}\t{row.company}\t{row.email}\t{' '.join(row.tags)}".lower()


from ..rules import sort_key  # noqa: E402  the list's order, as stored in contact.sort_key


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
    sphere: Optional[str] = None  # the matrix view filters to one sphere
    indices: Sequence[int] = field(default_factory=lambda: range(0))
    urgency: dict[int, int] = field(default_factory=dict)  # contact id -> sort key, lower is more urgent
    suggested: dict[int, str] = field(default_factory=dict)  # contact id -> "promote" | "demote"
    by_urgency: bool = False
    _order: Optional[list[int]] = None  # row indices, most urgent first (built when first needed)
    _place: Optional[list[int]] = None  # row index -> its position in _order
    _hays_by_urgency: list[str] = field(default_factory=list)  # copies of the haystacks, in _order

    def load(self, rows: list[ContactRow], hays: Optional[list[str]] = None, *, complete: bool = True) -> None:
        self.rows = rows
        self.hays = hays if hays is not None else [haystack(r) for r in rows]
        self.complete = complete
        self._base_text = None
        self._order = None
        self.apply(self.text, self.rank, force=True)

    _base_text: Optional[str] = None

    # Markers and the urgency order ------------------------------------------------------

    def set_health(self, keys: dict[int, int]) -> None:
        """Urgency keys (from :func:`urgency_keys`) of every contact."""
        self.urgency = keys
        self._order = None
        if self.by_urgency:
            self.apply(self.text, self.rank, force=True)

    def set_sort(self, by_urgency: bool) -> None:
        self.by_urgency = by_urgency
        self.apply(self.text, self.rank, force=True)

    def order(self) -> list[int]:
        """Row indices, most urgent first; equally urgent rows keep the name order."""
        if self._order is None or len(self._order) != len(self.rows):
            urgency = self.urgency
            keys = [urgency.get(row.id, NO_URGENCY) for row in self.rows]
            self._order = order = sorted(range(len(keys)), key=keys.__getitem__)
            place = [0] * len(order)
            for position, index in enumerate(order):
                place[index] = position
            self._place = place
            # New string objects, allocated in urgency order: a filter reads them in sequence.
            # The same strings walked in urgency order would each miss the CPU cache
            # (100k contacts: ~50 ms a keystroke against ~9 ms). A tab never occurs in a typed word.
            hays = self.hays
            self._hays_by_urgency = [hays[i] + "\t" for i in order]
        return self._order

    def apply(self, text: str, rank: Optional[int], *, force: bool = False) -> Sequence[int]:
        """Filter by words (all must occur) and by rank; return the matching indices."""
        text = text.strip().lower()
        words = text.split()
        sphere = self.sphere
        narrowing = (
            not force
            and rank == self.rank
            and self._base_text is not None
            and text.startswith(self._base_text)
            and len(text.split()) >= len(self._base_text.split())
        )
        self.text, self.rank = text, rank
        if not words and rank is None and sphere is None:
            self.indices = self.order() if self.by_urgency else range(len(self.rows))
            self._base_text = text
            return self.indices
        if narrowing and len(self.indices) > len(self.rows) // 4:
            narrowing = False  # a scan of every haystack runs faster than picking most of them out
        hays, rows = self.hays, self.rows
        if self.by_urgency and not narrowing:
            # A fresh scan in urgency order: the first word over the haystacks kept in that order.
            order = self.order()
            base: Sequence[int] = order
            if words:
                base = list(compress(order, map(contains, self._hays_by_urgency, repeat(words[0]))))
                words = words[1:]
            narrowing = True  # the rank, sphere and other words below narrow ``base``
            if rank is not None:
                base = [i for i in base if rows[i].rank == rank]
            if sphere is not None:
                base = [i for i in base if rows[i].sphere == sphere]
        else:
            # Narrowing keeps the order of the previous matches.
            base = self.indices if narrowing else range(len(self.rows))
        if rank is not None and not narrowing:
            base = [i for i in base if rows[i].rank == rank]
        if sphere is not None and not narrowing:
            base = [i for i in base if rows[i].sphere == sphere]
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
        if self.by_urgency:
            # The indices ascend in urgency position.
            self.order()  # rebuilt only when stale
            place = self._place
            assert place is not None
            position = bisect.bisect_left(self.indices, place[index], key=place.__getitem__)
            if position < len(self.indices) and self.indices[position] == index:
                return position
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
        self.upsert_many([row])

    def upsert_many(self, rows: list[ContactRow], gone: set[int] = frozenset()) -> None:
        """Insert or replace rows (and drop the ids in ``gone``), keeping the name order; refilter once."""
        wanted = {row.id for row in rows} | set(gone)
        for index in reversed([i for i, r in enumerate(self.rows) if r.id in wanted]):
            del self.rows[index]
            del self.hays[index]
        keys = _KeyView(self.rows)
        for row in rows:
            position = bisect.bisect_left(keys, (sort_key(row.name), row.id))
            self.rows.insert(position, row)
            self.hays.insert(position, haystack(row))
        self._order = None
        self.apply(self.text, self.rank, force=True)

    def remove(self, contact_id: int) -> None:
        old = self._index_of(contact_id)
        if old is not None:
            del self.rows[old]
            del self.hays[old]
        self._order = None
        self.apply(self.text, self.rank, force=True)

    def names(self) -> list[str]:
        return [row.name for row in self.rows]

    def first_name_starting(self, prefix: str) -> Optional[str]:
        """The first name in the list's order whose case-folded form starts with ``prefix`` (case-folded).

        What ``SuggestFromList(names(), case_sensitive=False)`` suggests, without building the list
        of 100k names when a popup opens: the rows are in ``sort_key`` order, and a name that starts
        with an ASCII prefix has a sort key that starts with it, so a binary search finds where such
        names begin. Other prefixes (accents, other scripts) are looked for in every name.
        """
        rows = self.rows
        if not prefix.isascii():
            return next((row.name for row in rows if row.name.casefold().startswith(prefix)), None)
        key = sort_key(prefix)
        index = bisect.bisect_left(_KeyView(rows), (key,))
        while index < len(rows):
            name = rows[index].name
            if not sort_key(name).startswith(key):
                return None
            if name.casefold().startswith(prefix):
                return name
            index += 1
        return None


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


def share_width(rest: int, name_need: int, company_need: int) -> tuple[int, int]:
    """Widths (cells) of a name and a company column sharing ``rest`` cells, by what each needs.

    Both fit: each gets what it needs and the spare cells are split. Else the name, by which a
    person is found, keeps what it needs while that leaves the company two fifths; else a column
    that needs less than half keeps what it needs and the other takes the rest; else they share
    in proportion to what they need. A cut costs a whole word (``fit``), so one cell short of the
    widest name must not cut it while the company column has a cell to spare.
    """
    if name_need + company_need <= rest:
        extra = rest - name_need - company_need
        return name_need + extra // 2, company_need + extra - extra // 2
    if name_need <= rest * 3 // 5:
        return name_need, rest - name_need
    if company_need <= rest // 2:
        return rest - company_need, company_need
    name = rest * name_need // (name_need + company_need)
    return name, rest - name
