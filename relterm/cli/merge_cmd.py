"""`relterm duplicates` and `relterm merge`: find likely duplicates, merge two contacts, undo the last merge."""

from __future__ import annotations

import sys

import click

from . import fail
from .context import AppContext
from ..present import merge_preview_lines
from .output import clean, echo, echo_json, table

pass_app = click.make_pass_decorator(AppContext)


@click.command()
@click.option("--json", "as_json", is_flag=True, help="Print a JSON array of pairs with their evidence.")
@pass_app
def duplicates(app: AppContext, as_json):
    """List likely duplicates: the same email or phone, the same name, near-identical names."""
    from ..merge import find_duplicates

    pairs = find_duplicates(app.core)
    if as_json:
        echo_json([{"a": {"id": p.a_id, "name": p.a_name}, "b": {"id": p.b_id, "name": p.b_name},
                    "evidence": list(p.evidence)} for p in pairs])
        return
    if not pairs:
        echo("No likely duplicates.")
        return
    echo(table(("A", "B", "EVIDENCE"), [(f"{p.a_name} (id {p.a_id})", f"{p.b_name} (id {p.b_id})",
                                          "; ".join(p.evidence)) for p in pairs], flexible=2))
    echo(f"{len(pairs)} pair{'s' if len(pairs) != 1 else ''}; `relterm merge A B` shows what merging B into A does.")


@click.command()
@click.argument("keep", metavar="A", required=False)
@click.argument("other", metavar="B", required=False)
@click.option("--yes", "-y", is_flag=True, help="Merge without asking after the preview.")
@click.option("--undo", is_flag=True, help="Put back both contacts of the last merge.")
@pass_app
def merge(app: AppContext, keep, other, yes, undo):
    """Merge contact B into contact A, after a preview: one contact with both timelines.

    A keeps its name; its empty fields are filled from B, B's email and phone
    are kept as further details, tags and notes are joined; on every ladder
    the higher rank wins (a level-change entry says why); people B introduced
    and entries naming B point to A. B is archived with its own level history.
    `relterm merge --undo` puts both back, until the next merge.
    """
    from .. import merge as merging

    core = app.core
    if undo:
        if keep or other:
            fail("--undo takes no contacts: it undoes the last merge")
        last = merging.last_merge(core)
        if last is None:
            fail("no merge to undo (only the last merge can be undone, once)")
        if not yes and sys.stdin.isatty() and not click.confirm(
                clean(f"Undo the merge of {last[3]} (id {last[2]}) into {last[1]} (id {last[0]})?"), default=False):
            echo("Nothing changed.")
            return
        merging.undo_merge(core)
        echo(f"Undid the merge: {last[1]} (id {last[0]}) and {last[3]} (id {last[2]}) are as they were.")
        return
    if not keep or not other:
        fail("say which two contacts: `relterm merge A B` merges B into A (`relterm duplicates` lists likely pairs)")
    a, b = core.resolve(keep), core.resolve(other)
    plan = merging.plan_merge(core, a, b)
    lines = merge_preview_lines(core.config, plan)
    if not yes:
        echo("\n".join(lines))
        if not sys.stdin.isatty():
            fail("not merging without confirmation; pass --yes")
        if not click.confirm("Merge?", default=False):
            echo("Nothing changed.")
            return
    merging.merge(core, a, b)
    if yes:
        echo("\n".join(lines))
    echo(f"Merged {plan.other_name} into {plan.keep_name} (id {plan.keep_id}). "
         "`relterm merge --undo` puts both back, until the next merge.")
