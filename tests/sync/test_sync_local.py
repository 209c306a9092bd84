"""`relterm sync` without a server (use_vdirsyncer=False): fast checks of what the engine does
with the vdirs on its own, on a real temporary database."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from relterm.sync import Settings, SyncPaths, run_sync, setup


@pytest.fixture
def synced(core, tmp_path):
    paths = SyncPaths.for_database(core.db_path, tmp_path / "config")
    setup(paths, "http://127.0.0.1:9/unused/")
    return paths


def sync(core, paths: SyncPaths, **kw):
    return run_sync(core, paths, Settings(), use_vdirsyncer=False, **kw)


def snapshot(directory: Path) -> dict:
    return {p.name: (p.read_bytes(), os.stat(p).st_mtime_ns) for p in sorted(directory.iterdir())}


def test_agenda_file_edited_in_the_calendar_is_written_back_and_others_kept(core, synced):
    core.add_contact("Ann Lee", cadence_days=10, date="2026-11-01")
    core.add_contact("Bob Ray", cadence_days=10, date="2026-11-02")
    first = sync(core, synced)
    assert first.counts["agenda_written"] == 2
    files = sorted(synced.agenda.glob("*.ics"))
    ann = next(p for p in files if "Ann Lee" in p.read_text())
    original = ann.read_bytes()
    ann.write_bytes(original.replace(b"Keep in touch: Ann Lee", b"Keep in touch: Ann L."))
    before = snapshot(synced.agenda)

    again = sync(core, synced)

    assert again.counts["agenda_written"] == 1  # the calendar side is one way: relterm's text comes back
    assert ann.read_bytes() == original
    after = snapshot(synced.agenda)
    others = [name for name in before if name != ann.name]
    assert others and all(after[name] == before[name] for name in others)  # bytes and mtime untouched


def test_second_sync_with_nothing_changed_rewrites_no_file(core, synced):
    for n in range(5):
        core.add_contact(f"Person {n}", email=f"p{n}@example.org", cadence_days=7, date="2026-11-01")
    sync(core, synced)
    before = snapshot(synced.contacts), snapshot(synced.agenda)
    report = sync(core, synced)
    assert report.counts["written"] == 0 and report.counts["agenda_written"] == 0
    assert (snapshot(synced.contacts), snapshot(synced.agenda)) == before


# Bad input from the server side: reported, skipped, the database untouched, retried next time -----------


def db_snapshot(core) -> tuple:
    return (core.db.execute_sql("SELECT * FROM contact ORDER BY id").fetchall(),
            core.db.execute_sql("SELECT * FROM contact_detail ORDER BY id").fetchall(),
            core.db.execute_sql("SELECT * FROM event ORDER BY id").fetchall())


@pytest.fixture
def ann(core, synced):
    """Ann Lee synced once: (contact id, her card file)."""
    cid = core.add_contact("Ann Lee", company="ACME", email="ann@example.org")
    sync(core, synced)
    (card,) = synced.contacts.glob("*.vcf")
    return cid, card


def test_malformed_cards_are_skipped_and_read_again_once_fixed(core, synced, ann):
    cid, card = ann
    good = card.read_bytes().decode()
    card.write_text(good.replace("END:VCARD\r\n", "").replace("ORG:ACME", "ORG:Phone Co"))  # cut short
    (synced.contacts / "new.vcf").write_text("BEGIN:VCARD\r\nVERSION:3.0\r\nUID:new-1\r\nEND:VCARD\r\n")  # no name
    before = db_snapshot(core)

    report = sync(core, synced)

    assert len(report.problems) == 2, report.problems
    assert any(card.name in p for p in report.problems) and any("new.vcf: the card has no name" in p
                                                                 for p in report.problems)
    assert db_snapshot(core) == before
    assert "ORG:Phone Co" in card.read_text()  # the phone's file is not overwritten either

    card.write_text(good.replace("ORG:ACME", "ORG:Phone Co"))
    (synced.contacts / "new.vcf").write_text(
        "BEGIN:VCARD\r\nVERSION:3.0\r\nUID:new-1\r\nFN:Cy Dee\r\nEND:VCARD\r\n")
    report = sync(core, synced)
    assert report.problems == []
    assert core.contact_record(cid).company == "Phone Co"  # the edit the broken file held comes through
    names = [row[0] for row in core.db.execute_sql("SELECT name FROM contact ORDER BY id")]
    assert names == ["Ann Lee", "Cy Dee"]


def test_a_card_with_another_cards_uid_is_skipped_until_it_has_its_own(core, synced, ann):
    cid, card = ann
    twin = synced.contacts / "twin.vcf"
    # Another person (her own email) whose card carries Ann's UID.
    twin.write_text(card.read_text().replace("FN:Ann Lee", "FN:Ann Twin").replace("ORG:ACME", "ORG:Twin Co")
                    .replace("ann@example.org", "twin@example.org"))
    before, ann_card = db_snapshot(core), card.read_bytes()

    report = sync(core, synced)

    assert [p for p in report.problems if p.startswith("twin.vcf: its UID") and card.name in p], report.problems
    assert db_snapshot(core) == before
    assert card.read_bytes() == ann_card and twin.exists()

    again = sync(core, synced)  # still there: still reported, still nothing changed
    assert len(again.problems) == 1 and db_snapshot(core) == before

    uid_line = next(line for line in twin.read_text().splitlines() if line.startswith("UID:"))
    twin.write_text(twin.read_text().replace(uid_line, "UID:twin-own-uid"))
    fixed = sync(core, synced)
    assert fixed.problems == []
    names = [row[0] for row in core.db.execute_sql("SELECT name FROM contact ORDER BY id")]
    assert names == ["Ann Lee", "Ann Twin"]


def test_an_unreadable_card_is_skipped_not_taken_for_deleted(core, synced, ann):
    cid, card = ann
    good = card.read_text()
    card.unlink()
    # A file whose read fails (EIO), also for root, who may read any mode: /proc/self/mem at offset 0.
    card.symlink_to("/proc/self/mem")
    before = db_snapshot(core)

    report = sync(core, synced)

    assert [p for p in report.problems if p.startswith(f"{card.name}: cannot read")], report.problems
    assert db_snapshot(core) == before  # not archived, not changed
    assert card.is_symlink()

    card.unlink()
    card.write_text(good.replace("ORG:ACME", "ORG:Phone Co"))
    report = sync(core, synced)
    assert report.problems == []
    record = core.contact_record(cid)
    assert record.company == "Phone Co" and record.archived_at is None


def test_a_card_turned_into_a_dangling_link_does_not_archive_its_contact(core, synced, ann):
    cid, card = ann
    card.unlink()
    card.symlink_to(card.parent / "nowhere.vcf")
    before = db_snapshot(core)
    report = sync(core, synced)
    assert [p for p in report.problems if p.startswith(f"{card.name}: cannot read")], report.problems
    assert db_snapshot(core) == before and core.contact_record(cid).archived_at is None


def test_a_relterm_change_to_a_field_or_a_detail_reaches_the_card(core, synced):
    cid = core.add_contact("Ann Lee", company="ACME", email="ann@example.org",
                           details=[("email", "work", "ann@work.example")])
    sync(core, synced)
    (card,) = synced.contacts.glob("*.vcf")
    assert sync(core, synced).counts["written"] == 0

    core.edit_contact(cid, company="Initech")
    assert sync(core, synced).counts["written"] == 1
    assert "ORG:Initech" in card.read_text()

    # A detail row changed by another writer (nothing on the contact row itself moves).
    with core.db.atomic():
        core.db.execute_sql("UPDATE contact_detail SET value = 'ann@new.example' WHERE value = 'ann@work.example'")
    assert sync(core, synced).counts["written"] == 1
    text = card.read_text()
    assert "ann@new.example" in text and "ann@work.example" not in text


def test_the_profile_link_syncs_both_ways(core, synced):
    cid = core.add_contact("Ann Lee", url="https://ann.example.org")
    sync(core, synced)
    (card,) = synced.contacts.glob("*.vcf")
    assert "URL;TYPE=pref:https://ann.example.org" in card.read_text()

    card.write_text(card.read_text().replace("https://ann.example.org", "https://ann.example.com"))
    report = sync(core, synced)
    assert "Ann Lee: profile link updated from the phone" in report.lines
    assert core.contact_record(cid).url == "https://ann.example.com"

    core.edit_contact(cid, url="https://linkedin.example/in/ann")
    assert sync(core, synced).counts["written"] == 1
    text = card.read_text()
    assert "URL;TYPE=pref:https://linkedin.example/in/ann" in text and "ann.example.com" not in text
    assert sync(core, synced).counts["written"] == 0


def test_a_new_card_from_the_phone_brings_its_profile_link(core, synced):
    (synced.contacts / "new.vcf").write_text("BEGIN:VCARD\r\nVERSION:3.0\r\nUID:new-1\r\nFN:Cy Dee\r\n"
                                             "URL:https://cy.example\r\nEND:VCARD\r\n")
    sync(core, synced)
    cid = core.resolve("Cy Dee")
    assert core.contact_record(cid).url == "https://cy.example"


def test_a_name_changed_on_the_phone_is_found_and_sorted_under_the_new_name(core, synced, ann):
    cid, card = ann
    card.write_text(card.read_text().replace("FN:Ann Lee", "FN:Élise Lee").replace("N:Lee;Ann", "N:Lee;Élise"))
    sync(core, synced)
    assert core.contact_record(cid).name == "Élise Lee"
    assert core.contact_record(cid).sort_key == "elise lee"
    assert core.resolve("élise lee") == cid and core.resolve("ÉLISE LEE") == cid
