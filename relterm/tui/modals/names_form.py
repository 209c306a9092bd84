"""Names someone gave you: several at once, one per line ("Name: note" allowed).

The lines go to ``core.intel.introduce_many`` unchanged, all or nothing; each
new person joins the list at the introduced rung, marked to contact.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.widgets import Input, TextArea

from .base import FormModal, check_date


@dataclass(frozen=True)
class NamesDraft:
    text: str = ""
    date: str = "today"


@dataclass(frozen=True)
class NamesResult:
    draft: NamesDraft
    lines: list[str]
    date: str


class NameLines(TextArea):
    """One name per line; enter on an empty line (or ctrl+s) saves the popup."""

    class Done(Message):
        """Enter was pressed on an empty line: the list is finished."""

    async def _on_key(self, event) -> None:
        if event.key == "enter":
            row, _ = self.cursor_location
            if not self.document.get_line(row).strip() and self.text.strip():
                event.stop()
                event.prevent_default()
                self.post_message(self.Done())
                return
        await super()._on_key(event)


class NamesForm(FormModal[NamesResult]):
    DEFAULT_CSS = """
    NamesForm NameLines {
        height: 8;
        margin-bottom: 1;
    }
    """

    BINDINGS = [Binding("ctrl+s", "submit", "Save", id="names-save")]
    HINT = "one name per line, \"Name: note\" allowed · enter on an empty line or ctrl+s saves · escape cancels"

    def __init__(self, introducer_name: str, *, draft: Optional[NamesDraft] = None) -> None:
        super().__init__()
        self.introducer_name = introducer_name
        self.draft = draft or NamesDraft()

    def title_text(self) -> Text:
        title = Text("Names ")
        title.append(self.introducer_name)
        title.append(" gave you")
        return title

    def compose_form(self) -> ComposeResult:
        area = NameLines(self.draft.text, id="names", soft_wrap=True, show_line_numbers=False, compact=True)
        area.placeholder = "Maria Lopez: runs the harbour co-op"
        yield area
        yield self.date_row(self.draft.date)

    def on_mount(self) -> None:
        super().on_mount()
        area = self.query_one("#names", NameLines)
        area.focus()
        area.move_cursor(area.document.end)

    def _snapshot(self) -> tuple:
        return (self.query_one("#names", NameLines).text, *super()._snapshot())

    def on_name_lines_done(self, event: NameLines.Done) -> None:
        event.stop()
        self.action_submit()

    def collect(self, problems: list[str]) -> Optional[NamesResult]:
        draft = NamesDraft(self.query_one("#names", NameLines).text, self.query_one("#date", Input).value)
        lines = [line for line in draft.text.splitlines() if line.strip()]
        if not lines:
            problems.append("names: type at least one name (one per line)")
        for number, line in enumerate(lines, 1):
            if not line.split(":", 1)[0].strip():
                problems.append(f"line {number}: a name is needed before the colon")
        check_date(draft.date, problems)
        if problems:
            return None
        return NamesResult(draft, lines, draft.date.strip() or "today")
