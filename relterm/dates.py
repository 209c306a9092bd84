"""Dates as users type them: "2026-11-01", "yesterday", "3 days ago", "last friday".

The common forms are parsed here directly (fast, no dependency loaded);
anything else goes to dateparser, imported only when needed because it costs
a noticeable fraction of a second to load.
"""

from __future__ import annotations

import datetime as dt
import re

from .clock import today  # noqa: F401  (re-exported: callers import today from here)
from .errors import InputError

_WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
_AGO = re.compile(r"^(\d+|a|an|one)\s+(day|week|month|year)s?\s+ago$")
_UNIT_DAYS = {"day": 1, "week": 7}




def as_date(value) -> dt.date | None:
    """A date from what the database or a dict holds: a date, a datetime, an ISO string, or nothing."""
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


def _months_back(day: dt.date, months: int) -> dt.date:
    month_index = day.year * 12 + day.month - 1 - months
    year, month = divmod(month_index, 12)
    month += 1
    import calendar

    last = calendar.monthrange(year, month)[1]
    return dt.date(year, month, min(day.day, last))


def parse_date(text: str | dt.date | None, *, base: dt.date | None = None) -> dt.date:
    """Turn what a user typed into a date, or raise ``InputError``."""
    if isinstance(text, dt.datetime):
        return text.date()
    if isinstance(text, dt.date):
        return text
    base = base or today()
    raw = (text or "").strip()
    value = raw.lower()
    if not value or value in ("today", "now"):
        return base
    if value == "yesterday":
        return base - dt.timedelta(days=1)
    if value == "tomorrow":
        return base + dt.timedelta(days=1)
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        pass
    match = _AGO.match(value)
    if match:
        count = match.group(1)
        n = 1 if count in ("a", "an", "one") else int(count)
        unit = match.group(2)
        if unit in _UNIT_DAYS:
            return base - dt.timedelta(days=n * _UNIT_DAYS[unit])
        if unit == "month":
            return _months_back(base, n)
        return _months_back(base, 12 * n)
    words = value.split()
    if len(words) == 2 and words[0] in ("last", "past") and words[1] in _WEEKDAYS:
        back = (base.weekday() - _WEEKDAYS.index(words[1])) % 7 or 7
        return base - dt.timedelta(days=back)
    if value in _WEEKDAYS:
        back = (base.weekday() - _WEEKDAYS.index(value)) % 7
        return base - dt.timedelta(days=back)
    return _dateparser(raw, base)


def _dateparser(raw: str, base: dt.date) -> dt.date:
    import dateparser

    settings = {
        "PREFER_DATES_FROM": "past",
        "RELATIVE_BASE": dt.datetime.combine(base, dt.time(12)),
        "RETURN_AS_TIMEZONE_AWARE": False,
        # Day first: "01/11/2026" is 1 November, and "10 Dec" is 10 December (with YMD dateparser
        # reads it as December 2010). Year-first forms such as 2026/11/01 still parse as such.
        "DATE_ORDER": "DMY",
    }
    try:
        parsed = dateparser.parse(raw, languages=["en"], settings=settings)
    except Exception:  # dateparser raises assorted errors on odd input
        parsed = None
    if parsed is None:
        raise InputError(
            f'cannot read "{raw}" as a date; try 2026-11-01, "yesterday", '
            '"3 days ago" or "last friday"'
        )
    return parsed.date()
