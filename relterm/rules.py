"""The relationship rules, each written once.

Everything relterm says about a relationship (is this person due, did that
count as contact, where does someone introduced to you start) comes from the
functions here. They take plain values (dates, ranks, the config) and touch
neither a database nor a screen, so the core, the intelligence, the importer,
the ICS export, the command line and the full-screen app all call the same
code and cannot disagree. Where a query restates a rule in SQL for speed, the
SQL lives in ``relterm.store`` next to the other SQLite pieces and a property
test holds it equal to the function here.

The rules:

* **Effective cadence.** A contact's own ``cadence_days`` when set (0 means no
  cadence); otherwise the cadence of their level on the *default* ladder (none
  when the level has none, or the rank is missing from an edited ladder).
* **Date added.** The day relterm started tracking the person: the date part of
  ``created_at`` (the day of the ``add``, the import, or the name given).
* **Clock start.** The keep-in-touch clock starts at the later of the last
  contact and the date added: nobody is overdue for time before relterm knew
  them, so importing connections made years ago does not make them all late.
* **Health.** Due on clock start + cadence; overdue after that day.
* **Snooze.** A keep-in-touch snooze (of the item, or of everything about the
  person) runs until the later of the two dates still ahead; while it runs the
  person does not need contact, and everywhere says until when.
* **What counts as contact.** An interaction kind counts unless its
  ``counts_as_contact`` is false in ``levels.yaml``; ``note`` and ``review``
  default to false (a private note or a review is not contact with them).
  Level changes and "introduced by" entries never count.
* **Introduced start.** Anyone introduced to you, by any path (``add
  --introduced-by``, ``intro``, an imported ``RELATED;TYPE=x-introduced-by``),
  starts on each ladder's ``introduced_rank``; everyone else on
  ``new_contact_rank``. An explicit level always wins.
* **Slipping.** A contact whose clock has run ``SLIP_FACTOR`` cadences may
  have slipped a rung (a demotion worth considering); names still waiting for
  a first contact have not slipped.
* **The ask rule.** Logging a kind whose direction is ``ask`` warns at a level
  whose ``ask_ok`` is false.
* **Level history.** A contact's rank on a ladder is the ``to`` of the latest
  level-change entry on that ladder (by date, then by when it was written).
  The entry that placed them on the ladder ("added at") stays the first one:
  it cannot be deleted, nor another entry dated before it. After an entry is
  edited or deleted, each later entry's ``from`` is the ``to`` before it.
* **In person.** An interaction kind is a meeting face to face when its
  ``in_person`` is true in ``levels.yaml`` (coffee, meal, meeting and event in
  the shipped file); level changes and introductions never are. The first
  in-person meeting with someone is the first such entry on their timeline.
  Logging one is when to ask for names ("who else should I meet?").
* **Goals.** A goal counts meetings per period of ``every_days`` days from its
  start: ``new-coffees`` counts first in-person meetings (each person once, on
  the day you first met them face to face), ``coffees`` every in-person
  meeting. A period is met when its count reaches the target; the streak is
  the periods met in a row, ending with the current one when it is met
  already, else with the one before (a period still running breaks nothing).
* **Name order.** Names sort by their letters with case and accents folded
  (``sort_key``): "Élodie" between "Eli" and "Emma", not after "Zara".
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Optional

from .dates import as_date

if TYPE_CHECKING:
    from .config import Config, Ladder

# Health states of a contact's keep-in-touch cadence.
NO_CADENCE = "none"
ON_TRACK = "ok"
DUE = "due"
OVERDUE = "overdue"

# Timeline entries that are records about a person, never contact with them.
LEVEL_CHANGE = "level-change"
INTRODUCED_BY = "introduced-by"
# Kinds that do not count as contact unless levels.yaml says otherwise.
NOT_CONTACT_BY_DEFAULT = frozenset({"note", "review"})

TOO_EARLY = "asking for business now is likely too early"


class LevelHistoryError(ValueError):
    """A change to level-change entries that would leave the level history without a start."""


@dataclass(frozen=True, slots=True)
class Health:
    """How a contact stands against their keep-in-touch cadence."""

    state: str  # "none" (no cadence) | "ok" | "due" (today) | "overdue"
    cadence_days: Optional[int]
    days_since: Optional[int]  # since the clock started (last contact, or the day they were added)
    due_on: Optional[dt.date]
    days_over: Optional[int]  # today - due_on: > 0 late, 0 due today, < 0 days left
    snoozed_until: Optional[dt.date] = None  # keep-in-touch snoozed until this day (still ahead)

    @property
    def needs_contact(self) -> bool:
        return self.state in (DUE, OVERDUE) and self.snoozed_until is None


def effective_cadence(ladder: "Ladder", rank: Optional[int], override: Optional[int]) -> Optional[int]:
    """Days between contacts for a rank on the default ``ladder`` and a per-contact override; None for none."""
    if override is not None:
        return override if override > 0 else None
    if rank is None:
        return None
    level = ladder.by_rank.get(rank)
    return level.cadence_days if level is not None and level.cadence_days else None


def date_added(created_at) -> Optional[dt.date]:
    """The day relterm started tracking a person, from their ``created_at`` (datetime, date or ISO text)."""
    return as_date(created_at)


def clock_start(last_contact: Optional[dt.date], added: Optional[dt.date]) -> Optional[dt.date]:
    """When the keep-in-touch clock starts: the later of the last contact and the date added."""
    if last_contact is None:
        return added
    if added is None:
        return last_contact
    return last_contact if last_contact > added else added


def snoozed_until(person_until: Optional[dt.date], item_until: Optional[dt.date], today: dt.date) -> Optional[dt.date]:
    """Until when an agenda item is snoozed: the later of the person's and the item's snooze still ahead."""
    ahead = [day for day in (person_until, item_until) if day is not None and day > today]
    return max(ahead) if ahead else None


def health(
    last_contact: Optional[dt.date], added: Optional[dt.date], cadence: Optional[int], today: dt.date,
    snoozed: Optional[dt.date] = None,
) -> Health:
    """Where one contact stands against their cadence on ``today`` (``snoozed``: from :func:`snoozed_until`)."""
    start = clock_start(last_contact, added)
    days_since = (today - start).days if start is not None else None
    snoozed = snoozed if snoozed is not None and snoozed > today else None
    if not cadence or start is None:
        return Health(NO_CADENCE, cadence or None, days_since, None, None, snoozed)
    due_on = start + dt.timedelta(days=cadence)
    over = (today - due_on).days
    state = OVERDUE if over > 0 else DUE if over == 0 else ON_TRACK
    return Health(state, cadence, days_since, due_on, over, snoozed)


SLIP_FACTOR = 2


def has_slipped(health: Health) -> bool:
    """Whether the clock has run ``SLIP_FACTOR`` cadences: a demotion may be due."""
    return bool(health.cadence_days) and health.days_since is not None and \
        health.days_since >= SLIP_FACTOR * health.cadence_days


def counts_as_contact(config: "Config", kind: str) -> bool:
    """Whether an entry of ``kind`` is contact with the person (moves their clock, clears "to contact")."""
    if kind in (LEVEL_CHANGE, INTRODUCED_BY):
        return False
    spec = config.kinds.get(kind)
    flag = getattr(spec, "counts_as_contact", None) if spec is not None else None
    if flag is not None:
        return flag
    return kind not in NOT_CONTACT_BY_DEFAULT


def contact_kinds(config: "Config") -> tuple[str, ...]:
    """The configured kinds that count as contact."""
    return tuple(kind for kind in config.kinds if counts_as_contact(config, kind))


def non_contact_kinds(config: "Config", extra=()) -> tuple[str, ...]:
    """Every timeline kind that does not count as contact: the configured ones, level changes, introductions."""
    kinds = [LEVEL_CHANGE, INTRODUCED_BY]
    kinds += [kind for kind in list(config.kinds) + list(extra) if not counts_as_contact(config, kind)]
    return tuple(dict.fromkeys(kinds))


def start_rank(ladder: "Ladder", *, introduced: bool) -> int:
    """The rung a new contact starts on: ``introduced_rank`` when someone introduced them."""
    return ladder.intro_rank if introduced else ladder.default_rank


def ask_warning(config: "Config", kind: str, rank: Optional[int]) -> Optional[str]:
    """The warning for logging ``kind`` at ``rank`` on the default ladder, or None.

    Only kinds with direction ``ask`` warn, and only at a level whose ``ask_ok``
    is false (a level without ``ask_ok`` or a rank missing from the ladder does
    not warn).
    """
    if config.kind(kind).direction != "ask" or rank is None:
        return None
    level = config.ladder.by_rank.get(rank)
    if level is None or level.ask_ok is not False:
        return None
    return f"Level {level.rank} {level.name}: {TOO_EARLY}"


# Name order ----------------------------------------------------------------------------------


def sort_key(name: Optional[str]) -> str:
    """The key names sort by: case folded, accents and other combining marks dropped.

    "Élodie Martin" -> "elodie martin", "Straße" -> "strasse". Stored beside the
    name (``contact.sort_key``, indexed) so the list is read in this order straight from the index.
    """
    text = str(name or "")
    if text.isascii():  # no accents to drop; casefold() and lower() agree on ASCII
        return text.lower()
    import unicodedata

    text = unicodedata.normalize("NFKD", text.casefold())
    return unicodedata.normalize("NFC", "".join(ch for ch in text if not unicodedata.combining(ch)))


# Level history -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class LevelStep:
    """One level-change entry on one ladder: ``from_rank`` None is the entry that placed them there."""

    id: int
    date: dt.date
    from_rank: Optional[int]
    to_rank: int


def _step_order(step: LevelStep):
    return (step.date, step.from_rank is not None, step.id)


def chain_levels(steps) -> tuple[list[LevelStep], Optional[int]]:
    """The level history of one ladder made consistent, and the rank it leaves the contact on.

    Entries are ordered by date (the placing entry first on its day, then by id); each
    entry's ``from_rank`` becomes the ``to_rank`` before it; the current rank is the last
    entry's ``to_rank`` (None: no entries, the contact is not on this ladder). Raises
    ``LevelHistoryError`` when the first entry is not the one that placed them.
    """
    ordered = sorted(steps, key=_step_order)
    if not ordered:
        return [], None
    if ordered[0].from_rank is not None:
        raise LevelHistoryError(
            "the entry that placed them on the ladder must stay the first; "
            f"a level change cannot be dated before it ({ordered[0].date.isoformat()})"
        )
    result: list[LevelStep] = []
    previous: Optional[int] = None
    for index, step in enumerate(ordered):
        wanted = None if index == 0 else previous
        result.append(step if step.from_rank == wanted else LevelStep(step.id, step.date, wanted, step.to_rank))
        previous = step.to_rank
    return result, previous


def can_delete_level_step(steps, step_id: int) -> Optional[str]:
    """Why the level-change entry ``step_id`` cannot be deleted from ``steps`` (one ladder), or None."""
    for step in steps:
        if step.id == step_id and step.from_rank is None:
            return ("it is the entry that placed them on the ladder; change their level with promote or demote, "
                    "or edit its date")
    return None


# In person and goals --------------------------------------------------------------------------


def is_in_person(config: "Config", kind: str) -> bool:
    """Whether an entry of ``kind`` is a meeting face to face: the kind's ``in_person`` in ``levels.yaml``.

    Level changes and "introduced by" entries are never meetings; a kind the config does not
    know is not in person.
    """
    if kind in (LEVEL_CHANGE, INTRODUCED_BY):
        return False
    spec = config.kinds.get(kind)
    return bool(getattr(spec, "in_person", False)) if spec is not None else False


def asks_for_names(config: "Config", kind: str, went_badly: bool = False) -> bool:
    """Whether logging an entry ends by asking "did they give you names?": after an in-person meeting,
    unless it went badly (then the ripple to whoever they came through comes first, and asking them for
    more people is the wrong moment)."""
    return is_in_person(config, kind) and not went_badly


def in_person_kinds(config: "Config") -> tuple[str, ...]:
    """The configured kinds that are meetings face to face."""
    return tuple(kind for kind in config.kinds if is_in_person(config, kind))


# What each goal counts (``relterm goal NAME COUNT --every DAYS``, or ``goals:`` in levels.yaml).
NEW_COFFEES = "new-coffees"
COFFEES = "coffees"
GOAL_KINDS = {
    NEW_COFFEES: "first in-person meetings, with people you had never met face to face",
    COFFEES: "in-person meetings, with anyone",
}
# Where the periods of a goal without a start of its own are counted from: a Monday, so a goal
# every 7 days runs Monday to Sunday and one every 14 days in fixed fortnights.
GOAL_EPOCH = dt.date(2024, 1, 1)


@dataclass(frozen=True, slots=True)
class Goal:
    """A habit to keep: ``target`` meetings of the goal's kind (its ``name``) every ``every_days`` days."""

    name: str  # one of GOAL_KINDS
    target: int
    every_days: int
    start: dt.date = GOAL_EPOCH  # the first period begins here
    source: str = "cli"  # "cli" (set with `relterm goal`) or "config" (levels.yaml)


