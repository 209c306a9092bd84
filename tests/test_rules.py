"""The relationship rules (relterm.rules) and every path that must obey them.

Each rule is written once; these tests hold the places that used to restate
a rule (SQL in the agenda and suggestions, the importer, the review and intro
flows, the command line) to the same answer.
"""

from __future__ import annotations

import datetime as dt
import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from relterm import present, rules, store
from relterm.config import load_config
from relterm.rules import DUE, NO_CADENCE, ON_TRACK, OVERDUE
from relterm.store import Contact

TODAY = dt.date(2026, 11, 23)  # tests/conftest.py freezes RELTERM_TODAY to this day


# The rules themselves ---------------------------------------------------------------------


def test_clock_starts_at_the_later_of_last_contact_and_date_added():
    added = dt.date(2026, 11, 1)
    assert rules.clock_start(None, added) == added
    assert rules.clock_start(dt.date(2024, 3, 5), added) == added  # history before relterm knew them
    assert rules.clock_start(dt.date(2026, 11, 20), added) == dt.date(2026, 11, 20)
    assert rules.clock_start(None, None) is None


def test_health_counts_from_the_clock_start():
    added = TODAY - dt.timedelta(days=10)
    assert rules.health(None, added, 10, TODAY).state == DUE
    assert rules.health(None, added, 9, TODAY).state == OVERDUE
    h = rules.health(None, TODAY, 180, TODAY)  # added today, never contacted: due in 180 days
    assert (h.state, h.due_on, h.days_over) == (ON_TRACK, TODAY + dt.timedelta(days=180), -180)
    assert rules.health(None, added, None, TODAY).state == NO_CADENCE
    snoozed = rules.health(None, added, 5, TODAY, TODAY + dt.timedelta(days=3))
    assert snoozed.state == OVERDUE and snoozed.snoozed_until == TODAY + dt.timedelta(days=3)
    assert not snoozed.needs_contact
    assert rules.health(None, added, 5, TODAY, TODAY).snoozed_until is None  # a snooze ending today is over


def test_effective_cadence_follows_the_override_then_the_default_ladder():
    config = load_config()
    ladder = config.ladder
    assert rules.effective_cadence(ladder, 1, None) == 180
    assert rules.effective_cadence(ladder, 1, 7) == 7
    assert rules.effective_cadence(ladder, 1, 0) is None
    assert rules.effective_cadence(ladder, 0, None) is None  # Cold has no cadence
    assert rules.effective_cadence(ladder, 99, None) is None  # a rank an edited ladder lost


def test_notes_and_reviews_are_not_contact_unless_the_config_says_so():
    config = load_config()
    assert not rules.counts_as_contact(config, "note")
    assert not rules.counts_as_contact(config, "review")
    assert not rules.counts_as_contact(config, "level-change")
    assert not rules.counts_as_contact(config, "introduced-by")
    for kind in ("coffee", "call", "email", "introduced", "social"):
        assert rules.counts_as_contact(config, kind)


def test_counts_as_contact_is_read_from_levels_yaml(config_dir, core):
    from relterm.config import parse_config
    from relterm.paths import SHIPPED_LEVELS

    text = SHIPPED_LEVELS.read_text(encoding="utf-8")
    text = text.replace("  note:              {in_person: false, counts_as_contact: false,",
                        "  note:              {in_person: false, counts_as_contact: true,")
    text = text.replace('  social:            {in_person: false, description:',
                        '  social:            {in_person: false, counts_as_contact: false, description:')
    config = parse_config(text)
    assert rules.counts_as_contact(config, "note")
    assert not rules.counts_as_contact(config, "social")


# The paths that obey them ------------------------------------------------------------------


