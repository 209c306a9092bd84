"""The main screen: contact list, pyramid, card and timeline, and every action on them.

The screen owns the state (the ladder shown, the rows in memory, the filter,
the selected contact); the panes only draw what they are given. Database work
runs in thread workers, never on the UI thread; its result comes back one
way, awaited on the UI thread (``relterm.tui.workers.in_thread``). Writes go
through ``relterm.core.Core``; after one, the screen posts a message from
``relterm.tui.messages`` and reacts to it like every view.

The screen is built of parts, one module each: ``main_rows`` (reading and
drawing the list), ``main_filters`` (filters, sort, ladders),
``relterm.tui.workers`` (database work and error reports) and
``relterm.tui.flows`` (the popups and their writes).
"""

from __future__ import annotations

import time
from typing import Any, Optional

from rich.style import Style
from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.widgets import Input

from ...dates import today
from ...domain import Card, ContactRow, TimelineEvent
from ...errors import RelTermError
from ...present import event_text
from .. import messages
from ..commands import screen_bindings
from ..data import ContactStore
from ..flows import FlowsPart
from ..widgets.card import NOTES_READ, ContactCard
from ..widgets.contact_list import ContactList
from ..widgets.footer import AppFooter
from ..widgets.pyramid import Pyramid
from ..widgets.timeline import Timeline
from ..workers import WorkersPart, in_thread
from .main_filters import FiltersPart
from .main_rows import RowsPart
from .main_sync import SyncPart

TIMELINE_LIMIT = 300


class MainScreen(FlowsPart, FiltersPart, RowsPart, SyncPart, WorkersPart):
    """The list, pyramid, card and timeline.

    What the app and the views (agenda, circles, matrix) may use, and nothing
    with a leading underscore: ``config``, ``core``, ``ladder``, ``ladder_key``,
    ``show_contact``, ``filter_to``, ``run_log``, ``run_review``, ``run_db``,
    ``theme_changed``, and the messages of ``relterm.tui.messages`` (posted to
    this screen, it refreshes what changed).
    """

    BINDINGS = screen_bindings()

    def __init__(self) -> None:
        super().__init__()
        self.store = ContactStore()
        self.ladder_key: str = self.app.config.default_ladder
        self.selected_id: Optional[int] = None
        self.card: Optional[Card] = None
        self.balance = None  # the give/ask ledger of the contact on the card (relterm.intel.Balance)
        self.health = None  # the keep-in-touch health of the contact on the card (relterm.rules.Health)
        self.also_known: list[str] = []  # the card's other ways in besides the first introducer (names)
        self.last_kind = "note"
        self._undo: Optional[tuple[int, str, float]] = None
        self.merge_marks: list[int] = []  # contacts marked (m) to merge, in the order marked: the first is kept
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
        yield AppFooter()

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

    @work(exclusive=True, exit_on_error=False, group="detail")
    async def load_detail(self, contact_id: int) -> None:
        detail = await in_thread(self, self._read_detail, contact_id, group="detail")
        self._detail_loaded(contact_id, *detail)

    def _read_detail(self, contact_id: int) -> tuple[Optional[Card], list[TimelineEvent], Any, Any]:
        try:
            card = self.core.card(contact_id, notes_limit=NOTES_READ)  # the card shows the start
        except RelTermError:
            return None, [], None, None
        events = self.core.timeline(contact_id, limit=TIMELINE_LIMIT + 1)
        intel = self.core.intel
        return (card, events, intel.balance(contact_id), intel.health_of(contact_id),
                [name for _, name in intel.also_known_through(contact_id)])

    def _detail_loaded(
        self, contact_id: int, card: Optional[Card], events: list[TimelineEvent], balance: Any = None,
        health: Any = None, also_known: Optional[list[str]] = None,
    ) -> None:
        if contact_id != self.selected_id:
            return
        self.card = card
        self.balance = balance
        self.health = health
        self.also_known = also_known or []
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
            health=self.health if card is not None else None, also_known=self.also_known if card is not None else (),
        )

    def _selected_row(self) -> Optional[ContactRow]:
        row = self.query_one(ContactList).selected
        if row is None:
            self.notify("No contact selected.", severity="warning")
        return row

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
        if message.contact_id in self.merge_marks:
            self.merge_marks.remove(message.contact_id)
            self.query_one(ContactList).set_merge_marks(set(self.merge_marks))
        self.store.remove(message.contact_id)
        self._show_rows()
        self._update_pyramid()

    def on_data_changed_elsewhere(self, message: messages.DataChangedElsewhere) -> None:
        self.reload_quietly()

    @work(exit_on_error=False, group="show")
    async def show_contact(self, contact_id: int) -> None:
        """Select a contact (a view's enter): the filter is cleared when it hides them."""
        await self._refresh_contact(contact_id)
        self.query_one(ContactList).focus()

    async def on_names_recorded(self, message: messages.NamesRecorded) -> None:
        # The introducer's timeline has a new entry: their row, markers and card follow.
        await self._refresh_contact(message.introducer_id, select=False, also=message.contact_ids)

