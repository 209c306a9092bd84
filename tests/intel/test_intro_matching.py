"""`intro` links a name to the one contact it means (exact, or the first words of exactly one name),
lists the candidates when several match, refuses a near miss, creates only when nothing matches or
--new says so, and says what happened to an existing introducer (--replace changes it)."""

from __future__ import annotations

import pytest

from relterm.errors import AmbiguousError, InputError


def _count(core):
    return core.count()


def test_a_first_name_links_to_the_one_contact_it_starts(core):
    tom = core.add_contact("Tom Becker")
    sarah = core.add_contact("Sarah Whitfield")
    result = core.intel.introduce(tom, "sarah")
    assert (result.contact_id, result.created, result.matched) == (sarah, False, "prefix")
    assert core.card(sarah).introduced_by == "Tom Becker" and _count(core) == 2
    assert core.intel.introduce(tom, "SARAH WHÍTFIELD").matched == "exact"  # case and accents aside


def test_several_matches_list_the_candidates_and_change_nothing(core):
    tom = core.add_contact("Tom Becker")
    core.add_contact("Sarah Whitfield")
    core.add_contact("Sarah Jones")
    events = len(core.timeline(tom))
    with pytest.raises(AmbiguousError) as caught:
        core.intel.introduce(tom, "Sarah")
    assert {name for _, name in caught.value.candidates} == {"Sarah Whitfield", "Sarah Jones"}
    assert len(core.timeline(tom)) == events and _count(core) == 3


def test_a_near_miss_is_refused_and_new_adds_anyway(core):
    tom = core.add_contact("Tom Becker")
    core.add_contact("Sarah Whitfield")
    with pytest.raises(InputError, match="Sarah Whitfield .id 2. is close.*--new"):
        core.intel.introduce(tom, "Sara Whitfeld")
    assert _count(core) == 2
    result = core.intel.introduce(tom, "Sara Whitfeld", new=True)
    assert result.created and _count(core) == 3
    # A part of a word is not a match: "Sar" names nobody and is added.
    assert core.intel.introduce(tom, "Sar").created


def test_an_existing_introducer_is_kept_and_said_unless_replaced(core):
    xu, li = core.add_contact("Xu Ming"), core.add_contact("Li Wei")
    tom = core.add_contact("Tom Becker", introduced_by=xu)
    kept = core.intel.introduce(li, "Tom Becker")
    assert (kept.kept_introducer, kept.introducer_set) == ("Xu Ming", False)
    assert core.card(tom).introduced_by == "Xu Ming"
    assert [e.kind for e in core.timeline(li)][0] == "introduced"  # recorded on both timelines
    assert [e.kind for e in core.timeline(tom)][0] == "introduced-by"
    replaced = core.intel.introduce(li, "Tom Becker", replace=True)
    assert replaced.replaced_introducer == "Xu Ming" and core.card(tom).introduced_by == "Li Wei"


def test_cli_intro_says_what_happened(run_cli):
    for name in ("Sarah Whitfield", "Tom Becker", "Li Wei", "Xu Ming"):
        assert run_cli("add", name).code == 0
    linked = run_cli("intro", "Tom", "Sarah")
    assert linked.code == 0 and 'Sarah Whitfield (id 1, the one contact whose name starts with "Sarah")' in linked.out
    assert len(run_cli("list", "--json").json()) == 4  # no stub "Sarah"
    assert run_cli("intro", "Xu", "Tom Becker").code == 0
    kept = run_cli("intro", "Li Wei", "Tom Becker")
    assert kept.code == 0
    assert ("Tom Becker (id 2) was first introduced by Xu Ming; Li Wei is now another way in (recorded on both "
            "timelines; `relterm who-knows` lists them all; --replace makes Li Wei the first introducer).") in kept.out
    replaced = run_cli("intro", "Li Wei", "Tom Becker", "--replace")
    # Xu Ming's introduction is an entry of its own: it stays a way in.
    assert "Li Wei replaces Xu Ming as their introducer; Xu Ming stays another way in." in replaced.out
    assert run_cli("show", "Tom Becker", "--json").json()["introduced_by"] == "Li Wei"
    assert run_cli("add", "Sarah Jones").code == 0
    ambiguous = run_cli("intro", "Tom", "Sarah")
    assert ambiguous.code == 2 and "Sarah Jones (id 5)" in ambiguous.err and "Traceback" not in ambiguous.err
    assert len(run_cli("list", "--json").json()) == 5


def test_cli_add_refuses_an_existing_name_unless_asked(run_cli):
    assert run_cli("add", "Sarah Whitfield").code == 0
    again = run_cli("add", "sarah whitfield")
    assert again.code == 2 and again.err.count("\n") == 1
    assert "Sarah Whitfield (id 1) already exists" in again.err and "--duplicate" in again.err
    assert len(run_cli("list", "--json").json()) == 1
    assert run_cli("add", "Sarah Whitfield", "--duplicate").code == 0
    assert len(run_cli("list", "--json").json()) == 2