def test_a_note_does_not_move_the_keep_in_touch_clock(run_cli):
    assert run_cli("add", "Rahul", "--level", "5", "--since", "2026-09-01").code == 0
    assert run_cli("log", "Rahul", "--kind", "call", "--date", "2026-10-01", "quick call").code == 0
    before = run_cli("show", "Rahul", "--json").json()
    assert before["health"] == "overdue" and before["last_interaction"] == "2026-10-01"
    # `log` with no kind records a note: a private reminder, not contact.
    assert run_cli("log", "Rahul", "Remember: he prefers WhatsApp").code == 0
    after = run_cli("show", "Rahul", "--json").json()
    assert after["timeline"][0]["kind"] == "note"
    assert (after["health"], after["due_on"], after["last_interaction"]) == (
        before["health"], before["due_on"], before["last_interaction"])
    assert "Rahul" in run_cli("due").out


def test_removing_the_last_contact_falls_back_to_the_one_before(core):
    cid = core.add_contact("Lena", level=5)
    core.log(cid, "call", "call", date="2026-11-01")
    note = core.log(cid, "note", "a note", date="2026-11-20")
    coffee = core.log(cid, "coffee", "coffee", date="2026-11-10")
    core.delete_event(coffee)
    assert core.card(cid).last_interaction == dt.date(2026, 11, 1)
    core.delete_event(note)
    assert core.card(cid).last_interaction == dt.date(2026, 11, 1)


def test_a_review_is_recorded_without_counting_as_contact(core):
    cid = core.add_contact("Key Client", level=5, date="2026-09-01")
    core.intel.record_review(cid, keep="Monthly lunches")
    assert core.card(cid).last_interaction is None
    assert core.intel.health_of(cid).state == OVERDUE


def _card_line(name, uid, introducer_uid=None):
    lines = ["BEGIN:VCARD", "VERSION:3.0", f"UID:{uid}", f"FN:{name}", f"N:{name};;;;"]
    if introducer_uid:
        lines.append(f"RELATED;TYPE=x-introduced-by:urn:uuid:{introducer_uid}")
    lines.append("END:VCARD")
    return "\r\n".join(lines) + "\r\n"


def test_introduced_people_start_on_the_same_rung_by_every_path(core, tmp_path, run_cli):
    ladder = core.config.ladder
    expected = rules.start_rank(ladder, introduced=True)
    assert expected != rules.start_rank(ladder, introduced=False)  # so the test can tell them apart
    ada = core.add_contact("Ada Lovelace", uid="11111111-1111-1111-1111-111111111111")
    by_add = core.add_contact("Charles Babbage", introduced_by=ada)
    by_intro = core.intel.introduce(ada, "Mary Somerville").contact_id
    vcf = tmp_path / "people.vcf"
    vcf.write_text(_card_line("Grace Hopper", "22222222-2222-2222-2222-222222222222",
                              "11111111-1111-1111-1111-111111111111"), encoding="utf-8")
    core.close()
    assert run_cli("import", str(vcf)).code == 0
    from relterm.core import Core

    again = Core(core.db_path, load_config())
    try:
        by_import = again.resolve("Grace Hopper")
        ranks = {again.card(cid).name: again.card(cid).ranks[again.config.default_ladder]
                 for cid in (by_add, by_intro, by_import)}
        assert ranks == {"Charles Babbage": expected, "Mary Somerville": expected, "Grace Hopper": expected}
        assert again.card(by_import).introduced_by == "Ada Lovelace"
    finally:
        again.close()


def test_linkedin_connections_from_years_ago_are_not_overdue_on_import(tmp_path, run_cli):
    csv = tmp_path / "Connections.csv"
    rows = ["First Name,Last Name,URL,Email Address,Company,Position,Connected On"]
    rows += [f"Person,{i:03d},https://example.org/{i},p{i}@example.org,Acme,Engineer,0{1 + i % 9} Mar 2024"
             for i in range(30)]
    csv.write_text("\n".join(rows) + "\n", encoding="utf-8")
    result = run_cli("import", str(csv), "--level", "1")
    assert result.code == 0, result
    listed = run_cli("list", "--json").json()
    assert len(listed) == 30
    assert {row["health"] for row in listed} == {"ok"}
    assert {row["due_on"] for row in listed} == {(TODAY + dt.timedelta(days=180)).isoformat()}
    suggested = run_cli("suggest", "--json").json()
    assert not [s for s in suggested if s.get("action") == "demote"]


