"""Helpers for Pilot tests: waiting for the app's work, typing, reading the screen and the database."""

from __future__ import annotations

import asyncio
import contextlib
import io
import sqlite3
from pathlib import Path

from rich.console import Console
from textual.screen import ModalScreen
from textual.worker import WorkerState


# Workers that wait for work as long as their widget lives (DirectoryTree's reader).
STANDING_WORKERS = {"_loader"}


async def settle(pilot, timeout: float = 10.0) -> None:
    """Wait until the app has finished its database work (popups may stay open)."""
    app = pilot.app
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    quiet_rounds = 0
    while loop.time() < deadline:
        await pilot.pause()
        modal_open = isinstance(app.screen, ModalScreen)
        busy = [
            worker
            for worker in app.workers
            if worker.state in (WorkerState.PENDING, WorkerState.RUNNING)
            and not (worker.group == "flow" and modal_open)
            and worker.name not in STANDING_WORKERS
        ]
        if busy:
            quiet_rounds = 0
            await asyncio.sleep(0.01)
            continue
        quiet_rounds += 1
        if quiet_rounds >= 3:
            return
    raise AssertionError(f"the app did not settle: {[w.name for w in app.workers]}")


async def press(pilot, *keys: str) -> None:
    """Press keys as a user would, letting the app finish its work after each."""
    for key in keys:
        await pilot.press(key)
        await settle(pilot)


async def type_text(pilot, text: str) -> None:
    """Type ``text`` character by character (Pilot turns "[" and " " into their key names)."""
    await pilot.press(*text)
    await settle(pilot)


@contextlib.asynccontextmanager
async def started(app, size=(120, 40)):
    """Run ``app`` headless at ``size`` and wait until its start-up work is done."""
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        yield pilot


async def filter_to(pilot, text: str) -> None:
    """Type ``text`` into the list filter and return to the list."""
    await press(pilot, "slash")
    await type_text(pilot, text)
    await press(pilot, "enter")


def db_rows(db_path: Path, sql: str, *args):
    con = sqlite3.connect(str(db_path))
    try:
        return con.execute(sql, args).fetchall()
    finally:
        con.close()



def screen_text(app) -> str:
    """The current screen (with any popups over it) as lines of plain text."""
    width, height = app.size
    console = Console(
        width=width, height=height, file=io.StringIO(), force_terminal=True, color_system="truecolor",
        record=True, legacy_windows=False, safe_box=False,
    )
    console.print(app.screen._compositor.render_update(full=True, screen_stack=app._background_screens))
    return console.export_text(styles=False)


def notifications(app) -> str:
    """Every notification shown so far, one per line."""
    return "\n".join(notification.message for notification in app._notifications)


def timeline_text(app) -> str:
    """The timeline pane's entries, unwrapped, one per line."""
    from relterm.tui.widgets.timeline import Timeline

    return app.main_screen.query_one(Timeline).plain


def shown_names(app) -> list[str]:
    """The names the contact list shows, in order."""
    from relterm.tui.widgets.contact_list import ContactList

    return [row.name for row in app.main_screen.query_one(ContactList).rows]


def selected_name(app) -> str | None:
    """The name of the contact the list has selected, or None."""
    from relterm.tui.widgets.contact_list import ContactList

    row = app.main_screen.query_one(ContactList).selected
    return row.name if row is not None else None
