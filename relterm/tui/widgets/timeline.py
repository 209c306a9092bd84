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

_INDENT = 20  # "2026-11-02  coffee  " before the text


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
        self._entries: list[Text] = []
        self._lines: list[Strip] = []
        self._wrapped_for = -1
        self._events: list[TimelineEvent] = []
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

    @property
    def plain(self) -> str:
        """The entries as plain text, one per line (unwrapped)."""
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
        entries: list[Text] = []
        if not events:
            entries.append(Text("Nothing on the timeline yet. l logs an interaction.", style="dim"))
        for event in events:
            text = Text(no_wrap=False, end="")
            text.append(event.date.isoformat(), Style(dim=True))
            text.append("  ")
            if event.is_level_change:
                text.append("level   ", Style(bold=True, italic=True))
            else:
                text.append(f"{event.kind:<7}", Style(bold=True))
                text.append(" ")
            described = describe(event) or ""
            text.append(described)
            if event.other_name and event.other_name not in described:  # "introduced you to X" names them already
                text.append(f" (with {event.other_name})", Style(dim=True))
            if event.warning:
                text.append(f"  ! {event.warning}", warning_style or Style(bold=True))
            entries.append(text)
        if more:
            entries.append(Text("... older entries: relterm show", style="dim"))
        self._entries = entries
        self._wrapped_for = -1
        self._wrap()
        if kept:
            self._scroll_to_cursor()
        else:
            self.scroll_to(y=0, animate=False, immediate=True)
        self.refresh()

    def _wrap(self) -> None:
        width = self.scrollable_content_region.width
        if width <= 0:
            return
        console = self.app.console
        lines: list[Strip] = []
        starts: list[int] = []  # entry i (of the events shown) begins at line starts[i]
        for number, entry in enumerate(self._entries):
            if number < len(self._events):
                starts.append(len(lines))
            if entry.cell_len > width and width > _INDENT + 10:
                head = entry[:_INDENT]
                body = entry[_INDENT:].wrap(console, width - _INDENT)
                for index, line in enumerate(body):
                    prefix = head if index == 0 else Text(" " * _INDENT)
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
        index = y + int(self.scroll_y)
        base = self.rich_style
        if 0 <= index < len(self._lines):
            if self._events and self._entry_at_line(index) == self.cursor and self.has_focus:
                base = base + self.get_component_rich_style("timeline--cursor")
            return self._lines[index].extend_cell_length(width).apply_style(base).crop(0, width)
        return Strip([Segment(" " * width, base)], width)


def _strip(line: Text, console) -> Strip:
    segments = [segment for segment in line.render(console) if segment.text != "\n"]
    return Strip(segments, line.cell_len)
