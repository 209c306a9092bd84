"""Exports, and round trips through them: relterm -> vCard / vdir / CSV / JSON -> relterm
loses nothing; khard lists the vdir; calendars get stable UIDs."""

from __future__ import annotations

import csv
import io
import json
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest
import vobject
from icalendar import Calendar

from relterm import store
from relterm.config import load_config
from relterm.core import Core
from relterm.errors import InputError
from relterm.io import export, run_import

TABLES = [m._meta.table_name for m in store.MODELS]


def populate(core: Core) -> None:
    """Contacts using every field relterm stores, on both ladders, with a timeline."""
    paul = core.add_contact("Paul Durand", level=5, email="paul@durand.example", uid="paul-uid")
    alice = core.add_contact(
        "Alice Martin", level=4, sphere="friends", company="Martin, Conseil & Fils", title="Partner",
        email="alice@martin.example", phone="+33 6 12 34 56 78", tags=["paris", "vip"], birthday="--02-29",
        notes="Likes long lunches.\nAsk about the vineyard; she said \"soon\".", introduced_by=paul, cadence_days=30, date="2026-10-01",
        details=[("email", "home", "alice@home.example"), ("phone", "work", "+33 1 23 45 67 89"),
                 ("address", "work", "1 rue de la Paix\n75002 Paris\nFrance"), ("url", "blog", "https://a.example"),
                 ("related", "spouse", "Marc"), ("other", "nickname", "Ali"), ("other", "custom label", "x; y, z")],
    )
    core.change_level(alice, ladder="customer", to=3, reason="referred two clients")
    core.edit_contact(alice, review_every_days=90, review_due="2027-01-15", snoozed_until="2026-12-01")
    core.log(alice, "coffee", "coffee at the market", date="2026-11-01")
    core.add_contact("Bo Ek", level=0, sphere="servicer", birthday="1980-12-31", cadence_days=0, to_contact=True,
                     phone="-5 starts with a minus", company="=SUM(A1:A2)", notes="@mention\ttab")
    gone = core.add_contact("Gone Person", email="gone@example.org")
    core.archive(gone)


def card_fields(core: Core) -> dict:
    result = {}
    for cid, name in core.names():
        card = core.card(cid)
        result[name] = {
            "name": card.name, "sphere": card.sphere, "company": card.company, "title": card.title,
            "email": card.email, "phone": card.phone, "birthday": card.birthday, "notes": card.notes,
            "tags": card.tags, "introduced_by": card.introduced_by, "ranks": card.ranks,
            "cadence_days": card.cadence_days, "to_contact": card.to_contact,
            "review_every_days": card.review_every_days, "review_due": card.review_due,
            "snoozed_until": card.snoozed_until, "uid": card.uid,
            "details": sorted((d.kind, d.label, d.value) for d in card.details),
        }
    return result


def fresh_core(path: Path) -> Core:
    store.close_database()
    return Core(path, load_config())


@pytest.fixture
def source(tmp_path):
    core = fresh_core(tmp_path / "source.db")
    populate(core)
    yield core
    store.close_database()


def test_vcard_round_trip_loses_nothing(source, tmp_path):
    before = card_fields(source)
    export(source, "vcard", tmp_path / "all.vcf")
    target = fresh_core(tmp_path / "target.db")
    summary = run_import(target, tmp_path / "all.vcf")
    assert summary.added == 3 and not summary.problems and not summary.warnings
    assert card_fields(target) == before


def test_vdir_round_trip_loses_nothing(source, tmp_path):
    before = card_fields(source)
    export(source, "vdir", tmp_path / "book")
    names = sorted(p.name for p in (tmp_path / "book").iterdir() if p.suffix == ".vcf")
    assert "paul-uid.vcf" in names and len(names) == 3
    target = fresh_core(tmp_path / "target.db")
    run_import(target, tmp_path / "book")
    assert card_fields(target) == before


def test_csv_round_trip_loses_nothing(source, tmp_path):
    before = card_fields(source)
    export(source, "csv", tmp_path / "all.csv")
    target = fresh_core(tmp_path / "target.db")
    summary = run_import(target, tmp_path / "all.csv")
    assert summary.format == "relterm-csv" and summary.added == 3
    assert card_fields(target) == before


def _all_rows(core: Core) -> dict:
    return {t: core.db.execute_sql(f'SELECT * FROM "{t}" ORDER BY rowid').fetchall() for t in TABLES}


