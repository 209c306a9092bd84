"""The agenda vdir: one .ics file per agenda item, for a phone's calendar.

Each item of ``core.intel.agenda(within=days)`` (keep in touch, reviews,
names to contact, birthdays) is an all-day VEVENT with a VALARM at 9:00 on
its day (phones show VEVENTs everywhere; VTODO support is patchy). Items
already overdue sit on today, so the reminder shows where the phone looks.
The UID is the contact's UID and the item (``<uid>-keep-in-touch@relterm``,
the names ``relterm export --format ics`` uses), the file is named after it,
and the text depends only on the item's date and wording: a file is
rewritten only when its date (or name) moves, and removed when the item is
done or snoozed past. The directory is relterm's: files it did not write are
removed too, and edits made in the calendar are overwritten (one way).
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass, field
from pathlib import Path

from icalendar import Alarm, Calendar

from ..dates import today as _today
from ..intel.model import BIRTHDAY, KEEP_IN_TOUCH, REVIEW, TO_CONTACT
from ..io.common import safe_file_stem, write_private
from ..io.ics import PRODID, all_day_event

ALARM_AT = dt.timedelta(hours=9)  # after the start of the all-day event: 9:00 that day


@dataclass
class AgendaResult:
    written: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    unchanged: int = 0


def _wording(item, last: dt.date | None) -> tuple[str, str]:
    if item.item == KEEP_IN_TOUCH:
        since = f"Last contact {last.isoformat()}" if last else "No contact logged yet"
        return f"Keep in touch: {item.name}", f"{since}; keep in touch every {item.cadence_days} days."
    if item.item == REVIEW:
        return (f"Review relationship: {item.name}",
                "What is going well, what should stop, what new opportunities to explore.")
    if item.item == TO_CONTACT:
        who = f"{item.introduced_by} gave you this name" if item.introduced_by else "A name to contact"
        return f"Contact {item.name}", f"{who}."
    if item.item == BIRTHDAY:
        return f"{item.name}'s birthday", f"Turning {item.age}." if item.age else ""
    return f"{item.item}: {item.name}", ""


def event_text(uid: str, item, day: dt.date) -> str:
    summary, description = _wording(item, item.last_interaction)
    # DTSTAMP from the event's own day, so the same item always gives the same bytes.
    stamp = dt.datetime.combine(day, dt.time(0, 0), tzinfo=dt.timezone.utc)
    event = all_day_event(uid, summary, day, stamp, description)
    alarm = Alarm()
    alarm.add("action", "DISPLAY")
    alarm.add("description", summary)
    alarm.add("trigger", ALARM_AT)
    event.add_component(alarm)
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add_component(event)
    return cal.to_ical().decode("utf-8")


def wanted(core, days: int, today: dt.date | None = None) -> dict[str, str]:
    """file name -> .ics text for every agenda item in the next ``days`` days."""
    day = today or _today()
    items = core.intel.agenda(within=days, today=day)
    uids = dict(core.db.execute_sql("SELECT id, uid FROM contact WHERE archived_at IS NULL"))
    files: dict[str, str] = {}
    for item in items:
        uid = uids.get(item.contact_id)
        if uid is None:
            continue
        event_uid = f"{uid}-{item.item}@relterm"
        on = max(item.due_on, day) if item.item != BIRTHDAY else item.due_on
        files[f"{safe_file_stem(event_uid)}.ics"] = event_text(event_uid, item, on)
    return files


def sync_agenda(core, directory: Path, days: int, *, dry_run: bool = False,
                today: dt.date | None = None) -> AgendaResult:
    """Make ``directory`` hold exactly the agenda's files; unchanged files are not touched."""
    result = AgendaResult()
    files = wanted(core, days, today)
    present = {entry.name for entry in os.scandir(directory) if entry.name.endswith(".ics") and entry.is_file()} \
        if directory.is_dir() else set()
    for name, text in sorted(files.items()):
        target = directory / name
        if name in present:
            try:
                if target.read_bytes() == text.encode("utf-8"):
                    result.unchanged += 1
                    continue
            except OSError:
                pass
        result.written.append(name)
        if not dry_run:
            write_private(target, text)
    for name in sorted(present - set(files)):
        result.removed.append(name)
        if not dry_run:
            try:
                (directory / name).unlink()
            except FileNotFoundError:
                pass
    return result
