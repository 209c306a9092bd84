"""The level pyramid: one bar per rung, top rung narrowest, with its contact count.

``enter`` on a rung asks the screen to filter the list to it. The selected
contact's rung is marked with ▶, the rung the list is filtered to with ✓.
With the ``-compact`` class the pyramid folds into one line.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from rich.style import Style
from rich.text import Text
from textual.binding import Binding
from textual.color import Color
from textual.message import Message
from textual.reactive import reactive
from textual.widget import Widget

from ...config import Ladder


@dataclass
class Rung:
    rank: int
    name: str
    count: int
    color: Color


class Pyramid(Widget, can_focus=True):
    DEFAULT_CSS = """
    Pyramid {
        height: auto;
        background: $surface;
    }
    Pyramid.-compact {
        height: 1;
    }
    """

    BINDINGS = [
        Binding("up,k", "move(1)", "Higher rung", show=False, id="pyramid-up"),
        Binding("down,j", "move(-1)", "Lower rung", show=False, id="pyramid-down"),
        Binding("home,g", "edge(1)", "Top rung", show=False, id="pyramid-top"),
        Binding("end,G", "edge(-1)", "Bottom rung", show=False, id="pyramid-bottom"),
        Binding("left", "move(-1)", "Lower rung", show=False, id="pyramid-left"),
        Binding("right", "move(1)", "Higher rung", show=False, id="pyramid-right"),
        Binding("enter", "choose", "Filter to rung", show=True, id="pyramid-choose"),
    ]

    cursor_rank: reactive[Optional[int]] = reactive(None)
    marked_rank: reactive[Optional[int]] = reactive(None)  # the selected contact's rung
    filter_rank: reactive[Optional[int]] = reactive(None)

    @dataclass
    class RungChosen(Message):
        rank: int

    def __init__(self, *, name=None, id=None, classes=None):
        super().__init__(name=name, id=id, classes=classes)
        self._rungs: list[Rung] = []  # bottom rung first
        self._unplaced = 0

    def set_ladder(self, ladder: Ladder, counts: dict[int, int], colors: dict[int, Color], unplaced: int) -> None:
        self._rungs = [
            Rung(level.rank, level.name, counts.get(level.rank, 0), colors.get(level.rank, Color(128, 128, 128)))
            for level in ladder.ordered
        ]
        self._unplaced = unplaced
        ranks = [rung.rank for rung in self._rungs]
        if self.cursor_rank not in ranks:
            self.cursor_rank = ranks[0] if ranks else None
        self.refresh(layout=True)

    @property
    def counts(self) -> dict[int, int]:
        return {rung.rank: rung.count for rung in self._rungs}

    # Keys ---------------------------------------------------------------------------

    def _index(self) -> int:
        ranks = [rung.rank for rung in self._rungs]
        return ranks.index(self.cursor_rank) if self.cursor_rank in ranks else 0

    def action_move(self, step: int) -> None:
        if self._rungs:
            index = max(0, min(self._index() + step, len(self._rungs) - 1))
            self.cursor_rank = self._rungs[index].rank

    def action_edge(self, direction: int) -> None:
        if self._rungs:
            self.cursor_rank = self._rungs[-1 if direction > 0 else 0].rank

    def action_choose(self) -> None:
        if self.cursor_rank is not None:
            self.post_message(self.RungChosen(self.cursor_rank))

    def watch_cursor_rank(self) -> None:
        self.refresh()

    def watch_marked_rank(self) -> None:
        self.refresh()

    def watch_filter_rank(self) -> None:
        self.refresh()

    def on_focus(self) -> None:
        self.refresh()

    def on_blur(self) -> None:
        self.refresh()

    # Drawing ------------------------------------------------------------------------

    def get_content_height(self, container, viewport, width: int) -> int:
        if self.has_class("-compact"):
            return 1
        return len(self._rungs) + (1 if self._unplaced else 0)

    @staticmethod
    def _bar_style(color: Color) -> Style:
        text = Color(0, 0, 0) if color.brightness > 0.55 else Color(255, 255, 255)
        return Style(color=text.rich_color, bgcolor=color.rich_color)

    def render(self) -> Text:
        if self.has_class("-compact"):
            return self._render_compact()
        width = max(self.size.width, 10)
        inner = width - 4  # "▶ " before, " ✓" after
        rungs = list(reversed(self._rungs))  # top rung first
        count = len(rungs)
        longest = max((len(f" {r.rank} {r.name}  {r.count} ") for r in rungs), default=10)
        narrowest = min(inner, max(longest, inner * 2 // 5))
        lines = Text(no_wrap=True, overflow="crop", end="")
        for position, rung in enumerate(rungs):
            bar = narrowest if count <= 1 else narrowest + (inner - narrowest) * position // (count - 1)
            label = f"{rung.rank} {rung.name}  {rung.count}"
            if len(label) > bar:
                label = f"{rung.rank}  {rung.count}"
            pad = bar - len(label)
            bar_text = " " * (pad // 2) + label + " " * (pad - pad // 2)
            side = (inner - bar) // 2
            style = self._bar_style(rung.color)
            if rung.rank == self.cursor_rank and self.has_focus:
                style += Style(reverse=True, bold=True)
            elif rung.rank == self.cursor_rank:
                style += Style(bold=True)
            marker = "▶ " if rung.rank == self.marked_rank else "  "
            after = " ✓" if rung.rank == self.filter_rank else "  "
            lines.append(" " * side + marker)
            lines.append(bar_text, style)
            lines.append(after + " " * (inner - bar - side))
            if position < count - 1 or self._unplaced:
                lines.append("\n")
        if self._unplaced:
            note = f"not on this ladder: {self._unplaced}"
            lines.append(note.center(width)[:width], Style(dim=True))
        return lines

    def _render_compact(self) -> Text:
        """One line, top rung first: the widest of three label formats that fits."""
        text = Text(no_wrap=True, overflow="ellipsis", end="")
        width = max(self.size.width, 10)
        rungs = list(reversed(self._rungs))
        formats = ("  {rank} {name} {count} ", " {rank}:{count} ", "{rank}:{count} ")
        chosen = formats[-1]
        for fmt in formats:
            total = sum(len(fmt.format(rank=r.rank, name=r.name, count=r.count)) + 1 for r in rungs)
            if total <= width:
                chosen = fmt
                break
        for rung in rungs:
            label = chosen.format(rank=rung.rank, name=rung.name, count=rung.count)
            if rung.rank == self.marked_rank:
                label = "▶" + label[1:] if label.startswith(" ") else "▶" + label[:-1]
            if rung.rank == self.filter_rank:
                label = label[:-1] + "✓"
            style = self._bar_style(rung.color)
            if rung.rank == self.cursor_rank and self.has_focus:
                style += Style(reverse=True, bold=True)
            text.append(label, style)
            text.append(" ")
        return text
