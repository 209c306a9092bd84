"""The circles view (C): the introduction tree with counts; enter goes to the person."""

from __future__ import annotations

from textual.widgets import Tree

from relterm.tui.screens.circles import CirclesScreen
from relterm.tui.screens.main import MainScreen
from relterm.tui.widgets.contact_list import ContactList

from .helpers import press, screen_text, started

SIZE = (120, 40)


def line_with(text: str, name: str) -> str:
    return next(line for line in text.splitlines() if name in line)


async def test_circles_show_counts_and_enter_selects_the_person(people, core, make_app):
    # Ben introduced Elena (the fixture); Elena introduced two more, one of whom introduced a third.
    ivy = core.add_contact("Ivy Quist", level=2, introduced_by=people["Elena Ferrante"])
    core.add_contact("Jon Reyes", level=2, introduced_by=people["Elena Ferrante"])
    core.add_contact("Kai Moana", level=1, introduced_by=ivy)
    app = make_app()
    async with started(app, SIZE) as pilot:
        await press(pilot, "C")
        assert isinstance(app.screen, CirclesScreen)
        text = screen_text(app)
        # Ben opened up four people (his whole subtree); his branch is closed until opened.
        assert "(4)" in line_with(text, "Ben Okri")
        assert "Elena Ferrante" not in text
        assert "6 first contacts · 4 people reached through introductions" in text
        assert "Met directly, no introductions yet (5)" in text
        tree = app.screen.query_one(Tree)
        assert tree.cursor_node.data.name == "Ben Okri"
        await press(pilot, "right")
        text = screen_text(app)
        assert "(3)" in line_with(text, "Elena Ferrante")
        await press(pilot, "down", "right")
        text = screen_text(app)
        assert "(1)" in line_with(text, "Ivy Quist")
        assert "Jon Reyes" in text
        await press(pilot, "down", "right", "down")
        assert tree.cursor_node.data.name == "Kai Moana"
        await press(pilot, "enter")
        assert isinstance(app.screen, MainScreen)
        assert app.main_screen.query_one(ContactList).selected.name == "Kai Moana"
        assert isinstance(app.focused, ContactList)


async def test_circles_escape_goes_back_and_a_forest_without_introductions_says_so(core, make_app):
    core.add_contact("Solo Person", level=3)
    app = make_app()
    async with started(app, SIZE) as pilot:
        await press(pilot, "C")
        text = screen_text(app)
        assert "Nobody has introduced you to anyone yet" in text
        assert "Met directly, no introductions yet (1)" in text
        await press(pilot, "escape")
        assert isinstance(app.screen, MainScreen)


async def test_a_long_branch_is_filled_in_batches(core, make_app):
    from relterm.tui.screens.circles import BATCH

    for n in range(450):
        core.add_contact(f"Person {n:03d}", level=2)
    app = make_app()
    async with started(app, SIZE) as pilot:
        await press(pilot, "C")
        tree = app.screen.query_one(Tree)
        group = tree.root.children[-1]
        assert "(450)" in str(group.label)
        assert not group.children  # nothing built before it is opened
        await press(pilot, "enter")  # enter on the group opens it
        assert len(group.children) == BATCH + 1  # a batch and a "more" line
        assert f"{450 - BATCH} more" in str(group.children[-1].label)
        tree.move_cursor(group.children[-1])
        await press(pilot, "enter")
        assert len(group.children) == 2 * BATCH + 1


async def test_levels_in_the_tree_are_on_the_default_ladder_whatever_the_list_shows(people, make_app):
    app = make_app()
    async with started(app, SIZE) as pilot:
        await press(pilot, "L")  # the list now shows the customer ladder
        assert app.main_screen.ladder_key != app.config.default_ladder
        await press(pilot, "C")
        business = app.config.ladders[app.config.default_ladder]
        assert business.label(3) in line_with(screen_text(app), "Ben Okri")
