"""The brief: everything worth reading before a coffee with someone, gathered from the other parts.

Their profile link, where the relationship stands and what the next rung
asks (the same evidence as ``relterm suggest`` and the promote popup), the
last few entries of the timeline, the names they gave you that you have not
contacted yet, the give/ask ledger and any review. Wording is in
``relterm.present`` (``brief_lines``, ``brief_json``).
"""

from __future__ import annotations

import datetime as dt
from typing import Optional

from ..dates import as_date, today as _today
from ..rules import INTRODUCED_BY, LEVEL_CHANGE, in_person_kinds
from .model import Brief

RECENT = 5  # timeline entries shown
REVIEW_KIND = "review"


def brief(core, cid: int, *, recent: int = RECENT, today: Optional[dt.date] = None) -> Brief:
    from . import agenda, circles, ledger, suggest

    day = today or _today()
    card = core.card(cid)
    timeline = core.timeline(cid)
    shown = tuple(e for e in timeline if e.kind not in (LEVEL_CHANGE, INTRODUCED_BY))[:recent]
    last_review = next((e for e in timeline if e.kind == REVIEW_KIND), None)
    given = circles.names_given(core, cid)
    kinds = in_person_kinds(core.config)
    first, count = None, 0
    if kinds:
        marks = ",".join("?" * len(kinds))
        first, count = core.db.execute_sql(
            f"SELECT MIN(date), COUNT(*) FROM event WHERE contact_id = ? AND kind IN ({marks})", (cid, *kinds)
        ).fetchone()
    return Brief(
        contact_id=card.id, name=card.name, company=card.company, title=card.title, url=card.url,
        rank=card.ranks.get(core.config.default_ladder), introduced_by=card.introduced_by,
        evidence=suggest.evidence(core, cid, today=day), health=agenda.health_of_contact(core, cid, today=day),
        recent=shown, pending_names=tuple(g for g in given if not g.contacted), names_given=len(given),
        balance=ledger.balance(core, cid), review_due=card.review_due, review_every_days=card.review_every_days,
        last_review=last_review, first_in_person=as_date(first), in_person=count or 0, today=day,
    )
