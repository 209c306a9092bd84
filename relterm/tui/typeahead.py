"""Keys typed while a popup is on its way belong to the popup.

A popup flow starts on a key (``e``, ``l``, ``a``...) and opens its popup a moment later: it reads the
contact first, in a thread, and the popup takes a frame to mount and focus its first field. Keys typed
in that moment went to the screen below: ``e`` then a quick ``J`` moved the list's cursor or opened
another view instead of typing the J into the name. :class:`KeyHold` keeps those keys and hands them
to the popup once its field has focus; if no popup comes (nothing selected, the read failed, a long
search runs first), they go where they would have gone after ``HOLD_S`` seconds at most.

A field selects its text when it gets focus, so that typing replaces it: right for someone who sees the
popup, a lost name for someone who typed before it showed. Keys typed ahead go after the text instead.
A popup that asks a question (``Popup.TAKES_TYPEAHEAD`` false: archive?, merge?) gets none of them.
"""

from __future__ import annotations

from typing import Optional

from textual import events
from textual.timer import Timer
from textual.widgets import Input
from textual.widgets.input import Selection

HOLD_S = 0.5


class KeyHold:
    def __init__(self, app) -> None:
        self.app = app
        self._held: Optional[list[events.Key]] = None
        self._timer: Optional[Timer] = None

    @property
    def holding(self) -> bool:
        return self._held is not None

    def hold(self) -> None:
        """Keep keys from now until :meth:`release` (a popup showed) or ``HOLD_S`` seconds."""
        if self._held is None:
            self._held = []
            self._timer = self.app.set_timer(HOLD_S, self.release, name="release held keys")

    def take(self, event: events.Event) -> bool:
        """Keep ``event`` if it is a key typed while holding; whether it was kept."""
        if self._held is None or not isinstance(event, events.Key):
            return False
        self._held.append(event)
        return True

    def discard(self) -> None:
        """Stop holding and drop the kept keys: the popup asks a question (yes archives, enter merges), and
        an answer typed before the question showed is no answer."""
        self._held = []
        self.release()

    def release(self) -> None:
        """Stop holding and send the kept keys, in order, to whatever has focus now."""
        held, self._held = self._held, None
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
        focused = self.app.focused
        if held and isinstance(focused, Input) and not focused.selection.is_empty:
            focused.selection = Selection.cursor(len(focused.value))  # typed ahead: after the text, not over it
        for key in held or ():
            self.app.post_message(events.Key(key.key, key.character))
