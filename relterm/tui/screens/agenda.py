"""The agenda: whom to reach out to now, the same list as ``relterm due``.

Overdue and due keep-in-touch contacts, reviews due, names waiting to be
contacted and birthdays in the next 14 days, grouped by part, most urgent
first. Acting on an item (logging, reviewing, snoozing) takes it off the list.
Open follow-ups (relterm.intel.followups: usually with the person someone
demoted or badly handled came through) have their own part, oldest first;
d marks one done, x dismisses it.
"""

from __future__ import annotations

import datetime as dt
from typing import Optional

from rich.style import Style
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from ...dates import today
from ..widgets.footer import AppFooter
from ...present import goal_line
from ..workers import in_thread
from .view import ViewScreen
from ...intel.followups import DONE, FollowUp
from ...intel.model import BIRTHDAY, ITEM_KINDS, KEEP_IN_TOUCH, REVIEW, AgendaItem
from ..modals.base import DAYS_RESTRICT, FormModal, check_days_field
from ..widgets.field import Field

SECTIONS = {
    KEEP_IN_TOUCH: "Keep in touch",
    REVIEW: "Reviews due",
    "to-contact": "Names to contact",
    BIRTHDAY: "Birthdays",
}
FOLLOW_UPS = "Follow-ups"
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
        yield self.row("Days", Field("7", id="days", compact=True, restrict=DAYS_RESTRICT, max_length=4))

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one("#days", Input).focus()

    def collect(self, problems: list[str]) -> Optional[int]:
        return check_days_field(self.query_one("#days", Input).value, "days", problems)


