"""The export popup says whom it exports: the contacts the list shows, or everyone."""

from __future__ import annotations

from textual.widgets import Select

from relterm.tui.modals.import_form import ExportForm
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
        app.screen.query_one("#whom", Select).value = "all"
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
        formats = dict((value, str(label)) for label, value in form.query_one("#format", Select)._options)
        assert {"vcard", "csv", "ics", "vdir", "json"} <= set(formats)
        assert "vdir folder" in formats["vdir"] and "ICS calendar" in formats["ics"]
        form.query_one("#format", Select).value = "json"
        await settle(pilot)
        whom = form.query_one("#whom", Select)
        assert whom.value == "all" and whom.disabled
        await press(pilot, "escape")
        # Not filtered: only "everyone" is offered.
        await press(pilot, "escape", "X")
        assert [value for _, value in app.screen.query_one("#whom", Select)._options] == ["all"]
