"""The main screen's filters: the text filter, the rung and sphere filters, the sort, and switching ladders.

A part of ``MainScreen`` (``screens/main.py``), kept in its own module.
"""

from __future__ import annotations

import time
from typing import Optional

from textual import on
from textual.screen import Screen
from textual.widgets import Input

from ..data import ContactStore
from ..widgets.contact_list import ContactList
from ..widgets.pyramid import Pyramid


class FiltersPart(Screen):
    """What the main screen's list shows (a Screen subclass so that Textual registers its handlers)."""

    # Filtering -----------------------------------------------------------------------

    @on(Input.Changed, "#filter")
    def _filter_changed(self, event: Input.Changed) -> None:
        started = time.perf_counter()
        self.store.apply(event.value, self.store.rank)
        self._show_rows()
        now = time.perf_counter()
        self.timings["filter"].append(now - started)
        self.finished["filter"].append(now)

    @on(Input.Submitted, "#filter")
    def _filter_submitted(self, event: Input.Submitted) -> None:
        self.query_one(ContactList).focus()

    def action_focus_filter(self) -> None:
        self.query_one("#filter", Input).focus()

    def action_clear_filter(self) -> None:
        field = self.query_one("#filter", Input)
        if field.value or self.store.rank is not None or self.store.sphere is not None:
            self._clear_filters()
            self._show_rows()
        self.query_one(ContactList).focus()

    def _clear_filters(self) -> None:
        """No text, rung or sphere filter: every contact is listed (the caller redraws)."""
        field = self.query_one("#filter", Input)
        with field.prevent(Input.Changed):
            field.value = ""
        self.store.sphere = None
        self.store.apply("", None, force=True)
        self.query_one(Pyramid).filter_rank = None

    def _filter_rank(self, rank: Optional[int]) -> None:
        self.store.apply(self.query_one("#filter", Input).value, rank, force=True)
        pyramid = self.query_one(Pyramid)
        pyramid.filter_rank = rank
        if rank is not None:
            pyramid.cursor_rank = rank
        self._show_rows()

    def action_rung(self, rank: int) -> None:
        if self.ladder.level(rank) is None:
            ranks = ", ".join(str(level.rank) for level in self.ladder.ordered)
            self.notify(f"The {self.ladder.name} ladder has no rung {rank} (rungs: {ranks}).", severity="warning",
                        markup=False)
            return
        self._filter_rank(None if self.store.rank == rank else rank)

    @on(Pyramid.RungChosen)
    def _rung_chosen(self, event: Pyramid.RungChosen) -> None:
        self._filter_rank(None if self.store.rank == event.rank else event.rank)

    def action_toggle_sort(self) -> None:
        by_urgency = not self.store.by_urgency
        self.store.set_sort(by_urgency)
        self._show_rows(select=self.selected_id)
        if by_urgency and not self.store.urgency:
            self.notify("Sort: urgency (health still loading: the order follows in a moment).", timeout=3)
        else:
            self.notify("Sort: most urgent first." if by_urgency else "Sort: by name.", timeout=2)

    def filter_to(self, sphere: Optional[str], rank: Optional[int]) -> None:
        """Show only one sphere and/or one rung (the matrix view's enter); escape clears it.

        The text filter is cleared so that the list holds exactly the contacts counted.
        """
        field = self.query_one("#filter", Input)
        with field.prevent(Input.Changed):
            field.value = ""
        self.store.sphere = sphere
        self._filter_rank(rank)
        self.query_one(ContactList).focus()

    def action_switch_ladder(self) -> None:
        keys = list(self.config.ladders)
        self.ladder_key = keys[(keys.index(self.ladder_key) + 1) % len(keys)]
        # Not complete: the first page of the new ladder replaces the old rows at once.
        self.store = ContactStore(text=self.store.text, complete=False, by_urgency=self.store.by_urgency)
        self.query_one(ContactList).set_markers(self.store.urgency, self.store.suggested)
        self.query_one(Pyramid).filter_rank = None
        self._apply_ladder_styles()
        self._show_card()
        if self.query_one(Pyramid).history_shown:
            self.load_history(self.ladder_key)
        self.notify(f"Ladder: {self.ladder.name} ({self.ladder_key})", timeout=3, markup=False)
        self.load_rows(first_page=True, select=self.selected_id)

