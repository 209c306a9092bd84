"""Keeping Python's cycle collector out of the way of keys.

Opening a popup makes tens of thousands of small objects (widgets, styles, lines of text). Python's
cycle collector runs every 700 new objects by default, and every tenth run of the middle generation
becomes a full collection over everything not frozen; at 100k contacts these took 40 to 110 ms of a
key's 50 ms, at random keys. Two measures, measured with bench/bench_keys.py:

* While the app runs, the youngest generation is collected every ``YOUNG`` new objects instead
  of every 700: most of a popup's objects are freed by reference counting before a collection
  would look at them. Memory is not at risk: it bounds how much cyclic garbage waits, a few MB.
* On a large list, the rows and then their markers are frozen once loaded (``gc.freeze``): they
  live as long as the list and hold no cycles, and full collections then skip them. When the user
  is back on the contact list from a popup or a view, the app collects once ``IDLE_S`` seconds
  later, freeing what the popup left there and then rather than during a later key. Nothing is
  frozen then: whatever is still held at that moment (a popup Textual is still taking down) would
  never be freed.

``restore`` undoes both when the app ends (tests run many apps in one process).
"""

from __future__ import annotations

import gc

YOUNG = 20_000
IDLE_S = 0.25


class CollectorPolicy:
    def __init__(self) -> None:
        self._threshold: tuple[int, ...] | None = None
        self.frozen = False  # whether this app has frozen objects

    def start(self) -> None:
        if self._threshold is None:
            self._threshold = gc.get_threshold()
            gc.set_threshold(YOUNG, *self._threshold[1:])

    def tidy(self) -> None:
        """Collect now (see the module docstring for when)."""
        gc.collect()

    def freeze(self) -> None:
        """Freeze what is alive: just after a large list or its markers are loaded."""
        gc.freeze()
        self.frozen = True

    def restore(self) -> None:
        if self._threshold is not None:
            gc.set_threshold(*self._threshold)
            self._threshold = None
        if self.frozen:
            gc.unfreeze()  # back to the oldest generation: collectable again
            self.frozen = False
