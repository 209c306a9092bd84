"""relterm's CSV reads back whatever relterm stores; YAML aliases are refused at once."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from relterm.io import csvfmt, run_import


def test_a_note_over_128_kb_survives_an_export_and_import(core, db_path, tmp_path, run_cli):
    note = ("A long story. " * 20_000)[:300_000]
    core.add_contact("Long Note", notes=note)
    core.add_contact("Short Note", notes="short")
    core.close()
    out = tmp_path / "all.csv"
    assert run_cli("export", "--format", "csv", "-o", str(out), env={"RELTERM_DB": str(db_path)}).code == 0

    target = tmp_path / "back.db"
    done = run_cli("import", str(out), env={"RELTERM_DB": str(target)})

    assert done.code == 0, done
    assert "added 2" in done.out and "skipped 0" in done.out
    import sqlite3

    stored = sqlite3.connect(target).execute("SELECT notes FROM contact WHERE name = 'Long Note'").fetchone()[0]
    assert stored == note.strip()


def test_a_cell_over_the_limit_is_reported_and_the_other_rows_import(core, tmp_path, monkeypatch):
    monkeypatch.setattr(csvfmt, "FIELD_LIMIT", 200_000)  # the real limit (SQLite's longest string) is 1e9
    path = tmp_path / "big.csv"
    header = ",".join(csvfmt.RELTERM_COLUMNS)
    row = lambda name, notes: f"{name},,,,,,,,{notes}" + "," * (len(csvfmt.RELTERM_COLUMNS) - 9)  # noqa: E731
    path.write_text("\n".join([header, row("Before", "x"), row("Huge", "y" * 250_000), row("After", "z")]) + "\n")

    summary = run_import(core, path, progress=lambda done, total: None)  # counting rows reads the cell too

    assert (summary.added, summary.skipped) == (2, 1)
    assert "a cell longer than 200,000 characters" in summary.problems[0].reason
    assert sorted(r.name for r in core.rows()) == ["After", "Before"]


BOMB = "\n".join(
    [f"a: &a [{','.join(['lol'] * 9)}]"]
    + [f"{chr(98 + i)}: &{chr(98 + i)} [{','.join(['*' + chr(97 + i)] * 9)}]" for i in range(8)]
) + "\n"


def test_levels_yaml_with_an_alias_bomb_is_refused_at_once(config_dir, db_path, run_cli):
    (config_dir / "levels.yaml").write_text("# my ladders\n" + BOMB)

    started = time.perf_counter()
    done = run_cli("list", env={"RELTERM_CONFIG_DIR": str(config_dir), "RELTERM_DB": str(db_path)})

    assert time.perf_counter() - started < 10  # 29 s and 1.9 GB before, then a crash
    assert done.code == 2, done
    assert done.err.strip().splitlines() == [
        f"relterm: {config_dir / 'levels.yaml'}:2: YAML aliases and anchors (*name, &name) are not allowed in "
        "relterm's files; write the values out"]


def test_an_anchor_alone_is_refused_too(config_dir):
    from relterm.config_schema import validate
    from relterm.errors import ConfigError

    with pytest.raises(ConfigError, match=r"levels.yaml:3: YAML aliases and anchors"):
        validate("default_ladder: business\nspheres: [a]\nkinds: &k {}\n", "levels.yaml")


def test_a_theme_file_with_aliases_is_refused_naming_file_and_line(tmp_path):
    from relterm.tui.themes import load_theme_file

    path = tmp_path / "bomb.yaml"
    path.write_text("name: bomb\n" + BOMB)

    with pytest.raises(ValueError, match=r"bomb.yaml:2: .*aliases and anchors"):
        load_theme_file(path)


def test_quoted_stars_and_ampersands_are_plain_text(tmp_path):
    from relterm.filecache import load_yaml

    assert load_yaml(b"a: '*x'\nb: \"&y\"\nc: x*y&z\n") == {"a": "*x", "b": "&y", "c": "x*y&z"}
