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


def card_json(config: "Config", card: "Card", timeline: Sequence["TimelineEvent"], health: Health, balance,
              also_known: Sequence[tuple[int, str]] = ()) -> dict:
    """A contact's card, keep-in-touch health, give/ask ledger and timeline as JSON (``show --json``).

    ``also_known``: (id, name) of the other ways in besides the first introducer (relterm.graph)."""
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
        "url": card.url or None,
        "birthday": card.birthday,
        "notes": card.notes,
        "tags": list(card.tags),
        "introduced_by": card.introduced_by,
        "also_known_through": [{"id": cid, "name": name} for cid, name in also_known],
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
    if event.went_badly:
        item["went_badly"] = True
    if event.data:
        try:
            item["data"] = json.loads(event.data)
        except ValueError:
            item["data"] = event.data
    return item


def event_text(config: "Config", event: "TimelineEvent") -> str:
    """One line for a timeline entry, e.g. "promoted 2 Introduced -> 3 Conversant: met at the meetup"."""
    if event.kind != LEVEL_CHANGE:
        if event.went_badly:
            return f"went badly: {event.summary}" if event.summary else "went badly"
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


def merge_preview_lines(config: "Config", plan) -> list[str]:
    """The merge preview (``merge.plan_merge``), one line each: what `relterm merge` prints and the app's
    merge popup shows."""
    lines = [f"Merge {plan.other_name} (id {plan.other_id}) into {plan.keep_name} (id {plan.keep_id}):",
             f"  keeps        {plan.keep_name} (id {plan.keep_id}); {plan.other_name} (id {plan.other_id}) is archived"]
    for name, value in plan.filled.items():
        lines.append(f"  {name:<12} {value} (from {plan.other_name})")
    for name, (mine, theirs) in plan.kept.items():
        lines.append(f"  {name:<12} {mine} (kept; {plan.other_name}'s {theirs} is not)")
    for kind, _, value in plan.new_details:
        lines.append(f"  {kind:<12} {value} kept as a further {kind}")
    if plan.moved_details:
        lines.append(f"  details      {plan.moved_details} more move over (addresses, URLs, other emails and phones)")
    if plan.tags:
        lines.append(f"  tags         {', '.join(plan.tags)}")
    if plan.notes_joined:
        lines.append("  notes        joined")
    if plan.introducer:
        lines.append(f"  introduced   by {plan.introducer}")
    for ladder, (mine, theirs, result) in plan.ranks.items():
        lad = config.ladders.get(ladder)
        label = lad.label if lad else str
        if result == mine:
            lines.append(f"  {ladder:<12} {label(mine)} (stays)")
        else:
            was = f"{label(mine)} -> " if mine is not None else ""
            lines.append(f"  {ladder:<12} {was}{label(result)}, {plan.other_name}'s level (a level-change entry says so)")
    lines.append(f"  timeline     {plan.events_moved} entr{'y' if plan.events_moved == 1 else 'ies'} move over; "
                 f"{plan.introduced_moved} introduced by them and {plan.mentions_moved} "
                 f"mention{'' if plan.mentions_moved == 1 else 's'} now point to {plan.keep_name}")
    return lines


# The graph of ways in (relterm.graph) ------------------------------------------------------------

# How a link reads in a chain or a circle: "introduced" (first introducer), "named", "met together".
HOW_TEXT = {"introduced": "introduced", "named": "named", "met": "met together"}


def how_text(how: Optional[str]) -> str:
    return HOW_TEXT.get(how or "", how or "")


def _who(config: "Config", cid: int, name: str, rank: Optional[int]) -> dict:
    return {"id": cid, "name": name, "level": rank, "level_name": config.ladder.level_name(rank)}


def overlap_json(config: "Config", overlap) -> dict:
    """One person in several circles (``overlaps --json``): who they are and every circle, with how."""
    return {
        **_who(config, overlap.contact_id, overlap.name, overlap.rank),
        "circles": [{**_who(config, c.contact_id, c.name, c.rank), "how": c.how} for c in overlap.circles],
    }


def overlap_line(overlap) -> str:
    """"Tom Becker (introduced), Doug (named), Ann (met together)"."""
    return ", ".join(f"{c.name} ({how_text(c.how)})" for c in overlap.circles)


