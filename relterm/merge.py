"""Duplicates: finding likely ones, merging two contacts into one, and undoing the last merge.

``find_duplicates`` pairs active contacts that share an email or a phone
(their main ones and their further details), the same name (case and accents
aside, ``rules.sort_key``) or a nearly identical name (rapidfuzz), each pair
with the evidence.

``merge(core, keep, other)`` makes ``keep`` the one contact: ``other``'s
interactions and notes on the timeline move to it, people ``other``
introduced, entries mentioning ``other`` and follow-ups with or about them
point to it, empty fields are
filled from ``other``, a differing email or phone is kept as a further
detail, tags and notes are joined, and on every ladder the higher rank wins
(a level-change entry on ``keep`` says why). ``other`` is archived, keeping
its own level history. ``plan_merge`` says all of this before anything is
written. What is needed to put both back is kept (table ``undo``, kind
``merge``) until the next merge: ``undo_merge``.

No screen code: the CLI and the app both call these.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Optional

from . import rules, store
from .clock import now as _now
from .domain import LEVEL_CHANGE, join_tags, split_tags
from .errors import InputError
from .store import Contact, ContactDetail, ContactLevel, Event, FollowUp, UndoRecord

UNDO_KIND = "merge"
NEAR_NAME = 94  # rapidfuzz ratio of the folded names: "Jon Smith" ~ "John Smith" (95), not "Willie Marks" ~ "Parks" (92)
_FILLED = ("company", "title", "email", "phone", "birthday", "url")


# Finding duplicates --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class DuplicatePair:
    """Two active contacts that may be one person, lower id first, with why."""

    a_id: int
    a_name: str
    b_id: int
    b_name: str
    evidence: tuple[str, ...]


def phone_key(value: str) -> Optional[str]:
    """A phone number compared by its last nine digits (country prefixes aside); None below seven digits."""
    digits = re.sub(r"[^0-9]", "", value or "")
    return digits[-9:] if len(digits) >= 7 else None


def find_duplicates(core) -> list[DuplicatePair]:
    """Likely duplicates among active contacts: shared email or phone first, then names."""
    db = core.db
    names: dict[int, str] = {}
    keys: dict[int, str] = {}
    by_email: dict[str, set[int]] = {}
    by_phone: dict[str, set[int]] = {}
    for cid, name, key, email, phone in db.execute_sql(
            "SELECT id, name, sort_key, email, phone FROM contact WHERE archived_at IS NULL"):
        names[cid] = name
        keys[cid] = key or rules.sort_key(name)
        if email and email.strip():
            by_email.setdefault(email.strip().casefold(), set()).add(cid)
        if phone_key(phone):
            by_phone.setdefault(phone_key(phone), set()).add(cid)
    for cid, kind, value in db.execute_sql(
            "SELECT d.contact_id, d.kind, d.value FROM contact_detail d JOIN contact c ON c.id = d.contact_id "
            "WHERE c.archived_at IS NULL AND d.kind IN ('email', 'phone')"):
        if kind == "email" and value.strip():
            by_email.setdefault(value.strip().casefold(), set()).add(cid)
        elif kind == "phone" and phone_key(value):
            by_phone.setdefault(phone_key(value), set()).add(cid)
    evidence: dict[tuple[int, int], list[str]] = {}

    def note(ids, why: str) -> None:
        ordered = sorted(ids)
        for i, a in enumerate(ordered):
            for b in ordered[i + 1:i + 50]:  # a value shared by a crowd (a company switchboard): the first few
                reasons = evidence.setdefault((a, b), [])
                if why not in reasons:
                    reasons.append(why)

    for email, ids in by_email.items():
        if len(ids) > 1:
            note(ids, f"same email {email}")
    for phone, ids in by_phone.items():
        if len(ids) > 1:
            note(ids, f"same phone (…{phone[-4:]})")
    by_key: dict[str, list[int]] = {}
    for cid, key in keys.items():
        by_key.setdefault(key, []).append(cid)
    for key, ids in by_key.items():
        if len(ids) > 1:
            note(ids, "same name")
    for a, b, score in _near_names(by_key):
        note((a, b), f"near-identical names ({score:.0f}% alike)")
    def strength(pair: DuplicatePair) -> int:
        if any(r.startswith(("same email", "same phone")) for r in pair.evidence):
            return 0
        return 1 if "same name" in pair.evidence else 2

    pairs = [DuplicatePair(a, names[a], b, names[b], tuple(reasons)) for (a, b), reasons in evidence.items()]
    pairs.sort(key=lambda p: (strength(p), rules.sort_key(p.a_name), p.a_id, p.b_id))
    return pairs


def _near_names(by_key: dict[str, list[int]]) -> list[tuple[int, int, float]]:
    """Pairs of different folded names at least NEAR_NAME alike, compared within blocks of the same first
    two letters (rapidfuzz, in C); names that differ in their digits are different names.

    Two names that alike differ in length by little: rapidfuzz's ratio is 100 * (1 - d / (la + lb)) for
    an edit distance d of at least lb - la, so lb can be at most la * (1 + f) / (1 - f) with f the share
    of difference allowed. Each name is compared with the names of its block that are as long or longer,
    up to that length (a block sorted by length, cut with bisect), instead of with all of them: the same
    pairs, from a tenth of the comparisons (100k contacts: 73 million before)."""
    from bisect import bisect_right

    from rapidfuzz import fuzz, process

    share = (100 - NEAR_NAME) / 100
    stretch = (1 + share) / (1 - share)
    blocks: dict[str, list[str]] = {}
    for key in by_key:
        blocks.setdefault(key[:2], []).append(key)
    found = []
    for block in blocks.values():
        if len(block) < 2:
            continue
        block.sort(key=len)
        lengths = [len(key) for key in block]
        for i, key in enumerate(block[:-1]):
            end = bisect_right(lengths, int(lengths[i] * stretch) + 1, i + 1)
            if end <= i + 1:
                continue
            rest = block[i + 1:end]
            digits = None
            for _, score, j in process.extract(key, rest, scorer=fuzz.ratio, score_cutoff=NEAR_NAME, limit=None):
                if digits is None:
                    digits = re.findall(r"[0-9]+", key)
                if re.findall(r"[0-9]+", rest[j]) != digits:
                    continue
                for a in by_key[key]:
                    for b in by_key[rest[j]]:
                        found.append((min(a, b), max(a, b), score))
    return found


# Merging ----------------------------------------------------------------------------------------


@dataclass
class MergePlan:
    """What merging ``other`` into ``keep`` does (``plan_merge``) or did (``merge``)."""

    keep_id: int
    keep_name: str
    other_id: int
    other_name: str
    filled: dict[str, str] = field(default_factory=dict)  # empty field of keep -> other's value
    kept: dict[str, tuple[str, str]] = field(default_factory=dict)  # field -> (keep's value, other's, dropped)
    new_details: list[tuple[str, str, str]] = field(default_factory=list)  # (kind, label, value) added to keep
    moved_details: int = 0
    tags: tuple[str, ...] = ()
    notes_joined: bool = False
    ranks: dict[str, tuple[Optional[int], Optional[int], Optional[int]]] = field(default_factory=dict)
    events_moved: int = 0
    introduced_moved: int = 0  # people other introduced, now introduced by keep
    mentions_moved: int = 0  # entries on other timelines that named other
    introducer: Optional[str] = None  # keep's introducer afterwards


def _row(core, table: str, cid: int) -> dict:
    cursor = core.db.execute_sql(f'SELECT * FROM "{table}" WHERE id = ?', (cid,))
    row = cursor.fetchone()
    return dict(zip([c[0] for c in cursor.description], row)) if row else {}


def _check_pair(core, keep: int, other: int) -> tuple[Contact, Contact]:
    if keep == other:
        raise InputError("give two different contacts to merge")
    a, b = core.contact_record(keep), core.contact_record(other)
    for contact in (a, b):
        if contact.archived_at is not None:
            raise InputError(f"{contact.name} (id {contact.id}) is archived; `relterm restore {contact.id}` first")
    return a, b


def plan_merge(core, keep: int, other: int) -> MergePlan:
    """What ``merge(core, keep, other)`` would do; nothing is written."""
    a, b = _check_pair(core, keep, other)
    plan = MergePlan(a.id, a.name, b.id, b.name)
    have = {(kind, value.strip().casefold()) for kind, value in
            ContactDetail.select(ContactDetail.kind, ContactDetail.value).where(ContactDetail.contact == a.id).tuples()}
    for name in _FILLED:
        mine, theirs = (getattr(a, name) or ""), (getattr(b, name) or "")
        if not theirs.strip() or theirs.strip().casefold() == mine.strip().casefold():
            continue
        if not mine.strip():
            plan.filled[name] = theirs
        elif name in ("email", "phone", "url"):  # B's own differing one stays, as a further detail
            if (name, theirs.strip().casefold()) not in have:
                plan.new_details.append((name, f"from {b.name}", theirs))
                have.add((name, theirs.strip().casefold()))
        else:
            plan.kept[name] = (mine, theirs)
    for kind, value in ContactDetail.select(ContactDetail.kind, ContactDetail.value).where(
            ContactDetail.contact == b.id).tuples():
        if (kind, value.strip().casefold()) not in have:
            plan.moved_details += 1
            have.add((kind, value.strip().casefold()))
    plan.tags = tuple(dict.fromkeys(split_tags(a.tags) + split_tags(b.tags)))
    plan.notes_joined = bool(b.notes.strip()) and b.notes.strip() not in a.notes
    ranks_a = dict(ContactLevel.select(ContactLevel.ladder, ContactLevel.rank).where(ContactLevel.contact == a.id).tuples())
    ranks_b = dict(ContactLevel.select(ContactLevel.ladder, ContactLevel.rank).where(ContactLevel.contact == b.id).tuples())
    for ladder in dict.fromkeys(list(ranks_a) + list(ranks_b)):
        mine, theirs = ranks_a.get(ladder), ranks_b.get(ladder)
        result = theirs if mine is None or (theirs is not None and theirs > mine) else mine
        plan.ranks[ladder] = (mine, theirs, result)
    plan.events_moved = Event.select().where((Event.contact == b.id) & (Event.kind != LEVEL_CHANGE)).count()
    plan.introduced_moved = Contact.select().where(
        (Contact.introduced_by == b.id) & (Contact.id != a.id)).count()
    plan.mentions_moved = Event.select().where((Event.other == b.id) & (Event.contact != b.id)).count()
    introducer = a.introduced_by_id if a.introduced_by_id not in (None, b.id) else (
        b.introduced_by_id if b.introduced_by_id != a.id else None)
    plan.introducer = core.contact_record(introducer).name if introducer is not None else None
    return plan


def merge(core, keep: int, other: int) -> MergePlan:
    """Merge ``other`` into ``keep`` (see the module text), all or nothing; return the plan carried out."""
    now = _now()
    with store.write(core.db):
        plan = plan_merge(core, keep, other)
        a, b = core.contact_record(keep), core.contact_record(other)
        snapshot = {
            "keep": _row(core, "contact", a.id), "other": _row(core, "contact", b.id),
            "keep_levels": [list(r) for r in ContactLevel.select(ContactLevel.ladder, ContactLevel.rank)
                            .where(ContactLevel.contact == a.id).tuples()],
        }
        moved_events = [eid for (eid,) in Event.select(Event.id).where(
            (Event.contact == b.id) & (Event.kind != LEVEL_CHANGE)).tuples()]
        intro_ids = [cid for (cid,) in Contact.select(Contact.id).where(
            (Contact.introduced_by == b.id) & (Contact.id != a.id)).tuples()]
        mention_ids = [eid for (eid,) in Event.select(Event.id).where(
            (Event.other == b.id) & (Event.contact != b.id)).tuples()]
        # Follow-ups with or about the other move to the one kept (one that would then be about themselves stays).
        follow_with = [fid for (fid,) in FollowUp.select(FollowUp.id).where(
            (FollowUp.contact == b.id) & (FollowUp.about.is_null() | (FollowUp.about != a.id))).tuples()]
        follow_about = [fid for (fid,) in FollowUp.select(FollowUp.id).where(
            (FollowUp.about == b.id) & (FollowUp.contact != a.id)).tuples()]
        have = {(kind, value.strip().casefold()) for kind, value in ContactDetail.select(
            ContactDetail.kind, ContactDetail.value).where(ContactDetail.contact == a.id).tuples()}
        have |= {(kind, value.strip().casefold()) for kind, _, value in plan.new_details}
        moved_details = []
        for did, kind, value in ContactDetail.select(ContactDetail.id, ContactDetail.kind, ContactDetail.value).where(
                ContactDetail.contact == b.id).tuples():
            if (kind, value.strip().casefold()) not in have:
                moved_details.append(did)
                have.add((kind, value.strip().casefold()))
        position = (ContactDetail.select(ContactDetail.position).where(ContactDetail.contact == a.id)
                    .order_by(ContactDetail.position.desc()).scalar() or 0) + 1
        created_details = []
        for offset, (kind, label, value) in enumerate(plan.new_details):
            created_details.append(ContactDetail.create(
                contact=a.id, kind=kind, label=label, value=value, position=position + offset).id)
        if moved_details:
            ContactDetail.update(contact=a.id).where(ContactDetail.id.in_(moved_details)).execute()
        if moved_events:
            Event.update(contact=a.id).where(Event.id.in_(moved_events)).execute()
        if intro_ids:
            Contact.update(introduced_by=a.id).where(Contact.id.in_(intro_ids)).execute()
        if mention_ids:
            Event.update(other=a.id).where(Event.id.in_(mention_ids)).execute()
        if follow_with:
            FollowUp.update(contact=a.id).where(FollowUp.id.in_(follow_with)).execute()
        if follow_about:
            FollowUp.update(about=a.id).where(FollowUp.id.in_(follow_about)).execute()
        created_events = []
        for ladder, (mine, theirs, result) in plan.ranks.items():
            if result == mine:
                continue
            label = core.config.ladders[ladder].label if ladder in core.config.ladders else str
            created_events.append(Event.create(
                contact=a.id, date=now.date(), kind=LEVEL_CHANGE, ladder=ladder, from_rank=mine, to_rank=result,
                reason=f"merged with {b.name} (id {b.id}), who stood at {label(theirs)}", summary="",
                created_at=now).id)
            if mine is None:
                ContactLevel.create(contact=a.id, ladder=ladder, rank=result)
            else:
                ContactLevel.update(rank=result).where(
                    (ContactLevel.contact == a.id) & (ContactLevel.ladder == ladder)).execute()
        changes: dict = dict(plan.filled)
        if "birthday" in changes and not changes["birthday"]:
            changes.pop("birthday")
        changes["tags"] = join_tags(plan.tags)
        if plan.notes_joined:
            changes["notes"] = f"{a.notes.rstrip()}\n\n{b.notes.strip()}" if a.notes.strip() else b.notes.strip()
        for name in ("cadence_days", "review_every_days", "review_due", "snoozed_until"):
            if getattr(a, name) is None and getattr(b, name) is not None:
                changes[name] = getattr(b, name)
        changes["to_contact"] = bool(a.to_contact and b.to_contact)
        introducer = a.introduced_by_id if a.introduced_by_id not in (None, b.id) else (
            b.introduced_by_id if b.introduced_by_id != a.id else None)
        changes["introduced_by"] = introducer
        changes["updated_at"] = now
        Contact.update(changes).where(Contact.id == a.id).execute()
        Contact.update(archived_at=now, updated_at=now).where(Contact.id == b.id).execute()
        core._refresh_last_interaction(a.id)
        UndoRecord.replace(kind=UNDO_KIND, created_at=now, data=json.dumps({
            **snapshot, "moved_events": moved_events, "intro_ids": intro_ids, "mention_ids": mention_ids,
            "follow_with": follow_with, "follow_about": follow_about,
            "moved_details": moved_details, "created_details": created_details, "created_events": created_events,
        }, default=str)).execute()
    return plan


def last_merge(core) -> Optional[tuple[int, str, int, str]]:
    """(keep id, keep name, other id, other name) of the merge ``undo_merge`` would take back, or None."""
    record = UndoRecord.get_or_none(UndoRecord.kind == UNDO_KIND)
    if record is None:
        return None
    data = json.loads(record.data)
    return data["keep"]["id"], data["keep"]["name"], data["other"]["id"], data["other"]["name"]


def undo_merge(core) -> tuple[int, int]:
    """Put back both contacts of the last merge as they were; return (keep id, other id).

    Entries logged with the kept contact since the merge stay with it."""
    with store.write(core.db):
        record = UndoRecord.get_or_none(UndoRecord.kind == UNDO_KIND)
        if record is None:
            raise InputError("no merge to undo (only the last merge can be undone, once)")
        data = json.loads(record.data)
        keep, other = data["keep"], data["other"]
        for row in (keep, other):
            if Contact.get_or_none(Contact.id == row["id"]) is None:
                raise InputError(f"{row['name']} (id {row['id']}) is gone from the database; the merge cannot be undone")
        db = core.db
        a, b = keep["id"], other["id"]
        if data["created_events"]:
            Event.delete().where(Event.id.in_(data["created_events"])).execute()
        if data["created_details"]:
            ContactDetail.delete().where(ContactDetail.id.in_(data["created_details"])).execute()
        if data["moved_details"]:
            ContactDetail.update(contact=b).where(
                ContactDetail.id.in_(data["moved_details"]) & (ContactDetail.contact == a)).execute()
        if data["moved_events"]:
            Event.update(contact=b).where(Event.id.in_(data["moved_events"]) & (Event.contact == a)).execute()
        if data["intro_ids"]:
            Contact.update(introduced_by=b).where(
                Contact.id.in_(data["intro_ids"]) & (Contact.introduced_by == a)).execute()
        if data["mention_ids"]:
            Event.update(other=b).where(Event.id.in_(data["mention_ids"]) & (Event.other == a)).execute()
        if data.get("follow_with"):  # undo records from before follow-ups have none
            FollowUp.update(contact=b).where(FollowUp.id.in_(data["follow_with"]) & (FollowUp.contact == a)).execute()
        if data.get("follow_about"):
            FollowUp.update(about=b).where(FollowUp.id.in_(data["follow_about"]) & (FollowUp.about == a)).execute()
        ContactLevel.delete().where(ContactLevel.contact == a).execute()
        for ladder, rank in data["keep_levels"]:
            ContactLevel.create(contact=a, ladder=ladder, rank=rank)
        for row in (keep, other):
            columns = [c for c in row if c != "id"]
            db.execute_sql(f'UPDATE contact SET {", ".join(f"{chr(34)}{c}{chr(34)} = ?" for c in columns)} '
                           "WHERE id = ?", [row[c] for c in columns] + [row["id"]])
        core._refresh_last_interaction(a)
        core._refresh_last_interaction(b)
        record.delete_instance()
    return a, b
