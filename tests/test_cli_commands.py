"""Every command of the CLI, run in-process through click, as the README's tour uses them."""

from __future__ import annotations

import sqlite3
import types

import pytest


def counts(db_path) -> dict[str, int]:
    conn = sqlite3.connect(db_path)
    try:
        return {t: conn.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0] for t in ("contact", "contact_level", "event")}
    finally:
        conn.close()


@pytest.fixture
def tour(invoke):
    """The spec's session: Ada and Charles, two interactions, three level changes."""
    steps = [
        ("add", "Ada Lovelace", "--level", "2", "--sphere", "business", "--company", "Analytical Engines",
         "--email", "ada@example.org"),
        ("add", "Charles Babbage", "--level", "4", "--sphere", "business", "--introduced-by", "Ada Lovelace"),
        ("log", "Ada", "--kind", "coffee", "--date", "2026-11-01", "Talked about the difference engine"),
        ("log", "ada lovelace", "--kind", "call", "--date", "yesterday", "Follow-up call"),
        ("promote", "Ada", "--reason", "Met at the meetup"),
        ("demote", "Charles", "--reason", "Lost touch"),
        ("promote", "Ada", "--to", "5", "--reason", "Working together"),
    ]
    for step in steps:
        result = invoke(*step)
        assert result.code == 0, (step, result)
    return invoke


def test_add_prints_the_new_contact(invoke):
    result = invoke("add", "Ada Lovelace", "--level", "2", "--company", "Analytical Engines")
    assert result.code == 0
    assert "Ada Lovelace (id 1) at 2 Introduced" in result.out


def test_add_without_level_uses_the_starting_rung(invoke):
    invoke("add", "Grace Hopper")
    assert invoke("show", "Grace", "--json").json()["level"] == 1


def test_level_accepts_a_rank_or_a_name_in_any_case(invoke):
    assert invoke("add", "Grace Hopper", "--level", "conVERSant").code == 0
    assert invoke("show", "Grace", "--json").json()["level"] == 3
    assert invoke("promote", "Grace", "--to", "FRIEND").code == 0
    assert invoke("show", "Grace", "--json").json()["level"] == 6


def test_the_tour_moves_ranks_and_records_the_timeline(tour):
    ada = tour("show", "Ada", "--json").json()
    assert ada["level"] == 5 and ada["level_name"] == "Regular"
    assert ada["last_interaction"] == "2026-11-22"  # "yesterday" with today frozen at 2026-11-23
    charles = tour("show", "Charles", "--json").json()
    assert charles["level"] == 3
    assert charles["introduced_by"] == "Ada Lovelace"
    changes = [(e["from"], e["to"], e["reason"]) for e in ada["timeline"] if e["kind"] == "level-change"]
    assert changes == [(3, 5, "Working together"), (2, 3, "Met at the meetup"), (None, 2, "added")]


def test_promote_and_demote_report_the_move(tour):
    result = tour("promote", "Charles")
    assert result.code == 0
    assert "3 Conversant -> 4 Met" in result.out
    result = tour("demote", "Charles", "--to", "cold", "--reason", "Gone quiet")
    assert "4 Met -> 0 Cold" in result.out


def test_list_is_a_readable_table(tour):
    result = tour("list")
    assert result.code == 0
    lines = result.out.splitlines()
    header = lines[0]
    columns = ["ID", "NAME", "LEVEL", "SPHERE", "COMPANY", "LAST INTERACTION"]
    assert [header.index(c) for c in columns] == sorted(header.index(c) for c in columns)
    ada = next(line for line in lines if "Ada Lovelace" in line)
    assert "5 Regular" in ada and "business" in ada and "Analytical Engines" in ada and "2026-11-22" in ada
    charles = next(line for line in lines if "Charles Babbage" in line)
    assert "3 Conversant" in charles and "never" in charles
    assert lines[-1] == "2 contacts"


def test_list_filters_by_level_and_sphere(tour):
    tour("add", "Mary Somerville", "--level", "3", "--sphere", "friends")
    result = tour("list", "--level", "3", "--sphere", "business")
    assert "Charles Babbage" in result.out
    assert "Mary Somerville" not in result.out and "Ada Lovelace" not in result.out
    by_name = tour("list", "--level", "Conversant", "--json").json()
    assert {c["name"] for c in by_name} == {"Charles Babbage", "Mary Somerville"}
    assert tour("list", "--sphere", "friends", "--json").json()[0]["name"] == "Mary Somerville"


