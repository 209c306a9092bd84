"""The agenda: cadence health, due and overdue contacts, reviews, names, birthdays, snoozes."""

from __future__ import annotations

import datetime as dt

import pytest

from intel_helpers import TODAY, add, edited_config
from relterm.core import Core
from relterm.errors import InputError
from relterm.intel.agenda import next_birthday
from relterm.rules import effective_cadence, health as health_of
from relterm.intel.model import BIRTHDAY, DUE, KEEP_IN_TOUCH, NO_CADENCE, ON_TRACK, OVERDUE, REVIEW, TO_CONTACT


def test_effective_cadence_prefers_the_contacts_own_then_the_level(core):
    ladder = core.config.ladder
    assert effective_cadence(ladder, 4, None) == 45  # Met: every 45 days
    assert effective_cadence(ladder, 4, 10) == 10
    assert effective_cadence(ladder, 4, 0) is None  # "--cadence none"
    assert effective_cadence(ladder, 0, None) is None  # Cold has no cadence
    assert effective_cadence(ladder, None, None) is None
    assert effective_cadence(ladder, 9, None) is None  # rank not in the ladder


def test_health_is_due_on_the_cadence_day_and_overdue_after():
    last = dt.date(2026, 10, 9)
    assert health_of(last, None, 45, TODAY).state == DUE  # 45 days
    late = health_of(last, None, 40, TODAY)
    assert (late.state, late.days_over, late.due_on) == (OVERDUE, 5, dt.date(2026, 11, 18))
    early = health_of(last, None, 60, TODAY)
    assert (early.state, early.days_over) == (ON_TRACK, -15)
    assert health_of(last, None, None, TODAY).state == NO_CADENCE


def test_a_contact_never_contacted_counts_from_the_day_they_were_added():
    h = health_of(None, dt.date(2026, 10, 1), 30, TODAY)
    assert (h.state, h.days_since, h.days_over) == (OVERDUE, 53, 23)


def _items(core, **kwargs):
    return [(it.item, it.name) for it in core.intel.agenda(**kwargs)]


def test_agenda_lists_overdue_then_due_most_days_over_first(core):
    late = add(core, "Late Larry", 4)  # every 45 days
    core.log(late, "call", date="2026-09-01")  # 83 days: 38 over
    later = add(core, "Later Lena", 3)  # every 60 days
    core.log(later, "email", date="2026-08-01")  # 114 days: 54 over
    today_due = add(core, "Due Dana", 5)  # every 30 days
    core.log(today_due, "coffee", date="2026-10-24")  # exactly 30 days
    fine = add(core, "Fine Fred", 4)
    core.log(fine, "coffee", date="2026-11-20")
    add(core, "Cold Carl", 0)  # no cadence at all
    agenda = core.intel.agenda()
    assert [(it.name, it.status, it.days_over) for it in agenda] == [
        ("Later Lena", "overdue", 54), ("Late Larry", "overdue", 38), ("Due Dana", "due", 0),
    ]
    assert agenda[0].level_name == "Conversant" and agenda[0].cadence_days == 60
    assert "54 days overdue" in agenda[0].detail


def test_within_adds_what_falls_due_soon(core):
    cid = add(core, "Soon Sam", 4)
    core.log(cid, "call", date="2026-10-19")  # due 2026-12-03: in 10 days
    assert _items(core) == []
    items = core.intel.agenda(within=10)
    assert [(it.name, it.status, it.days_over) for it in items] == [("Soon Sam", "upcoming", -10)]
    with pytest.raises(InputError):
        core.intel.agenda(within=-1)


def test_contacts_never_contacted_and_own_cadence(core):
    added_long_ago = add(core, "Never Nora", 2, added="2026-05-01")  # every 90 days, never contacted
    own = add(core, "Own Otto", 0, added="2026-11-01", cadence_days=7)  # Cold, but every 7 days
    add(core, "Silent Sue", 4, added="2026-01-01", cadence_days=0)  # cadence none
    agenda = core.intel.agenda()
    assert [it.name for it in agenda] == ["Never Nora", "Own Otto"]
    assert "never contacted" in agenda[0].detail
    assert agenda[1].days_over == 15 and agenda[1].cadence_days == 7
    assert added_long_ago and own


