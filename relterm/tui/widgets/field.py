"""The text field of every popup form: Textual's Input, minus styling itself before it is on a screen.

An Input given a value checks it at once and sets its ``-valid`` class, and each class change applies
the whole stylesheet to the widget, although it belongs to no screen yet and mounting applies the
stylesheet to it again anyway. With a dozen fields, that wasted work was a good part of the time a
form took to appear (the edit form at 100k contacts: over 100 ms, against 50 for every key).
"""

from __future__ import annotations

from textual.widgets import Input


class Field(Input):
    def update_node_styles(self, animate: bool = True) -> None:
        if self.is_attached:  # else mounting styles it, with its classes as they are then
            super().update_node_styles(animate=animate)
