"""Promote, demote or move a contact to any rung, with a reason."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from rich.text import Text
from textual.app import ComposeResult
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from ...config import Ladder
from .base import FormModal


@dataclass(frozen=True)
class LevelResult:
    rank: int
    reason: str


class LevelForm(FormModal[LevelResult]):
    """With ``target`` set: confirm "from -> to". Without: pick the rung from a list."""

    DEFAULT_CSS = """
    LevelForm OptionList {
        height: auto;
        max-height: 12;
        margin-bottom: 1;
    }
    LevelForm .level-description {
        color: $text-muted;
        margin-bottom: 1;
        width: 1fr;
    }
    """

    def __init__(
        self, ladder: Ladder, ladder_key: str, contact_name: str, current: Optional[int], target: Optional[int] = None
    ) -> None:
        super().__init__()
        self.ladder = ladder
        self.ladder_key = ladder_key
        self.contact_name = contact_name
        self.current = current
        self.target = target

    def title_text(self) -> Text:
        if self.target is None:
            text = Text("Move ")
            text.append(self.contact_name)
            text.append(f" on the {self.ladder_key} ladder")
            return text
        verb = "Promote " if self.current is None or self.target > self.current else "Demote "
        text = Text(verb)
        text.append(self.contact_name)
        text.append("\n")
        text.append(f"{self.ladder.label(self.current)} -> {self.ladder.label(self.target)}")
        return text

    def compose_form(self) -> ComposeResult:
        if self.target is None:
            options = []
            for level in reversed(self.ladder.ordered):
                label = Text(self.ladder.label(level.rank))
                if level.rank == self.current:
                    label.append("  (now)", "dim")
                options.append(Option(label, id=str(level.rank)))
            yield OptionList(*options, id="rungs")
        else:
            level = self.ladder.level(self.target)
            yield Static(Text(level.description if level else ""), classes="level-description")
        yield self.row("Reason", Input(placeholder="why (may be empty)", id="reason", compact=True))

    def on_mount(self) -> None:
        super().on_mount()
        if self.target is None:
            rungs = self.query_one("#rungs", OptionList)
            ranks = [level.rank for level in reversed(self.ladder.ordered)]
            rungs.highlighted = ranks.index(self.current) if self.current in ranks else 0
            rungs.focus()
        else:
            self.query_one("#reason", Input).focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.query_one("#reason", Input).focus()

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        event.stop()

    def _snapshot(self) -> tuple:
        picked = self.query_one("#rungs", OptionList).highlighted if self.target is None else None
        return super()._snapshot() + (picked,)

    def collect(self, problems: list[str]) -> Optional[LevelResult]:
        reason = self.query_one("#reason", Input).value.strip()
        if self.target is not None:
            return LevelResult(self.target, reason)
        rungs = self.query_one("#rungs", OptionList)
        if rungs.highlighted is None:
            problems.append("pick a rung")
            return None
        rank = int(rungs.get_option_at_index(rungs.highlighted).id or 0)
        if rank == self.current:
            problems.append(f"{self.contact_name} is already at {self.ladder.label(rank)}; pick another rung")
            return None
        return LevelResult(rank, reason)
