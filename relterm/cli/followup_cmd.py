"""The ripple of a referral on the command line: the lines after a demotion or an interaction that went
badly, and the follow-ups (`relterm follow-up`, `relterm follow-ups`)."""

from __future__ import annotations

import shlex
import sys
from typing import Optional, Sequence

import click

from ..errors import RelTermError
from ..present import follow_up_json, follow_up_line, ripple_heading, ripple_line, ripple_reason
from . import fail
from .context import AppContext
from .output import clean, echo, echo_json, table

pass_app = click.make_pass_decorator(AppContext)

follow_up_option = click.option(
    "--follow-up/--no-follow-up", "follow_up", default=None,
    help="When it touches the people they came through: add a follow-up with each of them to the agenda "
         "(--no-follow-up: don't, and don't ask). Without either, relterm asks at a terminal and only "
         "says how otherwise.")


def _named(core, cid: int, name: str) -> str:
    """How to name contact ``cid`` on a command line: the name when it finds them alone, else the id."""
    try:
        if core.resolve(name) == cid:
            return shlex.quote(name)
    except RelTermError:
        pass
    return str(cid)


def interactive() -> bool:
    return sys.stdin.isatty() and sys.stdout.isatty()


def one_write(core, follow_up: Optional[bool]):
    """With --follow-up the change and its follow-ups are one transaction: all written or none. Otherwise
    the change is written first (no lock is held while the user is asked)."""
    from contextlib import nullcontext

    from .. import store

    return store.write(core.db) if follow_up else nullcontext()


def add_all(core, ripple) -> list:
    """A follow-up with everyone ``ripple`` touches who has none open about the person (--follow-up)."""
    if ripple is None:
        return []
    reason = ripple_reason(core.config, ripple)
    added = []
    for item in ripple.touched:
        if item.open_follow_up is None:
            fid, _ = core.intel.add_follow_up(item.contact_id, about=ripple.contact_id, reason=reason,
                                              trigger=ripple.trigger, event_id=ripple.event.id)
            added.append(core.intel.follow_up(fid))
    return added


def offer(core, ripple, choice: Optional[bool], added: Sequence = ()) -> None:
    """Show ``ripple`` and the follow-ups ``added`` already (--follow-up); otherwise, unless ``choice`` is
    False, ask at a terminal whether to add each (a no, escape or ctrl+c adds nothing more), or say how
    elsewhere. Nothing about the people touched changes but the follow-ups added."""
    if ripple is None:
        return
    echo(f"{ripple_heading(core.config, ripple)}; this touches who they came through:")
    for item in ripple.touched:
        echo(f"  {ripple_line(core.config, ripple.name, item)}")
    for follow in added:
        echo(f"Added follow-up {follow.id} with {follow.name} about {ripple.name}; `relterm due` lists it.")
    waiting = [item for item in ripple.touched if item.open_follow_up is None]
    if not waiting or choice is not None:
        return
    if not interactive():
        about = _named(core, ripple.contact_id, ripple.name)
        for item in waiting:
            echo(f"  To follow up: relterm follow-up {_named(core, item.contact_id, item.name)} --about {about}")
        echo("  Nothing was changed on them.")
        return
    reason = ripple_reason(core.config, ripple)
    for item in waiting:
        try:
            yes = click.confirm(clean(f"Add a follow-up with {item.name} about {ripple.name} to the agenda?"),
                                default=False)
        except click.Abort:  # ctrl+c or end of input at the question: what was written stays, nothing more
            echo("")
            echo("No more follow-ups added.")
            return
        if yes:
            fid, _ = core.intel.add_follow_up(item.contact_id, about=ripple.contact_id, reason=reason,
                                              trigger=ripple.trigger, event_id=ripple.event.id)
            echo(f"Added follow-up {fid} with {item.name} about {ripple.name}; `relterm due` lists it.")


@click.command("follow-up")
@click.argument("person", required=False)
@click.option("--about", "-a", metavar="PERSON", help="Whom the follow-up is about (someone they brought you).")
@click.option("--reason", "-r", default="", help="Why; shown on the agenda.")
@click.option("--done", "done", metavar="ID", help="Mark follow-up ID done instead.")
@click.option("--dismiss", "dismiss", metavar="ID", help="Dismiss follow-up ID instead (not worth doing).")
@click.option("--reopen", "reopen", metavar="ID", help="Open a done or dismissed follow-up ID again.")
@click.option("--json", "as_json", is_flag=True, help="Print the follow-up as JSON.")
@pass_app
def follow_up(app: AppContext, person, about, reason, done, dismiss, reopen, as_json):
    """Add a follow-up with PERSON to the agenda (about --about), or close one by id.

    `relterm follow-up "Tom Becker" --about Sam` adds one; `--done ID`,
    `--dismiss ID` and `--reopen ID` change one (`relterm follow-ups` lists
    the ids). Nothing else about PERSON changes.
    """
    core = app.core
    closing = [(value, status) for value, status in ((done, "done"), (dismiss, "dismissed"), (reopen, "open"))
               if value is not None]
    if closing:
        if len(closing) > 1 or person or about or reason:
            fail("--done, --dismiss and --reopen take a follow-up id alone; give one of them")
        [(value, status)] = closing
        result = core.intel.close_follow_up(value, status)
        if as_json:
            echo_json(follow_up_json(result))
            return
        verb = {"done": "Marked done", "dismissed": "Dismissed", "open": "Opened again"}[status]
        echo(f"{verb}: {follow_up_line(core.config, result)}.")
        return
    if not person:
        fail("say whom to follow up with: `relterm follow-up PERSON --about OTHER` (or --done ID)")
    cid = core.resolve(person)
    about_id = core.resolve(about) if about else None
    fid, created = core.intel.add_follow_up(cid, about=about_id, reason=reason)
    result = core.intel.follow_up(fid)
    if as_json:
        echo_json({**follow_up_json(result), "new": created})
        return
    if created:
        echo(f"Added follow-up {fid}: {follow_up_line(core.config, result)}. `relterm due` lists it.")
    else:
        echo(f"Follow-up {fid} is already open: {follow_up_line(core.config, result)}; nothing added.")


@click.command("follow-ups")
@click.argument("person", required=False)
@click.option("--all", "show_all", is_flag=True, help="Also those done or dismissed.")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON array.")
@pass_app
def follow_ups(app: AppContext, person, show_all, as_json):
    """List the open follow-ups (with PERSON only, when given), oldest first."""
    core = app.core
    cid = core.resolve(person) if person else None
    items = core.intel.follow_ups(status=None if show_all else "open", contact=cid)
    if as_json:
        echo_json([follow_up_json(item) for item in items])
        return
    if not items:
        echo("No follow-ups." if show_all else "No open follow-ups.")
        return
    echo(follow_ups_table(core, items, status=show_all))


def follow_ups_table(core, items, *, status: bool = False) -> str:
    """The follow-ups as a table (``follow-ups``, the agenda's own section in ``due``)."""
    lad = core.config.ladder
    headers = ("ID", "WITH", "LEVEL", "ABOUT", "ADDED") + (("STATUS",) if status else ()) + ("WHY",)
    rows = [
        (str(f.id), f.name, lad.label(f.rank), f.about or "", f.created.isoformat() if f.created else "")
        + ((f.status + (f" {f.closed_on.isoformat()}" if f.closed_on else ""),) if status else ())
        + (f.reason,)
        for f in items
    ]
    return table(headers, rows, flexible=len(headers) - 1)
