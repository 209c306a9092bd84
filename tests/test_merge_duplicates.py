"""Likely duplicates are listed with their evidence; merging two contacts keeps both timelines, the higher
rank on each ladder, re-points introductions, keeps emails and phones, joins tags and notes, archives the
other; the last merge can be undone exactly."""

from __future__ import annotations

import pytest

from relterm import merge as merging
from relterm.errors import InputError


def _state(core, cid):
    card = core.card(cid)
    return (card.name, card.company, card.email, card.phone, card.tags, card.notes, card.ranks,
            card.introduced_by, card.last_interaction, card.archived_at, card.details,
            [(e.id, e.date, e.kind, e.summary, e.from_rank, e.to_rank, e.other_id) for e in core.timeline(cid)])


@pytest.fixture
def pair(core):
    ingrid = core.add_contact("Ingrid Solberg")
    a = core.add_contact("Sarah Whitfield", level=3, email="sarah@x.org", tags=["a"], notes="likes tea")
    b = core.add_contact("Sarah W", level=4, email="sw@y.org", phone="+44 20 7946 0958", company="Acme",
                         tags=["b"], notes="met at the expo", introduced_by=ingrid, date="2026-10-01")
    core.change_level(b, ladder="customer", to=2, reason="bought", date="2026-11-01")
    coffee = core.log(b, "coffee", "coffee at the expo", date="2026-11-20")
    doug = core.intel.introduce(b, "Doug Lee").contact_id
    return core, a, b, ingrid, doug, coffee


def test_duplicates_show_their_evidence(core):
    a = core.add_contact("Sarah Whitfield", email="Sarah@X.org")
    b = core.add_contact("Sarah W", email="sarah@x.org ", phone="020 7946 0958")
    c = core.add_contact("Sarah Whitfeld", phone="+44 20 7946 0958")
    d = core.add_contact("sarah whitfield")
    core.add_contact("Person 01")
    core.add_contact("Person 02")  # digits differ: different names
    found = {(p.a_id, p.b_id): p.evidence for p in merging.find_duplicates(core)}
    assert found[(a, b)] == ("same email sarah@x.org",)
    assert found[(b, c)] == ("same phone (…0958)",)
    assert found[(a, d)] == ("same name",)
    assert any(e.startswith("near-identical names") for e in found[(a, c)])
    assert len(found) == 5  # a-b, b-c, a-d, a-c, c-d; not the two Persons
    assert merging.find_duplicates(core)[0].evidence[0].startswith("same ")  # strongest evidence first


def test_merge_makes_one_contact_of_two(pair):
    core, a, b, ingrid, doug, coffee = pair
    plan = merging.merge(core, a, b)
    card = core.card(a)
    assert card.ranks == {"business": 4, "customer": 2}  # the higher rank on each ladder
    levels = [e for e in core.timeline(a) if e.is_level_change and "merged with Sarah W" in (e.reason or "")]
    assert {(e.ladder, e.from_rank, e.to_rank) for e in levels} == {("business", 3, 4), ("customer", None, 2)}
    assert card.email == "sarah@x.org" and card.phone == "+44 20 7946 0958" and card.company == "Acme"
    assert ("email", "sw@y.org") in {(d.kind, d.value) for d in card.details}
    assert card.tags == ("a", "b") and "likes tea" in card.notes and "met at the expo" in card.notes
    assert card.introduced_by == "Ingrid Solberg"
    assert coffee in {e.id for e in core.timeline(a)}  # both timelines
    assert card.last_interaction.isoformat() == "2026-11-23"  # the introduction today was contact
    assert core.card(doug).introduced_by == "Sarah Whitfield"
    assert [g.contact_id for g in core.intel.names_given(a)] == [doug]
    assert core.card(b).archived_at is not None and core.card(b).ranks["business"] == 4  # B keeps its history
    assert plan.events_moved == 2 and plan.introduced_moved == 1


