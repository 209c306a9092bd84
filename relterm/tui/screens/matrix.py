"""The sphere x rung matrix: how many contacts of each sphere stand on each rung.

One row per sphere (the configured spheres first), one column per rung of
the ladder the main screen shows (bottom rung first, as ``relterm matrix``
prints it), with totals. ``enter`` on a cell goes back to the main screen
with the list filtered to that sphere and rung (a total filters by one of
the two); ``escape`` goes back unchanged. Counted in a thread worker.
"""

from __future__ import annotations

from typing import Optional

from rich.style import Style
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import DataTable, Static

from ..widgets.footer import AppFooter
from ..workers import in_thread
from .view import ViewScreen
from ...intel.model import Matrix
from ...sanitize import clean_for_display

TOTAL = "total"


class MatrixScreen(ViewScreen):
    VIEW_ID = "matrix"  # its keys: relterm.tui.commands.VIEWS

    DEFAULT_CSS = """
    MatrixScreen #matrix-hint {
        height: auto;
        color: $text-muted;
        padding: 0 1;
    }
    MatrixScreen DataTable {
        height: 1fr;
        background: $surface;
    }
    """

    def __init__(self) -> None:
        super().__init__()
        self._spheres: list[Optional[str]] = []  # per table row; None: the totals row
        self._ranks: list[object] = []  # per table column after the sphere name; TOTAL: the totals column

    def compose(self) -> ComposeResult:
        with Vertical(id="matrix-box"):
            yield Static(Text("Counting ..."), id="matrix-hint")
            # The sphere names stay in view when the rungs scroll sideways (80 columns).
            table = DataTable(id="matrix", cursor_type="cell", zebra_stripes=True, fixed_columns=1)
            yield table
        yield AppFooter()

    def on_mount(self) -> None:
        main = self.main
        ladder = main.ladder if main is not None else self.app.config.ladder
        self.query_one("#matrix-box").border_title = Content(f"Contacts by sphere and rung · {ladder.name}")  # literal
        self.query_one(DataTable).focus()
        # After the first frame: a loader thread would delay it.
        self.call_after_refresh(self.load, main.ladder_key if main is not None else self.app.config.default_ladder)

    @work(exclusive=True, exit_on_error=False, group="matrix")
    async def load(self, ladder_key: str) -> None:
        self._loaded(await in_thread(self, self.app.core.intel.matrix, ladder=ladder_key, group="matrix"))

    def _loaded(self, matrix: Matrix) -> None:
        ladder = self.app.config.ladders[matrix.ladder]
        colors = self.app.level_colors(matrix.ladder)
        table = self.query_one(DataTable)
        table.clear(columns=True)
        table.add_column(Text("Sphere", Style(bold=True)), key="sphere")
        self._ranks = list(matrix.ranks) + [TOTAL]
        for rank in matrix.ranks:
            if rank is None:
                label = Text("no rung")
            else:
                label = Text(ladder.label(rank))
                color = colors.get(rank)
                if color is not None:
                    label.stylize(Style(color=color.rich_color, bold=True))
            table.add_column(label, key=f"rank-{rank}")
        table.add_column(Text("Total", Style(bold=True)), key=TOTAL)
        self._spheres = []
        for sphere in matrix.spheres:
            cells = [Text(clean_for_display(sphere))]  # plain text, cleaned: a sphere from the data is never markup
            cells += [self._cell(matrix.count(sphere, rank)) for rank in matrix.ranks]
            cells.append(self._cell(matrix.sphere_total(sphere), bold=True))
            table.add_row(*cells)
            self._spheres.append(sphere)
        totals = [Text("Total", Style(bold=True))]
        totals += [self._cell(matrix.rank_total(rank), bold=True) for rank in matrix.ranks]
        totals.append(self._cell(matrix.total, bold=True))
        table.add_row(*totals)
        self._spheres.append(None)
        self.query_one("#matrix-hint", Static).update(Text(
            f"{matrix.total} contacts. Arrows or h j k l move; enter shows the cell's contacts in the list; esc goes back."
        ))
        if matrix.ranks:
            table.move_cursor(row=0, column=1)

    @staticmethod
    def _cell(count: int, *, bold: bool = False) -> Text:
        return Text(str(count) if count else "·", Style(bold=bold, dim=not count), justify="right")

    # Keys ---------------------------------------------------------------------------

    def action_column(self, step: int) -> None:
        table = self.query_one(DataTable)
        table.action_cursor_right() if step > 0 else table.action_cursor_left()

    @on(DataTable.CellSelected)
    def _cell_selected(self, event: DataTable.CellSelected) -> None:
        event.stop()
        self.action_choose()

    def action_choose(self) -> None:
        table = self.query_one(DataTable)
        if not self._spheres:
            return
        row, column = table.cursor_coordinate
        sphere = self._spheres[row] if 0 <= row < len(self._spheres) else None
        rank = self._ranks[column - 1] if 1 <= column <= len(self._ranks) else TOTAL
        main = self.main
        if main is None:
            return
        if rank is None:
            self.notify("The list cannot show only contacts without a rung; showing the whole sphere.",
                        severity="warning", timeout=4)
            rank = TOTAL
        main.filter_to(sphere, None if rank is TOTAL else rank)  # type: ignore[arg-type]
        self.dismiss()

