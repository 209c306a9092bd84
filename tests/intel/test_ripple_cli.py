"""The ripple of a referral through the real command line: demote and log --went-badly show who else is
touched, add follow-ups only when told to, and the follow-ups reach `due` and can be closed."""

from __future__ import annotations

import pytest


@pytest.fixture
def people(run_cli):
    """Tom Becker (4 Met) introduced Sam, Doug (3 Conversant) named Sam too; Sam is at 4 Met."""
    for args in (["add", "Tom Becker", "--level", "4"], ["add", "Doug", "--level", "3"],
                 ["intro", "Tom Becker", "Sam"], ["intro", "Doug", "Sam"], ["promote", "Sam", "--to", "4"]):
        result = run_cli(*args)
        assert result.code == 0, result
    return run_cli


def follow_ups(run_cli, *args):
    result = run_cli("follow-ups", "--json", *args)
    assert result.code == 0, result
    return result.json()


def test_demote_shows_who_is_touched_and_changes_nothing_on_them(people):
    run = people
    result = run("demote", "Sam", "--reason", "missed the meeting", "--json")
    assert result.code == 0, result
    data = result.json()
    assert (data["from"], data["to"]) == (4, 3)
    ripple = data["ripple"]
    assert ripple["trigger"] == "demoted" and ripple["contact"]["name"] == "Sam"
    touched = [(t["name"], t["level"], t["ways"]) for t in ripple["touched"]]
    assert touched == [("Tom Becker", 4, ["introduced"]), ("Doug", 3, ["named"])]
    assert ripple["touched"][0]["line"] == "Sam came through Tom Becker (4 Met), who introduced them"
    assert "missed the meeting" in ripple["reason"]
    assert data["follow_ups"] == []
    assert follow_ups(run) == []
    tom = run("show", "Tom Becker", "--json").json()
    assert tom["level"] == 4 and tom["cadence_days"] is None


def test_demote_in_words_says_how_to_follow_up_without_asking_when_not_at_a_terminal(people):
    result = people("demote", "Sam")
    assert result.code == 0, result
    assert "Sam came through Tom Becker (4 Met), who introduced them" in result.out
    assert "Sam came through Doug (3 Conversant), who gave you their name" in result.out
    assert "relterm follow-up 'Tom Becker' --about Sam" in result.out
    assert "relterm follow-up Doug --about Sam" in result.out
    assert follow_ups(people) == []


def test_follow_up_flag_adds_one_per_referrer_once_and_due_lists_them(people):
    run = people
    data = run("demote", "Sam", "--follow-up", "--json").json()
    added = data["follow_ups"]
    assert [(f["with"]["name"], f["about"]["name"], f["trigger"], f["status"]) for f in added] == [
        ("Tom Becker", "Sam", "demoted", "open"), ("Doug", "Sam", "demoted", "open")]
    assert added[0]["created"] == "2026-11-23" and "4 Met -> 3 Conversant" in added[0]["reason"]
    # Another bad turn with Sam: the follow-ups already open are not doubled.
    again = run("log", "Sam", "tense call", "--kind", "call", "--went-badly", "--follow-up", "--json").json()
    assert again["follow_ups"] == []
    assert [t["open_follow_up"] for t in again["ripple"]["touched"]] == [added[0]["id"], added[1]["id"]]
    due = run("due", "--json").json()
    assert [f["with"]["name"] for f in due["follow_ups"]] == ["Tom Becker", "Doug"]
    assert due["counts"]["follow-up"] == 2
    text = run("due").out
    assert "Follow-ups (2)" in text and "Tom Becker" in text
    only = run("due", "--json", "--item", "follow-up").json()
    assert only["items"] == [] and len(only["follow_ups"]) == 2
    assert run("due", "--json", "--item", "to-contact").json()["follow_ups"] == []


def test_went_badly_is_kept_on_the_entry_and_shown(people):
    run = people
    result = run("log", "Sam", "awkward", "coffee", "--kind", "coffee", "--went-badly")
    assert result.code == 0, result
    assert "(went badly)" in result.out
    assert "The coffee with Sam went badly; this touches who they came through:" in result.out
    assert follow_ups(run) == []
    timeline = run("show", "Sam", "--json").json()["timeline"]
    assert timeline[0]["went_badly"] is True and timeline[0]["summary"] == "went badly: awkward coffee"
    assert "went badly: awkward coffee" in run("show", "Sam").out
    plain = run("log", "Sam", "fine", "--kind", "call", "--json").json()
    assert plain["ripple"] is None and "went_badly" not in plain["event"]


def test_no_ripple_from_a_promotion_or_for_someone_who_came_through_nobody(people):
    run = people
    assert run("promote", "Sam", "--json").json()["ripple"] is None
    data = run("demote", "Doug", "--json", "--follow-up").json()
    assert data["ripple"] is None and data["follow_ups"] == []
    assert run("log", "Tom Becker", "--went-badly", "--json").json()["ripple"] is None


