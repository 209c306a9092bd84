"""A popup shows the screen it came from behind it, dimmed (drawn by relterm.tui.popup, not Textual's
slower path), and the help lays its keys out in one column with what they do wrapped beside them."""

from __future__ import annotations

from relterm.tui.popup import Popup
from relterm.tui.screens.help import HelpScreen

from .helpers import press, screen_text, started


def _styles_of(app, text: str) -> set:
    """The styles of the screen's segments (popups and the dimmed screen below included) holding ``text``."""
    found = set()
    for strip in app.screen._compositor.render_strips():
        for segment in strip:
            if text in segment.text:
                found.add(segment.style)
    return found


async def test_a_popup_keeps_the_list_visible_behind_it_dimmed(people, make_app):
    app = make_app()
    async with started(app, (120, 40)) as pilot:
        before = _styles_of(app, "Ada Lovelace")
        assert before
        await press(pilot, "d")  # the archive question: a small popup, the list stays visible around it
        assert isinstance(app.screen, Popup)
        assert "Ada Lovelace" in screen_text(app)
        after = _styles_of(app, "Ada Lovelace")
        assert after and after.isdisjoint(before)  # re-coloured: dimmed behind the popup
        # Dimmed text carries no links from the screen below (nothing there can be clicked).
        assert all(style is None or not style.link for style in after)
        await press(pilot, "escape")
        assert _styles_of(app, "Ada Lovelace") == before


async def test_the_help_wraps_what_a_key_does_beside_its_key(people, make_app):
    app = make_app()
    async with started(app, (80, 24)) as pilot:
        await press(pilot, "question_mark")
        assert isinstance(app.screen, HelpScreen)
        lines = screen_text(app).splitlines()
        add = next(index for index, line in enumerate(lines) if "Add: Add a contact" in line)
        column = lines[add].index("Add: Add a contact")
        key_column = lines[add].index(" a ") + 1
        assert key_column < column
        # The description goes on under itself, not under the key.
        follow = lines[add + 1]
        assert follow[key_column:column].strip() == ""
        assert follow[column:].strip()
