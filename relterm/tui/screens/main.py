"""The main screen: contact list, pyramid, card and timeline, and every action on them.

The screen owns the state (the ladder shown, the rows in memory, the filter,
the selected contact); the panes only draw what they are given. Database work
runs in thread workers, never on the UI thread; results come back through
``call_from_thread`` and messages. Writes go through ``relterm.core.Core``.
"""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import fields as fields_of, replace
from functools import partial
from typing import TYPE_CHECKING, Any, Callable, Optional

from rich.style import Style
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Footer, Input
from textual.worker import Worker, WorkerState, get_current_worker

from ... import rules
from ...dates import today
from ...domain import Card, ContactRow, TimelineEvent
from ...errors import RelTermError
from ...present import event_text
from ...sanitize import clean_for_terminal
from .. import messages
from .. import FIRST_PAGE
from ..commands import screen_bindings
from ..data import ContactStore, haystack, urgency_keys
# The popups are imported when first opened (~10 ms less before the first frame).
if TYPE_CHECKING:
    from ..modals.contact_form import ContactDraft
    from ..modals.level_form import Suggested
from ..widgets.card import ContactCard
from ..widgets.contact_list import ContactList
from ..widgets.pyramid import Pyramid
from ..widgets.timeline import Timeline

TIMELINE_LIMIT = 300
UNDO_SECONDS = 8.0
MARKER_SLICE = 20_000  # rows whose health is computed at once


