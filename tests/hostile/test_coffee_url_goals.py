"""The profile link and goals as input: imports keep odd links as details, a backup round trip keeps
both, and a restore refuses a bad link or goal naming table, row and column."""

from __future__ import annotations

import copy
import json

import pytest


@pytest.fixture
def backup(run_cli, tmp_path):
    assert run_cli("add", "Ann Lee", "--url", "https://www.linkedin.com/in/annlee").code == 0
    assert run_cli("add", "Bob Ray").code == 0
    assert run_cli("goal", "new-coffees", "1", "--every", "14", "--since", "2026-11-02").code == 0
    path = tmp_path / "b.json"
    assert run_cli("export", "--format", "json", "-o", str(path)).code == 0
    return json.loads(path.read_text(encoding="utf-8"))


def _restore(run_cli, tmp_path, data):
    path = tmp_path / "edited.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return run_cli("--db", str(tmp_path / "new.db"), "import", str(path))


def test_a_backup_round_trip_keeps_the_profile_link_and_the_goals(run_cli, tmp_path, backup):
    assert backup["tables"]["goal"]["rows"][0][:4] == ["new-coffees", 1, 14, "2026-11-02"]
    result = _restore(run_cli, tmp_path, backup)
    assert result.code == 0, result
    db = str(tmp_path / "new.db")
    assert run_cli("--db", db, "show", "Ann", "--json").json()["url"] == "https://www.linkedin.com/in/annlee"
    [goal] = run_cli("--db", db, "goal", "--json").json()
    assert (goal["name"], goal["target"], goal["every_days"], goal["start"]) == ("new-coffees", 1, 14, "2026-11-02")
    again = tmp_path / "again.json"
    assert run_cli("--db", db, "export", "--format", "json", "-o", str(again)).code == 0
    tables = json.loads(again.read_text())["tables"]
    assert tables["goal"] == backup["tables"]["goal"] and tables["contact"] == backup["tables"]["contact"]


BAD = [
    ("contact", "url", "javascript:alert(1)", "http:// or https://"),
    ("contact", "url", 42, "must be text"),
    ("goal", "name", "more-coffee", "must be one of new-coffees, coffees"),
    ("goal", "target", 0, "at least 1"),
    ("goal", "every_days", 10**6, "at most 3650"),
    ("goal", "start", "soon", "not a date"),
]


@pytest.mark.parametrize("table, column, value, says", BAD, ids=[f"{t}.{c}" for t, c, _, _ in BAD])
def test_a_bad_link_or_goal_refuses_the_backup(run_cli, tmp_path, backup, table, column, value, says):
    data = copy.deepcopy(backup)
    columns = data["tables"][table]["columns"]
    data["tables"][table]["rows"][0][columns.index(column)] = value
    result = _restore(run_cli, tmp_path, data)
    assert result.code == 2, result
    assert f"table {table}, row 1, column {column}" in result.err and says in result.err, result.err
    assert len(result.err.strip().splitlines()) == 1
    assert run_cli("--db", str(tmp_path / "new.db"), "list", "--json").json() == []


def test_a_backup_from_before_the_profile_link_restores_with_none(run_cli, tmp_path, backup):
    data = copy.deepcopy(backup)
    contact = data["tables"]["contact"]
    at = contact["columns"].index("url")
    contact["columns"].pop(at)
    for row in contact["rows"]:
        row.pop(at)
    del data["tables"]["goal"]
    assert _restore(run_cli, tmp_path, data).code == 0
    assert run_cli("--db", str(tmp_path / "new.db"), "show", "Ann", "--json").json()["url"] is None


def test_imported_links_other_than_http_stay_details_and_escape_codes_go(run_cli, tmp_path):
    vcf = tmp_path / "cards.vcf"
    vcf.write_text(
        "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ann Lee\r\nURL:javascript:alert(1)\r\nURL;TYPE=work:https://ann.example\r\n"
        "END:VCARD\r\n"
        "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Bob Ray\r\nURL:https://bob.example/\x1b]0;pwned\x07me\r\n"
        "URL;TYPE=pref:https://www.linkedin.com/in/bob\r\nEND:VCARD\r\n", encoding="utf-8")
    result = run_cli("import", str(vcf))
    assert result.code == 0, result
    ann = run_cli("show", "Ann", "--json").json()
    # The first link is not a web address: kept, as a detail; no profile link made of it.
    assert ann["url"] is None
    assert [(d["kind"], d["value"]) for d in ann["details"]] == [
        ("url", "javascript:alert(1)"), ("url", "https://ann.example")]
    bob = run_cli("show", "Bob", "--json").json()
    assert bob["url"] == "https://www.linkedin.com/in/bob"  # the preferred one
    assert [d["value"] for d in bob["details"]] == ["https://bob.example/me"]
    # Importing again changes nothing.
    assert "added 0, merged 2 (0 with changes)" in run_cli("import", str(vcf)).out


def test_linkedin_connections_keep_their_profile_links(run_cli, tmp_path):
    csv = tmp_path / "Connections.csv"
    csv.write_text("Notes:\n\nFirst Name,Last Name,URL,Email Address,Company,Position,Connected On\n"
                   "Ann,Lee,https://www.linkedin.com/in/annlee,,Acme,CTO,01 Mar 2024\n"
                   "Bob,Ray,linkedin.com/in/bob,,,,01 Mar 2024\n", encoding="utf-8")
    assert run_cli("import", str(csv)).code == 0
    assert run_cli("show", "Ann", "--json").json()["url"] == "https://www.linkedin.com/in/annlee"
    bob = run_cli("show", "Bob", "--json").json()
    assert bob["url"] is None and bob["details"] == [{"kind": "url", "label": "", "value": "linkedin.com/in/bob"}]
