"""Import behaviour users rely on: merging instead of duplicating, conflicts
reported, bad records skipped with reasons, one transaction, dry runs, the CLI."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from relterm.errors import InputError
from relterm.io import detect_format, run_import


def vcf(*cards: str) -> str:
    return "".join(f"BEGIN:VCARD\r\nVERSION:3.0\r\n{c.strip()}\r\nEND:VCARD\r\n".replace("\n", "\r\n").replace(
        "\r\r\n", "\r\n") for c in cards)


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_same_email_merges_and_fills_empty_fields(core, tmp_path):
    cid = core.add_contact("Ann Lee", email="ann@acme.example", company="Acme")
    path = write(tmp_path, "a.vcf", vcf("FN:Ann Lee\nEMAIL:ANN@acme.example\nTITLE:CTO\nTEL:+1 555 0100\n"
                                        "ORG:Acme\nCATEGORIES:vip"))
    summary = run_import(core, path)
    assert (summary.added, summary.merged, summary.updated) == (0, 1, 1)
    card = core.card(cid)
    assert (card.title, card.phone, card.tags) == ("CTO", "+1 555 0100", ("vip",))
    assert core.count() == 1


def test_same_name_and_company_merges(core, tmp_path):
    cid = core.add_contact("Ann Lee", company="Acme")
    path = write(tmp_path, "a.vcf", vcf("FN:ann lee\nORG:ACME\nEMAIL:ann@acme.example"))
    summary = run_import(core, path)
    assert summary.merged == 1 and core.count() == 1
    assert core.card(cid).email == "ann@acme.example"


def test_same_name_other_company_is_another_person(core, tmp_path):
    core.add_contact("Ann Lee", company="Acme")
    run_import(core, write(tmp_path, "a.vcf", vcf("FN:Ann Lee\nORG:Globex")))
    assert core.count() == 2


def test_a_company_filled_in_by_a_later_record_does_not_split_the_contact_on_reimport(core, tmp_path):
    # The second card brings the company (matched by email); the third, name only, is the same person.
    path = write(tmp_path, "a.vcf", vcf("FN:John Smith\nEMAIL:john@example.org",
                                        "FN:John Smith\nORG:Initech\nEMAIL:john@example.org",
                                        "FN:John Smith\nNOTE:met at the fair"))
    run_import(core, path)
    assert core.count() == 1 and core.card(core.resolve("John")).company == "Initech"
    again = run_import(core, path)
    assert again.added == 0 and core.count() == 1


def test_a_record_without_company_stays_apart_when_several_share_the_name(core, tmp_path):
    core.add_contact("Ann Lee", company="Acme")
    core.add_contact("Ann Lee", company="Globex")
    summary = run_import(core, write(tmp_path, "a.vcf", vcf("FN:Ann Lee")))
    assert summary.added == 1 and core.count() == 3


def test_differing_fields_are_reported_and_kept_unless_update(core, tmp_path):
    cid = core.add_contact("Ann Lee", email="ann@acme.example", title="CTO")
    path = write(tmp_path, "a.vcf", vcf("FN:Ann Lee\nEMAIL:ann@acme.example\nTITLE:CEO"))
    summary = run_import(core, path)
    assert core.card(cid).title == "CTO"
    assert [(c.field, c.kept, c.incoming) for c in summary.conflicts] == [("title", "CTO", "CEO")]
    assert "a.vcf: card 1" in str(summary.conflicts[0])
    summary = run_import(core, path, update=True)
    assert core.card(cid).title == "CEO"
    assert summary.conflicts == []


def test_a_second_email_becomes_a_detail_not_a_conflict(core, tmp_path):
    cid = core.add_contact("Ann Lee", email="ann@acme.example", company="Acme")
    run_import(core, write(tmp_path, "a.vcf", vcf("FN:Ann Lee\nORG:Acme\nEMAIL;TYPE=home:ann@home.example")))
    card = core.card(cid)
    assert card.email == "ann@acme.example"
    assert [(d.kind, d.value) for d in card.details] == [("email", "ann@home.example")]


def test_duplicates_within_one_file_are_merged(core, tmp_path):
    path = write(tmp_path, "a.vcf", vcf("FN:Ann Lee\nEMAIL:ann@acme.example", "FN:Ann Lee\nEMAIL:ann@acme.example\n"
                                        "TEL:+1 555 0100"))
    summary = run_import(core, path)
    assert (summary.added, summary.merged) == (1, 1)
    assert core.card(core.resolve("Ann")).phone == "+1 555 0100"


def test_a_malformed_card_is_skipped_with_file_card_and_line_and_the_rest_import(core, tmp_path):
    text = vcf("FN:One\nEMAIL:one@example.org", "FN:Two\nthis is not a property", "FN:Three")
    summary = run_import(core, write(tmp_path, "cards.vcf", text))
    assert (summary.added, summary.skipped) == (2, 1)
    problem = summary.problems[0]
    assert "cards.vcf: card 2 (line 6)" in problem.where
    assert "this is not a property" in problem.reason
    assert [n for _, n in core.names()] == ["One", "Three"]


def test_a_card_without_any_name_is_skipped(core, tmp_path):
    summary = run_import(core, write(tmp_path, "a.vcf", vcf("NOTE:nobody", "FN:Someone")))
    assert summary.skipped == 1 and "name" in summary.problems[0].reason
    assert summary.added == 1


def test_a_csv_row_with_too_many_cells_is_skipped_with_its_line(core, tmp_path):
    text = ("First Name,Last Name,URL,Email Address,Company,Position,Connected On\n"
            "Ann,Lee,,ann@x.example,Acme,CTO,12 Mar 2024\n"
            "Bad,Row,,b@x.example,Acme,CTO,12 Mar 2024,extra,cells\n"
            "Bo,Ek,,,Globex,,\n")
    summary = run_import(core, write(tmp_path, "Connections.csv", text))
    assert (summary.added, summary.skipped) == (2, 1)
    assert summary.problems[0].where == "Connections.csv: line 3"


def test_control_characters_are_stripped_from_every_field(core, tmp_path):
    text = vcf("FN:Evil\x1b]0;title\x07 Name\nORG:Acme\x1b[2J Corp\nEMAIL:e\x00vil@example.org\nNOTE:a\x1b[31mred")
    run_import(core, write(tmp_path, "a.vcf", text))
    card = core.card(core.resolve("Evil"))
    for value in (card.name, card.company, card.email, card.notes):
        assert not any(ord(ch) < 32 and ch != "\n" for ch in value), repr(value)
    assert card.name == "Evil Name" and card.company == "Acme Corp"


def test_ladder_level_sphere_and_tag_options_apply(core, tmp_path):
    path = write(tmp_path, "a.vcf", vcf("FN:Ann Lee"))
    run_import(core, path, ladder="customer", level="Committed", sphere="friends", tags=["imported", "Phone"])
    card = core.card(core.resolve("Ann"))
    assert card.ranks["customer"] == 2
    assert card.ranks["business"] == 1  # everyone stands on the default ladder too
    assert card.sphere == "friends"
    assert card.tags == ("imported", "phone")


def test_dry_run_writes_nothing(core, tmp_path):
    summary = run_import(core, write(tmp_path, "a.vcf", vcf("FN:Ann Lee", "FN:Bo Ek")), dry_run=True)
    assert summary.added == 2 and summary.dry_run
    assert core.count() == 0
    assert "nothing was written" in "\n".join(summary.lines())


def test_an_error_mid_import_leaves_the_database_as_it_was(core, tmp_path, monkeypatch):
    core.add_contact("Existing", email="e@example.org")
    from relterm.io import importer

    calls = {"n": 0}
    real = importer.Importer.flush

    def failing_flush(self):
        calls["n"] += 1
        real(self)
        if calls["n"] == 2:
            raise KeyboardInterrupt

    monkeypatch.setattr(importer, "BATCH", 10)
    monkeypatch.setattr(importer.Importer, "flush", failing_flush)
    cards = [f"FN:Person {i}\nEMAIL:p{i}@example.org" for i in range(50)] + ["FN:Existing\nEMAIL:e@example.org\n"
                                                                              "TITLE:changed"]
    with pytest.raises(KeyboardInterrupt):
        run_import(core, write(tmp_path, "many.vcf", vcf(*cards)))
    assert [n for _, n in core.names()] == ["Existing"]
    assert core.card(core.resolve("Existing")).title == ""


def test_killed_import_leaves_the_database_as_it_was(tmp_path, run_cli):
    """A real process killed in the middle of a large import: the database keeps only what was there."""
    run_cli("add", "Before Import")
    # Small cards, many of them: far more than can be imported in the time before the kill.
    path = tmp_path / "big.vcf"
    path.write_text("".join(f"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Person {i}\r\nEND:VCARD\r\n" for i in range(300_000)))
    proc = subprocess.Popen([sys.executable, "-m", "relterm", "import", str(path)], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, env=dict(os.environ))
    # Killed once its one write transaction is open, however fast or loaded the machine is.
    _wait_for_the_import_to_write(proc, Path(os.environ["RELTERM_DB"]))
    assert proc.poll() is None, "the import finished before it could be interrupted; make the file bigger"
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    listed = run_cli("list", "--json")
    assert [c["name"] for c in listed.json()] == ["Before Import"]
    # Nothing of the import stays behind: the process reading the file beside it goes too.
    deadline = time.monotonic() + 15
    while _processes_reading(path) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert _processes_reading(path) == []


def _write_lock_held(db: Path) -> bool:
    """Whether another connection holds the database's write lock (a write transaction is open)."""
    con = sqlite3.connect(str(db), timeout=0)
    try:
        con.execute("BEGIN IMMEDIATE")
        con.rollback()
        return False
    except sqlite3.OperationalError:  # "database is locked"
        return True
    finally:
        con.close()


