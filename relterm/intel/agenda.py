"""The agenda: whom to reach out to now.

A contact's keep-in-touch cadence is their own ``cadence_days`` when set
(0: none), else the cadence of their level on the default ladder (none when
the level has no cadence, or the rank is missing from an edited ladder). The
clock starts at the last interaction; for a contact with no interaction at
all it starts on the day they were added. A contact is *due* on the day the
days since reach the cadence and *overdue* after it.

The agenda lists, in this order and most urgent first within each part:
keep-in-touch items (overdue, due, and with ``within`` those falling due in
the next days), reviews due, names waiting to be contacted (listed there
only, not again under keep-in-touch), and birthdays in the next 14 days (or
``within`` days when more). Snoozed items are left out:
``Contact.snoozed_until`` snoozes everything about a person, an
``agenda_snooze`` row one item.

Everything here is one SQL query per part over plain tuples, so the agenda
of 100,000 contacts takes a fraction of a second.
"""

from __future__ import annotations

import calendar
import datetime as dt
from typing import Iterable, Optional, Sequence

from .. import store
from ..config import Ladder
from ..dates import as_date, check_days, today as _today
from ..domain import ContactRow
from ..errors import InputError
from ..rules import clock_start, date_added, effective_cadence, health, snoozed_until
from ..sanitize import clean_line
from .model import (
    BIRTHDAY,
    DUE,
    ITEM_KINDS,
    KEEP_IN_TOUCH,
    NO_CADENCE,
    ON_TRACK,
    OVERDUE,
    REVIEW,
    TO_CONTACT,
    AgendaItem,
    Health,
)

BIRTHDAY_WINDOW = 14


# Cadence and health ----------------------------------------------------------------------


def health_for_rows(
    core, rows: Sequence[ContactRow], *, ladder: Optional[str] = None, today: Optional[dt.date] = None
) -> dict[int, Health]:
    """contact id -> Health for the given rows (their rank must be on ``ladder``, the default)."""
    key, lad = core.ladder(ladder)
    if key != core.config.default_ladder:
        # Cadences follow the default ladder: look the ranks up there.
        ranks = dict(core.db.execute_sql(
            "SELECT contact_id, rank FROM contact_level WHERE ladder = ?", (core.config.default_ladder,)
        ).fetchall())
        lad = core.config.ladder
    else:
        ranks = None
    day = today or _today()
    snoozes = keep_in_touch_snoozes(core.db, day) if rows else {}
    result: dict[int, Health] = {}
    cadence_of: dict = {}
    ordinal = day.toordinal()
    fromordinal = dt.date.fromordinal
    due_dates: dict[int, dt.date] = {}
    for row in rows:
        cid = row.id
        rank = ranks.get(cid) if ranks is not None else row.rank
        cache_key = (rank, row.cadence_days)
        cadence = cadence_of.get(cache_key, -1)
        if cadence == -1:
            cadence = cadence_of[cache_key] = effective_cadence(lad, rank, row.cadence_days)
        # rules.health, unrolled: this runs for 100k rows while the list is on screen.
        start = clock_start(row.last_interaction, row.added)
        until = snoozes.get(cid) if snoozes else None
        if start is None:
            result[cid] = Health(NO_CADENCE, cadence, None, None, None, until)
            continue
        since = ordinal - start.toordinal()
        if not cadence:
            result[cid] = Health(NO_CADENCE, cadence, since, None, None, until)
            continue
        over = since - cadence
        due_ordinal = ordinal - over
        due_on = due_dates.get(due_ordinal)
        if due_on is None:
            due_on = due_dates[due_ordinal] = fromordinal(due_ordinal)
        state = OVERDUE if over > 0 else DUE if over == 0 else ON_TRACK
        result[cid] = Health(state, cadence, since, due_on, over, until)
    return result


