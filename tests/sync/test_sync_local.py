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
