"""Day counts run from 1 to 3,650 (0 where it means "none"/"clear"), ids of any size are only
"not found", ranks and counts in levels.yaml are bounded, and only ASCII digits make an id."""

from __future__ import annotations

import pytest

from relterm.errors import AmbiguousError, InputError, NotFoundError, RelTermError

HUGE = str(10**30)


@pytest.mark.parametrize("args", [
    ("snooze", "Ann", HUGE), ("snooze", "Ann", "3651"), ("due", "--within", HUGE), ("due", "--within", "3651"),
    ("review", "schedule", "Ann", "--every", HUGE), ("stats", "--days", "3651"),
    ("add", "Bob", "--cadence", HUGE), ("edit", "Ann", "--cadence", "3651"), ("edit", "Ann", "--cadence", "１２"),
    ("snooze", "Ann", "9" * 5000),
])
def test_cli_refuses_day_counts_out_of_range(run_cli, args):
    run_cli("add", "Ann Lee")
    result = run_cli(*args)
    assert result.code == 2, result
    assert "Traceback" not in result.err and "OverflowError" not in result.err
    shown = run_cli("show", "Ann", "--json").json()
    assert shown["cadence_days"] is None and shown["snoozed_until"] is None and shown["review_every_days"] is None
    assert [p["name"] for p in run_cli("list", "--json").json()] == ["Ann Lee"]


def test_the_ranges_are_shown_in_help(run_cli):
    assert "0<=x<=3650" in run_cli("due", "--help").out
    assert "0<=x<=3650" in run_cli("review", "schedule", "--help").out
    assert "1 to 3650" in run_cli("add", "--help").out


def test_the_edges_of_the_ranges_are_accepted(run_cli):
    run_cli("add", "Ann Lee", "--cadence", "3650")
    assert run_cli("snooze", "Ann", "3650").code == 0
    assert run_cli("due", "--within", "3650").code == 0
    assert run_cli("show", "Ann", "--json").json()["cadence_days"] == 3650
    assert run_cli("edit", "Ann", "--cadence", "0").code == 0  # no cadence
    assert run_cli("show", "Ann", "--json").json()["cadence_days"] == 0


def test_core_refuses_day_counts_out_of_range(core):
    cid = core.add_contact("Ann Lee")
    for call in (lambda: core.edit_contact(cid, cadence_days=10**30),
                 lambda: core.edit_contact(cid, review_every_days=3651),
                 lambda: core.edit_contact(cid, cadence_days=True),
                 lambda: core.add_contact("Bob", cadence_days=-1),
                 lambda: core.intel.snooze(cid, 10**30),
                 lambda: core.intel.schedule_review(cid, 10**30),
                 lambda: core.intel.agenda(within=10**30),
                 lambda: core.intel.concentration(within_days=10**30)):
        with pytest.raises(InputError):
            call()
    assert core.card(cid).cadence_days is None


@pytest.mark.parametrize("query", [HUGE, "9" * 5000])
def test_huge_ids_are_not_found(run_cli, query):
    run_cli("add", "Ann Lee")
    for command in (("show", query), ("log", query, "hi"), ("delete", query, "--yes")):
        result = run_cli(*command)
        assert result.code == 2, result
        assert "no contact" in result.err and "Traceback" not in result.err


def test_core_treats_huge_ids_as_missing(core):
    with pytest.raises(NotFoundError):
        core.card(10**30)
    with pytest.raises(NotFoundError):
        core.resolve(HUGE)


def test_a_name_that_is_digits_can_be_chosen(core):
    ann = core.add_contact("Ann Lee")
    two = core.add_contact("2")
    assert two == 2 and core.resolve("2") == 2
    one = core.add_contact("1")
    with pytest.raises(AmbiguousError) as caught:
        core.resolve("1")
    listed = {cid for cid, _ in caught.value.candidates}
    assert listed == {ann, one}
    assert "Ann Lee" in str(caught.value) and "(id 3)" in str(caught.value)


def test_the_cli_says_a_digit_name_is_ambiguous(run_cli):
    run_cli("add", "Ann Lee")
    run_cli("add", "1")
    result = run_cli("show", "1")
    assert result.code == 2
    assert "Ann Lee" in result.err and "1 (id 2)" in result.err


@pytest.mark.parametrize("digits", ["２", "٢", "۲", "𝟐"])
def test_non_ascii_digits_are_names_not_ids(core, digits):
    core.add_contact("Ann Lee")
    core.add_contact("Bob Ray")
    with pytest.raises(NotFoundError):
        core.resolve(digits)
    named = core.add_contact(f"Agent {digits}")
    assert core.resolve(digits) == named


def test_intro_by_digits_follows_the_same_rules(core):
    ann = core.add_contact("Ann Lee")
    core.add_contact("1")
    with pytest.raises(AmbiguousError):
        core.intel.introduce(ann, "1")
    result = core.intel.introduce(ann, "２")  # a new name, not contact 2
    assert result.created and result.name == "２"
    with pytest.raises(RelTermError, match="no contact with id"):
        core.intel.introduce(ann, "#" + HUGE)


@pytest.mark.parametrize("key, value, where", [
    ("cadence_days", "99999999999999999999", "cadence_days"),
    ("cadence_days", "3651", "cadence_days"),
    ("rank", "100000000000000000000", "rank"),
])
def test_levels_yaml_bounds_name_file_line_and_key(run_cli, config_dir, key, value, where):
    from relterm.paths import PACKAGE_DIR

    text = (PACKAGE_DIR / "levels.yaml").read_text(encoding="utf-8")
    lines = text.splitlines()
    index = next(i for i, line in enumerate(lines) if line.strip().removeprefix("- ").startswith(f"{key}:"))
    lines[index] = lines[index].split(":")[0] + f": {value}"
    (config_dir / "levels.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = run_cli("list")
    assert result.code == 2
    assert f"levels.yaml:{index + 1}:" in result.err and where in result.err
    assert "Traceback" not in result.err


def test_a_rank_of_5000_digits_is_refused_not_crashing(core):
    with pytest.raises(InputError):
        core.add_contact("Ann", level="9" * 5000)
    with pytest.raises(InputError):
        core.add_contact("Ann", level="３")
