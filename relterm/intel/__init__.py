"""Relationship intelligence: what to do next, computed from the store.

The agenda (keep-in-touch cadences, reviews, names to contact, birthdays),
the circles of influence (who introduced whom), the give/ask ledger,
relationship reviews, promotion suggestions, the pyramid over time and the
sphere matrix. No screen code: the CLI and the TUI both call ``Intel``
(``core.intel``), one method per view, and get plain frozen dataclasses
from ``relterm.intel.model``.
"""

from __future__ import annotations

import datetime as dt
from typing import Iterable, Optional, Sequence

from ..domain import ContactRow
from . import agenda as _agenda
from . import brief as _brief
from . import goals as _goals
from . import circles as _circles
from . import followups as _followups
from . import ledger as _ledger
from . import pyramid as _pyramid
from . import reviews as _reviews
from . import suggest as _suggest
from .ledger import AskTooEarly
from .model import (
    ITEM_KINDS,
    AgendaItem,
    Balance,
    Brief,
    Concentration,
    Criterion,
    Evidence,
    GivenName,
    Health,
    IntroNode,
    IntroResult,
    LevelHistory,
    Knows,
    Matrix,
    Overlap,
    Paths,
    PathStep,
    Reach,
    Suggestion,
)
from .reviews import QUESTIONS

__all__ = [
    "Intel", "AskTooEarly", "QUESTIONS", "ITEM_KINDS", "AgendaItem", "Balance", "Brief", "Concentration", "Criterion",
    "Evidence", "GivenName", "Health", "IntroNode", "IntroResult", "LevelHistory", "Matrix", "Overlap", "Paths", "Knows", "PathStep", "Reach",
    "Suggestion",
]


