"""A one-line choice among a few options for popup forms: ``‹ vCard file (.vcf) ›``, changed with ← and →.

Textual's Select is a drop-down: a current-value widget and a hidden option list, mounted with every
form and restyled by their own watchers while mounting. Two of them made up over half of the time the
export form took to appear at 100k contacts. The forms choose among two to five short options, where
one focusable line that steps through them does the same with one widget, by keys alone: ← and →
(or space) step, home and end jump to the first and last; a click steps forward.
"""

from __future__ import annotations

from typing import Generic, Hashable, Sequence, TypeVar

from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.message import Message
from textual.reactive import reactive
from textual.widget import Widget

ValueT = TypeVar("ValueT", bound=Hashable)


class Choice(Widget, Generic[ValueT], can_focus=True):
    """One of ``options`` (label, value); posts :class:`Choice.Changed` when the user steps to another."""

    DEFAULT_CSS = """
    Choice {
        height: 1;
        width: 1fr;
        background: $surface;
        color: $foreground;
    }
    Choice:focus {
        background: $boost;
        text-style: bold;
    }
    Choice:disabled {
        color: $text-disabled;
    }
    """

    BINDINGS = [
        Binding("right,space", "step(1)", "Next choice", show=False),
        Binding("left", "step(-1)", "Previous choice", show=False),
        Binding("home", "jump(0)", "First choice", show=False),
        Binding("end", "jump(-1)", "Last choice", show=False),
    ]

    value: reactive[ValueT] = reactive(None, layout=False, init=False)  # type: ignore[assignment]

    class Changed(Message):
        def __init__(self, choice: "Choice", value) -> None:
            super().__init__()
            self.choice = choice
            self.value = value

        @property
        def control(self) -> "Choice":
            return self.choice

    def __init__(self, options: Sequence[tuple[str, ValueT]], *, value: ValueT | None = None,
                 id: str | None = None, classes: str | None = None, disabled: bool = False) -> None:
        if not options:
            raise ValueError("a choice needs at least one option")
        super().__init__(id=id, classes=classes, disabled=disabled)
        self._options: list[tuple[str, ValueT]] = [(str(label), option) for label, option in options]
        values = [option for _, option in self._options]
        self.set_reactive(Choice.value, value if value in values else values[0])

    @property
    def options(self) -> list[tuple[str, ValueT]]:
        return list(self._options)

    @property
    def label(self) -> str:
        return next((label for label, option in self._options if option == self.value), "")

    def validate_value(self, value):
        if value not in [option for _, option in self._options]:
            raise ValueError(f"{value!r} is not one of the choices")
        return value

    def watch_value(self, old, new) -> None:
        if old != new:
            self.post_message(self.Changed(self, new))
        self.refresh()

    def _index(self) -> int:
        return next((i for i, (_, option) in enumerate(self._options) if option == self.value), 0)

    def action_step(self, delta: int) -> None:
        if not self.disabled:
            self.value = self._options[(self._index() + delta) % len(self._options)][1]

    def action_jump(self, index: int) -> None:
        if not self.disabled:
            self.value = self._options[index][1]

    async def _on_click(self, event: events.Click) -> None:
        event.stop()
        self.focus()
        self.action_step(1)

    def render(self) -> Text:
        many = len(self._options) > 1
        text = Text(no_wrap=True, overflow="ellipsis", end="")
        text.append("‹ " if many else "  ", style="dim" if not self.has_focus else "")
        text.append(self.label)  # plain text: an option is never read as markup
        if many:
            text.append(" ›", style="dim" if not self.has_focus else "")
        return text

    def on_focus(self) -> None:
        self.refresh()

    def on_blur(self) -> None:
        self.refresh()
