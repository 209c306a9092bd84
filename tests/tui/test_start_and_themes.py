"""Starting the app for real, broken config files, themes and the demo database."""

from __future__ import annotations

import os
import subprocess
import sys

import yaml

from relterm import paths
from relterm.config import load_config
from relterm.core import Core
from relterm.demo import PEOPLE, build_demo

from .helpers import notifications, screen_text, settle, started


def run_relterm(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    full = dict(os.environ)
    full.update(env or {})
    return subprocess.run([sys.executable, "-m", "relterm", *args], capture_output=True, text=True, env=full,
                          timeout=60, stdin=subprocess.DEVNULL)


def test_broken_levels_file_exits_2_with_the_cli_message_before_any_screen(config_dir):
    (config_dir / "levels.yaml").write_text("default_ladder: business\nspheres: [a]\nkinds: {note: {}}\nladders:\n"
                                            "  business:\n    name: B\n    levels:\n      - rank: 0\n        nme: x\n")
    result = run_relterm()
    assert result.returncode == 2
    assert result.stderr.startswith("relterm: ")
    assert "levels.yaml:9" in result.stderr and "nme" in result.stderr
    assert "Traceback" not in result.stderr
    assert "\x1b[" not in result.stdout  # no screen was drawn
    demo = run_relterm("demo")
    assert demo.returncode == 2 and "nme" in demo.stderr


def test_unreadable_database_exits_2(tmp_path):
    bad = tmp_path / "not-a-db.db"
    bad.write_bytes(b"this is not sqlite" * 100)
    result = run_relterm("--db", str(bad))
    assert result.returncode == 2
    assert "cannot open the database" in result.stderr
    assert "Traceback" not in result.stderr


def test_demo_database_is_deterministic_and_separate(tmp_path):
    config = load_config()
    first = build_demo(tmp_path / "one.db", config)
    second = build_demo(tmp_path / "two.db", config)

    def dump(path):
        core = Core(path, config)
        try:
            rows = [(r.name, r.rank, r.sphere, r.company, r.last_interaction, r.introduced_by) for r in core.rows()]
            customers = core.level_counts("customer")
            events = [(e.date, e.kind, e.summary) for r in core.rows() for e in core.timeline(r.id)]
        finally:
            core.close()
        return rows, customers, events

    one, two = dump(first), dump(second)
    assert one == two
    rows, customers, events = one
    assert len(rows) >= len(PEOPLE)
    assert {r[1] for r in rows} == set(range(7))  # every rung has someone
    assert len({r[2] for r in rows}) >= 4  # several spheres
    assert sum(customers.values()) >= 5
    assert sum(1 for r in rows if r[5]) >= 10  # introductions
    assert len(events) > 200
    assert paths.demo_db_path() != paths.db_path()


async def test_demo_opens_in_the_app(tmp_path, config_dir):
    from relterm.tui.app import RelTermApp

    path = build_demo(tmp_path / "demo.db", load_config())
    core = Core(path, load_config())
    app = RelTermApp(core, core.config, config_dir=config_dir, demo=True, watch_database=False)
    try:
        async with started(app, (120, 40)):
            text = screen_text(app)
            assert "Aisha Bello" in text
            assert "Contacts 43" in text
    finally:
        core.close()


async def test_shipped_themes_load_and_the_choice_is_remembered(people, make_app, config_dir):
    app = make_app()
    async with started(app, (120, 40)) as pilot:
        assert app.theme == "relterm-dark"
        for name in ("relterm-dark", "relterm-light", "relterm-paper", "textual-dark"):
            assert name in app.available_themes
        assert not paths.settings_file(config_dir).exists()  # starting writes nothing; choosing does
        app.theme = "relterm-light"
        await settle(pilot)
    saved = yaml.safe_load(paths.settings_file(config_dir).read_text())
    assert saved["theme"] == "relterm-light"
    written = paths.settings_file(config_dir).stat().st_mtime_ns
    app = make_app()
    async with started(app, (120, 40)) as pilot:
        assert app.theme == "relterm-light"
        app.theme = "relterm-dark"  # and back: remembered too
        await settle(pilot)
    assert yaml.safe_load(paths.settings_file(config_dir).read_text())["theme"] == "relterm-dark"
    assert paths.settings_file(config_dir).stat().st_mtime_ns != written


async def test_broken_user_theme_is_reported_once_and_the_default_is_used(people, make_app, config_dir):
    themes = paths.user_themes_dir(config_dir)
    themes.mkdir(parents=True)
    (themes / "bad.yaml").write_text("name: bad\nprimary: notacolour\n")
    (themes / "typo.yaml").write_text("name: typo\nprimray: '#fff'\n")
    (themes / "mine.yaml").write_text("name: mine\ndark: false\nprimary: '#0000aa'\nbackground: '#fafafa'\n")
    paths.settings_file(config_dir).write_text("theme: bad\n")
    app = make_app()
    async with started(app, (120, 40)):
        assert app.theme == "relterm-dark"
        shown = notifications(app)
        assert "bad.yaml: primary" in shown and "notacolour" in shown
        assert "typo.yaml: primary: required key is missing; primray: unknown key (did you mean 'primary'?)" in shown
        assert len(app._notifications) == 1
        assert "mine" in app.available_themes
        assert screen_text(app)  # the app runs


async def test_level_colours_stay_readable_on_every_theme(people, make_app):
    from textual.color import Color

    from relterm.tui.themes import contrast

    app = make_app()
    async with started(app, (120, 40)) as pilot:
        for name in ("relterm-dark", "relterm-light", "relterm-paper", "textual-light", "textual-dark"):
            app.theme = name
            await settle(pilot)
            background = Color.parse(app.theme_variables["surface"])
            for color in app.level_colors("business").values():
                assert contrast(color, background) >= 3.0, (name, color)
            assert "level-4" in app.theme_variables


async def test_the_store_is_opened_after_the_first_frame_off_the_ui_thread(people, core, config_dir):
    """``relterm`` reads the first page without the store and hands the app a way to open it: the first
    frame shows contacts, and the store is then opened once, in a worker, never blocking the screen."""
    import threading

    from relterm.firstpage import read_first_page
    from relterm.tui import FIRST_PAGE
    from relterm.tui.app import RelTermApp
    from relterm.tui.themes import load_settings

    opened = []

    def open_core():
        opened.append(threading.current_thread() is threading.main_thread())
        return core

    page = read_first_page(core.db_path, "business", FIRST_PAGE)
    app = RelTermApp(open_core, core.config, config_dir=config_dir, settings=load_settings(config_dir),
                     watch_database=False, first_page=("business", page), db_path=core.db_path)
    async with started(app, (120, 40)):
        text = screen_text(app)
        assert "Ada Lovelace" in text and "Talked about engines" in text  # the list, then card and timeline
    assert opened == [False]