def test_archived_contacts_are_left_out(core):
    cid = add(core, "Gone Gail", 4)
    core.log(cid, "call", date="2026-01-05")
    core.edit_contact(cid, birthday="--11-25", review_every_days=30, review_due="2026-11-01")
    assert {it.item for it in core.intel.agenda()} == {KEEP_IN_TOUCH, REVIEW, BIRTHDAY}
    core.archive(cid)
    assert core.intel.agenda() == []


def test_ranks_missing_from_an_edited_ladder_have_no_cadence(core, db_path):
    cid = add(core, "Friend Fay", 6)
    core.log(cid, "meal", date="2026-01-01")
    assert _items(core) == [(KEEP_IN_TOUCH, "Friend Fay")]
    config = edited_config(lambda text: text.replace("      - rank: 6\n        name: Friend", "      - rank: 7\n        name: Friend"))
    core.close()
    other = Core(db_path, config)
    try:
        assert other.intel.agenda() == []
        rows = other.rows()
        assert other.intel.health(rows)[cid].state == NO_CADENCE
    finally:
        other.close()


def test_reviews_and_names_to_contact_are_on_the_agenda(core):
    key = add(core, "Key Kim", 5)
    core.log(key, "meal", date="2026-11-20")
    core.intel.schedule_review(key, 90, first="2026-11-20")
    tom = add(core, "Tom", 4)
    core.log(tom, "coffee", date="2026-11-22")
    core.intel.introduce(tom, "John Doe", date="2026-11-15")
    agenda = core.intel.agenda()
    assert [(it.item, it.name) for it in agenda] == [(REVIEW, "Key Kim"), (TO_CONTACT, "John Doe")]
    review, name = agenda
    assert review.status == OVERDUE and review.days_over == 3
    assert name.introduced_by == "Tom" and name.days_over == 8 and "named by Tom" in name.detail
    core.log(name.contact_id, "email", "Hello from Tom's friend")
    assert [it.item for it in core.intel.agenda()] == [REVIEW]


def test_birthdays_in_the_next_fourteen_days(core):
    a = add(core, "Ann", 0)
    core.edit_contact(a, birthday="1980-11-30")
    b = add(core, "Bea", 0)
    core.edit_contact(b, birthday="--11-23")
    c = add(core, "Cid", 0)
    core.edit_contact(c, birthday="--12-08")  # 15 days away
    items = core.intel.agenda(items=[BIRTHDAY])
    assert [(it.name, it.days_over, it.age) for it in items] == [("Bea", 0, None), ("Ann", -7, 46)]
    assert items[0].detail == "birthday today"
    wider = core.intel.agenda(items=[BIRTHDAY], within=30)
    assert [it.name for it in wider] == ["Bea", "Ann", "Cid"]


def test_birthday_on_29_february():
    # Non-leap year: kept on 28 February.
    assert next_birthday("--02-29", dt.date(2027, 2, 20)) == (dt.date(2027, 2, 28), None)
    assert next_birthday("2000-02-29", dt.date(2027, 3, 1)) == (dt.date(2028, 2, 29), 28)
    # Leap year: the day itself.
    assert next_birthday("2000-02-29", dt.date(2028, 2, 1)) == (dt.date(2028, 2, 29), 28)
    # Across the new year, and unreadable values.
    assert next_birthday("--01-02", dt.date(2026, 12, 25)) == (dt.date(2027, 1, 2), None)
    assert next_birthday("--13-40", TODAY) is None
    assert next_birthday("soon", TODAY) is None


