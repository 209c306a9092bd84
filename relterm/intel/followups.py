"""The ripple of a referral, read from the store, and the follow-ups it suggests.

``ripple_for_event`` answers, for one timeline entry, whether it sets a ripple
off (``relterm.ripple.trigger``: a demotion, an interaction that went badly)
and who is touched (``relterm.ripple.touched_by``: everyone the person came
through). It reads; it writes nothing. A follow-up is added only when the user
says so (``add_follow_up``), never changes anything on the person it is with,
and is marked done or dismissed (or opened again) by ``close_follow_up``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Optional

from .. import ripple as rules
from .. import store
from ..clock import now as _now
from ..dates import as_date
from ..domain import INTRODUCED_BY, LEVEL_CHANGE, TimelineEvent
from ..errors import InputError, NotFoundError
from ..sanitize import clean_text
from ..store import FollowUp as FollowUpRow
from .ledger import is_referral
from .model import _clean

INTRODUCED = "introduced"  # relterm.intel.circles.INTRODUCED: the giver's side of an introduction

OPEN = "open"
DONE = "done"
DISMISSED = "dismissed"
STATUSES = (OPEN, DONE, DISMISSED)

MAX_ID = 2**63 - 1


@dataclass(frozen=True, slots=True)
class RippleItem:
    """One contact touched by someone's ripple."""

    contact_id: int
    name: str
    rank: Optional[int]
    level_name: Optional[str]
    ways: tuple[str, ...]  # relterm.ripple.WAYS they brought the person: introduced, referred, named
    open_follow_up: Optional[int] = None  # an open follow-up with them about the person, already there

    def __post_init__(self) -> None:
        _clean(self, "name", "level_name")


@dataclass(frozen=True, slots=True)
class Ripple:
    """What one entry set off: who it was about, why, and who else is touched."""

    contact_id: int
    name: str
    trigger: str  # relterm.ripple.DEMOTED | WENT_BADLY
    event: TimelineEvent
    touched: tuple[RippleItem, ...]

    def __post_init__(self) -> None:
        _clean(self, "name")


@dataclass(frozen=True, slots=True)
class FollowUp:
    """Something to take up with a contact, usually the one another came through."""

    id: int
    contact_id: int
    name: str
    rank: Optional[int]
    level_name: Optional[str]
    about_id: Optional[int]
    about: Optional[str]
    reason: str
    trigger: Optional[str]
    event_id: Optional[int]
    created: Optional[dt.date]
    status: str
    closed_on: Optional[dt.date] = None

    def __post_init__(self) -> None:
        _clean(self, "name", "level_name", "about", "reason", "trigger", "status")


# The ripple ---------------------------------------------------------------------------------------


def links_to(core, cid: int) -> list[rules.Link]:
    """Every way someone brought ``cid`` to you besides their introducer of record, from the timeline:
    introductions recorded on the giver's timeline or as "introduced by" on theirs, and received
    referrals that mention them."""
    links = []
    rows = core.db.execute_sql(
        "SELECT contact_id, kind, direction, MIN(date) FROM event WHERE other_id = ? AND contact_id != ? "
        "GROUP BY contact_id, kind, direction", (cid, cid)).fetchall()
    for source, kind, direction, day in rows:
        if kind == INTRODUCED:
            links.append(rules.Link(source, cid, rules.NAMED, as_date(day)))
        elif direction == "received" and is_referral(kind or ""):
            links.append(rules.Link(source, cid, rules.REFERRED, as_date(day)))
    for source, day in core.db.execute_sql(
            "SELECT other_id, MIN(date) FROM event WHERE contact_id = ? AND kind = ? AND other_id IS NOT NULL "
            "GROUP BY other_id", (cid, INTRODUCED_BY)).fetchall():
        links.append(rules.Link(source, cid, rules.NAMED, as_date(day)))
    return links


def touched(core, cid: int) -> tuple[RippleItem, ...]:
    """Everyone ``cid`` came through (relterm.ripple.touched_by), with their level and any open
    follow-up with them about ``cid``."""
    person = core.contact_record(cid)
    links = links_to(core, cid)
    candidates = {link.source for link in links} | ({person.introduced_by_id} - {None})
    if not candidates:
        return ()
    marks = ",".join("?" * len(candidates))
    key = core.config.default_ladder
    info = {
        other: (name, rank) for other, name, rank in core.db.execute_sql(
            "SELECT c.id, c.name, l.rank FROM contact c "
            "LEFT JOIN contact_level l ON l.contact_id = c.id AND l.ladder = ? "
            f"WHERE c.archived_at IS NULL AND c.id IN ({marks})", [key, *candidates]).fetchall()
    }
    open_ones = {
        other: fid for other, fid in core.db.execute_sql(
            "SELECT contact_id, MIN(id) FROM follow_up WHERE about_id = ? AND status = ? GROUP BY contact_id",
            (cid, OPEN)).fetchall()
    }
    ladder = core.config.ladder
    return tuple(
        RippleItem(t.referrer, info[t.referrer][0], info[t.referrer][1], ladder.level_name(info[t.referrer][1]),
                   t.ways, open_ones.get(t.referrer))
        for t in rules.touched_by(cid, person.introduced_by_id, links, active=info)
    )


