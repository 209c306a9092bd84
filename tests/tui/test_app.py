"""Pilot tests: press the keys a user presses, then check the screen and the database."""

from __future__ import annotations

import datetime as dt

from relterm.tui.modals.base import FormModal
from relterm.tui.modals.confirm import Confirm
from relterm.tui.screens.help import HelpScreen
from relterm.tui.screens.main import MainScreen
from relterm.tui.widgets.contact_list import ContactList
from relterm.tui.widgets.pyramid import Pyramid

from .helpers import db_rows, notifications, press, screen_text, settle, shown_names, started, timeline_text, type_text

SIZE = (120, 40)


def main_screen(app) -> MainScreen:
    screen = app.main_screen
    assert screen is not None
    return screen


def contact_list(app) -> ContactList:
    return main_screen(app).query_one(ContactList)


def pyramid_counts(app) -> dict[int, int]:
    return main_screen(app).query_one(Pyramid).counts


def event_count(db_path) -> int:
    return db_rows(db_path, "SELECT COUNT(*) FROM event")[0][0]


# Start ------------------------------------------------------------------------------


async def test_starts_with_the_list_focused_and_the_first_contact_on_the_card(people, make_app):
    app = make_app()
    async with started(app, SIZE):
        assert isinstance(app.focused, ContactList)
        assert contact_list(app).selected.name == "Ada Lovelace"
        text = screen_text(app)
        assert "Ada Lovelace" in text and "Grace Hopper" in text
        assert "Analytical Engines" in text  # company column and card
        assert "ada@engines.example" in text  # card
        assert "Talked about engines" in text  # timeline, newest first
        assert text.index("Talked about engines") < text.index("Sent the notes")
        assert "6 Friend" in text and "0 Cold" in text  # pyramid rungs
        # next keep-in-touch: last interaction 2026-11-02 + 30 days (Regular's cadence)
        assert "2026-12-02" in text


async def test_j_k_g_G_move_the_cursor_and_the_card_follows(people, make_app):
    app = make_app()
    async with started(app, SIZE) as pilot:
        await press(pilot, "j")
        assert contact_list(app).selected.name == "Ben Okri"
        assert "Famished Road Ltd" in main_screen(app).card.company
        await press(pilot, "G")
        assert contact_list(app).selected.name == "Grace Hopper"
        assert "Lunch by the harbour" in screen_text(app)
        await press(pilot, "k")
        assert contact_list(app).selected.name == "Farid Haddad"
        await press(pilot, "g")
        assert contact_list(app).selected.name == "Ada Lovelace"
        await press(pilot, "end")
        assert contact_list(app).selected.name == "Grace Hopper"


async def test_tab_moves_between_regions_with_visible_focus(people, make_app):
    app = make_app()
    async with started(app, SIZE) as pilot:
        seen = []
        for _ in range(4):
            await press(pilot, "tab")
            seen.append(app.focused.id)
        assert seen == ["pyramid", "card", "timeline", "filter"]
        await press(pilot, "shift+tab")
        assert app.focused.id == "timeline"


# Filtering -----------------------------------------------------------------------------


async def test_slash_filters_as_you_type_and_escape_clears(people, make_app):
    app = make_app()
    async with started(app, SIZE) as pilot:
        await press(pilot, "slash")
        assert app.focused.id == "filter"
        await type_text(pilot, "books")  # a tag
        assert shown_names(app) == ["Ben Okri", "Elena Ferrante"]
        await type_text(pilot, " europa")  # and a company
        assert shown_names(app) == ["Elena Ferrante"]
        assert contact_list(app).selected.name == "Elena Ferrante"
        text = screen_text(app)
        assert "Ada Lovelace" not in text
        await press(pilot, "escape")
        assert len(shown_names(app)) == 7
        assert isinstance(app.focused, ContactList)
        # the cursor stays on the contact that was selected
        assert contact_list(app).selected.name == "Elena Ferrante"


async def test_digit_filters_to_a_rung_and_pyramid_enter_does_too(people, make_app):
    app = make_app()
    async with started(app, SIZE) as pilot:
        await press(pilot, "4")
        assert shown_names(app) == ["Dana Scully"]
        assert "Contacts 1 of 7 · rung 4" in screen_text(app)
        await press(pilot, "4")  # again: everyone
        assert len(shown_names(app)) == 7
        await press(pilot, "tab")  # the pyramid
        assert app.focused.id == "pyramid"
        await press(pilot, "g")  # the top rung (drawn at the top)
        await press(pilot, "enter")
        assert shown_names(app) == ["Grace Hopper"]
        await press(pilot, "down", "enter")  # rung 5
        assert shown_names(app) == ["Ada Lovelace"]
        await press(pilot, "escape")
        assert len(shown_names(app)) == 7