def paths_json(paths) -> dict:
    """Every chain leading to a person (``path --json``), shortest first."""
    return {
        "id": paths.contact_id,
        "name": paths.name,
        "complete": paths.complete,
        "paths": [
            [{"id": s.contact_id, "name": s.name, "archived": s.archived, "how": s.how} for s in chain]
            for chain in paths.chains
        ],
    }


def chain_line(chain) -> str:
    """"you -> Tom -> Doug -(named)-> John": how each came through the one before, when not first-introduced."""
    text = "you"
    for step in chain:
        arrow = " -> " if step.how in (None, "introduced") else f" -({how_text(step.how)})-> "
        text += arrow + step.name + (" (archived)" if step.archived else "")
    return text


def knows_json(config: "Config", knows) -> dict:
    """One contact connected to a person (``who-knows --json``), your level with them and how."""
    return {**_who(config, knows.contact_id, knows.name, knows.rank), "ways": list(knows.ways)}


def also_known_line(names: Sequence[str]) -> str:
    """The card's line for the other ways in: "also known through Tom, Doug" ("" when none)."""
    return f"also known through {', '.join(names)}" if names else ""


# The ripple of a referral ---------------------------------------------------------------------------

_WAY_WORDS = {"introduced": "introduced them", "referred": "referred them", "named": "gave you their name"}


def ways_text(ways: Sequence[str]) -> str:
    """How someone brought a person: "introduced them", "referred them and gave you their name"."""
    words = [_WAY_WORDS.get(way, way) for way in ways]
    return " and ".join(words)


def ripple_line(config: "Config", person: str, item) -> str:
    """One touched contact: "Sam came through Tom Becker (4 Met), who introduced them"."""
    text = f"{person} came through {item.name} ({config.ladder.label(item.rank)}), who {ways_text(item.ways)}"
    if item.open_follow_up is not None:
        text += f"; follow-up {item.open_follow_up} with them is already open"
    return text


def ripple_heading(config: "Config", ripple) -> str:
    """Why there is a ripple: "Sam was demoted (4 Met -> 3 Conversant)" or "The coffee with Sam went badly"."""
    event = ripple.event
    if ripple.trigger == "demoted":
        ladder = config.ladders.get(event.ladder)
        label = ladder.label if ladder is not None else str
        return f"{ripple.name} was demoted ({label(event.from_rank)} -> {label(event.to_rank)})"
    return f"The {event.kind} with {ripple.name} went badly"


def ripple_reason(config: "Config", ripple) -> str:
    """The reason kept with a follow-up the ripple suggests: the heading, and the entry's own words."""
    event = ripple.event
    words = event.reason if ripple.trigger == "demoted" else event.summary
    heading = ripple_heading(config, ripple)
    return f"{heading}: {words}" if words else heading


def ripple_json(config: "Config", ripple) -> Optional[dict]:
    """A ripple as JSON (``log``/``demote --json``); None stays null."""
    if ripple is None:
        return None
    return {
        "contact": {"id": ripple.contact_id, "name": ripple.name},
        "trigger": ripple.trigger,
        "event_id": ripple.event.id,
        "reason": ripple_reason(config, ripple),
        "touched": [
            {"id": item.contact_id, "name": item.name, "level": item.rank, "level_name": item.level_name,
             "ways": list(item.ways), "open_follow_up": item.open_follow_up,
             "line": ripple_line(config, ripple.name, item)}
            for item in ripple.touched
        ],
    }


def follow_up_json(follow_up) -> dict:
    """One follow-up as JSON (``follow-ups --json``, ``due --json``)."""
    return {
        "id": follow_up.id,
        "with": {"id": follow_up.contact_id, "name": follow_up.name, "level": follow_up.rank,
                 "level_name": follow_up.level_name},
        "about": None if follow_up.about_id is None else {"id": follow_up.about_id, "name": follow_up.about},
        "reason": follow_up.reason,
        "trigger": follow_up.trigger,
        "event_id": follow_up.event_id,
        "created": _iso(follow_up.created),
        "status": follow_up.status,
        "closed_on": _iso(follow_up.closed_on),
    }


def follow_up_line(config: "Config", follow_up) -> str:
    """One follow-up in a line: "#3 Tom Becker (4 Met) about Sam: The coffee with Sam went badly"."""
    text = f"#{follow_up.id} {follow_up.name} ({config.ladder.label(follow_up.rank)})"
    if follow_up.about is not None:
        text += f" about {follow_up.about}"
    if follow_up.reason:
        text += f": {follow_up.reason}"
    return text


