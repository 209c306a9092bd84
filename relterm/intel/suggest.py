"""Promotion and demotion suggestions, with their evidence. Never applied automatically.

A contact is suggested for the next rung of the default ladder when their
timeline meets every criterion of that rung's ``promote_when`` (a rung
without ``promote_when`` is never suggested). Counts cover interactions
(every configured kind except ``note``) within ``within_days`` of today, or
all time when absent; in-person means a kind with ``in_person: true``;
referrals exchanged are referral kinds given plus received.

A contact whose days since the last interaction reach ``SLIP_FACTOR`` times
their keep-in-touch cadence may have slipped a rung: a demotion suggestion
(names still waiting for a first contact are left to the agenda).
"""

from __future__ import annotations

import datetime as dt
from typing import Optional

from .. import store
from ..config import Config, PromoteWhen
from ..dates import as_date, today as _today
from ..rules import SLIP_FACTOR, clock_start, contact_kinds, date_added, effective_cadence, has_slipped
from ..rules import health as rule_health
from .agenda import _cadence_case
from .ledger import is_referral
from .model import Criterion, Evidence, Suggestion



def _kind_sets(config: Config) -> tuple[list[str], list[str], list[str]]:
    interactions = list(contact_kinds(config))
    in_person = [k for k in interactions if config.kind(k).in_person]
    referrals = [k for k in interactions if is_referral(k) and config.kind(k).direction in ("given", "received")]
    return interactions, in_person, referrals


def _in(kinds: list[str]) -> tuple[str, list[str]]:
    return (f"e.kind IN ({','.join('?' * len(kinds))})", list(kinds)) if kinds else ("0", [])


def _counts_sql(config: Config, since: Optional[dt.date], cid: Optional[int] = None) -> tuple[str, list]:
    """SQL (without GROUP BY) counting per contact: interactions, in person, referrals exchanged."""
    interactions, in_person, referrals = _kind_sets(config)
    all_sql, all_params = _in(interactions)
    person_sql, person_params = _in(in_person)
    ref_sql, ref_params = _in(referrals)
    sql = (
        f"SELECT e.contact_id AS cid, COUNT(*) AS n, SUM(CASE WHEN {person_sql} THEN 1 ELSE 0 END) AS p, "
        f"SUM(CASE WHEN {ref_sql} THEN 1 ELSE 0 END) AS r FROM event e WHERE {all_sql}"
    )
    params = person_params + ref_params + all_params
    if since is not None:
        sql += " AND e.date > ?"
        params.append(since.isoformat())
    if cid is not None:
        sql += " AND e.contact_id = ?"
        params.append(cid)
    return sql, params


def _counts(core, since: Optional[dt.date], cid: Optional[int] = None) -> dict[int, tuple[int, int, int]]:
    """contact id -> (interactions, in person, referrals exchanged) since a date (exclusive)."""
    config = core.config
    if not _kind_sets(config)[0]:
        return {}
    sql, params = _counts_sql(config, since, cid)
    sql += " GROUP BY e.contact_id"
    return {c: (n, p or 0, r or 0) for c, n, p, r in core.db.execute_sql(sql, params)}


def criteria_for(rule: PromoteWhen, counts: tuple[int, int, int]) -> tuple[Criterion, ...]:
    interactions, in_person, referrals = counts
    result = []
    if rule.min_interactions is not None:
        result.append(Criterion("interactions", interactions, rule.min_interactions))
    if rule.min_in_person is not None:
        result.append(Criterion("in-person meetings", in_person, rule.min_in_person))
    elif rule.requires_kind_in_person:
        result.append(Criterion("in-person meetings", in_person, 1))
    if rule.min_referrals_exchanged is not None:
        result.append(Criterion("referrals exchanged", referrals, rule.min_referrals_exchanged))
    return tuple(result)


def _meets(rule: PromoteWhen, counts: tuple[int, int, int]) -> bool:
    """Quick check of ``criteria_for(rule, counts)`` all met, without building them."""
    interactions, in_person, referrals = counts
    if rule.min_interactions is not None and interactions < rule.min_interactions:
        return False
    if rule.min_in_person is not None:
        if in_person < rule.min_in_person:
            return False
    elif rule.requires_kind_in_person and in_person < 1:
        return False
    return rule.min_referrals_exchanged is None or referrals >= rule.min_referrals_exchanged


def _since(rule: PromoteWhen, day: dt.date) -> Optional[dt.date]:
    return day - dt.timedelta(days=rule.within_days) if rule.within_days else None


