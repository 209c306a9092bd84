"""The footer of every screen: Textual's, made compact in a narrow terminal so that every key fits.

At 80 columns the roomy footer cut off the last keys (C Circles, M Matrix).
Below ``NARROW`` columns it drops the padding and the palette's own key
(ctrl+p stays in the help screen).
"""

from __future__ import annotations

from textual.widgets import Footer

NARROW = 100


class AppFooter(Footer):
    def on_mount(self) -> None:
        self._fit(self.app.size.width)

    def on_resize(self, event) -> None:
        self._fit(event.size.width)

    def _fit(self, width: int) -> None:
        narrow = width < NARROW
        if self.compact != narrow:
            self.compact = narrow
        if self.show_command_palette == narrow:
            self.show_command_palette = not narrow
