"""Commands of relationship intelligence: the agenda, circles of influence, the
give/ask ledger, reviews, suggestions and the sphere matrix."""

from __future__ import annotations

import json
import sys

import click

from ..dates import MAX_DAYS, today
from ..present import balance_json
from ..sanitize import escape_json_text
from ..intel.model import ITEM_KINDS
from . import fail
from .context import AppContext
from .output import echo, echo_json, paused_gc, table

pass_app = click.make_pass_decorator(AppContext)

_SECTIONS = {
    "keep-in-touch": "Keep in touch",
    "review": "Reviews due",
    "to-contact": "Names to contact",
    "birthday": "Birthdays",
}


def _iso(value):
    return value.isoformat() if value else None


def _echo_json_with_items(head: dict, key: str, items: list) -> None:
    """``head`` plus ``key: items`` as one JSON object; a long list prints one
    compact item per line (the indenting encoder is slow on thousands)."""
    if len(items) <= 50:
        echo_json({**head, key: items})
        return
    opening = json.dumps(head, ensure_ascii=False)[:-1] + f', "{key}": [\n'
    body = ",\n".join(json.dumps(item, ensure_ascii=False) for item in items)
    echo(escape_json_text(opening + body + "\n]}"))


def _level(lad, rank) -> str:
    return lad.label(rank) if rank is not None else "-"


# The agenda ---------------------------------------------------------------------------------


@click.command()
@click.option("--within", "-w", type=click.IntRange(0, MAX_DAYS), default=0, show_default=True, metavar="DAYS",
              help="Also list what falls due in the next DAYS days (birthdays: at least 14).")
@click.option("--item", "items", multiple=True, type=click.Choice(ITEM_KINDS),
              help="Only this kind of item; repeat for several.")
@click.option("--all", "include_snoozed", is_flag=True, help="Include snoozed items (marked).")
@click.option("--limit", "-n", type=click.IntRange(min=0), metavar="N",
              help="At most N items of each kind (default: 20 in the table, all in JSON; 0: all).")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON object with the items in agenda order.")
@pass_app
@paused_gc
def due(app: AppContext, within, items, include_snoozed, limit, as_json):
    """The agenda: whom to reach out to now, most urgent first.

    Lists overdue and due keep-in-touch contacts (each level's cadence, or the
    contact's own), relationship reviews due, names you were given but have
    not contacted, and birthdays in the next 14 days. A contact never
    contacted counts from the day they were added.
    """
    core = app.core
    agenda = core.intel.agenda(within=within, include_snoozed=include_snoozed, items=items or ITEM_KINDS)
    counts = {kind: sum(1 for it in agenda if it.item == kind) for kind in ITEM_KINDS}
    if limit is None:
        limit = 0 if as_json else 20
    if limit:
        shown = {kind: 0 for kind in ITEM_KINDS}
        kept = []
        for it in agenda:
            if shown[it.item] < limit:
                shown[it.item] += 1
                kept.append(it)
        agenda = kept
    if as_json:
        _echo_json_with_items({"today": today().isoformat(), "within": within, "counts": counts}, "items", [
                {
                    "item": it.item, "id": it.contact_id, "name": it.name, "level": it.rank,
                    "level_name": it.level_name, "status": it.status, "due_on": it.due_on.isoformat(),
                    "days_over": it.days_over, "detail": it.detail, "last_interaction": _iso(it.last_interaction),
                    "cadence_days": it.cadence_days, "introduced_by": it.introduced_by, "age": it.age,
                    "snoozed_until": _iso(it.snoozed_until),
                }
                for it in agenda
            ])
        return
    if not agenda:
        echo("Nothing due. " + ("" if within else "`relterm due --within 14` looks further ahead."))
        return
    _, lad = core.ladder()
    blocks = []
    for kind in ITEM_KINDS:
        part = [it for it in agenda if it.item == kind]
        if not part:
            continue
        rows = []
        for it in part:
            detail = it.detail + (f" [snoozed until {it.snoozed_until.isoformat()}]" if it.snoozed_until else "")
            rows.append((it.status.upper() if it.status == "overdue" else it.status, it.name,
                         _level(lad, it.rank), detail))
        block = f"{_SECTIONS[kind]} ({counts[kind]})\n" + table(("STATUS", "NAME", "LEVEL", "DETAIL"), rows, flexible=3)
        if counts[kind] > len(part):
            block += f"\n... and {counts[kind] - len(part)} more (--limit 0 shows all)"
        blocks.append(block)
    echo("\n\n".join(blocks))


