"""Names popup (i), review popup (R), the early-ask confirmation and the give/ask line on the card."""

from __future__ import annotations

import json

from relterm.tui.modals.base import FormModal
from relterm.tui.modals.confirm import Confirm
from relterm.tui.modals.names_form import NamesForm
from relterm.tui.modals.review_form import ReviewForm
from relterm.tui.screens.main import MainScreen
from relterm.tui.widgets.contact_list import ContactList

from .helpers import db_rows, filter_to, press, screen_text, started, timeline_text, type_text

SIZE = (120, 40)


async def select(pilot, name: str) -> None:
    await filter_to(pilot, name)
    assert pilot.app.main_screen.query_one(ContactList).selected.name == name


def counts(db_path) -> tuple[int, int]:
    contacts = db_rows(db_path, "SELECT COUNT(*) FROM contact")[0][0]
    return contacts, db_rows(db_path, "SELECT COUNT(*) FROM event")[0][0]


# Names ---------------------------------------------------------------------------------------


async def test_names_popup_adds_several_names_to_contact_introduced_by_the_contact(people, make_app, db_path):
    ben = people["Ben Okri"]
    app = make_app()
    async with started(app, SIZE) as pilot:
        await select(pilot, "Ben Okri")
        await press(pilot, "i")
        assert isinstance(app.screen, NamesForm)
        await type_text(pilot, "Maria Lopez: runs the harbour co-op")
        await press(pilot, "enter")
        await type_text(pilot, "Tom Berg")
        await press(pilot, "enter")
        await type_text(pilot, "[bold]Uma[/]: the printer")
        await press(pilot, "enter")
        assert isinstance(app.screen, NamesForm)  # enter only started a new line
        await press(pilot, "enter")  # enter on the empty line saves
        assert isinstance(app.screen, MainScreen)
        rows = db_rows(db_path, "SELECT name, to_contact, introduced_by_id FROM contact WHERE id > ? ORDER BY id",
                       people["Grace Hopper"])
        assert rows == [("Maria Lopez", 1, ben), ("Tom Berg", 1, ben), ("[bold]Uma[/]", 1, ben)]
        # At once in the list (the filter still shows Ben, so clear it), the name shown literally.
        await press(pilot, "escape")
        names = [row.name for row in app.main_screen.query_one(ContactList).rows]
        assert {"Maria Lopez", "Tom Berg", "[bold]Uma[/]"} <= set(names)
        assert app.main_screen.query_one(ContactList).selected.name == "Ben Okri"
        assert "[bold]Uma[/]" in screen_text(app)


async def test_names_popup_saves_with_ctrl_s_and_escape_writes_nothing(people, make_app, db_path):
    app = make_app()
    async with started(app, SIZE) as pilot:
        before = counts(db_path)
        await press(pilot, "i")
        await type_text(pilot, "Nobody Saved")
        await press(pilot, "escape")
        assert isinstance(app.screen, MainScreen)
        assert counts(db_path) == before
        await press(pilot, "i", "ctrl+s")  # nothing typed: a problem shown, nothing written
        assert isinstance(app.screen, NamesForm)
        assert "type at least one name" in screen_text(app)
        await type_text(pilot, "Vera Chan")
        await press(pilot, "ctrl+s")
        assert isinstance(app.screen, MainScreen)
        assert db_rows(db_path, "SELECT to_contact FROM contact WHERE name = 'Vera Chan'") == [(1,)]


# Reviews -------------------------------------------------------------------------------------


async def test_review_popup_records_the_three_answers_on_the_timeline(people, make_app, db_path):
    ada = people["Ada Lovelace"]
    app = make_app()
    async with started(app, SIZE) as pilot:
        await press(pilot, "R")
        assert isinstance(app.screen, ReviewForm)
        text = screen_text(app)
        assert "What is going well and should continue?" in text
        assert "What new joint opportunities should you explore?" in text
        await type_text(pilot, "Monthly coffee")
        await press(pilot, "enter")  # next field, not saved yet
        assert isinstance(app.screen, ReviewForm)
        await type_text(pilot, "Long email threads")
        await press(pilot, "enter")
        await type_text(pilot, "Joint talk")
        await press(pilot, "enter", "enter")  # through "every" (left empty)
        assert isinstance(app.screen, ReviewForm)
        await press(pilot, "enter")  # enter on the last field saves
        assert isinstance(app.screen, MainScreen)
        rows = db_rows(db_path, "SELECT kind, data FROM event WHERE contact_id = ? AND kind = 'review'", ada)
        assert len(rows) == 1
        assert json.loads(rows[0][1]) == {"continue": "Monthly coffee", "stop": "Long email threads",
                                          "start": "Joint talk"}
        assert "Monthly coffee" in timeline_text(app)


