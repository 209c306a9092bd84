"""Circles of influence: introductions, names given, paths, reach, the forest."""

from __future__ import annotations

import datetime as dt

import pytest

from intel_helpers import add
from relterm.errors import AmbiguousError, InputError
from relterm.domain import INTRODUCED_BY


def _count(core) -> int:
    return core.count()


def test_introducing_a_new_name_creates_a_contact_to_contact(core):
    tom = add(core, "Tom", 4)
    result = core.intel.introduce(tom, "John Smith", note="runs the meetup", date="2026-11-20")
    assert result.created and result.introducer_set
    card = core.card(result.contact_id)
    assert card.name == "John Smith"
    assert card.ranks == {"business": 2}  # the ladder's introduced rung
    assert card.introduced_by == "Tom" and card.to_contact
    assert card.last_interaction is None
    # Both timelines.
    toms = core.timeline(tom)
    assert toms[0].kind == "introduced" and toms[0].other_id == result.contact_id
    assert toms[0].direction == "received" and "introduced you to John Smith: runs the meetup" in toms[0].summary
    johns = [e for e in core.timeline(result.contact_id) if e.kind == INTRODUCED_BY]
    assert johns[0].other_id == tom and johns[0].date == dt.date(2026, 11, 20)
    # Hearing the name was a conversation with Tom.
    assert core.card(tom).last_interaction == dt.date(2026, 11, 20)
    # The first interaction clears "to contact".
    core.log(result.contact_id, "email", "Hello")
    assert not core.card(result.contact_id).to_contact


def test_introducing_an_existing_contact_records_it_without_a_duplicate(core):
    tom = add(core, "Tom", 4)
    ann = add(core, "Ann", 3)
    eve = add(core, "Eve", 3)
    bob = add(core, "Bob Stone", 3, introduced_by=eve)
    before = _count(core)
    first = core.intel.introduce(tom, "ann")  # any case
    assert (first.contact_id, first.created, first.introducer_set) == (ann, False, True)
    assert core.card(ann).introduced_by == "Tom" and not core.card(ann).to_contact
    second = core.intel.introduce(tom, "Bob Stone")
    assert (second.contact_id, second.introducer_set) == (bob, False)
    assert core.card(bob).introduced_by == "Eve"  # an existing introducer is kept
    assert _count(core) == before
    # Both show among Tom's names.
    assert [g.name for g in core.intel.names_given(tom)] == ["Ann", "Bob Stone"]


def test_self_introductions_and_cycles_are_refused_and_nothing_is_written(core):
    tom = add(core, "Tom", 4)
    doug = core.intel.introduce(tom, "Doug").contact_id
    events = len(core.timeline(doug)) + len(core.timeline(tom))
    with pytest.raises(InputError, match="introduced themselves"):
        core.intel.introduce(tom, "Tom")
    with pytest.raises(InputError, match="cycle"):
        core.intel.introduce(doug, "Tom")  # Tom introduced Doug, so Doug cannot have introduced Tom
    assert core.card(tom).introduced_by is None
    assert len(core.timeline(doug)) + len(core.timeline(tom)) == events


def test_several_names_at_once_all_or_nothing(core):
    tom = add(core, "Tom", 4)
    results = core.intel.introduce_many(tom, "Ada King\n\n  Bo Lee : the designer \nada king\n")
    assert [(r.name, r.created) for r in results] == [("Ada King", True), ("Bo Lee", True)]
    bo = core.timeline(tom)[0]
    assert bo.summary == "introduced you to Bo Lee: the designer"
    add(core, "Sam Twin", 3)
    add(core, "Sam Twin", 3)
    before = _count(core)
    with pytest.raises(AmbiguousError):
        core.intel.introduce_many(tom, ["Cy New", "Sam Twin"])
    assert _count(core) == before  # Cy New was not kept either
    with pytest.raises(InputError, match="at least one name"):
        core.intel.introduce_many(tom, "\n \n")


def test_names_given_shows_who_was_contacted(core):
    tom = add(core, "Tom", 4)
    core.intel.introduce(tom, "Ada", date="2026-11-01")
    bo = core.intel.introduce(tom, "Bo", date="2026-11-02").contact_id
    core.log(bo, "call")
    names = core.intel.names_given(tom)
    assert [(g.name, g.contacted, g.date) for g in names] == [
        ("Ada", False, dt.date(2026, 11, 1)), ("Bo", True, dt.date(2026, 11, 2)),
    ]
    core.archive(bo)
    assert [g.name for g in core.intel.names_given(tom)] == ["Ada"]


def test_path_is_the_chain_of_introductions(core):
    tom = add(core, "Tom", 4)
    doug = core.intel.introduce(tom, "Doug").contact_id
    john = core.intel.introduce(doug, "John").contact_id
    assert [s.name for s in core.intel.path(john)] == ["Tom", "Doug", "John"]
    assert [s.name for s in core.intel.path(tom)] == ["Tom"]
    core.archive(doug)
    assert [(s.name, s.archived) for s in core.intel.path(john)] == [("Tom", False), ("Doug", True), ("John", False)]


def test_reach_counts_the_whole_subtree(core):
    tom = add(core, "Tom", 4)
    ann = add(core, "Ann", 4)
    doug = core.intel.introduce(tom, "Doug").contact_id
    core.intel.introduce_many(doug, "John\nMary")
    mary = core.resolve("Mary")
    core.intel.introduce(mary, "Zed")
    core.intel.introduce(ann, "Pat")
    reach = core.intel.reach()
    assert [(r.name, r.direct, r.total) for r in reach] == [
        ("Tom", 1, 4), ("Doug", 2, 3), ("Ann", 1, 1), ("Mary", 1, 1),
    ]
    assert core.intel.reach(limit=1)[0].name == "Tom"
    # An archived contact drops out, and the people below still count for Tom.
    core.archive(doug)
    assert [(r.name, r.direct, r.total) for r in core.intel.reach()][:1] == [("Tom", 2, 3)]


def test_forest_roots_and_children(core):
    tom = add(core, "Tom", 4)
    add(core, "Loner", 2)
    doug = core.intel.introduce(tom, "Doug").contact_id
    core.intel.introduce(doug, "John")
    forest = core.intel.forest()
    roots = forest.roots()
    assert [(n.name, n.total) for n in roots] == [("Tom", 2), ("Loner", 0)]
    assert [n.name for n in forest.roots(with_children_only=True)] == ["Tom"]
    assert [(n.name, n.direct, n.total, n.to_contact) for n in forest.children(tom)] == [("Doug", 1, 1, False)]
    assert [(n.name, n.to_contact) for n in forest.children(doug)] == [("John", True)]