# Before and after a coffee ---------------------------------------------------------------------

ASK_FOR_NAMES = "Before you part: ask who else they think you should meet, and write the names down."


def names_hint(name: str) -> str:
    """The line after logging an in-person meeting on the command line."""
    shown = name.replace('"', "'")
    return f'Did they give you names? Record each with `relterm intro "{shown}" "Name"`.'


def _days(n: int) -> str:
    return f"{n} day{'s' if n != 1 else ''}"


def brief_lines(config: "Config", brief) -> list[str]:
    """The brief (``relterm.intel.Brief``) as lines of plain text: the CLI prints them, the app shows them."""
    ladder = config.ladder
    today = brief.today
    head = brief.name
    role = " at ".join(part for part in (brief.title, brief.company) if part)
    lines = [f"Brief: {head}" + (f" ({role})" if role else "") + f"  (id {brief.contact_id})"]
    lines.append(f"  Profile:      {brief.url}" if brief.url else
                 f"  Profile:      no link yet; look them up, then `relterm edit {brief.contact_id} --url https://...`")
    level = ladder.level(brief.rank) if brief.rank is not None else None
    lines.append(f"  Level:        {ladder.label(brief.rank)}" + (f" — {level.description}" if level else ""))
    lines += _next_rung_lines(ladder, brief.evidence)
    if brief.first_in_person is None:
        lines.append("  In person:    never met face to face yet: this would be the first time")
    else:
        lines.append(f"  In person:    {brief.in_person} time{'s' if brief.in_person != 1 else ''}, first on "
                     f"{brief.first_in_person.isoformat()}")
    if brief.introduced_by:
        lines.append(f"  Came through: {brief.introduced_by}")
    lines.append(f"  Keep in touch: {keep_in_touch_line(brief.health)}")
    bal = brief.balance
    if bal.given or bal.received or bal.asks:
        lean = "you have given more" if bal.net > 0 else ("you have taken more: give before you ask"
                                                          if bal.net < 0 else "even")
        lines.append(f"  Give/ask:     given {bal.given}, received {bal.received}, asks {bal.asks} "
                     f"(net {bal.net:+d}: {lean})")
    else:
        lines.append("  Give/ask:     nothing given or received yet: look for something to give")
    lines += _review_lines(brief, today)
    lines.append("")
    lines.append("Recent:" if brief.recent else "Recent: nothing on the timeline yet.")
    for event in brief.recent:
        text = event_text(config, event).replace("\n", " ")
        lines.append(f"  {event.date.isoformat()}  {event.kind:<17} {text}".rstrip())
    lines.append("")
    if brief.pending_names:
        lines.append(f"Names they gave you, not contacted yet ({len(brief.pending_names)} of {brief.names_given}):")
        for given in brief.pending_names:
            lines.append(f"  {given.date.isoformat()}  {given.name}")
        lines.append("  Tell them how it went, or ask for a word of introduction.")
    elif brief.names_given:
        lines.append(f"Names they gave you: all {brief.names_given} contacted.")
    else:
        lines.append("Names they gave you: none yet.")
    lines.append("")
    lines.append(ASK_FOR_NAMES)
    return lines


def _next_rung_lines(ladder, evidence) -> list[str]:
    if evidence.next_rank is None:
        return ["  Next rung:    none above this one" if evidence.rank is not None else
                "  Next rung:    not on the ladder yet"]
    target = ladder.label(evidence.next_rank)
    if not evidence.criteria:
        return [f"  Next rung:    {target} sets no evidence; the move is your call"]
    span = f"last {evidence.within_days} days" if evidence.within_days else "all time"
    verdict = "all met: consider promoting them" if evidence.met else "not all met yet"
    lines = [f"  Next rung:    {target}, evidence ({span}): {verdict}"]
    for criterion in evidence.criteria:
        mark = "✓" if criterion.met else "✗"
        lines.append(f"                {mark} {criterion.name}: {criterion.have} of {criterion.need}")
    return lines


def _review_lines(brief, today) -> list[str]:
    lines = []
    if brief.review_due is not None:
        days = (brief.review_due - today).days
        when = "due today" if days == 0 else (f"{_days(-days)} overdue" if days < 0 else f"in {_days(days)}")
        every = f", every {brief.review_every_days} days" if brief.review_every_days else ""
        lines.append(f"  Review:       {brief.review_due.isoformat()} ({when}{every})"
                     + (": a good moment to hold it" if days <= 0 else ""))
    last = brief.last_review
    if last is not None:
        answers = _review_answers(last)
        lines.append(f"  Last review:  {last.date.isoformat()}" + (f": {answers}" if answers else ""))
    return lines