def _describe(criteria: tuple[Criterion, ...], within: Optional[int]) -> tuple[str, ...]:
    span = f" in the last {within} days" if within else ""
    return tuple(f"{c.have} {c.name}{span} (needs {c.need})" for c in criteria)


def _next_rule(lad, rank: Optional[int]) -> tuple[Optional[int], Optional[PromoteWhen]]:
    """The rung above ``rank`` (a rank missing from an edited ladder steps up to the next one) and its rule."""
    target = lad.next_rank(rank, 1) if rank is not None else None
    level = lad.by_rank.get(target) if target is not None else None
    return target, (level.promote_when if level is not None else None)


def evidence(core, cid: int, *, ladder: Optional[str] = None, today: Optional[dt.date] = None) -> Evidence:
    """Progress of one contact towards the next rung: what the promote popup shows."""
    key, lad = core.ladder(ladder)
    core.contact_record(cid)
    row = core.db.execute_sql(
        "SELECT rank FROM contact_level WHERE contact_id = ? AND ladder = ?", (cid, key)
    ).fetchone()
    rank = row[0] if row else None
    target, rule = _next_rule(lad, rank)
    if rule is None:
        return Evidence(cid, rank, target, None, ())
    counts = _counts(core, _since(rule, today or _today()), cid).get(cid, (0, 0, 0))
    return Evidence(cid, rank, target, rule.within_days, criteria_for(rule, counts))


def suggestions(
    core, *, ladder: Optional[str] = None, demotions: bool = True, today: Optional[dt.date] = None
) -> list[Suggestion]:
    """Promotions whose evidence is met, then demotions of contacts far past their cadence."""
    key, lad = core.ladder(ladder)
    day = today or _today()
    db = core.db
    rows = db.execute_sql(
        "SELECT c.id, c.name, l.rank, c.cadence_days, c.last_interaction, substr(c.created_at, 1, 10), c.to_contact "
        "FROM contact c JOIN contact_level l ON l.contact_id = c.id AND l.ladder = ? WHERE c.archived_at IS NULL",
        (key,),
    ).fetchall()
    promotions: list[Suggestion] = []
    # One aggregate query per distinct window among the rungs' rules.
    rules: dict[int, tuple[int, PromoteWhen]] = {}
    for level in lad.ordered:
        below = lad.next_rank(level.rank, -1)
        if level.promote_when is not None and below is not None:
            rules[below] = (level.rank, level.promote_when)
    windows: dict[Optional[int], dict[int, tuple[int, int, int]]] = {}
    for _, rule in rules.values():
        if rule.within_days not in windows:
            windows[rule.within_days] = _counts(core, _since(rule, day))
    # Ranks missing from an edited ladder step up to the next rung there is.
    for cid, name, rank, _, _, _, _ in rows:
        if rank in rules:
            target, rule = rules[rank]
        elif rank not in lad.by_rank:
            target, rule = _next_rule(lad, rank)
            if rule is None:
                continue
            if rule.within_days not in windows:
                windows[rule.within_days] = _counts(core, _since(rule, day))
        else:
            continue
        counts = windows[rule.within_days].get(cid, (0, 0, 0))
        if not _meets(rule, counts):
            continue
        crit = criteria_for(rule, counts)
        if crit:
            promotions.append(Suggestion(cid, name, "promote", rank, target, _describe(crit, rule.within_days), crit))
    promotions.sort(key=lambda s: (-s.to_rank, s.name.lower()))
    if not demotions:
        return promotions
    default_lad = core.config.ladder
    cadence_ranks = {}
    if key != core.config.default_ladder:
        cadence_ranks = dict(db.execute_sql(
            "SELECT contact_id, rank FROM contact_level WHERE ladder = ?", (core.config.default_ladder,)
        ).fetchall())
    slipping: list[tuple[int, Suggestion]] = []
    for cid, name, rank, override, last, added, to_contact in rows:
        if to_contact:  # a name waiting for a first contact has not slipped: it is on the agenda
            continue
        cadence = effective_cadence(default_lad, cadence_ranks.get(cid) if cadence_ranks else rank, override)
        last_d = as_date(last)
        health = rule_health(last_d, date_added(added), cadence, day)
        if not has_slipped(health):
            continue
        days = health.days_since
        lower = lad.next_rank(rank, -1)
        if lower is None:
            continue
        since = f"no interaction for {days} days" if clock_start(last_d, date_added(added)) == last_d \
            else f"not contacted since added {days} days ago"
        slipping.append((days - cadence, Suggestion(
            cid, name, "demote", rank, lower, (f"{since}; keep-in-touch every {cadence} days",),
        )))
    slipping.sort(key=lambda pair: (-pair[0], pair[1].name.lower()))
    return promotions + [s for _, s in slipping]


