"""The cache of validated ladder configs: a file that passed is built again without the
validator, and nothing about the cache can make a broken file pass."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

import pytest

from relterm import paths
from relterm.config import load_config
from relterm.errors import ConfigError

SHIPPED = paths.SHIPPED_LEVELS.read_text()
BROKEN = SHIPPED.replace("        name: Conversant", "        name: no")


def cache_entries(tmp_path):
    """The cache entries in the test's cache directory (conftest points RELTERM_CACHE_DIR into tmp_path)."""
    assert paths.cache_dir().is_relative_to(tmp_path)
    return sorted(paths.cache_dir().glob("levels-*.json"))


def write_levels(config_dir, text: str):
    config_dir.mkdir(exist_ok=True)
    (config_dir / "levels.yaml").write_text(text)
    return config_dir / "levels.yaml"


def error_of(config_dir) -> str:
    with pytest.raises(ConfigError) as info:
        load_config(config_dir)
    return str(info.value)


def test_a_validated_file_is_cached_privately_and_read_back_equal(tmp_path, config_dir):
    first = load_config(config_dir)
    [entry] = cache_entries(tmp_path)
    assert entry.stat().st_mode & 0o777 == 0o600
    assert paths.cache_dir().stat().st_mode & 0o777 == 0o700
    again = load_config(config_dir)
    assert again == first
    assert cache_entries(tmp_path) == [entry]
    assert again.ladder.label(3) == "3 Conversant" and again.kind("coffee").in_person


def test_a_broken_file_fails_the_same_way_after_a_good_one_was_cached(tmp_path, config_dir):
    fresh = error_of(write_levels(config_dir, BROKEN).parent)  # nothing cached yet
    assert cache_entries(tmp_path) == []
    write_levels(config_dir, SHIPPED)
    load_config(config_dir)
    assert len(cache_entries(tmp_path)) == 1
    write_levels(config_dir, BROKEN)
    message = error_of(config_dir)
    assert message == fresh
    assert "ladders.business.levels[3].name" in message and "boolean false" in message
    assert len(cache_entries(tmp_path)) == 1  # nothing was cached for the broken file


def test_a_broken_file_is_refused_by_the_cli_after_a_good_run(invoke, config_dir, db_path):
    write_levels(config_dir, SHIPPED)
    assert invoke("add", "Ada Lovelace").code == 0
    target = write_levels(config_dir, BROKEN)
    result = invoke("list")
    assert result.code == 2
    assert result.err.startswith(f"relterm: {target}:") and "boolean false" in result.err


def test_editing_the_file_is_seen_at_once(tmp_path, config_dir):
    write_levels(config_dir, SHIPPED)
    assert load_config(config_dir).ladder.label(3) == "3 Conversant"
    write_levels(config_dir, SHIPPED.replace("name: Conversant", "name: Talking"))
    assert load_config(config_dir).ladder.label(3) == "3 Talking"
    assert len(cache_entries(tmp_path)) == 2
    write_levels(config_dir, SHIPPED)
    assert load_config(config_dir).ladder.label(3) == "3 Conversant"


@pytest.mark.parametrize(
    "damage",
    [
        b"",
        b"{not json",
        b'{"key": "something else", "config": {}}',
        b'{"key": "KEY", "config": {"spheres": 3}}',
        b'{"key": "KEY", "config": {"ladders": {"x": {"levels": [{"rank": 1, "nmae": "Typo"}]}}}}',
        b"\xff\xfe\x00",
        b"[1, 2]",
    ],
    ids=["empty", "truncated", "other key", "wrong shape", "unknown field", "not utf-8", "a list"],
)
def test_a_damaged_cache_entry_is_ignored_and_rewritten(tmp_path, config_dir, damage):
    expected = load_config(config_dir)
    [entry] = cache_entries(tmp_path)
    key = entry.name.removeprefix("levels-").removesuffix(".json")
    entry.write_bytes(damage.replace(b"KEY", key.encode()))
    assert load_config(config_dir) == expected
    assert json.loads(entry.read_text())["key"] == key  # validated again and written again


def test_a_new_relterm_version_or_validator_checks_the_file_again(tmp_path, config_dir, monkeypatch):
    import relterm
    from relterm import config

    load_config(config_dir)
    assert len(cache_entries(tmp_path)) == 1
    monkeypatch.setattr(relterm, "__version__", relterm.__version__ + ".post1")
    load_config(config_dir)
    assert len(cache_entries(tmp_path)) == 2
    edited = tmp_path / "config_schema.py"
    edited.write_text(paths.PACKAGE_DIR.joinpath("config_schema.py").read_text() + "\n# a changed rule\n")
    monkeypatch.setattr(config, "_CODE", (paths.PACKAGE_DIR / "config.py", edited))
    load_config(config_dir)
    assert len(cache_entries(tmp_path)) == 3


def test_an_unwritable_cache_directory_only_costs_time(tmp_path, config_dir, monkeypatch):
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("a file where the cache directory should be")
    monkeypatch.setenv("RELTERM_CACHE_DIR", str(blocker / "cache"))
    assert load_config(config_dir).ladder.label(3) == "3 Conversant"
    assert load_config(config_dir).ladder.label(3) == "3 Conversant"


def test_old_entries_are_pruned(tmp_path, config_dir):
    for number in range(12):
        write_levels(config_dir, SHIPPED.replace("name: Conversant", f"name: Talking{number}"))
        load_config(config_dir)
    assert len(cache_entries(tmp_path)) <= 8
    assert load_config(config_dir).ladder.label(3) == "3 Talking11"


def test_cache_dir_honours_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("RELTERM_CACHE_DIR", "~/elsewhere")
    assert paths.cache_dir() == tmp_path / "home" / "elsewhere"
    monkeypatch.delenv("RELTERM_CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg-cache"))
    assert paths.cache_dir() == tmp_path / "xdg-cache" / "relterm"


def test_second_run_does_not_import_the_validator(tmp_path):
    """The first `relterm list` validates the file; the next one builds it from the cache."""
    code = textwrap.dedent(
        """
        import sys
        from relterm.cli import main
        try:
            main(["list"])
        except SystemExit as exc:
            assert not exc.code, exc.code
        print("LOADED", sorted(m for m in ("pydantic", "yaml", "relterm.config_schema") if m in sys.modules))
        """
    )
    env = dict(os.environ, RELTERM_CACHE_DIR=str(tmp_path / "cache-for-cli"))

    def run() -> str:
        proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120)
        assert proc.returncode == 0, proc.stderr
        return proc.stdout.strip().splitlines()[-1]

    assert run() == "LOADED ['pydantic', 'relterm.config_schema', 'yaml']"
    assert run() == "LOADED []"
    assert list((tmp_path / "cache-for-cli").glob("levels-*.json"))
