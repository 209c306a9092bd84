"""Health and suggestion markers in the list, the urgency sort, and the evidence in the promote popup.

The fixed people (tests/tui/conftest.py) are stored today (2026-11-23), with
interactions in the past. Keep-in-touch cadences of the business ladder:
rung 1 every 180 days, 2 every 90, 3 every 60, 4 every 45, 5 every 30, 6
every 21, 0 none; the clock starts at the last interaction, or when added.
"""

from __future__ import annotations

from relterm.tui.modals.level_form import LevelForm
from relterm.tui.themes import load_themes
from relterm.tui.widgets.contact_list import ContactList

from .helpers import db_rows, filter_to, press, screen_text, settle, shown_names, started, type_text

SIZE = (120, 40)


def list_line(app, name: str) -> str:
    for line in screen_text(app).splitlines():
        if f" {name} " in line:
            return line
    raise AssertionError(f"{name} is not on the screen")


async def test_health_markers_show_overdue_due_and_on_track_contacts(people, make_app):
    app = make_app()
    async with started(app, SIZE):
        # Dana: last contact 114 days ago, every 45 days: overdue.
        assert "●" in list_line(app, "Dana Scully").split("Dana Scully")[0]
        # Ada: last contact 21 days ago, every 30 days: on track.
        assert "○" in list_line(app, "Ada Lovelace").split("Ada Lovelace")[0]
        # Farid is on rung 0, which has no cadence: no marker.
        before = list_line(app, "Farid Haddad").split("Farid Haddad")[0]
        assert not set(before) & set("●◐○")
        # The marker is drawn in the theme's error colour for overdue contacts.
        contacts = app.main_screen.query_one(ContactList)
        strip = contacts.render_line(1 + shown_names(app).index("Dana Scully"))
        marker = next(segment for segment in strip if segment.text == "●")
        assert marker.style.color.triplet.hex == app.theme_variables["error"].lower()


async def test_a_contact_due_today_shows_the_due_marker(people, make_app, core):
    # Ada: last contact 2026-11-02; every 21 days makes her due today.
    core.edit_contact(people["Ada Lovelace"], cadence_days=21)
    app = make_app()
    async with started(app, SIZE):
        before = list_line(app, "Ada Lovelace").split("Ada Lovelace")[0]
        assert "◐" in before and "○" not in before and "●" not in before


async def test_logging_an_interaction_turns_an_overdue_marker_on_track(people, make_app):
    app = make_app()
    async with started(app, SIZE) as pilot:
        await press(pilot, "j", "j", "j")
        assert app.main_screen.query_one(ContactList).selected.name == "Dana Scully"
        assert "●" in list_line(app, "Dana Scully").split("Dana Scully")[0]
        await press(pilot, "l")
        await type_text(pilot, "caught up")
        await press(pilot, "tab")
        await type_text(pilot, "call")
        await press(pilot, "enter")
        await settle(pilot)
        before = list_line(app, "Dana Scully").split("Dana Scully")[0]
        assert "○" in before and "●" not in before


async def test_o_sorts_by_urgency_and_back_by_name(people, make_app):
    app = make_app()
    async with started(app, SIZE) as pilot:
        by_name = shown_names(app)
        assert by_name == sorted(by_name)
        await press(pilot, "o")
        # Most days past the cadence first: Dana (every 45 days, last contact 114 days ago: 69 over),
        # then the soonest due: Ada (in 9 days), Grace (18), and the contacts added today, whose clock
        # starts now: Ben (every 60), Elena (90), Chen (180); Farid's rung has no cadence.
        urgent = ["Dana Scully", "Ada Lovelace", "Grace Hopper", "Ben Okri", "Elena Ferrante", "Chen Wei",
                  "Farid Haddad"]
        assert shown_names(app) == urgent
        text = screen_text(app)
        assert "most urgent first" in text
        assert text.index("Dana Scully") < text.index("Ada Lovelace") < text.index("Ben Okri")
        # The filter keeps the order.
        await press(pilot, "slash")
        await type_text(pilot, "e")
        assert shown_names(app) == urgent
        await type_text(pilot, "n")
        assert shown_names(app) == ["Dana Scully", "Ada Lovelace", "Ben Okri", "Elena Ferrante", "Chen Wei"]
        await press(pilot, "escape")
        await press(pilot, "o")
        assert shown_names(app) == by_name
        assert "most urgent first" not in screen_text(app)


async def test_suggestion_markers_for_promotion_and_demotion(people, make_app, core):
    # Elena (rung 2) with three interactions this year meets rung 3's rule: promotion suggested.
    for day in ("2026-10-01", "2026-10-15"):  # with the fixture's 1 November post: three interactions
        core.log(people["Elena Ferrante"], "email", "", date=day)
    app = make_app()
    async with started(app, SIZE):
        assert "↑" in list_line(app, "Elena Ferrante").split("Elena Ferrante")[0]
        # Dana, 114 days since the last contact with a 45-day cadence: a demotion worth considering.
        assert "↓" in list_line(app, "Dana Scully").split("Dana Scully")[0]
        assert "↑" not in list_line(app, "Ada Lovelace").split("Ada Lovelace")[0]
    # Nothing was applied.
    assert db_rows(core.db_path, "SELECT rank FROM contact_level WHERE contact_id = ? AND ladder = 'business'",
                   people["Elena Ferrante"]) == [(2,)]


