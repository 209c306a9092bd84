"""`relterm export --format vdir -o DIR` touches only the cards it wrote there: it keeps
single-file exports, other programs' and other databases' cards, the directory's mode,
and gives every UID a file name of its own inside DIR (real processes)."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest

from relterm import store
from relterm.config import load_config
from relterm.core import Core
from relterm.io.common import safe_file_stem

from .protect_helpers import fill, look


def with_core(path: Path, work) -> None:
    store.close_database()
    core = Core(path, load_config())
    try:
        work(core)
    finally:
        core.close()
        store.close_database()


def cards(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.suffix == ".vcf")


FOREIGN = ("BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Kept Friend\r\nUID:friend\r\n"
           "X-RELTERM-SPHERE:friends\r\nEND:VCARD\r\n")  # mentions X-RELTERM- but relterm did not write it here


def test_a_full_export_removes_only_the_cards_this_database_wrote(db_path, tmp_path, run_cli):
    fill(db_path, 3)
    other = tmp_path / "other.db"
    with_core(other, lambda core: [core.add_contact(f"Other {n}", uid=f"other-{n}") for n in range(2)])
    book = tmp_path / "book"
    book.mkdir()
    (book / "friend.vcf").write_bytes(FOREIGN.encode())
    assert run_cli("export", "--format", "vcard", "-o", str(book / "all.vcf")).code == 0
    assert run_cli("--db", str(other), "export", "--format", "vdir", "-o", str(book)).code == 0
    assert run_cli("export", "--format", "vdir", "-o", str(book)).code == 0
    assert cards(book) == ["all.vcf", "friend.vcf", "other-0.vcf", "other-1.vcf",
                           "person-0.vcf", "person-1.vcf", "person-2.vcf"]

    with_core(db_path, lambda core: core.archive(core.resolve("Person 0")))
    result = run_cli("export", "--format", "vdir", "-o", str(book))
    assert result.code == 0, result
    assert cards(book) == ["all.vcf", "friend.vcf", "other-0.vcf", "other-1.vcf", "person-1.vcf", "person-2.vcf"]
    assert (book / "friend.vcf").read_bytes() == FOREIGN.encode()
    assert (book / "all.vcf").read_text().count("BEGIN:VCARD") == 3
    state = json.loads((book / ".relterm-vdir.json").read_text())
    assert state["databases"][os.path.realpath(db_path)] == ["person-1.vcf", "person-2.vcf"]
    assert state["databases"][os.path.realpath(other)] == ["other-0.vcf", "other-1.vcf"]
    assert stat.S_IMODE((book / ".relterm-vdir.json").stat().st_mode) == 0o600


def test_a_vdir_without_a_record_loses_nothing(db_path, tmp_path, run_cli):
    """A directory exported by an older relterm (no record yet): nothing is pruned the first time."""
    fill(db_path, 2)
    book = tmp_path / "book"
    book.mkdir()
    old_card = (book / "archived-long-ago.vcf")
    old_card.write_text(FOREIGN.replace("friend", "archived-long-ago"))
    assert run_cli("export", "--format", "vdir", "-o", str(book)).code == 0
    assert old_card.exists()


@pytest.mark.parametrize("mode", [0o1777, 0o755, 0o2770], ids=["1777", "755", "2770"])
def test_an_existing_directory_keeps_its_mode(db_path, tmp_path, run_cli, mode):
    fill(db_path, 2)
    book = tmp_path / "book"
    book.mkdir()
    book.chmod(mode)
    assert run_cli("export", "--format", "vdir", "-o", str(book)).code == 0
    assert stat.S_IMODE(book.stat().st_mode) == mode
    assert cards(book) == ["person-0.vcf", "person-1.vcf"]


def test_directories_relterm_creates_are_private(db_path, tmp_path, run_cli):
    fill(db_path, 1)
    book = tmp_path / "new" / "book"
    assert run_cli("export", "--format", "vdir", "-o", str(book)).code == 0
    assert stat.S_IMODE(book.stat().st_mode) == 0o700
    assert stat.S_IMODE(book.parent.stat().st_mode) == 0o700
    for path in book.iterdir():
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path


def test_every_uid_gets_a_file_of_its_own_inside_the_directory(db_path, tmp_path, run_cli):
    long_a, long_b = "u" * 130 + "-first", "u" * 130 + "-second"
    uids = [long_a, long_b, "../escape", "a/b", "a_b", ".hidden", "..", "/etc/passwd", "x-0123456789",
            safe_file_stem("a/b"), "plain"]
    assert len(set(uids)) == len(uids)

    def add(core):
        for n, uid in enumerate(uids):
            core.add_contact(f"Person {n}", uid=uid)

    with_core(db_path, add)
    book = tmp_path / "box" / "book"
    result = run_cli("export", "--format", "vdir", "-o", str(book))
    assert result.code == 0, result
    names = cards(book)
    assert len(names) == len(uids), names
    assert all(len(name) <= 130 for name in names)
    assert "plain.vcf" in names and "a_b.vcf" in names
    assert sorted(p.name for p in (tmp_path / "box").iterdir()) == ["book"]  # nothing escaped
    uids_in_files = set()
    for name in names:
        text = (book / name).read_bytes().decode().replace("\r\n ", "")  # unfold long lines
        uids_in_files.add(next(line[4:] for line in text.splitlines() if line.startswith("UID:")))
    assert len(uids_in_files) == len(uids)


def test_a_tampered_record_cannot_remove_files_outside_the_directory(db_path, tmp_path, run_cli):
    fill(db_path, 1)
    book = tmp_path / "book"
    book.mkdir()
    victim = tmp_path / "victim.vcf"
    victim.write_bytes(FOREIGN.encode())
    (book / ".relterm-vdir.json").write_text(json.dumps({"format": "relterm-vdir", "version": 1, "databases": {
        os.path.realpath(db_path): ["../victim.vcf", str(victim), "sub/../../victim.vcf", 7, None]}}))
    assert run_cli("export", "--format", "vdir", "-o", str(book)).code == 0
    assert victim.read_bytes() == FOREIGN.encode()
    assert cards(book) == ["person-0.vcf"]


def test_a_card_that_is_a_symlink_is_replaced_not_followed(db_path, tmp_path, run_cli):
    fill(db_path, 1)
    book = tmp_path / "book"
    book.mkdir()
    victim = tmp_path / "victim.txt"
    victim.write_text("precious\n")
    (book / "person-0.vcf").symlink_to(victim)
    assert run_cli("export", "--format", "vdir", "-o", str(book)).code == 0
    assert victim.read_text() == "precious\n"
    assert not (book / "person-0.vcf").is_symlink()
    assert "UID:person-0" in (book / "person-0.vcf").read_text()


def test_vdir_export_onto_the_database_is_refused(db_path, run_cli):
    fill(db_path, 3)
    result = run_cli("export", "--format", "vdir", "-o", str(db_path))
    assert result.code == 2 and "database itself" in result.err, result
    assert look(db_path)[:2] == ("ok", 3)
