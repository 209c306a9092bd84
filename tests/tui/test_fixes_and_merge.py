"""Pilot tests for fixing mistakes and merging duplicates in the app: a second contact of a name asks
first, the edit form edits every field, timeline entries are edited, deleted and undone, and two marked
contacts merge (and unmerge). Keys as a user presses them; the database is checked after each."""

from __future__ import annotations

from relterm.tui.modals.confirm import Confirm
from relterm.tui.modals.contact_form import ContactForm
from relterm.tui.modals.merge_form import DuplicatesList, MergePreview

from .helpers import db_rows, notifications, press, screen_text, shown_names, started, timeline_text, type_text

SMALL = (80, 24)


def _names(db_path, name):
    return db_rows(db_path, "SELECT id FROM contact WHERE name = ? AND archived_at IS NULL", name)


# A second contact of a name -----------------------------------------------------------------


async def test_adding_a_name_that_exists_asks_naming_them_and_no_returns_to_the_form(people, make_app, db_path):
    app = make_app()
    async with started(app, SMALL) as pilot:
        await press(pilot, "a")
        await type_text(pilot, "ada lovelace")
        await press(pilot, "tab", "tab", "tab")
        await type_text(pilot, "Typed Co")
        await press(pilot, "enter")
        assert isinstance(app.screen, Confirm)
        text = screen_text(app)
        assert "Ada Lovelace already exists (Analytical Engines, 5" in text
        assert "Add a second ada lovelace?" in text
        await press(pilot, "enter")  # enter alone does not add a duplicate
        assert isinstance(app.screen, Confirm)
        await press(pilot, "n")
        assert isinstance(app.screen, ContactForm)
        assert app.screen.query_one("#name").value == "ada lovelace"
        assert app.screen.query_one("#company").value == "Typed Co"
        await press(pilot, "escape")
        assert len(db_rows(db_path, "SELECT id FROM contact WHERE name LIKE 'ada lovelace'")) == 1
        assert "already exists" not in notifications(app)  # asked, not reported as a failure


async def test_adding_a_name_that_exists_and_saying_yes_adds_a_second(people, make_app, db_path):
    app = make_app()
    async with started(app, SMALL) as pilot:
        await press(pilot, "a")
        await type_text(pilot, "Grace Hopper")
        await press(pilot, "enter", "y")
        assert not isinstance(app.screen, (Confirm, ContactForm))
        assert len(_names(db_path, "Grace Hopper")) == 2
        assert "Added Grace Hopper" in notifications(app)


async def test_a_new_name_is_added_without_a_question(people, make_app, db_path):
    app = make_app()
    async with started(app, SMALL) as pilot:
        await press(pilot, "a")
        await type_text(pilot, "Hedy Lamarr")
        await press(pilot, "enter")
        assert not isinstance(app.screen, Confirm)
        assert len(_names(db_path, "Hedy Lamarr")) == 1


# The edit form -----------------------------------------------------------------------------


async def _focus_field(pilot, field_id: str) -> None:
    app = pilot.app
    for _ in range(20):
        if app.focused is not None and app.focused.id == field_id:
            return
        await press(pilot, "tab")
    raise AssertionError(f"no field {field_id}")


async def test_edit_writes_every_new_field_at_80x24(people, make_app, core):
    app = make_app()
    ada = core.resolve("Ada Lovelace")
    async with started(app, SMALL) as pilot:
        await press(pilot, "e")
        assert isinstance(app.screen, ContactForm)
        for field_id, text in (("title", "Countess"), ("phone", "+44 20 7946 0001"), ("tags", "math, poetry"),
                               ("birthday", "10 Dec 1985"), ("cadence", "45"), ("review-every", "90")):
            await _focus_field(pilot, field_id)
            await type_text(pilot, text)
            assert app.screen.query_one(f"#{field_id}").region.height == 1  # scrolled into view
        await _focus_field(pilot, "notes")
        await type_text(pilot, "First line")
        await press(pilot, "enter")  # a new line in the notes, not a save
        assert isinstance(app.screen, ContactForm)
        await type_text(pilot, "Second line")
        await press(pilot, "ctrl+s")
        assert not isinstance(app.screen, ContactForm), str(app.screen.query_one("#form-errors").render())
    card = core.card(ada)
    assert (card.title, card.phone, card.tags) == ("Countess", "+44 20 7946 0001", ("math", "poetry"))
    assert card.birthday == "1985-12-10"
    assert card.cadence_days == 45 and card.review_every_days == 90 and card.review_due is not None
    assert card.notes == "First line\nSecond line"
    assert card.company == "Analytical Engines" and card.email == "ada@engines.example"  # untouched


