"""Keeping Python's cycle collector out of the way of keys.

Opening a popup makes tens of thousands of small objects (widgets, styles, lines of text). Python's
cycle collector runs every 700 new objects by default, and every tenth run of the middle generation
becomes a full collection over everything not frozen; at 100k contacts these took 40 to 110 ms of a
key's 50 ms, at random keys. Measured with bench/bench_keys.py, three measures:

* While the app runs, the youngest generation is collected every ``YOUNG`` new objects instead
  of every 700: most of a popup's objects are freed by reference counting before a collection
  would look at them. It bounds how much cyclic garbage waits: a few MB. A full collection waits
  for ``OLD`` collections of the middle generation instead of 10 (20 million new objects instead
  of 2 million), so that keys pressed without a pause (the idle collection below never runs then)
  meet one about every 400 popups instead of every 40.
* On a large list, the rows and then their markers are frozen once loaded (``gc.freeze``): they
  live as long as the list and hold no cycles, and full collections skip them.
* On a large list, back on the contact list from a popup or a view, the app collects the young
  generations after ``YOUNG_IDLE_S`` seconds without a key (a few ms: the next popup starts with
  them empty), and everything after ``IDLE_S`` seconds without a key (20 to 200 ms at 100k, while
  the user is not waiting on the app; during a key it would count against the key). Nothing is
  frozen then: whatever is still held at that moment would never be freed (measured: frozen after
  each popup, 1.8 MB a popup stayed for good).

``restore`` undoes the threshold and the freezing when the app ends (tests run many apps in one process).
"""

from __future__ import annotations

import gc
import time

YOUNG = 20_000
OLD = 100
YOUNG_IDLE_S = 0.2
IDLE_S = 1.0


class CollectorPolicy:
    def __init__(self) -> None:
        self._threshold: tuple[int, ...] | None = None
        self.frozen = False  # whether this app has frozen objects
        self.last_key = 0.0  # time.monotonic() of the last key pressed (the app sets it)
        self._young_tidied = False

    def idle_for(self) -> float:
        """Seconds since the last key."""
        return time.monotonic() - self.last_key

    def begin_tidy(self) -> float:
        """Back on the list from a popup or a view: seconds until ``tidy_step`` is first due."""
        self._young_tidied = False
        return YOUNG_IDLE_S

    def tidy_step(self) -> float | None:
        """Collect what the idle time since the last key allows (see the module docstring); the seconds
        until the next step, or None when everything is collected."""
        idle = self.idle_for()
        if idle >= IDLE_S:
            self.tidy()
            return None
        if idle >= YOUNG_IDLE_S and not self._young_tidied:
            self.tidy_young()
            self._young_tidied = True
        return max((IDLE_S if self._young_tidied else YOUNG_IDLE_S) - idle, 0.05)

    def start(self) -> None:
        if self._threshold is None:
            self._threshold = gc.get_threshold()
            gc.set_threshold(YOUNG, self._threshold[1], OLD)

    def tidy_young(self) -> None:
        """Collect the two young generations (see the module docstring for when)."""
        gc.collect(1)

    def tidy(self) -> None:
        """Collect everything not frozen (see the module docstring for when)."""
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
