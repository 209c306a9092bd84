"""Database work off the UI thread, and how its errors reach the user.

A part of ``MainScreen`` (``screens/main.py``), kept in its own module.
"""

from __future__ import annotations

from typing import Any, Callable

from textual.screen import Screen
from textual.worker import Worker, WorkerState

from ..errors import RelTermError


class WorkersPart(Screen):
    """Thread workers for database calls, and error reports (a Screen subclass so that Textual registers its
    handlers)."""

    # Database work from flows --------------------------------------------------------

    async def _db(self, function: Callable[..., Any], *args, **kwargs) -> tuple[bool, Any]:
        """Run ``function`` in a thread worker; (True, result) or (False, error). Never raises."""

        def call() -> tuple[bool, Any]:
            with self.app.connection():
                try:
                    return True, function(*args, **kwargs)
                except RelTermError as exc:
                    return False, exc
                except Exception as exc:  # reported to the user; the app keeps running
                    # A locked, read-only or damaged database, a full disk: the same words as the CLI's.
                    from ..store import explain

                    return False, explain(exc) or exc

        worker = self.run_worker(call, thread=True, group="write", exit_on_error=False)
        await worker.wait()
        ok, value = worker.result
        if not ok:
            self._report(value)
        else:
            self.app.refresh_data_version()
        return ok, value

    def _report(self, error: BaseException) -> None:
        from ..store import explain  # loaded by now: the app opens the store after its first frame

        error = explain(error) or error
        if isinstance(error, RelTermError):
            self.notify(str(error), title="Not saved", severity="error", markup=False, timeout=8)
        else:
            self.notify(f"{type(error).__name__}: {error}", title="Unexpected error", severity="error",
                        markup=False, timeout=10)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state == WorkerState.ERROR and event.worker.error is not None:
            self._report(event.worker.error)

