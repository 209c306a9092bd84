"""The export popup says whom it exports: the contacts the list shows, or everyone; its choices are
changed with ← and → (tab and shift+tab move between the rows)."""

from __future__ import annotations

from textual.widgets import Input

from relterm.tui.modals.import_form import ExportForm
from relterm.tui.widgets.choice import Choice
from relterm.tui.screens.main import MainScreen

from .helpers import filter_to, notifications, press, screen_text, settle, started


async def test_a_filtered_list_exports_the_ones_shown_or_everyone(people, make_app, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    app = make_app()
    async with started(app, (120, 40)) as pilot:
        await filter_to(pilot, "ada")
        await press(pilot, "X")
        assert isinstance(app.screen, ExportForm)
        text = screen_text(app)
        assert "the 1 shown in the list" in text
        await press(pilot, "enter")
        await settle(pilot)
        assert isinstance(app.screen, MainScreen)
        assert "Exported the ones shown: 1 contacts" in notifications(app)
        written = (tmp_path / "relterm-contacts.vcf").read_text(encoding="utf-8")
        assert written.count("BEGIN:VCARD") == 1 and "FN:Ada Lovelace" in written

        await press(pilot, "X")
        await press(pilot, "shift+tab", "shift+tab")  # from the file to the format, to whom
        assert app.focused.id == "whom"
        await press(pilot, "right")
        assert "‹ everyone (7) ›" in screen_text(app)
        await press(pilot, "enter")
        await settle(pilot)
        assert "Exported everyone: 7 contacts" in notifications(app)
        written = (tmp_path / "relterm-contacts.vcf").read_text(encoding="utf-8")
        assert written.count("BEGIN:VCARD") == 7


async def test_the_popup_names_every_format_and_json_is_everyone(people, make_app, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    app = make_app()
    async with started(app, (120, 40)) as pilot:
        await filter_to(pilot, "books")
        await press(pilot, "X")
        form = app.screen
        formats = dict((value, label) for label, value in form.query_one("#format", Choice).options)
        assert {"vcard", "csv", "ics", "vdir", "json"} <= set(formats)
        assert "vdir folder" in formats["vdir"] and "ICS calendar" in formats["ics"]
        await press(pilot, "shift+tab")
        assert app.focused.id == "format"
        seen = []
        for _ in formats:  # every format, one → at a time, each named on the screen
            seen.append(form.query_one("#format", Choice).value)
            assert formats[seen[-1]] in screen_text(app)
            if seen[-1] == "json":
                break
            await press(pilot, "right")
        assert seen[0] == "vcard" and seen[-1] == "json"
        assert form.query_one("#path", Input).value.endswith("relterm-contacts.json")
        whom = form.query_one("#whom", Choice)
        assert whom.value == "all" and whom.disabled
        await press(pilot, "left")  # back to the format before: whom is offered again
        assert form.query_one("#format", Choice).value == seen[-2] and not whom.disabled
        await press(pilot, "escape")
        # Not filtered: only "everyone" is offered.
        await press(pilot, "escape", "X")
        assert [value for _, value in app.screen.query_one("#whom", Choice).options] == ["all"]
