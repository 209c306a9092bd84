"""The timeline of the selected contact: interactions and level changes, newest first.

Drawn with the line API like the contact list: the entries are wrapped once
into lines (continuation lines indented under the text), and only the lines
on screen are drawn. Showing another contact's timeline repaints this pane
alone instead of laying out the whole screen again.

When focused, a cursor highlights one entry (j/k move it): the main screen's
keys for fixing an entry (``commands.TIMELINE_COMMANDS``) act on
``highlighted``.
"""

from __future__ import annotations

from typing import Callable, Optional, Sequence

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.binding import Binding
from textual.geometry import Size
from textual.scroll_view import ScrollView
from textual.strip import Strip

from ...domain import TimelineEvent
from ..commands import timeline_bindings
from . import set_virtual_size_quietly

DATE_WIDTH = 12  # "2026-11-02  " before the kind
KIND_MAX = 17  # "referral-received"; a longer kind (a hand-written levels.yaml) is cut in the column
MIN_TEXT = 16  # cells left for the text before the kind column narrows


class Timeline(ScrollView, can_focus=True):
    DEFAULT_CSS = """
    Timeline > .timeline--cursor {
        background: $block-cursor-blurred-background;
    }
    Timeline:focus > .timeline--cursor {
        background: $block-cursor-background;
        color: $block-cursor-foreground;
    }
    Timeline {
        background: $surface;
        padding: 0 1;
        overflow-x: hidden;
        overflow-y: scroll;
        scrollbar-size-vertical: 1;
    }
    """

    COMPONENT_CLASSES = {"timeline--cursor"}

    # Scrolled without animation: an animated scroll can stop short of the oldest entry.
    BINDINGS = [
        Binding("up,k", "cursor(-1)", "Up", show=False, id="timeline-up"),
        Binding("down,j", "cursor(1)", "Down", show=False, id="timeline-down"),
        Binding("home,g", "cursor_edge(0)", "Top", show=False, id="timeline-top"),
        Binding("end,G", "cursor_edge(1)", "Bottom", show=False, id="timeline-bottom"),
        Binding("pageup", "cursor_page(-1)", "Page up", show=False, id="timeline-page-up"),
        Binding("pagedown", "cursor_page(1)", "Page down", show=False, id="timeline-page-down"),
        *timeline_bindings(),
    ]

    def __init__(self, *, name=None, id=None, classes=None):
        super().__init__(name=name, id=id, classes=classes)
        self._events: list[TimelineEvent] = []
        self._texts: list[str] = []
        self._more = False
        self._warning_style: Style | None = None
        self._entries: list[Text] | None = []
        self._lines: list[Strip] = []
        self._wrapped_for = -1
        self._starts: list[int] = []  # the first line of each entry
        self.cursor = 0  # the highlighted entry

    @property
    def highlighted(self) -> Optional[TimelineEvent]:
        """The entry under the cursor, or None when there are none."""
        return self._events[self.cursor] if 0 <= self.cursor < len(self._events) else None

    def action_cursor(self, step: int) -> None:
        self._move(self.cursor + step)

    def action_cursor_edge(self, end: int) -> None:
        self._move(len(self._events) - 1 if end else 0)
        if end:
            self.scroll_to(y=self.max_scroll_y, animate=False, immediate=True)  # also the "older" line

    def action_cursor_page(self, direction: int) -> None:
        if not self._starts:
            return
        target = self._starts[min(self.cursor, len(self._starts) - 1)] + direction * max(
            self.scrollable_content_region.height - 1, 1)
        entry = sum(1 for start in self._starts if start <= target) - 1
        self._move(max(entry, 0) if direction < 0 else max(entry, self.cursor + 1))

    def _move(self, entry: int) -> None:
        if not self._events:
            return
        self.cursor = max(0, min(entry, len(self._events) - 1))
        self._scroll_to_cursor()
        self.refresh()

    def _scroll_to_cursor(self) -> None:
        if not self._starts or self.cursor >= len(self._starts):
            return
        first = self._starts[self.cursor]
        last = (self._starts[self.cursor + 1] if self.cursor + 1 < len(self._starts) else len(self._lines)) - 1
        height = max(self.scrollable_content_region.height, 1)
        top = int(self.scroll_y)
        if first < top:
            self.scroll_to(y=first, animate=False, immediate=True)
        elif last >= top + height:
            self.scroll_to(y=min(first, last - height + 1), animate=False, immediate=True)

    def _entry_at_line(self, index: int) -> int:
        """The entry a wrapped line belongs to (-1 for none)."""
        from bisect import bisect_right

        return bisect_right(self._starts, index) - 1

    def action_scroll_by(self, step: int) -> None:
        self.scroll_to(y=self.scroll_offset.y + step, animate=False)

    def action_scroll_page(self, direction: int) -> None:
        self.scroll_to(y=self.scroll_offset.y + direction * max(self.scrollable_content_region.height - 1, 1),
                       animate=False)

    def action_scroll_edge(self, end: int) -> None:
        self.scroll_to(y=self.max_scroll_y if end else 0, animate=False)

    def _kind_width(self, width: int) -> int:
        """The kind column: as wide as the config's longest kind (and "level"), up to KIND_MAX cells.

        In a narrow pane, where that would leave the text under MIN_TEXT cells, as wide as the
        longest kind shown instead (longer ones are cut with an ellipsis).
        """
        config = getattr(self.app, "config", None)
        kinds = list(config.kinds) if config is not None else []
        column = min(max([cell_len(kind) for kind in kinds] + [len("level")]), KIND_MAX)
        if width - DATE_WIDTH - column - 1 < MIN_TEXT:
            shown = [cell_len(event.kind) for event in self._events if not event.is_level_change]
            column = min(max(shown + [len("level")]), column, max(width - DATE_WIDTH - 1 - MIN_TEXT, len("level")))
        return column

    @property
    def plain(self) -> str:
        """The entries as plain text, one per line (unwrapped)."""
        if self._entries is None:
            self._entries = self._build(self._kind_width(self.scrollable_content_region.width or 80))
        return "\n".join(entry.plain for entry in self._entries)

    def show_events(
        self,
        events: Sequence[TimelineEvent],
        describe: Callable[[TimelineEvent], str],
        more: bool = False,
        warning_style: Style | None = None,
    ) -> None:
        """Show ``events``; the cursor stays on the entry it highlighted when that is among them."""
        was = self.highlighted
        self._events = list(events)
        ids = [event.id for event in self._events]
        kept = was is not None and was.id in ids
        if kept:
            self.cursor = ids.index(was.id)
        elif was is not None and self._events and self._events[0].contact_id == was.contact_id:
            kept = True  # the same contact's timeline without that entry: the cursor stays where it was
            self.cursor = min(self.cursor, len(self._events) - 1)
        else:
            self.cursor = 0
        self._texts = [describe(event) or "" for event in events]
        self._more = more
        self._warning_style = warning_style
        self._entries = None
        self._wrapped_for = -1
        self._wrap()
        if kept:
            self._scroll_to_cursor()
        else:
            self.scroll_to(y=0, animate=False, immediate=True)
        self.refresh()

    def _build(self, kind_width: int) -> list[Text]:
        entries: list[Text] = []
        if not self._events:
            entries.append(Text("Nothing on the timeline yet. l logs an interaction.", style="dim"))
        for event, description in zip(self._events, self._texts):
            text = Text(no_wrap=False, end="")
            text.append(event.date.isoformat(), Style(dim=True))
            text.append("  ")
            kind = "level" if event.is_level_change else event.kind
            if cell_len(kind) > kind_width:
                kind = set_cell_size(kind, kind_width - 1) + "…"
            kind += " " * (kind_width - cell_len(kind))
            text.append(kind, Style(bold=True, italic=event.is_level_change))
            text.append(" ")
            text.append(description)
            if event.other_name and event.other_name not in description:  # "introduced you to X" names them already
                text.append(f" (with {event.other_name})", Style(dim=True))
            if event.warning:
                text.append(f"  ! {event.warning}", self._warning_style or Style(bold=True))
            entries.append(text)
        if self._more:
            entries.append(Text("... older entries: relterm show", style="dim"))
        return entries

    def _wrap(self) -> None:
        width = self.scrollable_content_region.width
        if width <= 0:
            return
        console = self.app.console
        kind_width = self._kind_width(width)
        indent = DATE_WIDTH + kind_width + 1
        self._entries = entries = self._build(kind_width)
        lines: list[Strip] = []
        starts: list[int] = []  # entry i (of the events shown) begins at line starts[i]
        for number, entry in enumerate(entries):
            if number < len(self._events):
                starts.append(len(lines))
            if entry.cell_len > width and width > indent + 10:
                head = entry[:indent]
                body = entry[indent:].wrap(console, width - indent)
                for index, line in enumerate(body):
                    prefix = head if index == 0 else Text(" " * indent)
                    combined = Text.assemble(prefix, line)
                    lines.append(_strip(combined, console))
            else:
                for line in entry.wrap(console, width):
                    lines.append(_strip(line, console))
        self._lines = lines
        self._starts = starts
        self._wrapped_for = width
        set_virtual_size_quietly(self, Size(width, len(lines)))

    def on_focus(self) -> None:
        self.refresh()  # the cursor shows while focused

    def on_blur(self) -> None:
        self.refresh()

    def on_resize(self) -> None:
        self._wrap()
        self.refresh()

    def render_line(self, y: int) -> Strip:
        if self._wrapped_for != self.scrollable_content_region.width:
            self._wrap()
        width = self.scrollable_content_region.width
        index = y + self.scroll_offset.y
        base = self.rich_style
        if 0 <= index < len(self._lines):
            if self._events and self._entry_at_line(index) == self.cursor and self.has_focus:
                base = base + self.get_component_rich_style("timeline--cursor")
            return self._lines[index].extend_cell_length(width).apply_style(base).crop(0, width)
        return Strip([Segment(" " * width, base)], width)


def _strip(line: Text, console) -> Strip:
    segments = [segment for segment in line.render(console) if segment.text != "\n"]
    return Strip(segments, line.cell_len)
