"""Plain values the core hands to its clients (CLI, TUI, exporters).

Frozen dataclasses with slots: cheap to hold by the hundred thousand, safe to
pass between threads, never bound to a database connection.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Optional


@dataclass(frozen=True, slots=True)
class ContactRow:
    """One line of the contact list."""

    id: int
    name: str
    rank: Optional[int]  # on the ladder the list was built for
    sphere: str
    company: str
    email: str
    tags: tuple[str, ...]
    last_interaction: Optional[dt.date]
    introduced_by: Optional[str] = None
    archived: bool = False
    to_contact: bool = False
    cadence_days: Optional[int] = None


def rows_from_cursor(cursor) -> list[ContactRow]:
    """Contact rows from a cursor's tuples: (id, name, rank, sphere, company, email, tags, last interaction,
    introducer's name, archived_at, to_contact, cadence_days). Equal values (spheres, companies, tag tuples,
    dates) are shared, so 100k rows cost about 30 MB."""
    shared: dict = {}
    share = shared.setdefault
    tag_tuples: dict[str, tuple[str, ...]] = {}
    fromiso = dt.date.fromisoformat
    result = []
    for cid, name, rnk, sph, comp, mail, tags, last, intro, archived_at, to_contact, cadence in cursor:
        tag_tuple = tag_tuples.get(tags)
        if tag_tuple is None:
            tag_tuple = tag_tuples[tags] = tuple(tags.split(",")) if tags else ()
        if last:
            last = fromiso(last) if isinstance(last, str) else last
            last = share(last, last)
        result.append(
            ContactRow(
                cid, name, rnk, share(sph, sph), share(comp, comp), mail, tag_tuple, last or None,
                share(intro, intro) if intro else None, archived_at is not None, bool(to_contact), cadence,
            )
        )
    return result


@dataclass(frozen=True, slots=True)
class Detail:
    kind: str
    label: str
    value: str


@dataclass(frozen=True, slots=True)
class Card:
    """Everything about one contact except the timeline."""

    id: int
    name: str
    sphere: str
    company: str
    title: str
    email: str
    phone: str
    birthday: Optional[str]
    notes: str
    tags: tuple[str, ...]
    introduced_by_id: Optional[int]
    introduced_by: Optional[str]
    ranks: dict[str, int]
    cadence_days: Optional[int]
    to_contact: bool
    review_every_days: Optional[int]
    review_due: Optional[dt.date]
    snoozed_until: Optional[dt.date]
    last_interaction: Optional[dt.date]
    uid: str
    created_at: dt.datetime
    updated_at: dt.datetime
    archived_at: Optional[dt.datetime]
    details: tuple[Detail, ...] = field(default_factory=tuple)


@dataclass(frozen=True, slots=True)
class TimelineEvent:
    id: int
    contact_id: int
    date: dt.date
    kind: str
    summary: str
    ladder: Optional[str] = None
    from_rank: Optional[int] = None
    to_rank: Optional[int] = None
    reason: Optional[str] = None
    direction: Optional[str] = None
    other_id: Optional[int] = None
    other_name: Optional[str] = None
    warning: Optional[str] = None
    data: Optional[str] = None
    created_at: Optional[dt.datetime] = None

    @property
    def is_level_change(self) -> bool:
        return self.kind == LEVEL_CHANGE


LEVEL_CHANGE = "level-change"
# Timeline kind on the new person's timeline when someone named them to you.
# Not an interaction with them: it neither sets last_interaction nor clears to_contact.
INTRODUCED_BY = "introduced-by"


def split_tags(text: str) -> tuple[str, ...]:
    return tuple(tag for tag in text.split(",") if tag) if text else ()


def join_tags(tags) -> str:
    # First occurrence kept, in order; a dict finds repeats in one step (200k tags from a file).
    return ",".join(dict.fromkeys(tag for tag in tags if tag))
