"""Promote, demote or move a contact to any rung, with a reason.

The popup also shows the evidence for the move: the criteria of the next
rung's ``promote_when`` with what the contact has against each, loaded by a
thread worker (``evidence`` is a callable the screen passes in), and any
promotion or demotion relterm suggests. Nothing moves until the user saves.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Optional

from rich.style import Style
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from ...config import Ladder
from ..workers import in_thread
from .base import FormModal
from ..widgets.field import Field


@dataclass(frozen=True)
class Suggested:
    """A move relterm suggests for this contact (never applied unless the user saves it)."""

    action: str  # "promote" | "demote"
    to_rank: Optional[int]
    reason: str


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
    LevelForm #evidence {
        width: 1fr;
        height: auto;
        margin-bottom: 1;
    }
    """

    def __init__(
        self,
        ladder: Ladder,
        ladder_key: str,
        contact_name: str,
        current: Optional[int],
        target: Optional[int] = None,
        *,
        evidence: Optional[Callable[[], object]] = None,
        suggestion: Optional[Suggested] = None,
    ) -> None:
        """``evidence()`` returns a ``relterm.intel.Evidence`` (run in a thread)."""
        super().__init__()
        self.ladder = ladder
        self.ladder_key = ladder_key
        self.contact_name = contact_name
        self.current = current
        self.target = target
        self._load_evidence = evidence
        self.suggestion = suggestion

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
        if self._load_evidence is not None or self.suggestion is not None:
            yield Static(self._evidence_text(None, loading=self._load_evidence is not None), id="evidence")
        yield self.row("Reason", Field(placeholder="why (may be empty)", id="reason", compact=True))

    # Evidence ----------------------------------------------------------------------------

    def _styles(self) -> tuple[Style, Style, Style]:
        return tuple(self.app.theme_style(name, bold=True) for name in ("success", "error", "accent"))

    def _evidence_text(self, evidence, *, loading: bool = False, failed: str = "") -> Text:
        met_style, unmet_style, suggest_style = self._styles()
        text = Text()
        suggestion = self.suggestion
        if suggestion is not None:
            arrow = "↑" if suggestion.action == "promote" else "↓"
            where = f" to {self.ladder.label(suggestion.to_rank)}" if suggestion.to_rank is not None else ""
            text.append(f"{arrow} relterm suggests: {suggestion.action}{where}", suggest_style)
            if suggestion.reason:
                text.append(f"\n  {suggestion.reason}")
            text.append("\n")
        if loading:
            text.append("Evidence: loading ...", Style(dim=True))
        elif failed:
            text.append(f"Evidence: {failed}", Style(dim=True))
        elif evidence is not None:
            if evidence.next_rank is None:
                text.append("Evidence: no rung above this one on the ladder." if evidence.rank is not None
                            else f"Evidence: not on the {self.ladder_key} ladder yet.", Style(dim=True))
            elif not evidence.criteria:
                text.append(f"Evidence: {self.ladder.label(evidence.next_rank)} sets no criteria; "
                            "the move is your call.", Style(dim=True))
            else:
                span = f" (last {evidence.within_days} days)" if evidence.within_days else " (all time)"
                verdict = "all met" if evidence.met else "not all met"
                text.append(f"Evidence for {self.ladder.label(evidence.next_rank)}{span}: {verdict}")
                for criterion in evidence.criteria:
                    text.append("\n  ")
                    if criterion.met:
                        text.append("✓ met    ", met_style)
                    else:
                        text.append("✗ unmet  ", unmet_style)
                    text.append(f"{criterion.name}: {criterion.have} of {criterion.need}")
        text.rstrip()
        return text

    def on_mount(self) -> None:
        super().on_mount()
        if self._load_evidence is not None:
            self.load_evidence()
        if self.target is None:
            rungs = self.query_one("#rungs", OptionList)
            ranks = [level.rank for level in reversed(self.ladder.ordered)]
            rungs.highlighted = ranks.index(self.current) if self.current in ranks else 0
            rungs.focus()
        else:
            self.query_one("#reason", Input).focus()

    @work(exit_on_error=False, group="evidence", name="evidence")
    async def load_evidence(self) -> None:
        try:
            evidence = await in_thread(self, self._load_evidence, group="evidence")
        except Exception as exc:  # shown in the popup; the move can still be saved
            text = self._evidence_text(None, failed=str(exc))
        else:
            text = self._evidence_text(evidence)
        if self.is_mounted:
            self.query_one("#evidence", Static).update(text)

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
