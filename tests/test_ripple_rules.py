"""The ripple rule on hand-built links: what sets it off, who is touched, in what order."""

from __future__ import annotations

import datetime as dt

from hypothesis import given, strategies as st

from relterm.ripple import (DEMOTED, INTRODUCED, NAMED, REFERRED, WAYS, WENT_BADLY, Link, Touched, touched_by,
                            trigger)

D = dt.date


def test_a_demotion_and_a_bad_interaction_trigger_nothing_else_does():
    assert trigger(from_rank=4, to_rank=3) == DEMOTED
    assert trigger(from_rank=4, to_rank=0) == DEMOTED
    assert trigger(went_badly=True) == WENT_BADLY
    assert trigger(from_rank=3, to_rank=4) is None  # a promotion
    assert trigger(from_rank=None, to_rank=2) is None  # placed on a ladder
    assert trigger(from_rank=3, to_rank=3) is None
    assert trigger() is None


def test_the_introducer_of_record_is_touched():
    assert touched_by(2, 1, []) == [Touched(1, (INTRODUCED,), None)]


def test_nobody_touched_without_an_introducer_or_links():
    assert touched_by(2, None, []) == []


def test_several_people_who_brought_someone_are_all_touched_introducer_first_then_by_date():
    links = [
        Link(5, 2, NAMED, D(2026, 3, 1)),
        Link(4, 2, REFERRED, D(2025, 1, 1)),
        Link(1, 2, NAMED, D(2026, 5, 1)),  # the introducer naming them is their introduction
        Link(6, 2, NAMED, None),
    ]
    result = touched_by(2, 1, links)
    assert [t.referrer for t in result] == [1, 4, 5, 6]
    assert result[0].ways == (INTRODUCED,)
    assert result[1] == Touched(4, (REFERRED,), D(2025, 1, 1))


def test_one_person_with_several_ways_is_listed_once_with_every_way_in_order():
    links = [Link(4, 2, NAMED, D(2026, 3, 1)), Link(4, 2, REFERRED, D(2026, 1, 1)), Link(4, 2, NAMED, D(2025, 1, 1))]
    assert touched_by(2, None, links) == [Touched(4, (REFERRED, NAMED), D(2025, 1, 1))]


def test_links_to_other_people_themselves_and_archived_contacts_are_left_out():
    links = [Link(3, 9, NAMED, D(2026, 1, 1)), Link(2, 2, NAMED, D(2026, 1, 1)), Link(7, 2, REFERRED, None),
             Link(8, 2, "gossip", None)]
    assert touched_by(2, 2, links) == [Touched(7, (REFERRED,), None)]
    assert touched_by(2, 1, links, active={7}) == [Touched(7, (REFERRED,), None)]  # 1 archived


def test_a_cycle_of_introductions_still_touches_only_the_direct_referrers():
    # 1 brought 2, 2 brought 3, 3 "named" 1 (a loop in hand-written data): 2's ripple reaches 1 alone.
    links = [Link(1, 2, NAMED, None), Link(2, 3, NAMED, None), Link(3, 1, NAMED, None)]
    assert touched_by(2, 1, links) == [Touched(1, (INTRODUCED,), None)]


@given(st.lists(st.tuples(st.integers(1, 6), st.integers(1, 4), st.sampled_from(WAYS)), max_size=30),
       st.one_of(st.none(), st.integers(1, 6)))
def test_every_referrer_once_never_the_person_and_only_people_who_brought_them(raw, introducer):
    person = 2
    links = [Link(source, target, how) for source, target, how in raw]
    result = touched_by(person, introducer, links)
    sources = [t.referrer for t in result]
    assert len(sources) == len(set(sources))
    assert person not in sources
    expected = {link.source for link in links if link.target == person} | {introducer}
    assert set(sources) == expected - {None, person}
    if introducer is not None and introducer != person:
        assert sources[0] == introducer
    for t in result:
        assert t.ways and list(t.ways) == [way for way in WAYS if way in t.ways]
