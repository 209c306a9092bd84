"""The intelligence commands through the CLI: output, --json shapes, bad input."""

from __future__ import annotations

import datetime as dt

import pytest


@pytest.fixture
def people(invoke):
    """Tom (Met) introduced Doug, who named John and Mary; Ann is Researched."""
    for args in (["add", "Tom", "--level", "4", "--since", "2026-08-01"], ["add", "Ann", "--level", "1"]):
        assert invoke(*args).code == 0
    assert invoke("log", "Tom", "--kind", "coffee", "--date", "2026-09-01").code == 0
    assert invoke("intro", "Tom", "Doug", "--date", "2026-09-01").code == 0
    assert invoke("intro", "Doug", "John Smith", "Mary: CFO at Acme", "--date", "2026-11-20").code == 0
    return invoke


def test_due_lists_the_agenda_and_json(people):
    invoke = people
    result = invoke("due")
    assert result.code == 0, result
    assert "Keep in touch (1)" in result.out and "Tom" in result.out and "38 days overdue" in result.out
    assert "Names to contact (2)" in result.out and "named by Doug" in result.out
    data = invoke("due", "--json").json()
    assert data["today"] == "2026-11-23" and data["within"] == 0
    assert data["counts"] == {"keep-in-touch": 1, "review": 0, "to-contact": 2, "birthday": 0}
    first = data["items"][0]
    assert {k: first[k] for k in ("item", "name", "level", "level_name", "status", "days_over", "due_on")} == {
        "item": "keep-in-touch", "name": "Tom", "level": 4, "level_name": "Met", "status": "overdue",
        "days_over": 38, "due_on": "2026-10-16",
    }
    assert [i["name"] for i in data["items"][1:]] == ["John Smith", "Mary"]
    only = invoke("due", "--json", "--item", "to-contact", "--limit", "1").json()
    assert [i["name"] for i in only["items"]] == ["John Smith"] and only["counts"]["to-contact"] == 2


def test_due_with_nothing_due(invoke):
    invoke("add", "Zed", "--level", "0")
    result = invoke("due")
    assert result.code == 0 and "Nothing due" in result.out
    assert invoke("due", "--within", "-3").code == 2


def test_snooze_hides_and_clears(people):
    invoke = people
    result = invoke("snooze", "Tom", "5")
    assert result.code == 0 and "until 2026-11-28" in result.out
    assert "Tom" not in invoke("due").out
    assert "snoozed until 2026-11-28" in invoke("due", "--all").out
    assert invoke("snooze", "John", "3", "--item", "to-contact").code == 0
    names = [i["name"] for i in invoke("due", "--json").json()["items"]]
    assert names == ["Mary"]
    assert "Cleared" in invoke("snooze", "Tom", "0").out
    assert invoke("snooze", "Tom", "2", "--item", "lunch").code == 2
    assert invoke("snooze", "Nobody", "2").code == 2


def test_intro_names_path_and_reach(people):
    invoke = people
    names = invoke("names", "Doug", "--json").json()
    assert [(n["name"], n["contacted"], n["date"], n["level"]) for n in names] == [
        ("John Smith", False, "2026-11-20", 2), ("Mary", False, "2026-11-20", 2),
    ]
    invoke("log", "Mary", "--kind", "call", "Hello")
    out = invoke("names", "Doug").out
    assert "2 names from Doug; 1 contacted." in out
    assert [n["name"] for n in invoke("names", "Doug", "--pending", "--json").json()] == ["John Smith"]
    assert invoke("path", "John").out.strip() == "you -> Tom -> Doug -> John Smith"
    assert [s["name"] for s in invoke("path", "John", "--json").json()] == ["Tom", "Doug", "John Smith"]
    reach = invoke("reach", "--json").json()
    assert [(r["name"], r["direct"], r["total"]) for r in reach] == [("Tom", 1, 3), ("Doug", 2, 2)]
    assert "REACH" in invoke("reach").out
    show = invoke("show", "Doug", "--json").json()
    assert show["introduced_by"] == "Tom"
    assert [e["kind"] for e in show["timeline"]][:2] == ["introduced", "introduced"]


