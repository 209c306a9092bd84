"""A yes/no question."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Static

from ..popup import Popup
from ..widgets.footer import PopupFooter


class Confirm(Popup[bool]):
    DEFAULT_CSS = """
    Confirm {
        align: center middle;
    }
    Confirm > Vertical {
        width: 60;
        max-width: 100%;
        height: auto;
        border: thick $warning;
        background: $panel;
        padding: 0 1;
    }
    Confirm .confirm-hint {
        color: $text-muted;
        margin-top: 1;
    }
    """

    TAKES_TYPEAHEAD = False  # a yes typed before the question showed is no answer (typeahead.py)
    BINDINGS = [
        Binding("y", "answer(True)", "Yes", id="confirm-yes"),
        Binding("enter", "enter", "Yes", show=False, id="confirm-enter"),
        Binding("n,escape", "answer(False)", "No", id="confirm-no"),
    ]

    def __init__(self, question: Text | str, yes: str = "yes", *, enter_confirms: bool = True) -> None:
        """With ``enter_confirms`` false only ``y`` says yes, so an enter pressed twice
        (saving a popup, then again) cannot confirm something the user should weigh."""
        super().__init__()
        self.question = question if isinstance(question, Text) else Text(question)
        self.yes = yes
        self.enter_confirms = enter_confirms

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(self.question)
            keys = "y or enter" if self.enter_confirms else "y"
            yield Static(Text(f"{keys}: {self.yes} · n or escape: cancel"), classes="confirm-hint")
        yield PopupFooter()

    def action_enter(self) -> None:
        if self.enter_confirms:
            self.dismiss(True)
        else:
            self.app.bell()

    def action_answer(self, value: bool) -> None:
        self.dismiss(value)
