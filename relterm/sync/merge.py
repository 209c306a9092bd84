"""The three-way merge of one contact's fields: the last synced copy (base),
relterm's (ours) and the card's (theirs).

Field by field:

* a field only one side changed takes that side's value;
* a field both sides changed to the same value takes it;
* a list (emails, phones, addresses, tags) both sides changed is merged by
  element: what either side removed is removed, what either added is added,
  relterm's order first (so relterm's primary email stays primary); an added
  email or phone that is one relterm has, written another way (case, spaces,
  a country prefix: ``relterm.merge.phone_key``), is not added twice;
* a scalar (name, company, title, birthday, notes) both sides changed to
  different values is a conflict: the preferred side wins (relterm unless the
  settings say ``prefer: phone``) and the losing value is returned, to be kept
  on the contact's timeline.

With no base (a card met for the first time, linked to an existing contact),
empty values never win over filled ones, and two different filled scalars are
a conflict.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional

from .mapping import FIELDS, LISTS

RELTERM = "relterm"
PHONE = "phone"
SIDES = (RELTERM, PHONE)


@dataclass
class Conflict:
    field: str
    kept: object
    lost: object
    lost_side: str  # "relterm" or "phone"


@dataclass
class Merged:
    fields: dict
    conflicts: list[Conflict] = field(default_factory=list)

    def changed_for(self, side: dict) -> list[str]:
        """The fields whose merged value differs from ``side``'s."""
        return [key for key in FIELDS if self.fields[key] != side[key]]


def _same_key(key: str):
    """How two values of list ``key`` are told apart: emails case aside, phones by their last digits."""
    if key == "emails":
        return lambda value: value.casefold()
    if key == "phones":
        from ..merge import phone_key

        return lambda value: phone_key(value) or value
    return lambda value: value


def _merge_list(base: tuple, ours: tuple, theirs: tuple, key: str = "") -> tuple:
    removed = (set(base) - set(theirs)) | (set(base) - set(ours))
    result = [v for v in ours if v not in removed]
    same = _same_key(key)
    seen = {same(v) for v in result}
    for value in theirs:
        if value not in removed and same(value) not in seen:
            result.append(value)
            seen.add(same(value))
    return tuple(result)


def merge(base: Optional[dict], ours: dict, theirs: dict, prefer: str = RELTERM) -> Merged:
    if prefer not in SIDES:
        raise ValueError(f"prefer must be one of {SIDES}")
    result: dict = {}
    conflicts: list[Conflict] = []
    for key in FIELDS:
        mine, other = ours[key], theirs[key]
        # No base: as if both started empty, so an empty value never wins over a filled one.
        old = base[key] if base is not None else (() if key in LISTS else "")
        if mine == other or other == old:
            result[key] = mine
        elif mine == old:
            result[key] = other
        elif key in LISTS:
            merged = _merge_list(old or (), mine, other, key)
            result[key] = tuple(sorted(merged)) if key == "tags" else merged
        else:
            keep, lose, side = (mine, other, PHONE) if prefer == RELTERM else (other, mine, RELTERM)
            result[key] = keep
            conflicts.append(Conflict(key, keep, lose, side))
    return Merged(result, conflicts)