async def test_promote_popup_shows_the_evidence_met_and_unmet(people, make_app, core):
    for day in ("2026-10-01", "2026-10-15"):  # with the fixture's 1 November post: three interactions
        core.log(people["Elena Ferrante"], "email", "", date=day)
    app = make_app()
    async with started(app, SIZE) as pilot:
        await filter_to(pilot, "elena")
        await press(pilot, "plus")
        await settle(pilot)
        assert isinstance(app.screen, LevelForm)
        text = screen_text(app)
        assert "relterm suggests: promote to 3 Conversant" in text
        assert "Evidence for 3 Conversant (last 365 days): all met" in text
        assert "✓ met" in text and "interactions: 3 of 3" in text
        await press(pilot, "escape")
        # Ada (rung 5) is far from rung 6: the unmet criteria are listed.
        await press(pilot, "escape", "g", "p")
        await settle(pilot)
        text = screen_text(app)
        assert "Evidence for 6 Friend (last 365 days): not all met" in text
        assert "✗ unmet" in text and "in-person meetings: 1 of 6" in text
        assert "referrals exchanged: 0 of 4" in text
        await press(pilot, "escape")
    # Looking at the evidence changes nothing.
    assert db_rows(core.db_path, "SELECT rank FROM contact_level WHERE contact_id = ? AND ladder = 'business'",
                   people["Ada Lovelace"]) == [(5,)]


async def test_markers_are_readable_on_every_shipped_theme(people, make_app):
    """Each marker colour stands out from the list's background on the relterm themes."""
    themes, problems = load_themes(None)
    assert not problems
    app = make_app()
    async with started(app, SIZE) as pilot:
        contacts = app.main_screen.query_one(ContactList)
        for theme in themes:
            app.theme = theme.name
            await settle(pilot)
            background = contacts.rich_style.bgcolor.get_truecolor()
            for part in ("overdue", "due", "ok", "suggestion"):
                color = contacts.get_component_rich_style(f"contact-list--mark-{part}").color.get_truecolor()
                assert _contrast(color, background) >= 3.0, (theme.name, part)


def _contrast(a, b) -> float:
    def luminance(rgb) -> float:
        def channel(c: int) -> float:
            c = c / 255
            return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

        r, g, b_ = rgb
        return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b_)

    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


# The pyramid over time ------------------------------------------------------------------------


def pyramid_line(app, rung: str) -> str:
    """The pyramid's line of one rung, as drawn on the screen (right of the list)."""
    for line in screen_text(app).splitlines():
        right = line.split("││", 1)[-1] if "││" in line else ""
        if rung in right:
            return right
    raise AssertionError(f"{rung} is not in the pyramid")


async def test_H_shows_each_rungs_history_as_bars_and_hides_it_again(people, make_app, core):
    # Chen rises from rung 1 to 3 in September; Grace arrived on rung 6 in January.
    core.change_level(people["Chen Wei"], ladder="business", to=3, reason="met twice", date="2026-09-15")
    app = make_app()
    async with started(app, SIZE) as pilot:
        assert not any(block in pyramid_line(app, "3 Conversant") for block in "▁▂▃▄▅▆▇█")
        await press(pilot, "H")
        await settle(pilot)
        text = screen_text(app)
        assert "2025-12 … 2026-11" in text
        # Rung 3: nobody in December 2025 (the timelines start in January), Ben from January,
        # Chen too from September: a blank, then half-height bars, then full ones; up by two.
        spark = pyramid_line(app, "3 Conversant").split("3 Conversant")[1]
        assert " ▅▅▅▅▅▅▅▅███ +2" in spark
        # Rung 1: Chen from January to August.
        assert " ████████    ±0" in pyramid_line(app, "1 Researched")
        await press(pilot, "H")
        assert "2025-12 … 2026-11" not in screen_text(app)
        assert not any(block in pyramid_line(app, "3 Conversant") for block in "▁▂▃▄▅▆▇█")


async def test_demote_popup_shows_the_suggested_demotion_and_nothing_moves_on_escape(people, make_app, core):
    app = make_app()
    async with started(app, SIZE) as pilot:
        await press(pilot, "j", "j", "j", "minus")  # Dana Scully, 114 days since the last contact, every 45
        assert isinstance(app.screen, LevelForm)
        text = screen_text(app)
        assert "↓ relterm suggests: demote to 3 Conversant" in text
        assert "69 days past the keep-in-touch date" in text
        await press(pilot, "escape")
    assert db_rows(core.db_path, "SELECT rank FROM contact_level WHERE contact_id = ? AND ladder = 'business'",
                   people["Dana Scully"]) == [(4,)]
