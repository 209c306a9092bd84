"""The rules of the coffee: what is in person, first meetings, goals' periods and streaks (no database)."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from relterm import rules
from relterm.config import load_config, parse_config
from relterm.errors import ConfigError
from relterm.paths import SHIPPED_LEVELS
from relterm.rules import COFFEES, NEW_COFFEES, Goal, first_meetings, goal_dates, goal_progress

D = dt.date


def test_in_person_is_the_kinds_flag_in_levels_yaml():
    config = load_config()
    assert [k for k in config.kinds if rules.is_in_person(config, k)] == ["coffee", "meal", "meeting", "event"]
    assert not rules.is_in_person(config, "call") and not rules.is_in_person(config, "no-such-kind")
    assert not rules.is_in_person(config, rules.LEVEL_CHANGE) and not rules.is_in_person(config, rules.INTRODUCED_BY)
    edited = parse_config(SHIPPED_LEVELS.read_text().replace(
        'call:              {in_person: false,', 'call:              {in_person: true,'))
    assert rules.in_person_kinds(edited) == ("call", "coffee", "meal", "meeting", "event")


def test_names_are_asked_for_after_a_meeting_unless_it_went_badly():
    config = load_config()
    assert rules.asks_for_names(config, "coffee")
    assert not rules.asks_for_names(config, "coffee", went_badly=True)
    assert not rules.asks_for_names(config, "call")


def test_first_meetings_keep_each_persons_earliest_day():
    pairs = [(1, D(2026, 3, 2)), (2, "2026-01-05"), (1, D(2026, 1, 9)), (2, D(2026, 6, 1)), (3, None)]
    assert first_meetings(pairs) == {1: D(2026, 1, 9), 2: D(2026, 1, 5)}


def test_new_coffees_count_people_coffees_count_meetings():
    pairs = [(1, D(2026, 11, 17)), (1, D(2026, 11, 18)), (2, D(2026, 11, 20)), (3, D(2025, 1, 1)),
             (3, D(2026, 11, 19))]
    new = Goal(NEW_COFFEES, 1, 14, D(2026, 11, 16))
    every = Goal(COFFEES, 1, 14, D(2026, 11, 16))
    # Person 3 was met in 2025: meeting them again is not a new coffee.
    assert goal_progress(new, goal_dates(new, pairs), D(2026, 11, 23)).count == 2
    assert goal_progress(every, goal_dates(every, pairs), D(2026, 11, 23)).count == 4


def test_periods_run_from_the_start_and_the_count_is_this_periods():
    goal = Goal(NEW_COFFEES, 2, 14, D(2026, 10, 19))
    days = [D(2026, 11, 16), D(2026, 11, 15), D(2026, 11, 24)]  # the last is after today: not counted
    progress = goal_progress(goal, days, D(2026, 11, 23))
    assert (progress.period_start, progress.period_end) == (D(2026, 11, 16), D(2026, 11, 29))
    assert (progress.count, progress.met, progress.days_left) == (1, False, 6)


def test_the_streak_ends_with_this_period_when_met_else_with_the_one_before():
    goal = Goal(NEW_COFFEES, 1, 7, D(2026, 10, 5))  # weeks from Monday 5 October
    weeks = [D(2026, 10, 6), D(2026, 10, 14), D(2026, 10, 20), D(2026, 11, 2), D(2026, 11, 9), D(2026, 11, 16)]
    # Week of 26 Oct missed; weeks of 2, 9 and 16 Nov met; this week (23 Nov) still running.
    running = goal_progress(goal, weeks, D(2026, 11, 23))
    assert (running.count, running.met, running.streak) == (0, False, 3)
    met_now = goal_progress(goal, weeks + [D(2026, 11, 23)], D(2026, 11, 23))
    assert (met_now.count, met_now.met, met_now.streak) == (1, True, 4)
    # A missed week ends the streak once it is over.
    assert goal_progress(goal, weeks, D(2026, 11, 30)).streak == 0


def test_meetings_before_the_start_do_not_count_and_a_future_start_waits():
    goal = Goal(COFFEES, 1, 7, D(2026, 11, 23))
    progress = goal_progress(goal, [D(2026, 11, 22), D(2026, 11, 16)], D(2026, 11, 23))
    assert (progress.count, progress.streak) == (0, 0)
    later = goal_progress(Goal(COFFEES, 1, 7, D(2026, 12, 1)), [D(2026, 11, 22)], D(2026, 11, 23))
    assert later.period_start is None and not later.met and later.days_left == 8


@given(st.lists(st.dates(D(2025, 1, 1), D(2026, 12, 31)), max_size=40), st.integers(1, 60), st.integers(1, 3),
       st.dates(D(2025, 1, 1), D(2026, 12, 31)))
def test_progress_agrees_with_counting_by_hand(days, every, target, today):
    start = D(2025, 1, 1)
    progress = goal_progress(Goal(COFFEES, target, every, start), days, today)
    index = (today - start).days // every
    def count(k):
        return sum(1 for d in days if d <= today and (d - start).days // every == k)
    assert progress.count == count(index)
    assert progress.period_start <= today <= progress.period_end
    k = index if count(index) >= target else index - 1
    streak = 0
    while k >= 0 and count(k) >= target:
        streak, k = streak + 1, k - 1
    assert progress.streak == streak


def test_goals_in_levels_yaml_are_checked_with_file_line_and_key():
    base = SHIPPED_LEVELS.read_text()
    config = parse_config(base + "goals:\n  new-coffees: {count: 1, every_days: 14, since: 2026-01-05}\n")
    assert config.goals["new-coffees"].since == "2026-01-05" and config.goals["new-coffees"].every_days == 14
    with pytest.raises(ConfigError, match=r"goals: no goal called 'new-coffee'.*did you mean 'new-coffees'"):
        parse_config(base + "goals:\n  new-coffee: {count: 1, every_days: 14}\n")
    with pytest.raises(ConfigError, match=r"goals.coffees.count: must be at least 1"):
        parse_config(base + "goals:\n  coffees: {count: 0, every_days: 14}\n")
    with pytest.raises(ConfigError, match=r"goals.coffees.every: unknown key \(did you mean 'every_days'"):
        parse_config(base + "goals:\n  coffees: {count: 1, every: 14}\n")


def test_the_stores_meeting_days_agree_with_the_rules(core):
    """``store.meeting_days_sql`` restates ``rules.first_meetings``: the same days, the same counts."""
    import random
    from collections import Counter

    from relterm.intel.goals import meeting_days

    rng = random.Random(13)
    config = core.config
    ids = [core.add_contact(f"Person {n:02d}", date="2025-01-01") for n in range(12)]
    pairs = []
    for _ in range(60):
        cid, kind = rng.choice(ids), rng.choice(["coffee", "meal", "call", "note", "event", "email"])
        day = D(2025, 1, 1) + dt.timedelta(days=rng.randrange(600))
        core.log(cid, kind, date=day)
        if rules.is_in_person(config, kind):
            pairs.append((cid, day))
    assert meeting_days(core, first_only=True) == dict(Counter(first_meetings(pairs).values()))
    assert meeting_days(core) == dict(Counter(day for _, day in pairs))
    goal = Goal(NEW_COFFEES, 1, 30, D(2025, 1, 1))
    today = D(2026, 8, 1)
    assert goal_progress(goal, meeting_days(core, first_only=True), today) == \
        goal_progress(goal, goal_dates(goal, pairs), today)