@click.command()
@click.argument("person")
@click.argument("days", type=click.IntRange(0, MAX_DAYS))
@click.option("--item", type=click.Choice(ITEM_KINDS),
              help="Snooze only this agenda item (default: everything about the person).")
@pass_app
def snooze(app: AppContext, person, days, item):
    """Hide PERSON from the agenda for DAYS days, 1 to 3650 (0 clears the snooze)."""
    core = app.core
    cid = core.resolve(person)
    until = core.intel.snooze(cid, days, item=item)
    name = core.card(cid).name
    what = item or "everything"
    if until is None:
        echo(f"Cleared the snooze on {what} for {name}.")
    else:
        echo(f"Snoozed {what} for {name} until {until.isoformat()}.")


# Circles of influence -----------------------------------------------------------------------


@click.command()
@click.argument("introducer")
@click.argument("names", nargs=-1, required=True)
@click.option("--note", "-n", default="", help="A note kept with the introduction (on both timelines).")
@click.option("--date", "-d", default="today", show_default=True, help="When the introduction happened.")
@click.option("--json", "as_json", is_flag=True, help="Print the recorded names as JSON.")
@pass_app
def intro(app: AppContext, introducer, names, note, date, as_json):
    """Record that INTRODUCER introduced you to (or named) each of NAMES.

    A name you do not know yet becomes a contact on the ladder's introduced
    rung, marked to contact until you log the first interaction. A name that
    is exactly an existing contact's (or an id) records the introduction for
    them. Give "-" to read names from stdin, one per line ("Name: note").
    """
    core = app.core
    source = core.resolve(introducer)
    lines: list[str] = []
    for name in names:
        if name == "-":
            lines += sys.stdin.read().splitlines()
        else:
            lines.append(name)
    if note:
        pairs = [(line, note) for line in lines]
    else:
        from ..intel.circles import parse_names

        pairs = parse_names(lines)
    if not pairs:
        fail("give at least one name")
    results = core.intel.introduce_many(source, pairs, date=date)
    if as_json:
        echo_json([
            {"id": r.contact_id, "name": r.name, "created": r.created, "introducer_set": r.introducer_set,
             "event_id": r.event_id}
            for r in results
        ])
        return
    who = core.card(source).name
    _, lad = core.ladder()
    for r in results:
        if r.created:
            echo(f"Added {r.name} (id {r.contact_id}) at {lad.label(lad.intro_rank)}, introduced by {who}; "
                       "to contact.")
        else:
            extra = f"; {who} is now their introducer" if r.introducer_set else ""
            echo(f"Recorded that {who} introduced you to {r.name} (id {r.contact_id}){extra}.")


@click.command()
@click.argument("person")
@click.option("--pending", is_flag=True, help="Only the names not contacted yet.")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON array.")
@pass_app
def names(app: AppContext, person, pending, as_json):
    """The names PERSON gave you, and which of them you have contacted."""
    core = app.core
    cid = core.resolve(person)
    given = core.intel.names_given(cid)
    if pending:
        given = [g for g in given if not g.contacted]
    if as_json:
        echo_json([
            {"id": g.contact_id, "name": g.name, "date": g.date.isoformat(), "contacted": g.contacted,
             "level": g.rank, "last_interaction": _iso(g.last_interaction)}
            for g in given
        ])
        return
    who = core.card(cid).name
    if not given:
        echo(f"{who} has not given you any {'pending ' if pending else ''}names yet.")
        return
    _, lad = core.ladder()
    rows = [(g.date.isoformat(), g.name, _level(lad, g.rank), "yes" if g.contacted else "not yet") for g in given]
    echo(table(("GIVEN", "NAME", "LEVEL", "CONTACTED"), rows, flexible=1))
    done = sum(1 for g in given if g.contacted)
    echo(f"{len(given)} name{'s' if len(given) != 1 else ''} from {who}; {done} contacted.")


