"""The timeline of the selected contact: interactions and level changes, newest first.

Drawn with the line API like the contact list: the entries are wrapped once
into lines (continuation lines indented under the text), and only the lines
on screen are drawn. Showing another contact's timeline repaints this pane
alone instead of laying out the whole screen again.
"""

from __future__ import annotations

from typing import Callable, Sequence

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.binding import Binding
from textual.geometry import Size
from textual.scroll_view import ScrollView
from textual.strip import Strip

from ...domain import TimelineEvent
from . import set_virtual_size_quietly

_INDENT = 20  # "2026-11-02  coffee  " before the text


class Timeline(ScrollView, can_focus=True):
    DEFAULT_CSS = """
    Timeline {
        background: $surface;
        padding: 0 1;
        overflow-x: hidden;
        overflow-y: scroll;
        scrollbar-size-vertical: 1;
    }
    """

    BINDINGS = [
        Binding("up,k", "scroll_up", "Up", show=False, id="timeline-up"),
        Binding("down,j", "scroll_down", "Down", show=False, id="timeline-down"),
        Binding("home,g", "scroll_home", "Top", show=False, id="timeline-top"),
        Binding("end,G", "scroll_end", "Bottom", show=False, id="timeline-bottom"),
        Binding("pageup", "page_up", "Page up", show=False, id="timeline-page-up"),
        Binding("pagedown", "page_down", "Page down", show=False, id="timeline-page-down"),
    ]

    def __init__(self, *, name=None, id=None, classes=None):
        super().__init__(name=name, id=id, classes=classes)
        self._entries: list[Text] = []
        self._lines: list[Strip] = []
        self._wrapped_for = -1

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
        self.scroll_to(y=0, animate=False, immediate=True)
        self.refresh()

    def _wrap(self) -> None:
        width = self.scrollable_content_region.width
        if width <= 0:
            return
        console = self.app.console
        lines: list[Strip] = []
        for entry in self._entries:
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
        self._wrapped_for = width
        set_virtual_size_quietly(self, Size(width, len(lines)))

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
            return self._lines[index].extend_cell_length(width).apply_style(base).crop(0, width)
        return Strip([Segment(" " * width, base)], width)


def _strip(line: Text, console) -> Strip:
    segments = [segment for segment in line.render(console) if segment.text != "\n"]
    return Strip(segments, line.cell_len)
