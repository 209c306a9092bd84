"""Circles of influence: who introduced whom, the names you were given, and reach.

An introduction links two contacts through ``Contact.introduced_by``. It
goes on both timelines: the introducer's as an ``introduced`` interaction
(they introduced you to someone; it counts as received in the give/ask
ledger) with the new person as ``other``, and the new person's as an
``introduced-by`` entry, which is not an interaction with them. A name you
did not know yet becomes a contact at the ladder's introduced rung, marked
*to contact* until the first interaction with them is logged.

The forest of introductions (roots: people you met without one) and the
reach of each contact (everyone below them, however deep) come from one
query over ``(id, introduced_by)`` pairs.
"""

from __future__ import annotations

import datetime as dt
from typing import Iterable, Optional

from .. import store
from ..clock import now as _now
from ..dates import as_date, parse_date
from ..domain import INTRODUCED_BY, LEVEL_CHANGE
from ..errors import AmbiguousError, InputError
from ..rules import counts_as_contact
from ..sanitize import clean_line, clean_text
from ..store import Contact, Event
from .model import GivenName, IntroNode, IntroResult, PathStep, Reach

INTRODUCED = "introduced"  # the introducer's timeline: they introduced you to someone


def parse_names(text: str | Iterable[str]) -> list[tuple[str, str]]:
    """(name, note) per non-blank line; "Name: note" carries a note. Repeated names are dropped."""
    lines = text.splitlines() if isinstance(text, str) else list(text)
    result: list[tuple[str, str]] = []
    seen: set[str] = set()
    for line in lines:
        name, _, note = str(line).partition(":")
        name = clean_line(name)
        if not name or name.lower() in seen:
            continue
        seen.add(name.lower())
        result.append((name, clean_line(note)))
    return result


def _find_exact(core, name: str) -> Optional[int]:
    """The active contact called exactly ``name`` (any case), or a "#id" / all-digit id; None when new.

    As ``Core.resolve``: only ASCII digits make an id, and digits that are one contact's id and
    another's name are ambiguous."""
    text = name[1:] if name.startswith("#") else name
    by_id = None
    if text.isascii() and text.isdigit():
        if len(text) <= 19 and int(text) < 2**63:
            by_id = Contact.select(Contact.id, Contact.name).where(
                (Contact.id == int(text)) & Contact.archived_at.is_null()).tuples().first(core.db)
        if by_id is None and name.startswith("#"):
            raise InputError(f"no contact with id {text if len(text) <= 30 else text[:27] + '...'}")
        if by_id is not None and name.startswith("#"):
            return by_id[0]
    rows = list(
        core.db.execute_sql(
            "SELECT id, name FROM contact WHERE archived_at IS NULL AND name = ? COLLATE NOCASE ORDER BY id", (name,)
        )
    )
    if by_id is not None:
        others = [(cid, n) for cid, n in rows if cid != by_id[0]]
        if others:
            raise AmbiguousError(name, [(by_id[0], f"{by_id[1]}, whose id is {text}")] + others)
        return by_id[0]
    if len(rows) > 1:
        raise AmbiguousError(name, [(cid, n) for cid, n in rows])
    return rows[0][0] if rows else None


def introduce(
    core, introducer: int, name: str, *, note: str = "", date: dt.date | str | None = None
) -> IntroResult:
    """Record that ``introducer`` introduced you to (or named) ``name``; see the module text."""
    return introduce_many(core, introducer, [(name, note)], date=date)[0]