@click.command()
@click.argument("person")
@click.option("--json", "as_json", is_flag=True, help="Print the chain as a JSON array, first person first.")
@pass_app
def path(app: AppContext, person, as_json):
    """The chain of introductions that led to PERSON (you -> Tom -> Doug -> John)."""
    core = app.core
    cid = core.resolve(person)
    steps = core.intel.path(cid)
    if as_json:
        echo_json([{"id": s.contact_id, "name": s.name, "archived": s.archived} for s in steps])
        return
    chain = " -> ".join(["you"] + [s.name + (" (archived)" if s.archived else "") for s in steps])
    echo(chain)
    if len(steps) == 1:
        echo(f"{steps[0].name} was not introduced by anyone you know.")


@click.command()
@click.option("--limit", "-n", type=click.IntRange(min=1), default=20, show_default=True,
              help="How many contacts to list.")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON array.")
@pass_app
def reach(app: AppContext, limit, as_json):
    """Contacts ranked by how many people they opened up for you (the whole chain below them)."""
    core = app.core
    ranked = core.intel.reach(limit)
    if as_json:
        echo_json([{"id": r.contact_id, "name": r.name, "level": r.rank, "direct": r.direct, "total": r.total}
                   for r in ranked])
        return
    if not ranked:
        echo("No introductions recorded yet. `relterm intro PERSON NAME` records one.")
        return
    _, lad = core.ladder()
    rows = [(str(r.total), str(r.direct), r.name, _level(lad, r.rank)) for r in ranked]
    echo(table(("REACH", "DIRECT", "NAME", "LEVEL"), rows, flexible=2))


# Give before you ask -------------------------------------------------------------------------


@click.command()
@click.argument("person", required=False)
@click.option("--sort", type=click.Choice(["net", "given", "received", "asks", "name"]), default="net",
              show_default=True, help="Order of the list.")
