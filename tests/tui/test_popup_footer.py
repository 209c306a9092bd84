"""A popup's footer lists its own keys, whatever has focus, and a click on one does what the key does."""

from __future__ import annotations

from relterm.tui.modals.contact_form import ContactForm
from relterm.tui.widgets.footer import PopupFooter

from .helpers import press, screen_text, settle, started


async def test_the_edit_popup_names_its_keys_and_a_click_on_escape_cancels(people, make_app):
    app = make_app()
    async with started(app, (120, 40)) as pilot:
        await press(pilot, "e")
        assert isinstance(app.screen, ContactForm)
        last_line = screen_text(app).rstrip("\n").splitlines()[-1]
        assert "esc Cancel" in last_line and "⏎/^s Save" in last_line
        await press(pilot, "tab", "tab")  # focus elsewhere in the form: the same keys
        assert screen_text(app).rstrip("\n").splitlines()[-1] == last_line
        await pilot.click(PopupFooter, offset=(2, 0))  # on "esc"
        await settle(pilot)
        assert app.screen is app.main_screen


async def test_a_narrow_terminal_gets_the_compact_footer(people, make_app):
    app = make_app()
    async with started(app, (80, 24)) as pilot:
        await press(pilot, "l")
        assert screen_text(app).rstrip("\n").splitlines()[-1].startswith("esc Cancel ⏎ Save")


async def test_opening_and_closing_popups_leaves_no_footer_keys_behind(people, make_app):
    """The main screen's footer rebuilds its keys as each popup opens and closes; the keys it removes must
    be freed (they stayed bound to the footer: about 0.5 MB a popup, for as long as the app ran)."""
    import gc

    from textual.widgets._footer import FooterKey

    from relterm.tui.widgets.footer import AppFooter

    def footer_keys() -> tuple[int, int]:
        gc.collect()
        keys = [o for o in gc.get_objects() if isinstance(o, FooterKey)]
        counts = (len(keys), sum(1 for key in keys if key.is_attached))
        del keys
        return counts

    app = make_app()
    async with started(app, (120, 40)) as pilot:
        footer = app.main_screen.query_one(AppFooter)
        for _ in range(6):
            await press(pilot, "l", "escape")
        alive, attached = footer_keys()
        assert attached > 0 and alive == attached
        assert len(getattr(footer, "__watchers", {}).get("compact", [])) <= attached
