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

# The one range of dates relterm accepts from anywhere (typed, imported, restored): 1 January 1900
# to the end of next year. Outside it a date is a typo or a placeholder (9999-12-31, 0001-01-01), and
# arithmetic on it (a cadence added to 9999-12-31) would overflow Python's dates.
MIN_DATE = dt.date(1900, 1, 1)

# Day counts (cadences, snoozes, review intervals, look-ahead windows) run from 1 to MAX_DAYS:
# ten years, far beyond any sensible interval and far inside Python's and SQLite's limits.
MAX_DAYS = 3650


def max_date(day: dt.date | None = None) -> dt.date:
    """The last date accepted: 31 December of next year (of ``day`` when given, else of today)."""
    return dt.date((day or today()).year + 1, 12, 31)


def check_date(value: dt.date, what: str = "date", *, day: dt.date | None = None) -> dt.date:
    """``value`` when it lies in the accepted range, else ``InputError`` naming ``what``. ``day`` is
    today when the caller has already read it (an import checks several dates per record)."""
    if isinstance(value, dt.datetime):
        value = value.date()
    high = max_date(day)
    if not MIN_DATE <= value <= high:
        raise InputError(f"{what} {value.isoformat()} is out of range; give a date from "
                         f"{MIN_DATE.isoformat()} to {high.isoformat()}")
    return value


def not_after_today(value: dt.date, what: str = "an interaction", *, day: dt.date | None = None) -> dt.date:
    """``value`` unless it is after today (``day``, when the caller has read it): things that happened
    cannot be dated in the future."""
    day = day or today()
    if value > day:
        raise InputError(f"{value.isoformat()} is after today ({day.isoformat()}); "
                         f"{what} cannot be dated in the future")
    return value


def check_days(value, what: str = "days", *, zero: bool = False) -> int:
    """A number of days from 1 to ``MAX_DAYS`` (0 too with ``zero``), or ``InputError`` naming ``what``."""
    low = 0 if zero else 1
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= MAX_DAYS:
        shown = repr(value) if not isinstance(value, int) or abs(value) < 10**12 else "that number"
        raise InputError(f"{what} must be a whole number of days from {low} to {MAX_DAYS}, not {shown}")
    return value


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


def parse_date(text: str | dt.date | None, *, base: dt.date | None = None, what: str = "date",
               past: bool = False) -> dt.date:
    """Turn what a user typed into a date in the accepted range (``check_date``), or raise ``InputError``.

    With ``past`` the date must not be after today (``not_after_today``): what happened, an
    interaction, a review, an introduction, a level change.
    """
    try:
        day = _parse(text, base)
    except (ValueError, OverflowError):  # "10000 years ago": before the first date Python knows
        day = None
    if day is None:
        raise InputError(f'{what} "{str(text).strip()}" is out of range; give a date from '
                         f"{MIN_DATE.isoformat()} to {max_date().isoformat()}")
    check_date(day, what)
    return not_after_today(day) if past else day


def _parse(text: str | dt.date | None, base: dt.date | None) -> dt.date:
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
    if match and match.group(1).isascii():
        count = match.group(1)
        n = 1 if count in ("a", "an", "one") else int(count)
        if n > 1_000_000:  # far out of range whatever the unit, and int() of 5,000 digits is slow
            raise ValueError(n)
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


# Birthdays ------------------------------------------------------------------------------------

_YEARLESS_MARKERS = {"1604", "0000"}  # Apple's omit-year and Android's "no year"
_BDAY_FULL = re.compile(r"^([0-9]{4})-?([0-9]{2})-?([0-9]{2})(?:[T ].*)?$")
_BDAY_NOYEAR = re.compile(r"^--([0-9]{2})-?([0-9]{2})$")


def is_birthday_form(text: str) -> bool:
    """Whether ``text`` is written as a birthday is stored or exchanged (1985-04-15, 19850415, --04-15)."""
    value = (text or "").strip()
    return bool(_BDAY_NOYEAR.match(value) or _BDAY_FULL.match(value))


def parse_birthday(text: str | None, *, omit_year: str | None = None, what: str = "birthday") -> str | None:
    """A birthday as relterm stores it: "YYYY-MM-DD", or "--MM-DD" without a year; the one check of
    birthdays, for the CLI, the forms, every importer and restored backups.

    Reads vCard 3.0/4.0 forms (1985-04-15, 19850415, --0415, --04-15) and Apple's
    X-APPLE-OMIT-YEAR=1604, so a year-less birthday never becomes the year 1604. A year-less
    day must exist in some year (--02-29 does, --02-30 does not); a full date must be a real
    date in the accepted range (``check_date``) and not after today. Returns None for an empty
    value; raises ``InputError`` otherwise.
    """
    value = (text or "").strip()
    if not value:
        return None
    if len(value) == 10 and value[4] == "-" == value[7] and value.isascii() and value[:4] not in _YEARLESS_MARKERS \
            and not omit_year:
        # The common form, "1985-04-15", read by the C parser (an import checks a hundred thousand of them);
        # anything it refuses takes the path below, which names the problem.
        try:
            return _dated_birthday(dt.date.fromisoformat(value), what)
        except ValueError:
            pass
    match = _BDAY_NOYEAR.match(value)
    year = None
    if match:
        month, day = int(match.group(1)), int(match.group(2))
    else:
        match = _BDAY_FULL.match(value)
        if not match:
            raise InputError(f'{what} "{value}" is not a date; give YYYY-MM-DD, or --MM-DD without a year')
        year, month, day = match.group(1), int(match.group(2)), int(match.group(3))
        if year in _YEARLESS_MARKERS or (omit_year and year == omit_year.strip()):
            year = None
    try:
        born = dt.date(int(year) if year is not None else 2000, month, day)  # 2000: a leap year, --02-29 passes
    except ValueError:
        raise InputError(f'{what} "{value}" is not a real date') from None
    if year is None:
        return f"--{month:02d}-{day:02d}"
    return _dated_birthday(born, what)


def _dated_birthday(born: dt.date, what: str) -> str:
    """A birthday with its year, as stored: in the accepted range and not after today."""
    day = today()
    check_date(born, what, day=day)
    return not_after_today(born, f"a {what}", day=day).isoformat()


def read_birthday(value: str | None) -> str | None:
    """A birthday as typed (the CLI's --birthday, the edit form): the stored forms (1985-04-15, --04-15)
    checked by the one birthday check, or "15 april 1985", "10 Dec" without a year."""
    if not value or not value.strip():
        return None
    text = value.strip()
    if is_birthday_form(text):
        return parse_birthday(text)
    day = parse_date(text, what="birthday")
    if not re.search(r"[0-9]{4}", text):  # "10 Dec": a day and month, not this year's date
        return f"--{day.month:02d}-{day.day:02d}"
    return parse_birthday(day.isoformat())