def test_undo_puts_both_back_exactly_once(pair):
    core, a, b, ingrid, doug, coffee = pair
    before = (_state(core, a), _state(core, b), _state(core, doug))
    merging.merge(core, a, b)
    assert merging.last_merge(core)[:3] == (a, "Sarah Whitfield", b)
    merging.undo_merge(core)
    assert (_state(core, a), _state(core, b), _state(core, doug)) == before
    with pytest.raises(InputError, match="no merge to undo"):
        merging.undo_merge(core)


def test_merge_refuses_the_same_or_an_archived_contact(pair):
    core, a, b, *_ = pair
    with pytest.raises(InputError, match="two different"):
        merging.plan_merge(core, a, a)
    core.archive(b)
    with pytest.raises(InputError, match="archived"):
        merging.merge(core, a, b)


def test_cli_duplicates_merge_and_undo(run_cli):
    assert run_cli("add", "Sarah Whitfield", "--email", "s@x.org", "--level", "3").code == 0
    assert run_cli("add", "Sarah W", "--email", "s@x.org", "--level", "5", "--tag", "vip").code == 0
    listed = run_cli("duplicates", "--json").json()
    assert listed == [{"a": {"id": 1, "name": "Sarah Whitfield"}, "b": {"id": 2, "name": "Sarah W"},
                       "evidence": ["same email s@x.org"]}]
    assert "same email s@x.org" in run_cli("duplicates").out
    refused = run_cli("merge", "Sarah Whitfield", "Sarah W")  # no terminal: preview, then no merge
    assert refused.code == 2 and "Merge Sarah W (id 2) into Sarah Whitfield (id 1)" in refused.out
    assert "--yes" in refused.err and len(run_cli("list", "--json").json()) == 2
    done = run_cli("merge", "1", "2", "--yes")
    assert done.code == 0 and "merge --undo" in done.out
    rows = run_cli("list", "--json").json()
    assert [(r["name"], r["level"], r["tags"]) for r in rows] == [("Sarah Whitfield", 5, ["vip"])]
    undone = run_cli("merge", "--undo")
    assert undone.code == 0 and "as they were" in undone.out
    assert len(run_cli("list", "--json").json()) == 2
    again = run_cli("merge", "--undo")
    assert again.code == 2 and "no merge to undo" in again.err


def test_near_names_finds_every_alike_pair_of_a_block():
    """The length bound only skips pairs that cannot be alike: the pairs found are those of comparing
    every two names of a block (first two letters) with rapidfuzz, typos, long and short names alike."""
    import random
    import re

    from rapidfuzz import fuzz

    rng = random.Random(7)
    letters = "abcdeéfghijklmnoprstuvwyz"
    names = set()
    for _ in range(400):
        first = "".join(rng.choice(letters) for _ in range(rng.randint(2, 12)))
        name = f"ma{first} {''.join(rng.choice(letters) for _ in range(rng.randint(1, 20)))}"
        names.add(name)
        for _ in range(rng.randint(0, 2)):  # a typo: a letter dropped, doubled or changed, a digit added
            i = rng.randrange(2, len(name))
            names.add(rng.choice([name[:i] + name[i + 1:], name[:i] + name[i] + name[i:],
                                  name[:i] + rng.choice(letters) + name[i + 1:], f"{name} {rng.randint(1, 9)}"]))
    by_key = {name: [number] for number, name in enumerate(sorted(names))}
    expected = set()
    keys = sorted(by_key)
    for i, a in enumerate(keys):
        for b in keys[i + 1:]:
            if a[:2] == b[:2] and fuzz.ratio(a, b) >= merging.NEAR_NAME \
                    and re.findall(r"[0-9]+", a) == re.findall(r"[0-9]+", b):
                expected.add((min(by_key[a][0], by_key[b][0]), max(by_key[a][0], by_key[b][0])))
    found = {(a, b) for a, b, _ in merging._near_names(by_key)}
    assert len(expected) > 50 and found == expected