def test_intro_json_existing_and_stdin(people):
    invoke = people
    data = invoke("intro", "Ann", "Tom", "--json").json()
    assert data == [{"id": 1, "name": "Tom", "created": False, "introducer_set": True, "event_id": data[0]["event_id"]}]
    result = invoke("intro", "Ann", "-", "--json", input="Pat Lee\n\nRo Yu: designer\n")
    assert [(d["name"], d["created"]) for d in result.json()] == [("Pat Lee", True), ("Ro Yu", True)]
    text = invoke("intro", "Ann", "Kim").out
    assert "Added Kim" in text and "to contact" in text


def test_intro_refuses_cycles_self_and_unknown_or_ambiguous_people(people):
    invoke = people
    cycle = invoke("intro", "John Smith", "Tom")
    assert cycle.code == 2 and "cycle" in cycle.err
    self_intro = invoke("intro", "Tom", "Tom")
    assert self_intro.code == 2 and "themselves" in self_intro.err
    unknown = invoke("intro", "Nobody", "X")
    assert unknown.code == 2 and "no contact matches" in unknown.err
    invoke("add", "Sam One")
    invoke("add", "Sam Two")
    ambiguous = invoke("names", "Sam")
    assert ambiguous.code == 2 and "matches 2 contacts" in ambiguous.err
    assert invoke("path", "Nobody").code == 2
    assert "X" not in invoke("list").out.split()


def test_ask_needs_force_below_the_ask_level(people):
    invoke = people
    refused = invoke("log", "Ann", "--kind", "ask", "Any work?")
    assert refused.code == 2
    assert refused.err.strip() == (
        "relterm: Level 1 Researched: asking for business now is likely too early; pass --force to log the ask anyway"
    )
    assert [e["kind"] for e in invoke("show", "Ann", "--json").json()["timeline"]] == ["level-change"]
    forced = invoke("log", "Ann", "--kind", "ask", "--force", "Any work?")
    assert forced.code == 0 and "too early" in forced.err
    timeline = invoke("show", "Ann", "--json").json()["timeline"]
    assert timeline[0]["warning"] == "Level 1 Researched: asking for business now is likely too early"
    assert invoke("log", "Tom", "--kind", "ask", "Any work?").code == 0  # Met: fine


def test_balance_and_show(people):
    invoke = people
    invoke("log", "Tom", "--kind", "referral-given")
    invoke("log", "Tom", "--kind", "referral-received")
    invoke("log", "Tom", "--kind", "referral-received")
    one = invoke("balance", "Tom", "--json").json()
    assert one == {
        "id": 1, "name": "Tom", "level": 4, "referrals_given": 1, "referrals_received": 2,
        "introductions_given": 0, "introductions_received": 1, "given": 1, "received": 3, "asks": 0, "net": -2,
    }
    every = invoke("balance", "--json").json()
    assert [b["name"] for b in every] == ["Tom", "Doug"] or [b["name"] for b in every] == ["Doug", "Tom"]
    assert "NET" in invoke("balance").out
    card = invoke("show", "Tom", "--json").json()
    assert card["balance"]["net"] == -2 and card["health"] == "ok"
    # One ledger, one wording: the card's balance is `balance PERSON --json` without who it is.
    assert card["balance"] == {key: value for key, value in one.items() if key not in ("id", "name", "level")}
    assert "Give/ask:" in invoke("show", "Tom").out
    assert invoke("balance", "--sort", "weight").code == 2


def test_review_schedule_record_and_prompts(people):
    invoke = people
    scheduled = invoke("review", "schedule", "Tom", "--every", "90", "--first", "2026-11-20")
    assert scheduled.code == 0 and "2026-11-20" in scheduled.out
    assert "Reviews due (1)" in invoke("due").out
    no_tty = invoke("review", "Tom")
    assert no_tty.code == 2 and "--continue" in no_tty.err
    recorded = invoke("review", "Tom", "--continue", "Coffees", "--start", "A joint talk", "--json").json()
    assert recorded["answers"] == {"continue": "Coffees", "stop": "", "start": "A joint talk"}
    assert recorded["next_review"] == "2027-02-21"
    assert "Reviews due" not in invoke("due").out
    assert invoke("review", "record", "Tom", "--stop", "Nothing").code == 0
    assert "Stopped" in invoke("review", "schedule", "Tom", "--every", "0").out
    assert invoke("review", "schedule", "Tom").code == 2  # --every is required
    assert invoke("review", "Nobody", "--stop", "x").code == 2


