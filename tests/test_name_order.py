"""Names sort by their letters with case and accents folded, everywhere the list is read:
the core, the first page the app reads before opening the store, the CLI, and after imports,
renames and restores (the stored contact.sort_key follows the name)."""

from __future__ import annotations

import json
import sqlite3

from relterm import rules
from relterm.firstpage import read_first_page

NAMES = ["Zara Ahmed", "Élodie Martin", "emma Stone", "Eli Cohen", "Ångström Ada", "bob Brown"]
WANTED = ["Ångström Ada", "bob Brown", "Eli Cohen", "Élodie Martin", "emma Stone", "Zara Ahmed"]


def test_sort_key_folds_case_and_accents():
    assert rules.sort_key("Élodie Martin") == "elodie martin"
    assert rules.sort_key("STRAßE") == "strasse"
    assert sorted(NAMES, key=rules.sort_key) == WANTED


def test_core_rows_and_first_page_sort_accents_with_their_letters(core, db_path):
    for name in NAMES:
        core.add_contact(name)
    assert [r.name for r in core.rows()] == WANTED
    assert [r.name for r in core.rows(limit=3)] == WANTED[:3]
    assert [r.name for r in read_first_page(db_path, "business", 50)] == WANTED
    assert [name for _, name in core.names()] == WANTED


def test_a_rename_moves_the_contact(core):
    zara = core.add_contact("Zara Ahmed")
    core.add_contact("Bob Brown")
    core.edit_contact(zara, name="Ávila Zara")
    assert [r.name for r in core.rows()] == ["Ávila Zara", "Bob Brown"]


def test_the_first_page_query_is_served_by_the_sort_key_index(core, db_path):
    from relterm.firstpage import _FIRST_PAGE_SQL

    for number in range(300):
        core.add_contact(f"Person {number}")
    connection = sqlite3.connect(db_path)
    connection.execute("ANALYZE")
    plan = " ".join(row[-1] for row in connection.execute("EXPLAIN QUERY PLAN " + _FIRST_PAGE_SQL, ("business", 50)))
    connection.close()
    assert "contact_sort_key" in plan and "TEMP B-TREE" not in plan, plan


def test_cli_list_import_and_restore_keep_the_order(run_cli, tmp_path):
    vcf = tmp_path / "people.vcf"
    vcf.write_text("".join(f"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:{name}\r\nEND:VCARD\r\n" for name in NAMES),
                   encoding="utf-8")
    assert run_cli("import", str(vcf)).code == 0
    listed = run_cli("list", "--json").json()
    assert [row["name"] for row in listed] == WANTED
    out = run_cli("list")
    lines = [line for line in out.out.splitlines() if "Élodie" in line or "Zara" in line]
    assert "Élodie" in lines[0]
    # A backup written before the key existed (no sort_key column) restores into the same order.
    backup = tmp_path / "backup.json"
    assert run_cli("export", "--format", "json", "-o", str(backup)).code == 0
    data = json.loads(backup.read_text(encoding="utf-8"))
    table = data["tables"]["contact"]
    at = table["columns"].index("sort_key")
    table["columns"].pop(at)
    for row in table["rows"]:
        row.pop(at)
    data["tables"].pop("undo", None)
    backup.write_text(json.dumps(data), encoding="utf-8")
    fresh = tmp_path / "fresh.db"
    result = run_cli("--db", str(fresh), "import", str(backup))
    assert result.code == 0, result
    assert [row["name"] for row in run_cli("--db", str(fresh), "list", "--json").json()] == WANTED


def test_exact_names_are_found_through_the_sort_key_index(core, db_path):
    """One index of names serves lookups: ``show "sarah whitfield"`` and ``show "émile zola"`` find the contact
    through contact.sort_key, and a large import writes no second name index (migration 0010)."""
    sarah = core.add_contact("Sarah Whitfield")
    core.add_contact("Sarah Whitfield-Jones")
    emile = core.add_contact("Émile Zola")
    assert core.resolve("sarah whitfield") == sarah
    assert core.resolve("SARAH WHITFIELD") == sarah
    assert core.resolve("émile zola") == emile
    assert core.resolve("ÉMILE ZOLA") == emile
    with sqlite3.connect(db_path) as conn:
        indexes = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE tbl_name = 'contact'")}
        assert "contact_name_nocase" not in indexes and "contact_sort_key" in indexes
        plan = " ".join(str(row) for row in conn.execute(
            "EXPLAIN QUERY PLAN SELECT id FROM contact WHERE archived_at IS NULL AND sort_key = ? "
            "AND name = ? COLLATE NOCASE", ("sarah whitfield", "sarah whitfield")))
    assert "contact_sort_key" in plan


def test_a_name_whose_stored_key_went_stale_is_still_found(core, db_path):
    """A row written by another tool (sqlite3, an older relterm) can carry a stale sort key; an exact name
    is still found, not mistaken for part of a longer one."""
    ann = core.add_contact("Bob")
    core.add_contact("Anna")
    with sqlite3.connect(db_path) as conn:
        conn.execute("UPDATE contact SET name = 'Ann' WHERE id = ?", (ann,))
    assert core.resolve("Ann") == ann and core.resolve("ann") == ann