def test_an_agenda_snooze_shows_everywhere(run_cli):
    assert run_cli("add", "Tom", "--level", "4", "--since", "2026-08-01").code == 0
    assert run_cli("snooze", "Tom", "5", "--item", "keep-in-touch").code == 0
    until = (TODAY + dt.timedelta(days=5)).isoformat()
    shown = run_cli("show", "Tom", "--json").json()
    assert shown["health"] == "overdue" and shown["snoozed_until"] == until
    assert f"snoozed to {until}" in run_cli("show", "Tom").out
    assert run_cli("list", "--json").json()[0]["snoozed_until"] == until
    assert f"snoozed to {until}" in run_cli("list").out
    assert "Tom" not in run_cli("due").out


# SQL restatements equal the rule -------------------------------------------------------------

_day = st.dates(min_value=dt.date(2025, 1, 1), max_value=TODAY)
_history = st.lists(
    st.tuples(
        st.one_of(st.none(), _day),  # last contact
        _day,  # date added
        st.sampled_from([None, 0, 1, 7, 30, 400]),  # cadence override
        st.sampled_from([0, 1, 2, 3, 4, 5, 6]),  # rank
    ),
    min_size=1, max_size=25,
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(history=_history, within=st.sampled_from([0, 3, 30]))
def test_agenda_and_slip_sql_agree_with_the_health_rule(core, history, within):
    db = store.current_database()
    with store.write():
        db.execute_sql("DELETE FROM contact")
        for i, (last, added, override, rank) in enumerate(history):
            cid = core.add_contact(f"Person {i}", level=rank)
            Contact.update(
                last_interaction=last, created_at=dt.datetime.combine(added, dt.time(9)), cadence_days=override,
            ).where(Contact.id == cid).execute()
    ladder = core.config.ladder
    expected_due, expected_slipped = set(), set()
    horizon = TODAY + dt.timedelta(days=within)
    for i, (last, added, override, rank) in enumerate(history):
        health = rules.health(last, added, rules.effective_cadence(ladder, rank, override), horizon)
        if health.needs_contact:
            expected_due.add(f"Person {i}")
        cadence = rules.effective_cadence(ladder, rank, override)
        start = rules.clock_start(last, added)
        if cadence and (TODAY - start).days >= rules.SLIP_FACTOR * cadence and ladder.next_rank(rank, -1) is not None:
            expected_slipped.add(f"Person {i}")
    items = core.intel.agenda(within=within, items=["keep-in-touch"])
    assert {item.name for item in items} == expected_due
    for item in items:
        row = next(h for i, h in enumerate(history) if f"Person {i}" == item.name)
        assert item.due_on == rules.health(row[0], row[1], rules.effective_cadence(ladder, row[3], row[2]),
                                           TODAY).due_on
    slipped = {s.name for s in core.intel.suggestions() if s.action == "demote"}
    assert slipped == expected_slipped


def test_list_health_agrees_with_the_single_contact_rule(core):
    ladder = core.config.ladder
    for i, (last, added) in enumerate([(None, "2026-01-01"), ("2024-05-05", "2026-11-20"), ("2026-11-01", "2026-02-02")]):
        cid = core.add_contact(f"P{i}", level=5)
        Contact.update(last_interaction=last, created_at=added + " 10:00:00").where(Contact.id == cid).execute()
    rows = core.rows()
    listed = core.intel.health(rows)
    for row in rows:
        single = core.intel.health_of(row.id)
        assert listed[row.id] == single
        assert single == rules.health(row.last_interaction, row.added, rules.effective_cadence(ladder, row.rank, None), TODAY)
    assert json.loads(json.dumps(present.row_json(core.config, rows[0], {}, listed[rows[0].id])))["health"] == listed[rows[0].id].state