async def test_digits_type_into_the_filter_not_jump(people, make_app):
    app = make_app()
    async with started(app, SIZE) as pilot:
        await press(pilot, "slash")
        await type_text(pilot, "4")
        assert main_screen(app).store.rank is None
        assert shown_names(app) == []
        assert "No contacts match" in screen_text(app)


async def test_a_new_user_with_no_contacts_is_told_how_to_start(make_app):
    app = make_app()
    async with started(app, SIZE):
        text = screen_text(app)
        assert "No contacts yet" in text and "relterm demo" in text
        assert "No contacts match" not in text


# Quick add ---------------------------------------------------------------------------------


async def test_add_contact_through_the_popup_with_defaults(people, make_app, core, db_path):
    app = make_app()
    async with started(app, SIZE) as pilot:
        await press(pilot, "a")
        assert isinstance(app.screen, FormModal)
        assert app.focused.id == "name"
        await type_text(pilot, "Zoe Quinn")
        await press(pilot, "tab", "tab", "tab")  # level, sphere, company
        await type_text(pilot, "Quinn Games")
        await press(pilot, "enter")
        assert not isinstance(app.screen, FormModal)
        rows = db_rows(db_path, "SELECT id, sphere, company FROM contact WHERE name = 'Zoe Quinn'")
        assert len(rows) == 1
        cid, sphere, company = rows[0]
        assert (sphere, company) == (core.config.sphere_default, "Quinn Games")
        rank = db_rows(db_path, "SELECT rank FROM contact_level WHERE contact_id = ? AND ladder = 'business'", cid)
        assert rank == [(core.config.ladder.default_rank,)]
        # selected afterwards, on the card, and counted on the pyramid
        assert contact_list(app).selected.name == "Zoe Quinn"
        assert "Quinn Games" in screen_text(app)
        assert pyramid_counts(app)[core.config.ladder.default_rank] == 2


async def test_add_contact_with_level_sphere_and_introducer_completion(people, make_app, core, db_path):
    app = make_app()
    async with started(app, SIZE) as pilot:
        await press(pilot, "a")
        await type_text(pilot, "Yusuf Demir")
        await press(pilot, "tab")
        await type_text(pilot, "3")
        await press(pilot, "tab")
        await type_text(pilot, "friends")
        await press(pilot, "tab", "tab", "tab")  # company, email, introduced by
        await type_text(pilot, "grace h")
        await press(pilot, "right")  # accept the completion
        await press(pilot, "enter")
        cid = core.resolve("Yusuf Demir")
        card = core.card(cid)
        assert card.ranks["business"] == 3
        assert card.sphere == "friends"
        assert card.introduced_by == "Grace Hopper"


async def test_add_contact_without_a_name_shows_the_problem_and_keeps_the_popup(people, make_app, db_path):
    app = make_app()
    async with started(app, SIZE) as pilot:
        before = db_rows(db_path, "SELECT COUNT(*) FROM contact")
        await press(pilot, "a", "tab")
        await type_text(pilot, "99")  # not a level either
        await press(pilot, "enter")
        assert isinstance(app.screen, FormModal)
        text = screen_text(app)
        assert "a contact needs a name" in text
        assert 'no level "99"' in text
        assert db_rows(db_path, "SELECT COUNT(*) FROM contact") == before


# Logging -------------------------------------------------------------------------------------


async def test_log_interaction_yesterday_with_last_kind_remembered(people, make_app, db_path):
    app = make_app()
    async with started(app, SIZE) as pilot:
        await press(pilot, "j")  # Ben Okri
        await press(pilot, "l")
        assert app.focused.id == "note"
        await type_text(pilot, "Coffee at the book fair")
        await press(pilot, "tab")
        await type_text(pilot, "coffee")
        await press(pilot, "tab")
        await type_text(pilot, "yesterday")
        await press(pilot, "enter")
        rows = db_rows(db_path, "SELECT e.date, e.kind, e.summary FROM event e JOIN contact c ON c.id = e.contact_id "
                                "WHERE c.name = 'Ben Okri' AND e.kind != 'level-change' AND e.date > '2026-11-15'")
        assert rows == [("2026-11-22", "coffee", "Coffee at the book fair")]
        assert db_rows(db_path, "SELECT last_interaction FROM contact WHERE name = 'Ben Okri'") == [("2026-11-22",)]
        await press(pilot, "escape")  # a coffee is in person: the names popup opened after it; skipped
        text = screen_text(app)
        assert "2026-11-22" in text and "Coffee at the book fair" in text
        # the next log starts with the kind used last
        await press(pilot, "l")
        assert app.screen.query_one("#kind").value == "coffee"
        assert app.screen.query_one("#date").value == "today"
        await press(pilot, "escape")


