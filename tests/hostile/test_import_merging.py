"""Imports merge only the same person: people who share a name (or an address) stay
apart through every export format, and a record matching an archived contact is reported."""

from __future__ import annotations

import importlib.util
import sqlite3
from pathlib import Path

import pytest

from relterm.io import run_import

ROOT = Path(__file__).resolve().parent.parent.parent


def vcf(*cards: str) -> str:
    return "".join("BEGIN:VCARD\r\nVERSION:3.0\r\n" + "\r\n".join(c.strip().splitlines()) + "\r\nEND:VCARD\r\n"
                   for c in cards)


def people(db: Path) -> list[tuple]:
    conn = sqlite3.connect(db)
    try:
        return sorted(conn.execute("SELECT name, COALESCE(company, ''), COALESCE(email, ''), uid FROM contact"))
    finally:
        conn.close()


def round_trip(run_cli, tmp_path: Path, fmt: str, source_db: Path) -> Path:
    """Export ``source_db`` in ``fmt`` with the CLI, import it into an empty database; return that one."""
    out = tmp_path / f"export-{fmt}" if fmt == "vdir" else tmp_path / f"export.{fmt}"
    done = run_cli("export", "--format", fmt, "-o", str(out), env={"RELTERM_DB": str(source_db)})
    assert done.code == 0, done
    target = tmp_path / f"imported-{fmt}.db"
    done = run_cli("import", str(out), env={"RELTERM_DB": str(target)})
    assert done.code == 0, done
    return target


@pytest.mark.parametrize("fmt", ["vcard", "vdir", "csv", "json"])
def test_people_who_share_a_name_stay_apart_through_an_export_and_import(core, db_path, tmp_path, run_cli, fmt):
    core.add_contact("Adam Flowers", company="Flowers & Sons", email="adam@flowers.example")
    core.add_contact("Adam Flowers", email="adam.f@mail.example")
    core.add_contact("Adam Flowers")  # a third, with nothing but the name
    core.add_contact("Bea Kim", email="family@kim.example")
    core.add_contact("Cho Kim", email="family@kim.example")  # two people, one address
    before = people(db_path)
    core.close()

    after = people(round_trip(run_cli, tmp_path, fmt, db_path))

    assert after == before


@pytest.fixture(scope="module")
def generated_db(tmp_path_factory):
    """A realistic database from bench/generate.py: Faker names, so some people share a name."""
    spec = importlib.util.spec_from_file_location("relterm_bench_generate_h", ROOT / "bench" / "generate.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    path = tmp_path_factory.mktemp("generated") / "source.db"
    module.generate(path, contacts=4000, interactions_per_contact=1, seed=3)
    return path


@pytest.mark.parametrize("fmt", ["vcard", "vdir", "csv", "json"])
def test_a_few_thousand_contacts_all_come_back(generated_db, tmp_path, run_cli, fmt):
    conn = sqlite3.connect(generated_db)
    exported = conn.execute("SELECT COUNT(*) FROM contact WHERE archived_at IS NULL").fetchone()[0]
    archived = conn.execute("SELECT COUNT(*) FROM contact WHERE archived_at IS NOT NULL").fetchone()[0]
    shared = conn.execute("SELECT COUNT(*) FROM (SELECT name FROM contact WHERE archived_at IS NULL "
                          "GROUP BY name HAVING COUNT(*) > 1)").fetchone()[0]
    conn.close()
    assert shared > 10  # the data has people sharing a name, or this test proves nothing

    target = round_trip(run_cli, tmp_path, fmt, generated_db)

    count = sqlite3.connect(target).execute("SELECT COUNT(*) FROM contact").fetchone()[0]
    # The JSON backup holds the archived contacts too; the other formats only the active ones.
    assert count == exported + (archived if fmt == "json" else 0)


def test_a_record_with_its_own_uid_is_not_merged_on_the_name_alone(core, tmp_path):
    cid = core.add_contact("Ann Lee", company="Acme")
    path = tmp_path / "a.vcf"
    path.write_text(vcf("UID:someone-else\nFN:Ann Lee\nORG:Acme"))

    summary = run_import(core, path)

    assert (summary.added, summary.merged) == (1, 0)
    assert core.count() == 2 and core.card(cid).name == "Ann Lee"


def test_a_name_only_match_is_refused_when_the_emails_differ(core, tmp_path):
    core.add_contact("Adam Flowers", company="Flowers & Sons", email="adam@flowers.example")
    path = tmp_path / "google.csv"
    path.write_text("First Name,Last Name,Organization Name,E-mail 1 - Label,E-mail 1 - Value\n"
                    "Adam,Flowers,,* Home,adam.f@mail.example\n"  # another Adam Flowers
                    "Adam,Flowers,,,\n")  # nothing but the name: the single Adam Flowers there was

    summary = run_import(core, path, format="google-csv")

    assert (summary.added, summary.merged) == (1, 1)
    assert core.count() == 2


def test_two_cards_sharing_an_address_stay_two_people(core, tmp_path):
    path = tmp_path / "family.vcf"
    path.write_text(vcf("UID:bea\nFN:Bea Kim\nEMAIL:family@kim.example",
                        "UID:cho\nFN:Cho Kim\nEMAIL:family@kim.example"))

    summary = run_import(core, path)

    assert (summary.added, summary.merged) == (2, 0)
    # Importing the same file again matches each by its UID: nothing new.
    again = run_import(core, path)
    assert (again.added, again.merged, again.updated) == (0, 2, 0)


def test_a_record_matching_an_archived_contact_is_reported_with_how_to_restore(core, db_path, tmp_path, run_cli):
    cid = core.add_contact("Dora Old", email="dora@old.example")
    core.archive(cid)
    core.close()
    path = tmp_path / "dora.vcf"
    path.write_text(vcf("FN:Dora Old\nEMAIL:dora@old.example\nTITLE:Chef", "FN:Eve New"))

    done = run_cli("import", str(path), env={"RELTERM_DB": str(db_path)})

    assert done.code == 0, done
    assert "added 1, merged 1" in done.out
    assert "Matched 1 archived contact" in done.out
    assert f"Dora Old (id {cid})" in done.out
    assert "relterm restore NAME" in done.out


def test_the_archived_match_is_in_the_summary_the_tui_shows(core, tmp_path):
    cid = core.add_contact("Dora Old", email="dora@old.example")
    core.archive(cid)
    path = tmp_path / "dora.vcf"
    path.write_text(vcf("FN:Dora Old\nEMAIL:dora@old.example"))

    summary = run_import(core, path)

    assert summary.archived == [(cid, "Dora Old")]
    shown = summary.lines(limit=5)[1:]  # what the TUI's import popup lists under its own headline
    assert any("archived" in line and "relterm restore" in line for line in shown)
    assert any("Dora Old" in line for line in shown)


def test_names_from_the_file_reach_the_terminal_without_control_characters(db_path, tmp_path, run_cli):
    path = tmp_path / "evil\x1b]0;owned\x07name.vcf"
    path.write_text(vcf("FN:Ok", "FN:Broken\nEMAIL;TYPE=\"unclosed:x@y"))

    done = run_cli("import", str(path), env={"RELTERM_DB": str(db_path)})

    assert done.code == 0, done
    assert "skipped 1" in done.out
    assert "\x1b" not in done.out and "\x07" not in done.out
