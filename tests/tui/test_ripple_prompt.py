"""The ripple prompt in the app: after demoting someone who came through another contact, or logging an
interaction with them that went badly, a popup lists who else is touched and adds follow-ups only on y;
the agenda lists the follow-ups and d / x close them."""

from __future__ import annotations

from relterm.tui.modals.log_form import LogForm
from relterm.tui.modals.ripple_prompt import RipplePrompt
from relterm.tui.screens.agenda import AgendaScreen
from relterm.tui.screens.main import MainScreen

from .helpers import db_rows, filter_to, press, screen_text, selected_name, started, type_text

SIZE = (120, 40)
LINE = "Elena Ferrante came through Ben Okri (3 Conversant), who introduced them"


def popup_text(app) -> str:
    assert isinstance(app.screen, RipplePrompt)
    return " ".join(app.screen.question.plain.split())


def follow_ups(db_path):
    return db_rows(db_path, "SELECT w.name, a.name, f.trigger, f.status FROM follow_up f "
                            "JOIN contact w ON w.id = f.contact_id LEFT JOIN contact a ON a.id = f.about_id "
                            "ORDER BY f.id")


def ben(db_path):
    """What a ripple must never change on its own: the referrer's level, cadence, timeline."""
    return (db_rows(db_path, "SELECT l.rank, c.cadence_days, c.updated_at FROM contact c JOIN contact_level l "
                             "ON l.contact_id = c.id AND l.ladder = 'business' WHERE c.name = 'Ben Okri'"),
            db_rows(db_path, "SELECT COUNT(*) FROM event e JOIN contact c ON c.id = e.contact_id "
                             "WHERE c.name = 'Ben Okri'"))


async def demote_elena(pilot, app):
    await filter_to(pilot, "Elena")
    assert selected_name(app) == "Elena Ferrante"
    await press(pilot, "minus")
    await type_text(pilot, "missed two calls")
    await press(pilot, "enter")


async def test_after_a_demotion_the_popup_lists_the_referrer_and_y_adds_a_follow_up(people, make_app, db_path):
    app = make_app()
    before = ben(db_path)
    async with started(app, SIZE) as pilot:
        await demote_elena(pilot, app)
        text = popup_text(app)
        assert "Elena Ferrante was demoted (2 Introduced -> 1 Researched)" in text
        assert LINE in text and "Add a follow-up with Ben Okri to the agenda?" in text
        assert follow_ups(db_path) == []  # nothing until the user says so
        await press(pilot, "enter")  # an enter carried over from the level popup does not say yes
        assert isinstance(app.screen, RipplePrompt) and follow_ups(db_path) == []
        await press(pilot, "y")
        assert isinstance(app.screen, MainScreen)
        assert follow_ups(db_path) == [("Ben Okri", "Elena Ferrante", "demoted", "open")]
        reason = db_rows(db_path, "SELECT reason FROM follow_up")[0][0]
        assert "missed two calls" in reason
    assert ben(db_path) == before


async def test_no_to_the_popup_adds_nothing(people, make_app, db_path):
    app = make_app()
    before = ben(db_path)
    async with started(app, SIZE) as pilot:
        await demote_elena(pilot, app)
        assert isinstance(app.screen, RipplePrompt)
        await press(pilot, "n")
        assert isinstance(app.screen, MainScreen)
    assert follow_ups(db_path) == [] and ben(db_path) == before
    assert db_rows(db_path, "SELECT l.rank FROM contact_level l JOIN contact c ON c.id = l.contact_id "
                            "WHERE c.name = 'Elena Ferrante' AND l.ladder = 'business'") == [(1,)]


