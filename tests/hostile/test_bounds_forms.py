"""The TUI forms hold typed numbers and dates to the same bounds as the CLI and the core."""

from __future__ import annotations

import re

import pytest

from relterm.tui.modals.base import DAYS_RESTRICT, check_date, check_days_field


@pytest.mark.parametrize("text, days", [("0", 0), ("7", 7), ("3650", 3650), (" 90 ", 90)])
def test_days_fields_take_whole_days_in_range(text, days):
    problems: list[str] = []
    assert check_days_field(text, "days", problems) == days and problems == []


@pytest.mark.parametrize("text", ["3651", "9999", "", "１２", "٣", "-1", "7.5"])
def test_days_fields_refuse_the_rest_with_a_problem(text):
    problems: list[str] = []
    assert check_days_field(text, "every", problems) is None
    assert len(problems) == 1 and problems[0].startswith("every: ")


def test_days_fields_let_only_ascii_digits_be_typed():
    assert re.fullmatch(DAYS_RESTRICT, "3650")
    assert not re.fullmatch(DAYS_RESTRICT, "１２")
    assert not re.fullmatch(DAYS_RESTRICT, "36500")


@pytest.mark.parametrize("text, problem", [("9999-12-31", "out of range"), ("tomorrow", "after today"),
                                           ("10000 years ago", "out of range")])
def test_form_dates_are_in_range_and_not_after_today(text, problem):
    problems: list[str] = []
    assert check_date(text, problems) is None
    assert len(problems) == 1 and problem in problems[0]
    assert check_date("yesterday", []).isoformat() == "2026-11-22"
