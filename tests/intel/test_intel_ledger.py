"""Give before you ask: the ask warning, balances, referral concentration."""

from __future__ import annotations

import pytest

from intel_helpers import add, edited_config
from relterm.core import Core
from relterm.intel import AskTooEarly
from relterm.rules import ask_warning as ask_warning_for


def test_an_ask_too_early_is_refused_without_force_and_nothing_is_written(core):
    ann = add(core, "Ann", 1)
    assert core.ask_warning(ann) == "Level 1 Researched: asking for business now is likely too early"
    assert core.intel.ask_warning(ann, "coffee") is None  # only asks warn
    before = core.timeline(ann)
    with pytest.raises(AskTooEarly) as caught:
        core.log(ann, "ask", "Could you send work my way?")
    assert caught.value.warning == "Level 1 Researched: asking for business now is likely too early"
    assert core.timeline(ann) == before and core.card(ann).last_interaction is None
    event_id = core.log(ann, "ask", "Could you send work my way?", force=True)
    event = next(e for e in core.timeline(ann) if e.id == event_id)
    assert event.direction == "ask"
    assert event.warning == "Level 1 Researched: asking for business now is likely too early"


def test_asking_at_a_level_where_it_is_fine(core):
    met = add(core, "Met Mo", 4)
    assert core.ask_warning(met) is None
    event_id = core.log(met, "ask", "Any projects for me?")
    assert next(e for e in core.timeline(met) if e.id == event_id).warning is None


def test_levels_without_ask_ok_or_missing_from_the_ladder_do_not_warn():
    config = edited_config(lambda text: text.replace(
        "        color: \"#5dade2\"\n        cadence_days: 180\n        ask_ok: false\n",
        "        color: \"#5dade2\"\n        cadence_days: 180\n",
    ))
    assert config.ladder.by_rank[1].ask_ok is None
    assert ask_warning_for(config, "ask", 1) is None
    assert ask_warning_for(config, "ask", 2) == "Level 2 Introduced: asking for business now is likely too early"
    assert ask_warning_for(config, "ask", 42) is None
    assert ask_warning_for(config, "ask", None) is None


def test_balance_counts_referrals_introductions_and_asks(core):
    tom = add(core, "Tom", 5)
    for kind in ("referral-given", "referral-given", "referral-received", "introduction", "introduced", "ask"):
        core.log(tom, kind, "x")
    core.intel.introduce(tom, "New Person")  # Tom introduced you: received
    core.log(tom, "coffee")  # no direction
    bal = core.intel.balance(tom)
    assert (bal.referrals_given, bal.referrals_received, bal.intros_given, bal.intros_received, bal.asks) == (
        2, 1, 1, 2, 1
    )
    assert (bal.given, bal.received, bal.net) == (3, 3, -1)
    empty = core.intel.balance(core.resolve("New Person"))
    assert (empty.given, empty.received, empty.asks) == (0, 0, 0)


def test_balances_are_sorted_and_leave_archived_contacts_out(core):
    giver = add(core, "Giver", 4)
    taker = add(core, "Taker", 4)
    gone = add(core, "Gone", 4)
    core.log(giver, "referral-given")
    core.log(giver, "referral-given")
    core.log(taker, "referral-received")
    core.log(taker, "ask")
    core.log(gone, "referral-given")
    core.archive(gone)
    assert [(b.name, b.net) for b in core.intel.balances()] == [("Giver", 2), ("Taker", -2)]
    assert [b.name for b in core.intel.balances(sort="received")] == ["Taker", "Giver"]
    assert [b.name for b in core.intel.balances(sort="name")] == ["Giver", "Taker"]


def test_concentration_of_referrals_received(core):
    names = ["Big", "Mid", "Small", "Tiny"]
    counts = [6, 2, 1, 1]
    for name, n in zip(names, counts):
        cid = add(core, name, 4)
        for _ in range(n):
            core.log(cid, "referral-received")
    core.log(core.resolve("Mid"), "introduced")  # an introduction is not a referral
    conc = core.intel.concentration()
    assert conc.total == 10
    assert (conc.share_top1, conc.share_top3, conc.share_top5) == (0.6, 0.9, 1.0)
    assert [name for _, name, _ in conc.top] == names
    assert conc.warning.startswith("Big accounts for 60% of the referrals you received")


def test_concentration_without_a_dominant_person_or_referrals(core):
    assert core.intel.concentration().total == 0
    for name in ("A", "B", "C"):
        core.log(add(core, name, 4), "referral-received")
    conc = core.intel.concentration()
    assert conc.warning is None and round(conc.share_top1, 3) == 0.333


def test_concentration_window(core):
    a = add(core, "Old", 4)
    core.log(a, "referral-received", date="2025-01-01")
    b = add(core, "New", 4)
    core.log(b, "referral-received", date="2026-11-01")
    assert core.intel.concentration(within_days=90).top == ((b, "New", 1),)


def test_ask_warning_follows_an_edited_ladder(core, db_path):
    cid = add(core, "Mo", 4)
    config = edited_config(lambda text: text.replace(
        "        cadence_days: 45\n        ask_ok: true", "        cadence_days: 45\n        ask_ok: false"
    ))
    core.close()
    other = Core(db_path, config)
    try:
        assert other.ask_warning(cid) == "Level 4 Met: asking for business now is likely too early"
    finally:
        other.close()
