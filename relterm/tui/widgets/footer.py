"""The footer of every screen: Textual's, made compact in a narrow terminal so that every key fits.

At 80 columns the roomy footer cut off the last keys (C Circles, M Matrix).
Below ``NARROW`` columns it drops the padding and the palette's own key
(ctrl+p stays in the help screen); promote and demote share one entry,
``+- Level`` (``Command.footer_group``), so that every view's key fits beside
add, log, help and quit.
"""

from __future__ import annotations

from rich.text import Text
from textual.widget import Widget
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

    async def recompose(self) -> None:
        """Textual's footer rebuilds its keys whenever the keys in play change (each popup opened and closed),
        and each key binds itself to the footer's ``compact`` value. Textual drops such bindings only when
        that value changes, which in a wide terminal is never: every popup left some twenty removed keys
        alive, about 0.5 MB, for as long as the app ran. The bindings of removed keys go here."""
        await super().recompose()
        for watchers in getattr(self, "__watchers", {}).values():
            watchers[:] = [(node, callback) for node, callback in watchers
                           if not (node._closing or node._closed)]

    def on_resize(self, event) -> None:
        self._fit(event.size.width)

    def _fit(self, width: int) -> None:
        narrow = width < NARROW
        if self.compact != narrow:
            self.compact = narrow
        if self.show_command_palette == narrow:
            self.show_command_palette = not narrow


class PopupFooter(Widget):
    """The footer of a popup: its shown keys on one line, in the footer's colours, drawn as one widget.

    Textual's Footer makes a widget of every key and rebuilds them as focus moves; at 100k contacts it
    took 10 to 20 ms of the 50 a popup has to appear in. A popup's keys are its own bindings (escape,
    enter, ctrl+s...), the same wherever the focus is, so they are read once, when it mounts.
    """

    COMPONENT_CLASSES = {"popup-footer--key", "popup-footer--description"}
    DEFAULT_CSS = """
    PopupFooter {
        dock: bottom;
        height: 1;
        width: 1fr;
        background: $footer-background;
        color: $footer-foreground;
        .popup-footer--key {
            color: $footer-key-foreground;
            background: $footer-key-background;
            text-style: bold;
        }
        .popup-footer--description {
            color: $footer-description-foreground;
            background: $footer-description-background;
        }
    }
    """

    def __init__(self) -> None:
        super().__init__()
        self._keys: list[tuple[str, str, str]] = []  # (key as shown, description, action)
        self._spans: list[tuple[int, int, str]] = []  # (first cell, end cell, action) as last drawn

    def on_mount(self) -> None:
        # Keys doing the same thing share an entry: "esc/q/b Close", "⏎/^s Save".
        grouped: dict[tuple[str, str], list[str]] = {}
        for binding in self.screen._bindings.shown_keys:
            key = self.app.get_key_display(binding)
            shown = grouped.setdefault((binding.action, binding.description), [])
            if binding.description and key not in shown:
                shown.append(key)
        self._keys = [("/".join(keys), description, action) for (action, description), keys in grouped.items()
                      if keys]
        self.refresh()

    def render(self) -> Text:
        key_style = self.get_component_rich_style("popup-footer--key")
        description_style = self.get_component_rich_style("popup-footer--description")
        text = Text(no_wrap=True, overflow="ellipsis", end="")
        compact = self.app.size.width < NARROW  # as the app's footer: no padding in a narrow terminal
        self._spans = []
        for key, description, action in self._keys:
            start = text.cell_len
            text.append(key if compact else f" {key} ", key_style)
            text.append(f" {description} " if compact else f"{description} ", description_style)
            self._spans.append((start, text.cell_len, action))
        return text

    async def on_click(self, event) -> None:
        """A click on a key does what the key does, as in the app's footer."""
        for start, end, action in self._spans:
            if start <= event.x < end:
                event.stop()
                await self.screen.run_action(action)
                return