def introduce_many(
    core,
    introducer: int,
    names: str | Iterable[str] | Iterable[tuple[str, str]],
    *,
    date: dt.date | str | None = None,
) -> list[IntroResult]:
    """Record several names from one person at once, all or nothing.

    ``names`` is text with one name per line ("Name: note" adds a note), a
    list of such lines, or (name, note) pairs.
    """
    items = list(names) if not isinstance(names, str) else names
    if isinstance(items, list) and items and isinstance(items[0], tuple):
        pairs = [(clean_line(n), clean_line(note or "")) for n, note in items]
        pairs = [(n, note) for n, note in pairs if n]
    else:
        pairs = parse_names(items)
    if not pairs:
        raise InputError("give at least one name")
    source = core.contact_record(introducer)
    when = parse_date(date, past=True)
    lad_key, lad = core.ladder()
    kind_known = INTRODUCED in core.config.kinds
    direction = core.config.kind(INTRODUCED).direction if kind_known else "received"
    results: list[IntroResult] = []
    now = _now()
    with store.write(core.db):
        for name, note in pairs:
            existing = _find_exact(core, name)
            created = False
            introducer_set = False
            if existing == introducer:
                raise InputError(f"{source.name} cannot have introduced themselves")
            if existing is None:
                cid = core.add_contact(
                    name, introduced_by=introducer, to_contact=True, date=when,
                    reason=f"introduced by {source.name}",
                )
                created = True
                introducer_set = True
                display = clean_line(name)
            else:
                cid = existing
                contact = core.contact_record(cid)
                display = contact.name
                if contact.introduced_by_id is None:
                    core.check_introducer(cid, introducer)
                    Contact.update(introduced_by=introducer, updated_at=now).where(Contact.id == cid).execute()
                    introducer_set = True
            suffix = f": {note}" if note else ""
            event = Event.create(
                contact=introducer, date=when, kind=INTRODUCED, summary=clean_text(f"introduced you to {display}{suffix}"),
                direction=direction, other=cid, created_at=now,
            )
            Event.create(
                contact=cid, date=when, kind=INTRODUCED_BY, summary=clean_text(f"{source.name} introduced you{suffix}"),
                other=introducer, created_at=now,
            )
            results.append(IntroResult(cid, display, created, introducer_set, event.id))
        # Hearing names from someone is an interaction with them (unless levels.yaml says otherwise).
        updates: dict = {"updated_at": now}
        if counts_as_contact(core.config, INTRODUCED):
            updates["to_contact"] = False
            last = as_date(source.last_interaction)
            if last is None or when > last:
                updates["last_interaction"] = when
        Contact.update(updates).where(Contact.id == introducer).execute()
    return results


def names_given(core, cid: int) -> list[GivenName]:
    """The names ``cid`` gave you (introduced_by them, or an introduction recorded), oldest first."""
    core.contact_record(cid)
    db = core.db
    dates: dict[int, dt.date] = {}
    for other, date in db.execute_sql(
        "SELECT other_id, MIN(date) FROM event WHERE contact_id = ? AND kind = ? AND other_id IS NOT NULL "
        "GROUP BY other_id",
        (cid, INTRODUCED),
    ):
        dates[other] = as_date(date)
    marks = ",".join("?" * len(dates)) or "NULL"
    rows = db.execute_sql(
        "SELECT c.id, c.name, c.to_contact, c.last_interaction, "
        " (SELECT MIN(e.date) FROM event e WHERE e.contact_id = c.id AND e.kind = ?), l.rank "
        "FROM contact c LEFT JOIN contact_level l ON l.contact_id = c.id AND l.ladder = ? "
        f"WHERE c.archived_at IS NULL AND (c.introduced_by_id = ? OR c.id IN ({marks}))",
        [LEVEL_CHANGE, core.config.default_ladder, cid, *dates],
    )
    result = [
        GivenName(other, name, dates.get(other) or as_date(added), not to_contact, rank, as_date(last))
        for other, name, to_contact, last, added, rank in rows
        if other != cid
    ]
    result.sort(key=lambda g: (g.date, g.name.lower()))
    return result


def path_to(core, cid: int) -> list[PathStep]:
    """The chain of introductions that led to ``cid``, from the first person down to them."""
    core.contact_record(cid)
    db = core.db
    steps: list[PathStep] = []
    seen: set[int] = set()
    current: Optional[int] = cid
    while current is not None and current not in seen:
        seen.add(current)
        row = db.execute_sql(
            "SELECT name, introduced_by_id, archived_at FROM contact WHERE id = ?", (current,)
        ).fetchone()
        if row is None:
            break
        steps.append(PathStep(current, row[0], row[2] is not None))
        current = row[1]
    steps.reverse()
    return steps


