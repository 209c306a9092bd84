"""Merging two contacts carries the follow-ups with or about the one archived, and undo puts them back."""

from __future__ import annotations

from relterm import merge as merging


def test_follow_ups_move_with_a_merge_and_back_with_its_undo(core):
    tom = core.add_contact("Tom Becker", level=4)
    tom2 = core.add_contact("T. Becker", level=3)
    sam = core.intel.introduce(tom2, "Sam").contact_id
    ann = core.add_contact("Ann", level=3)
    with_tom2, _ = core.intel.add_follow_up(tom2, about=sam, reason="Sam went badly")
    about_tom2, _ = core.intel.add_follow_up(ann, about=tom2, reason="ask Ann about Tom")
    self_ref, _ = core.intel.add_follow_up(tom, about=tom2, reason="would be about himself")
    before = {f.id: (f.contact_id, f.about_id) for f in core.intel.follow_ups(status=None)}

    merging.merge(core, tom, tom2)
    after = {f.id: (f.contact_id, f.about_id) for f in core.intel.follow_ups(status=None)}
    assert after[with_tom2] == (tom, sam)  # still on the agenda: with the one kept
    assert after[about_tom2] == (ann, tom)
    assert after[self_ref] == (tom, tom2)  # not made about himself
    assert with_tom2 in {f.id for f in core.intel.follow_ups()}

    merging.undo_merge(core)
    assert {f.id: (f.contact_id, f.about_id) for f in core.intel.follow_ups(status=None)} == before
