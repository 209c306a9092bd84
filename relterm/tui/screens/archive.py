"""The archive: contacts archived with ``d`` (or ``relterm archive``), to browse, filter and restore.

After the few seconds in which ``u`` undoes an archive, this is where an
archived contact is found again. ``/`` filters by name, company, email or
tags (every word must occur); ``R`` or ``enter`` restores the highlighted
contact after a confirmation, and the contact list selects them. The rows are
read in a thread worker; at most ``SHOWN`` are listed at once (the filter
narrows them).
"""

from __future__ import annotations

from typing import Optional

from rich.cells import cell_len
from rich.style import Style
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from ...domain import ContactRow
from .. import messages
from ..data import fit, haystack, share_width
from ..widgets.footer import AppFooter
from ..workers import in_thread
from .view import ViewScreen

SHOWN = 500
DATE = len("last 2026-10-14")  # the last-contact column, always whole
GAP = 2  # cells between columns


class ArchiveScreen(ViewScreen):
    VIEW_ID = "archive"  # its keys: relterm.tui.commands.VIEWS

    DEFAULT_CSS = """
    ArchiveScreen #archive-filter {
        background: $surface;
    }
    ArchiveScreen #archive-filter:focus {
        background: $boost;
    }
    ArchiveScreen OptionList, ArchiveScreen OptionList:focus {
        height: 1fr;
        border: none;
        background: $surface;
    }
    ArchiveScreen #archive-hint {
        height: 1;
        color: $text-muted;
        padding: 0 1;
    }
    """

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[ContactRow] = []
        self._hays: list[str] = []
        self.shown: list[ContactRow] = []

    def compose(self) -> ComposeResult:
        with Vertical(id="archive-box"):
            yield Input(placeholder="/ to filter: name, company, email, tags", id="archive-filter", compact=True)
            yield OptionList(id="archive-list")
            yield Static(Text("R or enter: restore · /: filter · esc: back"), id="archive-hint")
        yield AppFooter()

    def on_mount(self) -> None:
        self.query_one("#archive-box").border_title = "Archive · loading"
        self.query_one(OptionList).focus()
        self.call_after_refresh(self.load)  # after the first frame: a loader thread would delay it

    @work(exclusive=True, exit_on_error=False, group="archive")
    async def load(self, select: Optional[int] = None) -> None:
        main = self.main
        ladder = main.ladder_key if main is not None else self.app.config.default_ladder
        rows = await in_thread(self, self.app.core.rows, ladder=ladder, archived=True, group="archive")
        self.rows = rows
        self._hays = [haystack(row) for row in rows]
        self._show(select)

    def _show(self, select: Optional[int] = None) -> None:
        words = self.query_one("#archive-filter", Input).value.lower().split()
        matching = [row for row, hay in zip(self.rows, self._hays) if all(word in hay for word in words)]
        self.shown = matching[:SHOWN]
        options = self.query_one(OptionList)
        columns = self._columns(self._width())
        prompts: list[Option] = [Option(self._line(row, columns), id=str(row.id)) for row in self.shown]
        if len(matching) > SHOWN:
            prompts.append(Option(Text(f"... and {len(matching) - SHOWN} more: / filters the archive",
                                       Style(dim=True)), disabled=True))
        options.set_options(prompts)
        total = len(self.rows)
        box = self.query_one("#archive-box")
        if not total:
            box.border_title = "Archive · empty"
            options.set_options([Option(Text("Nobody is archived. d on the contact list archives someone.",
                                             Style(dim=True)), disabled=True)])
            return
        count = f"{len(matching)} of {total}" if words else str(total)
        box.border_title = f"Archive · {count} archived contact{'s' if total != 1 else ''}"
        if self.shown:
            # A new filter starts at the top; after a restore, the row that took the restored one's place.
            position = 0
            if select is not None:
                position = min(select, len(self.shown) - 1)
            options.highlighted = position

    @property
    def _ladder(self):
        main = self.main
        return main.ladder if main is not None else self.app.config.ladders[self.app.config.default_ladder]

    def _width(self) -> int:
        """Cells for a row: the list's width once laid out, else the screen's less the box and the list's padding."""
        options = self.query_one(OptionList)
        if options.size.width:
            return options.scrollable_content_region.width - 2
        return self.app.size.width - 4

    def _columns(self, width: int) -> tuple[int, int, int]:
        """Cells for the name, the level and the company, measured on the rows shown (in terminal cells).

        The date ("last 2026-10-14") is always whole: name and company share what is left
        (``data.share_width``); a company narrower than a few cells is left out.
        """
        level = max([cell_len(self._ladder.label(row.rank)) for row in self.shown if row.rank is not None]
                    + [1])
        name_need = max([cell_len(row.name) for row in self.shown] + [4])
        company_need = max([cell_len(row.company) for row in self.shown] + [0])
        rest = width - DATE - level - 3 * GAP
        name, company = share_width(rest, name_need, company_need)
        if company < 6:
            name, company = rest + GAP, 0
        return max(name, 4), level, company

    def _line(self, row: ContactRow, columns: tuple[int, int, int]) -> Text:
        name_width, level_width, company_width = columns
        label = self._ladder.label(row.rank) if row.rank is not None else "-"
        last = row.last_interaction.isoformat() if row.last_interaction else "never"
        gap = " " * GAP
        line = Text(no_wrap=True, overflow="ellipsis")
        line.append(fit(row.name, name_width) + gap, Style(bold=True))
        line.append(fit(label, level_width) + gap)
        if company_width:
            line.append(fit(row.company, company_width) + gap, Style(dim=True))
        line.append(f"last {last}", Style(dim=True))
        return line

    def on_resize(self, event) -> None:
        if self.rows:
            self._show(self.query_one(OptionList).highlighted)

    # Keys ---------------------------------------------------------------------------------

    @on(Input.Changed, "#archive-filter")
    def _filter_changed(self, event: Input.Changed) -> None:
        self._show()

    @on(Input.Submitted, "#archive-filter")
    def _filter_submitted(self, event: Input.Submitted) -> None:
        self.query_one(OptionList).focus()

    def action_focus_filter(self) -> None:
        self.query_one("#archive-filter", Input).focus()

    def action_back(self) -> None:
        """Escape: out of the filter (clearing it) first, then back to the contact list."""
        field = self.query_one("#archive-filter", Input)
        if field.has_focus or field.value:
            field.value = ""
            self.query_one(OptionList).focus()
            return
        self.dismiss()

    @on(OptionList.OptionSelected)
    def _option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.action_restore()

    def _current(self) -> Optional[ContactRow]:
        options = self.query_one(OptionList)
        index = options.highlighted
        if index is None or not 0 <= index < len(self.shown):
            return None
        return self.shown[index]

    def action_restore(self) -> None:
        if any(worker.group == "flow" and not worker.is_finished for worker in self.workers):
            return
        row = self._current()
        if row is None:
            self.notify("No archived contact highlighted.", severity="warning", timeout=2)
            return
        self.restore_flow(row, self.query_one(OptionList).highlighted or 0)

    @work(exit_on_error=False, group="flow")
    async def restore_flow(self, row: ContactRow, position: int) -> None:
        from ..modals.confirm import Confirm

        main = self.main
        if main is None:
            return
        question = Text("Restore ")
        question.append(row.name, Style(bold=True))
        question.append("?\nThey return to the contact list with their whole timeline.")
        if not await self.app.push_screen_wait(Confirm(question, yes="restore")):
            return
        ok, _ = await main.run_db(self.app.core.restore, row.id)
        if not ok:
            return
        self.notify(Text.assemble("Restored ", row.name, ": back in the contact list.").plain, markup=False,
                    timeout=4)
        main.post_message(messages.ContactRestored(row.id))
        self.load(select=position)
