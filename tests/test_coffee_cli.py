"""Before and after a coffee on the command line: the profile link, `brief`, the names hint, goals."""

from __future__ import annotations

import json

from relterm import store


def _people(core):
    """Ada (a profile, a coffee, two names of which one contacted, a review) and Tom (never met)."""
    ada = core.add_contact("Ada Lovelace", level=3, company="Engines", url="https://www.linkedin.com/in/ada")
    tom = core.add_contact("Tom Becker", level=2)
    core.log(ada, "email", "Sent the paper", date="2026-11-02")
    core.log(ada, "coffee", "Talked about engines", date="2026-11-10")
    core.intel.introduce_many(ada, ["Doug Lee", "Ann Wu"], date="2026-11-10")
    core.log(core.resolve("Doug Lee"), "email", "Hello from Ada's friend", date="2026-11-12")
    core.log(ada, "referral-received", "Sent me a client", date="2026-11-15")
    core.intel.schedule_review(ada, 30, first="2026-11-20")
    store.close_database()
    return ada, tom


def test_brief_gathers_what_to_read_before_a_coffee(core, run_cli):
    ada, tom = _people(core)
    result = run_cli("brief", "Ada", "--json")
    assert result.code == 0, result
    brief = result.json()
    assert brief["url"] == "https://www.linkedin.com/in/ada" and brief["level"] == 3
    assert brief["next_level"]["level_name"] == "Met"
    assert {c["name"]: (c["have"], c["need"], c["met"]) for c in brief["next_level"]["criteria"]} == {
        "interactions": (5, 4, True), "in-person meetings": (1, 1, True)}
    assert brief["in_person"] == {"count": 1, "first": "2026-11-10"}
    assert [n["name"] for n in brief["names_not_contacted"]] == ["Ann Wu"] and brief["names_given"] == 2
    assert brief["balance"]["received"] == 3 and brief["balance"]["net"] == -3
    assert brief["review_due"] == "2026-11-20"
    assert [e["kind"] for e in brief["recent"]][:2] == ["referral-received", "introduced"]
    assert "who else" in brief["reminder"]

    text = run_cli("brief", "Ada")
    assert text.code == 0, text
    lines = text.out.splitlines()
    assert lines[0].startswith("Brief: Ada Lovelace")
    assert "  Profile:      https://www.linkedin.com/in/ada" in lines
    assert any(line.startswith("  Next rung:    4 Met") and "all met" in line for line in lines)
    assert any("2026-11-20 (3 days overdue" in line for line in lines)
    assert "  2026-11-10  Ann Wu" in lines and "  2026-11-10  Doug Lee" not in lines
    assert lines[-1].startswith("Before you part: ask who else")

    never = run_cli("brief", str(tom))
    assert "never met face to face yet" in never.out and "no link yet" in never.out
    assert "Names they gave you: none yet." in never.out


def test_brief_of_nobody_is_one_line_and_exit_2(run_cli):
    result = run_cli("brief", "Nobody")
    assert result.code == 2 and len(result.err.strip().splitlines()) == 1 and "Traceback" not in result.err


def test_logging_an_in_person_kind_hints_at_recording_names(run_cli):
    assert run_cli("add", "Ada Lovelace").code == 0
    coffee = run_cli("log", "Ada", "--kind", "coffee", "Great talk")
    assert coffee.code == 0
    assert coffee.out.splitlines()[-1] == 'Did they give you names? Record each with `relterm intro "Ada Lovelace" "Name"`.'
    call = run_cli("log", "Ada", "--kind", "call", "Quick call")
    assert call.code == 0 and "names" not in call.out


def test_the_profile_link_is_checked_on_edit_and_shown(run_cli, db_path):
    assert run_cli("add", "Ada Lovelace", "--url", "HTTPS://example.org/ada").code == 0
    for bad in ("javascript:alert(1)", "www.example.org", "ftp://example.org/x", "https://", "https://a b.org"):
        result = run_cli("edit", "Ada", "--url", bad)
        assert result.code == 2 and result.err.startswith("relterm: url ") and len(result.err.splitlines()) == 1
    refused = run_cli("add", "Bo", "--url", "file:///etc/passwd")
    assert refused.code == 2 and "http:// or https://" in refused.err
    assert run_cli("show", "Ada", "--json").json()["url"] == "https://example.org/ada"
    assert run_cli("list", "--json").json()[0]["name"] == "Ada Lovelace"  # Bo was not added
    assert run_cli("edit", "Ada", "--url", "https://www.linkedin.com/in/ada\u200b").code == 0
    shown = run_cli("show", "Ada")
    assert "  Profile:      https://www.linkedin.com/in/ada\n" in shown.out
    assert run_cli("edit", "Ada", "--url", "").code == 0
    assert run_cli("show", "Ada", "--json").json()["url"] is None


