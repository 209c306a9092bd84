"""Wording: an empty archive says so, counts of one are singular, the README names the palette's command."""

from __future__ import annotations

from pathlib import Path

from relterm.intel.suggest import counted

ROOT = Path(__file__).resolve().parent.parent


def test_an_empty_archive_says_so_without_suggesting_add(run_cli):
    assert run_cli("add", "Ann").code == 0
    result = run_cli("list", "--archived")
    assert result.code == 0 and result.out.strip() == "No archived contacts."


def test_counts_of_one_are_singular():
    assert counted(1, "in-person meetings") == "1 in-person meeting"
    assert counted(2, "in-person meetings") == "2 in-person meetings"
    assert counted(1, "interactions") == "1 interaction"
    assert counted(1, "referrals exchanged") == "1 referral exchanged"


def test_suggest_says_1_in_person_meeting(core):
    from relterm.intel.suggest import _describe
    from relterm.intel.model import Criterion

    assert _describe((Criterion("in-person meetings", 1, 2),), 90) == ("1 in-person meeting in the last 90 days (needs 2)",)


def test_readme_names_the_theme_command_as_the_palette_does():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    assert '"Change theme"' not in text and '"Theme"' in text
