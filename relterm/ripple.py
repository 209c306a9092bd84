"""The ripple of a referral: who else is touched when things go wrong with someone.

A referral gone wrong can hurt two relationships at once: the referred
person's and the referrer's. When a contact who came through someone is
*demoted*, or an interaction with them *went badly*, the people they came
through are touched too, and a follow-up with them may be worth adding.
Nothing is ever changed on those people by the rule: it only says who they are.

The rules, on plain values (no database, no screen):

* **Trigger.** A level change to a lower rank than before is ``demoted``; an
  interaction flagged as having gone badly is ``went-badly``. Placing someone
  on a ladder (no rank before) or a promotion is not a trigger.
* **Came through.** A person came through each contact who *introduced* them
  (their introducer of record), *named* them (an introduction recorded on the
  giver's timeline, or an "introduced by" entry on theirs) or *referred* them
  (a received referral that mentions them). The introducer of record naming
  them is their introduction, not a second way.
* **Touched.** Everyone they came through, once each with every way listed
  (introduced, referred, named), except the person themselves and anyone
  archived. The introducer of record comes first, then the others by the day
  of their earliest link, then by id.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Container, Iterable, Optional

DEMOTED = "demoted"
WENT_BADLY = "went-badly"
TRIGGERS = (DEMOTED, WENT_BADLY)

# The ways someone came through a contact, in the order they are listed.
INTRODUCED = "introduced"
REFERRED = "referred"
NAMED = "named"
WAYS = (INTRODUCED, REFERRED, NAMED)


@dataclass(frozen=True, slots=True)
class Link:
    """``source`` brought ``target`` to you, in the way ``how`` (one of ``WAYS``), on ``date`` (if known)."""

    source: int
    target: int
    how: str
    date: Optional[dt.date] = None


@dataclass(frozen=True, slots=True)
class Touched:
    """One contact a person came through, with every way they did."""

    referrer: int
    ways: tuple[str, ...]
    since: Optional[dt.date] = None  # the earliest link's day


def trigger(*, from_rank: Optional[int] = None, to_rank: Optional[int] = None,
            went_badly: bool = False) -> Optional[str]:
    """What sets a ripple off: ``WENT_BADLY`` for a flagged interaction, ``DEMOTED`` for a move to a
    lower rank than before; None for anything else (a promotion, placing someone on a ladder)."""
    if went_badly:
        return WENT_BADLY
    if from_rank is not None and to_rank is not None and to_rank < from_rank:
        return DEMOTED
    return None


def touched_by(person: int, introducer: Optional[int], links: Iterable[Link], *,
               active: Optional[Container[int]] = None) -> list[Touched]:
    """Who is touched by ``person``'s ripple: everyone they came through (see the module text).

    ``introducer`` is their introducer of record; ``links`` any further ways people brought them
    (links to others are ignored); ``active`` the contacts still in the book (None: all are).
    """
    ways: dict[int, set[str]] = {}
    since: dict[int, Optional[dt.date]] = {}

    def note(source: Optional[int], how: str, date: Optional[dt.date]) -> None:
        if source is None or source == person or how not in WAYS:
            return
        if active is not None and source not in active:
            return
        if how == NAMED and source == introducer:  # the introducer of record naming them is their introduction
            how = INTRODUCED
        ways.setdefault(source, set()).add(how)
        if source not in since or (date is not None and (since[source] is None or date < since[source])):
            since[source] = date

    note(introducer, INTRODUCED, None)
    for link in links:
        if link.target == person:
            note(link.source, link.how, link.date)

    def order(source: int):
        day = since[source]
        return (source != introducer, day is None, day or dt.date.min, source)

    return [Touched(source, tuple(how for how in WAYS if how in ways[source]), since[source])
            for source in sorted(ways, key=order)]
