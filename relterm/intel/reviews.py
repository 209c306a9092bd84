"""Relationship reviews: a recurring look at a key relationship.

A review asks three questions: what is going well and should continue, what
is not providing value and should stop, and what new joint opportunities to
explore. The answers go on the timeline as a ``review`` event (the answers
in ``Event.data`` as JSON, keys ``continue``, ``stop`` and ``start``), and
the next review moves ``review_every_days`` on from the day of this one.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Optional

from .. import clock, store
from ..dates import as_date, check_days, parse_date, today as _today
from ..errors import InputError
from ..rules import counts_as_contact
from ..sanitize import clean_text
from ..store import Contact, Event

REVIEW_KIND = "review"
QUESTIONS = (
    ("continue", "What is going well and should continue?"),
    ("stop", "What is not providing value and should stop?"),
    ("start", "What new joint opportunities should you explore?"),
)


def schedule_review(
    core, cid: int, every_days: Optional[int], *, first: dt.date | str | None = None
) -> Optional[dt.date]:
    """Review ``cid`` every ``every_days`` days (None or 0 stops reviews); return the next review date.

    The first review is ``first`` when given, else ``every_days`` from today.
    """
    core.contact_record(cid)
    if every_days is not None:
        check_days(every_days, "review every", zero=True)
    if not every_days:
        with store.write(core.db):
            Contact.update(review_every_days=None, review_due=None).where(Contact.id == cid).execute()
        return None
    due = parse_date(first, what="first review") if first is not None else _today() + dt.timedelta(days=every_days)
    with store.write(core.db):
        Contact.update(review_every_days=every_days, review_due=due).where(Contact.id == cid).execute()
    return due


def record_review(
    core,
    cid: int,
    *,
    keep: str = "",
    stop: str = "",
    start: str = "",
    date: dt.date | str | None = None,
) -> tuple[int, Optional[dt.date]]:
    """Record a review's answers on the timeline; return (event id, next review date or None).

    ``keep`` answers "what should continue". At least one answer is needed.
    """
    contact = core.contact_record(cid)
    answers = {"continue": clean_text(keep).strip(), "stop": clean_text(stop).strip(), "start": clean_text(start).strip()}
    if not any(answers.values()):
        raise InputError("a review needs at least one answer (continue, stop or start)")
    when = parse_date(date, past=True)
    parts = [f"{key}: {value}" for key, value in answers.items() if value]
    summary = "Review. " + "; ".join(parts)
    every = contact.review_every_days
    next_due = when + dt.timedelta(days=every) if every else None
    with store.write(core.db):
        if REVIEW_KIND in core.config.kinds:
            event_id = core.log(cid, REVIEW_KIND, summary, date=when, data=answers)
        else:
            event_id = Event.create(
                contact=cid, date=when, kind=REVIEW_KIND, summary=clean_text(summary), data=json.dumps(answers),
                created_at=clock.now(),
            ).id
            if counts_as_contact(core.config, REVIEW_KIND):
                last = as_date(contact.last_interaction)
                if last is None or when > last:
                    Contact.update(last_interaction=when).where(Contact.id == cid).execute()
        Contact.update(review_due=next_due).where(Contact.id == cid).execute()
    return event_id, next_due
