"""The app's export popup (X) goes through the same checks as `relterm export -o`: typing the
database's own path is refused with a notification and the timeline stays."""

from __future__ import annotations

import asyncio
import os

import pytest

from .protect_helpers import look


@pytest.fixture
def app_over(core, config_dir):
    from relterm.tui.app import RelTermApp
    from relterm.tui.themes import load_settings

    for n in range(3):
        cid = core.add_contact(f"Person {n}")
        core.log(cid, "coffee", f"coffee {n}", date="2026-11-01")
    return RelTermApp(core, core.config, config_dir=config_dir, settings=load_settings(config_dir),
                      watch_database=False)


async def wait_for(pilot, condition, timeout: float = 10.0) -> None:
    """Let the app run until ``condition()`` holds (its database work runs in threads)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not condition():
        assert loop.time() < deadline, "the app did not get there in time"
        await pilot.pause(0.02)


@pytest.mark.parametrize("spelling", ["path", "symlink", "wal"])
async def test_the_export_popup_refuses_the_database(app_over, db_path, tmp_path, monkeypatch, spelling):
    from relterm.tui.modals.import_form import ExportForm

    monkeypatch.chdir(tmp_path)
    if spelling == "symlink":
        (tmp_path / "contacts.vcf").symlink_to(db_path)
        target = "contacts.vcf"
    elif spelling == "wal":
        target = f"{db_path.name}-wal"
    else:
        target = str(db_path)
    app = app_over
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: app.screen.query("ContactList"))
        before = look(db_path)
        await pilot.press("X")
        await wait_for(pilot, lambda: isinstance(app.screen, ExportForm))
        app.screen.query_one("#path").value = target
        await pilot.press("enter")
        await wait_for(pilot, lambda: app._notifications)
        messages = "\n".join(n.message for n in app._notifications)
        assert "database itself" in messages, messages
        assert "Exported" not in messages
        assert look(db_path) == before
    assert look(db_path)[:2] == ("ok", 3)
    assert not [n for n in os.listdir(tmp_path) if n.endswith(".partial")]
