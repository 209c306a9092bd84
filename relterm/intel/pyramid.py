"""The pyramid over time, and the sphere x level matrix.

The history replays the level-change events of a ladder (every contact has
one with from_rank None when added): a contact stands on the rung of their
last change on or before the end of the month, from the month they were
added, until the month they were archived. The current month ends today.
"""

from __future__ import annotations

import bisect
import calendar
import datetime as dt
from typing import Optional

from ..dates import today as _today
from ..domain import LEVEL_CHANGE
from ..errors import InputError
from .model import LevelHistory, Matrix


def month_ends(day: dt.date, months: int) -> list[dt.date]:
    """The last day of each of the ``months`` months up to ``day``'s month, which ends on ``day``."""
    result = []
    year, month = day.year, day.month
    for _ in range(months):
        result.append(dt.date(year, month, calendar.monthrange(year, month)[1]))
        month -= 1
        if month == 0:
            year, month = year - 1, 12
    result.reverse()
    result[-1] = day
    return result


def level_history(
    core, *, ladder: Optional[str] = None, months: int = 12, today: Optional[dt.date] = None
) -> LevelHistory:
    """How many contacts stood on each rung at the end of each of the last ``months`` months."""
    if months < 1 or months > 240:
        raise InputError("months: between 1 and 240")
    key, lad = core.ladder(ladder)
    ends = month_ends(today or _today(), months)
    iso_ends = [d.isoformat() for d in ends]
    counts: dict[int, list[int]] = {}
    rows = core.db.execute_sql(
        "SELECT e.contact_id, e.date, e.to_rank, substr(c.archived_at, 1, 10) FROM event e "
        "JOIN contact c ON c.id = e.contact_id WHERE e.kind = ? AND e.ladder = ? AND e.date <= ? "
        "ORDER BY e.contact_id, e.date, e.id",
        (LEVEL_CHANGE, key, iso_ends[-1]),
    )

    def flush(changes: list[tuple[str, Optional[int]]], archived: Optional[str]) -> None:
        dates = [d for d, _ in changes]
        for index, end in enumerate(iso_ends):
            if archived is not None and archived <= end:
                break
            pos = bisect.bisect_right(dates, end)
            if pos == 0:
                continue
            rank = changes[pos - 1][1]
            if rank is None:
                continue
            counts.setdefault(rank, [0] * months)[index] += 1

    current = None
    changes: list[tuple[str, Optional[int]]] = []
    archived_at = None
    for cid, date, to_rank, archived in rows:
        if cid != current:
            if changes:
                flush(changes, archived_at)
            current, changes, archived_at = cid, [], archived
        changes.append((str(date)[:10], to_rank))
    if changes:
        flush(changes, archived_at)
    ranks = sorted(set(lad.by_rank) | set(counts), reverse=True)
    return LevelHistory(
        key,
        tuple(d.strftime("%Y-%m") for d in ends),
        tuple(ends),
        tuple(ranks),
        {rank: tuple(counts.get(rank, [0] * months)) for rank in ranks},
    )


def matrix(core, *, ladder: Optional[str] = None) -> Matrix:
    """Active contacts counted by sphere and rank."""
    key, lad = core.ladder(ladder)
    counts: dict[tuple[str, Optional[int]], int] = {}
    for sphere, rank, n in core.db.execute_sql(
        "SELECT c.sphere, l.rank, COUNT(*) FROM contact c LEFT JOIN contact_level l "
        "ON l.contact_id = c.id AND l.ladder = ? WHERE c.archived_at IS NULL GROUP BY c.sphere, l.rank",
        (key,),
    ):
        counts[(sphere, rank)] = n
    spheres = list(core.config.spheres) + sorted({s for s, _ in counts if s not in core.config.spheres})
    ranks: list[Optional[int]] = [lv.rank for lv in lad.ordered]
    ranks += sorted({r for _, r in counts if r is not None and r not in lad.by_rank})
    if any(r is None for _, r in counts):
        ranks.append(None)
    return Matrix(key, tuple(spheres), tuple(ranks), counts)
