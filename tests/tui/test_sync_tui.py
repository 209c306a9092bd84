"""Sync from the app (S, or the palette): the same engine as `relterm sync`, in a thread worker, with its
phase on a status line, the CLI's summary at the end, and the list and card read again."""

from __future__ import annotations

import asyncio
import socket

from textual.widgets import Static

from relterm.sync import SyncPaths, setup
from relterm.tui.widgets.contact_list import ContactList

from .helpers import notifications, press, screen_text, selected_name, settle, started, type_text

SIZE = (120, 40)


def sync_paths(db_path, config_dir) -> SyncPaths:
    return SyncPaths.for_database(db_path, config_dir)


async def sync_vdirs_only(pilot) -> None:
    await press(pilot, "ctrl+p")
    await type_text(pilot, "Sync vdirs only")
    await press(pilot, "enter")
    await settle(pilot, timeout=30)


async def test_sync_key_when_sync_is_not_set_up_says_how(people, make_app, db_path, config_dir):
    app = make_app()
    async with started(app, SIZE) as pilot:
        await press(pilot, "S")
        await settle(pilot)
        assert "relterm sync init --url URL" in notifications(app)
        assert not app.main_screen.query(f"#sync-status")  # the status line left with the sync
    paths = sync_paths(db_path, config_dir)
    assert not paths.root.exists() and not paths.settings_file.exists()  # nothing written


async def test_sync_from_the_palette_writes_cards_and_shows_the_summary(people, make_app, db_path, config_dir):
    paths = sync_paths(db_path, config_dir)
    setup(paths, "http://127.0.0.1:9/unused/")
    app = make_app()
    async with started(app, SIZE) as pilot:
        await sync_vdirs_only(pilot)
        text = notifications(app)
        assert "Sync: 0 contacts updated from cards" in text and "7 cards written" in text, text
        assert "relterm " in text and "vdirsyncer" not in text  # the CLI's summary line, no vdirsyncer run
    assert len(list(paths.contacts.glob("*.vcf"))) == 7


async def test_a_phone_edit_in_the_vdir_shows_on_the_card_after_the_sync(people, make_app, core, db_path,
                                                                        config_dir):
    paths = sync_paths(db_path, config_dir)
    setup(paths, "http://127.0.0.1:9/unused/")
    app = make_app()
    async with started(app, SIZE) as pilot:
        await sync_vdirs_only(pilot)
        assert selected_name(app) == "Ada Lovelace"
        ada = next(p for p in paths.contacts.glob("*.vcf") if "FN:Ada Lovelace" in p.read_text())
        ada.write_text(ada.read_text().replace("ORG:Analytical Engines", "ORG:Difference Engines"))
        await sync_vdirs_only(pilot)
        assert "1 contact updated from cards" in notifications(app)
        assert app.main_screen.card.company == "Difference Engines"
        assert "Difference Engines" in screen_text(app)  # on the card and in the list, read again
        assert selected_name(app) == "Ada Lovelace"
    assert core.card(core.resolve("Ada Lovelace")).company == "Difference Engines"


async def test_the_ui_stays_live_while_vdirsyncer_waits_and_a_second_start_is_refused(
        people, make_app, db_path, config_dir):
    # A server that accepts connections and never answers: vdirsyncer waits on it, for real.
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(16)
    port = server.getsockname()[1]
    paths = sync_paths(db_path, config_dir)
    setup(paths, f"http://127.0.0.1:{port}/user/contacts/")
    app = make_app()
    try:
        async with started(app, SIZE) as pilot:
            main = app.main_screen
            await pilot.press("S")
            line = None
            for _ in range(300):  # up to 30 s: vdirsyncer starts (the cards are written before)
                await asyncio.sleep(0.1)
                found = main.query("#sync-status")
                if found and "Running vdirsyncer" in str(found.first(Static).render()):
                    line = found.first(Static)
                    break
            assert line is not None, notifications(app)
            assert "Sync: Running vdirsyncer" in screen_text(app)
            await pilot.press("S")
            await pilot.pause()
            assert "A sync is already running" in notifications(app)
            # Keys still work: the cursor moves and the card follows.
            before = selected_name(app)
            await pilot.press("j")
            for _ in range(50):
                await asyncio.sleep(0.05)
                if main.card is not None and main.card.name != before:
                    break
            assert selected_name(app) != before and main.card.name == selected_name(app)
            assert main.sync_running()
            server.close()  # the connections are refused from now on: vdirsyncer gives up
            for _ in range(600):
                await asyncio.sleep(0.1)
                if not main.sync_running():
                    break
            await settle(pilot)
            assert not main.sync_running()
            text = notifications(app)
            assert "Sync: " in text and "vdirsyncer failed" in text, text
            assert not main.query("#sync-status")
            assert main.query_one(ContactList).selected is not None
    finally:
        server.close()
    assert len(list(paths.contacts.glob("*.vcf"))) == 7  # relterm's side was done before vdirsyncer ran
