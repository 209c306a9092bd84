"""How contacts, events and computed rules read, in words and in JSON: one wording for every client.

The command line, the full-screen app and the JSON output all describe a
contact's keep-in-touch health, its timeline and its give/ask ledger with these
functions, so "overdue 3d" means the same thing everywhere. Nothing here
decides or reads anything: the values come from the core and ``relterm.rules``.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Optional, Sequence

from .rules import DUE, LEVEL_CHANGE, ON_TRACK, OVERDUE, Health

if TYPE_CHECKING:
    from .config import Config
    from .domain import Card, ContactRow, TimelineEvent


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


# Contacts and their timeline ------------------------------------------------------------------


def row_json(config: "Config", row: "ContactRow", ranks: dict[str, int], health: Health) -> dict:
    """One list row as JSON (``list --json``); ``ranks`` is the contact's rank on each ladder."""
    return {
        "id": row.id,
        "name": row.name,
        "level": row.rank,
        "level_name": config.ladder.level_name(row.rank),
        "ladders": ranks,
        "sphere": row.sphere,
        "company": row.company,
        "email": row.email,
        "tags": list(row.tags),
        "introduced_by": row.introduced_by,
        "last_interaction": _iso(row.last_interaction),
        "archived": row.archived,
        "to_contact": row.to_contact,
        **health_json(health),
    }


def card_json(config: "Config", card: "Card", timeline: Sequence["TimelineEvent"], health: Health, balance) -> dict:
    """A contact's card, keep-in-touch health, give/ask ledger and timeline as JSON (``show --json``)."""
    rank = card.ranks.get(config.default_ladder)
    return {
        "id": card.id,
        "name": card.name,
        "level": rank,
        "level_name": config.ladder.level_name(rank),
        "ladders": card.ranks,
        "sphere": card.sphere,
        "company": card.company,
        "title": card.title,
        "email": card.email,
        "phone": card.phone,
        "birthday": card.birthday,
        "notes": card.notes,
        "tags": list(card.tags),
        "introduced_by": card.introduced_by,
        "cadence_days": card.cadence_days,
        "last_interaction": _iso(card.last_interaction),
        **health_json(health),
        "review_every_days": card.review_every_days,
        "review_due": _iso(card.review_due),
        "balance": balance_json(balance),
        "archived": card.archived_at is not None,
        "to_contact": card.to_contact,
        "details": [{"kind": d.kind, "label": d.label, "value": d.value} for d in card.details],
        "timeline": [event_json(config, e) for e in timeline],
    }


def balance_json(balance, *, contact: bool = False) -> dict:
    """The give/ask ledger with one contact (an intel ``Balance``) as JSON; with ``contact``, who it is too
    (``balance --json`` lists several; ``show --json`` has it inside the contact's own object)."""
    who = {"id": balance.contact_id, "name": balance.name, "level": balance.rank} if contact else {}
    return {
        **who,
        "referrals_given": balance.referrals_given, "referrals_received": balance.referrals_received,
        "introductions_given": balance.intros_given, "introductions_received": balance.intros_received,
        "given": balance.given, "received": balance.received, "asks": balance.asks, "net": balance.net,
    }


def event_json(config: "Config", event: "TimelineEvent") -> dict:
    """One timeline entry as JSON, with its one-line text as the summary."""
    item = {"id": event.id, "date": event.date.isoformat(), "kind": event.kind, "summary": event_text(config, event)}
    if event.kind == LEVEL_CHANGE:
        item.update({"ladder": event.ladder, "from": event.from_rank, "to": event.to_rank, "reason": event.reason})
    if event.direction:
        item["direction"] = event.direction
    if event.other_name:
        item["other"] = event.other_name
    if event.warning:
        item["warning"] = event.warning
    if event.data:
        try:
            item["data"] = json.loads(event.data)
        except ValueError:
            item["data"] = event.data
    return item


def event_text(config: "Config", event: "TimelineEvent") -> str:
    """One line for a timeline entry, e.g. "promoted 2 Introduced -> 3 Conversant: met at the meetup"."""
    if event.kind != LEVEL_CHANGE:
        return event.summary
    ladder = config.ladders.get(event.ladder)
    label = ladder.label if ladder is not None else str
    ladder_note = "" if event.ladder == config.default_ladder else f" on {event.ladder}"
    if event.from_rank is None:
        text = f"added at {label(event.to_rank)}{ladder_note}"
    else:
        verb = "promoted" if (event.to_rank or 0) > event.from_rank else "demoted"
        text = f"{verb} {label(event.from_rank)} -> {label(event.to_rank)}{ladder_note}"
    if event.reason and not (event.from_rank is None and event.reason == "added"):
        text += f": {event.reason}"
    return text


# Sync -------------------------------------------------------------------------------------


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def sync_summary(report) -> str:
    """The last line of `relterm sync` (``report``: a ``relterm.sync.Report``)."""
    c = report.counts
    verb = "would be " if report.dry_run else ""
    parts = [
        f"{_plural(c['updated'], 'contact')} {verb}updated from cards",
        f"{c['added']} {verb}added", f"{c['linked']} {verb}linked", f"{c['archived']} {verb}archived",
        f"{_plural(c['written'], 'card')} {verb}written",
        f"{c['removed']} {verb}removed",
        _plural(c["conflicts"], "conflict"),
        f"agenda: {c['agenda_written']} {verb}written, {c['agenda_removed']} {verb}removed",
    ]
    if report.problems:
        parts.append(f"{len(report.problems)} skipped")
    text = "Sync" + (" (dry run)" if report.dry_run else "") + ": " + ", ".join(parts) + "."
    text += f" relterm {report.relterm_seconds:.2f} s"
    if report.vdirsyncer_runs:
        text += f", vdirsyncer {report.vdirsyncer_seconds:.2f} s ({_plural(report.vdirsyncer_runs, 'run')})"
    return text


def sync_status_lines(info: dict) -> list[str]:
    """`relterm sync --status` in words (``info``: ``relterm.sync.status``)."""
    if not info["set_up"]:
        return ["Sync is not set up for this database; run `relterm sync init --url URL`."]
    lines = [
        f"Sync directory: {info['directory']}",
        f"vdirsyncer config: {info['vdirsyncer_config'] or 'missing (run relterm sync init)'}",
        f"Last sync: {info['last_sync'] or 'never'}",
        f"Cards: {info['cards']} ({info['waiting_for_upload']} written by relterm, not yet confirmed on the server)",
    ]
    counts = info["last_counts"]
    if counts:
        lines.append("Last run: " + ", ".join(f"{k.replace('_', ' ')} {v}" for k, v in sorted(counts.items())))
    lines.append(f"Conflicts kept on timelines (recent): {len(info['conflicts'])}")
    lines += [f"  {line}" for line in info["conflicts"]]
    lines.append(f"Cards skipped last time: {len(info['problems'])}")
    lines += [f"  {line}" for line in info["problems"]]
    return lines
