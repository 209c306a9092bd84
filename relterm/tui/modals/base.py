"""What every popup form shares: escape cancels, enter saves from any field,
problems are listed all at once, and the app can tell whether anything was typed."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Generic, Iterable, Iterator, Optional, TypeVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widget import Widget
from textual.widgets import Input, Static

from ...dates import MAX_DAYS, check_days, parse_date
from ...errors import InputError
from ..popup import Popup
from ..widgets.field import Field
from ..widgets.footer import PopupFooter

ResultT = TypeVar("ResultT")
DATE_HINT = 'today, yesterday, "last friday", 2026-11-01'


def check_date(text: str, problems: list[str]) -> Optional[dt.date]:
    """The date typed in a form's Date field, or None after adding the problem to ``problems``.

    Every form's date is when something happened (an interaction, a review, an introduction),
    so it cannot be after today."""
    try:
        return parse_date(text, past=True)
    except InputError as exc:
        problems.append(f"date: {exc}")
        return None


# What a days field lets through: ASCII digits only (\d would let "２" and "٢" in), at most 4 of them.
DAYS_RESTRICT = r"[0-9]{0,4}"


def check_days_field(text: str, label: str, problems: list[str]) -> Optional[int]:
    """The whole number of days typed in a form (0 to MAX_DAYS), or None after adding the problem."""
    value = text.strip()
    try:
        if not (value.isascii() and value.isdigit()):
            raise InputError(f"a whole number of days from 0 to {MAX_DAYS}, e.g. 7")
        return check_days(int(value), "days", zero=True)
    except InputError as exc:
        problems.append(f"{label}: {exc}")
        return None


def complete(text: str, options: Iterable[str]) -> str:
    """What the field's completion shows: the one option ``text`` begins (case-insensitive), else ``text``.

    So "Ingr" + enter means "Ingrid Solberg" when she is the only match, as the
    greyed completion promised; an exact match always wins.
    """
    typed = text.strip()
    if not typed:
        return typed
    folded = typed.casefold()
    matches = []
    for option in options:
        candidate = option.casefold()
        if candidate == folded:
            return option
        if candidate.startswith(folded):
            matches.append(option)
    distinct = {m.casefold() for m in matches}
    return matches[0] if len(distinct) == 1 else typed


@dataclass(frozen=True)
class FormRow:
    """A labelled field of a form, as ``FormModal.row`` gives it (laid out by ``FormModal._grouped``)."""

    label: str
    field: Widget


def _rows_block(rows: list[FormRow]) -> Horizontal:
    labels = Text("\n\n".join(row.label for row in rows), no_wrap=True, overflow="ellipsis")
    return Horizontal(Static(labels, classes="form-labels"), Vertical(*(row.field for row in rows), classes="form-fields"),
                      classes="form-rows")


class FormModal(Popup[Optional[ResultT]], Generic[ResultT]):
    """A small centred form. Subclasses compose their rows and implement ``collect``."""

    DEFAULT_CSS = """
    FormModal {
        align: center middle;
    }
    FormModal > Vertical {
        width: 72;
        max-width: 100%;
        height: auto;
        max-height: 100%;
        border: thick $primary;
        background: $panel;
        padding: 0 1;
    }
    FormModal .form-title {
        text-style: bold;
        width: 1fr;
        margin-bottom: 1;
    }
    FormModal .form-rows {
        height: auto;
    }
    FormModal .form-labels {
        width: 14;
        color: $text-muted;
    }
    FormModal .form-fields {
        width: 1fr;
        height: auto;
    }
    FormModal .form-fields > * {
        width: 1fr;
        height: 1;
        margin-bottom: 1;
    }
    FormModal Input.-textual-compact {
        background: $surface;
    }
    FormModal Input.-textual-compact:focus {
        background: $boost;
        color: $text;
        text-style: bold;
    }
    FormModal .form-note {
        color: $text-muted;
        width: 1fr;
    }
    FormModal .form-errors {
        color: $error;
        width: 1fr;
        height: auto;
    }
    FormModal .form-hint {
        color: $text-muted;
        width: 1fr;
        margin-top: 1;
    }
    """

    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="form-cancel"),
        Binding("enter", "submit", "Save", show=True, id="form-save"),
    ]

    TITLE_TEXT = ""
    # Each form focuses its own first field in on_mount. Textual's default first focused the first
    # focusable widget (the scrolling body of a long form), restyling the whole form on the way.
    AUTO_FOCUS = ""
    # The fields scroll inside the popup (a long form on a short terminal); the subclass gives the
    # popup a height (``height: 100%``) and ``.form-body`` takes what the title and hints leave.
    body_scrolls = False
    HINT = "enter saves · escape cancels · tab next field"

    # A form of many rows and a fixed height (so that nothing moves) shows its first ``first_items``
    # items of ``compose_form`` in its first frame and mounts the rest right after: the edit form at
    # 100k contacts appears within the 50 ms every key is held to, and its last rows follow a frame later.
    # Until they are in, a save waits for them and the form does not count as typed in.
    first_items: Optional[int] = None

    def __init__(self) -> None:
        super().__init__()
        self._initial: Optional[tuple] = None
        # Shown when the form opens: why the last save failed (the form reopens with what was typed).
        self.initial_problems: list[str] = []
        self._later: list = []  # items of compose_form still to mount (see first_items)
        self._complete = True  # every item of compose_form mounted
        self._submit_when_ready = False

    def compose(self) -> ComposeResult:
        items = list(self.compose_form())
        if self.first_items is not None and self.body_scrolls:
            items, self._later = items[:self.first_items], items[self.first_items:]
            self._complete = not self._later
        with Vertical():
            yield Static(self.title_text(), classes="form-title", id="form-title")
            if self.body_scrolls:
                with VerticalScroll(classes="form-body"):
                    yield from self._grouped(items)
            else:
                yield from self._grouped(items)
            yield Static("", classes="form-errors", id="form-errors")
            yield Static(Text(self.HINT), classes="form-hint")
        yield PopupFooter()

    def title_text(self) -> Text:
        return Text(self.TITLE_TEXT)

    def compose_form(self) -> ComposeResult:
        yield from ()

    @staticmethod
    def row(label: str, field: Widget) -> "FormRow":
        return FormRow(label, field)

    @staticmethod
    def _grouped(items: Iterable) -> Iterator[Widget]:
        """The form's widgets, with each run of rows (:meth:`row`) as one block: their labels in one text
        beside a column of their fields. A label and a container per row made three widgets of each
        field, and Textual's cost is per widget: the 13-row edit form took twice as long to appear."""
        rows: list[FormRow] = []
        for item in items:
            if isinstance(item, FormRow):
                rows.append(item)
                continue
            if rows:
                yield _rows_block(rows)
                rows = []
            yield item
        if rows:
            yield _rows_block(rows)

    @classmethod
    def date_row(cls, value: str, placeholder: str = DATE_HINT) -> "FormRow":
        return cls.row("Date", Field(value, id="date", compact=True, placeholder=placeholder))

    def on_mount(self) -> None:
        if self._later:
            self.call_after_refresh(self._mount_later)
        else:
            self._ready()

    async def _mount_later(self) -> None:
        later, self._later = self._later, []
        if not self.is_attached:  # closed before its last rows came in
            return
        await self.query_one(".form-body").mount_all(list(self._grouped(later)))
        self._ready()
        if self._submit_when_ready:
            self.action_submit()

    def _ready(self) -> None:
        self._complete = True
        self._initial = self._snapshot()
        if self.initial_problems:
            self.show_problems(self.initial_problems)

    def _snapshot(self) -> tuple:
        return tuple(field.value for field in self.query("Input, Choice"))

    @property
    def is_dirty(self) -> bool:
        """Whether the user typed anything since the form opened."""
        return self._initial is not None and self._snapshot() != self._initial

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_submit()

    def action_submit(self) -> None:
        if not self._complete:
            self._submit_when_ready = True  # the last rows are being mounted: save once they are in
            return
        problems: list[str] = []
        result = self.collect(problems)
        if problems or result is None:
            self.show_problems(problems)
            return
        self.dismiss(result)

    def show_problems(self, problems: list[str]) -> None:
        self.query_one("#form-errors", Static).update(Text("\n".join(problems)))

    def collect(self, problems: list[str]) -> Optional[ResultT]:
        """The form's value, or None after adding what is wrong to ``problems`` (subclasses fill this in)."""
        return None

    def action_cancel(self) -> None:
        self.dismiss(None)
