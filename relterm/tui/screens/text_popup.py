"""A popup of read-only text over the current screen: the help and the brief.

The text scrolls with j/k, the arrows, the page keys and g/G; escape closes it.
Subclasses give the body (``body()``), its title (``popup_title()``) and their own extra keys.
"""

from __future__ import annotations

from typing import ClassVar

from rich.console import RenderableType
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Static

from ..popup import Popup
from ..widgets.footer import PopupFooter


class TextPopup(Popup[None]):
    DEFAULT_CSS = """
    TextPopup {
        align: center middle;
    }
    TextPopup > VerticalScroll {
        width: 96;
        max-width: 100%;
        height: 90%;
        border: thick $primary;
        border-title-align: center;
        background: $panel;
        padding: 0 1;
    }
    """

    BINDINGS = [
        Binding("j,down", "scroll(1)", "Down", show=False),
        Binding("k,up", "scroll(-1)", "Up", show=False),
        Binding("pagedown", "scroll(10)", "Page down", show=False),
        Binding("pageup", "scroll(-10)", "Page up", show=False),
        Binding("g,home", "edge(0)", "Top", show=False),
        Binding("G,end", "edge(1)", "Bottom", show=False),
    ]

    BODY_ID: ClassVar[str] = "text-body"  # the scrolling box
    TEXT_ID: ClassVar[str] = "text"  # the text inside it

    def body(self) -> RenderableType:
        raise NotImplementedError

    def popup_title(self) -> str:
        return ""

    def compose(self) -> ComposeResult:
        scroll = VerticalScroll(Static(self.body(), id=self.TEXT_ID), id=self.BODY_ID)
        scroll.border_title = self.popup_title()
        yield scroll
        yield PopupFooter()

    def on_mount(self) -> None:
        self.query_one(f"#{self.BODY_ID}").focus()

    def _body(self) -> VerticalScroll:
        return self.query_one(f"#{self.BODY_ID}", VerticalScroll)

    def action_scroll(self, step: int) -> None:
        self._body().scroll_relative(y=step, animate=False)

    def action_edge(self, end: int) -> None:
        body = self._body()
        body.scroll_to(y=body.max_scroll_y if end else 0, animate=False)

    def action_close(self) -> None:
        self.dismiss(None)