def test_list_with_nothing_to_show(invoke):
    result = invoke("list")
    assert result.code == 0 and "No contacts yet" in result.out
    assert invoke("list", "--json").json() == []


CONTACT_KEYS = {"id", "name", "level", "level_name", "ladders", "sphere", "company", "email", "tags",
                "introduced_by", "last_interaction"}


def test_list_json_shape(tour):
    tour("edit", "Ada", "--tag", "mentor")
    data = tour("list", "--json").json()
    assert isinstance(data, list) and len(data) == 2
    for item in data:
        assert CONTACT_KEYS <= set(item)
    ada, charles = data
    assert ada["id"] == 1 and ada["name"] == "Ada Lovelace"
    assert ada["level"] == 5 and isinstance(ada["level"], int) and ada["level_name"] == "Regular"
    assert ada["ladders"] == {"business": 5}
    assert ada["sphere"] == "business" and ada["company"] == "Analytical Engines"
    assert ada["email"] == "ada@example.org" and ada["tags"] == ["mentor"]
    assert ada["introduced_by"] is None and ada["last_interaction"] == "2026-11-22"
    assert charles["introduced_by"] == "Ada Lovelace" and charles["last_interaction"] is None


def test_list_json_of_many_contacts_is_one_valid_array(invoke, core):
    for i in range(120):
        core.add_contact(f"Person {i:03d}", tags=["x"])
    core.close()
    data = invoke("list", "--json").json()
    assert [c["name"] for c in data] == [f"Person {i:03d}" for i in range(120)]
    assert data[0]["ladders"] == {"business": 1} and data[0]["tags"] == ["x"]


def test_show_json_shape_and_timeline_newest_first(tour):
    data = tour("show", "Ada", "--json").json()
    assert isinstance(data, dict)
    assert CONTACT_KEYS | {"timeline"} <= set(data)
    timeline = data["timeline"]
    assert [e["date"] for e in timeline] == sorted((e["date"] for e in timeline), reverse=True)
    assert [e["kind"] for e in timeline] == ["level-change", "level-change", "level-change", "call", "coffee"]
    coffee = timeline[-1]
    assert coffee == {**coffee, "date": "2026-11-01", "kind": "coffee", "summary": "Talked about the difference engine"}
    change = timeline[0]
    assert change["from"] == 3 and change["to"] == 5 and change["reason"] == "Working together"
    assert "summary" in change


def test_show_prints_card_and_whole_timeline(tour):
    result = tour("show", "Ada")
    assert result.code == 0
    out = result.out
    assert out.startswith("Ada Lovelace  (id 1)")
    assert "5 Regular" in out and "Analytical Engines" in out and "ada@example.org" in out
    assert "Timeline (5):" in out
    body = out[out.index("Timeline"):]
    assert body.index("Working together") < body.index("Follow-up call") < body.index("difference engine")


def test_levels_top_rung_first_with_counts(tour):
    result = tour("levels")
    assert result.code == 0
    rows = [line.split() for line in result.out.splitlines()[3:]]
    assert [r[0] for r in rows] == ["6", "5", "4", "3", "2", "1", "0"]
    by_rank = {r[0]: r for r in rows}
    assert by_rank["5"][1:3] == ["Regular", "1"]
    assert by_rank["3"][1:3] == ["Conversant", "1"]
    assert by_rank["2"][1:3] == ["Introduced", "0"]
    data = tour("levels", "--json").json()
    assert data["ladder"] == "business"
    assert [lv["count"] for lv in data["levels"]] == [0, 1, 0, 1, 0, 0, 0]


def test_levels_of_the_customer_ladder(invoke):
    invoke("add", "Shop Owner", "--ladder", "customer", "--level", "1")
    data = invoke("levels", "--ladder", "customer", "--json").json()
    assert [(lv["rank"], lv["name"], lv["count"]) for lv in data["levels"]] == [
        (3, "Evangelist", 0), (2, "Committed", 0), (1, "Satisfied", 1)]


