"""`relterm import` and `relterm export`."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from .context import AppContext
from ..sanitize import escape_json_text
from .output import echo

pass_app = click.make_pass_decorator(AppContext)

# Show a progress bar from this many records on, and only on a terminal.
PROGRESS_FROM = 300


@click.command("import")
@click.argument("source", metavar="FILE_OR_DIR", type=click.Path(dir_okay=True, path_type=Path))  # checked by run_import, in one line
@click.option("--format", "fmt", default="auto", show_default=True,
              type=click.Choice(["auto", "vcard", "google-csv", "linkedin-csv", "relterm-csv", "json"]),
              help="What the file is; auto tells vCards, Google and LinkedIn CSVs, relterm's CSV and backups apart.")
@click.option("--ladder", help="Ladder to place imported contacts on (with --level).")
@click.option("--level", "-l", help="Rank or level name for the imported contacts (default: the ladder's starting rung).")
@click.option("--sphere", "-s", help="Sphere for imported contacts whose file does not say.")
@click.option("--tag", "-t", "tags", multiple=True, help="Tag every imported contact; repeat for several.")
@click.option("--update", is_flag=True, help="Where a contact exists and the file differs, take the file's value.")
@click.option("--replace", is_flag=True, help="JSON backups: replace everything in a non-empty database.")
@click.option("--dry-run", "-n", is_flag=True, help="Check and count everything, write nothing.")
@click.option("--all", "show_all", is_flag=True, help="List every skipped record and warning, not only the first 50.")
@pass_app
def import_(app: AppContext, source, fmt, ladder, level, sphere, tags, update, replace, dry_run, show_all):
    """Import contacts from a vCard file, a vdir of .vcf files, a Google or LinkedIn CSV,
    relterm's CSV, or a relterm JSON backup.

    Contacts already present (same UID, same email, or same name and company)
    are merged: empty fields are filled, differing ones reported and kept
    (unless --update). Importing the same file twice changes nothing. People
    who share a name stay apart (a record with its own UID, or other emails,
    is never merged on the name alone). Archived contacts a record matched are
    listed. Bad cards or rows are reported and skipped; the import is one
    transaction.
    """
    from ..io import run_import

    core = app.core
    bar = None
    state = {"shown": 0}

    def progress(done: int, total: int) -> None:
        nonlocal bar
        if bar is None:
            if total < PROGRESS_FROM or not sys.stderr.isatty():
                return
            bar = click.progressbar(length=total, label="Importing", file=sys.stderr)
            bar.__enter__()
        bar.update(done - state["shown"])
        state["shown"] = done

    try:
        summary = run_import(core, source, format=fmt, ladder=ladder, level=level, sphere=sphere, tags=tags,
                             update=update, replace=replace, dry_run=dry_run, progress=progress)
    finally:
        if bar is not None:
            bar.__exit__(None, None, None)
    echo("\n".join(summary.lines(limit=None if show_all else 50)))


@click.command("export")
@click.option("--format", "fmt", required=True, type=click.Choice(["vcard", "vdir", "csv", "json", "ics"]),
              help="vcard: one vCard 3.0 file; vdir: a directory with one .vcf per contact (khard, vdirsyncer); "
                   "csv: relterm's CSV; json: the whole database; ics: birthdays, keep-in-touch and review dates.")
@click.option("-o", "--output", type=click.Path(path_type=Path),
              help="File (or directory, for vdir) to write; without it, single-file formats go to stdout.")
@click.option("--level", "-l", help="Only this rank or level name.")
@click.option("--ladder", help="Ladder for --level (default: the default ladder).")
@click.option("--sphere", "-s", help="Only this sphere.")
@click.option("--tag", "-t", help="Only contacts with this tag.")
@pass_app
def export_(app: AppContext, fmt, output, level, ladder, sphere, tag):
    """Export contacts (all active ones, or those the filters select, as in `relterm list`).

    Files are created readable by you only. `relterm import` reads every format
    back except ics.
    """
    from ..io import export

    text, count = export(app.core, fmt, output, level=level, ladder=ladder, sphere=sphere, tag=tag)
    if output is None:
        # vCard, CSV and iCalendar lines end in CRLF; JSON keeps every character, escaped.
        echo(escape_json_text(text) if fmt == "json" else text, nl=False, crlf=True)
        return
    what = "the database" if fmt == "json" else f"{count} contact{'s' if count != 1 else ''}"
    echo(f"Exported {what} to {output} ({fmt}).", err=True)