def suggested_actions(
    core, *, ladder: Optional[str] = None, cid: Optional[int] = None, today: Optional[dt.date] = None
) -> dict[int, str]:
    """contact id -> "promote" | "demote": the same verdicts as :func:`suggestions`, for marking list rows.

    No per-contact objects: one aggregate query per window streams (contact,
    rank, counts) through the rules, and one pass over the contacts finds
    those who slipped. A contact with both gets "demote" (as
    ``{s.contact_id: s for s in suggestions()}`` does). ``cid`` limits it to
    one contact (after a write to them).
    """
    key, lad = core.ladder(ladder)
    day = today or _today()
    db = core.db
    interactions = _kind_sets(core.config)[0]
    one = " AND c.id = ?" if cid is not None else ""
    one_param = [cid] if cid is not None else []

    def rule_for(rank: Optional[int]) -> Optional[PromoteWhen]:
        """The rule of the next rung up (ranks missing from an edited ladder step up to the next one)."""
        rule = _next_rule(lad, rank)[1]
        return rule if rule is not None and criteria_for(rule, (0, 0, 0)) else None

    result: dict[int, str] = {}
    ranks = [r for (r,) in db.execute_sql("SELECT DISTINCT rank FROM contact_level WHERE ladder = ?", (key,))]
    rules = {rank: rule for rank in ranks if (rule := rule_for(rank)) is not None}
    if rules and interactions:
        for within in {rule.within_days for rule in rules.values()}:
            window = {rank: rule for rank, rule in rules.items() if rule.within_days == within}
            since = _since(next(iter(window.values())), day)
            marks = ",".join("?" * len(window))
            # Counted per contact first, then joined: 100k joins rather than one per event.
            counts, params = _counts_sql(core.config, since, cid)
            sql = (
                f"SELECT a.cid, l.rank, a.n, a.p, a.r FROM ({counts} GROUP BY e.contact_id) a "
                "JOIN contact_level l ON l.contact_id = a.cid AND l.ladder = ? "
                f"JOIN contact c ON c.id = a.cid AND c.archived_at IS NULL WHERE l.rank IN ({marks})"
            )
            params += [key, *window]
            seen = set() if any(_meets(rule, (0, 0, 0)) for rule in window.values()) else None
            for contact, rank, n, p, r in db.execute_sql(sql, params):
                if seen is not None:
                    seen.add(contact)
                if _meets(window[rank], (n, p or 0, r or 0)):
                    result[contact] = "promote"
            if seen is not None:
                # Rules met with no interaction at all: everyone on those rungs without one in the window.
                zero = [rank for rank, rule in window.items() if _meets(rule, (0, 0, 0))]
                for (contact,) in db.execute_sql(
                    "SELECT c.id FROM contact c JOIN contact_level l ON l.contact_id = c.id AND l.ladder = ? "
                    f"WHERE c.archived_at IS NULL AND l.rank IN ({','.join('?' * len(zero))}){one}",
                    [key, *zero, *one_param],
                ):
                    if contact not in seen:
                        result[contact] = "promote"
    # Slipped: the days since the last interaction (or since added) reach SLIP_FACTOR cadences, in SQL.
    # ``l`` is the rank on the default ladder (cadences follow it), ``s`` the rank on the ladder shown.
    cadence_sql, cadence_params = _cadence_case(core.config.ladder)
    if key != core.config.default_ladder:
        join = "JOIN contact_level s ON s.contact_id = c.id AND s.ladder = ? " \
               "LEFT JOIN contact_level l ON l.contact_id = c.id AND l.ladder = ?"
        join_params = [key, core.config.default_ladder]
        shown = "s.rank"
    else:
        join, join_params, shown = "JOIN contact_level l ON l.contact_id = c.id AND l.ladder = ?", [key], "l.rank"
    sql = (
        f"SELECT c.id, {shown} FROM contact c {join} WHERE c.archived_at IS NULL AND NOT c.to_contact{one} "
        f"AND {store.days_between_sql(store.clock_start_sql('c'), '?')} >= ? * {cadence_sql}"
    )
    for contact, rank in db.execute_sql(
        sql, join_params + one_param + [day.isoformat(), SLIP_FACTOR] + cadence_params
    ):
        if lad.next_rank(rank, -1) is not None:
            result[contact] = "demote"
    return result