def test_goals_are_set_listed_shown_in_due_and_stats_and_removed(run_cli):
    assert run_cli("add", "Ada Lovelace").code == 0 and run_cli("add", "Tom Becker").code == 0
    assert run_cli("log", "Tom", "--kind", "coffee", "--date", "2026-11-05").code == 0
    assert run_cli("log", "Ada", "--kind", "meal", "--date", "2026-11-17").code == 0
    assert run_cli("log", "Tom", "--kind", "coffee", "--date", "2026-11-18").code == 0  # not a first meeting
    assert run_cli("goal").out.startswith("No goals yet.")
    set_ = run_cli("goal", "new-coffees", "1", "--every", "14", "--since", "2026-10-19")
    assert set_.code == 0, set_
    assert "new-coffees: 1 of 1 this period, met (2026-11-16 to 2026-11-29, 6 days left); streak 2 periods" in set_.out
    listed = run_cli("goal", "--json").json()
    assert listed == [{"name": "new-coffees", "target": 1, "every_days": 14, "start": "2026-10-19", "source": "cli",
                       "period_start": "2026-11-16", "period_end": "2026-11-29", "count": 1, "met": True,
                       "streak": 2, "days_left": 6}]
    due = run_cli("due")
    assert "Goals\n  new-coffees: 1 of 1 this period" in due.out
    assert run_cli("due", "--json").json()["goals"][0]["streak"] == 2
    stats = run_cli("stats", "--json").json()
    assert stats["goals"][0]["count"] == 1
    # Two weeks later the period ran out with nobody new: the streak is broken.
    later = run_cli("goal", "--json", env={"RELTERM_TODAY": "2026-12-14"}).json()[0]
    assert (later["count"], later["streak"]) == (0, 0)
    assert "Goal new-coffees: 0 of 1 this period" in run_cli("stats", env={"RELTERM_TODAY": "2026-12-14"}).out
    assert run_cli("goal", "--remove", "new-coffees").code == 0
    assert run_cli("goal", "--json").json() == []
    again = run_cli("goal", "--remove", "new-coffees")
    assert again.code == 2 and "no goal new-coffees is set" in again.err


def test_goal_mistakes_are_one_line_and_write_nothing(run_cli):
    for args, words in (
        (["goal", "new-coffee", "1", "--every", "14"], "did you mean 'new-coffees'"),
        (["goal", "new-coffees", "1"], "give how many and how often"),
        (["goal", "new-coffees", "0", "--every", "14"], "0"),
        (["goal", "new-coffees", "1", "--every", "0"], "--every"),
        (["goal", "coffees", "1", "--every", "7", "--since", "someday soon-ish"], "as a date"),
    ):
        result = run_cli(*args)
        assert result.code == 2, (args, result)
        assert words in result.err and "Traceback" not in result.err
    assert run_cli("goal", "--json").json() == []


def test_a_goal_in_levels_yaml_counts_and_the_cli_one_replaces_it(run_cli, config_dir):
    from relterm.paths import SHIPPED_LEVELS

    (config_dir / "levels.yaml").write_text(
        SHIPPED_LEVELS.read_text() + "goals:\n  coffees: {count: 2, every_days: 7, since: 2026-11-02}\n")
    assert run_cli("add", "Ada Lovelace").code == 0
    assert run_cli("log", "Ada", "--kind", "coffee", "--date", "2026-11-23").code == 0
    [goal] = run_cli("goal", "--json").json()
    assert (goal["source"], goal["count"], goal["period_start"]) == ("config", 1, "2026-11-23")
    refused = run_cli("goal", "--remove", "coffees")
    assert refused.code == 2 and "levels.yaml" in refused.err
    assert run_cli("goal", "coffees", "1", "--every", "7").code == 0
    [goal] = run_cli("goal", "--json").json()
    assert (goal["source"], goal["target"], goal["met"]) == ("cli", 1, True)


def test_the_profile_link_travels_through_every_export(run_cli, tmp_path):
    assert run_cli("add", "Ada Lovelace", "--url", "https://www.linkedin.com/in/ada").code == 0
    assert run_cli("add", "Tom Becker").code == 0
    vcf = run_cli("export", "--format", "vcard")
    assert "URL;TYPE=pref:https://www.linkedin.com/in/ada" in vcf.out
    csv = run_cli("export", "--format", "csv")
    header = csv.out.splitlines()[0].split(",")
    assert "url" in header and "https://www.linkedin.com/in/ada" in csv.out
    backup = run_cli("export", "--format", "json").json()
    contact = backup["tables"]["contact"]
    assert contact["rows"][0][contact["columns"].index("url")] == "https://www.linkedin.com/in/ada"
    for fmt in ("vcard", "csv"):
        path = tmp_path / f"out.{fmt}"
        path.write_text(run_cli("export", "--format", fmt).out)
        other = str(tmp_path / f"{fmt}.db")
        assert run_cli("--db", other, "import", str(path)).code == 0
        people = {p["name"]: p for p in (run_cli("--db", other, "show", name, "--json").json()
                                         for name in ("Ada", "Tom"))}
        assert people["Ada Lovelace"]["url"] == "https://www.linkedin.com/in/ada", fmt
        assert people["Ada Lovelace"]["details"] == [] and people["Tom Becker"]["url"] is None, fmt
