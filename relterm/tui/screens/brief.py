"""The brief: one scrolling screen to read before a coffee with the selected contact.

The lines are ``relterm.present.brief_lines`` of ``core.intel.brief``, the same
as ``relterm brief``; shown as plain text, never markup.
"""

from __future__ import annotations

from rich.text import Text
from textual.binding import Binding

from .text_popup import TextPopup


class BriefScreen(TextPopup):
    DEFAULT_CSS = """
    BriefScreen > VerticalScroll {
        width: 100;
    }
    """

    BINDINGS = [
        Binding("escape,q,b", "close", "Close", id="brief-close"),
        Binding("space", "scroll(10)", "Page down", show=False, id="brief-page-down"),
    ]
    BODY_ID = "brief-body"
    TEXT_ID = "brief-text"

    def __init__(self, name: str, lines: list[str]) -> None:
        super().__init__()
        self.contact_name = name
        self.lines = lines

    def body(self) -> Text:
        return Text("\n".join(self.lines))

    def popup_title(self) -> str:
        title = Text("Brief: ")
        title.append(self.contact_name)
        title.append(" (escape closes)")
        return title.plain
