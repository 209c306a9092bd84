"""Give before you ask: the ledger of referrals and introductions, and the ask warning.

Interaction kinds carry a direction in the config (``given``, ``received``,
``ask``), stored with each event. A kind whose key mentions "referral" is
counted as a referral, any other given/received kind as an introduction.
The balance with a contact is what you gave minus what you received and
asked for.

Logging an ask against someone whose level has ``ask_ok: false`` is likely
too early: ``ask_warning`` returns the text to show (the CLI then wants
``--force``, the TUI a second confirmation), and the warning is kept on the
event.
"""

from __future__ import annotations

from typing import Optional

from .. import rules
from ..config import Config
from ..dates import check_days
from ..errors import AskTooEarly, InputError  # noqa: F401  (AskTooEarly: intel's public name)
from .model import Balance, Concentration


def is_referral(kind: str) -> bool:
    return "referral" in kind


def ask_warning(core, cid: int, kind: str = "ask") -> Optional[str]:
    """The warning for logging ``kind`` with contact ``cid`` now, or None."""
    row = core.db.execute_sql(
        "SELECT rank FROM contact_level WHERE contact_id = ? AND ladder = ?", (cid, core.config.default_ladder)
    ).fetchone()
    return rules.ask_warning(core.config, kind, row[0] if row else None)


def _ledger_rows(core, cid: Optional[int] = None):
    sql = (
        "SELECT e.contact_id, e.kind, e.direction, COUNT(*) FROM event e JOIN contact c ON c.id = e.contact_id "
        "WHERE e.direction IS NOT NULL"
    )
    params: list = []
    if cid is not None:
        sql += " AND e.contact_id = ?"
        params.append(cid)
    else:
        sql += " AND c.archived_at IS NULL"
    sql += " GROUP BY e.contact_id, e.kind, e.direction"
    return core.db.execute_sql(sql, params)


def _accumulate(rows) -> dict[int, list[int]]:
    counts: dict[int, list[int]] = {}
    for contact, kind, direction, n in rows:
        slot = counts.setdefault(contact, [0, 0, 0, 0, 0])
        if direction == "ask":
            slot[4] += n
        elif direction in ("given", "received"):
            index = (0 if is_referral(kind) else 2) + (0 if direction == "given" else 1)
            slot[index] += n
    return counts


def balance(core, cid: int) -> Balance:
    """The give/ask ledger with one contact (zeros when nothing is recorded)."""
    contact = core.contact_record(cid)
    row = core.db.execute_sql(
        "SELECT rank FROM contact_level WHERE contact_id = ? AND ladder = ?", (cid, core.config.default_ladder)
    ).fetchone()
    counts = _accumulate(_ledger_rows(core, cid)).get(cid, [0, 0, 0, 0, 0])
    return Balance(cid, contact.name, row[0] if row else None, *counts)


SORTS = ("net", "given", "received", "asks", "name")


def balances(core, *, sort: str = "net") -> list[Balance]:
    """Every active contact with at least one referral, introduction or ask."""
    if sort not in SORTS:
        raise InputError(f"cannot sort by {sort!r}; choose one of {', '.join(SORTS)}")
    counts = _accumulate(_ledger_rows(core))
    if not counts:
        return []
    db = core.db
    info: dict[int, tuple[str, Optional[int]]] = {}
    ids = list(counts)
    for start in range(0, len(ids), 900):
        chunk = ids[start:start + 900]
        marks = ",".join("?" * len(chunk))
        for cid, name, rank in db.execute_sql(
            "SELECT c.id, c.name, l.rank FROM contact c LEFT JOIN contact_level l "
            f"ON l.contact_id = c.id AND l.ladder = ? WHERE c.id IN ({marks})",
            [core.config.default_ladder, *chunk],
        ):
            info[cid] = (name, rank)
    result = [Balance(cid, info[cid][0], info[cid][1], *slot) for cid, slot in counts.items() if cid in info]
    keys = {
        "net": lambda b: (-b.net, -b.given, b.name.lower()),
        "given": lambda b: (-b.given, b.name.lower()),
        "received": lambda b: (-b.received, b.name.lower()),
        "asks": lambda b: (-b.asks, b.name.lower()),
        "name": lambda b: (b.name.lower(), b.contact_id),
    }
    result.sort(key=keys[sort])
    return result


def referral_kinds(config: Config) -> tuple[str, ...]:
    """Received kinds that are referrals; every received kind when none is named so."""
    received = [key for key in config.kinds if config.kind(key).direction == "received"]
    referrals = [key for key in received if is_referral(key)]
    return tuple(referrals or received)


def concentration(core, *, within_days: Optional[int] = None, today=None) -> Concentration:
    """The share of referrals received that came from the top 1, 3 and 5 contacts."""
    from ..dates import today as _today
    import datetime as dt

    kinds = referral_kinds(core.config)
    if not kinds:
        return Concentration(0, (), 0.0, 0.0, 0.0, None, ())
    marks = ",".join("?" * len(kinds))
    sql = (
        "SELECT e.contact_id, c.name, COUNT(*) AS n FROM event e JOIN contact c ON c.id = e.contact_id "
        f"WHERE e.direction = 'received' AND e.kind IN ({marks}) AND c.archived_at IS NULL"
    )
    params: list = list(kinds)
    if within_days is not None:
        check_days(within_days, "the window (days)")
        since = (today or _today()) - dt.timedelta(days=within_days)
        sql += " AND e.date > ?"
        params.append(since.isoformat())
    sql += " GROUP BY e.contact_id ORDER BY n DESC, c.name COLLATE NOCASE"
    rows = core.db.execute_sql(sql, params).fetchall()
    total = sum(n for _, _, n in rows)
    if not total:
        return Concentration(0, (), 0.0, 0.0, 0.0, None, kinds)

    def share(k: int) -> float:
        return sum(n for _, _, n in rows[:k]) / total

    top = tuple((cid, name, n) for cid, name, n in rows[:5])
    warning = None
    if share(1) > 0.5:
        warning = (
            f"{top[0][1]} accounts for {share(1):.0%} of the referrals you received; "
            "depending on one person is a risk: grow other relationships"
        )
    return Concentration(total, top, share(1), share(3), share(5), warning, kinds)
