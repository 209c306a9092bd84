"""The brief: one scrolling screen to read before a coffee with the selected contact.

The lines are ``relterm.present.brief_lines`` of ``core.intel.brief``, the same
as ``relterm brief``; shown as plain text, never markup.
"""

from __future__ import annotations

import re

from rich.cells import cell_len
from rich.console import Console, ConsoleOptions, RenderResult
from rich.segment import Segment
from rich.text import Text
from textual.binding import Binding

from .text_popup import TextPopup


# Where a line's text starts, for the lines that wrap: after a label ("  Keep in touch: "), after an
# entry's date and kind ("  2026-10-24  social            "), else after the line's own indent.
_HANGING = re.compile(r"^(?:  [^\s:][^:]{0,20}:\s+|  \d{4}-\d{2}-\d{2}  \S+\s+|\s*)")


class HangingLines:
    """Lines of plain text that wrap under their own text, not under their label: the brief's labels and
    dates stay a column of their own at any width."""

    def __init__(self, lines: list[str]) -> None:
        self.lines = lines

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        width = max(options.max_width, 1)
        for line in self.lines:
            split = len(_HANGING.match(line).group(0))
            cells = cell_len(line[:split])  # the head may hold a name in wide characters
            if cells > width // 2:  # too narrow to hang: wrap under the line's start
                split = len(line) - len(line.lstrip(" "))
                cells = split if split <= width // 2 else 0
                split = split if cells else 0
            head, rest = line[:split], line[split:]
            parts = Text(rest).wrap(console, width - cells) if rest else [Text("")]
            for number, part in enumerate(parts):
                part.end = ""
                yield Text(head if number == 0 else " " * cells, end="")
                yield part
                yield Segment.line()


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

    def body(self) -> "HangingLines":
        return HangingLines(self.lines)

    def popup_title(self) -> str:
        title = Text("Brief: ")
        title.append(self.contact_name)
        title.append(" (escape closes)")
        return title.plain
