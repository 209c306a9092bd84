"""The timeline of the selected contact: interactions and level changes, newest first."""

from __future__ import annotations

from typing import Callable, Sequence

from rich.style import Style
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Static

from ...domain import TimelineEvent


class Timeline(VerticalScroll, can_focus=True):
    DEFAULT_CSS = """
    Timeline {
        background: $surface;
        padding: 0 1;
    }
    Timeline > Static {
        width: 1fr;
    }
    """

    BINDINGS = [
        Binding("k", "scroll_up", "Up", show=False, id="timeline-up"),
        Binding("j", "scroll_down", "Down", show=False, id="timeline-down"),
        Binding("g", "scroll_home", "Top", show=False, id="timeline-top"),
        Binding("G", "scroll_end", "Bottom", show=False, id="timeline-bottom"),
    ]

    def compose(self) -> ComposeResult:
        yield Static(id="timeline-body")

    def show_events(
        self,
        events: Sequence[TimelineEvent],
        describe: Callable[[TimelineEvent], str],
        more: bool = False,
        warning_style: Style | None = None,
    ) -> None:
        body = self.query_one("#timeline-body", Static)
        if not events:
            body.update(Text("Nothing on the timeline yet. l logs an interaction.", style="dim"))
            return
        text = Text(end="")
        for index, event in enumerate(events):
            if index:
                text.append("\n")
            text.append(event.date.isoformat(), Style(dim=True))
            text.append("  ")
            if event.is_level_change:
                text.append("level  ", Style(bold=True, italic=True))
            else:
                text.append(f"{event.kind:<7}", Style(bold=True))
            text.append(" ")
            text.append(describe(event) or "")
            if event.other_name:
                text.append(f" (with {event.other_name})", Style(dim=True))
            if event.warning:
                text.append(f"  ! {event.warning}", warning_style or Style(bold=True))
        if more:
            text.append("\n... older entries: relterm show", Style(dim=True))
        body.update(text)
        self.scroll_home(animate=False)
