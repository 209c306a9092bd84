"""Names someone gave you: several at once, one per line ("Name: note" allowed).

The lines go to ``core.intel.introduce_many`` unchanged, all or nothing; each
new person joins the list at the introduced rung, marked to contact. Below the
lines, the popup says how each name will be recorded (links to an existing
contact, new, several match), from ``core.intel.preview_names`` run in a
thread a moment after typing stops. After an in-person meeting the popup opens
on its own, asking "Did they give you names?"; escape skips it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Optional

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.widgets import Input, Static, TextArea

from ...present import name_match_text
from ..workers import in_thread
from .base import FormModal, check_date

PREVIEW_DELAY = 0.25  # seconds after the last keystroke before the names are looked up


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

    def __init__(self, introducer_name: str, *, draft: Optional[NamesDraft] = None, after_meeting: bool = False,
                 preview: Optional[Callable[[str], list]] = None) -> None:
        super().__init__()
        self.introducer_name = introducer_name
        self.draft = draft or NamesDraft()
        self.after_meeting = after_meeting
        self._preview = preview  # lines -> [(name, how, id, other)], run in a thread
        self._preview_timer = None
        if after_meeting:
            self.HINT = "one name per line · enter on an empty line or ctrl+s saves · escape skips"

    def title_text(self) -> Text:
        if self.after_meeting:
            title = Text("Did ")
            title.append(self.introducer_name)
            title.append(" give you names? Who else should you meet?")
            return title
        title = Text("Names ")
        title.append(self.introducer_name)
        title.append(" gave you")
        return title

    def compose_form(self) -> ComposeResult:
        area = NameLines(self.draft.text, id="names", soft_wrap=True, show_line_numbers=False, compact=True)
        area.placeholder = "Maria Lopez: runs the harbour co-op"
        yield area
        if self._preview is not None:
            yield Static("", id="names-preview", classes="form-note")
        yield self.date_row(self.draft.date)

    def on_mount(self) -> None:
        super().on_mount()
        area = self.query_one("#names", NameLines)
        area.focus()
        area.move_cursor(area.document.end)
        if self.draft.text.strip():
            self._schedule_preview()

    # How the typed names will be recorded ----------------------------------------------------

    def on_text_area_changed(self, event: TextArea.Changed) -> None:
        self._schedule_preview()

    def _schedule_preview(self) -> None:
        if self._preview is None:
            return
        if self._preview_timer is not None:
            self._preview_timer.stop()
        self._preview_timer = self.set_timer(PREVIEW_DELAY, self._start_preview)

    def _start_preview(self) -> None:
        self._preview_timer = None
        self.run_worker(self._load_preview(self.query_one("#names", NameLines).text), exclusive=True,
                        group="names-preview", exit_on_error=False)

    async def _load_preview(self, text: str) -> None:
        try:
            matches = await in_thread(self, self._preview, text, group="names-preview-db")
        except Exception:  # a locked database: no preview this time, saving still reports it
            return
        lines = [name_match_text(name, how, other) for name, how, _, other in matches]
        if self.is_mounted:
            self.query_one("#names-preview", Static).update(Text("\n".join(lines)))

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
