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
import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

from icalendar import Alarm, Calendar

from ..dates import today as _today
from ..intel.model import BIRTHDAY, KEEP_IN_TOUCH, REVIEW, TO_CONTACT
from ..io.common import safe_file_stem
from ..io.ics import PRODID, all_day_event
from ..safewrite import clean_stale, fsync_dir, write_file
from .state import digest, signature

ALARM_AT = dt.timedelta(hours=9)  # after the start of the all-day event: 9:00 that day
# Bump when event_text writes other bytes for the same item, so every agenda file is rendered again.
RENDER_VERSION = 1


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


def event_key(uid: str, item, day: dt.date) -> str:
    """A digest of everything ``event_text`` depends on: equal keys give equal text, so a file
    whose key and signature match the last sync's is left alone without rendering it again."""
    summary, description = _wording(item, item.last_interaction)
    return digest(json.dumps([RENDER_VERSION, PRODID, str(ALARM_AT), uid, day.isoformat(), summary, description],
                             ensure_ascii=False).encode("utf-8"))


def wanted(core, days: int, today: dt.date | None = None) -> dict[str, tuple[str, object, dt.date]]:
    """file name -> (event UID, agenda item, day) for every agenda item in the next ``days`` days."""
    day = today or _today()
    items = core.intel.agenda(within=days, today=day)
    uids = dict(core.db.execute_sql("SELECT id, uid FROM contact WHERE archived_at IS NULL"))
    files: dict[str, tuple[str, object, dt.date]] = {}
    for item in items:
        uid = uids.get(item.contact_id)
        if uid is None:
            continue
        event_uid = f"{uid}-{item.item}@relterm"
        on = max(item.due_on, day) if item.item != BIRTHDAY else item.due_on
        files[f"{safe_file_stem(event_uid)}.ics"] = (event_uid, item, on)
    return files


def sync_agenda(core, directory: Path, days: int, *, dry_run: bool = False,
                today: dt.date | None = None, memory: Optional[dict] = None) -> AgendaResult:
    """Make ``directory`` hold exactly the agenda's files; unchanged files are not touched.

    ``memory`` (file name -> [key, signature], kept in the sync state and updated here) spares
    rendering and reading a file whose event is the same as last time and whose file nobody
    touched since; any other file is rendered and compared byte for byte."""
    result = AgendaResult()
    memory = {} if memory is None else memory
    files = wanted(core, days, today)
    present = {entry.name for entry in os.scandir(directory) if entry.name.endswith(".ics") and entry.is_file()} \
        if directory.is_dir() else set()
    database = core.db.database
    if not dry_run and directory.is_dir():
        clean_stale(directory)  # files a killed sync left half-written
    for name, (event_uid, item, on) in sorted(files.items()):
        target = directory / name
        key = event_key(event_uid, item, on)
        if name in present:
            known = memory.get(name)
            if known is not None and known[0] == key and known[1] == signature(target):
                result.unchanged += 1
                continue
            text = event_text(event_uid, item, on)
            try:
                if target.read_bytes() == text.encode("utf-8"):
                    result.unchanged += 1
                    if not dry_run:
                        memory[name] = [key, signature(target)]
                    continue
            except OSError:
                pass
        else:
            text = event_text(event_uid, item, on)
        result.written.append(name)
        if not dry_run:
            write_file(target, text, database=database, follow=False, batch=True)
            memory[name] = [key, signature(target)]
    for name in sorted(present - set(files)):
        result.removed.append(name)
        if not dry_run:
            try:
                (directory / name).unlink()
            except FileNotFoundError:
                pass
    if not dry_run:
        for name in set(memory) - set(files):
            del memory[name]
        if result.written or result.removed:
            fsync_dir(directory)
    return result
