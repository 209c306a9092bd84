"""Goals: habits such as "have coffee with one person you have never met in person, every two weeks".

A goal is set in ``levels.yaml`` (``goals:``) or with ``relterm goal`` (kept in
the ``goal`` table, so it travels with backups); one set with the command
replaces a ``levels.yaml`` goal of the same name until it is removed. What a
goal counts and how periods and streaks run are rules
(``relterm.rules.goal_progress``); here are only the queries: the in-person
meetings of the timeline, by the rules' definition of in person.
"""

from __future__ import annotations

import datetime as dt
from typing import Optional

from .. import clock, store
from ..config import MAX_COUNT
from ..dates import check_days, parse_date, today as _today
from ..errors import InputError
from ..fuzzy import did_you_mean
from ..rules import GOAL_EPOCH, GOAL_KINDS, NEW_COFFEES, Goal, GoalProgress, goal_progress, in_person_kinds
from ..store import GoalRecord


def check_name(name: str) -> str:
    text = str(name).strip().lower()
    if text not in GOAL_KINDS:
        raise InputError(f"no goal called {name!r}; goals: {', '.join(GOAL_KINDS)}"
                         + did_you_mean(text, list(GOAL_KINDS)))
    return text


def goals(core) -> list[Goal]:
    """Every goal in force: those set with ``relterm goal``, then the config's not replaced by one."""
    found: dict[str, Goal] = {}
    for spec_name, spec in (core.config.goals or {}).items():
        start = dt.date.fromisoformat(spec.since) if spec.since else GOAL_EPOCH
        found[spec_name] = Goal(spec_name, spec.count, spec.every_days, start, "config")
    for name, target, every, start in core.db.execute_sql(
            "SELECT name, target, every_days, start FROM goal ORDER BY name"):
        if name in GOAL_KINDS:  # a row written by hand or a newer relterm with a goal this one does not know
            found[name] = Goal(name, target, every, dt.date.fromisoformat(str(start)[:10]), "cli")
    return [found[name] for name in GOAL_KINDS if name in found]


def set_goal(core, name: str, target: int, every_days: int, *, since: dt.date | str | None = None) -> Goal:
    """Set (or change) the goal ``name``: ``target`` meetings every ``every_days`` days, periods from
    ``since`` (default: today)."""
    name = check_name(name)
    if isinstance(target, bool) or not isinstance(target, int) or not 1 <= target <= MAX_COUNT:
        raise InputError(f"a goal needs a count from 1 to {MAX_COUNT:,}, not {target}")
    every = check_days(every_days, "every (days)")
    start = parse_date(since, what="since") if since is not None else _today()
    with store.write(core.db):
        GoalRecord.replace(name=name, target=target, every_days=every, start=start,
                           created_at=clock.now()).execute()
    return Goal(name, target, every, start, "cli")


def remove_goal(core, name: str) -> Goal:
    """Remove the goal ``name`` set with ``relterm goal``; a goal of ``levels.yaml`` is edited there."""
    name = check_name(name)
    row = GoalRecord.get_or_none(GoalRecord.name == name)
    if row is None:
        if name in (core.config.goals or {}):
            raise InputError(f"the goal {name} is set in levels.yaml (`relterm config path` shows where); "
                             "remove it there")
        raise InputError(f"no goal {name} is set; `relterm goal` lists the goals")
    with store.write(core.db):
        GoalRecord.delete().where(GoalRecord.name == name).execute()
    return Goal(name, row.target, row.every_days, row.start, "cli")


def meeting_days(core, *, first_only: bool = False) -> dict[dt.date, int]:
    """Day -> how many in-person meetings that day (archived contacts too: the meetings happened); with
    ``first_only``, how many people you met face to face for the first time that day. Counted in SQL
    (``store.meeting_days_sql``, held equal to ``rules.first_meetings`` by a test): 100k contacts with a
    million entries take a fraction of a second."""
    kinds = in_person_kinds(core.config)
    if not kinds:
        return {}
    sql = store.meeting_days_sql(len(kinds), first_only=first_only)
    return {dt.date.fromisoformat(str(day)[:10]): n for day, n in core.db.execute_sql(sql, kinds)}


def progress(core, *, today: Optional[dt.date] = None) -> list[GoalProgress]:
    """Each goal's progress this period and its streak."""
    day = today or _today()
    found = goals(core)
    if not found:
        return []
    cache: dict[bool, dict] = {}
    result = []
    for goal in found:
        first = goal.name == NEW_COFFEES
        if first not in cache:
            cache[first] = meeting_days(core, first_only=first)
        result.append(goal_progress(goal, cache[first], day))
    return result

