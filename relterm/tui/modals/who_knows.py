"""Who knows them, and every way to them: the warm ways in to the selected contact (key w).

Read-only: the contacts connected to the person (``relterm who-knows``) with
your level with each, and every chain of introductions that leads to them
(``relterm path``), as the core computes them. Names are plain text.
"""

from __future__ import annotations

from rich.style import Style
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.widgets import Static

from ...present import chain_line
from ..popup import Popup
from ..widgets.footer import PopupFooter


class WhoKnowsPopup(Popup[None]):
    DEFAULT_CSS = """
    WhoKnowsPopup {
        align: center middle;
    }
    WhoKnowsPopup > Vertical {
        width: 90;
        max-width: 100%;
        height: auto;
        max-height: 90%;
        border: thick $primary;
        background: $panel;
        padding: 0 1;
    }
    WhoKnowsPopup VerticalScroll {
        height: auto;
        max-height: 30;
    }
    WhoKnowsPopup .who-hint {
        color: $text-muted;
        margin-top: 1;
    }
    """

    BINDINGS = [Binding("escape,w,q", "close", "Close", id="who-close")]

    def __init__(self, name: str, known_by, paths, ladder) -> None:
        """``known_by``: intel ``Knows`` items; ``paths``: an intel ``Paths``; ``ladder``: the default ladder.

        With ``paths`` None the popup says it is reading; ``fill`` shows what was read."""
        super().__init__()
        self.person = name
        self.known_by = known_by
        self.paths = paths
        self.ladder = ladder

    def fill(self, known_by, paths) -> None:
        """The ways in, read in a thread after the popup opened."""
        self.person, self.known_by, self.paths = paths.name, known_by, paths
        for shown in self.query("#who-body").results(Static):  # none yet: compose shows what was read
            shown.update(self.body())

    def body(self) -> Text:
        bold, dim = Style(bold=True), Style(dim=True)
        text = Text(no_wrap=False, end="")
        text.append(f"Who knows {self.person}\n", bold)
        if self.paths is None:
            text.append("reading…", dim)
            return text
        if not self.known_by:
            text.append("Nobody in your contacts is connected to them yet.\n", dim)
        for item in self.known_by:
            level = self.ladder.label(item.rank) if item.rank is not None else "-"
            text.append(f"  {level:<14} ")
            text.append(item.name, bold)
            text.append(f"  {'; '.join(item.ways)}\n", dim)
        text.append("\nEvery way to them, shortest first\n", bold)
        chains = self.paths.chains
        if len(chains) == 1 and len(chains[0]) == 1:
            text.append("  Not introduced by anyone you know.\n", dim)
        else:
            for chain in chains:
                text.append(f"  {chain_line(chain)}\n")
        if not self.paths.complete:
            text.append("  (more chains lead to them than are listed here)\n", dim)
        text.rstrip()
        return text

    def compose(self) -> ComposeResult:
        with Vertical():
            with VerticalScroll():
                yield Static(self.body(), id="who-body")
            yield Static(Text("escape or w: close"), classes="who-hint")
        yield PopupFooter()

    def action_close(self) -> None:
        self.dismiss(None)