def test_json_restores_every_row_of_every_table_exactly(source, tmp_path):
    before = _all_rows(source)
    assert before["event"] and before["contact_detail"] and any(r for r in before["contact"])
    export(source, "json", tmp_path / "backup.json")
    data = json.loads((tmp_path / "backup.json").read_text())
    assert data["format"] == "relterm-backup" and data["version"] == 1
    assert set(data["tables"]) == set(TABLES)
    target = fresh_core(tmp_path / "target.db")
    summary = run_import(target, tmp_path / "backup.json")
    assert summary.format == "json" and summary.added == 4  # the archived contact too
    assert _all_rows(target) == before


def test_json_backup_carries_columns_generically(source, tmp_path):
    data = json.loads(export(source, "json", None)[0])
    for model in store.MODELS:
        assert data["tables"][model._meta.table_name]["columns"] == [f.column_name for f in model._meta.sorted_fields]


def test_json_refuses_a_non_empty_database_unless_replace(source, tmp_path):
    export(source, "json", tmp_path / "backup.json")
    before = _all_rows(source)
    with pytest.raises(InputError, match="--replace"):
        run_import(source, tmp_path / "backup.json")
    source.add_contact("Extra Person")
    run_import(source, tmp_path / "backup.json", replace=True)
    assert _all_rows(source) == before


def test_json_from_a_newer_relterm_is_refused(source, tmp_path):
    data = json.loads(export(source, "json", None)[0])
    data["tables"]["contact"]["columns"].append("from_the_future")
    for row in data["tables"]["contact"]["rows"]:
        row.append(1)
    (tmp_path / "b.json").write_text(json.dumps(data))
    target = fresh_core(tmp_path / "target.db")
    with pytest.raises(InputError, match="newer"):
        run_import(target, tmp_path / "b.json")
    assert target.count() == 0


def test_vobject_rereads_every_exported_card(source, tmp_path):
    text, count = export(source, "vcard", None)
    cards = list(vobject.readComponents(text))
    assert len(cards) == count == 3
    for card in cards:
        assert card.version.value == "3.0"
        assert card.uid.value and card.fn.value


def test_year_less_birthday_is_written_without_1604(source):
    text, _ = export(source, "vcard", None)
    assert "BDAY:--0229" in text
    # Only the birthdays: a UID or a REV timestamp (say 23:16:04) may hold the digits 1604 by chance.
    assert not [line for line in text.splitlines() if line.startswith("BDAY") and "1604" in line]


@pytest.mark.skipif(shutil.which("khard") is None and not (Path(sys.executable).parent / "khard").exists(),
                    reason="khard is a test dependency")
def test_khard_lists_the_exported_vdir(source, tmp_path):
    export(source, "vdir", tmp_path / "book")
    config = tmp_path / "khard.conf"
    config.write_text(f"[addressbooks]\n[[relterm]]\npath = {tmp_path / 'book'}\n\n[general]\n"
                      "default_action = list\neditor = true\nmerge_editor = true\n")
    khard = shutil.which("khard") or str(Path(sys.executable).parent / "khard")
    proc = subprocess.run([khard, "-c", str(config), "list", "--parsable"], capture_output=True, text=True,
                          timeout=60)
    assert proc.returncode == 0, proc.stderr
    listed = {line.split("\t")[1] for line in proc.stdout.splitlines() if line.strip()}
    assert listed == {"Alice Martin", "Bo Ek", "Paul Durand"}
    shown = subprocess.run([khard, "-c", str(config), "show", "--format", "yaml", "uid:paul-uid"],
                           capture_output=True, text=True, timeout=60)
    assert "paul@durand.example" in shown.stdout


def test_exported_files_are_private(source, tmp_path):
    for fmt in ("vcard", "csv", "json", "ics"):
        path = tmp_path / f"out.{fmt}"
        export(source, fmt, path)
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, fmt
    export(source, "vdir", tmp_path / "book")
    assert stat.S_IMODE((tmp_path / "book").stat().st_mode) == 0o700
    for card in (tmp_path / "book").iterdir():
        assert stat.S_IMODE(card.stat().st_mode) == 0o600
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


def test_vdir_needs_an_output_directory(source):
    with pytest.raises(InputError, match="-o"):
        export(source, "vdir", None)


