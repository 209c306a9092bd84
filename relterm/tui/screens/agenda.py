"""The agenda: whom to reach out to now, the same list as ``relterm due``.

Overdue and due keep-in-touch contacts, reviews due, names waiting to be
contacted and birthdays in the next 14 days, grouped by part, most urgent
first. Acting on an item (logging, reviewing, snoozing) takes it off the list.
"""

from __future__ import annotations

import datetime as dt
from typing import Optional

from rich.style import Style
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Footer, Input, OptionList, Static
from textual.widgets.option_list import Option
from textual.worker import get_current_worker

from ...dates import today
from ...present import goal_line
from .view import ViewScreen
from ...intel.model import BIRTHDAY, ITEM_KINDS, KEEP_IN_TOUCH, REVIEW, AgendaItem
from ..modals.base import DAYS_RESTRICT, FormModal, check_days_field

SECTIONS = {
    KEEP_IN_TOUCH: "Keep in touch",
    REVIEW: "Reviews due",
    "to-contact": "Names to contact",
    BIRTHDAY: "Birthdays",
}
# Items listed per part; the rest are counted (`relterm due --limit 0` lists them all).
PART_LIMIT = 500
NAME_WIDTH = 26


class SnoozeForm(FormModal[int]):
    """How many days to hide one agenda item."""

    HINT = "enter snoozes · escape cancels · 0 clears a snooze"

    def __init__(self, what: Text) -> None:
        super().__init__()
        self.what = what

    def title_text(self) -> Text:
        return Text.assemble("Snooze ", self.what)

    def compose_form(self) -> ComposeResult:
        yield self.row("Days", Input("7", id="days", compact=True, restrict=DAYS_RESTRICT, max_length=4))

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one("#days", Input).focus()

    def collect(self, problems: list[str]) -> Optional[int]:
        return check_days_field(self.query_one("#days", Input).value, "days", problems)


