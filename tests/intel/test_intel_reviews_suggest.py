"""Reviews, promotion and demotion suggestions, the pyramid over time and the sphere matrix."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from intel_helpers import add, edited_config, set_added
from relterm.core import Core
from relterm.errors import InputError
from relterm.store import Contact

# Reviews -------------------------------------------------------------------------------------


def test_scheduling_and_recording_a_review_moves_the_next_one_on(core):
    key = add(core, "Key Client", 5)
    assert core.intel.schedule_review(key, 90) == dt.date(2027, 2, 21)
    assert core.intel.schedule_review(key, 90, first="2026-11-20") == dt.date(2026, 11, 20)
    assert [it.item for it in core.intel.agenda()] == ["keep-in-touch", "review"]
    event_id, next_due = core.intel.record_review(key, keep="Monthly lunches", stop="Long reports", start="Joint talk")
    assert next_due == dt.date(2027, 2, 21)
    card = core.card(key)
    assert card.review_due == next_due and card.review_every_days == 90
    event = next(e for e in core.timeline(key) if e.id == event_id)
    assert event.kind == "review"
    assert json.loads(event.data) == {"continue": "Monthly lunches", "stop": "Long reports", "start": "Joint talk"}
    assert "Monthly lunches" in event.summary
    # A review is a record about the relationship, not contact with them: they stay due.
    assert [it.item for it in core.intel.agenda()] == ["keep-in-touch"]


def test_a_review_needs_an_answer_and_can_be_stopped(core):
    key = add(core, "Key Client", 5)
    with pytest.raises(InputError, match="at least one answer"):
        core.intel.record_review(key, keep="  ")
    core.intel.schedule_review(key, 30)
    assert core.intel.schedule_review(key, 0) is None
    assert core.card(key).review_due is None
    # A one-off review without a schedule leaves no next date.
    assert core.intel.record_review(key, start="A workshop")[1] is None


# Suggestions ---------------------------------------------------------------------------------


def test_promotion_suggested_when_the_next_rungs_evidence_is_met(core):
    # Conversant -> Met needs an in-person meeting and 4 interactions within a year.
    ready = add(core, "Ready Rae", 3)
    for kind, day in [("email", "2026-06-01"), ("call", "2026-07-01"), ("coffee", "2026-09-01"), ("email", "2026-11-01")]:
        core.log(ready, kind, date=day)
    almost = add(core, "Almost Al", 3)
    for kind, day in [("email", "2026-06-01"), ("call", "2026-07-01"), ("email", "2026-09-01"), ("email", "2026-11-01")]:
        core.log(almost, kind, date=day)  # never met in person
    stale = add(core, "Stale Stu", 3)
    for kind, day in [("coffee", "2025-01-01"), ("call", "2025-02-01"), ("email", "2025-03-01"), ("email", "2026-11-01")]:
        core.log(stale, kind, date=day)  # most of it more than a year ago
    promos = [s for s in core.intel.suggestions() if s.action == "promote"]
    assert [(s.name, s.rank, s.to_rank) for s in promos] == [("Ready Rae", 3, 4)]
    assert {c.name: (c.have, c.need) for c in promos[0].criteria} == {
        "interactions": (4, 4), "in-person meetings": (1, 1),
    }
    assert "1 in-person meeting in the last 365 days (needs 1)" in promos[0].evidence
    progress = core.intel.evidence(almost)
    assert progress.next_rank == 4 and not progress.met
    assert [(c.name, c.have, c.met) for c in progress.criteria] == [
        ("interactions", 4, True), ("in-person meetings", 0, False),
    ]


def test_notes_do_not_count_as_interactions_and_the_top_rung_has_no_next(core):
    cid = add(core, "Noted", 2)  # Introduced -> Conversant needs 3 interactions
    for _ in range(5):
        core.log(cid, "note", "thinking about them")
    assert core.intel.evidence(cid).criteria[0].have == 0
    top = add(core, "Top", 6)
    assert core.intel.evidence(top).next_rank is None and not core.intel.evidence(top).met


def test_demotion_suggested_far_past_the_cadence(core):
    slipped = add(core, "Slipped Sal", 5)  # every 30 days
    core.log(slipped, "meal", date="2026-09-01")  # 83 days: more than twice the cadence
    late = add(core, "Late Lou", 5)
    core.log(late, "meal", date="2026-10-01")  # 53 days: overdue, not slipped
    never = add(core, "Never Ned", 1, added="2025-06-01")  # every 180 days, added 540 days ago
    cold = add(core, "Cold Cy", 0, added="2020-01-01")  # bottom rung, no cadence
    demos = [s for s in core.intel.suggestions() if s.action == "demote"]
    assert [(s.name, s.rank, s.to_rank) for s in demos] == [("Never Ned", 1, 0), ("Slipped Sal", 5, 4)]
    assert demos[1].evidence == ("no interaction for 83 days; keep-in-touch every 30 days",)
    assert [s for s in core.intel.suggestions(demotions=False) if s.action == "demote"] == []
    assert never and cold


def test_suggestions_leave_archived_contacts_out_and_never_change_levels(core):
    cid = add(core, "Gone", 5)
    core.log(cid, "meal", date="2026-01-01")
    assert [s.name for s in core.intel.suggestions()] == ["Gone"]
    assert core.card(cid).ranks["business"] == 5
    core.archive(cid)
    assert core.intel.suggestions() == []


def test_a_rank_missing_from_the_edited_ladder_is_suggested_for_the_next_rung(core, db_path):
    cid = add(core, "Between", 3)
    for kind in ("coffee", "call", "email", "email"):
        core.log(cid, kind, date="2026-11-01")
    # Rank 3 removed from the ladder: the next rung above is 4 (Met).
    config = edited_config(lambda text: text.replace("      - rank: 3\n        name: Conversant", "      - rank: 33\n        name: Conversant"))
    core.close()
    other = Core(db_path, config)
    try:
        promos = [s for s in other.intel.suggestions() if s.action == "promote"]
        assert [(s.rank, s.to_rank) for s in promos] == [(3, 4)]
    finally:
        other.close()


def test_list_markers_give_the_same_verdicts_as_the_suggestions(core, db_path):
    ready = add(core, "Ready Rae", 3)
    for kind in ("coffee", "call", "email", "email"):
        core.log(ready, kind, date="2026-11-01")
    slipped = add(core, "Slipped Sal", 5)
    core.log(slipped, "meal", date="2026-09-01")
    both = add(core, "Both Bo", 2, added="2025-01-01")  # 3 interactions long ago: promote and slipped
    for day in ("2025-02-01", "2025-03-01", "2025-04-01"):
        core.log(both, "call", date=day)
    never = add(core, "Never Ned", 1, added="2026-06-01")  # every 180 days: not slipped yet
    new = add(core, "New Nia", 5, added="2026-11-01")
    waiting = add(core, "Waiting Wyn", 1, added="2025-06-01")
    Contact.update(to_contact=True).where(Contact.id == waiting).execute()  # a name given, not contacted yet
    for cid in (ready, slipped, both):
        core.change_level(cid, ladder="customer", to=1)  # on the other ladder, cadences follow the default one
    gone = add(core, "Gone", 5)
    core.log(gone, "meal", date="2026-01-01")
    core.archive(gone)
    for ladder in ("business", "customer"):
        expected = {cid: s.action for cid, s in core.intel.suggested(ladder=ladder).items()}
        assert core.intel.suggested_actions(ladder=ladder) == expected
        for cid in (ready, slipped, both, waiting, gone):
            one = core.intel.suggested_actions(ladder=ladder, contact_id=cid)
            assert one == ({cid: expected[cid]} if cid in expected else {})
    assert core.intel.suggested_actions() == {ready: "promote", slipped: "demote", both: "demote"}
    assert never and new


# The pyramid over time and the matrix ----------------------------------------------------------


def test_level_history_replays_level_changes_month_by_month(core):
    a = add(core, "Ann", 1, added="2026-03-15")
    core.change_level(a, to=3, date="2026-06-02")
    core.change_level(a, to=4, date="2026-11-20")
    b = add(core, "Bob", 2, added="2026-10-31")
    c = add(core, "Cat", 5, added="2025-05-05")
    core.archive(c)
    set_added(b, "2026-10-31")
    hist = core.intel.level_history()
    assert hist.months[0] == "2025-12" and hist.months[-1] == "2026-11"
    assert hist.month_ends[-1] == dt.date(2026, 11, 23) and hist.month_ends[-2] == dt.date(2026, 10, 31)
    assert hist.ranks == (6, 5, 4, 3, 2, 1, 0)
    assert hist.counts[1] == (0, 0, 0, 1, 1, 1, 0, 0, 0, 0, 0, 0)
    assert hist.counts[3] == (0,) * 6 + (1, 1, 1, 1, 1, 0)
    assert hist.counts[4][-1] == 1
    assert hist.counts[2] == (0,) * 10 + (1, 1)
    # Cat was archived today: left out of the current month only.
    assert hist.counts[5] == (1,) * 11 + (0,)


def test_level_history_shows_ranks_missing_from_the_ladder(core, db_path):
    add(core, "Fay", 6, added="2026-01-10")
    config = edited_config(lambda text: text.replace("      - rank: 6\n        name: Friend", "      - rank: 7\n        name: Friend"))
    core.close()
    other = Core(db_path, config)
    try:
        hist = other.intel.level_history(months=3)
        assert 6 in hist.ranks and 7 in hist.ranks
        assert hist.counts[6] == (1, 1, 1) and hist.counts[7] == (0, 0, 0)
        with pytest.raises(InputError):
            other.intel.level_history(months=0)
    finally:
        other.close()


def test_sphere_matrix(core):
    add(core, "A", 4, sphere="business")
    add(core, "B", 4, sphere="business")
    add(core, "C", 6, sphere="friends")
    add(core, "D", 1, sphere="servicer")
    gone = add(core, "E", 1, sphere="servicer")
    core.archive(gone)
    add(core, "Cus", 2, ladder="customer", sphere="family")
    m = core.intel.matrix()
    assert m.spheres == ("family", "business", "friends", "acquaintance", "servicer")
    assert m.ranks == (0, 1, 2, 3, 4, 5, 6)
    assert (m.count("business", 4), m.count("friends", 6), m.count("servicer", 1), m.count("family", 1)) == (2, 1, 1, 1)
    assert m.sphere_total("servicer") == 1 and m.rank_total(4) == 2 and m.total == 5
    customers = core.intel.matrix(ladder="customer")
    assert customers.ranks == (1, 2, 3, None)
    assert customers.count("family", 2) == 1 and customers.count("business", None) == 2
