"""Import and export from the command palette: the file picker, the progress, the summary, the list."""

from __future__ import annotations

import shutil
from pathlib import Path

from relterm.tui.modals.import_form import ExportForm, ImportForm, ImportProgress
from relterm.tui.screens.main import MainScreen
from relterm.tui.widgets.contact_list import ContactList

from .helpers import db_rows, notifications, press, screen_text, settle, shown_names, started, type_text

SIZE = (120, 40)
DATA = Path(__file__).resolve().parent.parent / "data" / "io"


def contact_names(db_path) -> set[str]:
    return {name for (name,) in db_rows(db_path, "SELECT name FROM contact")}


async def open_from_palette(pilot, title: str) -> None:
    await press(pilot, "ctrl+p")
    await type_text(pilot, title)
    await press(pilot, "enter")
    await settle(pilot)


async def test_import_a_vcard_file_typed_in_the_path_field(people, make_app, db_path, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    app = make_app()
    async with started(app, SIZE) as pilot:
        await open_from_palette(pilot, "Import contacts")
        assert isinstance(app.screen, ImportForm)
        await press(pilot, "tab")  # from the file tree to the path field
        assert app.focused.id == "path"
        await type_text(pilot, str(DATA / "apple.vcf"))
        await press(pilot, "enter")
        await settle(pilot)
        assert isinstance(app.screen, ImportProgress)
        text = screen_text(app)
        assert "Imported apple.vcf (vcard)" in text
        assert "Added 2, merged 0 (0 with changes), skipped 0." in text
        assert "1 photo not imported" in text
        await press(pilot, "escape")
        await settle(pilot)
        assert isinstance(app.screen, MainScreen)
        assert {"Dr. Chidi Okafor", "Saga Lindqvist"} <= set(shown_names(app))
        assert "Contacts 9" in screen_text(app)
    assert {"Dr. Chidi Okafor", "Saga Lindqvist"} <= contact_names(db_path)


async def test_import_a_google_csv_picked_in_the_file_tree(people, make_app, db_path, tmp_path, monkeypatch):
    folder = tmp_path / "exports"
    folder.mkdir()
    shutil.copy(DATA / "google-contacts.csv", folder / "google-contacts.csv")
    (folder / "notes.txt").write_text("not offered: only contact files are listed\n")
    monkeypatch.chdir(folder)
    app = make_app()
    async with started(app, SIZE) as pilot:
        await open_from_palette(pilot, "Import contacts")
        assert isinstance(app.screen, ImportForm)
        await settle(pilot)
        text = screen_text(app)
        assert "google-contacts.csv" in text and "notes.txt" not in text
        await press(pilot, "down", "enter")  # the file: its path goes to the path field
        assert app.screen.query_one("#path").value == str(folder / "google-contacts.csv")
        await press(pilot, "enter")
        await settle(pilot)
        assert "Imported google-contacts.csv (google-csv)" in screen_text(app)
        assert "Added 3, merged 0" in screen_text(app)
        await press(pilot, "enter")  # enter closes the summary too
        await settle(pilot)
        assert {"Priya Raman", "Tom Becker"} <= set(shown_names(app))
        # A name that looks like a spreadsheet formula is shown as it was stored: plain text.
    assert {"Priya Raman", "Tom Becker"} <= contact_names(db_path)


async def test_a_malformed_file_is_reported_in_the_form_and_the_app_keeps_running(
    people, make_app, db_path, tmp_path, monkeypatch
):
    monkeypatch.chdir(tmp_path)
    bad = tmp_path / "contacts.csv"
    bad.write_bytes(b"\x00\x01garbage;;;\nnot,a,known,header\n\xff\xfe[bold]x[/]\n")
    before = contact_names(db_path)
    app = make_app()
    async with started(app, SIZE) as pilot:
        await open_from_palette(pilot, "Import contacts")
        await press(pilot, "tab")
        await type_text(pilot, str(bad))
        await press(pilot, "enter")
        await settle(pilot)
        # The form is back with the path and says why (opening it cleared the notification), to try
        # another file or format; escape leaves.
        assert isinstance(app.screen, ImportForm)
        assert "cannot tell the format" in str(app.screen.query_one("#form-errors").render())
        assert app.screen.query_one("#path").value == str(bad)
        await press(pilot, "escape")
        assert isinstance(app.screen, MainScreen)
        # Still running: keys work.
        await press(pilot, "j")
        assert app.main_screen.query_one(ContactList).selected.name == "Ben Okri"
        # A path that does not exist is caught in the form.
        await open_from_palette(pilot, "Import contacts")
        await press(pilot, "tab")
        await type_text(pilot, str(tmp_path / "missing.vcf"))
        await press(pilot, "enter")
        assert isinstance(app.screen, ImportForm)
        assert "no such file or folder" in screen_text(app)
        await press(pilot, "escape")
    assert contact_names(db_path) == before


async def test_export_from_the_palette_writes_a_vcard_file(people, make_app, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    app = make_app()
    async with started(app, SIZE) as pilot:
        await open_from_palette(pilot, "Export contacts")
        assert isinstance(app.screen, ExportForm)
        await press(pilot, "enter")
        await settle(pilot)
        assert isinstance(app.screen, MainScreen)
        assert "Exported everyone: 7 contacts" in notifications(app)
    text = (tmp_path / "relterm-contacts.vcf").read_text(encoding="utf-8")
    assert text.count("BEGIN:VCARD") == 7 and "FN:Ada Lovelace" in text


async def test_the_summary_lists_skipped_records_with_their_reasons(people, make_app, db_path, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    cards = tmp_path / "mixed.vcf"
    cards.write_text(
        "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Hedy Lamarr\r\nEMAIL:hedy@example.org\r\nEND:VCARD\r\n"
        "BEGIN:VCARD\r\nVERSION:3.0\r\nNOTE:a card without any name\r\nEND:VCARD\r\n",
        encoding="utf-8",
    )
    app = make_app()
    async with started(app, SIZE) as pilot:
        await open_from_palette(pilot, "Import contacts")
        await press(pilot, "tab")
        await type_text(pilot, "mixed.vcf")  # relative to the folder relterm was started in
        await press(pilot, "enter")
        await settle(pilot)
        text = screen_text(app)
        assert "Added 1, merged 0 (0 with changes), skipped 1." in text
        assert "Skipped (1):" in text
        await press(pilot, "escape")
        assert "Hedy Lamarr" in shown_names(app)
    assert "Hedy Lamarr" in contact_names(db_path)


async def test_the_summary_names_archived_contacts_a_record_matched(people, core, make_app, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    core.archive(people["Ada Lovelace"])  # her email is ada@engines.example
    (tmp_path / "ada.vcf").write_text(
        "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ada Lovelace\r\nEMAIL:ada@engines.example\r\nEND:VCARD\r\n",
        encoding="utf-8")
    app = make_app()
    async with started(app, SIZE) as pilot:
        await open_from_palette(pilot, "Import contacts")
        await press(pilot, "tab")
        await type_text(pilot, "ada.vcf")
        await press(pilot, "enter")
        await settle(pilot)
        text = screen_text(app)
        assert "Added 0, merged 1" in text
        assert "Matched 1 archived contact" in text and "relterm restore" in text
        assert f"Ada Lovelace (id {people['Ada Lovelace']})" in text
        await press(pilot, "escape")


async def test_the_import_format_is_chosen_by_keys(people, make_app, tmp_path, monkeypatch):
    """The format row steps with → and space, ← goes back, home and end jump; the row says the choice."""
    from relterm.tui.widgets.choice import Choice

    monkeypatch.chdir(tmp_path)
    app = make_app()
    async with started(app, SIZE) as pilot:
        await open_from_palette(pilot, "Import contacts")
        await press(pilot, "tab", "tab")  # the file tree, the path, the format
        choice = app.screen.query_one("#format", Choice)
        assert app.focused is choice and choice.value == "auto"
        await press(pilot, "right")
        assert choice.value == "vcard" and "‹ vcard ›" in screen_text(app)
        await press(pilot, "space")
        assert choice.value == "google-csv"
        await press(pilot, "end")
        assert choice.value == "json"
        await press(pilot, "right")  # past the last: round to the first
        assert choice.value == "auto"
        await press(pilot, "left")
        assert choice.value == "json"
        await press(pilot, "home")
        assert choice.value == "auto" and isinstance(app.screen, ImportForm)
