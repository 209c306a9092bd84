"""The agenda view (A): what is due, enter goes to the person, l logs, s snoozes."""

from __future__ import annotations

from relterm.tui.modals.base import FormModal
from relterm.tui.screens.agenda import AgendaScreen
from relterm.tui.screens.main import MainScreen
from relterm.tui.widgets.contact_list import ContactList

from .helpers import db_rows, filter_to, press, screen_text, selected_name, started, type_text

SIZE = (120, 40)


def events_of(db_path, contact_id: int) -> list[tuple[str, str]]:
    return db_rows(db_path, "SELECT kind, summary FROM event WHERE contact_id = ? AND kind != 'level-change' "
                            "ORDER BY id", contact_id)


async def test_agenda_lists_the_overdue_contact_and_enter_selects_them(people, make_app):
    app = make_app()
    async with started(app, SIZE) as pilot:
        # A filter that hides Dana: going to her from the agenda must clear it.
        await filter_to(pilot, "ada")
        assert selected_name(app) == "Ada Lovelace"
        await press(pilot, "A")
        assert isinstance(app.screen, AgendaScreen)
        text = screen_text(app)
        assert "Keep in touch (1)" in text
        line = next(line for line in text.splitlines() if "Dana Scully" in line)
        assert "OVERDUE" in line and "69 days overdue" in line
        assert app.config.ladders["business"].label(4) in line
        await press(pilot, "enter")
        assert isinstance(app.screen, MainScreen)
        assert selected_name(app) == "Dana Scully"
        assert app.main_screen.query_one("#filter").value == ""
        assert isinstance(app.focused, ContactList)
        assert "Federal Bureau" in screen_text(app)  # her card


async def test_l_in_the_agenda_logs_and_the_item_leaves(people, make_app, db_path):
    dana = people["Dana Scully"]
    app = make_app()
    async with started(app, SIZE) as pilot:
        await press(pilot, "A", "l")
        assert isinstance(app.screen, FormModal)
        assert "Dana Scully" in screen_text(app)
        await type_text(pilot, "Caught up on the audit")
        await press(pilot, "enter")
        assert isinstance(app.screen, AgendaScreen)
        # From the agenda the popup offers a kind that counts as contact (a note would not clear the item).
        assert ("email", "Caught up on the audit") in events_of(db_path, dana)
        text = screen_text(app)
        assert "Dana Scully" not in text
        assert "Nothing due today" in text
        await press(pilot, "escape")
        assert isinstance(app.screen, MainScreen)


async def test_s_snoozes_the_item_for_the_days_given(people, make_app, db_path, core):
    dana = people["Dana Scully"]
    app = make_app()
    async with started(app, SIZE) as pilot:
        await press(pilot, "A", "s")
        assert isinstance(app.screen, FormModal)
        assert "Snooze keep in touch: Dana Scully" in screen_text(app)
        await press(pilot, "backspace")  # the default is 7
        await type_text(pilot, "10")
        await press(pilot, "enter")
        assert isinstance(app.screen, AgendaScreen)
        assert db_rows(db_path, "SELECT contact_id, item, until FROM agenda_snooze") == [
            (dana, "keep-in-touch", "2026-12-03")
        ]
        assert "Dana Scully" not in screen_text(app)
    assert core.intel.agenda() == []


async def test_snooze_default_is_seven_days_and_escape_writes_nothing(people, make_app, db_path):
    app = make_app()
    async with started(app, SIZE) as pilot:
        await press(pilot, "A", "s", "escape")
        assert isinstance(app.screen, AgendaScreen)
        assert db_rows(db_path, "SELECT COUNT(*) FROM agenda_snooze") == [(0,)]
        assert "Dana Scully" in screen_text(app)
        await press(pilot, "l", "escape")
        assert isinstance(app.screen, AgendaScreen)
        assert events_of(db_path, people["Dana Scully"]) == [("call", "Quick call")]
        await press(pilot, "s", "enter")
        assert db_rows(db_path, "SELECT until FROM agenda_snooze") == [("2026-11-30",)]


async def test_names_to_contact_are_on_the_agenda(people, make_app, core):
    core.intel.introduce_many(people["Ben Okri"], ["Maria Lopez: runs the co-op"])
    app = make_app()
    async with started(app, SIZE) as pilot:
        await press(pilot, "A")
        text = screen_text(app)
        assert "Names to contact (1)" in text
        assert text.index("Keep in touch") < text.index("Names to contact") < text.index("Maria Lopez")


async def test_an_empty_agenda_says_so(core, make_app):
    core.add_contact("Solo Person", level=6, date="2026-11-20")
    app = make_app()
    async with started(app, SIZE) as pilot:
        await press(pilot, "A")
        text = screen_text(app)
        assert "Nothing due today: everyone is in touch." in text
        await press(pilot, "l")  # nothing highlighted: a notice, no popup
        assert isinstance(app.screen, AgendaScreen)
        await press(pilot, "escape")
        assert isinstance(app.screen, MainScreen)


async def test_l_on_a_review_item_holds_the_review_and_it_leaves(people, make_app, db_path, core):
    grace = people["Grace Hopper"]
    core.intel.schedule_review(grace, 90, first="2026-11-20")
    app = make_app()
    async with started(app, SIZE) as pilot:
        await press(pilot, "A")
        assert "Reviews due (1)" in screen_text(app)
        await press(pilot, "down", "down", "down")  # past the keep-in-touch part and the heading
        assert app.screen._current().name == "Grace Hopper"
        await press(pilot, "l")
        assert "Review your relationship with Grace Hopper" in screen_text(app)
        await type_text(pilot, "Great lunches")
        await press(pilot, "ctrl+s")
        assert isinstance(app.screen, AgendaScreen)
        assert "Reviews due" not in screen_text(app)
        assert db_rows(db_path, "SELECT review_due FROM contact WHERE id = ?", grace) == [("2027-02-21",)]


async def test_a_birthday_leaves_the_agenda_once_you_have_logged_the_wishes(people, make_app, db_path, core):
    ben = people["Ben Okri"]
    core.edit_contact(ben, birthday="1959-11-26")
    app = make_app()
    async with started(app, SIZE) as pilot:
        await press(pilot, "A")
        text = screen_text(app)
        assert "Birthdays (1)" in text and "turning 67" in text
        await press(pilot, "end")
        assert app.screen._current().name == "Ben Okri"
        await press(pilot, "l")
        await type_text(pilot, "Happy birthday card")
        await press(pilot, "enter")
        assert "Birthdays" not in screen_text(app)
        # Hidden until the day after the birthday, then back next year.
        assert db_rows(db_path, "SELECT item, until FROM agenda_snooze WHERE contact_id = ?", ben) == [
            ("birthday", "2026-11-27")
        ]
