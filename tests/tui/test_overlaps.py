"""Overlapping circles in the app: the Circles view marks people in several circles and can show only them
(o); the card says "also known through ..."; w shows who knows the selected contact and every chain."""

from __future__ import annotations

from textual.widgets import Tree

from relterm.tui.modals.who_knows import WhoKnowsPopup
from relterm.tui.screens.circles import CirclesScreen
from relterm.tui.screens.main import MainScreen
from relterm.tui.widgets.contact_list import ContactList

from .helpers import filter_to, press, screen_text, selected_name, started

SIZE = (120, 40)


def overlapping(people, core):
    """Ben introduced Elena (the fixture); Grace named her too, and Dana had her along at a coffee.
    Ivy came through Ada only."""
    elena = people["Elena Ferrante"]
    core.intel.introduce(people["Grace Hopper"], "Elena Ferrante")
    core.log(people["Dana Scully"], "coffee", "Elena came along", other=elena)
    core.intel.introduce(people["Ada Lovelace"], "Ivy Quist")
    return elena


async def test_circles_mark_overlaps_and_o_shows_only_them(people, core, make_app):
    overlapping(people, core)
    app = make_app()
    async with started(app, SIZE) as pilot:
        await press(pilot, "C")
        assert isinstance(app.screen, CirclesScreen)
        tree = app.screen.query_one(Tree)
        assert tree.cursor_node.data.name == "Ada Lovelace"  # Ada and Ben each opened one person
        await press(pilot, "down", "right")  # Ben's branch: Elena, marked
        text = screen_text(app)
        elena_line = next(line for line in text.splitlines() if "Elena Ferrante" in line)
        assert "◆ in 3 circles" in elena_line
        await press(pilot, "o")
        text = screen_text(app)
        assert "only the 1 people in two or more circles" in text
        assert "Elena Ferrante" in text and "in 3 circles: Ben Okri, Grace Hopper, Dana Scully" in text
        assert "Ivy Quist" not in text and "Ada Lovelace" not in text
        assert tree.cursor_node.data.name == "Elena Ferrante"
        await press(pilot, "right")
        text = screen_text(app)
        assert "through Ben Okri (introduced)" in text and "through Grace Hopper (named)" in text
        assert "through Dana Scully (met together)" in text
        await press(pilot, "down", "down")  # through Grace Hopper: enter goes to her
        await press(pilot, "enter")
        assert isinstance(app.screen, MainScreen)
        assert app.main_screen.query_one(ContactList).selected.name == "Grace Hopper"
        await press(pilot, "C")
        await press(pilot, "o", "o")  # back to the whole tree
        assert "Met directly, no introductions yet" in screen_text(app)


async def test_only_overlaps_says_when_there_are_none(people, core, make_app):
    app = make_app()
    async with started(app, SIZE) as pilot:
        await press(pilot, "C", "o")
        assert "Nobody sits in two circles yet" in screen_text(app)


async def test_the_card_says_also_known_through(people, core, make_app):
    overlapping(people, core)
    app = make_app()
    async with started(app, SIZE) as pilot:
        await filter_to(pilot, "Elena")
        assert selected_name(app) == "Elena Ferrante"
        text = screen_text(app)
        assert "Introduced by  Ben Okri" in text
        # The line may wrap in the card's column: read the card's own text, unwrapped.
        assert "Also known through Grace Hopper, Dana Scully" in app.screen.query_one("#card").plain
        assert "Also known through" in text
        await filter_to(pilot, "Ivy")  # one way in only: no line
        assert selected_name(app) == "Ivy Quist"
        assert "Also known through" not in screen_text(app)


async def test_w_shows_who_knows_them_and_every_chain(people, core, make_app):
    overlapping(people, core)
    app = make_app()
    async with started(app, SIZE) as pilot:
        await filter_to(pilot, "Elena")
        await press(pilot, "w")
        assert isinstance(app.screen, WhoKnowsPopup)
        text = screen_text(app)
        assert "Who knows Elena Ferrante" in text
        lines = [line for line in text.splitlines() if "them" in line and "Who knows" not in line]
        # Your highest level first: Grace (6), Dana (4), Ben (3).
        assert [next(n for n in ("Grace", "Dana", "Ben") if n in line) for line in lines[:3]] == ["Grace", "Dana",
                                                                                                 "Ben"]
        assert "named them" in lines[0] and "introduced them" in lines[2]
        assert "you -> Ben Okri -> Elena Ferrante" in text
        assert "you -> Grace Hopper -(named)-> Elena Ferrante" in text
        await press(pilot, "escape")
        assert isinstance(app.screen, MainScreen)


async def test_the_log_popup_records_who_else_was_there(people, core, make_app, db_path):
    """l, a note, a kind, then With: the entry names the other person (met together, as `relterm log
    --with`); a name that means nobody keeps the popup and what was typed."""
    from relterm.tui.modals.log_form import LogForm

    from .helpers import db_rows, type_text

    overlapping(people, core)
    app = make_app()
    async with started(app, SIZE) as pilot:
        await filter_to(pilot, "Ivy")  # came through Ada only
        await press(pilot, "l")
        assert isinstance(app.screen, LogForm)
        await type_text(pilot, "Lunch with Dana")
        await press(pilot, "tab")
        app.screen.query_one("#kind").value = "meal"
        await press(pilot, "tab", "tab", "tab")  # the date, the toggle, then With
        assert app.focused.id == "with"
        await type_text(pilot, "Nobody Such")
        await press(pilot, "enter")
        assert isinstance(app.screen, LogForm)  # refused: the popup is back with what was typed
        assert app.screen.query_one("#with").value == "Nobody Such"
        app.screen.query_one("#with").value = "Dana Scully"
        await press(pilot, "enter")
        await press(pilot, "escape")  # the names popup after a meal
        assert isinstance(app.screen, MainScreen)
        rows = db_rows(db_path, "SELECT e.kind, o.name FROM event e JOIN contact o ON o.id = e.other_id "
                                "JOIN contact c ON c.id = e.contact_id WHERE c.name = 'Ivy Quist' AND e.kind = 'meal'")
        assert rows == [("meal", "Dana Scully")]
    # Met together: Dana joins Ivy's circle (as `relterm log Ivy --with Dana`), so Ivy is a way in to Dana.
    ivy = db_rows(db_path, "SELECT id FROM contact WHERE name = 'Ivy Quist'")[0][0]
    assert (ivy, "Ivy Quist") in core.intel.also_known_through(people["Dana Scully"])
