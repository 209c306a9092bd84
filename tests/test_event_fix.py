"""Timeline entries can be edited, deleted and the last fix undone; level history and the last contact
stay consistent (rules.chain_levels: the rank is the latest level change on each ladder)."""

from __future__ import annotations

import datetime as dt

import pytest

from relterm import rules
from relterm.errors import InputError, NotFoundError


def _levels(core, cid):
    return [(e.date.isoformat(), e.from_rank, e.to_rank) for e in reversed(core.timeline(cid)) if e.is_level_change]


@pytest.fixture
def ann(core):
    cid = core.add_contact("Ann Lee", date="2026-10-01")
    coffee = core.log(cid, "coffee", "coffee", date="2026-11-01")
    core.change_level(cid, step=1, date="2026-11-02")
    core.change_level(cid, step=1, date="2026-11-10")
    ids = [e.id for e in reversed(core.timeline(cid))]
    return cid, ids, coffee


def test_chain_levels_rule():
    day = dt.date(2026, 1, 1)
    steps = [rules.LevelStep(1, day, None, 1), rules.LevelStep(3, day + dt.timedelta(2), 2, 3),
             rules.LevelStep(2, day + dt.timedelta(5), 1, 2)]
    chained, current = rules.chain_levels(steps)
    assert [(s.id, s.from_rank) for s in chained] == [(1, None), (3, 1), (2, 3)]
    assert current == 2
    with pytest.raises(rules.LevelHistoryError):
        rules.chain_levels([rules.LevelStep(1, day, None, 1), rules.LevelStep(2, day - dt.timedelta(1), 1, 2)])
    assert rules.chain_levels([]) == ([], None)
    assert rules.can_delete_level_step(steps, 1) and rules.can_delete_level_step(steps, 3) is None


def test_deleting_a_promotion_keeps_the_latest_rank_and_rechains(core, ann):
    cid, (added, coffee, first, second), _ = ann
    core.remove_event(first)
    assert core.card(cid).ranks["business"] == 3
    assert _levels(core, cid) == [("2026-10-01", None, 1), ("2026-11-10", 1, 3)]
    core.remove_event(second)
    assert core.card(cid).ranks["business"] == 1  # back to the only entry left


def test_redating_a_level_change_moves_the_level(core, ann):
    cid, (added, coffee, first, second), _ = ann
    core.edit_event(first, date="2026-11-15")  # 1->2 now after 2->3: the latest entry says 2
    assert core.card(cid).ranks["business"] == 2
    assert _levels(core, cid) == [("2026-10-01", None, 1), ("2026-11-10", 1, 3), ("2026-11-15", 3, 2)]


def test_the_entry_that_placed_them_stays_first(core, ann):
    cid, (added, coffee, first, second), _ = ann
    with pytest.raises(InputError, match="placed them"):
        core.remove_event(added)
    with pytest.raises(InputError, match="stay the first"):
        core.edit_event(second, date="2026-09-01")
    assert core.card(cid).ranks["business"] == 3  # nothing written
    core.edit_event(added, date="2026-09-01")  # re-dating the start moves the date added with it
    assert core.card(cid).created_at.date() == dt.date(2026, 9, 1)


def test_last_contact_follows_deletes_edits_and_undo(core, ann):
    cid, ids, coffee = ann
    assert core.card(cid).last_interaction == dt.date(2026, 11, 1)
    core.edit_event(coffee, date="2026-11-20")
    assert core.card(cid).last_interaction == dt.date(2026, 11, 20)
    core.edit_event(coffee, kind="note")  # a note is not contact
    assert core.card(cid).last_interaction is None
    action, entry = core.undo_event_change()
    assert action == "edit" and entry.kind == "coffee"
    assert core.card(cid).last_interaction == dt.date(2026, 11, 20)
    core.remove_event(coffee)
    assert core.card(cid).last_interaction is None
    action, entry = core.undo_event_change()
    assert (action, entry.id, entry.summary) == ("delete", coffee, "coffee")
    assert core.card(cid).last_interaction == dt.date(2026, 11, 20)
    with pytest.raises(InputError, match="no timeline edit or delete to undo"):
        core.undo_event_change()


def test_bad_ids_and_kinds_are_refused(core, ann):
    cid, (added, coffee, first, second), _ = ann
    for bad in ("0", "abc", "99999", str(2**70)):
        with pytest.raises(NotFoundError):
            core.remove_event(bad)
    with pytest.raises(InputError, match="keeps its kind"):
        core.edit_event(first, kind="coffee")
    with pytest.raises(InputError, match="keeps its kind"):
        core.edit_event(coffee, kind="level-change")
    with pytest.raises(InputError):
        core.edit_event(coffee, date="2030-01-01")  # after today
    assert len(core.timeline(cid)) == 4


def test_cli_event_edit_delete_undo(run_cli):
    assert run_cli("add", "Ann Lee", "--since", "2026-10-01").code == 0
    assert run_cli("log", "Ann", "--kind", "coffee", "--date", "2026-11-01", "stray").code == 0
    timeline = run_cli("show", "Ann", "--json").json()["timeline"]
    coffee = next(e["id"] for e in timeline if e["kind"] == "coffee")
    refused = run_cli("event", "delete", str(coffee))  # no terminal, no --yes: nothing happens
    assert refused.code == 2 and "--yes" in refused.err and "Traceback" not in refused.err
    assert len(run_cli("show", "Ann", "--json").json()["timeline"]) == 2
    done = run_cli("event", "delete", str(coffee), "--yes")
    assert done.code == 0 and "event undo" in done.out
    card = run_cli("show", "Ann", "--json").json()
    assert len(card["timeline"]) == 1 and card["last_interaction"] is None
    back = run_cli("event", "undo")
    assert back.code == 0 and "Restored" in back.out
    assert run_cli("show", "Ann", "--json").json()["last_interaction"] == "2026-11-01"
    edited = run_cli("event", "edit", str(coffee), "--date", "2026-11-05", "--summary", "coffee at noon", "-y")
    assert edited.code == 0, edited
    entry = next(e for e in run_cli("show", "Ann", "--json").json()["timeline"] if e["id"] == coffee)
    assert (entry["date"], entry["summary"]) == ("2026-11-05", "coffee at noon")
    placed = next(e["id"] for e in timeline if e["kind"] == "level-change")
    refused = run_cli("event", "delete", str(placed), "-y")
    assert refused.code == 2 and refused.err.count("\n") == 1 and "placed them" in refused.err
    missing = run_cli("event", "delete", "12345", "-y")
    assert missing.code == 2 and "no timeline entry with id 12345" in missing.err