async def test_review_popup_schedules_reviews_and_escape_writes_nothing(people, make_app, db_path):
    grace = people["Grace Hopper"]
    app = make_app()
    async with started(app, SIZE) as pilot:
        await select(pilot, "Grace Hopper")
        before = counts(db_path)
        await press(pilot, "R")
        await type_text(pilot, "Not saved")
        await press(pilot, "escape")
        assert isinstance(app.screen, MainScreen)
        assert counts(db_path) == before
        # Only the schedule: "every 90", ctrl+s.
        await press(pilot, "R", "tab", "tab", "tab")
        await type_text(pilot, "90")
        await press(pilot, "ctrl+s")
        assert isinstance(app.screen, MainScreen)
        assert db_rows(db_path, "SELECT review_every_days, review_due FROM contact WHERE id = ?", grace) == [
            (90, "2027-02-21")
        ]
        assert counts(db_path) == before  # no review event
        # The popup shows the schedule next time; answering moves the next review on.
        await press(pilot, "R")
        assert "Reviewed every 90 days; next due 2027-02-21." in screen_text(app)
        await type_text(pilot, "Great lunches")
        await press(pilot, "ctrl+s")
        assert db_rows(db_path, "SELECT review_due FROM contact WHERE id = ?", grace) == [("2027-02-21",)]
        assert db_rows(db_path, "SELECT COUNT(*) FROM event WHERE contact_id = ? AND kind = 'review'", grace) == [
            (1,)
        ]


# Asks ----------------------------------------------------------------------------------------


async def start_ask(pilot, note: str) -> None:
    await press(pilot, "l")
    await type_text(pilot, note)
    await press(pilot, "tab", *["backspace"] * 12)
    await type_text(pilot, "ask")
    await press(pilot, "enter")


async def test_an_early_ask_asks_twice_and_keeps_the_warning(people, make_app, db_path):
    chen = people["Chen Wei"]  # level 1: asking is too early
    app = make_app()
    async with started(app, SIZE) as pilot:
        await select(pilot, "Chen Wei")
        await start_ask(pilot, "Asked for an intro to their CFO")
        assert isinstance(app.screen, Confirm)
        assert "Level 1 Researched: asking for business now is likely too early" in app.screen.question.plain
        assert "too early" in screen_text(app)
        assert db_rows(db_path, "SELECT COUNT(*) FROM event WHERE contact_id = ? AND kind = 'ask'", chen) == [(0,)]
        # A second enter (the one that saved the popup, pressed again) does not confirm.
        await press(pilot, "enter")
        assert isinstance(app.screen, Confirm)
        assert db_rows(db_path, "SELECT COUNT(*) FROM event WHERE contact_id = ? AND kind = 'ask'", chen) == [(0,)]
        await press(pilot, "y")
        assert isinstance(app.screen, MainScreen)
        rows = db_rows(db_path, "SELECT summary, warning FROM event WHERE contact_id = ? AND kind = 'ask'", chen)
        assert rows == [("Asked for an intro to their CFO",
                         "Level 1 Researched: asking for business now is likely too early")]
        # The card counts the ask.
        assert "asked 1" in screen_text(app)


async def test_declining_an_early_ask_writes_nothing_and_keeps_the_draft(people, make_app, db_path):
    chen = people["Chen Wei"]
    app = make_app()
    async with started(app, SIZE) as pilot:
        await select(pilot, "Chen Wei")
        before = counts(db_path)
        await start_ask(pilot, "Too soon")
        assert isinstance(app.screen, Confirm)
        await press(pilot, "n")
        assert isinstance(app.screen, FormModal)  # back in the log popup, with what was typed
        assert app.screen.query_one("#note").value == "Too soon"
        assert app.screen.query_one("#kind").value == "ask"
        assert counts(db_path) == before
        await press(pilot, "escape")
        assert isinstance(app.screen, MainScreen)
        assert counts(db_path) == before


async def test_an_ask_at_a_level_where_asking_is_fine_needs_no_confirmation(people, make_app, db_path):
    app = make_app()
    async with started(app, SIZE) as pilot:
        await select(pilot, "Grace Hopper")
        await start_ask(pilot, "Asked for a referral")
        assert isinstance(app.screen, MainScreen)
        assert db_rows(db_path, "SELECT warning FROM event WHERE kind = 'ask'") == [(None,)]


async def test_the_palette_and_the_help_screen_list_the_new_keys(people, make_app):
    app = make_app()
    async with started(app, (120, 100)) as pilot:  # tall enough for the whole help screen
        await press(pilot, "question_mark")
        text = screen_text(app)
        for line in ("Agenda", "Circles", "Names they gave", "Review relationship"):
            assert line in text, line
        await press(pilot, "escape", "ctrl+p")
        await type_text(pilot, "Review relationship")
        await press(pilot, "enter")
        assert isinstance(app.screen, ReviewForm)
        assert "Review your relationship with Ada Lovelace" in screen_text(app)


# The card's give/ask line ------------------------------------------------------------------


async def test_the_card_shows_the_give_ask_balance(people, core, make_app):
    ada = people["Ada Lovelace"]
    core.log(ada, "referral-given", "Sent them the mill contract", date="2026-11-10")
    core.log(ada, "introduction", "Introduced them to Babbage", date="2026-11-11")
    core.log(ada, "referral-received", "They sent the loom job", date="2026-11-12")
    app = make_app()
    async with started(app, SIZE) as pilot:
        assert app.main_screen.query_one(ContactList).selected.name == "Ada Lovelace"
        assert "Give/ask  gave 2 · received 1 · asked 0" in screen_text(app)
        await select(pilot, "Ben Okri")  # nothing exchanged: no line
        assert "Give/ask" not in screen_text(app)
