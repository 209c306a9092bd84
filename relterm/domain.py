"""Plain values the core hands to its clients (CLI, TUI, exporters).

Frozen dataclasses with slots: cheap to hold by the hundred thousand, safe to
pass between threads, never bound to a database connection.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
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
    added: Optional[dt.date] = None  # the day relterm started tracking them (relterm.rules.date_added)


def rows_from_cursor(cursor) -> list[ContactRow]:
    """Contact rows from a cursor's tuples: (id, name, rank, sphere, company, email, tags, last interaction,
    introducer's name, archived_at, to_contact, cadence_days, date added). Equal values (spheres, companies, tag tuples,
    dates) are shared, so 100k rows cost about 30 MB."""
    shared: dict = {}
    share = shared.setdefault
    tag_tuples: dict[str, tuple[str, ...]] = {}
    added_days: dict[str, dt.date] = {}
    fromiso = dt.date.fromisoformat
    result = []
    printable = True  # every name: whether any needs cleaning for showing (see below)
    for cid, name, rnk, sph, comp, mail, tags, last, intro, archived_at, to_contact, cadence, added in cursor:
        if printable and not name.isprintable():
            printable = False
        tag_tuple = tag_tuples.get(tags)
        if tag_tuple is None:
            tag_tuple = tag_tuples[tags] = tuple(tags.split(",")) if tags else ()
        if last:
            last = fromiso(last) if isinstance(last, str) else last
            last = share(last, last)
        if added:
            day = added_days.get(added)
            if day is None:
                day = added_days[added] = fromiso(added)
            added = day
        result.append(
            ContactRow(
                cid, name, rnk, share(sph, sph), share(comp, comp), mail, tag_tuple, last or None,
                share(intro, intro) if intro else None, archived_at is not None, bool(to_contact), cadence,
                added or None,
            )
        )
    # Text that never passed the cleaning on the way in (an older relterm, sqlite3) is cleaned for
    # showing (names, companies, spheres, tags; the list does not show emails, which the card and the
    # CLI clean). Everything cleaning removes is non-printable: str.isprintable tells when to look
    # closer, for ~10 ms per 100k rows; cleaning every row would cost ~0.1 s.
    from .sanitize import clean_for_display, needs_display_cleaning

    others = " ".join(key for key in (*shared, *tag_tuples) if isinstance(key, str))
    if not printable and any(needs_display_cleaning(row.name) for row in result) or needs_display_cleaning(others):
        result = [
            replace(row, name=clean_for_display(row.name), sphere=clean_for_display(row.sphere),
                    company=clean_for_display(row.company), email=clean_for_display(row.email),
                    tags=tuple(clean_for_display(tag) for tag in row.tags),
                    introduced_by=clean_for_display(row.introduced_by))
            for row in result
        ]
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
    # Changes whenever the contact's row or ranks change; an editor passes it back to
    # ``Core.edit_contact(if_version=...)`` so a change made since it read the card is not overwritten.
    version: str = ""


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


# Timeline kinds that are records about a person, never contact with them (see relterm.rules).
from .rules import INTRODUCED_BY, LEVEL_CHANGE  # noqa: E402,F401


def split_tags(text: str) -> tuple[str, ...]:
    return tuple(tag for tag in text.split(",") if tag) if text else ()


def join_tags(tags) -> str:
    # First occurrence kept, in order; a dict finds repeats in one step (200k tags from a file).
    return ",".join(dict.fromkeys(tag for tag in tags if tag))
