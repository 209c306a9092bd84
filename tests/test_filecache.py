"""The cache of parsed YAML (themes, settings): a second start reads JSON without PyYAML, and nothing
about the cache can hide an edit or a broken file."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import textwrap

import pytest

from relterm import filecache, paths

THEME = b"name: mine\ndark: true\nprimary: '#ff8800'\nvariables:\n  footer-key-foreground: '#ffffff'\n"


def entries(kind: str) -> list:
    return sorted(paths.cache_dir().glob(f"{kind}-*.json"))


def test_parsed_once_then_read_from_the_cache_without_pyyaml(tmp_path):
    path = tmp_path / "mine.yaml"
    path.write_bytes(THEME)
    script = textwrap.dedent(f"""
        import sys
        from pathlib import Path
        from relterm.filecache import load_yaml
        data = load_yaml(Path({str(path)!r}).read_bytes(), kind="theme")
        print(data["primary"], data["variables"]["footer-key-foreground"], "yaml" in sys.modules)
    """)
    runs = [subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=dict(os.environ))
            for _ in range(2)]
    assert [r.stdout.split() for r in runs] == [["#ff8800", "#ffffff", "True"], ["#ff8800", "#ffffff", "False"]]
    [entry] = entries("theme")
    assert entry.stat().st_mode & 0o777 == 0o600


def test_an_edited_file_is_parsed_again(tmp_path):
    assert filecache.load_yaml(THEME, kind="theme")["primary"] == "#ff8800"
    edited = THEME.replace(b"#ff8800", b"#00ff88")
    assert filecache.load_yaml(edited, kind="theme")["primary"] == "#00ff88"
    assert filecache.load_yaml(THEME, kind="theme")["primary"] == "#ff8800"
    assert len(entries("theme")) == 2


def test_a_damaged_entry_is_ignored_and_replaced():
    filecache.load_yaml(THEME, kind="theme")
    [entry] = entries("theme")
    entry.write_text('{"key": "something else", "data": {"value": {"primary": "#000000"}}}')
    assert filecache.load_yaml(THEME, kind="theme")["primary"] == "#ff8800"
    entry.write_text("not json")
    assert filecache.load_yaml(THEME, kind="theme")["primary"] == "#ff8800"
    assert filecache.load_yaml(THEME, kind="theme")["primary"] == "#ff8800"  # rewritten: read back


def test_syntax_errors_say_the_line_and_are_never_cached():
    with pytest.raises(filecache.YamlError) as info:
        filecache.load_yaml(b"name: x\nprimary: [\n", kind="theme")
    assert info.value.line == 3 and "expected" in info.value.problem
    with pytest.raises(UnicodeDecodeError):
        filecache.load_yaml(b"name: \xff\n", kind="theme")
    assert entries("theme") == []


def test_data_json_would_change_is_parsed_every_time_not_cached():
    assert filecache.load_yaml(b"when: 2026-11-23\n1: one\n") == {"when": dt.date(2026, 11, 23), 1: "one"}
    assert entries("yaml") == []


def test_only_the_newest_entries_are_kept():
    for n in range(6):
        filecache.load_yaml(f"theme: t{n}\n".encode(), kind="settings", keep=4)
    assert len(entries("settings")) == 4
    assert filecache.load_yaml(b"theme: t5\n", kind="settings", keep=4) == {"theme": "t5"}
