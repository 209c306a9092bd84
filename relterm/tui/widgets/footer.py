"""The footer of every screen: Textual's, made compact in a narrow terminal so that every key fits.

At 80 columns the roomy footer cut off the last keys (C Circles, M Matrix).
Below ``NARROW`` columns it drops the padding and the palette's own key
(ctrl+p stays in the help screen); promote and demote share one entry,
``+- Level`` (``Command.footer_group``), so that every view's key fits beside
add, log, help and quit.
"""

from __future__ import annotations

from textual.widgets import Footer

NARROW = 100


class AppFooter(Footer):
    # A group of keys ("+- Level": promote and demote) keeps a space after its word when compact too.
    DEFAULT_CSS = """
    AppFooter.-compact FooterLabel {
        margin: 0 1 0 0;
    }
    """

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
