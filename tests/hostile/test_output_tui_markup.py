"""Text from the config or the data is shown literally in the TUI: a ladder, level or kind named
with Textual markup (``[/x]``, ``[bold]``, ``[@click=app.quit]``, all valid YAML) or a contact
named so neither crashes the app nor turns into styles or actions. Every view and popup is
visited with Pilot pressing real keys."""

from __future__ import annotations

import pytest

from relterm import paths
from relterm.config import load_config
from relterm.tui.screens.main import MainScreen

from tests.tui.helpers import press, screen_text, settle, started

SIZE = (160, 50)

LADDER = "[/x] Business [bold]"
COLD = "[@click=app.quit]Cold"
RESEARCHED = "[/x]"
CONVERSANT = "Con[bold]versant"
MALLORY = "[bold]Mallory[/bold]"
ACME = "[@click=app.quit]Acme [/x]"


def hostile_levels() -> str:
    text = paths.SHIPPED_LEVELS.read_text()
    for old, new in (
        ("name: Business relationships", f'name: "{LADDER}"'),
        ("name: Cold", f'name: "{COLD}"'),
        ("name: Researched", f'name: "{RESEARCHED}"'),
        ("name: Conversant", f'name: "{CONVERSANT}"'),
        ('description: "Coffee together"', 'description: "[@click=app.quit]Coffee [/x]"'),
    ):
        assert old in text, old
        text = text.replace(old, new)
    return text


@pytest.fixture
def hostile_app(core, config_dir):
    from relterm.tui.app import RelTermApp
    from relterm.tui.themes import load_settings

    (config_dir / "levels.yaml").write_text(hostile_levels())
    config = load_config(config_dir)
    assert config.ladders["business"].name == LADDER
    core.config = config
    mallory = core.add_contact(MALLORY, level=0, company=ACME, tags=["[i]x"], notes="[/x] [@click=app.quit]",
                               title="[red]CEO")
    eve = core.add_contact("Eve [/x]", level=1, company="[b]", introduced_by=mallory)
    core.add_contact("Trent", level=3, company="Plain Co")
    core.log(mallory, "coffee", "[/x] talked [@click=app.quit]", date="2026-11-01")
    core.log(eve, "call", "[bold]", date="2025-01-01")
    core.intel.introduce_many(mallory, ["Zoe [/b] [link=x]"], date="2026-11-02")
    core.intel.schedule_review(mallory, 30, first="2026-11-20")
    return RelTermApp(core, config, config_dir=config_dir, settings=load_settings(config_dir), watch_database=False)


def assert_shows(app, *literals: str) -> None:
    text = screen_text(app)
    for literal in literals:
        assert literal in text, f"{literal!r} not shown:\n{text}"


async def test_markup_in_config_and_data_is_shown_literally_everywhere(hostile_app):
    app = hostile_app
    async with started(app, SIZE) as pilot:
        # The list, the pyramid (titled with the ladder's name), the card and the timeline.
        assert isinstance(app.screen, MainScreen)
        assert_shows(app, MALLORY, LADDER, COLD, RESEARCHED, CONVERSANT)
        await press(pilot, "tab")  # the pyramid, then back
        await press(pilot, "shift+tab")
        assert_shows(app, "[/x] talked [@click=app.quit]", "[red]CEO")

        for key, literals in (("A", (MALLORY,)), ("C", (MALLORY, COLD)), ("M", (COLD, RESEARCHED, LADDER)),
                              ("question_mark", ())):
            await press(pilot, key)
            await settle(pilot)
            assert not isinstance(app.screen, MainScreen), key
            assert_shows(app, *literals)
            await press(pilot, "escape")
            assert isinstance(app.screen, MainScreen), key

        # Every popup on the selected contact (Mallory, first by name), opened and closed.
        for key, literals in (("a", ()), ("e", ()), ("l", (MALLORY,)), ("p", (COLD, RESEARCHED, CONVERSANT)),
                              ("i", (MALLORY,)), ("R", (MALLORY,)), ("I", ()), ("X", ())):
            await press(pilot, key)
            assert not isinstance(app.screen, MainScreen), key
            assert_shows(app, *literals)
            await press(pilot, "escape")
            await settle(pilot)
            assert isinstance(app.screen, MainScreen), key
        await press(pilot, "d")
        assert_shows(app, MALLORY)
        await press(pilot, "n")

        # The other ladder and back; the app is still running and nothing was clicked by markup.
        await press(pilot, "L")
        await press(pilot, "L")
        assert_shows(app, LADDER)
        assert app.is_running