def test_an_archived_referrer_is_not_touched(people):
    run = people
    assert run("delete", "Doug", "--yes").code == 0
    touched = run("demote", "Sam", "--json").json()["ripple"]["touched"]
    assert [t["name"] for t in touched] == ["Tom Becker"]


def test_follow_up_by_hand_and_closing_it(people):
    run = people
    made = run("follow-up", "Tom Becker", "--about", "Sam", "--reason", "check he is fine", "--json")
    assert made.code == 0, made
    item = made.json()
    assert item["new"] is True and item["reason"] == "check he is fine" and item["with"]["level"] == 4
    same = run("follow-up", "Tom", "--about", "Sam", "--json").json()
    assert same["id"] == item["id"] and same["new"] is False
    fid = str(item["id"])
    done = run("follow-up", "--done", fid, "--json").json()
    assert done["status"] == "done" and done["closed_on"] == "2026-11-23"
    assert follow_ups(run) == [] and len(follow_ups(run, "--all")) == 1
    assert "Follow-ups" not in run("due").out
    assert run("follow-up", "--reopen", fid, "--json").json()["status"] == "open"
    assert run("follow-up", "--dismiss", fid, "--json").json()["status"] == "dismissed"
    assert "Follow-ups" not in run("due").out


@pytest.mark.parametrize("args, words", [
    (["follow-up", "--done", "999"], "no follow-up with id 999"),
    (["follow-up", "--done", "abc"], "no follow-up with id abc"),
    (["follow-up", "--done", "99999999999999999999999"], "no follow-up with id"),
    (["follow-up", "Tom Becker", "--about", "Tom Becker"], "about someone else"),
    (["follow-up", "Tom Becker", "--done", "1"], "take a follow-up id alone"),
    (["follow-up"], "say whom to follow up with"),
    (["follow-up", "Nobody", "--about", "Sam"], 'no contact matches "Nobody"'),
])
def test_bad_follow_up_input_is_one_line_and_exit_2(people, args, words):
    result = people(*args)
    assert result.code == 2, result
    assert words in result.err and len(result.err.strip().splitlines()) == 1 and "Traceback" not in result.err
    assert follow_ups(people, "--all") == []


def test_closing_twice_is_refused_and_changes_nothing(people):
    run = people
    fid = str(run("follow-up", "Doug", "--json").json()["id"])
    assert run("follow-up", "--done", fid).code == 0
    again = run("follow-up", "--done", fid)
    assert again.code == 2 and "already done" in again.err
    assert follow_ups(run, "--all")[0]["status"] == "done"


def test_the_flag_can_be_fixed_and_the_fix_undone(people):
    run = people
    entry = run("log", "Sam", "fine after all", "--kind", "call", "--went-badly", "--json").json()["event"]
    eid = str(entry["id"])
    assert run("event", "edit", eid, "--went-well", "--yes").code == 0
    [item] = [e for e in run("show", "Sam", "--json").json()["timeline"] if e["id"] == entry["id"]]
    assert "went_badly" not in item and item["summary"] == "fine after all"
    assert run("event", "undo").code == 0
    [item] = [e for e in run("show", "Sam", "--json").json()["timeline"] if e["id"] == entry["id"]]
    assert item["went_badly"] is True
    level_change = next(e for e in run("show", "Sam", "--json").json()["timeline"] if e["kind"] == "level-change")
    refused = run("event", "edit", str(level_change["id"]), "--went-badly", "--yes")
    assert refused.code == 2 and "only interactions go badly" in refused.err


def _at_a_terminal(args: list[str], answers: list[str], timeout: float = 30.0) -> str:
    """Run relterm with a pseudo-terminal as stdin and stdout, answering each question as it comes."""
    import os
    import pty
    import select
    import subprocess
    import sys
    import time

    main, child = pty.openpty()
    proc = subprocess.Popen([sys.executable, "-m", "relterm", *args], stdin=child, stdout=child, stderr=child,
                            close_fds=True)
    os.close(child)
    seen, pending = b"", list(answers)
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            ready, _, _ = select.select([main], [], [], 0.2)
            if ready:
                try:
                    chunk = os.read(main, 4096)
                except OSError:
                    break
                if not chunk:
                    break
                seen += chunk
                if pending and seen.rstrip().endswith(b"[y/N]:"):
                    os.write(main, pending.pop(0).encode() + b"\r")
            elif proc.poll() is not None:
                break
        proc.wait(timeout=5)
    finally:
        os.close(main)
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0, seen
    return seen.decode("utf-8", "replace")


def test_at_a_terminal_it_asks_for_each_and_adds_only_the_yes(people):
    out = _at_a_terminal(["demote", "Sam"], ["y", "n"])
    assert "Add a follow-up with Tom Becker about Sam to the agenda? [y/N]" in out
    assert "Add a follow-up with Doug about Sam to the agenda? [y/N]" in out
    assert [f["with"]["name"] for f in follow_ups(people)] == ["Tom Becker"]
