"""Pilot tests of the coffee: the brief (b), the names popup after an in-person meeting, the profile link
in the edit popup and on the card, goals in the agenda."""

from __future__ import annotations

import asyncio

from textual.widgets import Input, Static

from relterm.tui.modals.names_form import NamesForm
from relterm.tui.screens.brief import BriefScreen

from .helpers import db_rows, filter_to, press, screen_text, settle, started, type_text


async def _select(pilot, name: str) -> None:
    await filter_to(pilot, name)


async def test_b_opens_the_brief_of_the_selected_contact_and_escape_closes_it(people, core, make_app):
    core.edit_contact(people["Ada Lovelace"], url="https://www.linkedin.com/in/ada")
    core.intel.introduce_many(people["Ada Lovelace"], ["Hedy Lamarr", "[bold]Mark[/bold] Up"], date="2026-11-03")
    app = make_app()
    async with started(app) as pilot:
        await _select(pilot, "Ada")
        await press(pilot, "b")
        assert isinstance(app.screen, BriefScreen)
        text = "\n".join(app.screen.lines)  # what the popup holds; the screen shows its first lines
        assert "Brief: Ada Lovelace" in screen_text(app) and "Profile:      https://www.linkedin.com/in/ada" in screen_text(app)
        assert "Brief: Ada Lovelace" in text and "Profile:      https://www.linkedin.com/in/ada" in text
        assert "Next rung:    6 Friend" in text
        # Names given and not contacted, shown as typed: markup stays text.
        assert "Hedy Lamarr" in text and "[bold]Mark[/bold] Up" in text
        assert "Before you part: ask who else" in text
        await press(pilot, "j", "pagedown")  # scrolls without leaving
        assert isinstance(app.screen, BriefScreen)
        await press(pilot, "escape")
        assert not isinstance(app.screen, BriefScreen)


async def test_logging_a_coffee_asks_for_names_and_links_those_that_match(people, db_path, make_app):
    app = make_app()
    async with started(app) as pilot:
        await _select(pilot, "Grace")
        await press(pilot, "l")
        await type_text(pilot, "Coffee at the harbour")
        await press(pilot, "tab")
        app.screen.query_one("#kind", Input).value = "coffee"
        await press(pilot, "enter")
        form = app.screen
        assert isinstance(form, NamesForm) and form.after_meeting
        assert "Did Grace Hopper give you names?" in str(form.query_one("#form-title", Static).render())
        await type_text(pilot, "Dana")
        await press(pilot, "enter")
        await type_text(pilot, "Nova Quinn")
        await asyncio.sleep(0.4)  # the preview runs a moment after typing stops
        await settle(pilot)
        preview = str(form.query_one("#names-preview", Static).render())
        assert "Dana → links to Dana Scully" in preview and "Nova Quinn → new contact" in preview
        await press(pilot, "ctrl+s")
        assert not isinstance(app.screen, NamesForm)
    grace = db_rows(db_path, "SELECT id FROM contact WHERE name = 'Grace Hopper'")[0][0]
    introduced = db_rows(db_path, "SELECT c.name FROM event e JOIN contact c ON c.id = e.other_id "
                                  "WHERE e.contact_id = ? AND e.kind = 'introduced' ORDER BY c.name", grace)
    assert introduced == [("Dana Scully",), ("Nova Quinn",)]
    assert db_rows(db_path, "SELECT COUNT(*) FROM contact WHERE name = 'Dana'") == [(0,)]  # linked, not added


async def test_escape_skips_the_names_popup_and_a_call_does_not_ask(people, db_path, make_app):
    app = make_app()
    async with started(app) as pilot:
        await _select(pilot, "Chen")
        await press(pilot, "l")
        await type_text(pilot, "Lunch")
        app.screen.query_one("#kind", Input).value = "meal"
        await press(pilot, "enter")
        assert isinstance(app.screen, NamesForm)
        await press(pilot, "escape")
        assert not isinstance(app.screen, NamesForm)
        await press(pilot, "l")
        await type_text(pilot, "Quick call")
        app.screen.query_one("#kind", Input).value = "call"
        await press(pilot, "enter")
        assert not isinstance(app.screen, NamesForm)
    chen = db_rows(db_path, "SELECT id FROM contact WHERE name = 'Chen Wei'")[0][0]
    kinds = db_rows(db_path, "SELECT kind FROM event WHERE contact_id = ? AND kind != 'level-change' ORDER BY id", chen)
    assert kinds == [("email",), ("meal",), ("call",)]  # both logged, no introduction recorded


async def test_the_edit_popup_sets_the_profile_link_and_the_card_shows_it(people, db_path, make_app):
    app = make_app()
    async with started(app) as pilot:
        await _select(pilot, "Ben")
        await press(pilot, "e")
        url = app.screen.query_one("#url", Input)
        url.value = "javascript:alert(1)"
        await press(pilot, "enter")
        assert "http:// or https://" in str(app.screen.query_one("#form-errors", Static).render())
        url.value = "https://ben.example/okri"
        await press(pilot, "enter")
        await settle(pilot)
        assert "Profile  https://ben.example/okri" in app.screen.query_one("#card").plain
    assert db_rows(db_path, "SELECT url FROM contact WHERE name = 'Ben Okri'") == [("https://ben.example/okri",)]


async def test_the_agenda_shows_each_goal_and_its_streak(people, core, make_app):
    core.intel.set_goal("new-coffees", 1, 14, since="2026-11-16")
    app = make_app()
    async with started(app) as pilot:
        await press(pilot, "A")
        goals = str(app.screen.query_one("#agenda-goals", Static).render())
        # Grace's lunch on 20 November was the first time you met her face to face.
        assert goals == "Goal new-coffees: 1 of 1 this period, met (2026-11-16 to 2026-11-29, 6 days left); " \
                        "streak 1 period"


async def test_the_brief_wraps_long_lines_under_their_text_not_their_label(people, core, make_app):
    """At 80 columns the level's description wraps; its second line starts under the first one's text,
    so the labels stay a column of their own."""
    app = make_app()
    async with started(app, (80, 24)) as pilot:
        await _select(pilot, "Ada")
        await press(pilot, "b")
        lines = [line.strip("█▐▌ ") for line in screen_text(app).splitlines()]
        level = next(i for i, line in enumerate(lines) if line.startswith("Level:"))
        first, second = screen_text(app).splitlines()[level], screen_text(app).splitlines()[level + 1]
        start = first.index("Level:") + len("Level:")
        start += len(first[start:]) - len(first[start:].lstrip())  # where the level's text begins
        assert second[:start].strip("█▐▌ ") == "" and second[start] != " ", (first, second)


def test_the_brief_wraps_wide_characters_within_the_width():
    """A name in wide characters (two cells each) wraps at the popup's width, in cells, not characters."""
    import io

    from rich.cells import cell_len
    from rich.console import Console

    from relterm.tui.screens.brief import HangingLines

    console = Console(width=40, file=io.StringIO(), color_system=None)
    with console.capture() as captured:
        console.print(HangingLines(["  2026-10-24  山田 " + "太郎" * 13, "", "x" * 90]))
    lines = captured.get().splitlines()
    assert all(cell_len(line) <= 40 for line in lines), lines
    assert lines[1].startswith(" " * 19) and lines[1].strip().startswith("太郎")  # under the name, not the date