def test_review_prompts_on_a_terminal(people, monkeypatch):
    monkeypatch.setattr("relterm.cli.intel._interactive", lambda: True)
    result = people("review", "Tom", input="Lunches\n\nA book\n")
    assert result.code == 0, result
    assert "What is going well and should continue?" in result.out
    assert "What new joint opportunities should you explore?" in result.out
    timeline = people("show", "Tom", "--json").json()["timeline"]
    assert timeline[0]["kind"] == "review"
    assert timeline[0]["data"] == {"continue": "Lunches", "stop": "", "start": "A book"}


def test_stats_concentration(people):
    invoke = people
    for _ in range(3):
        invoke("log", "Tom", "--kind", "referral-received")
    invoke("log", "Doug", "--kind", "referral-received")
    data = invoke("stats", "--json").json()
    assert data["referrals"]["total"] == 4 and data["referrals"]["share_top1"] == 0.75
    assert data["referrals"]["top"][0] == {"id": 1, "name": "Tom", "count": 3}
    assert data["warning"].startswith("Tom accounts for 75%")
    assert data["contacts"] == 5 and data["to_contact"] == 2
    out = invoke("stats").out
    assert "top 1: 75%" in out and "Warning: Tom accounts for 75%" in out


def test_suggest(people):
    invoke = people
    for day in ("2026-10-01", "2026-10-10", "2026-10-20"):
        invoke("log", "Ann", "--kind", "email", "--date", day)
    # Ann (Researched) has no promote_when on Introduced; Doug (Introduced) needs 3 interactions for Conversant.
    for day in ("2026-10-01", "2026-10-10"):
        invoke("log", "Doug", "--kind", "call", "--date", day)
    data = invoke("suggest", "--json").json()
    assert [(s["name"], s["action"], s["from"], s["to"]) for s in data] == [("Doug", "promote", 2, 3)]
    # Two calls, and naming John and Mary to you.
    assert data[0]["criteria"] == [{"name": "interactions", "have": 4, "need": 3}]
    assert "promote" in invoke("suggest").out
    assert invoke("show", "Doug", "--json").json()["level"] == 2  # never applied


def test_matrix_and_levels_history(people):
    invoke = people
    data = invoke("matrix", "--json").json()
    assert [r["rank"] for r in data["ranks"]] == [0, 1, 2, 3, 4, 5, 6]
    business = next(r for r in data["rows"] if r["sphere"] == "business")
    assert business["counts"] == [0, 1, 3, 0, 1, 0, 0] and business["total"] == 5
    assert data["total"] == 5
    assert "SPHERE" in invoke("matrix").out
    hist = invoke("levels", "--history", "--json").json()
    assert len(hist["months"]) == 12 and hist["months"][-1] == "2026-11"
    assert hist["totals"][-1] == 5
    two = next(level for level in hist["levels"] if level["rank"] == 2)
    # Doug was introduced in September; John and Mary in November.
    assert two["counts"][-4:] == [0, 1, 1, 3]
    assert "contacts on each rung" in invoke("levels", "--history").out


def test_list_sort_urgency_and_health(people):
    invoke = people
    invoke("log", "Ann", "--kind", "call", "--date", "2026-11-22")
    rows = invoke("list", "--sort", "urgency", "--json").json()
    assert rows[0]["name"] == "Tom" and rows[0]["health"] == "overdue" and rows[0]["days_over"] == 38
    assert {r["name"]: r["health"] for r in rows}["Ann"] == "ok"
    table = invoke("list", "--sort", "urgency").out
    assert "HEALTH" in table and "overdue 38d" in table
    assert table.index("Tom") < table.index("Ann")
    assert invoke("list", "--sort", "mood").code == 2
    today = dt.date(2026, 11, 23)
    assert rows[0]["due_on"] == (today - dt.timedelta(days=38)).isoformat()


def test_due_json_with_many_items_is_still_one_json_object(people):
    invoke = people
    names = "\n".join(f"Person {n:02d}" for n in range(60))
    assert invoke("intro", "Ann", "-", input=names).code == 0
    data = invoke("due", "--json").json()
    assert data["counts"]["to-contact"] == 62 and len(data["items"]) == 63
    table = invoke("due").out
    assert "Names to contact (62)" in table and "... and 42 more (--limit 0 shows all)" in table
