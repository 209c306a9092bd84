"""Every client tells the same truth about when a person is due.

For a database with varied histories (never contacted, contacted before and
after being added, notes only, overrides, no cadence, the customer ladder,
snoozes), at several frozen dates, and for every contact: the TUI card's
keep-in-touch date, the list's marker, `show --json`'s due_on and health, the
agenda's entry and the ICS export's keep-in-touch event agree. This is what
keeps each rule in one place (relterm.rules).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import subprocess
import sys

import pytest
from icalendar import Calendar

from relterm.store import Contact
from relterm.tui.data import health_state
from relterm.tui.widgets.card import ContactCard
from relterm.tui.widgets.contact_list import ContactList

from .helpers import press, settle, started

# name, rank, cadence override, date added, interactions (date, kind)
HISTORIES = [
    ("Never Contacted", 1, None, "2026-11-20", []),
    ("Old Friend", 4, None, "2026-03-01", [("2026-06-01", "coffee")]),
    ("Before Added", 4, None, "2026-11-01", [("2024-05-05", "social")]),  # history older than relterm
    ("Notes Only", 5, None, "2026-09-01", [("2026-11-20", "note"), ("2026-11-21", "review")]),
    ("Weekly Override", 2, 7, "2026-10-01", [("2026-11-10", "call")]),
    ("No Cadence", 0, None, "2026-01-01", []),
    ("Cadence Off", 5, 0, "2026-01-01", []),
    ("Due Soon", 6, None, "2026-10-01", [("2026-11-05", "meal")]),
    ("Customer Ladder", 3, None, "2026-08-01", [("2026-10-01", "email")]),
    ("Snoozed One", 5, None, "2026-06-01", [("2026-09-01", "call")]),
]
DATES = ["2026-11-23", "2026-12-20"]


def _cli(*args, today):
    env = dict(os.environ, RELTERM_TODAY=today)
    proc = subprocess.run([sys.executable, "-m", "relterm", *args], capture_output=True, text=True, env=env,
                          timeout=120)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


@pytest.fixture
def histories(core):
    ids = {}
    for name, rank, override, added, events in HISTORIES:
        cid = core.add_contact(name, level=rank, cadence_days=override, date=added)
        if name == "Customer Ladder":
            core.change_level(cid, ladder="customer", to=2, reason="bought", date="2026-09-01")
        for day, kind in events:
            core.log(cid, kind, f"{kind} with {name}", date=day)
        ids[name] = cid
    core.intel.snooze(ids["Snoozed One"], 10, item="keep-in-touch", today=dt.date(2026, 11, 23))
    return ids


def _card_due(app) -> str | None:
    text = app.main_screen.query_one(ContactCard).plain
    match = re.search(r"Keep in touch  (\S+)", text)
    assert match, text
    return None if match.group(1) == "no" else match.group(1)


@pytest.mark.parametrize("today", DATES)
async def test_card_list_show_agenda_and_ics_agree(histories, make_app, core, tmp_path, monkeypatch, today):
    monkeypatch.setenv("RELTERM_TODAY", today)
    day = dt.date.fromisoformat(today)
    assert Contact.select().count() == len(HISTORIES)
    # The command line and the calendar.
    shown = {name: json.loads(_cli("show", name, "--json", today=today)) for name in histories}
    listed = {row["name"]: row for row in json.loads(_cli("list", "--json", today=today))}
    agenda = {item["name"]: item for item in json.loads(_cli("due", "--json", today=today))["items"]
              if item["item"] == "keep-in-touch"}
    ics_path = tmp_path / f"due-{today}.ics"
    _cli("export", "--format", "ics", "-o", str(ics_path), today=today)
    ics = {}
    for event in Calendar.from_ical(ics_path.read_bytes()).walk("VEVENT"):
        summary = str(event["SUMMARY"])
        if summary.startswith("Keep in touch: "):
            ics[summary[len("Keep in touch: "):]] = event["DTSTART"].dt.isoformat()
    # The full-screen app, driven by keys.
    card_due, marker = {}, {}
    app = make_app()
    async with started(app, (120, 40)) as pilot:
        contact_list = app.main_screen.query_one(ContactList)
        await press(pilot, "g")
        for _ in range(len(HISTORIES)):
            await settle(pilot)
            row = contact_list.selected
            card_due[row.name] = _card_due(app)
            marker[row.name] = health_state(contact_list._urgency.get(row.id))
            await press(pilot, "j")
    assert set(card_due) == set(histories)

    for name in histories:
        s = shown[name]
        assert listed[name]["due_on"] == s["due_on"] and listed[name]["health"] == s["health"], name
        assert card_due[name] == s["due_on"], name
        assert ics.get(name) == (max(s["due_on"], s["snoozed_until"] or "") if s["due_on"] else None), name
        snoozed = s["snoozed_until"] is not None
        needs = s["health"] in ("due", "overdue") and not snoozed
        assert (name in agenda) == needs, name
        if needs:
            assert agenda[name]["due_on"] == s["due_on"] and agenda[name]["status"] == s["health"], name
        expected_marker = "snoozed" if snoozed and s["health"] in ("due", "overdue") else s["health"]
        assert marker[name] == expected_marker, name
        if s["due_on"]:
            assert s["days_over"] == (day - dt.date.fromisoformat(s["due_on"])).days, name

    # The cases the rules exist for.
    assert shown["Never Contacted"]["due_on"] == "2027-05-19"  # added + 180 days, not "today"
    assert shown["Before Added"]["due_on"] == "2026-12-16"  # added + 45: history before relterm does not count
    assert shown["Notes Only"]["last_interaction"] is None  # a note and a review are not contact
    assert shown["No Cadence"]["health"] == "none" and shown["Cadence Off"]["health"] == "none"
    # The customer ladder has its own cadences, but keep-in-touch follows the default ladder.
    assert shown["Customer Ladder"]["due_on"] == "2026-11-30"  # 1 October + 60 (Conversant), not its customer rung
