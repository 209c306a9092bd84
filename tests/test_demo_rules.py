"""The demo is built through the core, so it obeys the rules it shows: the names someone gave are the
introductions the ledger counts, the introduced start on the introduced rung, nobody has history before
the day they were added, the keep-in-touch clock starts then, and every level is its history's outcome."""

from __future__ import annotations

import datetime as dt

from relterm import rules
from relterm.dates import today
from relterm.config import load_config
from relterm.core import Core
from relterm.demo import build_demo


def test_the_demo_obeys_the_rules(tmp_path):
    config = load_config()
    core = Core(build_demo(tmp_path / "demo.db", config), config)
    try:
        business = config.ladders[config.default_ladder]
        for row in core.rows():
            card = core.card(row.id)
            added = rules.date_added(card.created_at)
            timeline = core.timeline(row.id)
            assert all(e.date >= added for e in timeline), card.name
            given = core.intel.names_given(row.id)
            assert core.intel.balance(row.id).intros_received == len(given), card.name
            for ladder, rank in card.ranks.items():
                steps = core._level_steps(row.id, ladder)
                assert rules.chain_levels(steps) == (sorted(steps, key=rules._step_order), rank), (card.name, ladder)
            first = min(core._level_steps(row.id, config.default_ladder), key=rules._step_order)
            assert first.date == added, card.name
            if card.introduced_by:
                assert first.to_rank == business.intro_rank, card.name
                assert any(e.kind == rules.INTRODUCED_BY for e in timeline), card.name
            health = core.intel.health_of(row.id)
            if health.cadence_days:
                start = rules.clock_start(card.last_interaction, added)
                assert health.due_on == start + dt.timedelta(days=health.cadence_days)
        henrik = core.resolve("Henrik Lund")
        assert len(core.intel.names_given(henrik)) == core.intel.balance(henrik).intros_received >= 3
        astrid = core.resolve("Astrid Berg")
        card = core.card(astrid)
        assert card.to_contact and card.introduced_by == "Henrik Lund"
        added = rules.date_added(card.created_at)
        assert added < today() and core.intel.health_of(astrid).days_since == (today() - added).days
    finally:
        core.close()
