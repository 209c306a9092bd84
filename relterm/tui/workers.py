"""Database work off the UI thread, and the one way its result comes back.

``in_thread`` runs a function in a thread worker, with its own database
connection, and the caller awaits its return value on the UI thread (inside an
async ``@work`` worker or handler); an exception raised in the thread is
raised again at the ``await``. Nothing calls back into the screen from the
thread: the code after the ``await`` is the "loaded" step, and a result that
arrives after the worker was superseded is never seen (the await raises
``CancelledError``). The one exception is a progress report while a long call
runs (the import's progress bar), which is not a result.

``WorkersPart`` is the main screen's part (``screens/main.py``): ``run_db``
for the popup flows and the views, and the error report of a failed worker.
"""

from __future__ import annotations

import asyncio
from typing import Any, Callable, TypeVar

from textual.dom import DOMNode
from textual.screen import Screen
from textual.worker import Worker, WorkerCancelled, WorkerState

from ..errors import RelTermError

T = TypeVar("T")


async def in_thread(node: DOMNode, function: Callable[..., T], *args: Any, group: str = "db", **kwargs: Any) -> T:
    """``function(*args, **kwargs)`` run in a thread worker of ``node``, with a database connection of its own.

    Awaited on the UI thread: the return value, or the function's exception raised here. When the
    awaiting worker is cancelled (an exclusive worker started again) the thread worker is cancelled
    too (the function may check ``get_current_worker().is_cancelled``) and ``CancelledError`` is raised.
    """
    app = node.app

    def call() -> tuple[bool, Any]:
        with app.connection():
            try:
                return True, function(*args, **kwargs)
            except Exception as exc:  # handed to the awaiting side, raised there
                return False, exc

    worker = node.run_worker(call, thread=True, group=group, exit_on_error=False,
                             description=getattr(function, "__qualname__", "database call"))
    try:
        ok, value = await worker.wait()
    except (WorkerCancelled, asyncio.CancelledError):
        worker.cancel()
        raise asyncio.CancelledError() from None
    if not ok:
        raise value
    return value


class WorkersPart(Screen):
    """Database calls for the flows and views, and error reports (a Screen subclass so that Textual registers
    its handlers)."""

    async def run_db(self, function: Callable[..., Any], *args, **kwargs) -> tuple[bool, Any]:
        """Run a database write or read for a popup flow (this screen's or a view's) in a thread worker.

        (True, result), or (False, error) with the error reported to the user. Never raises.
        """
        try:
            value = await in_thread(self, function, *args, group="write", **kwargs)
        except Exception as exc:  # reported to the user; the app keeps running
            # A locked, read-only or damaged database, a full disk: the same words as the CLI's.
            from ..store import explain  # loaded by now: the app opens the store after its first frame

            error = exc if isinstance(exc, RelTermError) else explain(exc) or exc
            self.report(error)
            return False, error
        self.app.refresh_data_version()
        return True, value

    def report(self, error: BaseException) -> None:
        """A failed write or read, on screen as a notification."""
        from ..store import explain

        error = explain(error) or error
        if isinstance(error, RelTermError):
            self.notify(str(error), title="Not saved", severity="error", markup=False, timeout=8)
        else:
            self.notify(f"{type(error).__name__}: {error}", title="Unexpected error", severity="error",
                        markup=False, timeout=10)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        # A loader (rows, markers, card, history) that failed: the error it raised in its thread.
        if event.state == WorkerState.ERROR and event.worker.error is not None:
            self.report(event.worker.error)
        # A popup flow that ended without a popup (nothing to undo, the top rung already): the keys typed
        # meanwhile go on at once instead of waiting out the hold (typeahead.py).
        if event.worker.group == "flow" and event.worker.is_finished:
            hold = getattr(self.app, "key_hold", None)
            if hold is not None and hold.holding:
                hold.release()
