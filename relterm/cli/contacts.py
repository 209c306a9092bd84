"""Commands over contacts, levels and the timeline."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ..dates import today
from . import fail
from .context import AppContext
from ..present import (card_json, event_json, event_text, follow_up_json, health_short, keep_in_touch_line,
                       names_hint, ripple_json, row_json)
from ..rules import asks_for_names
from .followup_cmd import add_all, follow_up_option, offer, one_write
from .output import clean, echo, echo_json, paused_gc, table

pass_app = click.make_pass_decorator(AppContext)


def _person(app: AppContext, query: str, *, archived: bool = False) -> int:
    return app.core.resolve(query, archived=archived)


def _days_ago(date) -> str:
    if date is None:
        return "never"
    days = (today() - date).days
    if days == 0:
        return f"{date.isoformat()} (today)"
    if days < 0:
        return f"{date.isoformat()} (in {-days}d)"
    return f"{date.isoformat()} ({days}d ago)"


def _cadence(value: str | None) -> int | None | str:
    """--cadence: N days, "none" (never due) or "default" (the level's cadence)."""
    if value is None:
        return "unchanged"
    text = value.strip().lower()
    if text in ("none", "never", "off", "0"):
        return 0
    if text in ("default", "level"):
        return None
    if text.isascii() and text.isdigit():
        from ..dates import MAX_DAYS

        if len(text) <= 5 and int(text) <= MAX_DAYS:
            return int(text)
        raise click.BadParameter(f"{value}: a cadence runs from 1 to {MAX_DAYS} days", param_hint="--cadence")
    raise click.BadParameter(f'{value!r}: give a number of days, "none" or "default"', param_hint="--cadence")


@click.command()
@click.argument("name")
@click.option("--level", "-l", help="Rank or level name (default: the ladder's starting rung).")
@click.option("--ladder", help="Place the contact on this ladder (default: the default ladder).")
@click.option("--sphere", "-s", help="family, business, friends, acquaintance or servicer (see levels.yaml).")
@click.option("--company", "-c", default="", help="Company or organisation.")
@click.option("--title", default="", help="Job title.")
@click.option("--email", "-e", default="", help="Email address.")
@click.option("--phone", default="", help="Phone number.")
@click.option("--url", default="", help="Their profile link (http:// or https://), e.g. a LinkedIn page.")
@click.option("--tag", "-t", "tags", multiple=True, help="A tag; repeat for several.")
@click.option("--introduced-by", "-i", metavar="PERSON", help="Who introduced you.")
@click.option("--birthday", metavar="DATE", help="YYYY-MM-DD, or --MM-DD without a year.")
@click.option("--notes", default="", help="Free-form notes.")
@click.option("--cadence", metavar="DAYS", help='Keep-in-touch override: days (1 to 3650), "none" or "default".')
@click.option("--since", metavar="DATE",
              help="When you started keeping track of them (default: today). Their keep-in-touch clock never "
                   "runs from before this date, so give it when you log older interactions.")
@click.option("--duplicate", is_flag=True, help="Add NAME even when a contact of that name exists.")
@pass_app
def add(app: AppContext, name, level, ladder, sphere, company, title, email, phone, url, tags, introduced_by, birthday,
        notes, cadence, since, duplicate):
    """Add a contact called NAME (refused when NAME exists, unless --duplicate)."""
    core = app.core
    introducer = _person(app, introduced_by) if introduced_by else None
    cadence_value = _cadence(cadence)
    cid = core.add_contact(
        name, level=level, ladder=ladder, sphere=sphere, company=company, title=title, email=email, phone=phone,
        tags=tags, introduced_by=introducer, birthday=_birthday(birthday), notes=notes,
        cadence_days=None if cadence_value == "unchanged" else cadence_value, date=since,
        new_name_only=not duplicate, url=url,
    )
    card = core.card(cid)
    key, lad = core.ladder(ladder)
    echo(f"Added {card.name} (id {cid}) at {lad.label(card.ranks.get(key))} on the {key} ladder.")


def _birthday(value: str | None) -> str | None:
    """--birthday: the stored forms or what a user types (dates.read_birthday)."""
    from ..dates import read_birthday

    return read_birthday(value)


@click.command()
@click.argument("person")
@click.argument("note", nargs=-1)
@click.option("--kind", "-k", default="note", show_default=True, help="Interaction kind (see `relterm config path`).")
@click.option("--date", "-d", default="today", show_default=True,
              help='When: 2026-11-01, "yesterday", "3 days ago", "last friday".')
@click.option("--force", is_flag=True, help="Log an ask even when their level says it is too early.")
@click.option("--with", "with_", metavar="OTHER",
              help="Someone else who was there (met together): OTHER joins PERSON's circle.")
@click.option("--went-badly", is_flag=True,
              help="It went badly: kept on the entry, and relterm shows who else is touched (whom they came through).")
@follow_up_option
@click.option("--json", "as_json", is_flag=True, help="Print the entry, and any ripple, as JSON.")
@pass_app
def log(app: AppContext, person, note, kind, date, force, with_, went_badly, follow_up, as_json):
    """Log an interaction with PERSON; the rest of the line is the note."""
    core = app.core
    cid = _person(app, person)
    other = _person(app, with_) if with_ else None
    with one_write(core, follow_up):
        event_id = core.log(cid, kind, " ".join(note), date=date, force=force, other=other, went_badly=went_badly)
        ripple = core.intel.ripple_for_event(event_id)
        added = add_all(core, ripple) if follow_up else []
    [event] = core.timeline(cid, event_id=event_id)
    name = core.card(cid).name
    if as_json:
        echo_json({"contact": {"id": cid, "name": name}, "event": event_json(core.config, event),
                   "ripple": ripple_json(core.config, ripple), "follow_ups": [follow_up_json(f) for f in added]})
        return
    badly = " (went badly)" if event.went_badly else ""
    together = f" (with {event.other_name})" if event.other_name else ""
    echo(f"Logged {event.kind} with {name}{together} on {event.date.isoformat()}{badly}.")
    if event.warning:
        echo(f"Warning kept with it: {event.warning}", err=True)
    if asks_for_names(core.config, event.kind, event.went_badly):
        echo(names_hint(name))
    offer(core, ripple, follow_up, added)


def _move(app: AppContext, person: str, step: int, to: str | None, ladder: str | None, reason: str, date: str,
          follow_up: bool | None = None, as_json: bool = False):
    core = app.core
    cid = _person(app, person)
    key, lad = core.ladder(ladder)
    with one_write(core, follow_up):
        before, after = core.change_level(cid, ladder=ladder, to=to, step=step, reason=reason, date=date)
        ripple = core.intel.ripple_after_level_change(cid, key)
        added = add_all(core, ripple) if follow_up else []
    name = core.card(cid).name
    if as_json:
        echo_json({"contact": {"id": cid, "name": name}, "ladder": key, "from": before, "to": after,
                   "ripple": ripple_json(core.config, ripple), "follow_ups": [follow_up_json(f) for f in added]})
        return
    verb = "Promoted" if before is None or after > before else "Demoted"
    echo(f"{verb} {name} on the {key} ladder: {lad.label(before)} -> {lad.label(after)}.")
    level = lad.level(after)
    if level and level.description:
        echo(f"  {level.name}: {level.description}")
    offer(core, ripple, follow_up, added)


_reason = click.option("--reason", "-r", default="", help="Why; kept on the timeline.")
_ladder = click.option("--ladder", help="Which ladder (default: the default ladder).")
_date = click.option("--date", "-d", default="today", help="When the change happened.")


@click.command()
@click.argument("person")
@click.option("--to", "to", metavar="LEVEL", help="Jump to this rank or level name instead of one rung up.")
@_reason
@_ladder
@_date
@follow_up_option
@click.option("--json", "as_json", is_flag=True, help="Print the move, and any ripple, as JSON.")
@pass_app
def promote(app, person, to, reason, ladder, date, follow_up, as_json):
    """Move PERSON one rung up (or --to any rung; a lower one is a demotion, with its ripple)."""
    _move(app, person, +1, to, ladder, reason, date, follow_up, as_json)


@click.command()
@click.argument("person")
@click.option("--to", "to", metavar="LEVEL", help="Jump to this rank or level name instead of one rung down.")
@_reason
@_ladder
@_date
@follow_up_option
@click.option("--json", "as_json", is_flag=True, help="Print the move, and any ripple, as JSON.")
@pass_app
def demote(app, person, to, reason, ladder, date, follow_up, as_json):
    """Move PERSON one rung down (or --to any rung).

    When PERSON came through someone (introduced, named or referred by them),
    relterm shows who else is touched and offers a follow-up with each; see
    --follow-up. Nothing changes on those people unless you say so.
    """
    _move(app, person, -1, to, ladder, reason, date, follow_up, as_json)


@click.command("list")
@click.option("--level", "-l", help="Only this rank or level name.")
@click.option("--ladder", help="Show ranks on this ladder (default: the default ladder).")
@click.option("--sphere", "-s", help="Only this sphere.")
@click.option("--tag", "-t", help="Only contacts with this tag.")
@click.option("--archived", is_flag=True, help="List archived (deleted) contacts instead.")
@click.option("--sort", type=click.Choice(["name", "urgency"]), default="name", show_default=True,
              help="urgency: most overdue first, then soonest due (keep-in-touch cadence).")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON array.")
@pass_app
@paused_gc
def list_(app: AppContext, level, ladder, sphere, tag, archived, sort, as_json):
    """List contacts, with their level, keep-in-touch health and last interaction."""
    core = app.core
    key, lad = core.ladder(ladder)
    rank = core.parse_level(level, key, stored=True) if level is not None else None
    rows = core.rows(ladder=key, rank=rank, sphere=sphere, tag=tag, archived=archived)
    health = core.intel.health(rows, ladder=key)
    if sort == "urgency":
        rows = core.intel.sort_by_urgency(rows, health)
    if as_json:
        ranks = core.all_ranks(None if len(rows) > 500 else [r.id for r in rows])
        echo_json([row_json(core.config, row, ranks.get(row.id, {}), health[row.id]) for row in rows])
        return
    if not rows:
        what = "archived contacts" if archived else "contacts"
        if level or sphere or tag:
            echo(f"No {what} match.")
        else:
            echo("No archived contacts." if archived else "No contacts yet. Add one with `relterm add NAME`.")
        return
    cells = [
        (str(r.id), r.name, lad.label(r.rank), health_short(health[r.id]), r.sphere, r.company,
         _days_ago(r.last_interaction))
        for r in rows
    ]
    echo(table(("ID", "NAME", "LEVEL", "HEALTH", "SPHERE", "COMPANY", "LAST INTERACTION"), cells, flexible=1))
    echo(f"{len(rows)} contact{'s' if len(rows) != 1 else ''}")


@click.command()
@click.argument("person")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON object with the timeline.")
@click.option("--archived", is_flag=True, help="Look among archived contacts.")
@pass_app
def show(app: AppContext, person, as_json, archived):
    """Show PERSON's card and whole timeline, newest first."""
    core = app.core
    cid = _person(app, person, archived=archived)
    card = core.card(cid)
    timeline = core.timeline(cid)
    also_known = core.intel.also_known_through(cid)
    if as_json:
        echo_json(card_json(core.config, card, timeline, core.intel.health_of(cid), core.intel.balance(cid),
                            also_known))
        return
    key, lad = core.ladder()
    rank = card.ranks.get(key)
    level = lad.level(rank) if rank is not None else None
    lines = [f"{card.name}  (id {card.id}){'  [archived]' if card.archived_at else ''}"]
    lines.append(f"  Level:        {lad.label(rank)}" + (f" — {level.description}" if level else ""))
    for other, other_rank in card.ranks.items():
        if other != key and other in core.config.ladders:
            lines.append(f"  {core.config.ladders[other].name + ':':<13} {core.config.ladders[other].label(other_rank)}")
    fields = [
        ("Sphere", card.sphere), ("Company", card.company), ("Title", card.title), ("Email", card.email),
        ("Phone", card.phone), ("Profile", card.url), ("Birthday", card.birthday or ""), ("Tags", ", ".join(card.tags)),
        ("Introduced by", card.introduced_by or ""),
        ("Also through", ", ".join(name for _, name in also_known)),
        ("Cadence", "" if card.cadence_days is None else ("none" if card.cadence_days == 0 else f"{card.cadence_days} days")),
        ("Last contact", _days_ago(card.last_interaction)),
        ("Keep in touch", keep_in_touch_line(core.intel.health_of(card.id))),
        ("Review", f"every {card.review_every_days} days" if card.review_every_days else ""),
        ("Review due", card.review_due.isoformat() if card.review_due else ""),
        ("Give/ask", _balance_line(core.intel.balance(card.id))),
    ]
    for label, value in fields:
        if value:
            lines.append(f"  {label + ':':<13} {value}")
    for detail in card.details:
        lines.append(f"  {(detail.kind + (' ' + detail.label if detail.label else '')) + ':':<13} {detail.value}")
    if card.notes:
        lines.append("  Notes:")
        lines += [f"    {line}" for line in card.notes.splitlines()]
    lines.append("")
    lines.append(f"Timeline ({len(timeline)}):" if timeline else "Timeline: nothing yet.")
    for event in timeline:
        text = event_text(core.config, event)
        lines.append(f"  {event.date.isoformat()}  {event.kind:<17} {text}".rstrip())
        if event.warning:
            lines.append(f"  {'':10}  {'':17} warning: {event.warning}")
    echo("\n".join(lines))


def _balance_line(bal) -> str:
    if not (bal.given or bal.received or bal.asks):
        return ""
    return (f"given {bal.given}, received {bal.received}, asks {bal.asks} (net {bal.net:+d}; "
            f"referrals {bal.referrals_given}/{bal.referrals_received}, "
            f"introductions {bal.intros_given}/{bal.intros_received} given/received)")


@click.command()
@click.option("--ladder", help="Which ladder (default: the default ladder).")
@click.option("--history", is_flag=True, help="Contacts on each rung at the end of each of the last 12 months.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@pass_app
def levels(app: AppContext, ladder, history, as_json):
    """Show the ladder, top rung first, with how many contacts stand on each rung."""
    core = app.core
    key, lad = core.ladder(ladder)
    if history:
        from .intel import level_history

        level_history(core, key, lad, as_json)
        return
    counts = core.level_counts(key)
    items = [
        {"rank": lv.rank, "name": lv.name, "count": counts.get(lv.rank, 0), "cadence_days": lv.cadence_days,
         "description": lv.description, "in_ladder": True}
        for lv in lad.ordered
    ]
    items += [
        {"rank": r, "name": None, "count": n, "cadence_days": None, "description": "", "in_ladder": False}
        for r, n in counts.items() if r not in lad.by_rank
    ]
    items.sort(key=lambda item: item["rank"], reverse=True)
    if as_json:
        echo_json({"ladder": key, "name": lad.name, "levels": items})
        return
    echo(f"{lad.name} ({key})")
    widest = max((item["count"] for item in items), default=0)
    rows = []
    for item in items:
        bar = "█" * (round(20 * item["count"] / widest) if widest else 0)
        cadence = f"every {item['cadence_days']}d" if item["cadence_days"] else ""
        name = item["name"] or "(not in ladder)"
        rows.append((str(item["rank"]), name, str(item["count"]), cadence, bar))
    echo(table(("RANK", "LEVEL", "CONTACTS", "KEEP IN TOUCH", ""), rows, flexible=4))


@click.command()
@click.argument("person")
@click.option("--name", help="New name.")
@click.option("--sphere", "-s", help="New sphere.")
@click.option("--company", "-c", help="Company.")
@click.option("--title", help="Job title.")
@click.option("--email", "-e", help="Email.")
@click.option("--phone", help="Phone.")
@click.option("--url", help='Their profile link (http:// or https://; "" clears it).')
@click.option("--tag", "-t", "tags", multiple=True, help="Add a tag; repeat for several.")
@click.option("--untag", multiple=True, help="Remove a tag.")
@click.option("--introduced-by", "-i", metavar="PERSON", help='Who introduced them ("none" to clear).')
@click.option("--birthday", metavar="DATE", help="YYYY-MM-DD or --MM-DD.")
@click.option("--notes", help="Replace the notes.")
@click.option("--notes-file", metavar="PATH",
              help='Replace the notes with the text of PATH ("-": standard input), e.g. notes too long for an argument.')
@click.option("--cadence", metavar="DAYS", help='Keep-in-touch override: days (1 to 3650), "none" or "default".')
@pass_app
def edit(app: AppContext, person, name, sphere, company, title, email, phone, url, tags, untag, introduced_by, birthday,
         notes, notes_file, cadence):
    """Change PERSON's details."""
    core = app.core
    if notes_file is not None:
        if notes is not None:
            fail("give --notes or --notes-file, not both; nothing was changed")
        notes = _notes_from(notes_file)
    cid = _person(app, person)
    fields = {k: v for k, v in dict(name=name, sphere=sphere, company=company, title=title, email=email, phone=phone,
                                    notes=notes, url=url).items() if v is not None}
    if birthday is not None:
        fields["birthday"] = _birthday(birthday) if birthday.strip() else None
    cadence_value = _cadence(cadence)
    if cadence_value != "unchanged":
        fields["cadence_days"] = cadence_value
    kwargs = {}
    if introduced_by is not None:
        kwargs["introduced_by"] = None if introduced_by.strip().lower() in ("", "none") else _person(app, introduced_by)
    if not fields and not tags and not untag and not kwargs:
        fail("nothing to change; see `relterm edit --help`")
    core.edit_contact(cid, add_tags=tags, remove_tags=untag, **fields, **kwargs)
    echo(f"Updated {core.card(cid).name}.")


NOTES_FILE_MAX = 16 * 2**20  # bytes: far more than anyone writes by hand (the card shows a 10 MB note at once)


def _notes_from(source: str) -> str:
    """The text of ``--notes-file``: a regular file of at most NOTES_FILE_MAX bytes, or standard input ("-")."""
    if source == "-":
        text = sys.stdin.read(NOTES_FILE_MAX + 1)  # valid UTF-8 or one line (streams.guard)
        if len(text) > NOTES_FILE_MAX:
            fail(f"standard input holds more than {NOTES_FILE_MAX // 2**20} MiB: notes can be at most that; "
                 "nothing was changed")
        return text
    from ..io.common import read_text_limited

    return read_text_limited(Path(source), NOTES_FILE_MAX, what="notes")


@click.command()
@click.argument("person")
@click.option("--yes", "-y", is_flag=True, help="Do not ask for confirmation.")
@pass_app
def delete(app: AppContext, person, yes):
    """Archive PERSON (with their timeline); `relterm restore` brings them back."""
    core = app.core
    cid = _person(app, person)
    name = core.card(cid).name
    if not yes:
        if not sys.stdin.isatty():
            fail(f"not deleting {name} without confirmation; pass --yes")
        if not click.confirm(f"Archive {clean(name)} (id {cid}) and their timeline?", default=False):
            echo("Nothing changed.")
            return
    core.archive(cid)
    echo(f"Archived {name}. `relterm restore {cid}` brings them back; `relterm list --archived` lists the archive.")


@click.command()
@click.argument("person")
@pass_app
def restore(app: AppContext, person):
    """Bring an archived PERSON back, with their whole timeline."""
    core = app.core
    cid = _person(app, person, archived=True)
    core.restore(cid)
    echo(f"Restored {core.card(cid).name}.")


@click.command()
@click.argument("path", type=click.Path(dir_okay=True, writable=True))
@pass_app
def backup(app: AppContext, path):
    """Copy the database to PATH (safe while the app is open)."""
    dest = app.core.backup(path)
    echo(f"Backed up {app.database} to {dest}.")
