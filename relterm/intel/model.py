"""Plain values the relationship intelligence hands to its clients.

Frozen slotted dataclasses like ``relterm.domain``: cheap by the hundred
thousand and never bound to a database connection.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Optional

from ..sanitize import clean_for_display, needs_display_cleaning

# Agenda item kinds, in the order the agenda lists them.
KEEP_IN_TOUCH = "keep-in-touch"
REVIEW = "review"
TO_CONTACT = "to-contact"
BIRTHDAY = "birthday"
ITEM_KINDS = (KEEP_IN_TOUCH, REVIEW, TO_CONTACT, BIRTHDAY)

# Health states of a contact's keep-in-touch cadence, and the health itself: see relterm.rules.
from ..rules import DUE, NO_CADENCE, ON_TRACK, OVERDUE, Health  # noqa: E402,F401


def _clean(obj, *names: str) -> None:
    """Clean the named text fields of a frozen value for showing: names read back from the database may
    never have passed the cleaning on the way in (an older relterm, sqlite3). One search each when clean."""
    for name in names:
        value = getattr(obj, name)
        if value and needs_display_cleaning(value):
            object.__setattr__(obj, name, clean_for_display(value))


@dataclass(frozen=True, slots=True)
class AgendaItem:
    """One thing to do: keep in touch, hold a review, contact a name, wish a happy birthday."""

    item: str  # one of ITEM_KINDS
    contact_id: int
    name: str
    rank: Optional[int]
    level_name: Optional[str]
    due_on: dt.date
    days_over: int  # today - due_on: > 0 late, 0 today, < 0 upcoming
    status: str  # "overdue" | "due" | "upcoming"
    detail: str  # one human line, e.g. "last contact 75 days ago; every 45 days"
    last_interaction: Optional[dt.date] = None
    cadence_days: Optional[int] = None
    introduced_by: Optional[str] = None
    age: Optional[int] = None  # birthdays with a known year: the age they turn
    snoozed_until: Optional[dt.date] = None  # set only when snoozed items were asked for

    def __post_init__(self) -> None:
        _clean(self, "name", "level_name", "detail", "introduced_by")


@dataclass(frozen=True, slots=True)
class IntroResult:
    """One name recorded by ``introduce``."""

    contact_id: int
    name: str
    created: bool  # a new contact (at the introduced rung, to contact)
    introducer_set: bool  # introduced_by was empty and now names the introducer
    event_id: int  # the entry on the introducer's timeline
    matched: str = "new"  # how the name was found: "new", "id", "exact", "prefix" (see circles.match_name)
    query: str = ""  # the name as given
    kept_introducer: Optional[str] = None  # they already had this other introducer, left unchanged
    replaced_introducer: Optional[str] = None  # their introducer before --replace made it this one
    other_ways: tuple[str, ...] = ()  # everyone else they came through, after this introduction

    def __post_init__(self) -> None:
        _clean(self, "name")
        object.__setattr__(self, "other_ways", tuple(clean_for_display(n) for n in self.other_ways))


@dataclass(frozen=True, slots=True)
class GivenName:
    """A name someone gave you, and whether you have contacted them."""

    contact_id: int
    name: str
    date: dt.date
    contacted: bool
    rank: Optional[int]
    last_interaction: Optional[dt.date]

    def __post_init__(self) -> None:
        _clean(self, "name")


@dataclass(frozen=True, slots=True)
class PathStep:
    contact_id: int
    name: str
    archived: bool = False
    how: Optional[str] = None  # how they came through the step before: relterm.graph INTRODUCED/NAMED/MET

    def __post_init__(self) -> None:
        _clean(self, "name")


@dataclass(frozen=True, slots=True)
class Paths:
    """Every chain of ways in that leads to one person, shortest first (see relterm.graph.all_paths)."""

    contact_id: int
    name: str
    chains: tuple[tuple[PathStep, ...], ...]
    complete: bool  # False: more chains exist than were searched or listed

    def __post_init__(self) -> None:
        _clean(self, "name")


@dataclass(frozen=True, slots=True)
class Circle:
    """The circle of one contact a person sits in, and how they came through it."""

    contact_id: int
    name: str
    rank: Optional[int]
    how: str  # relterm.graph INTRODUCED (their first introducer), NAMED or MET

    def __post_init__(self) -> None:
        _clean(self, "name")


@dataclass(frozen=True, slots=True)
class Overlap:
    """A person who sits in two or more circles."""

    contact_id: int
    name: str
    rank: Optional[int]
    circles: tuple[Circle, ...]

    def __post_init__(self) -> None:
        _clean(self, "name")


@dataclass(frozen=True, slots=True)
class Knows:
    """A contact connected to a person (who-knows), the level you stand at with them, and how."""

    contact_id: int
    name: str
    rank: Optional[int]
    ways: tuple[str, ...]  # "introduced them", "named them", "was introduced by them", "met them together"

    def __post_init__(self) -> None:
        _clean(self, "name")


@dataclass(frozen=True, slots=True)
class Reach:
    """How many people one contact opened up for you."""

    contact_id: int
    name: str
    rank: Optional[int]
    direct: int  # people they introduced you to
    total: int  # the whole subtree below them

    def __post_init__(self) -> None:
        _clean(self, "name")


@dataclass(frozen=True, slots=True)
class IntroNode:
    contact_id: int
    name: str
    rank: Optional[int]
    to_contact: bool
    direct: int
    total: int

    def __post_init__(self) -> None:
        _clean(self, "name")


@dataclass(frozen=True, slots=True)
class Balance:
    """The give/ask ledger with one contact."""

    contact_id: int
    name: str
    rank: Optional[int]
    referrals_given: int = 0
    referrals_received: int = 0
    intros_given: int = 0
    intros_received: int = 0
    asks: int = 0

    @property
    def given(self) -> int:
        return self.referrals_given + self.intros_given

    @property
    def received(self) -> int:
        return self.referrals_received + self.intros_received

    @property
    def net(self) -> int:
        """What you gave minus what you received and asked for: positive means you give more."""
        return self.given - self.received - self.asks

    def __post_init__(self) -> None:
        _clean(self, "name")


@dataclass(frozen=True, slots=True)
class Concentration:
    """How much of your referrals come from how few people."""

    total: int
    top: tuple[tuple[int, str, int], ...]  # (contact id, name, referrals) for the top five
    share_top1: float
    share_top3: float
    share_top5: float
    warning: Optional[str]
    kinds: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Criterion:
    """One piece of evidence for a promotion: what they have against what the rung asks."""

    name: str  # e.g. "in-person meetings"
    have: int
    need: int

    @property
    def met(self) -> bool:
        return self.have >= self.need


@dataclass(frozen=True, slots=True)
class Evidence:
    """Progress of one contact towards the next rung of a ladder."""

    contact_id: int
    rank: Optional[int]
    next_rank: Optional[int]
    within_days: Optional[int]
    criteria: tuple[Criterion, ...]

    @property
    def met(self) -> bool:
        return bool(self.criteria) and all(c.met for c in self.criteria)


@dataclass(frozen=True, slots=True)
class Suggestion:
    """A promotion or demotion worth considering (never applied automatically)."""

    contact_id: int
    name: str
    action: str  # "promote" | "demote"
    rank: int
    to_rank: int
    evidence: tuple[str, ...]  # human lines
    criteria: tuple[Criterion, ...] = field(default_factory=tuple)

    def __post_init__(self) -> None:
        _clean(self, "name")


@dataclass(frozen=True, slots=True)
class LevelHistory:
    """Contacts on each rung at the end of each month (the current month: today)."""

    ladder: str
    months: tuple[str, ...]  # "2026-01" ...
    month_ends: tuple[dt.date, ...]
    ranks: tuple[int, ...]  # every rank seen or in the ladder, top first
    counts: dict[int, tuple[int, ...]]  # rank -> one count per month


@dataclass(frozen=True, slots=True)
class Matrix:
    """Contacts by sphere (rows) and rank (columns)."""

    ladder: str
    spheres: tuple[str, ...]
    ranks: tuple[Optional[int], ...]  # ladder ranks bottom to top, then ranks not in the ladder; None: no rank
    counts: dict[tuple[str, Optional[int]], int]

    def count(self, sphere: str, rank: Optional[int]) -> int:
        return self.counts.get((sphere, rank), 0)

    def sphere_total(self, sphere: str) -> int:
        return sum(n for (s, _), n in self.counts.items() if s == sphere)

    def rank_total(self, rank: Optional[int]) -> int:
        return sum(n for (_, r), n in self.counts.items() if r == rank)

    @property
    def total(self) -> int:
        return sum(self.counts.values())


@dataclass(frozen=True, slots=True)
class Brief:
    """One screen to read before meeting someone (``relterm brief``, the app's brief)."""

    contact_id: int
    name: str
    company: str
    title: str
    url: str  # their profile link, "" when none
    rank: Optional[int]  # on the default ladder
    introduced_by: Optional[str]
    evidence: Evidence  # progress towards the next rung
    health: Health  # keep in touch
    recent: tuple  # the last few timeline entries that are not level changes (TimelineEvent), newest first
    pending_names: tuple[GivenName, ...]  # names they gave you, not contacted yet
    names_given: int  # every name they gave you
    balance: Balance
    review_due: Optional[dt.date]
    review_every_days: Optional[int]
    last_review: object  # the newest review entry (TimelineEvent), or None
    first_in_person: Optional[dt.date]  # the first time you met face to face; None: never yet
    in_person: int  # meetings face to face, all time
    today: dt.date

    def __post_init__(self) -> None:
        _clean(self, "name", "company", "title", "url", "introduced_by")
