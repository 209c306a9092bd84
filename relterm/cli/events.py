"""`relterm event`: fix a timeline entry (edit, delete) and undo the last fix."""

from __future__ import annotations

import sys

import click

from . import fail
from .context import AppContext
from ..present import event_text
from .output import clean, echo

pass_app = click.make_pass_decorator(AppContext)


def _line(core, entry) -> str:
    return f"{entry.date.isoformat()}  {entry.kind}  {event_text(core.config, entry)}".rstrip()


def _confirm(question: str, yes: bool, refusal: str) -> bool:
    if yes:
        return True
    if not sys.stdin.isatty():
        fail(f"{refusal} without confirmation; pass --yes")
    return click.confirm(clean(question), default=False)


@click.group()
def event() -> None:
    """Edit or delete a timeline entry, by the id `relterm show NAME --json` prints.

    The last edit or delete can be taken back with `relterm event undo`. A
    contact's level is the latest level change on each ladder: deleting or
    re-dating one moves the level with it; the entry that placed them on a
    ladder stays first and cannot be deleted.
    """


@event.command()
@click.argument("event_id", metavar="ID")
@click.option("--date", "-d", metavar="DATE", help="The new date (what happened cannot be after today).")
@click.option("--kind", "-k", help="The new interaction kind (level changes keep theirs).")
@click.option("--summary", "-s", metavar="TEXT", help="The new text (a level change's reason).")
@click.option("--went-badly/--went-well", "went_badly", default=None,
              help="Flag the interaction as one that went badly, or take the flag off.")
@click.option("--yes", "-y", is_flag=True, help="Do not ask for confirmation.")
@pass_app
def edit(app: AppContext, event_id, date, kind, summary, went_badly, yes):
    """Change the date, kind or text of timeline entry ID, or whether it went badly."""
    core = app.core
    if date is None and kind is None and summary is None and went_badly is None:
        fail("nothing to change: give --date, --kind, --summary or --went-badly/--went-well")
    entry = core.timeline_entry(event_id)
    name = core.card(entry.contact_id).name
    if not _confirm(f"Change {name}'s entry {entry.id} ({_line(core, entry)})?", yes, "not changing the entry"):
        echo("Nothing changed.")
        return
    after = core.edit_event(entry.id, date=date, kind=kind, summary=summary, went_badly=went_badly)
    echo(f"Changed {name}'s entry {after.id}: {_line(core, after)}. `relterm event undo` takes it back.")
    _level_note(core, entry)


@event.command()
@click.argument("event_id", metavar="ID")
@click.option("--yes", "-y", is_flag=True, help="Do not ask for confirmation.")
@pass_app
def delete(app: AppContext, event_id, yes):
    """Delete timeline entry ID (`relterm event undo` brings it back)."""
    core = app.core
    entry = core.timeline_entry(event_id)
    name = core.card(entry.contact_id).name
    if not _confirm(f"Delete {name}'s entry {entry.id} ({_line(core, entry)})?", yes, "not deleting the entry"):
        echo("Nothing changed.")
        return
    core.remove_event(entry.id)
    echo(f"Deleted {name}'s entry {entry.id} ({_line(core, entry)}). `relterm event undo` brings it back.")
    _level_note(core, entry)


@event.command()
@pass_app
def undo(app: AppContext):
    """Take back the last timeline edit or delete."""
    core = app.core
    action, entry = core.undo_event_change()
    name = core.card(entry.contact_id).name
    what = "Restored" if action == "delete" else "Undid the edit of"
    echo(f"{what} {name}'s entry {entry.id}: {_line(core, entry)}.")
    _level_note(core, entry)


def _level_note(core, entry) -> None:
    if not entry.is_level_change or entry.ladder not in core.config.ladders:
        return
    card = core.card(entry.contact_id)
    lad = core.config.ladders[entry.ladder]
    echo(f"{card.name} is now at {lad.label(card.ranks.get(entry.ladder))} on the {entry.ladder} ladder.")