async def test_edit_with_a_bad_birthday_shows_it_in_the_form_and_keeps_what_was_typed(people, make_app, core):
    app = make_app()
    ada = core.resolve("Ada Lovelace")
    async with started(app, SMALL) as pilot:
        await press(pilot, "e")
        await _focus_field(pilot, "title")
        await type_text(pilot, "Countess")
        await _focus_field(pilot, "birthday")
        await type_text(pilot, "2099-01-01")
        await _focus_field(pilot, "cadence")
        await type_text(pilot, "99999")
        await press(pilot, "ctrl+s")
        assert isinstance(app.screen, ContactForm)
        assert "birthday" in str(app.screen.query_one("#form-errors").render())
        assert app.screen.query_one("#title").value == "Countess"
        assert app.screen.query_one("#birthday").value == "2099-01-01"
        await _focus_field(pilot, "birthday")
        await type_text(pilot, "--12-10")
        await press(pilot, "ctrl+s")
        assert isinstance(app.screen, ContactForm)  # the core refuses the cadence next, in the form
        assert "cadence" in str(app.screen.query_one("#form-errors").render())
        await _focus_field(pilot, "cadence")
        await type_text(pilot, "none")
        await press(pilot, "ctrl+s")
        assert not isinstance(app.screen, ContactForm)
    card = core.card(ada)
    assert (card.title, card.birthday, card.cadence_days) == ("Countess", "--12-10", 0)


async def test_edit_shows_a_huge_note_read_only_and_opens_fast(people, make_app, core):
    ada = core.resolve("Ada Lovelace")
    core.edit_contact(ada, notes="n" * 10_000_000)
    app = make_app()
    async with started(app, SMALL) as pilot:
        await press(pilot, "e")
        assert isinstance(app.screen, ContactForm)
        assert not app.screen.query("#notes")
        shown = str(app.screen.query_one("#notes-shown").render())
        assert "too long to edit here" in shown and "relterm edit 'Ada Lovelace' --notes-file FILE" in shown
        await _focus_field(pilot, "title")
        await type_text(pilot, "Countess")
        await press(pilot, "enter")
    card = core.card(ada)
    assert card.title == "Countess" and len(card.notes) == 10_000_000


# Merging -----------------------------------------------------------------------------------


async def test_mark_two_merge_and_undo(people, make_app, core, db_path):
    ada, dana = core.resolve("Ada Lovelace"), core.resolve("Dana Scully")
    app = make_app()
    async with started(app, SMALL) as pilot:
        await press(pilot, "m")  # Ada, kept
        assert "*Ada Lovelace" in screen_text(app)
        await press(pilot, "j", "j", "j", "m")  # Dana
        assert "*Dana Scully" in screen_text(app)
        await press(pilot, "J")
        assert isinstance(app.screen, MergePreview)
        text = screen_text(app)
        assert "Merge Dana Scully (id" in text and "into Ada Lovelace" in text
        assert "business     5 Regular (stays)" in text  # every ladder: the higher rank
        assert "customer     2" in text and "Dana Scully's level" in text
        await press(pilot, "y")
        assert not isinstance(app.screen, MergePreview)
        assert db_rows(db_path, "SELECT archived_at IS NOT NULL FROM contact WHERE id = ?", dana) == [(1,)]
        assert core.card(ada).ranks == {"business": 5, "customer": 2}
        assert "Dana Scully" not in shown_names(app)
        assert "merged with Dana Scully" in timeline_text(app)
        assert "*Ada" not in screen_text(app)  # the marks are cleared
        said = notifications(app)
        assert "Merged Dana Scully into Ada Lovelace" in said and "U undoes" in said
        await press(pilot, "U")
        assert isinstance(app.screen, Confirm)
        await press(pilot, "y")
        assert db_rows(db_path, "SELECT archived_at IS NULL FROM contact WHERE id = ?", dana) == [(1,)]
        assert core.card(ada).ranks == {"business": 5}
        assert "Dana Scully" in shown_names(app)
        await press(pilot, "U")
        assert "No merge to undo" in notifications(app)


async def test_merge_needs_two_marks_and_s_keeps_the_other(people, make_app, core):
    ada, ben = core.resolve("Ada Lovelace"), core.resolve("Ben Okri")
    app = make_app()
    async with started(app, SMALL) as pilot:
        await press(pilot, "m", "J")
        assert "Mark two contacts with m first (1 marked)" in notifications(app)
        await press(pilot, "j", "m", "J", "s")
        assert isinstance(app.screen, MergePreview)
        assert "Merge Ada Lovelace (id" in screen_text(app)
        await press(pilot, "y")
    assert core.card(ben).archived_at is None
    assert core.card(ada).archived_at is not None


