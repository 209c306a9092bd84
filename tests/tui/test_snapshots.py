"""Whole-screen snapshots on the small fixed data set, at 120x40 and 80x24.

Each snapshot is stored twice under tests/tui/snapshots/: the screen as plain
text (easy to read in a diff) and as SVG (colours included). To accept a
deliberate change of the screens, regenerate them and review the diff:

    RELTERM_UPDATE_SNAPSHOTS=1 /work/venv/bin/pytest tests/tui/test_snapshots.py

The data, the date (RELTERM_TODAY, set by the autouse fixture) and the theme
are fixed, so the screens are the same on every run.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from .helpers import press, screen_text, started, type_text

SNAPSHOTS = Path(__file__).resolve().parent / "snapshots"
UPDATE = bool(os.environ.get("RELTERM_UPDATE_SNAPSHOTS"))


def _normalise_svg(svg: str) -> str:
    # The terminal id in the SVG is a hash of the content; keep it, but drop trailing spaces.
    return re.sub(r"[ \t]+\n", "\n", svg)


def check(name: str, app) -> None:
    text = screen_text(app)
    svg = _normalise_svg(app.export_screenshot(title="relterm"))
    text_path, svg_path = SNAPSHOTS / f"{name}.txt", SNAPSHOTS / f"{name}.svg"
    if UPDATE or not text_path.exists():
        if not UPDATE:
            pytest.fail(f"no snapshot {text_path.name}; create it with RELTERM_UPDATE_SNAPSHOTS=1")
        SNAPSHOTS.mkdir(exist_ok=True)
        text_path.write_text(text, encoding="utf-8")
        svg_path.write_text(svg, encoding="utf-8")
        return
    assert text == text_path.read_text(encoding="utf-8"), f"screen {name} changed (see the module docstring)"
    assert svg == svg_path.read_text(encoding="utf-8"), f"colours of screen {name} changed"


@pytest.mark.parametrize("size", [(120, 40), (80, 24)], ids=["120x40", "80x24"])
async def test_main_screen(people, make_app, size):
    app = make_app()
    async with started(app, size):
        check(f"main-{size[0]}x{size[1]}", app)


@pytest.mark.parametrize("size", [(120, 40), (80, 24)], ids=["120x40", "80x24"])
async def test_add_popup(people, make_app, size):
    app = make_app()
    async with started(app, size) as pilot:
        await press(pilot, "a")
        await type_text(pilot, "New Person")
        check(f"add-popup-{size[0]}x{size[1]}", app)


async def test_filtered_and_promoting_at_80x24(people, make_app):
    app = make_app()
    async with started(app, (80, 24)) as pilot:
        await press(pilot, "slash")
        await type_text(pilot, "books")
        await press(pilot, "escape")
        await press(pilot, "3", "plus")
        check("promote-popup-80x24", app)


async def test_help_screen_at_80x24(people, make_app):
    app = make_app()
    async with started(app, (80, 24)) as pilot:
        await press(pilot, "question_mark")
        check("help-80x24", app)