class Intel:
    """Relationship intelligence over one ``Core``. ``today`` defaults to ``relterm.dates.today()``."""

    def __init__(self, core):
        self.core = core

    # The agenda ------------------------------------------------------------------------

    def agenda(self, *, within: int = 0, include_snoozed: bool = False,
               items: Iterable[str] = ITEM_KINDS, today: Optional[dt.date] = None) -> list[AgendaItem]:
        """Keep-in-touch, reviews, names to contact, birthdays: most urgent first within each part."""
        return _agenda.agenda(self.core, within=within, include_snoozed=include_snoozed, items=items, today=today)

    def snooze(self, cid: int, days: int, *, item: Optional[str] = None,
               today: Optional[dt.date] = None) -> Optional[dt.date]:
        """Hide one agenda item (or all of a person's, item=None) for ``days`` days; 0 clears."""
        return _agenda.snooze(self.core, cid, days, item=item, today=today)

    def health(self, rows: Sequence[ContactRow], *, ladder: Optional[str] = None,
               today: Optional[dt.date] = None) -> dict[int, Health]:
        """contact id -> Health for list rows (the marker: ok / due / overdue / none)."""
        return _agenda.health_for_rows(self.core, rows, ladder=ladder, today=today)

    def health_of(self, cid: int, *, today: Optional[dt.date] = None) -> Health:
        return _agenda.health_of_contact(self.core, cid, today=today)

    def sort_by_urgency(self, rows: Sequence[ContactRow], health: Optional[dict[int, Health]] = None,
                        *, today: Optional[dt.date] = None) -> list[ContactRow]:
        """Rows most urgent first: most days overdue, then soonest due; no cadence last."""
        if health is None:
            health = self.health(rows, today=today)
        return _agenda.sort_by_urgency(rows, health)

    # Circles of influence ----------------------------------------------------------------

    def introduce(self, introducer: int, name: str, *, note: str = "",
                  date: dt.date | str | None = None, new: bool = False, replace: bool = False) -> IntroResult:
        return _circles.introduce(self.core, introducer, name, note=note, date=date, new=new, replace=replace)

    def introduce_many(self, introducer: int, names, *, date: dt.date | str | None = None, new: bool = False,
                       replace: bool = False) -> list[IntroResult]:
        """Several names from one person, one per line ("Name: note"), all or nothing."""
        return _circles.introduce_many(self.core, introducer, names, date=date, new=new, replace=replace)

    def preview_names(self, lines) -> list:
        """How each typed name would be recorded by ``introduce_many`` (links to whom), writing nothing."""
        return _circles.preview_names(self.core, lines)

    def names_given(self, cid: int) -> list[GivenName]:
        return _circles.names_given(self.core, cid)

    def path(self, cid: int) -> list[PathStep]:
        """The chain of introductions that led to ``cid``: first person first, ``cid`` last."""
        return _circles.path_to(self.core, cid)

    def paths(self, cid: int) -> Paths:
        """Every chain of ways in that leads to ``cid``, shortest first (bounded; see relterm.graph)."""
        return _circles.paths_to(self.core, cid)

    def overlaps(self) -> list[Overlap]:
        """People in two or more circles (introduced, named, met together), most circles first."""
        return _circles.find_overlaps(self.core)

    def overlap_ids(self) -> set[int]:
        return _circles.overlap_ids(self.core)

    def who_knows(self, cid: int) -> list[Knows]:
        """Everyone connected to ``cid`` and how, the warmest way in (your highest level) first."""
        return _circles.who_knows_them(self.core, cid)

    def also_known_through(self, cid: int) -> list[tuple[int, str]]:
        """(id, name) of the contacts ``cid`` came through besides their first introducer."""
        return _circles.also_known_through(self.core, cid)

    def forest(self) -> _circles.IntroForest:
        """The introduction trees: ``.roots()``, ``.children(id)``, ``.reach()``."""
        return _circles.IntroForest(self.core)

    def reach(self, limit: Optional[int] = None) -> list[Reach]:
        return self.forest().reach(limit)

    # The ripple of a referral ----------------------------------------------------------------------

    def ripple_for_event(self, event_id: int) -> Optional[_followups.Ripple]:
        """Who else is touched by timeline entry ``event_id`` (a demotion, an interaction that went badly),
        or None when it sets nothing off. Reads only."""
        return _followups.ripple_for_event(self.core, event_id)

    def ripple_after_level_change(self, cid: int, ladder: Optional[str] = None) -> Optional[_followups.Ripple]:
        """The ripple of the level change written last for ``cid`` on ``ladder``, or None."""
        event_id = _followups.latest_level_change(self.core, cid, ladder)
        return _followups.ripple_for_event(self.core, event_id) if event_id is not None else None

    def add_follow_up(self, cid: int, *, about: Optional[int] = None, reason: str = "",
                      trigger: Optional[str] = None, event_id: Optional[int] = None) -> tuple[int, bool]:
        """A follow-up with ``cid`` about ``about``: (its id, whether new; an open one is not doubled)."""
        return _followups.add_follow_up(self.core, cid, about=about, reason=reason, trigger=trigger,
                                        event_id=event_id)

    def follow_ups(self, *, status: Optional[str] = _followups.OPEN,
                   contact: Optional[int] = None) -> list[_followups.FollowUp]:
        """Follow-ups oldest first: the open ones (``status`` None: all)."""
        return _followups.follow_ups(self.core, status=status, contact=contact)

    def follow_up(self, fid) -> _followups.FollowUp:
        return _followups.follow_up(self.core, fid)

    def close_follow_up(self, fid, status: str, *, today: Optional[dt.date] = None) -> _followups.FollowUp:
        """Mark a follow-up done or dismissed (or open again)."""
        return _followups.close_follow_up(self.core, fid, status, today=today)

    # Give before you ask --------------------------------------------------------------------

    def ask_warning(self, cid: int, kind: str = "ask") -> Optional[str]:
        """The text to confirm before logging ``kind`` with ``cid``, or None when fine."""
        return _ledger.ask_warning(self.core, cid, kind)

    def balance(self, cid: int) -> Balance:
        return _ledger.balance(self.core, cid)

    def balances(self, *, sort: str = "net") -> list[Balance]:
        return _ledger.balances(self.core, sort=sort)

    def concentration(self, *, within_days: Optional[int] = None,
                      today: Optional[dt.date] = None) -> Concentration:
        return _ledger.concentration(self.core, within_days=within_days, today=today)

    # Reviews ----------------------------------------------------------------------------------

    def schedule_review(self, cid: int, every_days: Optional[int], *,
                        first: dt.date | str | None = None) -> Optional[dt.date]:
        return _reviews.schedule_review(self.core, cid, every_days, first=first)

    def record_review(self, cid: int, *, keep: str = "", stop: str = "", start: str = "",
                      date: dt.date | str | None = None) -> tuple[int, Optional[dt.date]]:
        return _reviews.record_review(self.core, cid, keep=keep, stop=stop, start=start, date=date)

    # Suggestions ------------------------------------------------------------------------------

    def suggestions(self, *, ladder: Optional[str] = None, demotions: bool = True,
                    today: Optional[dt.date] = None) -> list[Suggestion]:
        return _suggest.suggestions(self.core, ladder=ladder, demotions=demotions, today=today)

    def suggested(self, *, ladder: Optional[str] = None) -> dict[int, Suggestion]:
        """contact id -> suggestion (a demotion wins over a promotion)."""
        return {s.contact_id: s for s in self.suggestions(ladder=ladder)}

    def suggested_actions(self, *, ladder: Optional[str] = None, contact_id: Optional[int] = None,
                          today: Optional[dt.date] = None) -> dict[int, str]:
        """contact id -> "promote" | "demote", as ``suggested()`` decides, without building suggestions.

        For marking list rows: ~40k suggestions at 100k contacts would take tens of
        megabytes. ``contact_id`` limits it to one contact (after a write to them).
        """
        return _suggest.suggested_actions(self.core, ladder=ladder, cid=contact_id, today=today)

    def evidence(self, cid: int, *, ladder: Optional[str] = None, today: Optional[dt.date] = None) -> Evidence:
        return _suggest.evidence(self.core, cid, ladder=ladder, today=today)

    # Before and after a coffee ------------------------------------------------------------------

    def brief(self, cid: int, *, today: Optional[dt.date] = None) -> Brief:
        """Everything to read before meeting ``cid``: profile link, level and the next rung, recent
        entries, names not contacted yet, the ledger, any review."""
        return _brief.brief(self.core, cid, today=today)

    def goals(self) -> list:
        """The goals in force (``relterm.rules.Goal``): set with ``relterm goal``, or in levels.yaml."""
        return _goals.goals(self.core)

    def set_goal(self, name: str, target: int, every_days: int, *, since: dt.date | str | None = None):
        return _goals.set_goal(self.core, name, target, every_days, since=since)

    def remove_goal(self, name: str):
        return _goals.remove_goal(self.core, name)

    def goal_progress(self, *, today: Optional[dt.date] = None) -> list:
        """Each goal's count this period and streak of periods met (``relterm.rules.GoalProgress``)."""
        return _goals.progress(self.core, today=today)

    # The pyramid and the matrix ----------------------------------------------------------------

    def level_history(self, *, ladder: Optional[str] = None, months: int = 12,
                      today: Optional[dt.date] = None) -> LevelHistory:
        return _pyramid.level_history(self.core, ladder=ladder, months=months, today=today)

    def matrix(self, *, ladder: Optional[str] = None) -> Matrix:
        return _pyramid.matrix(self.core, ladder=ladder)
