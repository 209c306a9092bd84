"""The contact list: draws only the lines on screen, so 100k rows cost nothing to show.

A ``ScrollView`` with ``render_line`` (Textual's line API): the widget holds a
sequence of ``ContactRow`` and a cursor; each visible line is built from plain
strings into segments, never parsed as markup.

Before each name: the health marker (● overdue, ◐ due today, ○ on track, in
the theme's error / warning / success colours; ◌ due but snoozed, muted;
blank without a cadence) and
the suggestion marker (↑ promotion, ↓ demotion worth considering). Both are
looked up by contact id in dicts the screen fills from its loading worker.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Callable, Optional, Sequence

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from textual.binding import Binding
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from ...config import Ladder
from ...domain import ContactRow
from ..data import fit, health_state, share_width

SAMPLE = 500  # rows measured for the column widths (evenly spread over a long list)


def _cells(text: str) -> int:
    """Terminal cells of a cleaned field: its length when ASCII (one cell each, and ~10x cheaper to know
    on every filter keystroke), else Rich's measure (wide CJK and emoji, zero-width combining marks)."""
    return len(text) if text.isascii() else cell_len(text)
from . import set_virtual_size_quietly


class ContactList(ScrollView, can_focus=True):
    """Name, level, sphere, company and days since the last interaction."""

    DEFAULT_CSS = """
    ContactList {
        background: $surface;
        overflow-x: hidden;
        overflow-y: scroll;
        scrollbar-size-vertical: 1;
    }
    ContactList > .contact-list--header {
        text-style: bold;
        color: $text-muted;
    }
    ContactList > .contact-list--cursor {
        background: $block-cursor-blurred-background;
        color: $block-cursor-blurred-foreground;
    }
    ContactList:focus > .contact-list--cursor {
        background: $block-cursor-background;
        color: $block-cursor-foreground;
        text-style: $block-cursor-text-style;
    }
    ContactList > .contact-list--overdue {
        color: $warning;
    }
    ContactList > .contact-list--muted {
        color: $text-muted;
    }
    ContactList > .contact-list--mark-overdue {
        color: $error;
        text-style: bold;
    }
    ContactList > .contact-list--mark-due {
        color: $warning;
        text-style: bold;
    }
    ContactList > .contact-list--mark-ok {
        color: $success;
    }
    ContactList > .contact-list--mark-snoozed {
        color: $text-muted;
    }
    ContactList > .contact-list--mark-suggestion {
        color: $accent;
        text-style: bold;
    }
    ContactList > .contact-list--mark-merge {
        color: $accent;
        text-style: bold reverse;
    }
    """

    COMPONENT_CLASSES = {
        "contact-list--header",
        "contact-list--cursor",
        "contact-list--overdue",
        "contact-list--muted",
        "contact-list--mark-overdue",
        "contact-list--mark-due",
        "contact-list--mark-ok",
        "contact-list--mark-snoozed",
        "contact-list--mark-suggestion",
        "contact-list--mark-merge",
    }

    HEALTH_MARKS = {"overdue": "●", "due": "◐", "ok": "○", "snoozed": "◌"}
    SUGGESTION_MARKS = {"promote": "↑", "demote": "↓"}

    BINDINGS = [
        Binding("up,k", "cursor(-1)", "Up", show=False, id="list-up"),
        Binding("down,j", "cursor(1)", "Down", show=False, id="list-down"),
        Binding("home,g", "jump(0)", "Top", show=False, id="list-top"),
        Binding("end,G", "jump(-1)", "Bottom", show=False, id="list-bottom"),
        Binding("pageup", "page(-1)", "Page up", show=False, id="list-page-up"),
        Binding("pagedown", "page(1)", "Page down", show=False, id="list-page-down"),
    ]

    cursor: reactive[int] = reactive(0, layout=False, repaint=False, always_update=False)

    @dataclass
    class Highlighted(Message):
        """The cursor moved to another contact (or to none)."""

        contact_list: "ContactList"
        contact_id: Optional[int]

        @property
        def control(self) -> "ContactList":
            return self.contact_list

    def __init__(self, *, today: Callable[[], dt.date], name=None, id=None, classes=None):
        super().__init__(name=name, id=id, classes=classes)
        self._rows: Sequence[ContactRow] = ()
        self._today = today
        self._ladder: Optional[Ladder] = None
        self._level_styles: dict[int, Style] = {}
        self._label_width = 8
        self._loading_more = False
        self._nobody = False  # no contacts at all (not just none matching the filter)
        self._highlighted: Optional[int] = None
        # The row under the cursor when it was last placed: the screen may change the rows in place
        # (archive, import) before it hands over the new view, so the old view cannot be read again.
        self._current: Optional[ContactRow] = None
        self._natural = (20, 12, 20)  # widest name, sphere, company shown (cells)
        self._urgency: dict[int, int] = {}
        self._suggested: dict[int, str] = {}
        self._merge_marks: frozenset[int] = frozenset()

    # Data -------------------------------------------------------------------------

    @property
    def rows(self) -> Sequence[ContactRow]:
        return self._rows

    @property
    def selected(self) -> Optional[ContactRow]:
        if 0 <= self.cursor < len(self._rows):
            try:
                return self._rows[self.cursor]
            except IndexError:  # the rows behind the view changed; set_rows follows
                return self._current
        return None

    def set_ladder(self, ladder: Ladder, level_styles: dict[int, Style]) -> None:
        self._ladder = ladder
        self._level_styles = level_styles
        self._label_width = max(len(ladder.label(level.rank)) for level in ladder.levels)
        self.refresh()

    def set_markers(self, urgency: dict[int, int], suggested: dict[int, str]) -> None:
        """Contact id -> urgency key (``data.urgency_keys``) and -> suggested action; the visible lines are redrawn."""
        self._urgency = urgency
        self._suggested = suggested
        self.refresh()

    def set_merge_marks(self, contact_ids: set[int]) -> None:
        """Contacts marked to merge: a * before their name."""
        self._merge_marks = frozenset(contact_ids)
        self.refresh()

    def set_rows(
        self,
        rows: Sequence[ContactRow],
        *,
        select: Optional[int] = None,
        more: bool = False,
        locate: Optional[Callable[[int, Optional[ContactRow]], Optional[int]]] = None,
        nobody: bool = False,
        top: bool = False,
    ) -> None:
        """Show ``rows``; keep the cursor on contact ``select`` (or the same contact) when shown.

        With ``top`` (a new filter or order) the cursor goes to the first row instead. When the
        contact kept is gone (archived, filtered out) the cursor stays at its position, or on the
        last row: always on a row.
        ``locate(contact_id, row)`` finds a contact's position in ``rows`` faster than a scan.
        """
        keep = None if top else select if select is not None else self._highlighted
        previous = self._current
        self._rows = rows
        self._measure()
        self._loading_more = more
        self._nobody = nobody
        self._set_virtual_height(len(rows) + 1)
        position = 0
        if keep is not None:
            if locate is not None:
                found = locate(keep, previous if previous is not None and previous.id == keep else None)
            else:
                found = self._find(keep)
            position = found if found is not None else min(self.cursor, max(len(rows) - 1, 0))
        self.set_reactive(ContactList.cursor, max(0, min(position, len(rows) - 1)) if rows else 0)
        if top:
            self.scroll_to(y=0, animate=False, immediate=True)
        self._scroll_to_cursor()
        self.refresh()
        self._announce()

    def _set_virtual_height(self, height: int) -> None:
        """Resize the scrollable area without a layout of the whole screen.

        Assigning ``virtual_size`` reflows every widget on the screen (it is a
        layout reactive), which costs more than drawing the list itself. The
        vertical scrollbar is always shown (overflow-y: scroll), so a new row
        count changes no geometry: update the scrollbars and repaint instead.
        """
        set_virtual_size_quietly(self, Size(self.scrollable_content_region.width, height))
        self.refresh()

    def _find(self, contact_id: int) -> Optional[int]:
        rows = self._rows
        if self.selected is not None and self.selected.id == contact_id:
            return self.cursor
        for position in range(len(rows)):
            if rows[position].id == contact_id:
                return position
        return None

    def _announce(self) -> None:
        row = self.selected
        self._current = row
        contact_id = row.id if row is not None else None
        if contact_id != self._highlighted:
            self._highlighted = contact_id
            self.post_message(self.Highlighted(self, contact_id))

    # Cursor -----------------------------------------------------------------------

    def watch_cursor(self, old: int, new: int) -> None:
        # Virtual line i + 1 holds row i (line 0 is the pinned header).
        self.refresh_line(old + 1)
        self.refresh_line(new + 1)
        self._scroll_to_cursor()
        self._announce()

    def _scroll_to_cursor(self) -> None:
        body = max(self.size.height - 1, 1)
        top = self.scroll_offset.y
        if self.cursor < top:
            self.scroll_to(y=self.cursor, animate=False, immediate=True)
        elif self.cursor >= top + body:
            self.scroll_to(y=self.cursor - body + 1, animate=False, immediate=True)

    def move_to(self, position: int) -> None:
        if not self._rows:
            return
        if position < 0:
            position = len(self._rows) + position
        self.cursor = max(0, min(position, len(self._rows) - 1))

    def action_cursor(self, step: int) -> None:
        self.move_to(self.cursor + step)

    def action_jump(self, where: int) -> None:
        self.move_to(where)

    def action_page(self, direction: int) -> None:
        self.move_to(self.cursor + direction * max(self.size.height - 2, 1))

    def on_resize(self) -> None:
        self.virtual_size = Size(self.scrollable_content_region.width, len(self._rows) + 1)
        self._scroll_to_cursor()

    def on_click(self, event) -> None:
        y = event.y
        if y >= 1:
            self.move_to(self.scroll_offset.y + y - 1)

    # Drawing ----------------------------------------------------------------------

    def _measure(self) -> None:
        """The widest name, sphere and company of the rows shown, in cells (at most SAMPLE rows are read)."""
        rows = self._rows
        step = max(len(rows) // SAMPLE, 1)
        sample = [rows[i] for i in range(0, len(rows), step)] if rows else []
        self._natural = (
            max([_cells(row.name) for row in sample] + [4]),
            max([_cells(row.sphere) for row in sample] + [6]),
            max([_cells(row.company) for row in sample] + [7]),
        )

    def _columns(self, width: int) -> tuple[int, int, int, int, int]:
        """Widths of name, level, sphere, company, days (0 = column hidden), shared by content.

        Each column asks for its widest cell; name and company share what the others leave
        (``data.share_width``: the name first).
        """
        name_need, sphere_need, company_need = self._natural
        name_need += 4  # the markers before the name and a space after it
        days = 6
        level = self._label_width + 1
        sphere = min(sphere_need, 14) + 1 if width >= 60 else 0
        rest = width - days - level - sphere
        if rest < 34:
            return max(rest, 4), level, sphere, 0, days
        # No space after the company: the days column starts with one.
        name, company = share_width(rest, name_need, company_need)
        name = max(name, min(12, rest - 8))
        return max(name, 4), level, sphere, rest - name, days

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        base = self.rich_style
        if y == 0:
            return self._header(width, base)
        scroll_y = self.scroll_offset.y
        index = y - 1 + scroll_y
        if index >= len(self._rows):
            if not self._rows and index < 3:
                if self._loading_more:
                    lines = ["Loading ..."]
                elif self._nobody:
                    lines = ["No contacts yet.", "a adds someone; I imports a vCard or CSV file;",
                             "`relterm demo` opens a sample address book."]
                else:
                    lines = ["No contacts match. escape clears the filter; a adds someone."]
                if index < len(lines):
                    text = fit(lines[index], width)
                    return Strip([Segment(text, base + self.get_component_rich_style("contact-list--muted"))], width)
            return Strip.blank(width, base)
        row = self._rows[index]
        is_cursor = index == self.cursor
        return self._row_strip(row, width, base, is_cursor)

    def _header(self, width: int, base: Style) -> Strip:
        name, level, sphere, company, days = self._columns(width)
        style = base + self.get_component_rich_style("contact-list--header")
        parts = [fit("   Name", name), fit("Level", level), fit("Sphere", sphere) if sphere else "",
                 fit("Company", company) if company else "", " " + fit("Days", days - 1)]
        text = "".join(parts)
        return Strip([Segment(fit(text, width), style)], width)

    def _row_strip(self, row: ContactRow, width: int, base: Style, is_cursor: bool) -> Strip:
        name_w, level_w, sphere_w, company_w, days_w = self._columns(width)
        ladder = self._ladder
        if is_cursor:
            base = base + self.get_component_rich_style("contact-list--cursor")
        label = ladder.label(row.rank) if ladder is not None else str(row.rank)
        level_style = base + self._level_styles.get(row.rank, Style()) if row.rank is not None else base
        if is_cursor:
            level_style = level_style + Style(bold=True)
        since = None if row.last_interaction is None else (self._today() - row.last_interaction).days
        days_text = "never" if since is None else f"{since}d"
        state = health_state(self._urgency.get(row.id))
        days_style = base + self.get_component_rich_style("contact-list--overdue") if state == "overdue" else base
        health_mark = self.HEALTH_MARKS.get(state, " ") if state else " "
        suggestion = self._suggested.get(row.id)
        suggestion_mark = self.SUGGESTION_MARKS.get(suggestion, " ") if suggestion else " "
        segments = [
            Segment(health_mark, base + self.get_component_rich_style(f"contact-list--mark-{state}")
                    if health_mark != " " else base),
            Segment(suggestion_mark, base + self.get_component_rich_style("contact-list--mark-suggestion")
                    if suggestion_mark != " " else base),
            Segment("*", base + self.get_component_rich_style("contact-list--mark-merge"))
            if row.id in self._merge_marks else Segment(" ", base),
            Segment(fit(row.name, name_w - 4) + " ", base),
            Segment(fit(label, level_w), level_style),
        ]
        if sphere_w:
            segments.append(Segment(fit(row.sphere, sphere_w), base))
        if company_w:
            segments.append(Segment(fit(row.company, company_w), base))
        segments.append(Segment(" " + fit(days_text.rjust(days_w - 1), days_w - 1), days_style))
        used = name_w + level_w + sphere_w + company_w + days_w
        if used < width:
            segments.append(Segment(" " * (width - used), base))
        return Strip(segments, width).crop(0, width)
