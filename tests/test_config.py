"""The ladder config: strict validation with file:line:key messages, edited ladders,
`relterm config`, and where relterm looks for its files."""

from __future__ import annotations

import os
import re
import sqlite3

import pytest

from relterm import paths
from relterm.config import load_config, parse_config
from relterm.errors import ConfigError

SHIPPED = paths.SHIPPED_LEVELS.read_text()


def line_of(text: str, needle: str) -> int:
    """1-based line number where ``needle`` (which may span lines) starts."""
    index = text.index(needle)
    return text.count("\n", 0, index) + 1


def write_levels(config_dir, text: str):
    config_dir.mkdir(exist_ok=True)
    target = config_dir / "levels.yaml"
    target.write_text(text)
    return target


def test_shipped_config_loads():
    config = load_config()
    assert config.default_ladder == "business"
    assert [lv.rank for lv in config.ladder.ordered] == [0, 1, 2, 3, 4, 5, 6]
    assert [lv.rank for lv in config.ladders["customer"].ordered] == [1, 2, 3]
    assert config.kind("ask").direction == "ask" and config.kind("referral-given").direction == "given"
    assert config.kind("coffee").in_person


BROKEN = [
    # (description, edit of the shipped text, expected fragments, needle for the line or None)
    ("syntax error", lambda t: t.replace("spheres: [family,", "spheres: [family,,"), ["YAML syntax error"],
     "spheres: [family"),
    ("unknown key with typo", lambda t: t.replace("    new_contact_rank: 1\n    introduced_rank",
                                                  "    new_contact_rnak: 1\n    introduced_rank"),
     ["ladders.business.new_contact_rnak", "unknown key", "did you mean 'new_contact_rank'"], "new_contact_rnak"),
    ("unknown level key", lambda t: t.replace('        color: "#52be80"', '        colour: "#52be80"'),
     ["ladders.business.levels[3].colour", "did you mean 'color'"], "colour:"),
    ("unknown top-level key", lambda t: t.replace("version: 1", "versoin: 1"),
     ["versoin", "did you mean 'version'"], "versoin"),
    ("duplicate rank", lambda t: t.replace("      - rank: 2\n        name: Introduced", "      - rank: 1\n        name: Introduced"),
     ["ladders.business.levels[2].rank", "duplicate rank 1", "Researched", "Introduced"], "rank: 1\n        name: Introduced"),
    ("rank not an integer", lambda t: t.replace("      - rank: 3\n        name: Conversant",
                                                "      - rank: three\n        name: Conversant"),
     ["ladders.business.levels[3].rank", "whole number", '"three"'], "rank: three"),
    ("rank as quoted text", lambda t: t.replace("      - rank: 3\n        name: Conversant",
                                                '      - rank: "3"\n        name: Conversant'),
     ["ladders.business.levels[3].rank", "whole number"], 'rank: "3"'),
    ("name: no read as a boolean", lambda t: t.replace("        name: Conversant", "        name: no"),
     ["ladders.business.levels[3].name", "boolean false", "quotes"], "name: no"),
    ("default ladder typo", lambda t: t.replace("default_ladder: business", "default_ladder: busines"),
     ["default_ladder: no ladder called 'busines'", "did you mean 'business'"], "default_ladder:"),
    ("default sphere not a sphere", lambda t: t.replace("default_sphere: business", "default_sphere: bizness"),
     ["default_sphere: 'bizness' is not one of the spheres"], "default_sphere:"),
    ("starting rank not in the ladder", lambda t: t.replace("    new_contact_rank: 1\n    introduced_rank",
                                                            "    new_contact_rank: 9\n    introduced_rank"),
     ["ladders.business.new_contact_rank: 9 is not a rank"], "new_contact_rank: 9"),
    ("promote_when typo", lambda t: t.replace("promote_when: {min_interactions: 3, within_days: 365}",
                                              "promote_when: {min_interaction: 3, within_days: 365}"),
     ["promote_when.min_interaction", "did you mean 'min_interactions'"], "min_interaction:"),
    ("bad colour", lambda t: t.replace('color: "#52be80"', 'color: "#52be8"'), ["is not a colour"], '"#52be8"'),
    ("not a mapping", lambda t: "- just\n- a list\n", ["expected a mapping"], None),
    ("duplicate kind", lambda t: t.replace("  coffee:", "  email: {}\n  coffee:"),
     ["email: duplicate key (first on line"], "email: {}"),
    ("rank given twice in one level", lambda t: t.replace("      - rank: 2\n", "      - rank: 2\n        rank: 3\n"),
     ["rank: duplicate key"], "        rank: 3"),
]


