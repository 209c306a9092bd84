"""The base of every popup: a modal screen over the dimmed screen it was opened from.

Textual draws a translucent modal's background by rendering the screen below
through Rich (every segment of a 120x40 frame, re-coloured one at a time) and
cutting the result into lines again: about 75 ms at 120x40, most of the time
a popup took to appear. :class:`DimmedScreen` draws the same picture from the
lower screen's own lines, re-colouring each distinct style once (a frame has a
few dozen), in about 2 ms.

It reads the lower screen's compositor (``Screen._compositor``), as Textual's
own ``BackgroundScreen`` does; Textual is pinned to one version, and every
popup test renders through this path.
"""

from __future__ import annotations

from typing import Optional, TypeVar

from rich.segment import Segment
from rich.style import Style as RichStyle
from textual import events
from textual._context import visible_screen_stack
from textual.color import Color
from textual.renderables.background_screen import BackgroundScreen
from textual.screen import ModalScreen
from textual.strip import Strip
from textual.visual import RenderOptions, Visual

ResultT = TypeVar("ResultT")


class DimmedScreen(Visual):
    """The screen below a popup, tinted with the popup's translucent background colour."""

    def __init__(self, screen, tint: Color) -> None:
        self.screen = screen
        self.tint = tint

    def get_optimal_width(self, rules, container_width: int) -> int:
        return container_width

    def get_height(self, rules, width: int) -> int:
        return self.screen.size.height

    def render_strips(self, width: int, height: Optional[int], style, options: RenderOptions) -> list[Strip]:
        strips = self.screen._compositor.render_strips()
        tinted = _Tinter(self.tint)
        out = []
        for strip in strips[:height] if height is not None else strips:
            out.append(Strip([Segment(text, tinted(seg_style), control) if not control else
                              Segment(text, seg_style, control)
                              for text, seg_style, control in strip], strip.cell_length))
        return out


class _Tinter:
    """Re-colours styles with Textual's own rule for a screen behind a modal (``BackgroundScreen``: links
    and meta dropped, colours blended with the tint), each distinct style once."""

    def __init__(self, tint: Color) -> None:
        self.tint = tint
        self.cache: dict[Optional[RichStyle], RichStyle] = {}

    def __call__(self, style: Optional[RichStyle]) -> RichStyle:
        done = self.cache.get(style)
        if done is None:
            tinted = next(iter(BackgroundScreen.process_segments([Segment(" ", style)], self.tint)))
            done = self.cache[style] = tinted.style or RichStyle()
        return done


class Popup(ModalScreen[ResultT]):
    """A modal screen whose dimmed background is drawn by :class:`DimmedScreen`, and which is styled once
    when it opens."""

    _shown = False
    # Whether keys typed while the popup was on its way go to it (typeahead.py). A question whose enter or
    # y destroys or merges data says no: an answer typed before the question showed is dropped.
    TAKES_TYPEAHEAD = True

    def _on_screen_resume(self, event: events.ScreenResume) -> None:
        # Runs before Screen's own handler. Mounting has just applied the stylesheet to every widget of
        # the popup; restyling all of them again as it first appears took a quarter of the time to the
        # first frame. Later resumes (back from a popup over this one) restyle as usual.
        if not self._shown:
            self._shown = True
            event.refresh_styles = False
            # Keys typed while the popup was on its way (typeahead.py) go to it once it has drawn and
            # focused its field.
            hold = getattr(self.app, "key_hold", None)
            if hold is not None and hold.holding:
                self.call_after_refresh(hold.release if self.TAKES_TYPEAHEAD else hold.discard)

    def render(self):
        background = self.styles.background
        if background.a < 1:
            try:
                # Textual hands each screen of the stack the one below it this way (see Screen.render).
                below = visible_screen_stack.get().pop()
            except (LookupError, IndexError):
                below = None
            if below is not None and below is not self:
                return DimmedScreen(below, background)
        return super().render()