async def test_log_with_a_bad_date_keeps_the_popup_and_writes_nothing(people, make_app, db_path):
    app = make_app()
    async with started(app, SIZE) as pilot:
        before = event_count(db_path)
        await press(pilot, "l")
        await type_text(pilot, "note")
        await press(pilot, "tab", "tab")
        await type_text(pilot, "the day after never")
        await press(pilot, "enter")
        assert isinstance(app.screen, FormModal)
        assert "cannot read" in screen_text(app)
        assert event_count(db_path) == before


# Promotion -----------------------------------------------------------------------------------


async def test_promote_and_demote_with_reasons_update_list_pyramid_and_timeline(people, make_app, core, db_path):
    app = make_app()
    async with started(app, SIZE) as pilot:
        await press(pilot, "j", "j")  # Chen Wei, rank 1
        assert contact_list(app).selected.name == "Chen Wei"
        counts = pyramid_counts(app)
        assert (counts[1], counts[2]) == (1, 1)
        await press(pilot, "plus")
        text = screen_text(app)
        assert "1 Researched -> 2 Introduced" in text
        assert "Someone you both know connected you" in text  # the target level's description
        await type_text(pilot, "met through Ben")
        await press(pilot, "enter")
        assert core.card(core.resolve("Chen Wei")).ranks["business"] == 2
        counts = pyramid_counts(app)
        assert (counts[1], counts[2]) == (0, 2)
        assert contact_list(app).selected.rank == 2
        assert "promoted 1 Researched -> 2 Introduced: met through Ben" in timeline_text(app)

        await press(pilot, "minus")
        assert "2 Introduced -> 1 Researched" in screen_text(app)
        await type_text(pilot, "went quiet")
        await press(pilot, "enter")
        counts = pyramid_counts(app)
        assert (counts[1], counts[2]) == (1, 1)
        reasons = db_rows(db_path, "SELECT from_rank, to_rank, reason FROM event e JOIN contact c ON c.id = e.contact_id "
                                   "WHERE c.name = 'Chen Wei' AND e.kind = 'level-change' ORDER BY e.id")
        assert reasons[-2:] == [(1, 2, "met through Ben"), (2, 1, "went quiet")]
        assert "demoted 2 Introduced -> 1 Researched: went quiet" in timeline_text(app)


async def test_promote_with_an_empty_reason(people, make_app, core):
    app = make_app()
    async with started(app, SIZE) as pilot:
        await press(pilot, "plus", "enter")  # Ada: 5 -> 6
        assert core.card(core.resolve("Ada Lovelace")).ranks["business"] == 6


async def test_promote_at_the_top_says_so_and_writes_nothing(people, make_app, db_path):
    app = make_app()
    async with started(app, SIZE) as pilot:
        before = event_count(db_path)
        await press(pilot, "G", "plus")  # Grace Hopper is on the top rung
        assert not isinstance(app.screen, FormModal)
        assert "top rung" in notifications(app)
        assert event_count(db_path) == before


async def test_p_moves_to_any_rung(people, make_app, core):
    app = make_app()
    async with started(app, SIZE) as pilot:
        await press(pilot, "p")  # Ada, on 5; the list starts at her rung
        await press(pilot, "down", "down", "down")  # 4, 3, 2
        await press(pilot, "enter")  # pick, then the reason
        await type_text(pilot, "lost touch")
        await press(pilot, "enter")
        assert core.card(core.resolve("Ada Lovelace")).ranks["business"] == 2
        assert pyramid_counts(app)[2] == 2


# Edit, archive, undo -------------------------------------------------------------------------------


async def test_edit_changes_fields_and_level(people, make_app, core):
    app = make_app()
    async with started(app, SIZE) as pilot:
        await press(pilot, "e")
        assert app.screen.query_one("#name").value == "Ada Lovelace"
        await press(pilot, "tab", "tab", "tab")  # company (selects all on focus)
        await type_text(pilot, "Difference Engines")
        await press(pilot, "enter")
        card = core.card(core.resolve("Ada Lovelace"))
        assert card.company == "Difference Engines"
        assert card.ranks["business"] == 5
        assert "Difference Engines" in screen_text(app)