@dataclass(frozen=True, slots=True)
class GoalProgress:
    """Where a goal stands on ``today``: this period's count and the streak of periods met."""

    goal: Goal
    period_start: Optional[dt.date]  # None: the goal starts after today
    period_end: Optional[dt.date]  # last day of the current period (inclusive)
    count: int  # meetings counted in the current period
    streak: int  # periods met in a row, ending with this one if met, else with the one before
    days_left: int  # days after today still in this period

    @property
    def met(self) -> bool:
        return self.period_start is not None and self.count >= self.goal.target


def first_meetings(meetings) -> dict:
    """contact -> the date of the first in-person meeting with them, from (contact, date) pairs.

    A person counts once, on the day you first met them face to face; later meetings with them
    are not "new" (the ``new-coffees`` goal)."""
    first: dict = {}
    for contact, day in meetings:
        day = as_date(day)
        if day is None:
            continue
        seen = first.get(contact)
        if seen is None or day < seen:
            first[contact] = day
    return first


def goal_dates(goal: Goal, meetings) -> list[dt.date]:
    """The days that count for ``goal`` from (contact, date) pairs of in-person meetings: every
    meeting (``coffees``) or each person's first one (``new-coffees``)."""
    if goal.name == NEW_COFFEES:
        return list(first_meetings(meetings).values())
    return [day for _, day in ((c, as_date(d)) for c, d in meetings) if day is not None]