async def test_find_duplicates_lists_pairs_and_opens_one_in_the_preview(people, make_app, core):
    twin = core.add_contact("Ada Lovelace", email="ada@engines.example")
    app = make_app()
    async with started(app, SMALL) as pilot:
        await press(pilot, "D")
        assert isinstance(app.screen, DuplicatesList)
        text = screen_text(app)
        assert "Ada Lovelace" in text and "same email ada@engines.example" in text
        await press(pilot, "enter")
        assert isinstance(app.screen, MergePreview)
        await press(pilot, "escape")  # back to the list
        assert isinstance(app.screen, DuplicatesList)
        await press(pilot, "enter", "y")
        assert not isinstance(app.screen, (DuplicatesList, MergePreview))
    assert core.card(twin).archived_at is not None


async def test_many_duplicates_show_the_strongest_and_say_how_many_more(people, make_app, core, monkeypatch):
    """A large list can have thousands of likely pairs: the popup lists the strongest (a shared email or
    phone first) and says how many there are and where to see them all."""
    monkeypatch.setattr(DuplicatesList, "SHOWN", 2)
    core.add_contact("Ada Lovelace", email="ada@engines.example")
    core.add_contact("Grace Hopper")
    core.add_contact("Ben Okri")
    app = make_app()
    async with started(app, (120, 40)) as pilot:
        await press(pilot, "D")
        assert isinstance(app.screen, DuplicatesList)
        text = screen_text(app)
        assert "3 likely duplicates" in text
        assert "The 2 strongest of 3 are shown" in text and "relterm duplicates" in text
        assert "same email ada@engines.example" in text  # the strongest first
        assert len(app.screen.query_one("#duplicates").options) == 2
        await press(pilot, "escape")
        assert app.screen is app.main_screen


# Fixing timeline entries ---------------------------------------------------------------------


async def _to_timeline_entry(pilot, down: int) -> None:
    from relterm.tui.widgets.timeline import Timeline

    await press(pilot, "tab", "tab", "tab")
    assert isinstance(pilot.app.focused, Timeline)
    await press(pilot, *(["j"] * down))


async def test_delete_a_timeline_entry_after_confirmation_then_undo(people, make_app, core, db_path):
    ada = core.resolve("Ada Lovelace")
    app = make_app()
    async with started(app, SMALL) as pilot:
        await _to_timeline_entry(pilot, 1)  # 2026-10-20 email
        assert "e Edit entry" in screen_text(app)  # the footer shows the timeline's keys
        await press(pilot, "d")
        assert isinstance(app.screen, Confirm)
        assert "2026-10-20 email: Sent the notes" in screen_text(app)
        await press(pilot, "y")
        assert db_rows(db_path, "SELECT COUNT(*) FROM event WHERE summary = 'Sent the notes'") == [(0,)]
        assert "Sent the notes" not in timeline_text(app)
        assert "u on the timeline brings it back" in notifications(app)
        await press(pilot, "u")
        assert db_rows(db_path, "SELECT date FROM event WHERE summary = 'Sent the notes' AND contact_id = ?",
                       ada) == [("2026-10-20",)]
        assert "Sent the notes" in timeline_text(app)
        assert "Restored Ada Lovelace's entry" in notifications(app)


async def test_redate_an_entry_and_a_refused_delete_of_the_first_level_change(people, make_app, core, db_path):
    ada = core.resolve("Ada Lovelace")
    app = make_app()
    async with started(app, SMALL) as pilot:
        await _to_timeline_entry(pilot, 0)  # 2026-11-02 coffee
        await press(pilot, "e")
        await press(pilot, "ctrl+u")
        await type_text(pilot, "2026-09-05")
        await press(pilot, "enter")
        assert db_rows(db_path, "SELECT date FROM event WHERE summary = 'Talked about engines'") == [("2026-09-05",)]
        assert core.card(ada).last_interaction.isoformat() == "2026-10-20"  # the card follows
        assert "2026-09-05  coffee" in timeline_text(app)
        assert "u on the timeline undoes it" in notifications(app)
        await press(pilot, "G", "d", "y")  # the entry that placed her on the ladder
        assert "cannot delete entry" in notifications(app)
        assert core.card(ada).ranks["business"] == 5
        before = db_rows(db_path, "SELECT COUNT(*) FROM event WHERE contact_id = ?", ada)
        await press(pilot, "u")  # undoes the re-dating, the last fix
        assert db_rows(db_path, "SELECT date FROM event WHERE summary = 'Talked about engines'") == [("2026-11-02",)]
        assert db_rows(db_path, "SELECT COUNT(*) FROM event WHERE contact_id = ?", ada) == before
