"""What the views (agenda, circles, matrix, archive) share: a bordered box over the main screen.

Every view takes the same keys (``commands.VIEW_COMMON``): j/k and the arrows
move in its list, g/G and home/end jump to the top or the bottom, the page
keys move a page, escape goes back, ? shows the help and q quits. Its own keys
come from its entry in ``commands.VIEWS``, which also feeds the help screen and
the palette.
"""

from __future__ import annotations

from typing import ClassVar

from textual.actions import SkipAction
from textual.screen import Screen
from textual.widgets import DataTable, Input, OptionList, Tree

from ..commands import View, view


class ViewScreen(Screen):
    VIEW_ID: ClassVar[str] = ""

    DEFAULT_CSS = """
    ViewScreen > Vertical {
        border: round $primary;
        background: $surface;
    }
    """

    def __init_subclass__(cls, **kwargs) -> None:
        # Before Textual's own __init_subclass__, which merges the class's BINDINGS.
        if cls.__dict__.get("VIEW_ID"):
            cls.BINDINGS = view(cls.VIEW_ID).bindings()
        super().__init_subclass__(**kwargs)

    @property
    def view(self) -> View:
        return view(self.VIEW_ID)

    @property
    def main(self):
        return self.app.main_screen

    def action_back(self) -> None:
        self.dismiss()

    # Movement in the view's list, whichever widget holds it ------------------------------

    def list_widget(self):
        """The widget the movement keys act on: the focused one, or the first list on the screen.

        In a text field the keys are typed (the binding is skipped).
        """
        focused = self.focused
        if isinstance(focused, Input):
            raise SkipAction()
        if isinstance(focused, (OptionList, Tree, DataTable)):
            return focused
        found = self.query("OptionList, Tree, DataTable")
        return found.first() if found else None

    def _page_size(self, widget) -> int:
        return max(widget.scrollable_content_region.height - 1, 1)

    def action_move(self, step: int) -> None:
        widget = self.list_widget()
        if isinstance(widget, OptionList):
            widget.action_cursor_down() if step > 0 else widget.action_cursor_up()
        elif isinstance(widget, Tree):
            widget.action_cursor_down() if step > 0 else widget.action_cursor_up()
        elif isinstance(widget, DataTable):
            widget.action_cursor_down() if step > 0 else widget.action_cursor_up()

    def action_edge(self, end: int) -> None:
        widget = self.list_widget()
        if isinstance(widget, OptionList):
            widget.action_last() if end else widget.action_first()
        elif isinstance(widget, Tree):
            widget.cursor_line = widget.last_line if end else 0
            widget.scroll_to_line(widget.cursor_line, animate=False)
        elif isinstance(widget, DataTable) and widget.row_count:
            widget.move_cursor(row=widget.row_count - 1 if end else 0, animate=False)

    def action_page(self, direction: int) -> None:
        widget = self.list_widget()
        if isinstance(widget, OptionList):
            widget.action_page_down() if direction > 0 else widget.action_page_up()
        elif isinstance(widget, Tree):
            target = widget.cursor_line + direction * self._page_size(widget)
            widget.cursor_line = max(0, min(target, widget.last_line))
            widget.scroll_to_line(widget.cursor_line, animate=False)
        elif isinstance(widget, DataTable) and widget.row_count:
            row = widget.cursor_row + direction * self._page_size(widget)
            widget.move_cursor(row=max(0, min(row, widget.row_count - 1)), animate=False)
