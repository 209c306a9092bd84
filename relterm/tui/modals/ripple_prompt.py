"""After a demotion or an interaction that went badly: who else it touches, and a yes/no to add a
follow-up with each of them to the agenda. Nothing changes on them unless the user says yes."""

from __future__ import annotations

from rich.style import Style
from rich.text import Text

from ...present import ripple_heading, ripple_line
from .confirm import Confirm


def ripple_question(config, ripple) -> Text:
    """The popup's text: why, one line per person touched (plain text, never markup), the question."""
    text = Text(ripple_heading(config, ripple), Style(bold=True))
    text.append("; this touches who they came through:\n")
    waiting = []
    for item in ripple.touched:
        text.append("\n  • ")
        text.append(ripple_line(config, ripple.name, item))
        if item.open_follow_up is None:
            waiting.append(item.name)
    if waiting:
        names = waiting[0] if len(waiting) == 1 else ", ".join(waiting[:-1]) + " and " + waiting[-1]
        text.append("\n\nAdd a follow-up with ")
        text.append(names)
        text.append(" to the agenda? Nothing else about them changes.")
    return text


class RipplePrompt(Confirm):
    """y adds the follow-ups (only ``y``: an enter pressed to save the popup before must not); n or escape
    leaves it."""

    DEFAULT_CSS = """
    RipplePrompt > Vertical {
        width: 84;
    }
    """

    def __init__(self, config, ripple) -> None:
        waiting = sum(item.open_follow_up is None for item in ripple.touched)
        super().__init__(ripple_question(config, ripple),
                         yes=f"add {waiting} follow-up{'s' if waiting != 1 else ''}" if waiting else "ok",
                         enter_confirms=False)
        self.ripple = ripple