def _wait_for_the_import_to_write(proc: subprocess.Popen, db: Path, timeout: float = 60) -> None:
    """Until the import holds the write lock, and still holds it a moment later (its transaction, not a
    passing write of the start-up): the kill then lands in the middle of the import."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and proc.poll() is None:
        if _write_lock_held(db):
            time.sleep(0.2)
            if _write_lock_held(db):
                return
        time.sleep(0.02)
    raise AssertionError("the import never held the write lock while running")


def _processes_reading(path: Path) -> list[int]:
    """Processes whose command line names ``path`` (Linux's /proc; elsewhere none are found)."""
    found = []
    for entry in Path("/proc").glob("[0-9]*"):
        try:
            if str(path).encode() in (entry / "cmdline").read_bytes():
                found.append(int(entry.name))
        except OSError:
            continue
    return found


def test_photos_are_skipped_and_counted(core, tmp_path):
    text = vcf("FN:Pic\nPHOTO;ENCODING=b;TYPE=JPEG:/9j/4AAQ\n bad-base64!!\nEMAIL:pic@example.org")
    summary = run_import(core, write(tmp_path, "a.vcf", text))
    assert (summary.added, summary.photos_skipped) == (1, 1)
    assert core.card(core.resolve("Pic")).email == "pic@example.org"


def test_year_less_birthdays_never_become_1604(core, tmp_path):
    text = vcf("FN:A\nBDAY;X-APPLE-OMIT-YEAR=1604:1604-04-15", "FN:B\nBDAY:--0415", "FN:C\nBDAY:--04-15",
               "FN:D\nBDAY:19850415", "FN:E\nBDAY:1985-04-15T00:00:00Z")
    run_import(core, write(tmp_path, "a.vcf", text))
    birthdays = {n: core.card(cid).birthday for cid, n in core.names()}
    assert birthdays == {"A": "--04-15", "B": "--04-15", "C": "--04-15", "D": "1985-04-15", "E": "1985-04-15"}


def test_introducer_later_in_the_file_is_linked(core, tmp_path):
    text = vcf("FN:New Person\nRELATED;TYPE=x-introduced-by:urn:uuid:intro-1", "FN:Introducer\nUID:intro-1")
    run_import(core, write(tmp_path, "a.vcf", text))
    assert core.card(core.resolve("New Person")).introduced_by == "Introducer"


def test_detect_format(tmp_path):
    assert detect_format(write(tmp_path, "x.txt", vcf("FN:A"))) == "vcard"
    assert detect_format(write(tmp_path, "g.csv", "First Name,Last Name,Labels,E-mail 1 - Value\n")) == "google-csv"
    assert detect_format(write(tmp_path, "l.csv", "Notes:\n\"blah, blah\"\n\nFirst Name,Last Name,URL,"
                                                  "Email Address,Company,Position,Connected On\n")) == "linkedin-csv"
    assert detect_format(write(tmp_path, "b.json", '{"format": "relterm-backup", "version": 1}')) == "json"
    with pytest.raises(InputError, match="--format"):
        detect_format(write(tmp_path, "n.csv", "a,b,c\n1,2,3\n"))


def test_progress_callback_reports_done_and_total(core, tmp_path):
    seen = []
    cards = [f"FN:P {i}" for i in range(250)]
    run_import(core, write(tmp_path, "a.vcf", vcf(*cards)), progress=lambda done, total: seen.append((done, total)))
    assert seen[-1] == (250, 250)
    assert [d for d, _ in seen] == sorted(d for d, _ in seen)
    assert all(total == 250 for _, total in seen)


def test_cli_import_prints_summary_and_skips_bad_cards(invoke, tmp_path):
    path = write(tmp_path, "a.vcf", vcf("FN:Ann Lee\nEMAIL:ann@x.example", "FN:Broken\nno colon here"))
    result = invoke("import", str(path))
    assert result.code == 0, result
    assert "added 1, merged 0 (0 with changes), skipped 1" in result.out
    assert "card 2 (line 6)" in result.out
    again = invoke("import", str(path))
    assert "added 0, merged 1 (0 with changes), skipped 1" in again.out


def test_cli_import_of_unknown_format_fails_cleanly(invoke, tmp_path):
    result = invoke("import", str(write(tmp_path, "x.csv", "a,b\n1,2\n")))
    assert result.code == 2
    assert result.err.startswith("relterm: ") and "--format" in result.err
    assert "Traceback" not in result.err


def test_cli_import_dry_run(invoke, tmp_path):
    path = write(tmp_path, "a.vcf", vcf("FN:Ann Lee"))
    assert "Dry run" in invoke("import", "--dry-run", str(path)).out
    assert "No contacts yet" in invoke("list").out


def test_long_reports_are_capped_unless_all(invoke, tmp_path):
    cards = [f"FN:P {i}\nBDAY:not a date {i}" for i in range(60)]
    path = write(tmp_path, "a.vcf", vcf(*cards))
    result = invoke("import", "--dry-run", str(path))
    assert "Warnings (60):" in result.out and "... and 10 more" in result.out and "--all" in result.out
    result = invoke("import", "--dry-run", "--all", str(path))
    assert "not a date 59" in result.out and "more" not in result.out


def test_a_card_with_a_known_uid_and_a_new_name_is_a_conflict_or_an_update(core, tmp_path):
    cid = core.add_contact("Ann Lee", uid="ann-1")
    path = write(tmp_path, "a.vcf", vcf("FN:Ann Lee-Smith\nUID:ann-1"))
    summary = run_import(core, path)
    assert core.card(cid).name == "Ann Lee" and [c.field for c in summary.conflicts] == ["name"]
    run_import(core, path, update=True)
    assert core.card(cid).name == "Ann Lee-Smith" and core.count() == 1
    # The sort key follows the new name: the list's order and lookups by name find her under it.
    assert core.contact_record(cid).sort_key == "ann lee-smith" and core.resolve("ann lee-smith") == cid


def test_name_case_differences_are_not_conflicts(core, tmp_path):
    core.add_contact("Ann Lee", company="Acme")
    summary = run_import(core, write(tmp_path, "a.vcf", vcf("FN:ANN LEE\nORG:Acme")))
    assert summary.merged == 1 and summary.conflicts == []


GOOGLE_HEADER = ("First Name,Last Name,Organization Name,Birthday,Labels,E-mail 1 - Label,E-mail 1 - Value,"
                 "E-mail 2 - Label,E-mail 2 - Value,Phone 1 - Label,Phone 1 - Value\n")
GOOGLE_ROWS = (
    "Ann,Lee,Acme,1980-02-30,* myContacts ::: vip,* Work,ann@acme.example,Home,ann@home.example,Mobile,+1 555 0100\n"
    ",,,,,,,,,,\n"
    "Ann,Lee,Acme,,Friends,,ANN@acme.example,,,Work,+1 555 0199\n"
    "Bo,Ek,Globex,--04-15,,,bo@globex.example,,,,\n"
    ",,,,,,,,,,\n"
    "Cy,\x1b[2JTwo,Initech,bad,x ::: y,,cy@initech.example,,,,\n"
    "Zed\n"
    "Bad,Row,,,,,,,,,,extra\n"
)


def _contents(core) -> list:
    cards = [core.card(cid) for cid, _ in core.names()]
    return [(c.name, c.company, c.email, c.phone, c.birthday, c.tags, c.details, c.ranks, len(core.timeline(c.id)))
            for c in cards]


def test_a_file_read_in_a_second_process_imports_exactly_as_in_one(core, tmp_path, monkeypatch):
    """Large files are read and checked in a forked process; what lands in the database and the summary
    (merges, warnings, skipped rows, in file order) is the same as reading in the importing process."""
    import relterm.io as relterm_io
    from relterm import store
    from relterm.config import load_config
    from relterm.core import Core
    from relterm.io import importer

    if not importer._Reader.available():
        pytest.skip("this platform cannot fork, or has one core")
    path = write(tmp_path, "contacts.csv", GOOGLE_HEADER + GOOGLE_ROWS * 3)
    core.add_contact("Bo Ek", company="Globex", tags=["old"])
    used = []
    real_batches = importer._Reader.batches
    monkeypatch.setattr(importer._Reader, "batches", lambda self: used.append(1) or real_batches(self))
    monkeypatch.setattr(relterm_io, "APART_BYTES", 1)
    apart = run_import(core, path)
    apart_contents = _contents(core)
    assert used, "the second process was not used"
    store.close_database()

    monkeypatch.setattr(relterm_io, "APART_BYTES", 1 << 40)
    here = Core(tmp_path / "here.db", load_config())
    here.add_contact("Bo Ek", company="Globex", tags=["old"])
    together = run_import(here, path)
    assert len(used) == 1
    assert apart.lines(None) == together.lines(None)
    # Ann, Cy and Zed added; Bo merged with the contact already there; repeats merged; extra cells skipped.
    assert (apart.added, apart.merged, apart.skipped) == (3, 12, 3)
    assert [w.split(": ")[1] for w in apart.warnings] == ["line 2", "line 7", "line 10", "line 15", "line 18", "line 23"]
    assert apart_contents == _contents(here)


def test_a_failure_while_reading_in_a_second_process_writes_nothing(core, tmp_path, monkeypatch):
    import multiprocessing

    import relterm.io as relterm_io
    from relterm.io import importer

    if not importer._Reader.available():
        pytest.skip("this platform cannot fork, or has one core")
    monkeypatch.setattr(relterm_io, "APART_BYTES", 1)
    core.add_contact("Existing")
    path = write(tmp_path, "contacts.csv", "just,some,cells\n1,2,3\n")
    with pytest.raises(InputError, match="no header row"):
        run_import(core, path, format="google-csv")
    # Interrupted while writing: rolled back, and the reading process is gone.
    calls = {"n": 0}
    real_take = importer.Importer.take

    def interrupted(self, *args):
        calls["n"] += 1
        if calls["n"] == 5:
            raise KeyboardInterrupt
        real_take(self, *args)

    monkeypatch.setattr(importer, "BATCH", 2)
    monkeypatch.setattr(importer.Importer, "take", interrupted)
    with pytest.raises(KeyboardInterrupt):
        run_import(core, write(tmp_path, "more.csv", GOOGLE_HEADER + GOOGLE_ROWS * 5))
    assert [n for _, n in core.names()] == ["Existing"]
    assert multiprocessing.active_children() == []


def test_a_process_running_other_threads_reads_in_the_importing_process(core, tmp_path, monkeypatch):
    """Forking a process with other threads (the TUI's workers) can leave the child stuck on a lock one of
    them held: there the file is read in-process, with the same result."""
    import threading

    import relterm.io as relterm_io
    from relterm.io import importer

    monkeypatch.setattr(relterm_io, "APART_BYTES", 1)
    stop = threading.Event()
    other = threading.Thread(target=stop.wait, daemon=True)
    other.start()
    try:
        assert not importer._Reader.available()
        monkeypatch.setattr(importer._Reader, "__init__", lambda *args: pytest.fail("a reading process was started"))
        summary = run_import(core, write(tmp_path, "contacts.csv", GOOGLE_HEADER + GOOGLE_ROWS))
    finally:
        stop.set()
        other.join()
    assert (summary.added, summary.skipped) == (4, 1)


def test_garbage_collection_resumes_after_an_import_even_a_failed_one(core, tmp_path):
    """Imports pause the cyclic collector while they run; afterwards the app must collect as before."""
    import gc

    assert gc.isenabled()
    run_import(core, write(tmp_path, "contacts.csv", GOOGLE_HEADER + GOOGLE_ROWS))
    assert gc.isenabled()
    with pytest.raises(InputError):
        run_import(core, write(tmp_path, "broken.csv", "just,some,cells\n1,2,3\n"), format="google-csv")
    assert gc.isenabled()
    gc.disable()  # paused by someone else: an import leaves it paused
    try:
        run_import(core, write(tmp_path, "again.csv", GOOGLE_HEADER + GOOGLE_ROWS))
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_a_google_column_without_a_name_is_never_read_as_a_missing_part(core, tmp_path):
    """A trailing comma gives the header an unnamed column; a phone or organisation group lacking its
    Value or Name part must still read as empty, not as that column's cell."""
    path = write(tmp_path, "g.csv", "First Name,Labels,Phone 1 - Label,Organization 1 - Title,\nAnn,,Mobile,,stray\n")
    summary = run_import(core, path, format="google-csv")
    assert summary.added == 1
    card = core.card(core.resolve("Ann"))
    assert (card.phone, card.company) == ("", "")
    assert "stray" not in [d.value for d in card.details]
