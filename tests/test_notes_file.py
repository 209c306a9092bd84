"""`relterm edit NAME --notes-file PATH` (or - for standard input): notes longer than one argument may be."""

from __future__ import annotations


def _notes(run_cli, name: str) -> str:
    return run_cli("show", name, "--json").json()["notes"]


def test_notes_file_replaces_notes_longer_than_an_argument_can_be(run_cli, tmp_path):
    run_cli("add", "Ada Lovelace", "--notes", "old")
    # The command line takes at most 128 KiB in one argument: this note could not be passed with --notes.
    text = "Analytical engine, line by line.\n" * 10_000  # 330 KB
    path = tmp_path / "notes.txt"
    path.write_text(text, encoding="utf-8")
    result = run_cli("edit", "Ada Lovelace", "--notes-file", str(path))
    assert result.code == 0, result
    assert "Updated Ada Lovelace" in result.out
    assert _notes(run_cli, "Ada Lovelace") == text.strip()


def test_notes_file_dash_reads_standard_input(run_cli):
    run_cli("add", "Grace Hopper")
    result = run_cli("edit", "Grace Hopper", "--notes-file", "-", input="Compilers.\nNanoseconds: 30 cm of wire.\n")
    assert result.code == 0, result
    assert _notes(run_cli, "Grace Hopper") == "Compilers.\nNanoseconds: 30 cm of wire."


def test_notes_and_notes_file_together_are_refused(run_cli, tmp_path):
    run_cli("add", "Ada Lovelace", "--notes", "old")
    path = tmp_path / "notes.txt"
    path.write_text("new", encoding="utf-8")
    result = run_cli("edit", "Ada Lovelace", "--notes", "typed", "--notes-file", str(path))
    assert result.code == 2
    assert result.err.strip().splitlines() == ["relterm: give --notes or --notes-file, not both; nothing was changed"]
    assert _notes(run_cli, "Ada Lovelace") == "old"