@pytest.mark.parametrize("description, edit, fragments, needle", BROKEN, ids=[b[0] for b in BROKEN])
def test_broken_levels_yaml_stops_the_command_before_the_database(
    invoke, config_dir, db_path, description, edit, fragments, needle
):
    text = edit(SHIPPED)
    target = write_levels(config_dir, text)
    result = invoke("add", "Ada Lovelace")
    assert result.code == 2, result
    assert result.out == ""
    assert result.err.startswith(f"relterm: {target}")
    assert "Traceback" not in result.err
    for fragment in fragments:
        assert fragment in result.err, (fragment, result.err)
    if needle is not None:
        assert f"{target}:{line_of(text, needle)}:" in result.err
    assert not db_path.exists()  # not even created
    assert not db_path.parent.joinpath("relterm.db-wal").exists()


@pytest.mark.parametrize("command", [("list",), ("show", "Ada"), ("levels",), ("log", "Ada", "hi"), ("backup", "x.db")])
def test_broken_config_leaves_an_existing_database_untouched(invoke, config_dir, db_path, command):
    assert invoke("add", "Ada Lovelace").code == 0
    before = db_path.read_bytes()
    write_levels(config_dir, SHIPPED.replace("        name: Conversant", "        name: no"))
    result = invoke(*command)
    assert result.code == 2 and "levels.yaml" in result.err
    assert db_path.read_bytes() == before


def test_broken_config_with_a_real_process_has_no_traceback(run_cli, config_dir, db_path):
    write_levels(config_dir, SHIPPED.replace("      - rank: 3\n", "      - rank: 3.5\n"))
    result = run_cli("list")
    assert result.code == 2
    assert "Traceback" not in result.err and "levels.yaml" in result.err and "whole number" in result.err
    assert len(result.err.strip().splitlines()) <= 6
    assert not db_path.exists()


def test_unreadable_config_is_a_config_error(config_dir):
    (config_dir / "levels.yaml").write_bytes(b"version: 1\nname: \xff\xfe\n")
    with pytest.raises(ConfigError, match="not UTF-8"):
        load_config(config_dir)


def test_parse_config_names_the_file_given():
    with pytest.raises(ConfigError, match=r"^custom\.yaml:"):
        parse_config("version: 1\nbogus: 2\n", "custom.yaml")


# Edited ladders ------------------------------------------------------------------------------


def test_rank_removed_from_the_ladder_is_kept_and_marked(invoke, config_dir):
    invoke("add", "Ada Lovelace", "--level", "6")
    invoke("add", "Charles Babbage", "--level", "2")
    # The user's edited ladder loses its top rung.
    edited = SHIPPED[: SHIPPED.index("      - rank: 6")] + SHIPPED[SHIPPED.index("  customer:"):]
    write_levels(config_dir, edited)
    assert 6 not in load_config(config_dir).ladder.by_rank

    listing = invoke("list")
    assert listing.code == 0
    ada = next(line for line in listing.out.splitlines() if "Ada Lovelace" in line)
    assert "6 (not in ladder)" in ada
    data = {c["name"]: c for c in invoke("list", "--json").json()}
    assert data["Ada Lovelace"]["level"] == 6 and "not in ladder" in data["Ada Lovelace"]["level_name"]
    assert data["Charles Babbage"]["level"] == 2
    assert "6 (not in ladder)" in invoke("show", "Ada").out
    # The stranded rank can still be filtered on, so the user can find whom to move.
    stranded = invoke("list", "--level", "6", "--json")
    assert stranded.code == 0 and [c["name"] for c in stranded.json()] == ["Ada Lovelace"]
    assert invoke("list", "--level", "9").code == 2

    levels = invoke("levels")
    assert "(not in ladder)" in levels.out
    marked = invoke("levels", "--json").json()["levels"]
    assert marked[0] == {**marked[0], "rank": 6, "count": 1, "in_ladder": False}

    # Logging does not move them; demoting goes to the next rung that exists.
    assert invoke("log", "Ada", "--kind", "call", "hello").code == 0
    assert invoke("show", "Ada", "--json").json()["level"] == 6
    assert invoke("promote", "Ada").code == 2
    result = invoke("demote", "Ada", "--reason", "ladder changed")
    assert result.code == 0 and "6 (not in ladder) -> 5 Regular" in result.out