@click.option("--limit", "-n", type=click.IntRange(min=1), help="Only the first N contacts.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@pass_app
def balance(app: AppContext, person, sort, limit, as_json):
    """The give/ask ledger: referrals and introductions given and received, and asks, per contact.

    NET is what you gave minus what you received and asked for. With PERSON,
    only their ledger.
    """
    core = app.core
    if person:
        items = [core.intel.balance(core.resolve(person))]
    else:
        items = core.intel.balances(sort=sort)
        if limit:
            items = items[:limit]
    if as_json:
        echo_json(balance_json(items[0], contact=True) if person else [balance_json(b, contact=True) for b in items])
        return
    if not items:
        echo("No referrals, introductions or asks logged yet.")
        return
    _, lad = core.ladder()
    rows = [
        (f"{b.net:+d}", b.name, _level(lad, b.rank), f"{b.referrals_given}/{b.referrals_received}",
         f"{b.intros_given}/{b.intros_received}", str(b.asks))
        for b in items
    ]
    echo(table(("NET", "NAME", "LEVEL", "REFERRALS GIVEN/RECEIVED", "INTROS GIVEN/RECEIVED", "ASKS"), rows,
                     flexible=1))


@click.command()
@click.option("--days", type=click.IntRange(1, MAX_DAYS), metavar="N", help="Only referrals of the last N days.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@pass_app
def stats(app: AppContext, days, as_json):
    """Concentration: how much of your referrals come from your top 1, 3 and 5 contacts."""
    core = app.core
    conc = core.intel.concentration(within_days=days)
    agenda = core.intel.agenda(items=("keep-in-touch", "review", "to-contact"))
    counts = {
        "contacts": core.count(),
        "overdue": sum(1 for it in agenda if it.item == "keep-in-touch" and it.status == "overdue"),
        "due": sum(1 for it in agenda if it.item == "keep-in-touch" and it.status == "due"),
        "reviews_due": sum(1 for it in agenda if it.item == "review"),
        "to_contact": sum(1 for it in agenda if it.item == "to-contact"),
    }
    if as_json:
        echo_json({
            **counts,
            "referrals": {
                "kinds": list(conc.kinds), "total": conc.total, "within_days": days,
                "share_top1": round(conc.share_top1, 4), "share_top3": round(conc.share_top3, 4),
                "share_top5": round(conc.share_top5, 4),
                "top": [{"id": cid, "name": name, "count": n} for cid, name, n in conc.top],
            },
            "warning": conc.warning,
        })
        return
    echo(f"{counts['contacts']} contacts: {counts['overdue']} overdue, {counts['due']} due today, "
               f"{counts['reviews_due']} reviews due, {counts['to_contact']} names to contact.")
    span = f" in the last {days} days" if days else ""
    if not conc.total:
        echo(f"No referrals received{span} yet.")
        return
    echo(f"Referrals received{span}: {conc.total}")
    echo(f"  from the top 1: {conc.share_top1:.0%}   top 3: {conc.share_top3:.0%}   top 5: {conc.share_top5:.0%}")
    for cid, name, n in conc.top:
        echo(f"  {n:>5}  {name}")
    if conc.warning:
        echo(f"Warning: {conc.warning}")


# Reviews ------------------------------------------------------------------------------------


def _interactive() -> bool:
    """Whether questions can be asked: stdin is a terminal."""
    return sys.stdin.isatty()


class _ReviewGroup(click.Group):
    """`relterm review PERSON` is short for `relterm review record PERSON`."""

    def parse_args(self, ctx, args):
        if args and args[0] not in self.commands and args[0] not in ("-h", "--help"):
            args = ["record", *args]
        return super().parse_args(ctx, args)


@click.group(cls=_ReviewGroup)
def review():
    """Relationship reviews of key contacts.

    `relterm review PERSON` records a review (three questions: continue,
    stop, start); `relterm review schedule PERSON --every 90` makes it
    recurring. Reviews due show in `relterm due`.
    """


@review.command("schedule")
@click.argument("person")
@click.option("--every", type=click.IntRange(0, MAX_DAYS), metavar="DAYS", required=True,
              help="Review every DAYS days (0 stops the reviews).")
@click.option("--first", metavar="DATE", help="Date of the first review (default: DAYS from today).")
@pass_app
def review_schedule(app: AppContext, person, every, first):
    """Review PERSON every DAYS days."""
    core = app.core
    cid = core.resolve(person)
    due_on = core.intel.schedule_review(cid, every, first=first)
    name = core.card(cid).name
    if due_on is None:
        echo(f"Stopped the reviews of {name}.")
    else:
        echo(f"Reviewing {name} every {every} days; the next review is due {due_on.isoformat()}.")


@review.command("record")
@click.argument("person")
@click.option("--continue", "keep", metavar="TEXT", help="What is going well and should continue.")
@click.option("--stop", metavar="TEXT", help="What is not providing value and should stop.")
@click.option("--start", metavar="TEXT", help="What new joint opportunities to explore.")
@click.option("--date", "-d", default="today", show_default=True, help="When the review took place.")
@click.option("--json", "as_json", is_flag=True, help="Print the recorded review as JSON.")
@pass_app
def review_record(app: AppContext, person, keep, stop, start, date, as_json):
    """Review the relationship with PERSON: answer three questions, kept on the timeline.

    Without --continue/--stop/--start the questions are asked in turn (an
    empty answer skips one); without a terminal, give them as options.
    """
    from ..intel.reviews import QUESTIONS

    core = app.core
    cid = core.resolve(person)
    answers = {"continue": keep, "stop": stop, "start": start}
    if all(value is None for value in answers.values()):
        if not _interactive():
            fail("no terminal to ask the review questions; give --continue, --stop and/or --start")
        name = core.card(cid).name
        echo(f"Review of your relationship with {name}. Leave an answer empty to skip it.")
        for key, question in QUESTIONS:
            answers[key] = click.prompt(question, default="", show_default=False)
    event_id, next_due = core.intel.record_review(
        cid, keep=answers["continue"] or "", stop=answers["stop"] or "", start=answers["start"] or "", date=date
    )
    if as_json:
        echo_json({"id": cid, "event_id": event_id, "answers": {k: v or "" for k, v in answers.items()},
                   "next_review": _iso(next_due)})
        return
    name = core.card(cid).name
    nxt = f" Next review due {next_due.isoformat()}." if next_due else ""
    echo(f"Recorded the review of {name}.{nxt}")


# Suggestions and the matrix -----------------------------------------------------------------


@click.command()
@click.option("--ladder", help="Which ladder (default: the default ladder).")
@click.option("--no-demotions", is_flag=True, help="Only promotions.")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON array.")
@pass_app
def suggest(app: AppContext, ladder, no_demotions, as_json):
    """Contacts whose timeline meets the next rung's evidence, and those who may have slipped.

    Nothing is changed: promote or demote with `relterm promote`/`demote`.
    """
    core = app.core
    key, lad = core.ladder(ladder)
    items = core.intel.suggestions(ladder=key, demotions=not no_demotions)
    if as_json:
        echo_json([
            {"id": s.contact_id, "name": s.name, "action": s.action, "from": s.rank, "to": s.to_rank,
             "from_name": lad.level_name(s.rank), "to_name": lad.level_name(s.to_rank), "evidence": list(s.evidence),
             "criteria": [{"name": c.name, "have": c.have, "need": c.need} for c in s.criteria]}
            for s in items
        ])
        return
    if not items:
        echo("No suggestions: nobody's timeline meets the next rung yet, and nobody has slipped.")
        return
    rows = [
        (s.action, s.name, f"{lad.label(s.rank)} -> {lad.label(s.to_rank)}", "; ".join(s.evidence)) for s in items
    ]
    echo(table(("SUGGEST", "NAME", "MOVE", "EVIDENCE"), rows, flexible=3))


@click.command()
@click.option("--ladder", help="Which ladder (default: the default ladder).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@pass_app
def matrix(app: AppContext, ladder, as_json):
    """Contacts by sphere (rows) and level (columns)."""
    core = app.core
    key, lad = core.ladder(ladder)
    m = core.intel.matrix(ladder=key)
    if as_json:
        echo_json({
            "ladder": key,
            "ranks": [{"rank": r, "name": lad.level_name(r)} for r in m.ranks],
            "rows": [
                {"sphere": s, "counts": [m.count(s, r) for r in m.ranks], "total": m.sphere_total(s)}
                for s in m.spheres
            ],
            "totals": [m.rank_total(r) for r in m.ranks],
            "total": m.total,
        })
        return
    headers = ["SPHERE"] + [("-" if r is None else str(r)) for r in m.ranks] + ["TOTAL"]
    rows = [[s] + [str(m.count(s, r)) for r in m.ranks] + [str(m.sphere_total(s))] for s in m.spheres]
    rows.append(["total"] + [str(m.rank_total(r)) for r in m.ranks] + [str(m.total)])
    echo(table(headers, rows))
    names_line = ", ".join(f"{r} {lad.level_name(r)}" for r in m.ranks if r is not None)
    echo(f"Levels: {names_line}" + (" ; - no level on this ladder" if None in m.ranks else ""))


def level_history(core, key: str, lad, as_json: bool) -> None:
    """`relterm levels --history`: the pyramid at the end of each of the last 12 months."""
    hist = core.intel.level_history(ladder=key)
    if as_json:
        echo_json({
            "ladder": key,
            "name": lad.name,
            "months": list(hist.months),
            "month_ends": [d.isoformat() for d in hist.month_ends],
            "levels": [
                {"rank": r, "name": lad.level_name(r), "in_ladder": r in lad.by_rank, "counts": list(hist.counts[r])}
                for r in hist.ranks
            ],
            "totals": [sum(hist.counts[r][i] for r in hist.ranks) for i in range(len(hist.months))],
        })
        return
    echo(f"{lad.name} ({key}): contacts on each rung at the end of each month (this month: today)")
    headers = ["LEVEL"] + [m[2:] for m in hist.months]
    rows = [[lad.label(r)] + [str(n) for n in hist.counts[r]] for r in hist.ranks]
    rows.append(["total"] + [str(sum(hist.counts[r][i] for r in hist.ranks)) for i in range(len(hist.months))])
    echo(table(headers, rows, flexible=0))