class AgendaScreen(ViewScreen):
    BINDINGS = [
        Binding("enter", "open_contact", "Go to", id="agenda-open"),
        Binding("l", "act", "Log", id="agenda-log", tooltip="Log an interaction (on a review: hold the review)."),
        Binding("s", "snooze", "Snooze", id="agenda-snooze", tooltip="Hide the highlighted item for some days."),
        Binding("r", "reload", "Reload", id="agenda-reload"),
    ]

    DEFAULT_CSS = """
    AgendaScreen OptionList, AgendaScreen OptionList:focus {
        height: 1fr;
        border: none;
        background: $surface;
    }
    AgendaScreen #agenda-empty {
        height: 1fr;
        content-align: center middle;
        text-align: center;
        color: $text-muted;
    }
    AgendaScreen #agenda-goals {
        height: auto;
        padding: 0 1;
        color: $text-muted;
        display: none;
    }
    AgendaScreen.-empty OptionList, AgendaScreen #agenda-empty {
        display: none;
    }
    AgendaScreen.-empty #agenda-empty {
        display: block;
    }
    """

    def __init__(self) -> None:
        super().__init__()
        self.items: list[AgendaItem] = []
        self._highlight_key: Optional[tuple[str, int]] = None  # the item to keep highlighted after a reload
        self._highlight_index: Optional[int] = None  # where it was, to stay near when it leaves
        self._width = 0  # the width the lines were cut to

    def compose(self) -> ComposeResult:
        with Vertical(id="agenda-box"):
            yield Static(id="agenda-goals")
            yield OptionList(id="agenda")
            yield Static(id="agenda-empty")
        yield Footer()

    def on_mount(self) -> None:
        box = self.query_one("#agenda-box")
        box.border_title = "Agenda · loading"
        box.border_subtitle = "enter: go to the person · l: log · s: snooze · escape: back"
        self.query_one(OptionList).focus()
        self.load()

    # Loading -------------------------------------------------------------------------

    @work(thread=True, exclusive=True, exit_on_error=False, group="agenda")
    def load(self) -> None:
        worker = get_current_worker()
        core = self.app.core
        with self.app.connection():
            items = core.intel.agenda()
            goals = core.intel.goal_progress()
        if not worker.is_cancelled:
            self.app.call_from_thread(self._show_goals, goals)
            self.app.call_from_thread(self._loaded, items)

    def _show_goals(self, goals) -> None:
        """Each goal's progress this period and streak (``relterm goal``), above the items."""
        line = self.query_one("#agenda-goals", Static)
        line.display = bool(goals)
        line.update(Text("\n".join(f"Goal {goal_line(g)}" for g in goals)))

    def _loaded(self, items: list[AgendaItem]) -> None:
        self.items = items
        options = self.query_one(OptionList)
        keep = self._highlight_key
        current = self._current()
        if current is not None and keep is None:
            keep = (current.item, current.contact_id)
        ladder = self.app.config.ladders[self.app.config.default_ladder]  # the agenda's ranks are on it
        width = max(options.scrollable_content_region.width - 2, 20) if options.size.width else 100
        self._width = width
        counts = {kind: 0 for kind in ITEM_KINDS}
        for item in items:
            counts[item.item] += 1
        prompts: list[Option | None] = []
        position_of: dict[tuple[str, int], int] = {}
        first_item: Optional[int] = None
        for kind in ITEM_KINDS:
            if not counts[kind]:
                continue
            if prompts:
                prompts.append(None)
            prompts.append(Option(Text(f"{SECTIONS[kind]} ({counts[kind]})", Style(bold=True)), disabled=True))
            shown = 0
            for index, item in enumerate(items):
                if item.item != kind:
                    continue
                if shown == PART_LIMIT:
                    rest = counts[kind] - shown
                    prompts.append(Option(Text(f"... and {rest} more (relterm due --limit 0 lists them all)",
                                               Style(dim=True)), disabled=True))
                    break
                shown += 1
                position_of[(item.item, item.contact_id)] = len(prompts)
                if first_item is None:
                    first_item = len(prompts)
                prompts.append(Option(self._line(item, ladder, width), id=str(index)))
        options.set_options(prompts)
        self.set_class(not items, "-empty")
        total = len(items)
        self.query_one("#agenda-box").border_title = (
            f"Agenda · {today().isoformat()} · {total} item{'s' if total != 1 else ''}" if total else "Agenda"
        )
        self.query_one("#agenda-empty", Static).update(Text(
            "Nothing due today: everyone is in touch.\n\n"
            "Contacts show up here when their level's keep-in-touch cadence runs out,\n"
            "a review falls due, someone gives you names, or a birthday is near.\n\n"
            "escape goes back"
        ))
        if items:
            target = position_of.get(keep) if keep is not None else None
            if target is None:
                target = first_item
                if keep is not None and self._highlight_index is not None:
                    # The item left: stay near where it was.
                    target = next((p for p in sorted(position_of.values()) if p >= self._highlight_index),
                                  max(position_of.values()))
            options.highlighted = target
        self._highlight_key = None
        self._highlight_index = None

    def on_resize(self) -> None:
        options = self.query_one(OptionList)
        if self.items and options.size.width and options.scrollable_content_region.width - 2 != self._width:
            self._loaded(self.items)  # the lines are cut to the width: cut them again

    def _line(self, item: AgendaItem, ladder, width: int) -> Text:
        status = item.status.upper() if item.status == "overdue" else item.status
        status_style = self.app.theme_style("error", bold=True) if item.status == "overdue" else (
            self.app.theme_style("warning") if item.status == "due" else Style(dim=True))
        name_width = NAME_WIDTH if width >= 100 else 18
        name = item.name if len(item.name) <= name_width else item.name[: name_width - 1] + "…"
        level = ladder.label(item.rank) if item.rank is not None else "-"
        level_width = min(max(len(ladder.label(level.rank)) for level in ladder.levels), 16)
        line = Text(no_wrap=True, overflow="ellipsis")
        line.append(f"{status:<9}", status_style)
        line.append(f"{name:<{name_width}}  ", Style(bold=True))
        line.append(f"{level:<{level_width}}  ")
        line.append(item.detail, Style(dim=True))
        line.truncate(width, overflow="ellipsis")
        return line

    def _current(self) -> Optional[AgendaItem]:
        option = self.query_one(OptionList).highlighted_option
        if option is None or option.id is None:
            return None
        index = int(option.id)
        return self.items[index] if index < len(self.items) else None

    def _selected_item(self) -> Optional[AgendaItem]:
        item = self._current()
        if item is None:
            self.notify("Nothing highlighted on the agenda.", severity="warning", timeout=2)
        return item

    def _flow_open(self) -> bool:
        return any(worker.group == "flow" and not worker.is_finished for worker in self.workers)

    def _reload_after(self, item: AgendaItem) -> None:
        self._highlight_index = self.query_one(OptionList).highlighted
        self._highlight_key = (item.item, item.contact_id)
        self.load()

    # Actions -----------------------------------------------------------------------------


    def action_reload(self) -> None:
        self.load()

    @on(OptionList.OptionSelected)
    def _option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.action_open_contact()

    def action_open_contact(self) -> None:
        item = self._selected_item()
        if item is None or self.main is None:
            return
        self.dismiss()
        self.main.show_contact(item.contact_id)

    def action_act(self) -> None:
        if self._flow_open() or self.main is None:
            return
        item = self._selected_item()
        if item is not None:
            self.act_flow(item)

    @work(exit_on_error=False, group="flow")
    async def act_flow(self, item: AgendaItem) -> None:
        main = self.main
        if item.item == REVIEW:
            done = await main.run_review(item.contact_id, item.name)
        else:
            # Acting on an agenda item is getting in touch: the popup offers a kind that counts as contact.
            done = await main.run_log(item.contact_id, item.name, contact=True)
        if done is None:
            return
        if item.item == BIRTHDAY:
            # Wished them well: the birthday leaves the agenda until the day after it.
            days = max((item.due_on - today()).days, 0) + 1
            await main.run_db(self.app.core.intel.snooze, item.contact_id, days, item=BIRTHDAY)
        self._reload_after(item)

    def action_snooze(self) -> None:
        if self._flow_open() or self.main is None:
            return
        item = self._selected_item()
        if item is not None:
            self.snooze_flow(item)

    @work(exit_on_error=False, group="flow")
    async def snooze_flow(self, item: AgendaItem) -> None:
        what = Text.assemble(SECTIONS[item.item].lower(), ": ", item.name)
        days = await self.app.push_screen_wait(SnoozeForm(what))
        if days is None:
            return
        ok, until = await self.main.run_db(self.app.core.intel.snooze, item.contact_id, days, item=item.item)
        if not ok:
            return
        if until is None:
            self.notify(Text.assemble("Cleared the snooze on ", what, ".").plain, markup=False, timeout=3)
        else:
            until_text = until.isoformat() if isinstance(until, dt.date) else str(until)
            self.notify(Text.assemble("Snoozed ", what, f" until {until_text}.").plain, markup=False, timeout=3)
        self._reload_after(item)