def test_filters_select_like_list(source):
    text, count = export(source, "vcard", None, sphere="friends")
    assert count == 1 and "Alice Martin" in text
    _, count = export(source, "vcard", None, level="Regular")
    assert count == 1
    _, count = export(source, "csv", None, tag="vip")
    assert count == 1


def test_csv_neutralises_formulas_but_keeps_phone_numbers(source):
    text, _ = export(source, "csv", None)
    rows = list(csv.DictReader(io.StringIO(text)))
    bo = next(r for r in rows if r["name"] == "Bo Ek")
    assert bo["company"] == "'=SUM(A1:A2)"
    assert bo["phone"] == "'-5 starts with a minus"
    assert bo["notes"] == "'@mention\ttab"
    alice = next(r for r in rows if r["name"] == "Alice Martin")
    assert alice["phone"] == "'+33 6 12 34 56 78"
    for row in rows:
        for value in row.values():
            assert not (value or "").startswith(("=", "+", "-", "@", "\t", "\r")), value


def test_ics_has_birthdays_keep_in_touch_and_reviews_with_stable_uids(source):
    text, _ = export(source, "ics", None)
    cal = Calendar.from_ical(text)
    events = {str(e["UID"]): e for e in cal.walk("VEVENT")}
    alice_uid = source.card(source.resolve("Alice")).uid
    birthday = events[f"{alice_uid}-birthday@relterm"]
    assert birthday["RRULE"]["BYMONTHDAY"] == [-1] and birthday["RRULE"]["BYMONTH"] == [2]
    assert birthday["DTSTART"].dt.isoformat() == "2000-02-29"
    keep = events[f"{alice_uid}-keep-in-touch@relterm"]
    assert keep["DTSTART"].dt.isoformat() == "2026-12-01"  # 2026-11-01 + 30 days, snoozed until 12-01 anyway
    review = events[f"{alice_uid}-review@relterm"]
    assert review["DTSTART"].dt.isoformat() == "2027-01-15"
    bo_uid = source.card(source.resolve("Bo Ek")).uid
    assert f"{bo_uid}-keep-in-touch@relterm" not in events  # cadence 0: none
    assert events[f"{bo_uid}-birthday@relterm"]["RRULE"]["FREQ"] == ["YEARLY"]
    paul = events["paul-uid-keep-in-touch@relterm"]  # level 5's cadence from the config
    _, lad = source.ladder()
    created = source.card(source.resolve("Paul")).created_at.date()
    import datetime as dt

    assert paul["DTSTART"].dt == created + dt.timedelta(days=lad.level(5).cadence_days)
    again, _ = export(source, "ics", None)
    assert sorted(str(e["UID"]) for e in Calendar.from_ical(again).walk("VEVENT")) == sorted(events)


def test_cli_export_to_stdout_and_to_a_file(source, tmp_path, invoke, monkeypatch):
    monkeypatch.setenv("RELTERM_DB", str(tmp_path / "source.db"))
    store.close_database()
    result = invoke("export", "--format", "vcard")
    assert result.code == 0 and result.out.count("BEGIN:VCARD") == 3
    result = invoke("export", "--format", "json", "-o", str(tmp_path / "b.json"))
    assert result.code == 0 and (tmp_path / "b.json").exists()
    result = invoke("export", "--format", "vdir")
    assert result.code == 2 and "-o" in result.err
    result = invoke("export", "--format", "json", "--tag", "vip")
    assert result.code == 2 and "whole database" in result.err


def test_vdir_re_export_updates_in_place_and_drops_archived_contacts(source, tmp_path):
    book = tmp_path / "book"
    book.mkdir()
    (book / "someone-else.vcf").write_text("BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Kept\r\nUID:x\r\nEND:VCARD\r\n")
    export(source, "vdir", book)
    bo = source.resolve("Bo Ek")
    bo_file = book / f"{source.card(bo).uid}.vcf"
    assert bo_file.exists()
    source.edit_contact(source.resolve("Paul"), title="Mayor")
    source.archive(bo)
    export(source, "vdir", book, tag="vip")  # a filtered export removes nothing
    assert bo_file.exists()
    export(source, "vdir", book)
    assert not bo_file.exists()
    assert (book / "someone-else.vcf").exists()
    assert "TITLE:Mayor" in (book / "paul-uid.vcf").read_text()
    assert len(list(book.glob("*.vcf"))) == 3
