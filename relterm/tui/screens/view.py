"""What the views (agenda, circles, matrix) share: a bordered box over the main screen, escape goes back."""

from __future__ import annotations

from textual.binding import Binding
from textual.screen import Screen


class ViewScreen(Screen):
    BINDINGS = [Binding("escape", "back", "Back", id="view-back")]

    DEFAULT_CSS = """
    ViewScreen > Vertical {
        border: round $primary;
        background: $surface;
    }
    """

    @property
    def main(self):
        return self.app.main_screen

    def action_back(self) -> None:
        self.dismiss()
