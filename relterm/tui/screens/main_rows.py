"""The main screen's rows: reading the list, its markers and the pyramid's history, and drawing them.

A part of ``MainScreen`` (``screens/main.py``), kept in its own module; it
reads and writes the screen's state (``store``, ``ladder_key``,
``selected_id``) and draws into its widgets.
"""

from __future__ import annotations

import time
from collections import Counter
from typing import Optional

from textual import work
from textual.content import Content
from textual.screen import Screen
from textual.worker import get_current_worker

from ...domain import ContactRow
from .. import FIRST_PAGE
from ..data import haystack, urgency_keys
from ..widgets.contact_list import ContactList
from ..widgets.pyramid import Pyramid
from ..workers import in_thread

MARKER_SLICE = 20_000  # rows whose health is computed at once
# From this many rows the list is frozen out of the cycle collector once loaded (gc.freeze): its ~180k
# objects made every full collection, which the widgets of a popup or two set off, stop the app for
# ~180 ms at 100k contacts. The rows hold no cycles, so refcounting still frees them on a reload.
FREEZE_ROWS = 20_000


class RowsPart(Screen):
    """Rows, markers and history of the main screen (a Screen subclass so that Textual registers its handlers)."""

    _tidy_timer = None  # see on_screen_resume

    # Loading -----------------------------------------------------------------------

    @work(exclusive=True, exit_on_error=False, group="rows")
    async def load_rows(self, *, first_page: bool = False, select: Optional[int] = None, quiet: bool = True) -> None:
        """Read the list of the ladder shown (its first screenful first, when asked), then its markers."""
        key = self.ladder_key
        if first_page:
            page = await in_thread(self, self._read_first_page, key, group="rows")
            self._rows_loaded(key, page, None, select, False)
        try:
            rows, hays = await in_thread(self, self._read_all_rows, key, group="rows")
        finally:
            if not quiet:
                self.query_one("#left").border_subtitle = ""  # "reloading…" (action_reload)
        self._rows_loaded(key, rows, hays, select, True)
        if not quiet:
            self.notify(f"Reloaded {len(rows)} contacts.", timeout=2)

    def _read_first_page(self, key: str) -> list[ContactRow]:
        return self.core.rows(ladder=key, limit=FIRST_PAGE)

    def _read_all_rows(self, key: str) -> tuple[list[ContactRow], list[str]]:
        # This connection reads the whole contact table once and then closes: a big page
        # cache would only raise the peak memory (by ~25 MB at 100k contacts).
        self.core.db.execute_sql("PRAGMA cache_size = -1024")
        rows = self.core.rows(ladder=key)
        return rows, [haystack(row) for row in rows]

    def _rows_loaded(
        self, key: str, rows: list[ContactRow], hays: Optional[list[str]], select: Optional[int], complete: bool
    ) -> None:
        if key != self.ladder_key:
            return
        if not complete and self.store.complete and self._loaded_once:
            return  # a first page never replaces a whole list
        self.store.load(rows, hays, complete=complete)
        self._loaded_once = True
        if complete and len(rows) >= FREEZE_ROWS:
            self._freeze()
        if complete:
            self._fresh_markers = {}
            self.load_markers(key, list(rows))
        self._show_rows(select=select if select is not None else self.selected_id)
        if rows and "first_rows" not in self.marks:
            self.call_after_refresh(self.marks.setdefault, "first_rows", time.perf_counter())
        self._update_pyramid()
        self.app.refresh_data_version()

    # A description of its own: by default Textual describes a worker by the repr of its arguments,
    # here 100k rows (~25 MB of text and ~0.3 s on the UI thread).
    @work(exclusive=True, exit_on_error=False, group="markers", description="load_markers")
    async def load_markers(self, key: str, rows: list[ContactRow]) -> None:
        """Health markers (fast), then suggestion markers (about a second at 100k contacts), after the list.

        Run over everyone only when the whole list is (re)loaded; after a write
        only the contact written to is read again (``_refresh_contact``).
        """
        keys = await in_thread(self, self._read_health, key, rows, group="markers")
        self._health_loaded(key, keys)
        suggested = await in_thread(self, self._read_suggestions, key, group="markers")
        self._suggestions_loaded(key, suggested)

    def _read_health(self, key: str, rows: list[ContactRow]) -> dict[int, int]:
        worker = get_current_worker()
        # One pass over the timeline: a big page cache would only raise the peak memory.
        self.core.db.execute_sql("PRAGMA cache_size = -1024")
        # In slices: 100k Health objects at once would raise the peak memory by ~15 MB.
        keys: dict[int, int] = {}
        for start in range(0, len(rows), MARKER_SLICE):
            keys.update(urgency_keys(self.core.intel.health(rows[start:start + MARKER_SLICE], ladder=key)))
            if worker.is_cancelled:
                break  # superseded: nobody awaits these keys any more
        return keys

    def _read_suggestions(self, key: str) -> dict[int, str]:
        self.core.db.execute_sql("PRAGMA cache_size = -1024")
        return self.core.intel.suggested_actions(ladder=key)

    def _health_loaded(self, key: str, keys: dict[int, int]) -> None:
        if key != self.ladder_key:
            return
        # Contacts written to while the markers were read: their own fresher keys win.
        keys.update({cid: fresh[0] for cid, fresh in self._fresh_markers.items() if fresh[0] is not None})
        self.store.set_health(keys)
        self.query_one(ContactList).set_markers(self.store.urgency, self.store.suggested)
        if self.store.by_urgency:
            self._show_rows()

    def _suggestions_loaded(self, key: str, suggested: dict[int, str]) -> None:
        if key != self.ladder_key:
            return
        for cid, (_, action) in self._fresh_markers.items():
            suggested.pop(cid, None)
            if action is not None:
                suggested[cid] = action
        self._fresh_markers = {}
        self.store.suggested = suggested
        self.query_one(ContactList).set_markers(self.store.urgency, self.store.suggested)
        if len(self.store.rows) >= FREEZE_ROWS:
            self._freeze()  # the markers too

    def _freeze(self) -> None:
        """Freeze what is alive (see FREEZE_ROWS), unless a popup or a view is open: frozen, it would never
        be freed once closed."""
        if self.app.screen is self:
            self.app.collector.freeze()

    def on_screen_resume(self) -> None:
        """Back on the contact list from a popup or a view: on a large list, free what it left while the
        user is idle (relterm.tui.memory). Set from this screen, so the timer's context holds no popup."""
        if len(self.store.rows) >= FREEZE_ROWS and self._loaded_once:
            self._stop_tidy()
            self._tidy_timer = self.set_timer(self.app.collector.begin_tidy(), self._tidy, name="tidy memory")

    def on_screen_suspend(self) -> None:
        self._stop_tidy()

    def _stop_tidy(self) -> None:
        if self._tidy_timer is not None:
            self._tidy_timer.stop()
            self._tidy_timer = None

    def _tidy(self) -> None:
        self._tidy_timer = None
        if self.app.screen is not self:
            return
        wait = self.app.collector.tidy_step()
        if wait is not None:
            self._tidy_timer = self.set_timer(wait, self._tidy, name="tidy memory")

    def _show_rows(self, select: Optional[int] = None, top: bool = False) -> None:
        self.query_one(ContactList).set_rows(
            self.store.view(), select=select, more=not self.store.complete, locate=self.store.position_of,
            nobody=self.store.complete and not self.store.rows, top=top,
        )
        self._update_title()

    def _update_title(self) -> None:
        shown = len(self.store.indices)
        total = len(self.store.rows)
        more = "+" if not self.store.complete else ""
        title = f"Contacts {shown}{more}" if shown == total else f"Contacts {shown} of {total}{more}"
        if self.store.sphere is not None:
            title += f" · sphere {self.store.sphere}"
        if self.store.rank is not None:
            title += f" · rung {self.store.rank}"
        if self.store.by_urgency:
            title += " · most urgent first"
        self.query_one("#left").border_title = Content(title)

    def _update_pyramid(self) -> None:
        pyramid = self.query_one(Pyramid)
        if not self.store.complete:
            return
        counts = Counter(row.rank for row in self.store.rows)
        unplaced = counts.pop(None, 0)
        pyramid.set_ladder(self.ladder, dict(counts), self.app.level_colors(self.ladder_key), unplaced)
        pyramid.filter_rank = self.store.rank
        row = self.query_one(ContactList).selected
        pyramid.marked_rank = row.rank if row is not None else None


    def action_toggle_history(self) -> None:
        pyramid = self.query_one(Pyramid)
        if pyramid.history_shown:
            pyramid.set_history(None)
            return
        pyramid.border_subtitle = "history: reading…"  # the key's answer while the months are read
        self.load_history(self.ladder_key)

    @work(exclusive=True, exit_on_error=False, group="history")
    async def load_history(self, key: str) -> None:
        history = await in_thread(self, self._read_history, key, group="history")
        self._history_loaded(key, history)

    def _read_history(self, key: str):
        return self.core.intel.level_history(ladder=key)

    def _history_loaded(self, key: str, history) -> None:
        self.query_one(Pyramid).border_subtitle = ""
        if key != self.ladder_key:
            return
        self.query_one(Pyramid).set_history(dict(history.counts), history.months)

    def action_reload(self) -> None:
        self.query_one("#left").border_subtitle = "reloading…"  # the key's answer while every row is read
        self.load_rows(select=self.selected_id, quiet=False)

    def reload_quietly(self) -> None:
        """Another process changed the database: read it again, keeping the selection."""
        self.load_rows(select=self.selected_id)
        if self.selected_id is not None:
            self.load_detail(self.selected_id)

    def _rows_and_health(
        self, key: str, contact_ids: list[int]
    ) -> tuple[list[ContactRow], dict[int, int], dict[int, Optional[str]]]:
        """The contacts' rows, urgency keys and suggested actions (~1 ms each), after a write to them."""
        rows = self.core.rows(ladder=key, ids=contact_ids)
        actions = {cid: self.core.intel.suggested_actions(ladder=key, contact_id=cid).get(cid) for cid in contact_ids}
        return rows, urgency_keys(self.core.intel.health(rows, ladder=key)), actions

    async def _refresh_contact(self, contact_id: int, *, select: bool = True, also: tuple[int, ...] = ()) -> None:
        key = self.ladder_key
        ids = [*also, contact_id]
        ok, value = await self.run_db(self._rows_and_health, key, ids)
        if not ok or key != self.ladder_key:
            return
        rows, keys, actions = value
        # The markers' dicts are shared with the list, so they are changed in place.
        for cid, action in actions.items():
            self.store.suggested.pop(cid, None)
            if action is not None:
                self.store.suggested[cid] = action
            self._fresh_markers[cid] = (keys.get(cid), action)
        self.store.urgency.update(keys)
        self.store.upsert_many(rows, gone=set(ids) - {row.id for row in rows})
        if any(row.id == contact_id for row in rows):
            if select and self.store.position_of(contact_id) is None:
                self._clear_filters()  # the filter hides it: show everyone so the change is visible
        self._show_rows(select=contact_id if select else None)
        self._update_pyramid()
        if self.query_one(Pyramid).history_shown:
            self.load_history(key)
        current = self.query_one(ContactList).selected
        if current is not None and current.id == contact_id:
            self._detail_started = time.perf_counter()
            self.load_detail(contact_id)