# relterm config ------------------------------------------------------------------------------


def test_config_path_shows_every_location(invoke, tmp_path):
    result = invoke("config", "path")
    assert result.code == 0
    assert f"database:    {tmp_path / 'relterm.db'}" in result.out
    assert f"config dir:  {tmp_path / 'config'}" in result.out
    assert f"cache:       {tmp_path / 'relterm-cache'}" in result.out
    assert str(paths.SHIPPED_LEVELS) in result.out and "config init" in result.out


def test_config_init_writes_the_commented_shipped_file_which_loads(invoke, config_dir):
    result = invoke("config", "init")
    assert result.code == 0
    target = config_dir / "levels.yaml"
    assert target.read_text() == SHIPPED
    assert target.read_text().startswith("# relterm ladder config")
    assert load_config(config_dir) == load_config()
    assert str(target) in invoke("config", "path").out
    again = invoke("config", "init")
    assert again.code == 2 and "--force" in again.err
    target.write_text(SHIPPED.replace("name: Conversant", "name: Talking"))
    assert invoke("config", "init", "--force").code == 0
    assert target.read_text() == SHIPPED


def test_config_init_makes_a_private_directory(invoke, tmp_path):
    fresh = tmp_path / "fresh-config"
    assert invoke("--config-dir", str(fresh), "config", "init").code == 0
    assert fresh.stat().st_mode & 0o777 == 0o700
    assert (fresh / "levels.yaml").exists()


def test_user_config_replaces_the_shipped_one(invoke, config_dir):
    write_levels(config_dir, SHIPPED.replace("name: Conversant", "name: Talking"))
    invoke("add", "Ada", "--level", "talking")
    assert invoke("show", "Ada", "--json").json()["level_name"] == "Talking"


# Where the files are -----------------------------------------------------------------------------


def test_default_database_honours_xdg_data_home(invoke, monkeypatch, tmp_path):
    monkeypatch.delenv("RELTERM_DB")
    data_home = tmp_path / "xdg-data"
    monkeypatch.setenv("XDG_DATA_HOME", str(data_home))
    assert invoke("add", "Ada Lovelace").code == 0
    expected = data_home / "relterm" / "relterm.db"
    assert expected.exists()
    assert expected.parent.stat().st_mode & 0o777 == 0o700
    assert f"database:    {expected}" in invoke("config", "path").out
    assert not (tmp_path / "relterm.db").exists()


def test_default_config_dir_honours_xdg_config_home(invoke, monkeypatch, tmp_path):
    monkeypatch.delenv("RELTERM_CONFIG_DIR")
    config_home = tmp_path / "xdg-config"
    monkeypatch.setenv("XDG_CONFIG_HOME", str(config_home))
    assert invoke("config", "init").code == 0
    assert (config_home / "relterm" / "levels.yaml").exists()


def test_db_option_beats_the_environment(invoke, tmp_path, db_path):
    other = tmp_path / "elsewhere.db"
    assert invoke("--db", str(other), "add", "Ada").code == 0
    assert other.exists() and not db_path.exists()
    assert [c["name"] for c in invoke("--db", str(other), "list", "--json").json()] == ["Ada"]
    assert invoke("list", "--json").json() == []  # RELTERM_DB's file is a different, empty database


def test_relterm_db_environment_variable(invoke, monkeypatch, tmp_path):
    target = tmp_path / "from-env.db"
    monkeypatch.setenv("RELTERM_DB", str(target))
    invoke("add", "Ada")
    assert target.exists()


def test_config_dir_option_and_environment(invoke, monkeypatch, tmp_path):
    option_dir = tmp_path / "opt-config"
    write_levels(option_dir, SHIPPED.replace("name: Conversant", "name: ViaOption"))
    env_dir = tmp_path / "env-config"
    write_levels(env_dir, SHIPPED.replace("name: Conversant", "name: ViaEnv"))
    monkeypatch.setenv("RELTERM_CONFIG_DIR", str(env_dir))
    assert "ViaEnv" in invoke("levels").out
    assert "ViaOption" in invoke("--config-dir", str(option_dir), "levels").out


def test_paths_expand_the_home_directory(monkeypatch, tmp_path):
    monkeypatch.setenv("RELTERM_DB", "~/x/relterm.db")
    assert paths.db_path() == tmp_path / "home" / "x" / "relterm.db"
    assert paths.db_path("~/y.db") == tmp_path / "home" / "y.db"
