"""How a computed rule reads, in words and in JSON: one wording for every client.

The command line, the full-screen app and the JSON output all describe a
contact's keep-in-touch health with these functions, so "overdue 3d" means the
same thing everywhere. Nothing here decides anything: the values come from
``relterm.rules``.
"""

from __future__ import annotations

from typing import Optional

from .rules import DUE, ON_TRACK, OVERDUE, Health


def health_short(health: Health) -> str:
    """A list cell: "overdue 3d", "due today", "ok (12d left)", with the snooze when one runs; "" without cadence."""
    if health.state == OVERDUE:
        text = f"overdue {health.days_over}d"
    elif health.state == DUE:
        text = "due today"
    elif health.state == ON_TRACK:
        text = f"ok ({-health.days_over}d left)"
    else:
        return ""
    if health.snoozed_until is not None:
        text += f", snoozed to {health.snoozed_until.isoformat()}"
    return text


def keep_in_touch_line(health: Health) -> str:
    """The card's keep-in-touch line: "2026-12-02 (in 10d, every 180d)" or "no cadence"."""
    if health.due_on is None or health.days_over is None:
        return "no cadence"
    over = health.days_over
    when = "today" if over == 0 else (f"in {-over}d" if over < 0 else f"{over}d overdue")
    text = f"{health.due_on.isoformat()} ({when}, every {health.cadence_days}d)"
    if health.snoozed_until is not None:
        text += f"; snoozed to {health.snoozed_until.isoformat()}"
    return text


def health_json(health: Health) -> dict:
    """The health fields of a contact's JSON (``list --json``, ``show --json``)."""
    return {
        "health": health.state,
        "due_on": _iso(health.due_on),
        "days_over": health.days_over,
        "snoozed_until": _iso(health.snoozed_until),
    }


def _iso(day) -> Optional[str]:
    return day.isoformat() if day is not None else None