class IntroForest:
    """The introduction trees over active contacts.

    Archived contacts are left out; people they introduced hang from the
    nearest active ancestor (or become roots), so counts stay honest.
    """

    def __init__(self, core):
        db = core.db
        rows = db.execute_sql(
            "SELECT c.id, c.name, c.introduced_by_id, c.archived_at IS NOT NULL, c.to_contact, l.rank "
            "FROM contact c LEFT JOIN contact_level l ON l.contact_id = c.id AND l.ladder = ?",
            (core.config.default_ladder,),
        ).fetchall()
        parent_of = {cid: parent for cid, _, parent, _, _, _ in rows}
        archived = {cid for cid, _, _, arch, _, _ in rows if arch}
        self._info = {cid: (name, rank, bool(tc)) for cid, name, _, arch, tc, rank in rows if not arch}

        def active_parent(cid: int) -> Optional[int]:
            parent = parent_of.get(cid)
            hops = 0
            while parent is not None and parent in archived and hops < 10_000:
                parent = parent_of.get(parent)
                hops += 1
            return parent if parent in self._info else None

        children: dict[int, list[int]] = {}
        roots: list[int] = []
        for cid in self._info:
            parent = active_parent(cid) if parent_of.get(cid) is not None else None
            if parent is None or parent == cid:
                roots.append(cid)
            else:
                children.setdefault(parent, []).append(cid)
        self._children = children
        # Subtree sizes, iteratively (post-order), safe against any cycle in old data.
        total: dict[int, int] = {}
        visited: set[int] = set()
        root_set = set(roots)
        for root in roots + [c for c in children if c not in root_set]:
            if root in visited:
                continue
            stack = [(root, False)]
            while stack:
                node, done = stack.pop()
                if done:
                    total[node] = sum(1 + total.get(child, 0) for child in children.get(node, ()))
                    continue
                if node in visited:
                    continue
                visited.add(node)
                stack.append((node, True))
                stack.extend((child, False) for child in children.get(node, ()) if child not in visited)
        self._total = total
        # Contacts caught in a cycle (never reachable from a root) are shown as roots.
        roots += [cid for cid in self._info if cid not in visited]
        self._roots = roots

    def node(self, cid: int) -> IntroNode:
        name, rank, to_contact = self._info[cid]
        return IntroNode(cid, name, rank, to_contact, len(self._children.get(cid, ())), self._total.get(cid, 0))

    def _sorted(self, ids: Iterable[int]) -> list[IntroNode]:
        nodes = [self.node(cid) for cid in ids]
        nodes.sort(key=lambda n: (-n.total, n.name.lower(), n.contact_id))
        return nodes

    def roots(self, *, with_children_only: bool = False) -> list[IntroNode]:
        """People met without an introduction, widest subtree first."""
        ids = [r for r in self._roots if self._children.get(r)] if with_children_only else self._roots
        return self._sorted(ids)

    def children(self, cid: int) -> list[IntroNode]:
        """The people ``cid`` introduced you to, widest subtree first."""
        return self._sorted(self._children.get(cid, ()))

    def total(self, cid: int) -> int:
        return self._total.get(cid, 0)

    def reach(self, limit: Optional[int] = None) -> list[Reach]:
        """Contacts ranked by how many people they opened up for you (whole subtree)."""
        ranked = sorted(
            (cid for cid in self._children if cid in self._info),
            key=lambda cid: (-self._total.get(cid, 0), -len(self._children[cid]), self._info[cid][0].lower()),
        )
        if limit is not None:
            ranked = ranked[:limit]
        return [
            Reach(cid, self._info[cid][0], self._info[cid][1], len(self._children[cid]), self._total.get(cid, 0))
            for cid in ranked
        ]