def test_customer_ladder_add_and_promote(invoke):
    assert invoke("add", "Shop Owner", "--ladder", "customer", "--level", "1").code == 0
    result = invoke("promote", "Shop", "--ladder", "customer", "--reason", "Second order")
    assert result.code == 0 and "1 Satisfied -> 2 Committed" in result.out
    data = invoke("show", "Shop", "--json").json()
    assert data["ladders"] == {"customer": 2, "business": 1}
    assert data["level"] == 1  # the default ladder is unchanged
    assert data["timeline"][0]["ladder"] == "customer"


def test_edit_changes_fields_and_tags(tour):
    result = tour("edit", "Ada", "--company", "Engines Ltd", "--tag", "mentor")
    assert result.code == 0 and "Updated Ada Lovelace" in result.out
    data = tour("show", "Ada", "--json").json()
    assert data["company"] == "Engines Ltd" and data["tags"] == ["mentor"]
    assert tour("edit", "Ada", "--tag", "math", "--untag", "mentor").code == 0
    data = tour("show", "Ada", "--json").json()
    assert data["tags"] == ["math"]


def test_edit_refuses_an_introduction_cycle(tour):
    result = tour("edit", "Ada", "--introduced-by", "Charles")
    assert result.code == 2 and "cycle" in result.err
    assert tour("show", "Ada", "--json").json()["introduced_by"] is None


def test_edit_with_nothing_to_change(tour):
    result = tour("edit", "Ada")
    assert result.code == 2 and "nothing to change" in result.err


def test_delete_archives_and_restore_brings_back_the_timeline(tour, db_path):
    before = tour("show", "Charles", "--json").json()
    result = tour("delete", "Charles", "--yes")
    assert result.code == 0 and "Archived Charles Babbage" in result.out
    assert [c["name"] for c in tour("list", "--json").json()] == ["Ada Lovelace"]
    archived = tour("list", "--archived", "--json").json()
    assert [c["name"] for c in archived] == ["Charles Babbage"] and archived[0]["archived"] is True
    assert "Charles Babbage" in tour("list", "--archived").out
    missing = tour("show", "Charles")
    assert missing.code == 2 and "restore" in missing.err  # points at the archive
    assert counts(db_path)["event"] == 7  # nothing removed
    assert tour("restore", "Charles").code == 0
    after = tour("show", "Charles", "--json").json()
    assert after["timeline"] == before["timeline"]
    assert after["archived"] is False


def test_delete_asks_for_confirmation(tour, monkeypatch):
    from relterm.cli import contacts

    class Terminal:
        def isatty(self):
            return True

    # The command sees a terminal; click's prompt reads the answer from the runner's input.
    monkeypatch.setattr(contacts, "sys", types.SimpleNamespace(stdin=Terminal()))
    result = tour("delete", "Charles", input="n\n")
    assert result.code == 0 and "Nothing changed" in result.out
    assert len(tour("list", "--json").json()) == 2
    result = tour("delete", "Charles", input="y\n")
    assert result.code == 0 and "Archived" in result.out
    assert len(tour("list", "--json").json()) == 1


def test_delete_without_a_terminal_needs_yes(tour):
    result = tour("delete", "Charles")
    assert result.code == 2 and "--yes" in result.err
    assert len(tour("list", "--json").json()) == 2


def test_backup_writes_a_readable_copy(tour, tmp_path):
    dest = tmp_path / "home" / "relterm-backup.db"
    result = tour("backup", str(dest))
    assert result.code == 0
    conn = sqlite3.connect(dest)
    assert conn.execute("SELECT name FROM contact ORDER BY id").fetchall() == [("Ada Lovelace",), ("Charles Babbage",)]
    assert conn.execute("SELECT COUNT(*) FROM event").fetchone()[0] == 7
    conn.close()
    assert dest.stat().st_mode & 0o777 == 0o600


def test_backup_into_a_directory(tour, tmp_path):
    folder = tmp_path / "backups"
    folder.mkdir()
    assert tour("backup", str(folder)).code == 0
    [copy] = folder.glob("relterm-*.db")
    assert sqlite3.connect(copy).execute("SELECT COUNT(*) FROM contact").fetchone()[0] == 2


