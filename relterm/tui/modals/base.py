"""What every popup form shares: escape cancels, enter saves from any field,
problems are listed all at once, and the app can tell whether anything was typed."""

from __future__ import annotations

import datetime as dt
from typing import Generic, Iterable, Optional, TypeVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Footer, Input, Label, Static

from ...dates import MAX_DAYS, check_days, parse_date
from ...errors import InputError
from ..popup import Popup

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
    FormModal .form-row {
        height: 1;
        margin-bottom: 1;
    }
    FormModal .form-row > Label {
        width: 14;
        color: $text-muted;
    }
    FormModal .form-row > Input {
        width: 1fr;
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
    # The fields scroll inside the popup (a long form on a short terminal); the subclass gives the
    # popup a height (``height: 100%``) and ``.form-body`` takes what the title and hints leave.
    body_scrolls = False
    HINT = "enter saves · escape cancels · tab next field"

    def __init__(self) -> None:
        super().__init__()
        self._initial: Optional[tuple] = None
        # Shown when the form opens: why the last save failed (the form reopens with what was typed).
        self.initial_problems: list[str] = []

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(self.title_text(), classes="form-title", id="form-title")
            if self.body_scrolls:
                with VerticalScroll(classes="form-body"):
                    yield from self.compose_form()
            else:
                yield from self.compose_form()
            yield Static("", classes="form-errors", id="form-errors")
            yield Static(Text(self.HINT), classes="form-hint")
        yield Footer()

    def title_text(self) -> Text:
        return Text(self.TITLE_TEXT)

    def compose_form(self) -> ComposeResult:
        yield from ()

    @staticmethod
    def row(label: str, field: Input) -> Horizontal:
        return Horizontal(Label(label), field, classes="form-row")

    @classmethod
    def date_row(cls, value: str, placeholder: str = DATE_HINT) -> Horizontal:
        return cls.row("Date", Input(value, id="date", compact=True, placeholder=placeholder))

    def on_mount(self) -> None:
        self._initial = self._snapshot()
        if self.initial_problems:
            self.show_problems(self.initial_problems)

    def _snapshot(self) -> tuple:
        return tuple(field.value for field in self.query("Input, Select"))

    @property
    def is_dirty(self) -> bool:
        """Whether the user typed anything since the form opened."""
        return self._initial is not None and self._snapshot() != self._initial

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_submit()

    def action_submit(self) -> None:
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
