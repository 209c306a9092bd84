"""A JSON backup is input like any other: every value is checked (type, range, links between
rows) and every text cleaned before anything is written; a problem refuses the whole file with
one line naming table, row and column, and the database stays as it was."""

from __future__ import annotations

import copy
import json

import pytest


@pytest.fixture
def backup(run_cli, tmp_path):
    """A real backup of two contacts with a timeline, a detail and a snooze, as a dict."""
    assert run_cli("add", "Ann Lee", "--birthday", "1980-05-01", "--cadence", "30").code == 0
    assert run_cli("add", "Bob Ray", "--introduced-by", "Ann").code == 0
    assert run_cli("log", "Ann", "met for coffee").code == 0
    assert run_cli("snooze", "Bob", "5", "--item", "keep-in-touch").code == 0
    assert run_cli("edit", "Bob", "--email", "bob@example.com").code == 0
    path = tmp_path / "b.json"
    assert run_cli("export", "--format", "json", "-o", str(path)).code == 0
    return json.loads(path.read_text(encoding="utf-8"))


def _set(data, table, column, value, row=0):
    data = copy.deepcopy(data)
    columns = data["tables"][table]["columns"]
    data["tables"][table]["rows"][row][columns.index(column)] = value
    return data


def _restore(run_cli, tmp_path, data, *extra):
    path = tmp_path / "edited.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return run_cli("--db", str(tmp_path / "new.db"), "import", str(path), *extra)


def _works_after(run_cli, tmp_path):
    """Every reading command still runs on the target database."""
    db = str(tmp_path / "new.db")
    for args in (("list",), ("show", "Ann"), ("due",), ("suggest",), ("export", "--format", "ics")):
        result = run_cli("--db", db, *args)
        assert result.code in (0, 2) and "Traceback" not in result.err, (args, result)


BAD = [
    ("event", "date", "not a date", "event, row 1, column date"),
    ("event", "date", "9999-12-31", "event, row 1, column date"),
    ("contact", "cadence_days", "30", "contact, row 1, column cadence_days"),
    ("contact", "cadence_days", 10**30, "contact, row 1, column cadence_days"),
    ("contact", "cadence_days", 99999, "contact, row 1, column cadence_days"),
    ("contact_level", "rank", "3", "contact_level, row 1, column rank"),
    ("contact", "name", None, "contact, row 1, column name"),
    ("contact", "name", ["Ann"], "contact, row 1, column name"),
    ("contact", "name", {"x": 1}, "contact, row 1, column name"),
    ("contact", "birthday", "9999-12-31", "contact, row 1, column birthday"),
    ("contact", "birthday", "--02-30", "contact, row 1, column birthday"),
    ("contact", "created_at", "yesterday", "contact, row 1, column created_at"),
    ("contact", "to_contact", "yes", "contact, row 1, column to_contact"),
    ("contact", "id", 10**30, "contact, row 1, column id"),
    ("contact", "review_due", 20261201, "contact, row 1, column review_due"),
    ("event", "contact_id", 99, "event, row 1, column contact_id"),
    ("contact", "introduced_by_id", 42, "contact, row 1, column introduced_by_id"),
    ("event", "direction", "sideways", "event, row 1, column direction"),
    ("agenda_snooze", "item", "everything", "agenda_snooze, row 1, column item"),
]


@pytest.mark.parametrize("table, column, value, where", BAD, ids=[f"{t}.{c}={v!r}"[:40] for t, c, v, _ in BAD])
def test_a_bad_value_refuses_the_file_naming_table_row_and_column(run_cli, tmp_path, backup, table, column, value,
                                                                   where):
    result = _restore(run_cli, tmp_path, _set(backup, table, column, value))
    assert result.code == 2, result
    assert where in result.err, result
    assert len(result.err.strip().splitlines()) == 1 and "Traceback" not in result.err
    # Nothing written: the new database holds no contact.
    assert run_cli("--db", str(tmp_path / "new.db"), "list", "--json").json() == []


def test_duplicate_ids_are_refused(run_cli, tmp_path, backup):
    data = copy.deepcopy(backup)
    rows = data["tables"]["contact"]["rows"]
    columns = data["tables"]["contact"]["columns"]
    rows[1][columns.index("id")] = rows[0][columns.index("id")]
    result = _restore(run_cli, tmp_path, data)
    assert result.code == 2 and "table contact, row 2, column id" in result.err, result


