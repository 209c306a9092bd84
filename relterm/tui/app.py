"""The Textual app: themes, the command palette, quitting safely, and watching the database.

Kept thin: the work happens in ``screens/main.py`` and the widgets.
"""

from __future__ import annotations

import importlib
import sqlite3
import threading
import time
from contextlib import contextmanager
from functools import partial
from pathlib import Path
from typing import Iterable, Iterator, Optional

from rich.style import Style
from textual import events
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.color import Color
from textual.screen import Screen

from ..config import Config
from . import messages
from .commands import VIEW_COMMON, VIEWS, all_commands
from .memory import CollectorPolicy
from .typeahead import KeyHold
from .screens.help import HelpScreen
from .screens.main import MainScreen
from .themes import DEFAULT_THEME, Settings, level_colors, level_variables, load_themes, save_setting

POLL_SECONDS = 2.0


class RelTermApp(App[None]):
    CSS_PATH = "relterm.tcss"
    TITLE = "relterm"
    ENABLE_COMMAND_PALETTE = True
    BINDINGS = [
        Binding("ctrl+q", "quit", "Quit", show=False, priority=True, id="app-quit"),
    ]

    def __init__(
        self,
        core,
        config: Config,
        *,
        config_dir: Optional[Path] = None,
        settings: Optional[Settings] = None,
        demo: bool = False,
        watch_database: bool = True,
        first_page: Optional[tuple[str, list]] = None,
        db_path: Optional[Path] = None,
    ) -> None:
        # ``core`` is the Core, or a function that opens it: then it is called once, on first use, which
        # the main screen puts after the first frame (opening the store is ~40 ms of imports).
        self._core = None if callable(core) else core
        self._open_core = core if callable(core) else None
        self._core_lock = threading.Lock()
        self.db_path = Path(db_path) if db_path is not None else core.db_path
        self.config = config
        self.config_dir = config_dir
        self.settings = settings or Settings()
        self.demo = demo
        self.watch_database = watch_database
        # (ladder key, the first rows of the list) read before Textual started, or None.
        self.first_page = first_page
        self._colors_cache: dict[tuple[str, str], dict] = {}
        self._backgrounds: dict[str, Color] = {}
        self._watch: Optional[sqlite3.Connection] = None
        self._data_version: Optional[int] = None
        super().__init__()
        self.collector = CollectorPolicy()  # see memory.py
        self.key_hold = KeyHold(self)  # see typeahead.py: keys typed while a popup opens go to it
        self._theme_problems = self._setup_themes()
        if demo:
            self.sub_title = "demo data"

    @property
    def core(self):
        """The store and the ladder config (relterm.core.Core), opened on first use from any thread."""
        core = self._core
        if core is None:
            with self._core_lock:
                if self._core is None:
                    self._core = self._open_core()
                core = self._core
        return core

    def close_core(self) -> None:
        """Close the store if it was opened."""
        if self._core is not None:
            self._core.close()

    # Themes -----------------------------------------------------------------------

    def get_theme_variable_defaults(self) -> dict[str, str]:
        config = getattr(self, "config", None)
        if config is None:
            return {}
        return level_variables(config, self._background())

    def _background(self) -> Color:
        """The panes' background ($surface) of the current theme, as Textual derives it."""
        theme = self.current_theme
        cached = self._backgrounds.get(theme.name)
        if cached is None:
            generated = theme.to_color_system().generate()
            try:
                cached = Color.parse(generated.get("surface") or generated["background"])
            except Exception:
                cached = Color(0, 0, 0) if theme.dark else Color(255, 255, 255)
            self._backgrounds[theme.name] = cached
        return cached

    def theme_color(self, name: str) -> Optional[Color]:
        value = self.theme_variables.get(name)
        if not value:
            return None
        try:
            return Color.parse(value)
        except Exception:
            return None

    def theme_style(self, name: str, **attributes) -> Style:
        """A Rich style in the theme's colour ``name`` (no colour when the theme lacks it)."""
        color = self.theme_color(name)
        return Style(color=color.rich_color if color is not None else None, **attributes)

    def level_colors(self, ladder_key: str) -> dict[int, Color]:
        """The ladder's level colours, made readable on the current theme."""
        cache_key = (self.theme, ladder_key)
        if cache_key not in self._colors_cache:
            self._colors_cache[cache_key] = level_colors(self.config, self._background()).get(ladder_key, {})
        return self._colors_cache[cache_key]

    def _setup_themes(self) -> list[str]:
        """Register the shipped and user themes and choose the remembered one; the problems found.

        Runs in ``__init__``, before Textual first reads the stylesheet: choosing the theme later (in
        on_mount) made it parse and apply every style a second time before the first frame.
        """
        themes, problems = load_themes(self.config_dir)
        for theme in themes:
            self.register_theme(theme)
        problems += self.settings.problems
        wanted = self.settings.theme
        if wanted not in self.available_themes:
            if wanted != DEFAULT_THEME:
                problems.append(f'theme "{wanted}" is not available; using {DEFAULT_THEME}')
            wanted = DEFAULT_THEME if DEFAULT_THEME in self.available_themes else "textual-dark"
        self.theme = wanted
        return problems

    def _theme_changed(self, theme) -> None:
        # Textual also signals the theme set at start; only a different one is worth writing down.
        if theme.name == self.settings.theme:
            return
        try:
            save_setting(self.config_dir, "theme", theme.name)
            self.settings.theme = theme.name
        except OSError as exc:
            self.notify(f"Cannot remember the theme: {exc}", severity="warning", markup=False)
        for screen in self.screen_stack:
            if isinstance(screen, MainScreen):
                screen.theme_changed()

    # Start ------------------------------------------------------------------------

    def on_mount(self) -> None:
        if self._theme_problems:
            self.notify("\n".join(self._theme_problems), title="Theme problems", severity="error", timeout=12,
                        markup=False)
        self.theme_changed_signal.subscribe(self, self._theme_changed)
        self.collector.start()
        self.push_screen(MainScreen())
        if self.watch_database:
            self._open_watch()
            self.set_interval(POLL_SECONDS, self._poll_database, name="watch database")

    @property
    def main_screen(self) -> Optional[MainScreen]:
        for screen in self.screen_stack:
            if isinstance(screen, MainScreen):
                return screen
        return None

    # The database ---------------------------------------------------------------------

    @contextmanager
    def connection(self) -> Iterator[None]:
        """Each worker thread opens its own connection (Peewee's per-thread state) and closes it when done."""
        db = self.core.db
        opened = db.is_closed()
        if opened:
            db.connect()
        try:
            yield
        finally:
            if opened and not db.in_transaction():
                db.close()

    def _open_watch(self) -> None:
        try:
            self._watch = sqlite3.connect(str(self.db_path), check_same_thread=False)
            self._data_version = self._read_data_version()
        except sqlite3.Error:
            self._watch = None

    def _read_data_version(self) -> Optional[int]:
        if self._watch is None:
            return None
        try:
            return self._watch.execute("PRAGMA data_version").fetchone()[0]
        except sqlite3.Error:
            return None

    def refresh_data_version(self) -> None:
        """After our own write or load: what we show matches the database now."""
        version = self._read_data_version()
        if version is not None:
            self._data_version = version

    def _poll_database(self) -> None:
        # PRAGMA data_version reads a counter in shared memory: microseconds, no lock taken.
        version = self._read_data_version()
        if version is None or self._data_version is None:
            return
        if version != self._data_version:
            self._data_version = version
            main = self.main_screen
            if main is not None:
                main.post_message(messages.DataChangedElsewhere())

    # Commands ------------------------------------------------------------------------

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        """Our commands, once, in our words: the screen's own (a view's keys, or the main screen's),
        then the theme. Textual's own list (a second Quit, a keys panel, maximize, screenshot) is left out."""
        from .screens.view import ViewScreen

        main = self.main_screen
        if isinstance(screen, ViewScreen):
            for key in (*screen.view.keys, *VIEW_COMMON):
                if key.footer:
                    target = self if key.action.startswith("app.") else screen
                    yield SystemCommand(f"{key.title} ({key.shown_keys})", key.help,
                                        partial(target.run_action, key.action.removeprefix("app.")))
        elif main is not None:
            for command in all_commands():
                if not command.palette:
                    continue
                target = self if command.action.startswith("app.") else main
                action = command.action.removeprefix("app.")
                title = f"{command.title} ({command.shown_keys})" if command.keys else command.title
                yield SystemCommand(title, command.help,
                                    partial(target.run_action, action))
            for level in main.ladder.ordered:
                yield SystemCommand(
                    f"Filter to rung {main.ladder.label(level.rank)} ({level.rank})",
                    f"Show only contacts on this rung of the {main.ladder_key} ladder.",
                    partial(main.run_action, f"rung({level.rank})"),
                )
        yield SystemCommand("Theme", "Change the colours (remembered for next time).", self.action_change_theme)

    def push_screen(self, screen, *args, **kwargs):
        """Notifications are cleared when a popup opens: at 80 columns a stack of them covered the popup's
        text (a merge preview, a form's hint). What they said was about the step before; a failed save
        says why inside the reopened form."""
        from textual.screen import ModalScreen

        if isinstance(screen, ModalScreen):
            self.clear_notifications()
        return super().push_screen(screen, *args, **kwargs)

    def action_help(self) -> None:
        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())

    def action_open_view(self, view_id: str) -> None:
        for view in VIEWS:
            if view.id == view_id:
                module_name, class_name = view.target.split(":")
                module = importlib.import_module(f"relterm.tui.screens.{module_name}")
                self.push_screen(getattr(module, class_name)())
                return
        self.notify(f"No view called {view_id}.", severity="error", markup=False)

    async def action_quit(self) -> None:
        """Quit, but ask first when a popup holds typed input."""
        # Popups that hold typed input say so with ``is_dirty`` (see modals.base.FormModal).
        dirty = [screen for screen in self.screen_stack if getattr(screen, "is_dirty", False)]
        if dirty:
            from .modals.confirm import Confirm

            self.push_screen(Confirm("Discard what you typed in the open popup and quit?", yes="quit"),
                             self._quit_answer)
            return
        self.exit()

    def _quit_answer(self, answer: Optional[bool]) -> None:
        if answer:
            self.exit()

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.Key):
            self.collector.last_key = time.monotonic()  # see memory.py: collect only while no key is pressed
            if self.key_hold.take(event):
                return
        await super().on_event(event)

    def on_unmount(self) -> None:
        self.collector.restore()
        if self._watch is not None:
            self._watch.close()
            self._watch = None