def test_version_and_help(invoke):
    from relterm import __version__

    result = invoke("--version")
    assert result.code == 0 and __version__ in result.out
    result = invoke("--help")
    assert result.code == 0
    for command in ("add", "log", "promote", "demote", "list", "show", "levels", "edit", "delete", "restore",
                    "backup", "config"):
        assert f"  {command} " in result.out


def _all_commands():
    import click

    from relterm.cli import cli

    ctx = click.Context(cli)

    def walk(group, path):
        for name in group.list_commands(ctx):
            command = group.get_command(ctx, name)
            yield path + [name], command
            if isinstance(command, click.Group):
                yield from walk(command, path + [name])

    return list(walk(cli, []))


def test_every_command_and_option_has_help(invoke):
    import click

    commands = _all_commands()
    assert {"add", "log", "promote", "demote", "list", "show", "levels", "edit", "delete", "restore", "backup",
            "config"} <= {path[0] for path, _ in commands}
    assert ["config", "init"] in [path for path, _ in commands]
    for path, command in commands:
        assert command.help, f"relterm {' '.join(path)} has no help text"
        for param in command.params:
            if isinstance(param, click.Option) and not param.hidden:
                assert param.help, f"relterm {' '.join(path)} {param.opts[0]} has no help text"
        result = invoke(*path, "--help")
        assert result.code == 0 and f" {' '.join(path)} [OPTIONS]" in result.out.splitlines()[0], (path, result)


def test_unknown_command_suggests_the_nearest(invoke):
    result = invoke("shwo", "Ada")
    assert result.code == 2 and "show" in result.err


# Selecting people -------------------------------------------------------------------------


@pytest.fixture
def people(invoke):
    for name in ("Ada Lovelace", "Ada Byron", "Charles Babbage"):
        invoke("add", name)
    return invoke


@pytest.mark.parametrize("query", ["3", "Charles Babbage", "charles babbage", "BABB", "les bab"])
def test_select_by_id_full_name_or_unique_part(people, query):
    result = people("show", query, "--json")
    assert result.code == 0, result
    assert result.json()["name"] == "Charles Babbage"


def test_full_name_wins_over_a_longer_match(invoke):
    invoke("add", "Ada")
    invoke("add", "Ada Lovelace")
    assert invoke("show", "ada", "--json").json()["id"] == 1


def test_several_matches_list_candidates_and_change_nothing(people, db_path):
    before = counts(db_path)
    result = people("log", "ada", "--kind", "call", "Hello")
    assert result.code == 2
    assert "Ada Byron (id 2)" in result.err and "Ada Lovelace (id 1)" in result.err
    assert "Traceback" not in result.err
    assert counts(db_path) == before


def test_no_match_is_a_clear_error(people, db_path):
    before = counts(db_path)
    result = people("promote", "Turing")
    assert result.code == 2 and 'no contact matches "Turing"' in result.err
    assert counts(db_path) == before


def test_unknown_id_is_not_found(people):
    result = people("show", "99")
    assert result.code == 2 and "99" in result.err


# Bad input: clear message, exit 2, nothing written ----------------------------------------


@pytest.mark.parametrize(
    "args, message",
    [
        (("add", ""), "needs a name"),
        (("add", "   "), "needs a name"),
        (("add", "\x1b[31m\x07"), "needs a name"),
        (("add", "X", "--sphere", "work"), "unknown sphere"),
        (("add", "X", "--level", "9"), "no level '9'"),
        (("add", "X", "--level", "boss"), "no level 'boss'"),
        (("add", "X", "--ladder", "customer", "--level", "5"), "customer ladder"),
        (("add", "X", "--ladder", "nope"), "unknown ladder"),
        (("add", "X", "--introduced-by", "Nobody"), "no contact matches"),
        (("add", "X", "--birthday", "not a date at all"), "cannot read"),
        (("log", "Ada", "--kind", "dance"), "unknown interaction kind"),
        (("log", "Ada", "--kind", "cofee"), "did you mean 'coffee'"),
        (("log", "Ada", "--date", "blursday the 40th"), "cannot read"),
        (("promote", "Ada", "--date", "2026-13-45"), "cannot read"),
        (("promote", "Ada", "--to", "99"), "no level"),
        (("promote", "Ada", "--to", "6", "--ladder", "nope"), "unknown ladder"),
        (("edit", "Ada", "--name", " "), "needs a name"),
        (("edit", "Ada", "--sphere", "work"), "unknown sphere"),
        (("list", "--level", "boss"), "no level"),
        (("list", "--sphere", "work"), "unknown sphere"),
        (("restore", "Ada"), "no contact matches"),
    ],
)
def test_bad_input_is_refused_and_nothing_written(tour, db_path, args, message):
    before = counts(db_path)
    snapshot = tour("show", "Ada", "--json").json()
    result = tour(*args)
    assert result.code == 2, result
    assert message in result.err
    assert result.err.startswith("relterm: ") and "Traceback" not in result.err
    assert counts(db_path) == before
    assert tour("show", "Ada", "--json").json() == snapshot


