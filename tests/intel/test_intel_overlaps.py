"""Overlapping circles over a real database: several ways in, overlaps, every path, who-knows."""

from __future__ import annotations

import pytest

from relterm.errors import InputError

from intel_helpers import add


@pytest.fixture
def circles(core):
    """Tom (Met) introduced Doug, who introduced John; Ann (Regular) named John too; Zed had John along
    at a coffee; Mary came through Doug only."""
    ids = {name: add(core, name, level) for name, level in (("Tom", 4), ("Ann", 5), ("Zed", 3))}
    ids["Doug"] = core.intel.introduce(ids["Tom"], "Doug").contact_id
    ids["John"] = core.intel.introduce(ids["Doug"], "John").contact_id
    ids["Mary"] = core.intel.introduce(ids["Doug"], "Mary").contact_id
    return core, ids


def test_a_second_introducer_is_another_way_in_and_the_first_stays(circles):
    core, ids = circles
    result = core.intel.introduce(ids["Ann"], "John")
    assert (result.kept_introducer, result.introducer_set, result.other_ways) == ("Doug", False, ())
    assert core.card(ids["John"]).introduced_by == "Doug"  # the first introducer stays the primary
    core.log(ids["Zed"], "coffee", "John came along", other=ids["John"])
    assert core.intel.also_known_through(ids["John"]) == [(ids["Ann"], "Ann"), (ids["Zed"], "Zed")]
    assert core.intel.also_known_through(ids["Mary"]) == []
    # --replace makes Ann the first; Doug's introduction is an entry of its own and stays a way in.
    replaced = core.intel.introduce(ids["Ann"], "John", replace=True)
    assert replaced.replaced_introducer == "Doug" and "Doug" in replaced.other_ways
    assert core.card(ids["John"]).introduced_by == "Ann"
    assert [name for _, name in core.intel.also_known_through(ids["John"])] == ["Doug", "Zed"]


def test_deleting_the_introduction_entry_removes_that_way_in(circles):
    core, ids = circles
    entry = core.intel.introduce(ids["Ann"], "John").event_id
    assert [o.name for o in core.intel.overlaps()] == ["John"]
    core.remove_event(entry)
    assert core.intel.overlaps() == []
    core.undo_event_change()
    assert [o.name for o in core.intel.overlaps()] == ["John"]


def test_an_extra_introducer_that_would_loop_is_refused_and_nothing_written(circles):
    core, ids = circles
    core.intel.introduce(ids["Ann"], "John")
    events = len(core.timeline(ids["John"])) + len(core.timeline(ids["Ann"]))
    # John came through Ann (named, not first): he cannot have brought you Ann.
    with pytest.raises(InputError, match="cycle: John came to you through Ann"):
        core.intel.introduce(ids["John"], "Ann")
    # Nor Tom, far up his first introducer's chain.
    with pytest.raises(InputError, match="cycle"):
        core.intel.introduce(ids["John"], "Tom")
    assert len(core.timeline(ids["John"])) + len(core.timeline(ids["Ann"])) == events
    with pytest.raises(InputError, match="with themselves"):
        core.log(ids["John"], "coffee", other=ids["John"])


def test_overlaps_list_every_circle_most_connected_first(circles):
    core, ids = circles
    core.intel.introduce(ids["Ann"], "John")
    core.log(ids["Zed"], "coffee", other=ids["John"])
    core.intel.introduce(ids["Tom"], "Mary")
    found = core.intel.overlaps()
    assert [(o.name, [(c.name, c.how) for c in o.circles]) for o in found] == [
        ("John", [("Doug", "introduced"), ("Ann", "named"), ("Zed", "met")]),
        ("Mary", [("Doug", "introduced"), ("Tom", "named")]),
    ]
    assert core.intel.overlap_ids() == {ids["John"], ids["Mary"]}
    core.archive(ids["Doug"])  # an archived contact's circle no longer counts
    assert [o.name for o in core.intel.overlaps()] == ["John"]


def test_paths_give_every_chain_shortest_first_archived_marked(circles):
    core, ids = circles
    core.intel.introduce(ids["Ann"], "John")
    found = core.intel.paths(ids["John"])
    assert found.complete
    assert [[(s.name, s.how) for s in chain] for chain in found.chains] == [
        [("Ann", None), ("John", "named")],
        [("Tom", None), ("Doug", "introduced"), ("John", "introduced")],
    ]
    core.archive(ids["Doug"])
    assert [s.archived for s in core.intel.paths(ids["John"]).chains[1]] == [False, True, False]
    assert [[s.name for s in c] for c in core.intel.paths(ids["Tom"]).chains] == [["Tom"]]


