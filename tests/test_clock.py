"""One clock: every "today" and every stored timestamp comes from relterm.clock.

A frozen date (RELTERM_TODAY) must govern archive stamps, edits, new contacts,
logged interactions and reviews alike; otherwise history and agenda disagree
with each other depending on the real date the suite happens to run on.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from relterm import clock
from relterm.store import Contact, Event

FROZEN = dt.date(2026, 11, 23)
PACKAGE = Path(__file__).resolve().parent.parent / "relterm"


@pytest.fixture
def far_real_clock(monkeypatch):
    """The machine's clock reads a date years away from the frozen one."""
    monkeypatch.setattr(clock, "_system_now", lambda: dt.datetime(2031, 7, 14, 9, 30, 15, 123456))


def test_frozen_date_keeps_the_running_time_of_day(far_real_clock):
    assert clock.now() == dt.datetime(2026, 11, 23, 9, 30, 15)
    assert clock.today() == FROZEN
    assert clock.stamp() == "20261123-093015"


def test_without_a_frozen_date_the_real_clock_rules(far_real_clock, monkeypatch):
    monkeypatch.delenv("RELTERM_TODAY")
    assert clock.today() == dt.date(2031, 7, 14)


def test_every_stored_timestamp_follows_the_frozen_date(core, far_real_clock):
    cid = core.add_contact("Ada Lovelace", level=2)
    core.log(cid, "call", "catch-up")
    core.edit_contact(cid, company="Analytical Engines")
    core.archive(cid)
    row = Contact.get_by_id(cid)
    assert row.created_at.date() == FROZEN
    assert row.updated_at.date() == FROZEN
    assert row.archived_at.date() == FROZEN
    for event in Event.select().where(Event.contact == cid):
        assert event.created_at.date() == FROZEN
        assert event.date == FROZEN


def test_only_the_clock_module_reads_the_system_clock():
    pattern = re.compile(r"date\.today\(\)|datetime\.(now|today|utcnow)\(|time\.(time|localtime)\(\)")
    readers = sorted(
        str(path.relative_to(PACKAGE))
        for path in PACKAGE.rglob("*.py")
        if pattern.search(path.read_text(encoding="utf-8"))
    )
    assert readers == ["clock.py"]