def _review_answers(event) -> str:
    try:
        data = json.loads(event.data) if event.data else {}
    except ValueError:
        data = {}
    if not isinstance(data, dict):
        return ""
    from .sanitize import clean_for_display

    parts = [f"{key} {clean_for_display(str(data[key]))}" for key in ("continue", "stop", "start")
             if isinstance(data.get(key), str) and data[key].strip()]
    return "; ".join(parts)


def brief_json(config: "Config", brief) -> dict:
    """The brief as JSON (``relterm brief --json``)."""
    ladder = config.ladder
    ev = brief.evidence
    return {
        "id": brief.contact_id,
        "name": brief.name,
        "company": brief.company,
        "title": brief.title,
        "url": brief.url or None,
        "level": brief.rank,
        "level_name": ladder.level_name(brief.rank),
        "introduced_by": brief.introduced_by,
        "next_level": {
            "level": ev.next_rank, "level_name": ladder.level_name(ev.next_rank), "within_days": ev.within_days,
            "met": ev.met, "criteria": [{"name": c.name, "have": c.have, "need": c.need, "met": c.met}
                                        for c in ev.criteria],
        } if ev.next_rank is not None else None,
        "in_person": {"count": brief.in_person, "first": _iso(brief.first_in_person)},
        **health_json(brief.health),
        "recent": [event_json(config, e) for e in brief.recent],
        "names_not_contacted": [{"id": g.contact_id, "name": g.name, "date": g.date.isoformat()}
                                for g in brief.pending_names],
        "names_given": brief.names_given,
        "balance": balance_json(brief.balance),
        "review_due": _iso(brief.review_due),
        "review_every_days": brief.review_every_days,
        "last_review": event_json(config, brief.last_review) if brief.last_review is not None else None,
        "reminder": ASK_FOR_NAMES,
    }


# Goals --------------------------------------------------------------------------------------


def goal_text(goal) -> str:
    """ "new-coffees: 1 every 14 days; counts first in-person meetings, ..."."""
    from .rules import GOAL_KINDS

    return f"{goal.name}: {goal.target} every {_days(goal.every_days)}; counts {GOAL_KINDS.get(goal.name, goal.name)}"


def goal_line(progress) -> str:
    """One goal's progress, e.g. "new-coffees: 0 of 1 this period (to 2026-11-29, 6 days left); streak 3"."""
    goal = progress.goal
    if progress.period_start is None:
        return f"{goal.name}: starts on {goal.start.isoformat()} (in {_days(progress.days_left)})"
    left = "last day" if progress.days_left == 0 else f"{_days(progress.days_left)} left"
    state = "met" if progress.met else f"{goal.target - progress.count} to go"
    streak = f"streak {progress.streak} period{'s' if progress.streak != 1 else ''}"
    return (f"{goal.name}: {progress.count} of {goal.target} this period, {state} "
            f"({progress.period_start.isoformat()} to {progress.period_end.isoformat()}, {left}); {streak}")


def goal_json(progress) -> dict:
    goal = progress.goal
    return {
        "name": goal.name, "target": goal.target, "every_days": goal.every_days, "start": goal.start.isoformat(),
        "source": goal.source, "period_start": _iso(progress.period_start), "period_end": _iso(progress.period_end),
        "count": progress.count, "met": progress.met, "streak": progress.streak, "days_left": progress.days_left,
    }


def name_match_text(name: str, how: str, other: str) -> str:
    """One line of the names popup's preview: how a typed name will be recorded (``intel.preview_names``)."""
    if how in ("exact", "prefix", "id"):
        return f"{name} → links to {other}" if other != name else f"{name} → links to your contact"
    if how == "several":
        return f"{name} → several contacts match ({other}); type more of the name"
    if how == "close":
        return f"{name} → close to {other}; type their full name, or it is refused" if other else \
            f"{name} → close to an existing name"
    return f"{name} → new contact, to contact"


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
    if c["ambiguous"]:
        parts.append(f"{_plural(c['ambiguous'], 'new card')} like an existing contact (check `relterm duplicates`)")
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