def test_birthday_on_29_february_in_the_agenda(core):
    cid = add(core, "Leap Lee", 0)
    core.edit_contact(cid, birthday="1996-02-29")
    items = core.intel.agenda(items=[BIRTHDAY], today=dt.date(2027, 2, 20))
    assert [(it.due_on, it.age) for it in items] == [(dt.date(2027, 2, 28), 31)]


def test_snoozing_a_person_or_one_item(core):
    cid = add(core, "Snoozy", 4)
    core.log(cid, "call", date="2026-01-05")
    core.edit_contact(cid, review_every_days=30, review_due="2026-11-01")
    until = core.intel.snooze(cid, 7, item=KEEP_IN_TOUCH)
    assert until == dt.date(2026, 11, 30)
    assert _items(core) == [(REVIEW, "Snoozy")]
    snoozed = core.intel.agenda(include_snoozed=True)
    assert snoozed[0].snoozed_until == until
    # The snooze ends on its date.
    assert _items(core, today=dt.date(2026, 11, 30)) == [(KEEP_IN_TOUCH, "Snoozy"), (REVIEW, "Snoozy")]
    core.intel.snooze(cid, 3)  # the whole person
    assert _items(core) == []
    assert core.card(cid).snoozed_until == dt.date(2026, 11, 26)
    core.intel.snooze(cid, 0)  # clears everything
    assert _items(core) == [(KEEP_IN_TOUCH, "Snoozy"), (REVIEW, "Snoozy")]
    with pytest.raises(InputError, match="unknown agenda item"):
        core.intel.snooze(cid, 3, item="lunch")


def test_health_for_rows_and_sorting_by_urgency(core):
    a = add(core, "Alpha", 4)
    core.log(a, "call", date="2026-11-20")  # 42 days left
    b = add(core, "Bravo", 4)
    core.log(b, "call", date="2026-08-01")  # overdue 69
    c = add(core, "Charlie", 0)  # no cadence
    d = add(core, "Delta", 3, added="2026-11-01")  # never contacted: 38 days left
    rows = core.rows()
    health = core.intel.health(rows)
    assert {cid: health[cid].state for cid in (a, b, c, d)} == {a: ON_TRACK, b: OVERDUE, c: NO_CADENCE, d: ON_TRACK}
    assert [r.name for r in core.intel.sort_by_urgency(rows, health)] == ["Bravo", "Delta", "Alpha", "Charlie"]
    assert core.intel.health_of(b) == health[b]


def test_a_name_to_contact_is_listed_once_even_when_its_cadence_has_passed(core):
    tom = add(core, "Tom", 4)
    core.log(tom, "coffee", date="2026-11-20")
    core.intel.introduce(tom, "Old Name", date="2026-01-10")
    old = core.resolve("Old Name")
    from intel_helpers import set_added

    set_added(old, "2026-01-10")
    assert _items(core) == [(TO_CONTACT, "Old Name")]
    assert core.intel.suggestions() == []  # not a demotion either
    core.log(old, "email", date="2026-01-20")
    assert _items(core) == [(KEEP_IN_TOUCH, "Old Name")]


def test_a_snoozed_birthday_is_hidden_until_the_snooze_ends(core):
    cid = add(core, "Bday", 0)
    core.edit_contact(cid, birthday="--12-01")
    core.intel.snooze(cid, 2, item=BIRTHDAY)
    assert _items(core) == []
    assert _items(core, today=dt.date(2026, 11, 25)) == [(BIRTHDAY, "Bday")]


def test_health_on_another_ladder_follows_the_default_ladders_cadence(core):
    cid = add(core, "Buyer", 2, ladder="customer")  # customer rank 2; business rank 1 (every 180 days)
    core.log(cid, "call", date="2026-05-01")  # 206 days ago
    rows = core.rows(ladder="customer")
    health = core.intel.health(rows, ladder="customer")
    assert (health[cid].state, health[cid].cadence_days) == (OVERDUE, 180)


def test_unknown_agenda_items_are_refused(core):
    with pytest.raises(InputError, match="unknown agenda item 'lunch'"):
        core.intel.agenda(items=["lunch"])