def ripple_for_event(core, event_id: int) -> Optional[Ripple]:
    """The ripple timeline entry ``event_id`` sets off, or None: not a trigger (relterm.ripple.trigger),
    or nobody else is touched. A demotion on any ladder counts."""
    entry = core.timeline_entry(event_id)
    if entry.kind == LEVEL_CHANGE:
        trigger = rules.trigger(from_rank=entry.from_rank, to_rank=entry.to_rank)
    else:
        trigger = rules.trigger(went_badly=entry.went_badly)
    if trigger is None:
        return None
    items = touched(core, entry.contact_id)
    if not items:
        return None
    return Ripple(entry.contact_id, core.contact_record(entry.contact_id).name, trigger, entry, items)


def latest_level_change(core, cid: int, ladder: Optional[str] = None) -> Optional[int]:
    """The id of the level change written last for ``cid`` on ``ladder`` (default: the default ladder)."""
    key, _ = core.ladder(ladder)
    row = core.db.execute_sql(
        "SELECT MAX(id) FROM event WHERE contact_id = ? AND kind = ? AND ladder = ?", (cid, LEVEL_CHANGE, key)
    ).fetchone()
    return row[0] if row else None


# Follow-ups ---------------------------------------------------------------------------------------


def _follow_up_id(value) -> int:
    text = str(value).strip().removeprefix("#")
    if not (text.isascii() and text.isdigit()) or len(text) > 19 or not 0 < int(text) <= MAX_ID:
        raise NotFoundError(f"no follow-up with id {text[:30]}; `relterm follow-ups --all` lists them")
    return int(text)


def add_follow_up(core, cid: int, *, about: Optional[int] = None, reason: str = "", trigger: Optional[str] = None,
                  event_id: Optional[int] = None) -> tuple[int, bool]:
    """Add a follow-up with ``cid`` (about ``about``); return (its id, whether it is new).

    An open follow-up with the same person about the same person is not added twice: its id comes
    back with False. Nothing else about ``cid`` (level, cadence) changes."""
    if about is not None and about == cid:
        raise InputError("a follow-up is with someone about someone else; give another person with --about")
    if trigger is not None and trigger not in rules.TRIGGERS:
        raise InputError(f"unknown ripple trigger {trigger!r}")
    reason = clean_text(reason)
    with store.write(core.db):
        contact = core.contact_record(cid)
        if contact.archived_at is not None:
            raise InputError(f"{contact.name} is archived; `relterm restore` brings them back first")
        if about is not None:
            core.contact_record(about)
        if event_id is not None:
            core.timeline_entry(event_id)
        query = FollowUpRow.select(FollowUpRow.id).where(
            (FollowUpRow.contact == cid) & (FollowUpRow.status == OPEN)
            & (FollowUpRow.about.is_null() if about is None else FollowUpRow.about == about))
        existing = query.order_by(FollowUpRow.id).scalar()
        if existing is not None:
            return existing, False
        row = FollowUpRow.create(contact=cid, about=about, event=event_id, trigger=trigger, reason=reason,
                                 created_at=_now(), status=OPEN)
    return row.id, True


def follow_ups(core, *, status: Optional[str] = OPEN, contact: Optional[int] = None,
               ids: Optional[list[int]] = None) -> list[FollowUp]:
    """Follow-ups oldest first: open ones by default (``status`` None: all), with active contacts only
    unless asked for by ``contact`` or ``ids``."""
    where, params = [], []
    if status is not None:
        where.append("f.status = ?")
        params.append(status)
    if contact is not None:
        where.append("f.contact_id = ?")
        params.append(contact)
    if ids is not None:
        where.append(f"f.id IN ({','.join('?' * len(ids)) or 'NULL'})")
        params += list(ids)
    if contact is None and ids is None:
        where.append("c.archived_at IS NULL")
    sql = (
        "SELECT f.id, f.contact_id, c.name, l.rank, f.about_id, a.name, f.reason, f.trigger, f.event_id, "
        " f.created_at, f.status, f.closed_on "
        "FROM follow_up f JOIN contact c ON c.id = f.contact_id "
        "LEFT JOIN contact a ON a.id = f.about_id "
        "LEFT JOIN contact_level l ON l.contact_id = f.contact_id AND l.ladder = ? "
        + ("WHERE " + " AND ".join(where) if where else "") + " ORDER BY f.created_at, f.id"
    )
    ladder = core.config.ladder
    return [
        FollowUp(fid, cid, name, rank, ladder.level_name(rank), about_id, about, reason or "", trigger, event_id,
                 as_date(created), status, as_date(closed))
        for fid, cid, name, rank, about_id, about, reason, trigger, event_id, created, status, closed
        in core.db.execute_sql(sql, [core.config.default_ladder, *params]).fetchall()
    ]


def follow_up(core, fid) -> FollowUp:
    number = _follow_up_id(fid)
    found = follow_ups(core, status=None, ids=[number])
    if not found:
        raise NotFoundError(f"no follow-up with id {number}; `relterm follow-ups --all` lists them")
    return found[0]


def close_follow_up(core, fid, status: str, *, today: Optional[dt.date] = None) -> FollowUp:
    """Mark a follow-up ``done`` or ``dismissed`` (on ``today``), or ``open`` again; return it as it is now."""
    if status not in STATUSES:
        raise InputError(f"a follow-up is {', '.join(STATUSES)}, not {status!r}")
    number = _follow_up_id(fid)
    from ..dates import today as _today

    day = today or _today()
    with store.write(core.db):
        current = follow_up(core, number)
        if current.status == status:
            shown = "open" if status == OPEN else f"already {status}"
            raise InputError(f"follow-up {number} with {current.name} is {shown}; nothing changed")
        FollowUpRow.update(status=status, closed_on=None if status == OPEN else day).where(
            FollowUpRow.id == number).execute()
    return follow_up(core, number)
