"""Keys typed while a popup is on its way go to the popup, not to the list below it, and after the text of
the field that has focus: a field selects its text when focused (typing replaces it, for someone who sees
it), which typed-ahead keys must not do to a name."""

from __future__ import annotations

import time

from textual.widgets import Input

from relterm.tui.modals.contact_form import ContactForm
from relterm.tui.modals.log_form import LogForm

from .helpers import db_rows, press, selected_name, settle, started


async def test_keys_typed_right_after_e_go_into_the_name_and_leave_the_list_alone(people, make_app, core,
                                                                                  db_path, monkeypatch):
    slow_card = core.card

    def card(*args, **kwargs):  # a large database: the contact takes a moment to read
        time.sleep(0.15)
        return slow_card(*args, **kwargs)

    monkeypatch.setattr(core, "card", card)
    app = make_app()
    async with started(app) as pilot:
        first = selected_name(app)
        # No waiting between the keys: "j" would move the list, "G" jump to its end, "x" is just text.
        await pilot.press("e", "j", "G", "x")
        await settle(pilot)
        assert isinstance(app.screen, ContactForm)
        name = app.screen.query_one("#name", Input)
        assert name.value == f"{first}jGx"  # typed after the name, which stayed
        await press(pilot, "escape")
        if app.screen is not app.main_screen:
            await press(pilot, "y")  # discard what was typed
        assert app.screen is app.main_screen
        assert selected_name(app) == first  # the list did not move
    assert db_rows(db_path, "SELECT COUNT(*) FROM contact WHERE name = ?", first) == [(1,)]


async def test_escape_typed_ahead_closes_the_popup_it_was_meant_for(people, make_app):
    app = make_app()
    async with started(app) as pilot:
        first = selected_name(app)
        await pilot.press("l", "escape", "j")
        await settle(pilot)
        assert not isinstance(app.screen, LogForm)
        # The j came after the popup closed: the list moved one row.
        assert selected_name(app) != first


async def test_a_key_typed_once_the_popup_shows_replaces_the_selected_text(people, make_app, core):
    app = make_app()
    async with started(app) as pilot:
        await press(pilot, "a", "tab")  # the level field, with the default level selected
        level = app.focused
        assert isinstance(level, Input) and level.selection == (0, len(level.value))
        await press(pilot, "3")
        assert level.value == "3"


async def test_a_yes_typed_before_the_question_shows_is_no_answer(people, make_app, core, db_path, monkeypatch):
    """d asks before archiving; a y (or enter) typed before the question was on screen must not answer it."""
    import asyncio

    from relterm.tui.flows import FlowsPart

    slow_popup = FlowsPart.popup_then_write

    async def popup_then_write(self, *args, **kwargs):  # a busy machine: the question takes a moment
        await asyncio.sleep(0.15)
        return await slow_popup(self, *args, **kwargs)

    monkeypatch.setattr(FlowsPart, "popup_then_write", popup_then_write)
    app = make_app()
    async with started(app) as pilot:
        first = selected_name(app)
        await pilot.press("d", "y", "enter")
        await settle(pilot)
        from relterm.tui.modals.confirm import Confirm

        assert isinstance(app.screen, Confirm)  # still asking
        await press(pilot, "n")
        assert app.screen is app.main_screen
    assert db_rows(db_path, "SELECT COUNT(*) FROM contact WHERE name = ? AND archived_at IS NULL", first) == [(1,)]


async def test_a_flow_that_opens_no_popup_lets_keys_through_at_once(people, make_app):
    app = make_app()
    async with started(app) as pilot:
        await pilot.press("U")  # no merge to undo: a notification, no popup
        await settle(pilot)
        assert not app.key_hold.holding