def test_who_knows_lists_everyone_connected_with_your_level(circles):
    core, ids = circles
    core.intel.introduce(ids["Ann"], "John")
    core.log(ids["Zed"], "coffee", other=ids["John"])
    found = core.intel.who_knows(ids["John"])
    assert [(k.name, k.rank, k.ways) for k in found] == [
        ("Ann", 5, ("named them",)), ("Zed", 3, ("met them together",)), ("Doug", 2, ("introduced them",)),
    ]
    doug = core.intel.who_knows(ids["Doug"])
    assert [(k.name, k.ways) for k in doug] == [
        ("Tom", ("introduced them",)), ("John", ("was introduced by them",)), ("Mary", ("was introduced by them",)),
    ]


# The command line ---------------------------------------------------------------------------------


@pytest.fixture
def people(invoke):
    for args in (["add", "Tom", "--level", "4"], ["add", "Ann", "--level", "5"], ["add", "Zed", "--level", "3"],
                 ["intro", "Tom", "Doug"], ["intro", "Doug", "John"], ["intro", "Ann", "John"],
                 ["log", "Zed", "--kind", "coffee", "--with", "John"]):
        assert invoke(*args).code == 0, args
    return invoke


def test_cli_overlaps_text_and_json(people):
    invoke = people
    text = invoke("overlaps")
    assert text.code == 0
    assert "John" in text.out and "Doug (introduced), Ann (named), Zed (met together)" in text.out
    data = invoke("overlaps", "--json").json()
    assert data["count"] == 1
    john = data["people"][0]
    assert (john["name"], john["level"], john["level_name"]) == ("John", 2, "Introduced")
    assert [(c["name"], c["how"], c["level"]) for c in john["circles"]] == [
        ("Doug", "introduced", 2), ("Ann", "named", 5), ("Zed", "met", 3)]


def test_cli_path_lists_every_chain(people):
    invoke = people
    assert invoke("path", "John").out.splitlines() == [
        "you -> Ann -(named)-> John", "you -> Zed -(met together)-> John", "you -> Tom -> Doug -> John"]
    data = invoke("path", "John", "--json").json()
    assert data["name"] == "John" and data["complete"] is True
    assert [[s["name"] for s in p] for p in data["paths"]] == [["Ann", "John"], ["Zed", "John"],
                                                                ["Tom", "Doug", "John"]]
    assert "Tom was not introduced by anyone you know." in invoke("path", "Tom").out


def test_cli_who_knows_text_and_json(people):
    invoke = people
    text = invoke("who-knows", "John").out
    assert text.splitlines()[2].split() == ["5", "Regular", "Ann", "named", "them"]
    data = invoke("who-knows", "John", "--json").json()
    assert (data["name"], [(k["name"], k["level"], k["ways"]) for k in data["known_by"]]) == (
        "John", [("Ann", 5, ["named them"]), ("Zed", 3, ["met them together"]), ("Doug", 2, ["introduced them"])])
    assert "Nobody in your contacts is connected to Zed" not in invoke("who-knows", "Zed").out
    lone = invoke("add", "Lone")
    assert lone.code == 0 and "Nobody in your contacts is connected to Lone yet." in invoke("who-knows", "Lone").out


def test_cli_refusals_are_one_line(people):
    invoke = people
    loop = invoke("intro", "John", "Ann")
    assert loop.code == 2 and "cycle" in loop.err and "Traceback" not in loop.err and len(loop.err.splitlines()) == 1
    alone = invoke("log", "John", "--with", "John")
    assert alone.code == 2 and "with themselves" in alone.err
    assert invoke("who-knows", "Nobody").code == 2 and invoke("path", "Nobody").code == 2


def test_cli_graph_output_cleans_names_written_by_another_tool(run_cli, db_path):
    """Names stored by sqlite3 (never cleaned on the way in) reach the terminal cleaned, JSON escaped."""
    import sqlite3

    for args in (["add", "Tom"], ["add", "Ann"], ["intro", "Tom", "John"], ["intro", "Ann", "John"]):
        assert run_cli(*args).code == 0
    with sqlite3.connect(db_path) as conn:
        conn.execute("UPDATE contact SET name = 'Ann \x1b]52;c;cHduZWQ=\x07\x1b[2J[bold]x' WHERE name = 'Ann'")
    for args in (["overlaps"], ["overlaps", "--json"], ["who-knows", "John"], ["who-knows", "John", "--json"],
                 ["path", "John"], ["path", "John", "--json"]):
        result = run_cli(*args)
        assert result.code == 0, (args, result)
        assert "\x1b" not in result.out and "\x07" not in result.out, args
        assert "Ann" in result.out


def test_cli_show_lists_every_way_in(people):
    """show and show --json keep all the ways in, not only the first introducer."""
    invoke = people
    data = invoke("show", "John", "--json").json()
    assert data["introduced_by"] == "Doug"
    assert [way["name"] for way in data["also_known_through"]] == ["Ann", "Zed"]
    assert "Also through: Ann, Zed" in invoke("show", "John").out
    assert invoke("show", "Tom", "--json").json()["also_known_through"] == []