async def test_a_log_that_went_badly_is_flagged_and_offers_the_follow_up(people, make_app, db_path):
    app = make_app()
    async with started(app, SIZE) as pilot:
        await filter_to(pilot, "Elena")
        await press(pilot, "l")
        assert isinstance(app.screen, LogForm)
        await type_text(pilot, "Sharp words")
        await press(pilot, "tab")
        await type_text(pilot, "meal")
        await press(pilot, "tab", "tab")  # the date, then the toggle
        assert app.focused.id == "went-badly"
        await press(pilot, "space")
        await press(pilot, "enter")  # saves from the toggle, as from every field
        assert db_rows(db_path, "SELECT kind, summary, went_badly FROM event WHERE summary = 'Sharp words'") == [
            ("meal", "Sharp words", 1)]
        text = popup_text(app)
        assert "The meal with Elena Ferrante went badly" in text and LINE in text
        await press(pilot, "y")
        assert follow_ups(db_path) == [("Ben Okri", "Elena Ferrante", "went-badly", "open")]
        assert "went badly: Sharp words" in screen_text(app)  # on her timeline
        # The same again: the follow-up is open already, so the popup only tells.
        await press(pilot, "l")
        await type_text(pilot, "Worse")
        await press(pilot, "tab", "tab", "tab", "space", "enter")
        assert isinstance(app.screen, RipplePrompt)
        assert "already open" in popup_text(app) and "Add a follow-up" not in popup_text(app)
        await press(pilot, "y")
        assert len(follow_ups(db_path)) == 1


async def test_a_log_that_went_well_or_a_demotion_of_someone_who_came_through_nobody_asks_nothing(
        people, make_app, db_path):
    app = make_app()
    async with started(app, SIZE) as pilot:
        await filter_to(pilot, "Elena")
        await press(pilot, "l")
        await type_text(pilot, "Nice chat")
        await press(pilot, "enter")
        assert isinstance(app.screen, MainScreen)
        await filter_to(pilot, "Chen")
        await press(pilot, "minus")
        await press(pilot, "enter")
        assert isinstance(app.screen, MainScreen)
    assert follow_ups(db_path) == []


async def test_the_agenda_lists_follow_ups_and_d_and_x_close_them(people, make_app, core, db_path):
    ids = people
    core.intel.add_follow_up(ids["Ben Okri"], about=ids["Elena Ferrante"], reason="Check Ben is fine")
    core.intel.add_follow_up(ids["Ada Lovelace"], reason="Thank her")
    app = make_app()
    async with started(app, SIZE) as pilot:
        await press(pilot, "A")
        assert isinstance(app.screen, AgendaScreen)
        text = screen_text(app)
        assert "Follow-ups (2)" in text
        line = next(line for line in text.splitlines() if "Ben Okri" in line)
        assert "about Elena Ferrante: Check Ben is fine" in line
        # Keep in touch (Dana) comes first; move down to the follow-ups.
        await press(pilot, "end")
        assert app.screen._current_follow_up().name == "Ada Lovelace"
        await press(pilot, "x")
        assert app.screen._current_follow_up().name == "Ben Okri"  # the one left, highlighted
        await press(pilot, "d")
        assert sorted(db_rows(db_path, "SELECT contact_id, status, closed_on FROM follow_up")) == [
            (ids["Ada Lovelace"], "dismissed", "2026-11-23"), (ids["Ben Okri"], "done", "2026-11-23")]
        assert "Follow-ups" not in screen_text(app)


async def test_names_in_the_popup_are_plain_text_never_markup(core, make_app, db_path):
    tom = core.add_contact("[bold red]Tom[/] [@click=app.quit]x[/]", level=4)
    [sam] = core.intel.introduce_many(tom, ["Sam [link=e.vil]"])
    core.change_level(sam.contact_id, to=4)
    app = make_app()
    async with started(app, SIZE) as pilot:
        await filter_to(pilot, "Sam")
        await press(pilot, "minus", "enter")
        text = popup_text(app)
        assert "Sam [link=e.vil] came through [bold red]Tom[/] [@click=app.quit]x[/] (4 Met)" in text
        assert "[bold red]Tom[/]" in screen_text(app)  # shown as typed, not as style
        await press(pilot, "n")
        assert isinstance(app.screen, MainScreen)
