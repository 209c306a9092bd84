"""`relterm duplicates` and `relterm merge`: find likely duplicates, merge two contacts, undo the last merge."""

from __future__ import annotations

import sys

import click

from . import fail
from .context import AppContext
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


def preview_lines(core, plan) -> list[str]:
    """The merge preview, one line each (also what the command prints after merging)."""
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
        lad = core.config.ladders.get(ladder)
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
    lines = preview_lines(core, plan)
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
