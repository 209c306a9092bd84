"""iCalendar export: birthdays, keep-in-touch due dates and scheduled reviews.

Every event's UID is derived from the contact's UID and what the event is
(``<uid>-birthday@relterm``), so importing a newer export into a calendar
updates the events instead of adding copies.

* Birthdays are yearly all-day events. A 29 February birthday recurs on the
  last day of February (RRULE BYMONTH=2;BYMONTHDAY=-1), so it shows on 28
  February in other years.
* Keep in touch: the last interaction (or the day the contact was added) plus
  the cadence (the contact's own, where 0 means none, else its level's
  cadence from the ladder config), not before a snooze ends.
* Reviews: Contact.review_due.
"""

from __future__ import annotations

import datetime as dt
from typing import Optional

from icalendar import Calendar, Event

from ..dates import as_date as _date, today as _today
from ..intel.agenda import keep_in_touch_snoozes, parse_birthday
from ..rules import date_added, effective_cadence
from ..rules import health as rule_health

PRODID = "-//relterm//relterm export//EN"


def all_day_event(uid: str, summary: str, day: dt.date, stamp: dt.datetime, description: str = "") -> Event:
    """A transparent all-day VEVENT on ``day`` (the export's events and the sync agenda's are all built here)."""
    event = Event()
    event.add("uid", uid)
    event.add("dtstamp", stamp)
    event.add("summary", summary)
    event.add("dtstart", day)
    event.add("dtend", day + dt.timedelta(days=1))
    event.add("transp", "TRANSPARENT")
    if description:
        event.add("description", description)
    return event


def cadence_for(core, contact: dict) -> Optional[int]:
    """Days between contacts: the contact's override (0 = none), else its level's cadence."""
    key, lad = core.ladder()
    return effective_cadence(lad, contact["ranks"].get(key), contact.get("cadence_days"))


def birthday_event(contact: dict, stamp: dt.datetime) -> Optional[Event]:
    parsed = parse_birthday(contact.get("birthday"))
    if parsed is None:
        return None
    year, month, day = parsed
    # A leap year when none is known, so 29 February is a valid start.
    start = dt.date(year if year is not None else 2000, month, day)
    event = all_day_event(f"{contact['uid']}-birthday@relterm", f"{contact['name']}'s birthday", start, stamp,
                     f"Born {start.isoformat()}" if year is not None else "")
    if (month, day) == (2, 29):
        event.add("rrule", {"freq": "yearly", "bymonth": 2, "bymonthday": -1})
    else:
        event.add("rrule", {"freq": "yearly"})
    event.add("categories", ["Birthday"])
    return event


def keep_in_touch_event(core, contact: dict, stamp: dt.datetime, today: dt.date,
                        snoozed: Optional[dt.date] = None) -> Optional[Event]:
    """The keep-in-touch date (relterm.rules.health), moved to the end of a snooze that runs past it."""
    cadence = cadence_for(core, contact)
    if not cadence:
        return None
    health = rule_health(_date(contact.get("last_interaction")), date_added(contact.get("created_at")), cadence,
                         today, snoozed)
    due = health.due_on
    if due is None:
        return None
    if health.snoozed_until and health.snoozed_until > due:
        due = health.snoozed_until
    last = _date(contact.get("last_interaction"))
    note = f"Last contact {last.isoformat()}; keep in touch every {cadence} days." if last else \
        f"No contact logged yet; keep in touch every {cadence} days."
    return all_day_event(f"{contact['uid']}-keep-in-touch@relterm", f"Keep in touch: {contact['name']}", due, stamp, note)


def review_event(contact: dict, stamp: dt.datetime) -> Optional[Event]:
    due = _date(contact.get("review_due"))
    if due is None:
        return None
    return all_day_event(f"{contact['uid']}-review@relterm", f"Review relationship: {contact['name']}", due, stamp,
                    "What is going well, what should stop, what new opportunities to explore.")


def calendar_text(core, contacts: list[dict], *, today: Optional[dt.date] = None) -> str:
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("x-wr-calname", "relterm")
    day = today or _today()
    stamp = dt.datetime.combine(day, dt.time(0, 0), tzinfo=dt.timezone.utc)
    snoozes = keep_in_touch_snoozes(core.db, day)
    for contact in contacts:
        snoozed = snoozes.get(contact["id"]) if "id" in contact else _date(contact.get("snoozed_until"))
        for event in (birthday_event(contact, stamp), keep_in_touch_event(core, contact, stamp, day, snoozed),
                      review_event(contact, stamp)):
            if event is not None:
                cal.add_component(event)
    return cal.to_ical().decode("utf-8")
