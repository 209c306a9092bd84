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
