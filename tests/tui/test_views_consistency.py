"""Every view takes the same keys; the help and the palette come from the same registry; the archive view."""

from __future__ import annotations

import pytest
from textual.widgets import DataTable, OptionList, Tree

from relterm.tui.commands import VIEW_COMMON, VIEWS
from relterm.tui.modals.confirm import Confirm
from relterm.tui.screens.archive import ArchiveScreen
from relterm.tui.screens.help import HelpScreen
from relterm.tui.screens.main import MainScreen
from relterm.tui.widgets.contact_list import ContactList

from .helpers import db_rows, notifications, press, screen_text, settle, shown_names, started, type_text

SIZE = (120, 40)


@pytest.mark.parametrize("key", ["A", "C", "M", "V", "question_mark"])
async def test_q_quits_from_every_view(people, make_app, key):
    app = make_app()
    async with started(app, SIZE) as pilot:
        await press(pilot, key)
        assert not isinstance(app.screen, MainScreen)
        await pilot.press("q")
        await pilot.pause()
        assert app.return_code == 0


@pytest.mark.parametrize("key", ["A", "C", "M", "V"])
async def test_escape_goes_back_from_every_view(people, make_app, key):
    app = make_app()
    async with started(app, SIZE) as pilot:
        await press(pilot, key)
        assert not isinstance(app.screen, MainScreen)
        await press(pilot, "escape")
        assert isinstance(app.screen, MainScreen)


async def test_circles_take_j_k_g_G(people, core, make_app):
    for name in ("Ivy Quist", "Jon Reyes", "Kai Moana"):
        core.add_contact(name, level=2, introduced_by=people["Elena Ferrante"])
    app = make_app()
    async with started(app, SIZE) as pilot:
        await press(pilot, "C")
        tree = app.screen.query_one(Tree)
        assert tree.cursor_line == 0
        await press(pilot, "j")
        assert tree.cursor_line == 1
        await press(pilot, "k")
        assert tree.cursor_line == 0
        await press(pilot, "G")
        assert tree.cursor_line == tree.last_line > 0
        await press(pilot, "g")
        assert tree.cursor_line == 0


async def test_agenda_and_matrix_take_j_k_g_G(people, make_app):
    app = make_app()
    async with started(app, SIZE) as pilot:
        await press(pilot, "A")
        options = app.screen.query_one(OptionList)
        first = options.highlighted
        await press(pilot, "G")
        last = options.highlighted
        await press(pilot, "g")
        assert options.highlighted == first
        await press(pilot, "j")
        assert options.highlighted != first or first == last
        await press(pilot, "escape", "M")
        table = app.screen.query_one(DataTable)
        await press(pilot, "G")
        assert table.cursor_row == table.row_count - 1
        await press(pilot, "k")
        assert table.cursor_row == table.row_count - 2
        await press(pilot, "g")
        assert table.cursor_row == 0


async def test_after_matrix_enter_the_list_starts_at_its_top(people, make_app):
    app = make_app()
    async with started(app, SIZE) as pilot:
        await press(pilot, "G", "M")
        await press(pilot, "down", "enter")  # business, rung 0
        await press(pilot, "M", "down", *["l"] * 8, "enter")  # business, every rung
        contacts = app.main_screen.query_one(ContactList)
        assert len(shown_names(app)) > 1
        assert contacts.cursor == 0


async def test_help_lists_every_views_keys_from_the_registry(people, make_app):
    app = make_app()
    async with started(app, SIZE) as pilot:
        await press(pilot, "question_mark")
        assert isinstance(app.screen, HelpScreen)
        text = screen_text(app)
        for _ in range(30):
            await pilot.press("pagedown")
            await settle(pilot)
            text += screen_text(app)
        for view in VIEWS:
            assert f"{view.title} view ({view.key})" in text
            for key in view.keys:
                assert f"{key.title}: {key.help}"[:40] in " ".join(text.split()), key
        assert "In every view" in text
        for key in VIEW_COMMON:
            assert f"{key.title}: {key.help}" in text


async def test_the_palette_lists_our_commands_once_in_our_words(people, make_app):
    app = make_app()
    async with started(app, SIZE) as pilot:
        titles = [command.title for command in app.get_system_commands(app.main_screen)]
        assert len(titles) == len(set(titles))
        assert [t for t in titles if t.startswith("Quit")] == ["Quit (q)"]
        for unwanted in ("Keys", "Maximize", "Minimize", "Screenshot"):
            assert not any(t.startswith(unwanted) for t in titles), unwanted
        assert "Theme" in titles
        assert "Archive (V)" in titles
        # In a view: the view's own keys.
        await press(pilot, "A")
        view_titles = [command.title for command in app.get_system_commands(app.screen)]
        assert {"Go to (enter)", "Log (l)", "Snooze (s)", "Back (esc)", "Quit (q)"} <= set(view_titles)
        assert len(view_titles) == len(set(view_titles))


async def test_the_archive_view_browses_filters_and_restores_after_confirmation(people, make_app, core, db_path):
    for name in ("Ben Okri", "Chen Wei", "Dana Scully"):
        core.archive(people[name])
    app = make_app()
    async with started(app, SIZE) as pilot:
        assert "Ben Okri" not in shown_names(app)
        await press(pilot, "V")
        assert isinstance(app.screen, ArchiveScreen)
        text = screen_text(app)
        assert "3 archived contacts" in text
        for name in ("Ben Okri", "Chen Wei", "Dana Scully"):
            assert name in text
        await press(pilot, "slash")
        await type_text(pilot, "federal")  # Dana's company
        await press(pilot, "enter")
        assert [row.name for row in app.screen.shown] == ["Dana Scully"]
        assert "1 of 3" in screen_text(app)
        await press(pilot, "R")
        assert isinstance(app.screen, Confirm)
        await press(pilot, "n")  # no: nothing changes
        assert db_rows(db_path, "SELECT archived_at IS NOT NULL FROM contact WHERE name = 'Dana Scully'") == [(1,)]
        await press(pilot, "R", "y")
        assert db_rows(db_path, "SELECT archived_at IS NULL FROM contact WHERE name = 'Dana Scully'") == [(1,)]
        assert "Restored Dana Scully" in notifications(app)
        assert isinstance(app.screen, ArchiveScreen)
        await press(pilot, "escape")  # clears the filter
        assert sorted(row.name for row in app.screen.shown) == ["Ben Okri", "Chen Wei"]
        await press(pilot, "escape")
        assert isinstance(app.screen, MainScreen)
        assert "Dana Scully" in shown_names(app)
        assert app.main_screen.query_one(ContactList).selected.name == "Dana Scully"


async def test_the_archive_view_is_in_the_palette_and_says_when_empty(people, make_app):
    app = make_app()
    async with started(app, SIZE) as pilot:
        await press(pilot, "ctrl+p")
        await type_text(pilot, "Archive (V)")
        await press(pilot, "enter")
        await settle(pilot)
        assert isinstance(app.screen, ArchiveScreen)
        assert "Nobody is archived" in screen_text(app)
