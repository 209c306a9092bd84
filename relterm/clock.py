"""The one clock every part of relterm reads.

"Today" decides who is due, what an agenda shows and what a stored timestamp
says; reading the system clock in more than one place let those drift apart
(a test froze today but an archive was stamped with the real date). Everything
asks this module instead. ``RELTERM_TODAY`` (an ISO date) freezes the date for
tests, demos and reproducing a user's report; the time of day keeps running so
that rows written one after another still sort in the order they were written.
"""

from __future__ import annotations

import datetime as dt
import functools
import os


def _system_now() -> dt.datetime:
    return dt.datetime.now()


def now() -> dt.datetime:
    """The current local time to the second, on the frozen date when ``RELTERM_TODAY`` is set."""
    real = _system_now().replace(microsecond=0)
    frozen = os.environ.get("RELTERM_TODAY")
    if frozen:
        return dt.datetime.combine(dt.date.fromisoformat(frozen), real.time())
    return real


def today() -> dt.date:
    """Today's date, as :func:`now` sees it. Cheap: an import asks for it per record and field."""
    frozen = os.environ.get("RELTERM_TODAY")
    if frozen:
        return _frozen_day(frozen)
    return _system_now().date()


@functools.lru_cache(maxsize=8)
def _frozen_day(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def stamp() -> str:
    """A compact timestamp for file names (backups, exports): ``YYYYmmdd-HHMMSS``."""
    return now().strftime("%Y%m%d-%H%M%S")