class AgendaScreen(ViewScreen):
    VIEW_ID = "agenda"  # its keys: relterm.tui.commands.VIEWS

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
        self.follow_ups: list[FollowUp] = []
        self._highlight_key: Optional[tuple[str, int]] = None  # the item to keep highlighted after a reload
        self._highlight_index: Optional[int] = None  # where it was, to stay near when it leaves
        self._width = 0  # the width the lines were cut to

    def compose(self) -> ComposeResult:
        with Vertical(id="agenda-box"):
            yield Static(id="agenda-goals")
            yield OptionList(id="agenda")
            yield Static(id="agenda-empty")
        yield AppFooter()

    def on_mount(self) -> None:
        box = self.query_one("#agenda-box")
        box.border_title = "Agenda · loading"
        box.border_subtitle = "enter: go to · l: log · s: snooze · d/x: follow-up done/dismissed · esc: back"
        self.query_one(OptionList).focus()
        self.call_after_refresh(self.load)  # after the first frame: a loader thread would delay it

    # Loading -------------------------------------------------------------------------

    @work(exclusive=True, exit_on_error=False, group="agenda")
    async def load(self) -> None:
        items, follow_ups, goals = await in_thread(self, self._read, group="agenda")
        self._show_goals(goals)
        self._loaded(items, follow_ups)

    def _read(self) -> tuple[list[AgendaItem], list[FollowUp], list]:
        """In a thread: the agenda's items, the open follow-ups and the goals' progress."""
        intel = self.app.core.intel
        return intel.agenda(), intel.follow_ups(), intel.goal_progress()

    def _show_goals(self, goals) -> None:
        """Each goal's progress this period and streak (``relterm goal``), above the items."""
        line = self.query_one("#agenda-goals", Static)
        line.display = bool(goals)
        line.update(Text("\n".join(f"Goal {goal_line(g)}" for g in goals)))

    def _loaded(self, items: list[AgendaItem], follow_ups: Optional[list[FollowUp]] = None) -> None:
        self.items = items
        if follow_ups is not None:
            self.follow_ups = follow_ups
        options = self.query_one(OptionList)
        keep = self._highlight_key
        current = self._current()
        if current is not None and keep is None:
            keep = (current.item, current.contact_id)
        follow = self._current_follow_up()
        if follow is not None and keep is None:
            keep = ("follow-up", follow.id)
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
        if self.follow_ups:
            if prompts:
                prompts.append(None)
            prompts.append(Option(Text(f"{FOLLOW_UPS} ({len(self.follow_ups)})", Style(bold=True)), disabled=True))
            for index, follow in enumerate(self.follow_ups):
                position_of[("follow-up", follow.id)] = len(prompts)
                if first_item is None:
                    first_item = len(prompts)
                prompts.append(Option(self._follow_up_line(follow, ladder, width), id=f"f{index}"))
        options.set_options(prompts)
        self.set_class(not items and not self.follow_ups, "-empty")
        total = len(items) + len(self.follow_ups)
        self.query_one("#agenda-box").border_title = (
            f"Agenda · {today().isoformat()} · {total} item{'s' if total != 1 else ''}" if total else "Agenda"
        )
        self.query_one("#agenda-empty", Static).update(Text(
            "Nothing due today: everyone is in touch.\n\n"
            "Contacts show up here when their level's keep-in-touch cadence runs out,\n"
            "a review falls due, someone gives you names, or a birthday is near.\n\n"
            "escape goes back"
        ))
        if position_of:
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

    def _follow_up_line(self, follow: FollowUp, ladder, width: int) -> Text:
        """A follow-up: "added 2026-11-23  Ben Okri  3 Conversant  about Elena: why" (plain text, cut to fit)."""
        line = Text(no_wrap=True, overflow="ellipsis")
        line.append(f"{'open':<9}", Style(dim=True))
        name_width = NAME_WIDTH if width >= 100 else 18
        name = follow.name if len(follow.name) <= name_width else follow.name[: name_width - 1] + "…"
        line.append(f"{name:<{name_width}}  ", Style(bold=True))
        level_width = min(max(len(ladder.label(level.rank)) for level in ladder.levels), 16)
        line.append(f"{ladder.label(follow.rank):<{level_width}}  ")
        detail = f"about {follow.about}" if follow.about else ""
        if follow.reason:
            detail += (": " if detail else "") + follow.reason
        added = f" (added {follow.created.isoformat()})" if follow.created else ""
        line.append(detail + added, Style(dim=True))
        line.truncate(width, overflow="ellipsis")
        return line

    def _current(self) -> Optional[AgendaItem]:
        option = self.query_one(OptionList).highlighted_option
        if option is None or option.id is None or option.id.startswith("f"):
            return None
        index = int(option.id)
        return self.items[index] if index < len(self.items) else None

    def _current_follow_up(self) -> Optional[FollowUp]:
        option = self.query_one(OptionList).highlighted_option
        if option is None or option.id is None or not option.id.startswith("f"):
            return None
        index = int(option.id[1:])
        return self.follow_ups[index] if index < len(self.follow_ups) else None

    def _selected_item(self) -> Optional[AgendaItem]:
        item = self._current()
        if item is None:
            if self._current_follow_up() is not None:
                self.notify("That is a follow-up: d marks it done, x dismisses it, l logs with them.",
                            severity="warning", markup=False, timeout=3)
            else:
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
        box = self.query_one("#agenda-box")
        title = str(box.border_title or "Agenda").removesuffix(" · reading…")
        box.border_title = f"{title} · reading…"  # the key's answer while the agenda is read again
        self.load()

    @on(OptionList.OptionSelected)
    def _option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.action_open_contact()

    def action_open_contact(self) -> None:
        follow = self._current_follow_up()
        item = follow or self._selected_item()
        if item is None or self.main is None:
            return
        self.dismiss()
        self.main.show_contact(item.contact_id)

    def action_act(self) -> None:
        if self._flow_open() or self.main is None:
            return
        follow = self._current_follow_up()
        if follow is not None:
            self.follow_up_log_flow(follow)
            return
        item = self._selected_item()
        if item is not None:
            self.act_flow(item)

    @work(exit_on_error=False, group="flow")
    async def follow_up_log_flow(self, follow: FollowUp) -> None:
        """Getting in touch with the person a follow-up is with; d then marks it done."""
        done = await self.main.run_log(follow.contact_id, follow.name, contact=True)
        if done is not None:
            self._highlight_index = self.query_one(OptionList).highlighted
            self._highlight_key = ("follow-up", follow.id)
            self.load()

    def action_close_follow_up(self, status: str) -> None:
        if self._flow_open() or self.main is None:
            return
        follow = self._current_follow_up()
        if follow is None:
            self.notify("Highlight a follow-up first (the Follow-ups part of the agenda).", severity="warning",
                        markup=False, timeout=3)
            return
        self.close_follow_up_flow(follow, status)

    @work(exit_on_error=False, group="flow")
    async def close_follow_up_flow(self, follow: FollowUp, status: str) -> None:
        ok, _ = await self.main.run_db(self.app.core.intel.close_follow_up, follow.id, status)
        if not ok:
            return
        verb = "Marked done" if status == DONE else "Dismissed"
        about = f" about {follow.about}" if follow.about else ""
        self.notify(f"{verb}: the follow-up with {follow.name}{about}. "
                    f"`relterm follow-up --reopen {follow.id}` opens it again.", markup=False, timeout=4)
        self._highlight_index = self.query_one(OptionList).highlighted
        self._highlight_key = ("follow-up", follow.id)
        self.load()

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
        if self._current_follow_up() is not None:
            self.notify("A follow-up is not snoozed: d marks it done, x dismisses it.", severity="warning",
                        markup=False, timeout=3)
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