def keep_in_touch_snoozes(db, day: dt.date, cid: Optional[int] = None) -> dict[int, dt.date]:
    """contact id -> until when their keep-in-touch is snoozed (rules.snoozed_until), for snoozes ahead of ``day``."""
    one, params = (" AND contact_id = ?", [cid]) if cid is not None else ("", [])
    items = dict(db.execute_sql(
        f"SELECT contact_id, until FROM agenda_snooze WHERE item = ? AND until > ?{one}",
        [KEEP_IN_TOUCH, day.isoformat()] + params,
    ))
    one = " AND id = ?" if cid is not None else ""
    people = dict(db.execute_sql(f"SELECT id, snoozed_until FROM contact WHERE snoozed_until > ?{one}",
                                 [day.isoformat()] + params))
    return {
        who: until
        for who in set(items) | set(people)
        if (until := snoozed_until(as_date(people.get(who)), as_date(items.get(who)), day)) is not None
    }


def health_of_contact(core, cid: int, *, today: Optional[dt.date] = None) -> Health:
    """Health of one contact."""
    lad = core.config.ladder
    row = core.db.execute_sql(
        "SELECT c.last_interaction, substr(c.created_at, 1, 10), c.cadence_days, l.rank FROM contact c "
        "LEFT JOIN contact_level l ON l.contact_id = c.id AND l.ladder = ? WHERE c.id = ?",
        (core.config.default_ladder, cid),
    ).fetchone()
    if row is None:
        return Health(NO_CADENCE, None, None, None, None)
    last, added, override, rank = row
    day = today or _today()
    return health(as_date(last), date_added(added), effective_cadence(lad, rank, override), day,
                  keep_in_touch_snoozes(core.db, day, cid).get(cid))


def urgency_key(health: Optional[Health]) -> tuple:
    """Sort key, most urgent first: most days over, then soonest due; no cadence last."""
    if health is None or health.days_over is None:
        return (1, 0)
    return (0, -health.days_over)


def sort_by_urgency(rows: Sequence[ContactRow], health: dict[int, Health]) -> list[ContactRow]:
    """Rows most urgent first (stable: equally urgent rows keep their order)."""
    return sorted(rows, key=lambda row: urgency_key(health.get(row.id)))


# Birthdays ---------------------------------------------------------------------------------


def parse_birthday(text: Optional[str]) -> Optional[tuple[Optional[int], int, int]]:
    """(year or None, month, day) from "YYYY-MM-DD" or "--MM-DD"; None when unreadable."""
    if not text:
        return None
    value = text.strip()
    try:
        if value.startswith("--"):
            month, day = int(value[2:4]), int(value[-2:])
            year = None
            dt.date(2000, month, day)  # 2000 is a leap year: 29 Feb passes
        else:
            parsed = dt.date.fromisoformat(value[:10])
            year, month, day = parsed.year, parsed.month, parsed.day
    except ValueError:
        return None
    return year, month, day


def birthday_in(year: int, month: int, day: int) -> dt.date:
    """The birthday in ``year``; 29 February is kept on 28 February in years without it."""
    if month == 2 and day == 29 and not calendar.isleap(year):
        return dt.date(year, 2, 28)
    return dt.date(year, month, day)


def next_birthday(text: Optional[str], today: dt.date) -> Optional[tuple[dt.date, Optional[int]]]:
    """(the next birthday on or after today, the age turned then or None)."""
    parsed = parse_birthday(text)
    if parsed is None:
        return None
    born, month, day = parsed
    when = birthday_in(today.year, month, day)
    if when < today:
        when = birthday_in(today.year + 1, month, day)
    age = when.year - born if born is not None else None
    if age is not None and age < 0:
        age = None
    return when, age


# The agenda --------------------------------------------------------------------------------


def _cadence_case(ladder: Ladder) -> tuple[str, list]:
    """SQL for a contact's effective cadence (NULL for none), and its parameters."""
    whens = []
    params: list = []
    for level in ladder.ordered:
        if level.cadence_days:
            whens.append("WHEN ? THEN ?")
            params += [level.rank, level.cadence_days]
    level_case = f"(CASE l.rank {' '.join(whens)} ELSE NULL END)" if whens else "NULL"
    sql = f"(CASE WHEN c.cadence_days IS NULL THEN {level_case} WHEN c.cadence_days > 0 THEN c.cadence_days ELSE NULL END)"
    return sql, params


