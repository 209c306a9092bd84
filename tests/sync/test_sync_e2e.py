"""`relterm sync` end to end: a real Radicale server on 127.0.0.1, real vdirsyncer runs between
relterm's vdirs and the server, and between the server and a plain vdir standing in for a phone."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.process

radicale = pytest.importorskip("radicale")
pytest.importorskip("vdirsyncer")
VDIRSYNCER = str(Path(sys.executable).with_name("vdirsyncer"))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """One Radicale for the module (each test has its own user and collections); stopped at the end,
    also when a test fails."""
    storage = tmp_path_factory.mktemp("radicale")
    port = _free_port()
    log = open(storage / "server.log", "wb")
    proc = subprocess.Popen(
        [sys.executable, "-m", "radicale", "--server-hosts", f"127.0.0.1:{port}",
         "--storage-filesystem-folder", str(storage / "data"), "--auth-type", "none",
         "--logging-level", "warning"],
        stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 15
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("radicale did not start: " + (storage / "server.log").read_text())
                time.sleep(0.05)
        yield {"port": port, "root": storage / "data" / "collection-root"}
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()


class Phone:
    """A plain vdir synced with the same server collection by its own vdirsyncer config."""

    def __init__(self, base: Path, url: str):
        self.dir = base / "phone"
        self.dir.mkdir()
        self.config = base / "phone.conf"
        self.config.write_text(
            f'[general]\nstatus_path = "{base}/phone-status/"\n'
            '[pair phone]\na = "phone_local"\nb = "phone_remote"\ncollections = null\n'
            'conflict_resolution = "a wins"\n'
            f'[storage phone_local]\ntype = "filesystem"\npath = "{self.dir}/"\nfileext = ".vcf"\n'
            f'[storage phone_remote]\ntype = "carddav"\nurl = "{url}"\nusername = "{url.split("/")[3]}"\n'
            'password = "x"\n')
        self.discovered = False

    def sync(self) -> None:
        steps = [] if self.discovered else [["discover"]]
        for step in steps + [["sync"]]:
            proc = subprocess.run([VDIRSYNCER, "-c", str(self.config), *step], capture_output=True, text=True,
                                  timeout=60, stdin=subprocess.DEVNULL)
            assert proc.returncode == 0, proc.stderr
        self.discovered = True

    def card(self, name: str) -> Path:
        found = [p for p in self.dir.glob("*.vcf")
                 if name in [line[3:] for line in p.read_bytes().decode().splitlines() if line.startswith("FN:")]]
        assert len(found) == 1, (name, [p.read_text() for p in self.dir.glob("*.vcf")])
        return found[0]

    def names(self) -> set[str]:
        return {line[3:].strip() for p in self.dir.glob("*.vcf") for line in p.read_text().splitlines()
                if line.startswith("FN:")}

    def edit(self, name: str, old: str, new: str) -> None:
        path = self.card(name)
        text = path.read_bytes().decode()
        assert old in text, text
        newline = "\r\n" if "\r\n" in text else "\n"
        path.write_bytes(text.replace(old, new.replace("\r\n", newline)).encode())


_users = iter(range(10_000))


@pytest.fixture
def world(server, tmp_path, run_cli):
    user = f"user{next(_users)}"
    for name, tag in (("contacts", "VADDRESSBOOK"), ("agenda", "VCALENDAR")):
        folder = server["root"] / user / name
        folder.mkdir(parents=True)
        (folder / ".Radicale.props").write_text(json.dumps({"tag": tag}))
    base = f"http://127.0.0.1:{server['port']}/{user}"

    class World:
        contacts_url = f"{base}/contacts/"
        calendar_url = f"{base}/agenda/"
        server_contacts = server["root"] / user / "contacts"
        server_agenda = server["root"] / user / "agenda"
        sync_dir = tmp_path / "relterm-sync"
        phone = Phone(tmp_path, contacts_url)

        @staticmethod
        def cli(*args, ok=True):
            result = run_cli(*args)
            if ok:
                assert result.code == 0, result
            return result

        def init(self):
            self.cli("sync", "init", "--url", self.contacts_url, "--calendar-url", self.calendar_url,
                     "--username", user)

    return World()


def show(world, name) -> dict:
    return world.cli("show", name, "--json").json()


def server_cards(world) -> dict[str, str]:
    return {p.name: p.read_text() for p in world.server_contacts.glob("*.vcf")}


def snapshot(*dirs: Path) -> dict:
    return {str(p): (p.stat().st_mtime_ns, p.read_bytes()) for d in dirs for p in sorted(d.glob("*")) if p.is_file()}


def test_first_sync_up_then_phone_edit_comes_down(world):
    world.cli("add", "Ann Lee", "--company", "ACME", "--email", "ann@example.org", "--phone", "+1 555 0100")
    world.cli("add", "Bob Ray", "--title", "CFO")
    world.init()
    out = world.cli("sync").out
    assert "2 cards written" in out, out
    assert len(server_cards(world)) == 2
    world.phone.sync()
    assert world.phone.names() == {"Ann Lee", "Bob Ray"}

    world.phone.edit("Ann Lee", "+1 555 0100", "+1 555 0199")
    world.phone.sync()
    out = world.cli("sync").out
    assert "Ann Lee: phones updated from the phone" in out, out
    card = show(world, "Ann Lee")
    assert card["phone"] == "+1 555 0199"
    assert card["company"] == "ACME"  # untouched fields stay
    assert any("Updated from your phone" in e["summary"] for e in card["timeline"])


def test_relterm_edit_goes_up_and_phone_extras_survive(world):
    world.cli("add", "Ann Lee", "--company", "ACME")
    world.init()
    world.cli("sync")
    world.phone.sync()
    # The phone adds a property relterm does not manage (kept by relterm's rewrite) and a link, which is
    # the standard profile link field: it comes down, and a relterm edit of it goes up.
    world.phone.edit("Ann Lee", "END:VCARD", "NICKNAME:Annie\r\nURL:https://ann.example.org\r\nEND:VCARD")
    world.phone.sync()
    world.cli("sync")
    assert show(world, "Ann Lee")["url"] == "https://ann.example.org"
    world.cli("edit", "Ann Lee", "--company", "Initech", "--title", "CTO", "--url", "https://ann.example.com")
    world.cli("sync")
    world.phone.sync()
    text = world.phone.card("Ann Lee").read_text()
    assert "ORG:Initech" in text and "TITLE:CTO" in text
    assert "NICKNAME:Annie" in text
    assert "URL;TYPE=pref:https://ann.example.com" in text and "ann.example.org" not in text


def test_both_sides_edit_different_fields_and_the_same_field(world):
    world.cli("add", "Ann Lee", "--company", "ACME", "--phone", "+1 555 0100")
    world.init()
    world.cli("sync")
    world.phone.sync()
    world.phone.edit("Ann Lee", "+1 555 0100", "+1 555 0199")
    world.phone.edit("Ann Lee", "ORG:ACME", "ORG:Globex")
    world.phone.sync()
    world.cli("edit", "Ann Lee", "--company", "Initech", "--title", "CTO")
    out = world.cli("sync").out
    assert "company changed on both sides" in out, out
    card = show(world, "Ann Lee")
    assert card["phone"] == "+1 555 0199"  # the phone's field
    assert card["title"] == "CTO"  # relterm's field
    assert card["company"] == "Initech"  # the same field: relterm wins by default
    notes = [e["summary"] for e in card["timeline"]]
    assert any("Globex" in n and "conflict" in n for n in notes), notes  # the losing value is kept
    world.phone.sync()
    text = world.phone.card("Ann Lee").read_text()
    assert "ORG:Initech" in text and "TITLE:CTO" in text and "+1 555 0199" in text


def test_phone_wins_when_configured(world):
    world.cli("add", "Ann Lee", "--company", "ACME")
    world.init()
    world.cli("sync")
    world.phone.sync()
    world.phone.edit("Ann Lee", "ORG:ACME", "ORG:Globex")
    world.phone.sync()
    world.cli("edit", "Ann Lee", "--company", "Initech")
    world.cli("sync", "--prefer", "phone")
    card = show(world, "Ann Lee")
    assert card["company"] == "Globex"
    assert any("Initech" in e["summary"] for e in card["timeline"])


def test_card_created_and_card_deleted_on_the_phone(world):
    world.cli("add", "Ann Lee", "--email", "ann@example.org")
    world.cli("add", "Bob Ray")
    world.init()
    world.cli("sync")
    world.phone.sync()
    (world.phone.dir / "carl-on-phone.vcf").write_text(
        "BEGIN:VCARD\r\nVERSION:3.0\r\nUID:carl-on-phone\r\nFN:Carl New\r\nN:New;Carl;;;\r\n"
        "TEL;TYPE=cell:+44 20 7946 0000\r\nEND:VCARD\r\n")
    # The same person typed again on the phone: linked by email, not added twice.
    world.phone.card("Bob Ray").unlink()
    world.phone.sync()
    out = world.cli("sync").out
    assert "new contact Carl New" in out and "Bob Ray archived" in out, out
    carl = show(world, "Carl New")
    assert carl["phone"] == "+44 20 7946 0000"
    assert carl["level"] == 1  # the ladder's new-contact rank
    assert any("from your phone" in e["summary"] for e in carl["timeline"])
    listed = {row["name"] for row in world.cli("list", "--json").json()}
    assert listed == {"Ann Lee", "Carl New"}
    bob = world.cli("list", "--archived", "--json").json()
    assert [row["name"] for row in bob] == ["Bob Ray"]  # archived, history kept
    # restore brings the contact back, and the next sync its card.
    world.cli("restore", "Bob Ray")
    world.cli("sync")
    world.phone.sync()
    assert world.phone.names() == {"Ann Lee", "Bob Ray", "Carl New"}


def test_new_phone_card_with_a_known_email_is_linked(world):
    world.cli("add", "Ann Lee", "--email", "ann@example.org", "--company", "ACME")
    world.init()
    (world.sync_dir / "contacts" / "typed-on-phone.vcf").write_text(
        "BEGIN:VCARD\r\nVERSION:3.0\r\nUID:typed-on-phone\r\nFN:Ann Lee\r\nEMAIL:ann@example.org\r\n"
        "TITLE:CTO\r\nEND:VCARD\r\n")
    out = world.cli("sync", "--no-vdirsyncer").out
    assert "linked to Ann Lee" in out, out
    assert len(world.cli("list", "--json").json()) == 1
    assert show(world, "Ann Lee")["title"] == "CTO"
    assert len(list((world.sync_dir / "contacts").glob("*.vcf"))) == 1  # no second card for Ann


def test_first_sync_with_a_server_that_already_has_the_person_leaves_one_contact_and_one_card(world):
    # The phone (and so the server) already knows Ann, under its own UID, with her number written its way.
    world.phone.sync()
    (world.phone.dir / "ann-on-phone.vcf").write_text(
        "BEGIN:VCARD\r\nVERSION:3.0\r\nUID:ann-on-phone\r\nFN:Ann Lee\r\nN:Lee;Ann;;;\r\n"
        "TEL;TYPE=cell:555 010 0100\r\nTITLE:CTO\r\nNICKNAME:Annie\r\nEND:VCARD\r\n")
    world.phone.sync()
    world.cli("add", "Ann Lee", "--company", "ACME", "--phone", "+1 (555) 010-0100", "--title", "CEO")
    world.cli("add", "Bob Ray")
    world.init()

    out = world.cli("sync").out

    assert "linked to Ann Lee" in out and "removed: Ann Lee's card from the phone" in out, out
    assert sorted(row["name"] for row in world.cli("list", "--json").json()) == ["Ann Lee", "Bob Ray"]
    ann_cards = [text for text in server_cards(world).values() if "FN:Ann Lee" in text]
    assert len(ann_cards) == 1 and len(server_cards(world)) == 2, server_cards(world)
    assert "UID:ann-on-phone" in ann_cards[0] and "ORG:ACME" in ann_cards[0]  # the phone's card, merged
    card = show(world, "Ann Lee")
    assert card["title"] == "CEO" and card["phone"] == "+1 (555) 010-0100"  # relterm wins, one number
    assert any("CTO" in e["summary"] for e in card["timeline"])  # the phone's title is kept as a note
    world.phone.sync()
    assert sorted(world.phone.names()) == ["Ann Lee", "Bob Ray"]
    text = world.phone.card("Ann Lee").read_text()
    assert "ORG:ACME" in text and "NICKNAME:Annie" in text
    assert "0 cards written" in world.cli("sync").out  # settled


def test_agenda_item_moves_and_disappears(world):
    world.cli("add", "Ann Lee", "--cadence", "10", "--since", "2026-11-01")
    world.cli("log", "Ann Lee", "-k", "call", "-d", "2026-11-10")  # due 2026-11-20: overdue, shown today
    world.init()
    world.cli("sync")
    events = list(world.server_agenda.glob("*.ics"))
    assert len(events) == 1
    text = events[0].read_text()
    assert "DTSTART;VALUE=DATE:20261123" in text and "BEGIN:VALARM" in text and "Keep in touch: Ann Lee" in text
    uid = [line for line in text.splitlines() if line.startswith("UID:")][0]

    world.cli("log", "Ann Lee", "-k", "call")  # done today: next due 2026-12-03
    world.cli("sync")
    events = list(world.server_agenda.glob("*.ics"))
    assert len(events) == 1
    text = events[0].read_text()
    assert "DTSTART;VALUE=DATE:20261203" in text, text
    assert uid in text  # the same event, moved

    world.cli("snooze", "Ann Lee", "60")  # snoozed past the window: gone from the calendar
    world.cli("sync")
    assert list(world.server_agenda.glob("*.ics")) == []
    assert list((world.sync_dir / "agenda").glob("*.ics")) == []


def test_unchanged_second_sync_writes_nothing(world):
    world.cli("add", "Ann Lee", "--company", "ACME", "--birthday", "--12-01")
    world.cli("add", "Bob Ray", "--email", "bob@example.org")
    world.init()
    world.cli("sync")
    world.phone.sync()
    world.phone.edit("Bob Ray", "END:VCARD", "NICKNAME:Bobby\r\nEND:VCARD")
    world.phone.sync()
    world.cli("sync")
    before = snapshot(world.sync_dir / "contacts", world.sync_dir / "agenda", world.server_contacts,
                      world.server_agenda)
    assert len(before) >= 5
    time.sleep(0.05)
    out = world.cli("sync").out
    assert "0 cards written" in out and "agenda: 0 written, 0 removed" in out, out
    after = snapshot(world.sync_dir / "contacts", world.sync_dir / "agenda", world.server_contacts,
                     world.server_agenda)
    assert after == before  # bytes and mtimes, on relterm's side and on the server


def test_sync_killed_midway_then_rerun(world):
    lines = []
    for n in range(300):
        lines += ["BEGIN:VCARD", "VERSION:3.0", f"UID:person-{n}", f"FN:Person {n}",
                  f"EMAIL:p{n}@example.org", "END:VCARD"]
    source = world.sync_dir.parent / "many.vcf"
    source.write_text("\r\n".join(lines) + "\r\n")
    world.cli("import", str(source))
    world.init()
    env = dict(os.environ)
    proc = subprocess.Popen([sys.executable, "-m", "relterm", "sync", "--no-vdirsyncer"], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    contacts_dir = world.sync_dir / "contacts"
    deadline = time.monotonic() + 30
    while proc.poll() is None and time.monotonic() < deadline:
        if any(contacts_dir.glob("*.vcf")):
            proc.send_signal(signal.SIGKILL)
            break
        time.sleep(0.001)
    proc.wait(30)
    # Rerun: finishes the job, with no duplicate contact or card.
    world.cli("sync")
    cards = list(contacts_dir.glob("*.vcf"))
    assert len(cards) == 300
    uids = [line for p in cards for line in p.read_text().splitlines() if line.startswith("UID:")]
    assert len(set(uids)) == 300
    assert len(world.cli("list", "--json").json()) == 300
    assert len(server_cards(world)) == 300
    before = snapshot(contacts_dir)
    out = world.cli("sync").out
    assert "0 cards written" in out and "added" in out, out
    assert snapshot(contacts_dir) == before


def test_bad_cards_from_the_server_are_reported_and_skipped(world):
    world.cli("add", "Ann Lee")
    world.init()
    world.cli("sync")
    contacts = world.sync_dir / "contacts"
    ann = next(contacts.glob("*.vcf")).read_text()
    (contacts / "broken.vcf").write_text("BEGIN:VCARD\r\nVERSION:3.0\r\nUID:broken\r\nEND:VCARD\r\n")
    (contacts / "twin.vcf").write_text(ann.replace("FN:Ann Lee", "FN:Ann Twin"))
    result = world.cli("sync", "--no-vdirsyncer")
    assert "broken.vcf: the card has no name; skipped" in result.err
    assert "twin.vcf: its UID" in result.err
    assert [row["name"] for row in world.cli("list", "--json").json()] == ["Ann Lee"]


def test_dry_run_and_status(world):
    world.cli("add", "Ann Lee")
    world.init()
    before = snapshot(world.sync_dir / "contacts")
    out = world.cli("sync", "--dry-run").out
    assert "would: card written for Ann Lee" in out
    assert snapshot(world.sync_dir / "contacts") == before == {}
    world.cli("sync")
    status = world.cli("sync", "--status", "--json").json()
    assert status["last_sync"] and status["cards"] == 1 and status["waiting_for_upload"] == 0
    again = world.cli("sync", "init", "--url", world.contacts_url, ok=False)
    assert again.code == 2 and "--force" in again.err and "Traceback" not in again.err
