"""The brief: one scrolling screen to read before a coffee with the selected contact.

The lines are ``relterm.present.brief_lines`` of ``core.intel.brief``, the same
as ``relterm brief``; shown as plain text, never markup.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Footer, Static


class BriefScreen(ModalScreen[None]):
    DEFAULT_CSS = """
    BriefScreen {
        align: center middle;
    }
    BriefScreen > VerticalScroll {
        width: 100;
        max-width: 100%;
        height: 90%;
        border: thick $primary;
        border-title-align: center;
        background: $panel;
        padding: 0 1;
    }
    """

    BINDINGS = [
        Binding("escape,q,b", "close", "Close", id="brief-close"),
        Binding("j,down", "scroll(1)", "Down", show=False, id="brief-down"),
        Binding("k,up", "scroll(-1)", "Up", show=False, id="brief-up"),
        Binding("pagedown,space", "scroll(10)", "Page down", show=False, id="brief-page-down"),
        Binding("pageup", "scroll(-10)", "Page up", show=False, id="brief-page-up"),
    ]

    def __init__(self, name: str, lines: list[str]) -> None:
        super().__init__()
        self.contact_name = name
        self.lines = lines

    def compose(self) -> ComposeResult:
        scroll = VerticalScroll(Static(Text("\n".join(self.lines)), id="brief-text"), id="brief-body")
        title = Text("Brief: ")
        title.append(self.contact_name)
        title.append(" (escape closes)")
        scroll.border_title = title.plain
        yield scroll
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#brief-body").focus()

    def action_scroll(self, step: int) -> None:
        self.query_one("#brief-body", VerticalScroll).scroll_relative(y=step, animate=False)

    def action_close(self) -> None:
        self.dismiss(None)