async def test_archive_after_confirmation_and_undo(people, make_app, db_path):
    app = make_app()
    async with started(app, SIZE) as pilot:
        await press(pilot, "j")  # Ben Okri
        await press(pilot, "d")
        assert isinstance(app.screen, Confirm)
        await press(pilot, "y")
        assert db_rows(db_path, "SELECT archived_at IS NOT NULL FROM contact WHERE name = 'Ben Okri'") == [(1,)]
        assert "Ben Okri" not in shown_names(app)
        assert pyramid_counts(app)[3] == 0
        assert "Press u to undo" in notifications(app)
        await press(pilot, "u")
        assert db_rows(db_path, "SELECT archived_at IS NULL FROM contact WHERE name = 'Ben Okri'") == [(1,)]
        assert "Ben Okri" in shown_names(app)
        assert contact_list(app).selected.name == "Ben Okri"
        assert pyramid_counts(app)[3] == 1
        await press(pilot, "u")
        assert "Nothing to undo" in notifications(app)


async def test_escape_cancels_every_popup_and_writes_nothing(people, make_app, db_path):
    app = make_app()
    async with started(app, SIZE) as pilot:

        def snapshot():
            return (
                db_rows(db_path, "SELECT * FROM contact ORDER BY id"),
                db_rows(db_path, "SELECT * FROM contact_level ORDER BY id"),
                db_rows(db_path, "SELECT * FROM event ORDER BY id"),
            )

        before = snapshot()
        for key in ("a", "l", "plus", "minus", "p", "e"):
            await press(pilot, key)
            assert isinstance(app.screen, FormModal), key
            await type_text(pilot, "xyz")
            await press(pilot, "escape")
            assert app.screen is main_screen(app), key
        await press(pilot, "d")
        assert isinstance(app.screen, Confirm)
        await press(pilot, "escape")
        assert app.screen is main_screen(app)
        await press(pilot, "question_mark")
        assert isinstance(app.screen, HelpScreen)
        await press(pilot, "escape")
        assert app.screen is main_screen(app)
        assert snapshot() == before


# Safety --------------------------------------------------------------------------------------------


async def test_markup_in_names_and_notes_is_shown_literally(core, make_app):
    first = core.add_contact("[bold]x[/]", company="[red]Evil Corp[/red]")
    core.add_contact("[@click=app.quit]y")
    core.log(first, "note", "[link=https://example.com]click[/link] me")
    app = make_app()
    async with started(app, SIZE) as pilot:
        text = screen_text(app)
        assert "[bold]x[/]" in text
        assert "[@click=app.quit]y" in text
        await press(pilot, "j")  # "[bold]x[/]" sorts after "[@click..."
        text = screen_text(app)
        assert "[red]Evil Corp[/red]" in text
        assert "[link=https://example.com]click[/link] me" in timeline_text(app)
        # clicking the name must not run the action written in it
        await pilot.click(ContactList, offset=(3, 1))
        await settle(pilot)
        assert app.is_running


async def test_q_quits_but_asks_when_a_popup_holds_input(people, make_app):
    app = make_app()
    async with started(app, SIZE) as pilot:
        await press(pilot, "a")
        await type_text(pilot, "Half typed")
        await press(pilot, "ctrl+q")
        assert isinstance(app.screen, Confirm)
        await press(pilot, "n")
        assert isinstance(app.screen, FormModal)
        assert app.screen.query_one("#name").value == "Half typed"
        await press(pilot, "escape")
        await press(pilot, "q")
        assert app.return_code == 0 or not app.is_running


async def test_help_lists_every_key(people, make_app):
    app = make_app()
    async with started(app, SIZE) as pilot:
        await press(pilot, "question_mark")
        text = screen_text(app)
        for _ in range(20):  # scroll down through the whole help, as a reader would
            await pilot.press("j", "j", "j", "j", "j")
            await settle(pilot)
            text += screen_text(app)
        for fragment in ("Add:", "Log:", "Promote:", "Demote:", "Move to rung:", "Edit:", "Archive:", "Undo",
                         "Filter:", "Switch ladder", "Reload", "ctrl+p", "0 ... 9"):
            assert fragment in text, fragment


