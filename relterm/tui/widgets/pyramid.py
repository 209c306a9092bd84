"""The level pyramid: one bar per rung, top rung narrowest, with its contact count.

``enter`` on a rung asks the screen to filter the list to it. The selected
contact's rung is marked with ▶, the rung the list is filtered to with ✓.
With the ``-compact`` class the pyramid folds into one line.

With a history (``set_history``: per rung, the count at the end of each of
the last months) each rung also shows a sparkline of those counts, scaled to
the rung's own highest month, and the change over the period; folded into
one line, the pyramid shows the history of the selected contact's rung (of
the highlighted rung while it has the focus).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from rich.cells import cell_len
from rich.style import Style
from rich.text import Text
from textual.binding import Binding
from textual.color import Color
from textual.message import Message
from textual.reactive import reactive
from textual.widget import Widget

from ...config import Ladder

SPARKS = "▁▂▃▄▅▆▇█"


def sparkline(counts: tuple[int, ...]) -> str:
    """One block per month, its height relative to the highest month; a blank for none."""
    top = max(counts, default=0)
    if top <= 0:
        return " " * len(counts)
    last = len(SPARKS) - 1
    return "".join(SPARKS[min(last, round(n * last / top))] if n > 0 else " " for n in counts)


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
        self._history: Optional[dict[int, tuple[int, ...]]] = None
        self._months: tuple[str, ...] = ()

    def set_history(self, counts: Optional[dict[int, tuple[int, ...]]], months: tuple[str, ...] = ()) -> None:
        """Per rung, one count per month (oldest first); None hides the history."""
        self._history = counts
        self._months = months
        self.refresh(layout=True)

    @property
    def history_shown(self) -> bool:
        return self._history is not None

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
        return len(self._rungs) + (1 if self._unplaced else 0) + (1 if self._history is not None else 0)

    @staticmethod
    def _bar_style(color: Color) -> Style:
        text = Color(0, 0, 0) if color.brightness > 0.55 else Color(255, 255, 255)
        return Style(color=text.rich_color, bgcolor=color.rich_color)

    def render(self) -> Text:
        if self.has_class("-compact"):
            return self._render_compact()
        width = max(self.size.width, 10)
        inner = width - 4  # "▶ " before, " ✓" after
        history = self._history
        spark_width = 0
        if history is not None:
            spark_width = len(self._months) + 6  # " " + the months + " +123" (the change over the period)
            inner = max(inner - spark_width, 10)
        rungs = list(reversed(self._rungs))  # top rung first
        count = len(rungs)
        longest = max((len(f" {r.rank} {r.name}  {r.count} ") for r in rungs), default=10)
        narrowest = min(inner, max(longest, inner * 2 // 5))
        lines = Text(no_wrap=True, overflow="crop", end="")
        for position, rung in enumerate(rungs):
            bar = narrowest if count <= 1 else narrowest + (inner - narrowest) * position // (count - 1)
            if history is not None:
                bar = min(inner, longest)  # one width for every rung: the months line up beside them
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
            if history is not None:
                counts = history.get(rung.rank, ())
                lines.append(" ")
                lines.append(sparkline(counts), Style(color=rung.color.rich_color))
                change = counts[-1] - counts[0] if counts else 0
                lines.append(f" {change:+d}" if change else " ±0", Style(dim=not change))
            if position < count - 1 or self._unplaced or history is not None:
                lines.append("\n")
        if self._unplaced:
            note = f"not on this ladder: {self._unplaced}"
            lines.append(note.center(width)[:width], Style(dim=True))
            if history is not None:
                lines.append("\n")
        if history is not None and self._months:
            span = f"month ends {self._months[0]} … {self._months[-1]}, change "
            if len(span) > width:
                span = f"{self._months[0]} … {self._months[-1]}"
            lines.append(span[:width].rjust(width)[:width], Style(dim=True))
        return lines

    def _render_compact(self) -> Text:
        """One line, top rung first: every rung's number and count, and as many names as fit.

        The name of the rung that matters now comes first (the highlighted rung while the pyramid
        has the focus, else the selected contact's), then the others from the top down.
        """
        if self._history is not None:
            return self._render_compact_history()
        text = Text(no_wrap=True, overflow="ellipsis", end="")
        width = max(self.size.width, 10)
        rungs = list(reversed(self._rungs))
        # The roomiest numbers-only line that fits (padded labels, else bare ones), then the names of
        # as many rungs as fit. The marks (▶ the selected contact's rung, ✓ the filter) take a cell each.
        padded = sum(cell_len(f" {r.rank}:{r.count} ") + 1 for r in rungs) <= width
        pad = " " if padded else ""

        def mark(rung: Rung, label: str) -> str:
            if rung.rank == self.marked_rank:
                label = "▶" + label[1:] if padded else "▶" + label
            if rung.rank == self.filter_rank:
                label = label[:-1] + "✓" if padded else label + "✓"
            return label

        labels = {r.rank: mark(r, f"{pad}{r.rank}:{r.count}{pad}") for r in rungs}
        used = sum(cell_len(label) + 1 for label in labels.values())
        first = self.cursor_rank if self.has_focus or self.marked_rank is None else self.marked_rank
        for rung in sorted(rungs, key=lambda r: (r.rank != first, -r.rank)):
            named = mark(rung, f"{pad}{rung.rank} {rung.name} {rung.count}{pad}")
            if used - cell_len(labels[rung.rank]) + cell_len(named) <= width:
                used += cell_len(named) - cell_len(labels[rung.rank])
                labels[rung.rank] = named
        for rung in rungs:
            style = self._bar_style(rung.color)
            if rung.rank == self.cursor_rank and self.has_focus:
                style += Style(reverse=True, bold=True)
            text.append(labels[rung.rank], style)
            text.append(" ")
        return text

    def _render_compact_history(self) -> Text:
        """One line: the months of the selected contact's rung, or with the focus of the highlighted rung."""
        text = Text(no_wrap=True, overflow="ellipsis", end="")
        wanted = self.cursor_rank if self.has_focus or self.marked_rank is None else self.marked_rank
        rung = next((r for r in self._rungs if r.rank == wanted), None)
        if rung is None or self._history is None:
            return text
        counts = self._history.get(rung.rank, ())
        style = self._bar_style(rung.color)
        if self.has_focus:
            style += Style(reverse=True, bold=True)
        text.append(f" {rung.rank} {rung.name} ", style)
        text.append(" " + sparkline(counts), Style(color=rung.color.rich_color))
        if counts:
            text.append(f" {counts[0]}→{counts[-1]}")
        return text
