"""A card from the phone for someone relterm already has (the server's cards arriving after the first sync
wrote relterm's): linked by email or phone, merged field by field, and one card left for the person."""

from __future__ import annotations

import json
import shutil

import pytest

from relterm.sync import Settings, SyncPaths, run_sync, setup


@pytest.fixture
def synced(core, tmp_path):
    paths = SyncPaths.for_database(core.db_path, tmp_path / "config")
    setup(paths, "http://127.0.0.1:9/unused/")
    return paths


def sync(core, paths: SyncPaths, **kw):
    return run_sync(core, paths, Settings(), use_vdirsyncer=False, **kw)


def phone_card(paths: SyncPaths, name: str, uid: str, *lines: str):
    path = paths.contacts / f"{uid}.vcf"
    path.write_text("\r\n".join(["BEGIN:VCARD", "VERSION:3.0", f"UID:{uid}", f"FN:{name}", *lines, "END:VCARD"])
                    + "\r\n")
    return path


def names(core) -> list[str]:
    return [row[0] for row in core.db.execute_sql("SELECT name FROM contact ORDER BY id")]


def timeline(core, cid) -> list[str]:
    return [row[0] for row in core.db.execute_sql("SELECT summary FROM event WHERE contact_id = ?", (cid,))]


def test_a_server_card_for_a_known_person_replaces_relterms_card_after_the_first_sync(core, synced):
    ann = core.add_contact("Ann Lee", company="ACME", title="CEO", phone="+1 (555) 010-0100")
    sync(core, synced)  # relterm writes a card for Ann before anything came down
    (ours,) = synced.contacts.glob("*.vcf")
    # vdirsyncer brings down the card the server already held: same number written another way.
    theirs = phone_card(synced, "Ann Lee", "server-ann", "TEL;TYPE=cell:555 010 0100", "TITLE:CTO",
                        "EMAIL:ann@example.org", "NICKNAME:Annie")

    report = sync(core, synced)

    assert names(core) == ["Ann Lee"]
    assert report.counts["linked"] == 1 and report.counts["added"] == 0
    assert any(f"card {ours.name} removed" in line for line in report.lines), report.lines
    assert list(synced.contacts.glob("*.vcf")) == [theirs]  # one card for Ann: the phone's
    record = core.contact_record(ann)
    assert record.company == "ACME" and record.email == "ann@example.org"  # both sides' fields
    assert record.title == "CEO" and record.phone == "+1 (555) 010-0100"  # relterm wins; no second phone
    assert any("CTO" in note and "conflict" in note for note in timeline(core, ann))  # the loser is kept
    text = theirs.read_text()
    assert "UID:server-ann" in text and "ORG:ACME" in text and "TITLE:CEO" in text
    assert "NICKNAME:Annie" in text  # what relterm does not manage stays on the phone's card
    state = json.loads(synced.state_file.read_text())
    assert list(state["cards"]) == [theirs.name] and state["cards"][theirs.name]["cid"] == ann
    again = sync(core, synced)
    assert again.counts["written"] == 0 and again.counts["linked"] == 0 and len(list(synced.contacts.glob("*"))) == 1


def test_a_card_matching_several_contacts_is_added_and_reported(core, synced):
    core.add_contact("Ann Lee", email="ann@example.org")
    core.add_contact("Bob Ray", phone="+1 555 010 0100")
    sync(core, synced)
    phone_card(synced, "A. Lee", "both", "EMAIL:ANN@example.org", "TEL:5550100100")

    report = sync(core, synced)

    assert names(core) == ["Ann Lee", "Bob Ray", "A. Lee"]
    line = next(line for line in report.lines if line.startswith("new contact A. Lee"))
    assert "matches 2 contacts" in line and "Ann Lee" in line and "Bob Ray" in line
    assert report.counts["ambiguous"] == 1
    assert len(list(synced.contacts.glob("*.vcf"))) == 3  # nobody's card was removed


def test_a_sync_killed_after_replacing_the_card_does_not_archive_the_contact(core, synced):
    ann = core.add_contact("Ann Lee", email="ann@example.org")
    sync(core, synced)
    before = synced.state_file.read_bytes()
    theirs = phone_card(synced, "Ann Lee", "server-ann", "EMAIL:ann@example.org", "TITLE:CTO")
    sync(core, synced)
    synced.state_file.write_bytes(before)  # killed after the files, before the state was saved

    report = sync(core, synced)

    assert report.counts["archived"] == 0
    assert core.contact_record(ann).archived_at is None and names(core) == ["Ann Lee"]
    assert list(synced.contacts.glob("*.vcf")) == [theirs]
    assert list(json.loads(synced.state_file.read_text())["cards"]) == [theirs.name]


def test_a_dry_run_says_the_card_would_be_replaced_and_touches_nothing(core, synced):
    core.add_contact("Ann Lee", email="ann@example.org")
    sync(core, synced)
    phone_card(synced, "Ann Lee", "server-ann", "EMAIL:ann@example.org")
    files = sorted(p.name for p in synced.contacts.glob("*.vcf"))
    report = sync(core, synced, dry_run=True)
    assert any("removed" in line for line in report.lines) and report.counts["linked"] == 1
    assert sorted(p.name for p in synced.contacts.glob("*.vcf")) == files