def test_duplicate_uids_are_refused(run_cli, tmp_path, backup):
    data = copy.deepcopy(backup)
    columns = data["tables"]["contact"]["columns"]
    rows = data["tables"]["contact"]["rows"]
    rows[1][columns.index("uid")] = rows[0][columns.index("uid")]
    result = _restore(run_cli, tmp_path, data)
    assert result.code == 2 and "table contact, row 2, column uid" in result.err, result


def test_introductions_in_a_circle_are_refused(run_cli, tmp_path, backup):
    data = _set(backup, "contact", "introduced_by_id", 2, row=0)  # Ann by Bob, Bob by Ann
    result = _restore(run_cli, tmp_path, data)
    assert result.code == 2 and "circle" in result.err, result


@pytest.mark.parametrize("shape", ["list", "rows-object", "columns-text", "tables-list"])
def test_tables_of_the_wrong_shape_are_refused(run_cli, tmp_path, backup, shape):
    data = copy.deepcopy(backup)
    if shape == "list":
        data["tables"]["event"] = data["tables"]["event"]["rows"]
    elif shape == "rows-object":
        data["tables"]["event"]["rows"] = {"1": data["tables"]["event"]["rows"][0]}
    elif shape == "columns-text":
        data["tables"]["event"]["columns"] = "id,contact_id"
    else:
        data["tables"] = list(data["tables"].values())
    result = _restore(run_cli, tmp_path, data)
    assert result.code == 2, result
    assert ("table event" in result.err or "tables" in result.err) and "Traceback" not in result.err
    assert len(result.err.strip().splitlines()) == 1


def test_escape_sequences_in_text_are_cleaned(run_cli, tmp_path, backup):
    data = _set(backup, "contact", "name", "Ann\x1b[2J\x1b]0;pwned\x07 Lee")
    data = _set(data, "contact", "notes", "line one\x1b[31m\nline two\x9b2J")
    columns = data["tables"]["event"]["columns"]
    for row in data["tables"]["event"]["rows"]:
        row[columns.index("summary")] = "hi\x1b]52;c;Zm9v\x07 there"
    result = _restore(run_cli, tmp_path, data)
    assert result.code == 0, result
    shown = run_cli("--db", str(tmp_path / "new.db"), "show", "Ann", "--json").json()
    assert shown["name"] == "Ann Lee"
    assert shown["notes"] == "line one\nline two"
    dumped = json.dumps(shown)
    assert "\\u001b" not in dumped and "\\u009b" not in dumped and "\\u0007" not in dumped
    _works_after(run_cli, tmp_path)


def test_a_good_backup_still_restores_exactly(run_cli, tmp_path, backup):
    result = _restore(run_cli, tmp_path, backup)
    assert result.code == 0, result
    assert {c["name"] for c in run_cli("--db", str(tmp_path / "new.db"), "list", "--json").json()} == {"Ann Lee",
                                                                                                    "Bob Ray"}
    again = tmp_path / "again.json"
    assert run_cli("--db", str(tmp_path / "new.db"), "export", "--format", "json", "-o", str(again)).code == 0
    assert json.loads(again.read_text())["tables"] == backup["tables"]


def test_a_bad_value_with_replace_leaves_the_database_as_it_was(run_cli, tmp_path, backup):
    assert _restore(run_cli, tmp_path, backup).code == 0
    result = _restore(run_cli, tmp_path, _set(backup, "event", "date", "nope", row=2), "--replace")
    assert result.code == 2 and "table event, row 3, column date" in result.err, result
    assert len(run_cli("--db", str(tmp_path / "new.db"), "list", "--json").json()) == 2


@pytest.mark.parametrize("version, says", [("1", "not one relterm knows"), (2, "newer"), (None, "not one relterm knows"),
                                           (0, "not one relterm knows"), (True, "not one relterm knows"),
                                           (1.5, "not one relterm knows")])
def test_the_version_message_says_what_is_wrong(run_cli, tmp_path, backup, version, says):
    data = copy.deepcopy(backup)
    data["version"] = version
    result = _restore(run_cli, tmp_path, data)
    assert result.code == 2 and says in result.err, result
    if says != "newer":
        assert "newer" not in result.err
