"""Hostile vCard files: a card without its END, pathological shapes that used to take
quadratic (or exponential) time, and vdir entries or files that are not regular files."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from relterm.errors import InputError
from relterm.io import run_import
from relterm.io.vcard import read_vcards


def card(*lines: str) -> str:
    return "BEGIN:VCARD\r\nVERSION:3.0\r\n" + "".join(line + "\r\n" for line in lines) + "END:VCARD\r\n"


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8", newline="")
    return path


def names(core) -> list[str]:
    return sorted(row.name for row in core.rows())


# A card without its END:VCARD ----------------------------------------------------------------


def test_a_card_missing_its_end_does_not_swallow_the_cards_after_it(core, tmp_path):
    broken = "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Half Card\r\nEMAIL:half@example.org\r\n"  # no END:VCARD
    valid = "".join(card(f"FN:Person {i}", f"EMAIL:p{i}@example.org") for i in range(6))
    path = write(tmp_path / "cards.vcf", card("FN:First") + broken + valid)

    summary = run_import(core, path)

    assert (summary.added, summary.skipped) == (7, 1)
    assert names(core) == ["First"] + [f"Person {i}" for i in range(6)]
    (problem,) = summary.problems
    assert "card 2 (line 5)" in problem.where
    assert "END:VCARD" in problem.reason and "line 9" in problem.reason


def test_a_file_ending_inside_a_card_reports_that_card(core, tmp_path):
    path = write(tmp_path / "cut.vcf", card("FN:Whole") + "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Cut Short\r\nNOTE:the n")

    summary = run_import(core, path)

    assert (summary.added, summary.skipped) == (1, 1)
    assert names(core) == ["Whole"]
    assert "ends before" in summary.problems[0].reason and "card 2" in summary.problems[0].where


def test_an_agent_card_inside_a_vcard_21_card_is_still_read_as_part_of_it(core, tmp_path):
    text = ("BEGIN:VCARD\r\nVERSION:2.1\r\nFN:Boss\r\nAGENT:\r\nBEGIN:VCARD\r\nVERSION:2.1\r\nFN:Assistant\r\n"
            "END:VCARD\r\nEMAIL:boss@example.org\r\nEND:VCARD\r\n") + card("FN:Next")
    summary = run_import(core, write(tmp_path / "agent.vcf", text))

    assert (summary.added, summary.skipped) == (2, 0)
    assert names(core) == ["Boss", "Next"]


# Shapes that cost more than linear time before --------------------------------------------------
# Each limit is ten times what the shape takes now, and far below what it took before.


def timed(action) -> float:
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def test_one_value_folded_over_many_lines_reads_in_linear_time(tmp_path):
    note = "NOTE:" + "x" * 6_000_000  # 6 MB: 8 s before, 0.2 s now
    folded = "\r\n ".join(note[i:i + 74] for i in range(0, len(note), 74))
    path = write(tmp_path / "fold.vcf", card("FN:Folded", folded))

    records = []
    assert timed(lambda: records.extend(read_vcards(path))) < 3
    assert len(records[0].fields["notes"]) == 6_000_000


def test_quoted_printable_soft_breaks_read_in_linear_time(tmp_path):
    lines = "=\r\n".join("ab" * 35 for _ in range(80_000))  # 5.8 MB: 10 s before
    path = write(tmp_path / "qp.vcf", "BEGIN:VCARD\r\nVERSION:2.1\r\nFN:QP\r\n"
                 f"NOTE;ENCODING=QUOTED-PRINTABLE:{lines}\r\nEND:VCARD\r\n")

    records = []
    assert timed(lambda: records.extend(read_vcards(path))) < 3
    assert len(records[0].fields["notes"]) == 70 * 80_000


def test_200k_categories_import_in_linear_time(core, tmp_path):
    path = write(tmp_path / "tags.vcf", card("FN:Tagged", "CATEGORIES:" + ",".join(f"t{i}" for i in range(200_000))))

    summary = None

    def go():
        nonlocal summary
        summary = run_import(core, path)

    assert timed(go) < 10  # minutes before
    assert summary.added == 1
    assert len(core.card(core.rows()[0].id).tags) == 200_000


def test_40k_emails_in_one_card_import_in_linear_time(core, tmp_path):
    path = write(tmp_path / "emails.vcf",
                 card("FN:Many Mails", *(f"EMAIL;TYPE=work:p{i}@example.org" for i in range(40_000))))

    summary = None

    def go():
        nonlocal summary
        summary = run_import(core, path)

    assert timed(go) < 10  # 38 s before
    assert summary.added == 1
    assert sum(1 for d in core.card(core.rows()[0].id).details if d.kind == "email") == 39_999


def test_a_line_of_many_parameters_without_a_colon_is_reported_at_once(core, tmp_path):
    # vobject's line regex backtracks exponentially here: thirty parameters took minutes.
    path = write(tmp_path / "params.vcf", card("FN:Params", "EMAIL" + ";TYPE=a" * 5000) + card("FN:Fine"))

    summary = None

    def go():
        nonlocal summary
        summary = run_import(core, path)

    assert timed(go) < 3
    assert (summary.added, summary.skipped) == (1, 1)
    assert "no colon" in summary.problems[0].reason


def test_many_parameters_on_a_valid_line_are_read(tmp_path):
    path = write(tmp_path / "p.vcf", card("FN:P", "EMAIL" + ";X-A=b" * 20000 + ';TYPE="we;ird:label",pref:a@b.c'))

    (record,) = read_vcards(path)

    assert record.emails == [("we;ird:label", "a@b.c")]


# Entries that are not regular files ---------------------------------------------------------------


@pytest.fixture
def vdir(tmp_path):
    book = tmp_path / "book"
    book.mkdir()
    write(book / "alice.vcf", card("UID:alice", "FN:Alice"))
    os.mkfifo(book / "pipe.vcf")
    (book / "folder.vcf").mkdir()
    (book / "gone.vcf").symlink_to(tmp_path / "nowhere.vcf")
    (book / "zero.vcf").symlink_to("/dev/zero")  # a device that never ends
    return book


def test_a_vdir_skips_fifos_devices_directories_and_dangling_links(vdir, db_path, run_cli):
    done = run_cli("import", str(vdir), env={"RELTERM_DB": str(db_path)})  # a hang fails on the timeout

    assert done.code == 0, done
    assert "added 1, merged 0 (0 with changes), skipped 4." in done.out
    assert "pipe.vcf: is a FIFO (named pipe), not a file" in done.out
    assert "folder.vcf: is a directory, not a file" in done.out
    assert "gone.vcf: a symbolic link to nothing" in done.out
    assert "zero.vcf: is a device, not a file" in done.out


@pytest.mark.parametrize("kind", ["fifo", "device", "dangling"])
def test_a_single_file_that_is_not_a_regular_file_is_refused_in_one_line(kind, tmp_path, db_path, run_cli):
    path = tmp_path / "contacts.vcf"
    if kind == "fifo":
        os.mkfifo(path)
    elif kind == "device":
        path.symlink_to("/dev/zero")
    else:
        path.symlink_to(tmp_path / "nowhere.vcf")

    for args in (("import", str(path)), ("import", "--format", "vcard", str(path))):
        done = run_cli(*args, env={"RELTERM_DB": str(db_path)})
        assert done.code == 2, done
        assert len(done.err.strip().splitlines()) == 1 and "Traceback" not in done.err
        assert "contacts.vcf" in done.err


@pytest.mark.parametrize("fmt", ["auto", "vcard", "google-csv", "relterm-csv"])
def test_run_import_refuses_a_fifo_without_waiting(core, tmp_path, fmt):
    path = tmp_path / "contacts.vcf"
    os.mkfifo(path)
    with pytest.raises(InputError, match="FIFO"):
        run_import(core, path, format=fmt)
