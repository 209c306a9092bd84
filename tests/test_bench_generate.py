"""bench/generate.py writes databases the rest of relterm reads as its own."""

from __future__ import annotations

import importlib.util
import sqlite3
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def generate_module():
    spec = importlib.util.spec_from_file_location("relterm_bench_generate", ROOT / "bench" / "generate.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def generated(generate_module, tmp_path):
    path = tmp_path / "gen" / "bench.db"
    path.parent.mkdir()
    generate_module.generate(path, contacts=300, interactions_per_contact=6, seed=7)
    return path


def test_generated_data_is_consistent(generated):
    from relterm import store

    conn = sqlite3.connect(generated)
    q = lambda sql: conn.execute(sql).fetchall()  # noqa: E731
    assert q("SELECT COUNT(*) FROM contact") == [(300,)]
    applied = sorted(name for (name,) in q("SELECT name FROM schema_migration"))
    assert applied == sorted(p.stem for p in store.MIGRATIONS_DIR.glob("[0-9]*.py"))
    # last_interaction is the newest interaction, as Core.log keeps it.
    assert q(
        "SELECT COUNT(*) FROM contact c WHERE COALESCE(last_interaction, '') != COALESCE((SELECT MAX(date) FROM event e"
        " WHERE e.contact_id = c.id AND e.kind != 'level-change'), '')") == [(0,)]
    # Every contact starts with a level change on the default ladder and stands on it.
    assert q("SELECT COUNT(DISTINCT contact_id) FROM event WHERE kind = 'level-change' AND from_rank IS NULL"
             " AND ladder = 'business'") == [(300,)]
    assert q("SELECT COUNT(*) FROM contact_level WHERE ladder = 'business'") == [(300,)]
    # Introducers come earlier; more people on the low rungs than the top.
    assert q("SELECT COUNT(*) FROM contact WHERE introduced_by_id >= id") == [(0,)]
    introduced = q("SELECT COUNT(*) FROM contact WHERE introduced_by_id IS NOT NULL")[0][0]
    assert 20 < introduced < 100
    ranks = dict(q("SELECT rank, COUNT(*) FROM contact_level WHERE ladder = 'business' GROUP BY rank"))
    assert ranks.get(1, 0) > ranks.get(6, 0)
    kinds = {k for (k,) in q("SELECT DISTINCT kind FROM event")}
    assert {"level-change", "email", "ask", "referral-given", "referral-received"} <= kinds
    assert q("SELECT DISTINCT direction FROM event WHERE kind = 'ask'") == [("ask",)]
    promotions = q("SELECT from_rank, to_rank FROM event WHERE kind = 'level-change' AND from_rank IS NOT NULL")
    assert promotions and all(b > a for a, b in promotions)
    assert q("SELECT COUNT(*) FROM contact WHERE to_contact = 1 AND last_interaction IS NOT NULL") == [(0,)]
    conn.close()


def test_generated_database_works_with_the_cli(generated, invoke):
    rows = invoke("--db", str(generated), "list", "--json").json()
    assert 280 < len(rows) <= 300  # about one in a hundred is archived
    some = next(r for r in rows if r["last_interaction"])
    card = invoke("--db", str(generated), "show", str(some["id"]), "--json").json()
    assert card["timeline"][-1]["kind"] == "level-change"
    assert max(e["date"] for e in card["timeline"] if e["kind"] != "level-change") == some["last_interaction"]
    assert invoke("--db", str(generated), "add", "Bench Person").code == 0


def test_same_seed_same_data(generate_module, generated, tmp_path):
    again = tmp_path / "again.db"
    generate_module.generate(again, contacts=300, interactions_per_contact=6, seed=7)
    dump = lambda p: sqlite3.connect(p).execute(  # noqa: E731
        "SELECT name, company, email, tags, introduced_by_id FROM contact ORDER BY id").fetchall()
    assert dump(again) == dump(generated)


def test_cache_is_reused(generate_module, tmp_path):
    cache = tmp_path / "cache"
    first = generate_module.cached_database(50, 3, seed=2, cache_dir=cache)
    stamp = first.stat().st_mtime_ns
    second = generate_module.cached_database(50, 3, seed=2, cache_dir=cache)
    assert second == first and second.stat().st_mtime_ns == stamp
    other = generate_module.cached_database(60, 3, seed=2, cache_dir=cache)
    assert other != first
    assert sorted(p.name for p in cache.iterdir()) == sorted([first.name, other.name])  # no partial files left
