"""Dates are held to one range (1900-01-01 to the end of next year) and to the calendar, wherever
they come from: the command line, forms, imports. What happened cannot be dated after today.
Today is frozen at 2026-11-23 (conftest)."""

from __future__ import annotations

import pytest

from relterm import dates
from relterm.errors import InputError


@pytest.mark.parametrize("text", ["9999-12-31", "0001-01-01", "1899-12-31", "2028-01-01", "10000 years ago",
                                  "99999999999 days ago", "1" * 5000 + " days ago"])
def test_parse_date_refuses_dates_out_of_range(text):
    with pytest.raises(InputError, match="out of range"):
        dates.parse_date(text)


def test_parse_date_accepts_the_edges_of_the_range():
    assert dates.parse_date("1900-01-01").isoformat() == "1900-01-01"
    assert dates.parse_date("2027-12-31").isoformat() == "2027-12-31"


def test_a_past_date_cannot_be_after_today():
    assert dates.parse_date("2026-11-23", past=True).isoformat() == "2026-11-23"
    with pytest.raises(InputError, match="after today"):
        dates.parse_date("tomorrow", past=True)


@pytest.mark.parametrize("text, stored", [("--02-29", "--02-29"), ("--0415", "--04-15"), ("19850415", "1985-04-15"),
                                          ("1604-04-15", "--04-15"), ("2000-02-29", "2000-02-29")])
def test_birthdays_in_every_exchanged_form(text, stored):
    assert dates.parse_birthday(text) == stored


@pytest.mark.parametrize("text", ["--02-30", "--13-01", "9999-12-31", "1850-01-01", "2001-02-29", "2027-01-01",
                                  "--٠٢-٠١", "soon"])
def test_birthdays_that_are_no_real_past_date_are_refused(text):
    with pytest.raises(InputError):
        dates.parse_birthday(text)


def test_cli_refuses_a_log_date_out_of_range_and_the_list_still_works(run_cli):
    assert run_cli("add", "Ann Lee").code == 0
    result = run_cli("log", "Ann", "--date", "9999-12-31")
    assert result.code == 2
    assert "out of range" in result.err and "Traceback" not in result.err
    assert len(result.err.strip().splitlines()) == 1
    future = run_cli("log", "Ann", "--date", "2026-11-24")
    assert future.code == 2 and "after today" in future.err
    ago = run_cli("log", "Ann", "--date", "10000 years ago")
    assert ago.code == 2 and "Traceback" not in ago.err
    listed = run_cli("list")
    assert listed.code == 0, listed
    assert "never" in listed.out  # nothing was logged


@pytest.mark.parametrize("birthday", ["9999-12-31", "--02-30"])
def test_cli_refuses_impossible_birthdays(run_cli, birthday):
    result = run_cli("add", "Ann Lee", "--birthday", birthday)
    assert result.code == 2 and "birthday" in result.err and "Traceback" not in result.err
    assert run_cli("list", "--json").json() == []


def test_cli_keeps_a_yearless_29_february(run_cli):
    assert run_cli("add", "Ann Lee", "--birthday", "--02-29").code == 0
    assert run_cli("show", "Ann", "--json").json()["birthday"] == "--02-29"
    assert run_cli("export", "--format", "ics").code == 0


def test_edit_refuses_a_birthday_out_of_range(run_cli):
    run_cli("add", "Ann Lee")
    result = run_cli("edit", "Ann", "--birthday", "9999-12-31")
    assert result.code == 2 and "out of range" in result.err
    assert run_cli("show", "Ann", "--json").json()["birthday"] is None


def test_core_refuses_a_birthday_out_of_range_from_any_caller(core):
    cid = core.add_contact("Ann Lee")
    with pytest.raises(InputError):
        core.edit_contact(cid, birthday="9999-12-31")
    with pytest.raises(InputError):
        core.add_contact("Bob", birthday="--02-30")
    assert core.card(cid).birthday is None


def test_linkedin_connected_on_out_of_range_is_left_out(run_cli, tmp_path):
    csv = tmp_path / "Connections.csv"
    csv.write_text("First Name,Last Name,URL,Email Address,Company,Position,Connected On\n"
                   "Ann,Lee,https://x/ann,ann@example.com,Acme,CEO,31 Dec 9999\n"
                   "Bob,Ray,https://x/bob,bob@example.com,Acme,CTO,01 Dec 2026\n"
                   "Cy,Day,https://x/cy,cy@example.com,Acme,CFO,01 Oct 2026\n", encoding="utf-8")
    result = run_cli("import", str(csv))
    assert result.code == 0, result
    assert "out of range" in result.out + result.err
    assert "after today" in result.out + result.err
    listed = run_cli("list", "--json")
    assert listed.code == 0, listed
    last = {row["name"]: row["last_interaction"] for row in listed.json()}
    assert last == {"Ann Lee": None, "Bob Ray": None, "Cy Day": "2026-10-01"}
    assert run_cli("export", "--format", "ics").code == 0


def test_vcard_bday_and_anniversary_out_of_range_are_left_out(run_cli, tmp_path):
    card = tmp_path / "x.vcf"
    card.write_text("BEGIN:VCARD\r\nVERSION:4.0\r\nFN:Ann Lee\r\nBDAY:99991231\r\nANNIVERSARY:--0230\r\nEND:VCARD\r\n"
                    "BEGIN:VCARD\r\nVERSION:4.0\r\nFN:Bob Ray\r\nBDAY:--0229\r\nANNIVERSARY:20100612\r\nEND:VCARD\r\n",
                    encoding="utf-8")
    result = run_cli("import", str(card))
    assert result.code == 0, result
    ann = run_cli("show", "Ann", "--json").json()
    assert ann["birthday"] is None and ann["details"] == []
    bob = run_cli("show", "Bob", "--json").json()
    assert bob["birthday"] == "--02-29"
    assert {"kind": "other", "label": "anniversary", "value": "2010-06-12"} in bob["details"]


def test_csv_import_checks_birthdays_and_dates(run_cli, tmp_path):
    csv = tmp_path / "c.csv"
    csv.write_text("name,uid,sphere,tags,details,introduced_by_uid,birthday,review_due,cadence_days\n"
                   f"Ann Lee,u1,business,,,,9999-12-31,9999-01-01,{10**30}\n"
                   "Bob Ray,u2,business,,,,--02-29,2027-01-05,30\n", encoding="utf-8")
    result = run_cli("import", "--format", "relterm-csv", str(csv))
    assert result.code == 0, result
    people = {p["name"]: p for p in run_cli("list", "--json").json()}
    assert set(people) == {"Ann Lee", "Bob Ray"}
    ann = run_cli("show", "Ann", "--json").json()
    assert ann["birthday"] is None and ann["review_due"] is None and ann["cadence_days"] is None
    bob = run_cli("show", "Bob", "--json").json()
    assert bob["birthday"] == "--02-29" and bob["review_due"] == "2027-01-05" and bob["cadence_days"] == 30
    assert run_cli("due").code == 0