def _snoozes(db, day: dt.date) -> dict[tuple[int, str], dt.date]:
    rows = db.execute_sql(
        "SELECT contact_id, item, until FROM agenda_snooze WHERE until > ?", (day.isoformat(),)
    )
    return {(cid, item): as_date(until) for cid, item, until in rows}


def agenda(
    core,
    *,
    within: int = 0,
    include_snoozed: bool = False,
    items: Iterable[str] = ITEM_KINDS,
    today: Optional[dt.date] = None,
) -> list[AgendaItem]:
    """Everything to do now (and in the next ``within`` days), most urgent first within each part."""
    check_days(within, "the agenda window (within)", zero=True)
    wanted = set(items)
    unknown = wanted - set(ITEM_KINDS)
    if unknown:
        raise InputError(f"unknown agenda item {sorted(unknown)[0]!r}; items: {', '.join(ITEM_KINDS)}")
    day = today or _today()
    horizon = day + dt.timedelta(days=within)
    key = core.config.default_ladder
    lad = core.config.ladder
    db = core.db
    snoozes = _snoozes(db, day)
    result: list[AgendaItem] = []

    def snoozed(cid: int, item: str, person_until) -> Optional[dt.date]:
        return snoozed_until(as_date(person_until), snoozes.get((cid, item)), day)

    base = (
        "FROM contact c LEFT JOIN contact_level l ON l.contact_id = c.id AND l.ladder = ? "
        "LEFT JOIN contact i ON i.id = c.introduced_by_id WHERE c.archived_at IS NULL"
    )
    columns = "c.id, c.name, l.rank, c.last_interaction, substr(c.created_at, 1, 10), c.snoozed_until, i.name"

    if KEEP_IN_TOUCH in wanted:
        cadence_sql, params = _cadence_case(lad)
        sql = (
            f"SELECT {columns}, {cadence_sql} AS cad {base} AND c.to_contact = 0 AND cad IS NOT NULL "
            f"AND {store.days_between_sql(store.clock_start_sql('c'), '?')} >= cad"
        )
        part = []
        for cid, name, rank, last, added, person_snooze, intro, cadence in db.execute_sql(
            sql, params + [key, horizon.isoformat()]
        ):
            last_d = as_date(last)
            added_d = date_added(added)
            until = snoozed(cid, KEEP_IN_TOUCH, person_snooze)
            h = health(last_d, added_d, cadence, day, until)
            if until and not include_snoozed:
                continue
            if last_d is None:
                since = f"never contacted; added {h.days_since} days ago"
            elif clock_start(last_d, added_d) == last_d:
                since = f"last contact {h.days_since} days ago"
            else:
                since = f"added {h.days_since} days ago; last contact {last_d.isoformat()} was before that"
            status = h.state if h.state != ON_TRACK else "upcoming"
            when = (
                f"{h.days_over} days overdue" if h.days_over > 0 else "due today" if h.days_over == 0
                else f"due in {-h.days_over} days"
            )
            part.append(AgendaItem(
                KEEP_IN_TOUCH, cid, name, rank, lad.level_name(rank), h.due_on, h.days_over, status,
                f"{when}; {since}; every {cadence} days", last_d, cadence, intro, None, until,
            ))
        part.sort(key=lambda it: (-it.days_over, -(it.rank if it.rank is not None else -1), it.name.lower()))
        result += part

    if REVIEW in wanted:
        part = []
        for cid, name, rank, last, added, person_snooze, intro, due, every in db.execute_sql(
            f"SELECT {columns}, c.review_due, c.review_every_days {base} "
            "AND c.review_due IS NOT NULL AND c.review_due <= ?",
            (key, horizon.isoformat()),
        ):
            due_d = as_date(due)
            until = snoozed(cid, REVIEW, person_snooze)
            if until and not include_snoozed:
                continue
            over = (day - due_d).days
            status = OVERDUE if over > 0 else DUE if over == 0 else "upcoming"
            when = f"{over} days overdue" if over > 0 else "due today" if over == 0 else f"due in {-over} days"
            repeat = f"; every {every} days" if every else ""
            part.append(AgendaItem(
                REVIEW, cid, name, rank, lad.level_name(rank), due_d, over, status,
                f"relationship review {when}{repeat}", as_date(last), None, intro, None, until,
            ))
        part.sort(key=lambda it: (-it.days_over, it.name.lower()))
        result += part

    if TO_CONTACT in wanted:
        part = []
        for cid, name, rank, last, added, person_snooze, intro, given in db.execute_sql(
            f"SELECT {columns}, (SELECT MIN(e.date) FROM event e WHERE e.contact_id = c.id AND e.kind = 'level-change') "
            f"{base} AND c.to_contact = 1",
            (key,),
        ):
            given_d = as_date(given) or as_date(added)
            until = snoozed(cid, TO_CONTACT, person_snooze)
            if until and not include_snoozed:
                continue
            waiting = (day - given_d).days
            who = f"named by {intro}" if intro else "a name to contact"
            part.append(AgendaItem(
                TO_CONTACT, cid, name, rank, lad.level_name(rank), given_d, waiting,
                DUE, f"{who}; waiting {waiting} days", as_date(last), None, intro,
                None, until,
            ))
        part.sort(key=lambda it: (-it.days_over, it.name.lower()))
        result += part

    if BIRTHDAY in wanted:
        window = max(BIRTHDAY_WINDOW, within)
        part = []
        sql = f"SELECT {columns}, c.birthday {base} AND c.birthday IS NOT NULL AND c.birthday != ''"
        params = [key]
        if window < 366:
            # Only the month-days in the window ("MM-DD" ends both birthday forms).
            days = {(day + dt.timedelta(days=n)).strftime("%m-%d") for n in range(window + 1)}
            if "02-28" in days:
                days.add("02-29")
            sql += f" AND substr(c.birthday, -5) IN ({','.join('?' * len(days))})"
            params += sorted(days)
        for cid, name, rank, last, added, person_snooze, intro, birthday in db.execute_sql(sql, params):
            found = next_birthday(birthday, day)
            if found is None:
                continue
            when, age = found
            left = (when - day).days
            if left > window:
                continue
            until = snoozed(cid, BIRTHDAY, person_snooze)
            if until and not include_snoozed:
                continue
            text = "birthday today" if left == 0 else f"birthday in {left} days ({when.strftime('%a %d %b')})"
            if age is not None:
                text += f", turning {age}"
            part.append(AgendaItem(
                BIRTHDAY, cid, name, rank, lad.level_name(rank), when, -left, DUE if left == 0 else "upcoming",
                text, as_date(last), None, intro, age, until,
            ))
        part.sort(key=lambda it: (-it.days_over, it.name.lower()))
        result += part
    return result


