"""The list's cursor after every change to the list: always on a row, and the card shows that row.

Archiving the last row used to kill the app (an IndexError read the list as it was before the
archive). A seeded random walk of keys mutates the list (archive, undo, filter, rung filter, sort,
reload, changes made by the CLI) and checks the cursor after each step.
"""

from __future__ import annotations

import random

import pytest

from relterm.tui.widgets.card import ContactCard
from relterm.tui.widgets.contact_list import ContactList

from .helpers import filter_to, notifications, press, selected_name, settle, shown_names, started


def _check(app, step: str) -> None:
    main = app.main_screen
    contacts = main.query_one(ContactList)
    rows = contacts.rows
    if not rows:
        assert contacts.selected is None, step
        assert main.card is None, step
        return
    assert 0 <= contacts.cursor < len(rows), step
    row = contacts.selected
    assert row is not None and row is rows[contacts.cursor], step
    assert main.selected_id == row.id, step
    assert main.card is not None and main.card.id == row.id, f"{step}: card {main.card} for {row.name}"
    assert main.query_one(ContactCard).plain.startswith(row.name), step
    # The cursor's line is on screen.
    top = contacts.scroll_offset.y
    assert top <= contacts.cursor < top + max(contacts.size.height - 1, 1), step


async def test_archiving_the_last_row_keeps_the_app_and_moves_to_the_new_last_row(people, make_app):
    app = make_app()
    async with started(app, (120, 40)) as pilot:
        await press(pilot, "G", "d", "y")
        assert shown_names(app)[-1] == "Farid Haddad"
        assert selected_name(app) == "Farid Haddad"
        _check(app, "archive the last row")
        await press(pilot, "u")
        assert selected_name(app) == "Grace Hopper"


async def test_archiving_the_last_row_of_a_filtered_list(people, make_app):
    app = make_app()
    async with started(app, (120, 40)) as pilot:
        await filter_to(pilot, "books")
        await press(pilot, "G", "d", "y")
        assert shown_names(app) == ["Ben Okri"]
        _check(app, "archive the last filtered row")
        await press(pilot, "d", "y")
        assert shown_names(app) == []
        _check(app, "archive the only row")
        assert "No contacts match" in app.main_screen.query_one(ContactList).render_line(1).text


async def test_a_new_filter_or_sort_starts_at_the_top(people, make_app):
    app = make_app()
    async with started(app, (120, 40)) as pilot:
        await press(pilot, "G")
        await press(pilot, "o")
        contacts = app.main_screen.query_one(ContactList)
        assert contacts.cursor == 0 and contacts.scroll_offset.y == 0
        await press(pilot, "o", "G", "3")
        assert contacts.cursor == 0
        await press(pilot, "3", "G")
        await filter_to(pilot, "a")
        assert contacts.cursor == 0


STEPS = ["j", "k", "g", "G", "pagedown", "pageup", "archive", "undo", "sort", "filter", "clear", "rung", "reload",
         "cli-add", "cli-archive"]


@pytest.mark.parametrize("seed", [1, 2, 3])
async def test_random_changes_to_the_list_keep_the_cursor_on_a_row(people, make_app, fresh_core, seed):
    rng = random.Random(seed)
    app = make_app()
    added = 0
    async with started(app, (100, 24)) as pilot:
        for number in range(30):
            step = rng.choice(STEPS)
            if step == "archive":
                if shown_names(app):
                    await press(pilot, "d", "y")
            elif step == "undo":
                await press(pilot, "u")
            elif step == "sort":
                await press(pilot, "o")
            elif step == "filter":
                await filter_to(pilot, rng.choice(["a", "e", "books", "zz", "o"]))
            elif step == "clear":
                await press(pilot, "escape")
            elif step == "rung":
                await press(pilot, str(rng.randrange(7)))
            elif step == "reload":
                await press(pilot, "r")
            elif step == "cli-add":
                added += 1
                fresh_core.add_contact(f"Zed Person {added}", level=rng.randrange(7))
                await press(pilot, "r")
            elif step == "cli-archive":
                ids = [row[0] for row in fresh_core.db.execute_sql(
                    "SELECT id FROM contact WHERE archived_at IS NULL").fetchall()]
                if ids:
                    fresh_core.archive(rng.choice(ids))
                await press(pilot, "r")
            else:
                await press(pilot, step)
            await settle(pilot)
            _check(app, f"seed {seed}, step {number}: {step}")
        assert "Error" not in notifications(app)
