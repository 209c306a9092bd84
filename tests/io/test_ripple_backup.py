"""Follow-ups and the went-badly flag travel through the JSON backup, and a restore checks them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from relterm import store
from relterm.config import load_config
from relterm.core import Core
from relterm.errors import InputError
from relterm.io import export, run_import


def fresh(path: Path) -> Core:
    store.close_database()
    return Core(path, load_config())


@pytest.fixture
def source(tmp_path):
    core = fresh(tmp_path / "source.db")
    tom = core.add_contact("Tom Becker", level=4)
    [sam] = core.intel.introduce_many(tom, ["Sam"])
    bad = core.log(sam.contact_id, "coffee", "awkward", date="2026-11-20", went_badly=True)
    core.log(sam.contact_id, "call", "fine", date="2026-11-21")
    first, _ = core.intel.add_follow_up(tom, about=sam.contact_id, reason="The coffee with Sam went badly",
                                        trigger="went-badly", event_id=bad)
    second, _ = core.intel.add_follow_up(tom, reason="catch up")
    core.intel.close_follow_up(second, "dismissed")
    yield core
    store.close_database()


def rows(core, table):
    return core.db.execute_sql(f'SELECT * FROM "{table}" ORDER BY id').fetchall()


def test_json_backup_round_trip_keeps_follow_ups_and_the_flag(source, tmp_path):
    before_follow, before_events = rows(source, "follow_up"), rows(source, "event")
    assert len(before_follow) == 2
    export(source, "json", tmp_path / "b.json")
    data = json.loads((tmp_path / "b.json").read_text())
    assert "went_badly" in data["tables"]["event"]["columns"] and len(data["tables"]["follow_up"]["rows"]) == 2
    target = fresh(tmp_path / "target.db")
    run_import(target, tmp_path / "b.json")
    assert rows(target, "follow_up") == before_follow
    assert rows(target, "event") == before_events
    [item] = target.intel.follow_ups()
    assert (item.name, item.about, item.trigger, item.status) == ("Tom Becker", "Sam", "went-badly", "open")
    flags = [e.went_badly for e in target.timeline(target.resolve("Sam")) if e.kind in ("coffee", "call")]
    assert flags == [False, True]  # newest first: the call, then the coffee that went badly


def test_an_older_backup_without_them_restores_with_nothing_went_badly(source, tmp_path):
    data = json.loads(export(source, "json", None)[0])
    event = data["tables"]["event"]
    at = event["columns"].index("went_badly")
    event["columns"].pop(at)
    for row in event["rows"]:
        row.pop(at)
    del data["tables"]["follow_up"]
    (tmp_path / "old.json").write_text(json.dumps(data))
    target = fresh(tmp_path / "target.db")
    run_import(target, tmp_path / "old.json")
    assert rows(target, "follow_up") == []
    assert not any(e.went_badly for e in target.timeline(target.resolve("Sam")))


@pytest.mark.parametrize("column, value, words", [
    ("status", "maybe", "must be one of open, done, dismissed"),
    ("trigger", "bored", "must be one of demoted, went-badly"),
    ("contact_id", 999, "contact 999 is not in the backup"),
    ("created_at", "yesterday", "is not a date and time"),
])
def test_a_bad_follow_up_row_is_refused_naming_it_and_nothing_is_written(source, tmp_path, column, value, words):
    data = json.loads(export(source, "json", None)[0])
    table = data["tables"]["follow_up"]
    table["rows"][0][table["columns"].index(column)] = value
    (tmp_path / "bad.json").write_text(json.dumps(data))
    target = fresh(tmp_path / "target.db")
    with pytest.raises(InputError, match=f"table follow_up, row 1.*{words}"):
        run_import(target, tmp_path / "bad.json")
    assert target.count() == 0 and rows(target, "follow_up") == []


def test_a_went_badly_flag_that_is_not_a_flag_is_refused(source, tmp_path):
    data = json.loads(export(source, "json", None)[0])
    event = data["tables"]["event"]
    event["rows"][0][event["columns"].index("went_badly")] = "yes"
    (tmp_path / "bad.json").write_text(json.dumps(data))
    target = fresh(tmp_path / "target.db")
    with pytest.raises(InputError, match="column went_badly: must be 0 or 1"):
        run_import(target, tmp_path / "bad.json")