# Snoozing ------------------------------------------------------------------------------------


def snooze(
    core, cid: int, days: int, *, item: Optional[str] = None, today: Optional[dt.date] = None
) -> Optional[dt.date]:
    """Hide ``item`` (or, when None, everything) about a contact for ``days`` days; 0 clears.

    Returns the date the item comes back, or None when cleared.
    """
    check_days(days, "snooze", zero=True)  # 0 clears the snooze
    if item is not None:
        item = clean_line(item).lower()
        if item not in ITEM_KINDS:
            raise InputError(f"unknown agenda item {item!r}; items: {', '.join(ITEM_KINDS)}")
    core.contact_record(cid)
    day = today or _today()
    until = day + dt.timedelta(days=days) if days else None
    from ..store import AgendaSnooze, Contact

    with store.write(core.db):
        if item is None:
            Contact.update(snoozed_until=until).where(Contact.id == cid).execute()
            if until is None:
                AgendaSnooze.delete().where(AgendaSnooze.contact == cid).execute()
        elif until is None:
            AgendaSnooze.delete().where((AgendaSnooze.contact == cid) & (AgendaSnooze.item == item)).execute()
        else:
            (AgendaSnooze.insert(contact=cid, item=item, until=until)
             .on_conflict(conflict_target=[AgendaSnooze.contact, AgendaSnooze.item], update={AgendaSnooze.until: until})
             .execute())
    return until
