"""`relterm sync` from the app: S (or the palette), the same engine as the CLI.

A part of ``MainScreen``. The sync runs in a thread worker (``in_thread``),
so the list, the card and every key stay live while it reads the vdir,
writes cards and waits for vdirsyncer. A status line above the footer
shows the phase: the engine's progress callback (in the thread) only sets
a text the UI thread reads on a timer, so nothing calls into the screen
from the thread. At the end the summary is the CLI's last line
(``present.sync_summary``), skipped cards and a failed vdirsyncer come as
their own notifications, and the list and the card are read again.

One sync at a time: a second S while one runs is answered with a note. When
sync is not set up, the note says how (`relterm sync init --url URL`).
"""

from __future__ import annotations

from pathlib import Path
from textual import work
from textual.screen import Screen
from textual.widgets import Static

from ...errors import RelTermError
from ...sanitize import clean_for_terminal
from ..workers import in_thread

SYNC_GROUP = "sync"
STATUS_ID = "sync-status"


class _Phase:
    """The phase the sync thread is in: set there, read by the UI thread's timer (one attribute)."""

    def __init__(self) -> None:
        self.text = "Starting the sync"

    def __call__(self, text: str) -> None:
        self.text = text


def sync_paths(app):
    """Where `relterm sync` keeps its vdirs and settings for the app's database."""
    from ... import paths
    from ...sync import SyncPaths

    config_dir = app.config_dir if app.config_dir is not None else paths.config_dir(None)
    return SyncPaths.for_database(Path(app.db_path), Path(config_dir))


class SyncPart(Screen):
    """The sync key and its worker (a Screen subclass so that Textual registers its handlers)."""

    def sync_running(self) -> bool:
        return any(worker.group == SYNC_GROUP and not worker.is_finished for worker in self.workers)

    def action_sync(self, use_vdirsyncer: bool = True) -> None:
        if self.sync_running():
            self.notify("A sync is already running; its summary follows when it ends.", severity="warning",
                        timeout=3)
            return
        self.sync_flow(use_vdirsyncer)

    def _sync_status(self, text: str) -> None:
        try:
            line = self.query_one(f"#{STATUS_ID}", Static)
        except Exception:  # the screen is closing
            return
        line.update(clean_for_terminal(text))

    @work(exit_on_error=False, group=SYNC_GROUP)
    async def sync_flow(self, use_vdirsyncer: bool) -> None:
        from ... import sync as _sync
        from ...present import sync_summary

        paths = sync_paths(self.app)
        phase = _Phase()

        def run():
            settings = _sync.load(paths)  # InputError when sync is not set up: said below, not a failure
            _sync.engine.check_ready(paths)
            return _sync.run_sync(self.core, paths, settings, use_vdirsyncer=use_vdirsyncer, progress=phase)

        line = Static(phase.text, id=STATUS_ID, markup=False)
        await self.mount(line, before=self.query_one("AppFooter"))
        timer = self.set_interval(0.1, lambda: self._sync_status(f"Sync: {phase.text}…"))
        try:
            report = await in_thread(self, run, group="sync-thread")
        except RelTermError as exc:
            self.notify(str(exc), title="Sync not done", severity="warning", markup=False, timeout=8)
            return
        except Exception as exc:  # a locked or damaged database, a full disk: reported, the app runs on
            self.report(exc)
            return
        finally:
            timer.stop()
            await line.remove()
        self.app.refresh_data_version()
        self.notify(clean_for_terminal(sync_summary(report)), title="Sync", markup=False, timeout=10)
        if report.problems:
            shown = report.problems[:5] + ([f"… and {len(report.problems) - 5} more (relterm sync --status)"]
                                          if len(report.problems) > 5 else [])
            self.notify(clean_for_terminal("\n".join(shown)), title="Skipped cards", severity="warning",
                        markup=False, timeout=10)
        if report.vdirsyncer_error:
            self.notify(clean_for_terminal(f"{report.vdirsyncer_error}; relterm's vdirs are up to date, "
                                           "sync again later"), title="vdirsyncer", severity="error",
                        markup=False, timeout=12)
        self.reload_quietly()