def test_promote_past_the_top_rung(tour, db_path):
    tour("promote", "Ada", "--to", "Friend")
    before = counts(db_path)
    result = tour("promote", "Ada")
    assert result.code == 2 and "top rung" in result.err
    assert counts(db_path) == before


def test_demote_below_the_bottom_rung(tour, db_path):
    tour("add", "Cold Caller", "--level", "0")
    before = counts(db_path)
    result = tour("demote", "Cold Caller")
    assert result.code == 2 and "bottom rung" in result.err
    assert counts(db_path) == before


def test_promote_to_the_same_rung_is_refused(tour):
    result = tour("promote", "Ada", "--to", "5")
    assert result.code == 2 and "already at 5 Regular" in result.err


def test_demote_on_the_customer_ladder_past_the_bottom(invoke):
    invoke("add", "Shop", "--ladder", "customer", "--level", "Satisfied")
    result = invoke("demote", "Shop", "--ladder", "customer")
    assert result.code == 2 and "bottom rung of the customer ladder" in result.err


def test_control_characters_are_stripped_from_every_text_field(invoke):
    esc = "\x1b[31m"
    title = "\x1b]0;pwned\x07"
    result = invoke(
        "add", f"Eve{esc} Evil{title}", "--company", f"Bad{esc}Co\x00", "--email", f"eve\x1b[2J@example.org",
        "--title", "Chief\x08\x08 Hacker", "--tag", "red\x1b[0m", "--notes", "line one\nline\x1b[1m two\x07",
        "--phone", "555\x9b31m",
    )
    assert result.code == 0
    invoke("log", "Eve", "--kind", "note", f"said{esc} hi\x1b[?1049h")
    invoke("promote", "Eve", "--reason", f"because{title}")
    data = invoke("show", "Eve", "--json").json()
    assert data["name"] == "Eve Evil"
    assert data["company"] == "BadCo"
    assert data["email"] == "eve@example.org"
    assert data["title"] == "Chief Hacker"
    assert data["tags"] == ["red"]
    assert data["notes"] == "line one\nline two"
    assert data["phone"] == "555"
    assert data["timeline"][0]["reason"] == "because"
    assert [e["summary"] for e in data["timeline"] if e["kind"] == "note"] == ["said hi"]
    raw = invoke("show", "Eve").out + invoke("list").out
    assert "\x1b" not in raw and "\x07" not in raw and "\x00" not in raw


def test_log_an_old_interaction_below_many_newer_ones(invoke, core):
    cid = core.add_contact("Ada Lovelace")
    for i in range(60):
        core.log(cid, "email", f"mail {i}", date="2026-10-01")
    core.close()
    result = invoke("log", "Ada", "--kind", "meal", "--date", "2020-01-01", "Backfilled dinner")
    assert result.code == 0, result
    assert "Logged meal with Ada Lovelace on 2020-01-01" in result.out
    data = invoke("show", "Ada", "--json").json()
    assert data["timeline"][-1]["summary"] == "Backfilled dinner"  # the oldest entry
    assert data["last_interaction"] == "2026-10-01"


@pytest.mark.parametrize(
    "given, stored",
    [("1990-12-10", "1990-12-10"), ("10 Dec 1990", "1990-12-10"), ("--12-10", "--12-10"), ("--1210", "--12-10"),
     ("10 Dec", "--12-10"), ("December 10", "--12-10")],
)
def test_birthday_with_or_without_a_year(invoke, given, stored):
    assert invoke("add", "Ada", f"--birthday={given}").code == 0
    assert invoke("show", "Ada", "--json").json()["birthday"] == stored