class MainScreen(Screen):
    BINDINGS = screen_bindings()

    def __init__(self) -> None:
        super().__init__()
        self.store = ContactStore()
        self.ladder_key: str = self.app.config.default_ladder
        self.selected_id: Optional[int] = None
        self.card: Optional[Card] = None
        self.balance = None  # the give/ask ledger of the contact on the card (relterm.intel.Balance)
        self.health = None  # the keep-in-touch health of the contact on the card (relterm.rules.Health)
        self.last_kind = "note"
        self._undo: Optional[tuple[int, str, float]] = None
        self._loaded_once = False
        # Timings of the app's own work, read by the benchmark (seconds).
        self.timings: dict[str, list[float]] = {"filter": [], "detail": []}
        self.finished: dict[str, list[float]] = {"filter": [], "detail": []}  # perf_counter() at the end of each
        self.marks: dict[str, float] = {}  # perf_counter() of milestones such as the first frame with rows
        self._detail_started: Optional[float] = None
        # contact id -> (urgency key, action) read after a write while the markers of everyone load
        self._fresh_markers: dict[int, tuple[Optional[int], Optional[str]]] = {}
        # Until the first frame is painted no worker starts; a card asked for meanwhile waits here.
        self._first_frame = True
        self._detail_waiting: Optional[int] = None

    @property
    def core(self):
        return self.app.core

    def _describe(self, event: TimelineEvent) -> str:
        return event_text(self.config, event)

    @property
    def config(self):
        return self.app.config

    @property
    def ladder(self):
        return self.config.ladders[self.ladder_key]

    # Layout ----------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        with Horizontal(id="body"):
            with Vertical(id="left"):
                yield Input(placeholder="/ to filter: name, company, email, tags", id="filter", compact=True)
                yield ContactList(today=today, id="contacts")
            with Vertical(id="right"):
                yield Pyramid(id="pyramid")
                yield ContactCard(id="card")
                yield Timeline(id="timeline")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#left").border_title = "Contacts"
        self.query_one("#pyramid").border_title = Content(self.ladder.name)  # literal: never markup
        self.query_one("#card").border_title = "Card"
        self.query_one("#timeline").border_title = "Timeline"
        self._apply_ladder_styles()
        self._layout_for(self.size.width, self.size.height)
        self.query_one(ContactList).focus()
        preloaded = self.app.first_page
        if preloaded is not None and preloaded[0] == self.ladder_key:
            # The first screenful was read before the app started: show it in the first frame, and
            # start reading the rest once that frame is painted. A worker started now would share the
            # interpreter with composing it (threads take turns), and the first frame would come later.
            self.app.first_page = None
            self._rows_loaded(self.ladder_key, preloaded[1], None, None, False)
            self.call_after_refresh(self._first_frame_painted)
        else:
            self._first_frame = False
            self.load_rows(first_page=True)

    def _first_frame_painted(self) -> None:
        self._first_frame = False
        self.load_rows()
        if self._detail_waiting is not None:
            self.load_detail(self._detail_waiting)
            self._detail_waiting = None

    def on_resize(self, event) -> None:
        self._layout_for(event.size.width, event.size.height)

    def _layout_for(self, width: int, height: int) -> None:
        compact = width < 100 or height < 32
        changed = compact != self.has_class("-compact")
        self.set_class(compact, "-compact")
        self.query_one(Pyramid).set_class(compact, "-compact")
        self.query_one("#filter", Input).placeholder = (
            "/ to filter" if compact else "/ to filter: name, company, email, tags"
        )
        if changed:
            self._show_card()

    def _apply_ladder_styles(self) -> None:
        colors = self.app.level_colors(self.ladder_key)
        styles = {rank: Style(color=color.rich_color) for rank, color in colors.items()}
        self.query_one(ContactList).set_ladder(self.ladder, styles)
        self.query_one("#pyramid").border_title = Content(self.ladder.name)  # literal: never markup

    def theme_changed(self) -> None:
        """The app calls this after the theme changed: level colours depend on the background."""
        self._apply_ladder_styles()
        self._update_pyramid()
        self._show_card()

    # Loading -----------------------------------------------------------------------

    @work(thread=True, exclusive=True, exit_on_error=False, group="rows")
    def load_rows(self, *, first_page: bool = False, select: Optional[int] = None, quiet: bool = True) -> None:
        worker = get_current_worker()
        key = self.ladder_key
        with self.app.connection():
            # This connection reads the whole contact table once and then closes: a big page
            # cache would only raise the peak memory (by ~25 MB at 100k contacts).
            self.core.db.execute_sql("PRAGMA cache_size = -1024")
            if first_page:
                page = self.core.rows(ladder=key, limit=FIRST_PAGE)
                if worker.is_cancelled:
                    return
                self.app.call_from_thread(self._rows_loaded, key, page, None, select, False)
            rows = self.core.rows(ladder=key)
        hays = [haystack(row) for row in rows]
        if worker.is_cancelled:
            return
        self.app.call_from_thread(self._rows_loaded, key, rows, hays, select, True)
        if not quiet:
            self.app.call_from_thread(self.notify, f"Reloaded {len(rows)} contacts.", timeout=2)

    def _rows_loaded(
        self, key: str, rows: list[ContactRow], hays: Optional[list[str]], select: Optional[int], complete: bool
    ) -> None:
        if key != self.ladder_key:
            return
        if not complete and self.store.complete and self._loaded_once:
            return  # a first page never replaces a whole list
        self.store.load(rows, hays, complete=complete)
        self._loaded_once = True
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
    @work(thread=True, exclusive=True, exit_on_error=False, group="markers", description="load_markers")
    def load_markers(self, key: str, rows: list[ContactRow]) -> None:
        """Health markers (fast), then suggestion markers (about a second at 100k contacts), after the list.

        Run over everyone only when the whole list is (re)loaded; after a write
        only the contact written to is read again (``_refresh_contact``).
        """
        worker = get_current_worker()
        with self.app.connection():
            # One pass over the timeline: a big page cache would only raise the peak memory.
            self.core.db.execute_sql("PRAGMA cache_size = -1024")
            # In slices: 100k Health objects at once would raise the peak memory by ~15 MB.
            keys: dict[int, int] = {}
            for start in range(0, len(rows), MARKER_SLICE):
                keys.update(urgency_keys(self.core.intel.health(rows[start:start + MARKER_SLICE], ladder=key)))
                if worker.is_cancelled:
                    return
            self.app.call_from_thread(self._health_loaded, key, keys)
            suggested = self.core.intel.suggested_actions(ladder=key)
        if not worker.is_cancelled:
            self.app.call_from_thread(self._suggestions_loaded, key, suggested)

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

    def _show_rows(self, select: Optional[int] = None) -> None:
        self.query_one(ContactList).set_rows(
            self.store.view(), select=select, more=not self.store.complete, locate=self.store.position_of,
            nobody=self.store.complete and not self.store.rows,
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

    # Selection, card and timeline ----------------------------------------------------

    @on(ContactList.Highlighted)
    def _highlighted(self, event: ContactList.Highlighted) -> None:
        self.selected_id = event.contact_id
        row = self.query_one(ContactList).selected
        self.query_one(Pyramid).marked_rank = row.rank if row is not None else None
        if event.contact_id is None:
            self.card = None
            self._show_card()
            self.query_one(Timeline).show_events([], self._describe)
            return
        self._detail_started = time.perf_counter()
        if self._first_frame:
            self._detail_waiting = event.contact_id  # loaded once the first frame is painted
            return
        self.load_detail(event.contact_id)

    @work(thread=True, exclusive=True, exit_on_error=False, group="detail")
    def load_detail(self, contact_id: int) -> None:
        worker = get_current_worker()
        with self.app.connection():
            try:
                card = self.core.card(contact_id)
            except RelTermError:
                card = None
            events = self.core.timeline(contact_id, limit=TIMELINE_LIMIT + 1) if card is not None else []
            balance = self.core.intel.balance(contact_id) if card is not None else None
            health = self.core.intel.health_of(contact_id) if card is not None else None
        if not worker.is_cancelled:
            self.app.call_from_thread(self._detail_loaded, contact_id, card, events, balance, health)

    def _detail_loaded(
        self, contact_id: int, card: Optional[Card], events: list[TimelineEvent], balance: Any = None,
        health: Any = None,
    ) -> None:
        if contact_id != self.selected_id:
            return
        self.card = card
        self.balance = balance
        self.health = health
        self._show_card()
        self.query_one(Timeline).show_events(
            events[:TIMELINE_LIMIT], self._describe, more=len(events) > TIMELINE_LIMIT,
            warning_style=self._warning_style(),
        )
        if self._detail_started is not None:
            now = time.perf_counter()
            self.timings["detail"].append(now - self._detail_started)
            self.finished["detail"].append(now)
            self._detail_started = None

    def _warning_style(self) -> Style:
        return self.app.theme_style("warning", bold=True)

    def _show_card(self) -> None:
        card = self.card
        level_style = None
        if card is not None:
            rank = card.ranks.get(self.ladder_key)
            color = self.app.level_colors(self.ladder_key).get(rank) if rank is not None else None
            level_style = Style(color=color.rich_color, bold=True) if color is not None else None
        self.query_one(ContactCard).show_card(
            card, self.config, self.ladder_key, level_style, self._warning_style(),
            brief=self.has_class("-compact"), balance=self.balance if card is not None else None,
            health=self.health if card is not None else None,
        )

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

    def action_toggle_history(self) -> None:
        pyramid = self.query_one(Pyramid)
        if pyramid.history_shown:
            pyramid.set_history(None)
            return
        self.load_history(self.ladder_key)

    @work(thread=True, exclusive=True, exit_on_error=False, group="history")
    def load_history(self, key: str) -> None:
        worker = get_current_worker()
        with self.app.connection():
            history = self.core.intel.level_history(ladder=key)
        if not worker.is_cancelled:
            self.app.call_from_thread(self._history_loaded, key, history)

    def _history_loaded(self, key: str, history) -> None:
        if key != self.ladder_key:
            return
        self.query_one(Pyramid).set_history(dict(history.counts), history.months)

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

    def action_reload(self) -> None:
        self.load_rows(select=self.selected_id, quiet=False)

    def reload_quietly(self) -> None:
        """Another process changed the database: read it again, keeping the selection."""
        self.load_rows(select=self.selected_id)
        if self.selected_id is not None:
            self.load_detail(self.selected_id)

    # Database work from flows --------------------------------------------------------

    async def _db(self, function: Callable[..., Any], *args, **kwargs) -> tuple[bool, Any]:
        """Run ``function`` in a thread worker; (True, result) or (False, error). Never raises."""

        def call() -> tuple[bool, Any]:
            with self.app.connection():
                try:
                    return True, function(*args, **kwargs)
                except RelTermError as exc:
                    return False, exc
                except Exception as exc:  # reported to the user; the app keeps running
                    # A locked, read-only or damaged database, a full disk: the same words as the CLI's.
                    from ...store import explain

                    return False, explain(exc) or exc

        worker = self.run_worker(call, thread=True, group="write", exit_on_error=False)
        await worker.wait()
        ok, value = worker.result
        if not ok:
            self._report(value)
        else:
            self.app.refresh_data_version()
        return ok, value

    def _report(self, error: BaseException) -> None:
        from ...store import explain  # loaded by now: the app opens the store after its first frame

        error = explain(error) or error
        if isinstance(error, RelTermError):
            self.notify(str(error), title="Not saved", severity="error", markup=False, timeout=8)
        else:
            self.notify(f"{type(error).__name__}: {error}", title="Unexpected error", severity="error",
                        markup=False, timeout=10)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state == WorkerState.ERROR and event.worker.error is not None:
            self._report(event.worker.error)

    def _selected_row(self) -> Optional[ContactRow]:
        row = self.query_one(ContactList).selected
        if row is None:
            self.notify("No contact selected.", severity="warning")
        return row

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
        ok, value = await self._db(self._rows_and_health, key, ids)
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

    # Message handlers: what changed ----------------------------------------------------

    async def on_contact_added(self, message: messages.ContactAdded) -> None:
        await self._refresh_contact(message.contact_id)

    async def on_contact_edited(self, message: messages.ContactEdited) -> None:
        await self._refresh_contact(message.contact_id)

    async def on_contact_restored(self, message: messages.ContactRestored) -> None:
        await self._refresh_contact(message.contact_id)

    async def on_level_changed(self, message: messages.LevelChanged) -> None:
        await self._refresh_contact(message.contact_id)

    async def on_interaction_logged(self, message: messages.InteractionLogged) -> None:
        await self._refresh_contact(message.contact_id)

    def on_contact_archived(self, message: messages.ContactArchived) -> None:
        self.store.remove(message.contact_id)
        self._show_rows()
        self._update_pyramid()

    def on_data_changed_elsewhere(self, message: messages.DataChangedElsewhere) -> None:
        self.reload_quietly()

    # Flows: popups then writes -----------------------------------------------------------

    def _flow_open(self) -> bool:
        """Whether a popup flow is already under way (keys typed ahead must not open a second one)."""
        return any(worker.group == "flow" and not worker.is_finished for worker in self.workers)

    async def _until_saved(self, make_form: Callable[[Any], Any], save: Callable[[Any], Any], draft: Any = None):
        """Open the popup, then run ``save(result)`` in a worker; a failed save reopens the popup with what
        was typed. (result, saved value), or None when the popup was cancelled."""
        while True:
            result = await self.app.push_screen_wait(make_form(draft))
            if result is None:
                return None
            ok, value = await self._db(save, result)
            if ok:
                return result, value
            draft = result.draft

    def _find_ids(self, name: str) -> list[int]:
        wanted = name.strip().casefold()
        return [row.id for row in self.store.rows if row.name.casefold() == wanted]

    def action_add_contact(self) -> None:
        if self._flow_open():
            return
        self.add_flow()

    @work(exit_on_error=False, group="flow")
    async def add_flow(self) -> None:
        from ..modals.contact_form import ContactForm

        draft: Optional[ContactDraft] = None
        while True:
            form = ContactForm(self.config, self.ladder_key, self.store.names, self._find_ids, draft=draft)
            result = await self.app.push_screen_wait(form)
            if result is None:
                return
            ok, value = await self._db(
                self.core.add_contact, result.name, level=result.rank, ladder=self.ladder_key, sphere=result.sphere,
                company=result.company, email=result.email, introduced_by=result.introduced_by_id,
            )
            if not ok:
                draft = result.draft
                continue
            self.notify(Text.assemble("Added ", result.name, f" at {self.ladder.label(result.rank)}.").plain,
                        markup=False, timeout=3)
            self.post_message(messages.ContactAdded(value))
            return

    def action_edit_contact(self) -> None:
        if self._flow_open():
            return
        row = self._selected_row()
        if row is not None:
            self.edit_flow(row.id)

    @work(exit_on_error=False, group="flow")
    async def edit_flow(self, contact_id: int) -> None:
        """The edit popup, then a write of only the fields the user changed.

        The card's version goes with the write: when the contact changed since the popup opened
        (the command line, another window), nothing is written and the user is asked whether to
        reload it, with their own changes kept on top of the stored details.
        """
        from ...errors import ConflictError
        from ..modals.confirm import Confirm
        from ..modals.contact_form import ContactForm

        ok, card = await self._db(self.core.card, contact_id)
        if not ok:
            return
        opened = self._edit_draft(card)
        draft = opened
        while True:
            form = ContactForm(self.config, self.ladder_key, self.store.names, self._find_ids, draft=draft,
                               editing=contact_id, title="Edit contact")
            result = await self.app.push_screen_wait(form)
            if result is None:
                return
            fields, rank = self._edit_changes(card, opened, result)
            if not fields and rank is None:
                self.notify("Nothing changed.", markup=False, timeout=3)
                return
            ok, error = await self._db(self._save_edit, contact_id, card.version, fields, rank)
            if ok:
                break
            draft = result.draft
            if not isinstance(error, ConflictError):
                continue
            question = Text.assemble(
                card.name, " changed since this popup opened (on the command line or in another window); "
                "nothing was saved.\n\nReload it? It then shows the stored details, with your changes on top.",
            )
            if not await self.app.push_screen_wait(Confirm(question, yes="reload")):
                continue
            ok, fresh = await self._db(self.core.card, contact_id)
            if not ok:
                return
            reopened = self._edit_draft(fresh)
            draft = replace(reopened, **{f.name: getattr(result.draft, f.name) for f in fields_of(opened)
                                         if getattr(result.draft, f.name) != getattr(opened, f.name)})
            card, opened = fresh, reopened
            self.post_message(messages.ContactEdited(contact_id))
        self.notify(f"Saved {result.name}.", markup=False, timeout=3)
        self.post_message(messages.ContactEdited(contact_id))

    def _edit_draft(self, card: Card) -> ContactDraft:
        from ..modals.contact_form import ContactDraft

        rank = card.ranks.get(self.ladder_key)
        return ContactDraft(
            name=card.name, level=self.ladder.label(rank) if rank is not None else "", sphere=card.sphere,
            company=card.company, email=card.email, introduced_by=card.introduced_by or "",
        )

    def _edit_changes(self, card: Card, opened: ContactDraft, result) -> tuple[dict, Optional[int]]:
        """The fields the user changed in the popup (compared with what it showed), and the new rank or None."""
        typed = result.draft
        fields: dict = {}
        for name, value in (("name", result.name), ("sphere", result.sphere), ("company", result.company),
                            ("email", result.email)):
            if getattr(typed, name) != getattr(opened, name):
                fields[name] = value
        if typed.introduced_by.strip() != opened.introduced_by.strip():
            fields["introduced_by"] = result.introduced_by_id if typed.introduced_by.strip() else None
        rank = None
        if typed.level != opened.level and result.rank != card.ranks.get(self.ladder_key):
            rank = result.rank
        return fields, rank

    def _save_edit(self, contact_id: int, version: str, fields: dict, rank: Optional[int]) -> None:
        """One transaction: the version check, the changed fields, the level change."""
        from ... import store

        with store.write():
            self.core.edit_contact(contact_id, if_version=version, **fields)
            if rank is not None:
                self.core.change_level(contact_id, ladder=self.ladder_key, to=rank, reason="edited")

    def action_log_interaction(self) -> None:
        if self._flow_open():
            return
        row = self._selected_row()
        if row is not None:
            self.log_flow(row.id, row.name)

    @work(exit_on_error=False, group="flow")
    async def log_flow(self, contact_id: int, name: str) -> None:
        await self.run_log(contact_id, name)

    async def run_log(self, contact_id: int, name: str, *, contact: bool = False) -> Optional[int]:
        """The log popup, then the write; the new event's id, or None when nothing was logged.

        Runs inside a flow worker (this screen's or a view's). An ask too early
        for the contact's level shows the warning and needs a second yes; then it
        is logged with the warning kept on the event. A no reopens the popup with
        what was typed. With ``contact`` (getting in touch from the agenda) the
        kind offered is one that counts as contact (relterm.rules).
        """
        from ..modals.confirm import Confirm
        from ..modals.log_form import LogDraft, LogForm

        kind = self.last_kind
        if contact and not rules.counts_as_contact(self.config, kind):
            kind = next(iter(rules.contact_kinds(self.config)), kind)
        draft = LogDraft(kind=kind)
        while True:
            result = await self.app.push_screen_wait(LogForm(self.config, name, draft=draft))
            if result is None:
                return None
            force = False
            if self.config.kind(result.kind).direction == "ask":
                ok, warning = await self._db(self.core.ask_warning, contact_id, result.kind)
                if not ok:
                    draft = result.draft
                    continue
                if warning:
                    question = Text.assemble((warning, Style(bold=True)), "\n\nLog this ", result.kind, " with ")
                    question.append(name)
                    question.append(" anyway? The warning is kept with the entry.")
                    if not await self.app.push_screen_wait(Confirm(question, yes=f"log the {result.kind}", enter_confirms=False)):
                        draft = result.draft
                        continue
                    force = True
            ok, event_id = await self._db(
                self.core.log, contact_id, result.kind, result.note, date=result.date, force=force
            )
            if not ok:
                draft = result.draft
                continue
            self.last_kind = result.kind
            said = f"Logged {result.kind} with {name} on {result.date.isoformat()}."
            if not rules.counts_as_contact(self.config, result.kind):
                said += f" A {result.kind} is not contact: the keep-in-touch date stays."
            self.notify(said, markup=False, timeout=4)
            self.post_message(messages.InteractionLogged(contact_id, event_id))
            return event_id

    async def run_db(self, function: Callable[..., Any], *args, **kwargs) -> tuple[bool, Any]:
        """Run a database call in a thread worker for a view; (True, result) or (False, error), reported."""
        return await self._db(function, *args, **kwargs)

    @work(exit_on_error=False, group="show")
    async def show_contact(self, contact_id: int) -> None:
        """Select a contact (a view's enter): the filter is cleared when it hides them."""
        await self._refresh_contact(contact_id)
        self.query_one(ContactList).focus()

    def action_give_names(self) -> None:
        if self._flow_open():
            return
        row = self._selected_row()
        if row is not None:
            self.names_flow(row.id, row.name)

    @work(exit_on_error=False, group="flow")
    async def names_flow(self, contact_id: int, name: str) -> None:
        # Imported here: the popup's TextArea costs ~15 ms at start, for a popup seldom opened.
        from ..modals.names_form import NamesForm

        saved = await self._until_saved(
            lambda draft: NamesForm(name, draft=draft),
            lambda result: self.core.intel.introduce_many(contact_id, result.lines, date=result.date),
        )
        if saved is None:
            return
        _, recorded = saved
        new = sum(1 for r in recorded if r.created)
        known = len(recorded) - new
        text = f"{name} gave you {len(recorded)} name{'s' if len(recorded) != 1 else ''}: {new} new to contact"
        text += f", {known} already known." if known else "."
        self.notify(text, markup=False, timeout=4)
        self.post_message(messages.NamesRecorded(contact_id, tuple(r.contact_id for r in recorded)))

    async def on_names_recorded(self, message: messages.NamesRecorded) -> None:
        # The introducer's timeline has a new entry: their row, markers and card follow.
        await self._refresh_contact(message.introducer_id, select=False, also=message.contact_ids)

    def action_review(self) -> None:
        if self._flow_open():
            return
        row = self._selected_row()
        if row is not None:
            self.review_flow(row.id, row.name)

    @work(exit_on_error=False, group="flow")
    async def review_flow(self, contact_id: int, name: str) -> None:
        await self.run_review(contact_id, name)

    async def run_review(self, contact_id: int, name: str) -> Optional[int]:
        """The review popup, then the writes; the review event's id (0: only the schedule changed) or None."""
        # Imported here: the popup's questions live in relterm.intel, which the app needs only now.
        from ..modals.review_form import ReviewForm

        ok, card = await self._db(self.core.card, contact_id)
        if not ok:
            return None
        due = card.review_due.isoformat() if card.review_due else None
        saved = await self._until_saved(
            lambda draft: ReviewForm(name, current_every=card.review_every_days, review_due=due, draft=draft),
            partial(self._save_review, contact_id),
        )
        if saved is None:
            return None
        result, (event_id, next_due) = saved
        if event_id:
            text = f"Recorded the review of {name}."
            text += f" Next review due {next_due.isoformat()}." if next_due else ""
            self.notify(text, markup=False, timeout=4)
            self.post_message(messages.InteractionLogged(contact_id, event_id))
        else:
            self.notify(f"Reviewing {name} every {result.every} days; the next review is due "
                        f"{next_due.isoformat()}." if next_due else f"Stopped the reviews of {name}.",
                        markup=False, timeout=4)
            self.post_message(messages.ContactEdited(contact_id))
        return event_id

    def _save_review(self, contact_id: int, result) -> tuple[int, Any]:
        """Schedule (when the popup changed it) and record the answers, in one transaction."""
        from ... import store

        with store.write():
            next_due = None
            if result.every is not None:
                next_due = self.core.intel.schedule_review(contact_id, result.every)
            if not result.answered:
                return 0, next_due
            return self.core.intel.record_review(
                contact_id, keep=result.keep, stop=result.stop, start=result.start, date=result.date
            )

    def action_promote(self) -> None:
        self._step(1)

    def action_demote(self) -> None:
        self._step(-1)

    def _step(self, step: int) -> None:
        if self._flow_open():
            return
        row = self._selected_row()
        if row is None:
            return
        ladder = self.ladder
        if row.rank is None:
            if step < 0:
                self.notify(f"{row.name} is not on the {self.ladder_key} ladder.", severity="warning", markup=False)
                return
            target = ladder.default_rank
        else:
            target = ladder.next_rank(row.rank, step)
        if target is None:
            edge = "top" if step > 0 else "bottom"
            self.notify(f"{row.name} is on the {edge} rung ({ladder.label(row.rank)}).", severity="warning",
                        markup=False)
            return
        self.level_flow(row.id, row.name, row.rank, target)

    def action_move_level(self) -> None:
        if self._flow_open():
            return
        row = self._selected_row()
        if row is not None:
            self.level_flow(row.id, row.name, row.rank, None)

    def _suggested(self, contact_id: int, current: Optional[int]) -> Optional[Suggested]:
        from ..modals.level_form import Suggested

        action = self.store.suggested.get(contact_id)
        if action is None or current is None:
            return None
        if action == "promote":
            return Suggested(action, self.ladder.next_rank(current, 1), "every criterion of the next rung is met")
        over = -self.store.urgency.get(contact_id, 0)
        reason = f"{over} days past the keep-in-touch date" if over > 0 else "long without contact"
        return Suggested(action, self.ladder.next_rank(current, -1), reason)

    @work(exit_on_error=False, group="flow")
    async def level_flow(self, contact_id: int, name: str, current: Optional[int], target: Optional[int]) -> None:
        from ..modals.level_form import LevelForm

        key = self.ladder_key
        upward = target is None or current is None or target > current

        def evidence():
            with self.app.connection():
                return self.core.intel.evidence(contact_id, ladder=key)

        form = LevelForm(self.ladder, key, name, current, target, evidence=evidence if upward else None,
                         suggestion=self._suggested(contact_id, current))
        result = await self.app.push_screen_wait(form)
        if result is None:
            return
        ok, change = await self._db(
            self.core.change_level, contact_id, ladder=self.ladder_key, to=result.rank, reason=result.reason
        )
        if not ok:
            return
        before, after = change
        verb = "Promoted" if before is None or after > before else "Demoted"
        self.notify(f"{verb} {name}: {self.ladder.label(before)} -> {self.ladder.label(after)}", markup=False,
                    timeout=3)
        self.post_message(messages.LevelChanged(contact_id, self.ladder_key, before, after))

    def action_import_contacts(self) -> None:
        if self._flow_open():
            return
        self.import_flow()

    @work(exit_on_error=False, group="flow")
    async def import_flow(self) -> None:
        # Imported here: relterm.io and the file picker cost ~60 ms at start, for a popup seldom opened.
        from pathlib import Path

        from ...io import run_import
        from ..modals.import_form import ImportForm, ImportProgress

        path, fmt = "", "auto"
        while True:
            request = await self.app.push_screen_wait(ImportForm(Path.cwd(), path=path, format=fmt))
            if request is None:
                return
            progress = ImportProgress(request.path)
            await self.app.push_screen(progress)

            def report(done: int, total: int) -> None:
                self.app.call_from_thread(progress.advance, done, total)

            ok, summary = await self._db(run_import, self.core, request.path, format=request.format,
                                         progress=report)
            if not ok:
                # The error is on screen as a notification; nothing was written. Try another file.
                await progress.dismiss(None)
                path, fmt = str(request.path), request.format
                continue
            progress.show_summary(summary)
            self.notify(clean_for_terminal(summary.lines(limit=0)[0]), markup=False, timeout=5)
            self.load_rows(select=self.selected_id)
            if self.query_one(Pyramid).history_shown:
                self.load_history(self.ladder_key)
            return

    def action_export_contacts(self) -> None:
        if self._flow_open():
            return
        self.export_flow()

    @work(exit_on_error=False, group="flow")
    async def export_flow(self) -> None:
        from pathlib import Path

        from ...io import export
        from ..modals.import_form import ExportForm

        request = await self.app.push_screen_wait(ExportForm(Path.cwd()))
        if request is None:
            return
        ok, value = await self._db(export, self.core, request.format, request.path)
        if ok:
            self.notify(f"Exported {value[1]} contacts to {request.path} ({request.format}).", markup=False,
                        timeout=5)

    def action_archive(self) -> None:
        if self._flow_open():
            return
        row = self._selected_row()
        if row is not None:
            self.archive_flow(row.id, row.name)

    @work(exit_on_error=False, group="flow")
    async def archive_flow(self, contact_id: int, name: str) -> None:
        from ..modals.confirm import Confirm

        question = Text("Archive ")
        question.append(name, Style(bold=True))
        question.append("?\nThey leave the list; their timeline is kept and `relterm restore` brings them back.")
        if not await self.app.push_screen_wait(Confirm(question, yes="archive")):
            return
        ok, _ = await self._db(self.core.archive, contact_id)
        if not ok:
            return
        self._undo = (contact_id, name, time.monotonic() + UNDO_SECONDS)
        self.notify(f"Archived {name}. Press u to undo.", markup=False, timeout=UNDO_SECONDS)
        self.post_message(messages.ContactArchived(contact_id, name))

    def action_undo(self) -> None:
        if self._flow_open():
            return
        if self._undo is None or time.monotonic() > self._undo[2]:
            self._undo = None
            self.notify("Nothing to undo.", severity="warning", timeout=2)
            return
        contact_id, name, _ = self._undo
        self._undo = None
        self.undo_flow(contact_id, name)

    @work(exit_on_error=False, group="flow")
    async def undo_flow(self, contact_id: int, name: str) -> None:
        ok, _ = await self._db(self.core.restore, contact_id)
        if ok:
            self.notify(f"Restored {name}.", markup=False, timeout=3)
            self.post_message(messages.ContactRestored(contact_id))
