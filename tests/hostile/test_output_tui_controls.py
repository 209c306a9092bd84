"""The TUI over a database with escape sequences in every text column (as an older relterm or sqlite3
could leave it): nothing reaches the terminal as a control code, in any view or popup."""

from __future__ import annotations

import pytest

from relterm.tui.screens.main import MainScreen

from tests.tui.conftest import make_app  # noqa: F401 (fixture)
from tests.tui.helpers import press, screen_text, settle, started

from .hostile_text import BAD, build_hostile_db, poison

SIZE = (160, 50)


def assert_clean_screen(app, where: str) -> str:
    text = screen_text(app)
    found = sorted({m.group() for m in BAD.finditer(text)})
    assert not found, f"{where}: {found} on screen:\n{text}"
    return text


async def test_no_control_codes_reach_the_screen(core, db_path, make_app):
    build_hostile_db(core)
    poison(db_path)
    app = make_app()
    async with started(app, SIZE) as pilot:
        text = assert_clean_screen(app, "main screen")
        assert "Ada" in text and "pwned" not in text  # the OSC's title is gone with it
        for key in ("A", "C", "M"):
            await press(pilot, key)
            await settle(pilot)
            assert not isinstance(app.screen, MainScreen), key
            assert_clean_screen(app, key)
            await press(pilot, "escape")
        for key in ("e", "l", "p", "i", "R", "d"):
            await press(pilot, key)
            assert not isinstance(app.screen, MainScreen), key
            assert_clean_screen(app, key)
            await press(pilot, "escape")
            await settle(pilot)
            assert isinstance(app.screen, MainScreen), key
        await press(pilot, "j")  # Ben: an introducer, a level change, a snooze
        assert_clean_screen(app, "Ben")