async def test_palette_lists_and_runs_the_actions(people, make_app):
    app = make_app()
    async with started(app, SIZE) as pilot:
        titles = [command.title for command in app.get_system_commands(main_screen(app))]
        for wanted in ("Add (a)", "Log (l)", "Promote (+)", "Demote (-)", "Move to rung (p)", "Edit (e)",
                       "Archive (d)", "Undo archive (u)", "Filter (/)", "Switch ladder (L)", "Reload (r)",
                       "Help (?)", "Quit (q)"):
            assert wanted in titles, wanted
        await press(pilot, "ctrl+p")
        await type_text(pilot, "Add (a)")
        await press(pilot, "enter")
        await settle(pilot)
        assert isinstance(app.screen, FormModal)
        assert app.focused.id == "name"


# Ladders and reloading ------------------------------------------------------------------------------


async def test_L_switches_to_the_customer_pyramid(people, make_app):
    app = make_app()
    async with started(app, SIZE) as pilot:
        await press(pilot, "L")
        text = screen_text(app)
        assert "Customer pyramid" in text
        assert "2 Committed  1" in text
        assert "not on this ladder: 6" in text
        await press(pilot, "2")
        assert shown_names(app) == ["Dana Scully"]
        await press(pilot, "plus", "enter")
        assert "3 Evangelist  1" in screen_text(app)


async def test_r_shows_changes_made_by_the_cli(people, make_app, fresh_core):
    app = make_app()
    async with started(app, SIZE) as pilot:
        fresh_core.add_contact("Written Elsewhere")
        await press(pilot, "r")
        assert "Written Elsewhere" in shown_names(app)


async def test_changes_from_another_process_show_without_a_key(people, make_app, db_path):
    import subprocess
    import sys

    app = make_app(watch_database=True)
    async with started(app, SIZE) as pilot:
        subprocess.run([sys.executable, "-m", "relterm", "--db", str(db_path), "add", "From The Shell"], check=True,
                       capture_output=True, timeout=60)
        for _ in range(60):
            await pilot.pause(0.1)
            await settle(pilot)
            if "From The Shell" in shown_names(app):
                break
        assert "From The Shell" in shown_names(app)


async def test_a_failing_write_becomes_a_notification_and_the_app_keeps_running(people, make_app, db_path, core):
    app = make_app()
    async with started(app, SIZE) as pilot:
        # Someone archives Ada elsewhere and removes her ladder row; promoting now fails inside the core.
        core.db.execute_sql("DELETE FROM contact WHERE name = 'Ada Lovelace'")
        await press(pilot, "plus", "enter")
        assert app.is_running
        assert "no contact with id" in notifications(app)


async def test_today_is_used_for_keep_in_touch(people, make_app):
    app = make_app()
    async with started(app, SIZE) as pilot:
        await press(pilot, "j", "j", "j")  # Dana: last call 2026-08-01, Met every 45 days
        assert contact_list(app).selected.name == "Dana Scully"
        due = dt.date(2026, 8, 1) + dt.timedelta(days=45)
        assert f"{due.isoformat()} ({(dt.date(2026, 11, 23) - due).days}d overdue" in screen_text(app)


async def test_enter_takes_the_completion_the_field_shows(people, make_app, core):
    app = make_app()
    async with started(app, SIZE) as pilot:
        await press(pilot, "a")
        await type_text(pilot, "Ines Duarte")
        await press(pilot, "tab")
        await type_text(pilot, "Conv")  # level name begun
        await press(pilot, "tab")
        await type_text(pilot, "fri")  # sphere begun
        await press(pilot, "tab", "tab", "tab")
        await type_text(pilot, "ada")  # only Ada Lovelace begins so
        await press(pilot, "enter")
        card = core.card(core.resolve("Ines Duarte"))
        assert (card.ranks["business"], card.sphere, card.introduced_by) == (3, "friends", "Ada Lovelace")
        await press(pilot, "l")
        await type_text(pilot, "lunch")
        await press(pilot, "tab")
        await type_text(pilot, "mea")
        await press(pilot, "enter")
        assert [e.kind for e in core.timeline(card.id) if not e.is_level_change] == ["meal"]


async def test_keys_typed_ahead_do_not_open_a_second_popup(people, make_app):
    app = make_app()
    async with started(app, SIZE) as pilot:
        await pilot.press("p", "l", "a")  # in one burst, before the first popup is up
        await settle(pilot)
        assert len([s for s in app.screen_stack if isinstance(s, FormModal)]) == 1
        await press(pilot, "escape")
        assert app.screen is main_screen(app)