def goal_progress(goal: Goal, dates, today: dt.date) -> GoalProgress:
    """Progress of ``goal`` on ``today`` from the dates that count for it (:func:`goal_dates`), or a
    mapping of day -> how many count that day (as the store's queries give them).

    Periods run ``every_days`` days from ``goal.start`` (period 0 begins on it). The count is of
    dates within the current period up to today. The streak counts periods met in a row, going
    back from the current period when it is already met, else from the one before it (a period
    still running does not break a streak); periods before ``start`` do not exist.
    """
    every = max(1, goal.every_days)
    if today < goal.start:
        return GoalProgress(goal, None, None, 0, 0, (goal.start - today).days)
    current = (today - goal.start).days // every
    per_period: dict[int, int] = {}
    pairs = dates.items() if isinstance(dates, dict) else ((day, 1) for day in dates)
    for day, number in pairs:
        if day is None or day < goal.start or day > today:
            continue
        index = (day - goal.start).days // every
        per_period[index] = per_period.get(index, 0) + number
    count = per_period.get(current, 0)
    period_start = goal.start + dt.timedelta(days=current * every)
    period_end = period_start + dt.timedelta(days=every - 1)
    index = current if count >= goal.target else current - 1
    streak = 0
    while index >= 0 and per_period.get(index, 0) >= goal.target:
        streak += 1
        index -= 1
    return GoalProgress(goal, period_start, period_end, count, streak, (period_end - today).days)
