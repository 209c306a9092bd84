"""`relterm sync` and `relterm sync init`: two-way contact sync through vdirsyncer."""

from __future__ import annotations

import os
import sys

import click

from .context import AppContext
from ..present import sync_status_lines, sync_summary
from ..sync.state import AGENDA_DAYS, DEFAULT_AGENDA_DAYS
from .output import echo, echo_json

pass_app = click.make_pass_decorator(AppContext)
PASSWORD_ENV = "RELTERM_SYNC_PASSWORD"


def _paths(app: AppContext):
    from ..sync import SyncPaths

    return SyncPaths.for_database(app.database, app.config_path)


@click.group("sync", invoke_without_command=True)
@click.option("--dry-run", "-n", is_flag=True, help="Say what would change; write nothing, run nothing.")
@click.option("--status", "show_status", is_flag=True, help="Last sync, counts, conflicts and skipped cards.")
@click.option("--no-vdirsyncer", is_flag=True, help="Only bring the vdirs and the database in step; do not run vdirsyncer.")
@click.option("--prefer", type=click.Choice(["relterm", "phone"]),
              help="Who wins a field changed on both sides this time (default: the setting, relterm).")
@click.option("--json", "as_json", is_flag=True, help="--status as JSON.")
@click.option("--all", "show_all", is_flag=True, help="List every change, not only the first 50.")
@click.pass_context
def sync(ctx: click.Context, dry_run, show_status, no_vdirsyncer, prefer, as_json, show_all):
    """Sync contacts both ways with a CardDAV server and the agenda to a calendar, through vdirsyncer.

    1. reads what changed in the contacts vdir (edits, new cards, deletions);
    2. applies it to the database, reporting each change;
    3. writes the cards of contacts changed in relterm;
    4. writes the agenda vdir (one event with a reminder per agenda item);
    5. runs `vdirsyncer sync` (unless --no-vdirsyncer), then 1-4 again for what came down.

    A field both sides changed keeps relterm's value (or the phone's, with
    prefer: phone in sync.yaml or --prefer phone); the other value goes on
    the contact's timeline. A card deleted on the phone archives the contact.
    """
    if ctx.invoked_subcommand is not None:
        return
    app: AppContext = ctx.obj
    from .. import sync as _sync

    paths = _paths(app)
    if show_status:
        info = _sync.status(paths)
        if as_json:
            echo_json(info)
            return
        for line in sync_status_lines(info):
            echo(line)
        return
    settings = _sync.load(paths)
    core = app.core
    progress = (lambda text: echo(f"{text}...", err=True)) if sys.stderr.isatty() else None
    report = _sync.run_sync(core, paths, settings, dry_run=dry_run, use_vdirsyncer=not no_vdirsyncer,
                            prefer=prefer, progress=progress)
    limit = None if show_all else 50
    lines = report.lines if limit is None else report.lines[:limit]
    for line in lines:
        echo(("would: " if dry_run else "") + line)
    if limit is not None and len(report.lines) > limit:
        echo(f"... and {len(report.lines) - limit} more (--all lists them)")
    for problem in report.problems:
        echo(f"skipped: {problem}", err=True)
    echo(sync_summary(report))
    if report.vdirsyncer_error:
        from .group import fail

        fail(f"{report.vdirsyncer_error}; relterm's vdirs are up to date, run `relterm sync` again")


@sync.command("init")
@click.option("--url", help="The address book's CardDAV URL (asked when not given).")
@click.option("--calendar-url", help="A CalDAV calendar for the agenda (a new, empty one: relterm owns it).")
@click.option("--username", "-u", default="", help="User name on the server.")
@click.option("--password-command", help="A command printing the password (e.g. 'pass show dav'); "
                                         f"else ${PASSWORD_ENV} is written into the 0600 config, else none.")
@click.option("--prefer", type=click.Choice(["relterm", "phone"]), default="relterm", show_default=True,
              help="Who wins a field both sides changed since the last sync.")
@click.option("--agenda-days", type=click.IntRange(*AGENDA_DAYS), default=DEFAULT_AGENDA_DAYS, show_default=True,
              help="How many days ahead the agenda calendar reaches.")
@click.option("--force", is_flag=True, help="Replace an existing vdirsyncer config.")
@pass_app
def init(app: AppContext, url, calendar_url, username, password_command, prefer, agenda_days, force):
    """Write a vdirsyncer config beside relterm's config and create the contacts/ and agenda/ vdirs."""
    from .. import sync as _sync

    if not url:
        if not sys.stdin.isatty():
            from .group import fail

            fail("say where to sync: --url https://server/path/to/addressbook/")
        from .output import clean

        url = click.prompt(clean("Address book URL (CardDAV)"))
        calendar_url = calendar_url or click.prompt(clean("Calendar URL for the agenda (CalDAV, empty: none)"),
                                                    default="", show_default=False) or None
        username = username or click.prompt(clean("User name"), default="", show_default=False)
    password = os.environ.get(PASSWORD_ENV) if not password_command else None
    paths = _paths(app)
    written = _sync.setup(paths, url, calendar_url=calendar_url, username=username, password=password,
                          password_command=password_command, prefer=prefer, agenda_days=agenda_days, force=force,
                          database=app.database)
    echo(f"vdirsyncer config: {written[0]}")
    echo(f"sync settings:     {written[1]}")
    echo(f"contacts vdir:     {written[2]}")
    echo(f"agenda vdir:       {written[3]}")
    echo("Next: `relterm sync` (it runs vdirsyncer discover the first time).")
