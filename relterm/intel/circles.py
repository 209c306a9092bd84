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
from ..graph import (
    INTRODUCED as FIRST, MET, NAMED, Graph, all_paths, other_ways_in, overlap_candidates, overlaps, path_kinds,
    refuse_link, who_knows,
)
from .model import Circle, GivenName, IntroNode, IntroResult, Knows, Overlap, Paths, PathStep, Reach

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


def _find_id(core, name: str) -> tuple[Optional[int], Optional[tuple[int, str]]]:
    """A "#id" (the id, or InputError) or all-digit text (the contact of that id, if any).

    As ``Core.resolve``: only ASCII digits make an id."""
    text = name[1:] if name.startswith("#") else name
    if not (text.isascii() and text.isdigit()):
        return None, None
    by_id = None
    if len(text) <= 19 and int(text) < 2**63:
        by_id = Contact.select(Contact.id, Contact.name).where(
            (Contact.id == int(text)) & Contact.archived_at.is_null()).tuples().first(core.db)
    if name.startswith("#"):
        if by_id is None:
            raise InputError(f"no contact with id {text if len(text) <= 30 else text[:27] + '...'}")
        return by_id[0], None
    return None, by_id


def match_name(core, name: str, *, skip: frozenset[int] | set[int] = frozenset()) -> tuple[Optional[int], str]:
    """The one active contact a name given in an introduction means, and how it was found.

    In order: "#id" (or digits that are an id and nobody's name); the exact name with case and
    accents aside ("exact"); else the start of exactly one contact's name, whole words ("Sarah"
    for "Sarah Whitfield", "prefix"). Several contacts at either step raise ``AmbiguousError``
    listing them; a name close to an existing one (a typo: "Sara Whitfeld"; ``_close_names``) raises
    ``InputError`` asking for the full name or ``--new``. ``(None, "new")`` when nothing matches.
    ``skip``: contacts not to count as near misses (those just added by the same introduction).
    """
    from ..rules import sort_key

    cid, by_id = _find_id(core, name)
    if cid is not None:
        return cid, "id"
    key = sort_key(name)
    active = Contact.archived_at.is_null()
    exact = list(Contact.select(Contact.id, Contact.name).where(active & (Contact.sort_key == key))
                 .order_by(Contact.id).tuples().execute(core.db))
    if by_id is not None:
        others = [row for row in exact if row[0] != by_id[0]]
        if others:
            raise AmbiguousError(name, [(by_id[0], f"{by_id[1]}, whose id is {name}")] + others)
        return by_id[0], "id"
    if len(exact) > 1:
        raise AmbiguousError(name, exact)
    if exact:
        return exact[0][0], "exact"
    # Whole leading words: sort keys from "key " up to "key!" (the index serves the range).
    prefix = list(Contact.select(Contact.id, Contact.name)
                  .where(active & (Contact.sort_key >= key + " ") & (Contact.sort_key < key + "!"))
                  .order_by(Contact.sort_key, Contact.id).limit(21).tuples().execute(core.db))
    if len(prefix) > 1:
        raise AmbiguousError(name, prefix)
    if prefix:
        return prefix[0][0], "prefix"
    close = [row for row in _close_names(core, key) if row[0] not in skip]
    if close:
        shown = " or ".join(f"{other} (id {cid})" for cid, other in close)
        raise InputError(f'no contact is called "{name}", but {shown} is close; give their full name or id, '
                         f'or pass --new to add "{name}" as a new contact')
    return None, "new"


def preview_names(core, lines: str | Iterable[str], *, limit: int = 20) -> list[tuple[str, str, Optional[int], str]]:
    """How each typed name would be recorded, before anything is written (the names popup shows it as you
    type): (name, how, contact id, what) per name, ``how`` one of "new", "id", "exact", "prefix" (it links to
    that contact; ``what`` is their name), "several" or "close" (``what`` says which; saving would ask for
    more). At most ``limit`` names."""
    from ..rules import sort_key

    result = []
    for name, _ in parse_names(lines)[:limit]:
        try:
            cid, how = match_name(core, name)
        except AmbiguousError as exc:
            shown = ", ".join(other for _, other in exc.candidates[:3])
            more = f" and {len(exc.candidates) - 3} more" if len(exc.candidates) > 3 else ""
            result.append((name, "several", None, shown + more))
            continue
        except InputError:
            close = _close_names(core, sort_key(name), limit=1)
            result.append((name, "close", close[0][0] if close else None, close[0][1] if close else ""))
            continue
        other = ""
        if cid is not None:
            row = core.db.execute_sql("SELECT name FROM contact WHERE id = ?", (cid,)).fetchone()
            other = row[0] if row else ""
        result.append((name, how, cid, other))
    return result


NEAR_MISS = 90  # rapidfuzz ratio of the folded names: "Sara Whitfeld" ~ "Sarah Whitfield" (93)


def _close_names(core, key: str, limit: int = 3) -> list[tuple[int, str]]:
    """Active contacts whose folded name is nearly ``key`` (a letter missing or swapped); names that
    differ in their digits ("Person 01", "Person 02") are different names, not typos."""
    import re

    from rapidfuzz import fuzz, process

    digits = re.findall(r"[0-9]+", key)
    rows = [row for row in core.db.execute_sql(
        "SELECT id, name, sort_key FROM contact WHERE archived_at IS NULL AND sort_key IS NOT NULL")
        if re.findall(r"[0-9]+", row[2]) == digits]
    found = process.extract(key, [row[2] for row in rows], scorer=fuzz.ratio, score_cutoff=NEAR_MISS, limit=limit)
    return [(rows[index][0], rows[index][1]) for _, _, index in found]


def introduce(
    core, introducer: int, name: str, *, note: str = "", date: dt.date | str | None = None, new: bool = False,
    replace: bool = False,
) -> IntroResult:
    """Record that ``introducer`` introduced you to (or named) ``name``; see the module text."""
    return introduce_many(core, introducer, [(name, note)], date=date, new=new, replace=replace)[0]


def introduce_many(
    core,
    introducer: int,
    names: str | Iterable[str] | Iterable[tuple[str, str]],
    *,
    date: dt.date | str | None = None,
    new: bool = False,
    replace: bool = False,
) -> list[IntroResult]:
    """Record several names from one person at once, all or nothing.

    ``names`` is text with one name per line ("Name: note" adds a note), a
    list of such lines, or (name, note) pairs. Each name is matched to an
    existing contact by :func:`match_name` (with ``new``: never; every name
    becomes a new contact). A contact who already has another introducer
    keeps them unless ``replace``.
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
    added: set[int] = set()  # new contacts of this introduction: not near misses of the names after them
    now = _now()
    with store.write(core.db):
        for name, note in pairs:
            existing, how = (None, "new") if new else match_name(core, name, skip=added)
            created = False
            introducer_set = False
            kept = replaced = None
            if existing == introducer:
                raise InputError(f"{source.name} cannot have introduced themselves")
            if existing is None:
                cid = core.add_contact(
                    name, introduced_by=introducer, to_contact=True, date=when,
                    reason=f"introduced by {source.name}", new_name_only=not new,
                )
                created = True
                added.add(cid)
                introducer_set = True
                display = clean_line(name)
            else:
                cid = existing
                contact = core.contact_record(cid)
                display = contact.name
                previous = contact.introduced_by_id
                # Every introduction is a way in (relterm.graph): none may loop back, first introducer or not.
                refused = refuse_link(lambda x: _introducers_of(core, x), cid, introducer)
                if refused:
                    raise InputError(
                        f"that introduction would make a cycle: {source.name} came to you through {display}, so "
                        f"cannot have introduced them; nothing was recorded")
                if previous is None or (replace and previous != introducer):
                    core.check_introducer(cid, introducer)
                    Contact.update(introduced_by=introducer, updated_at=now).where(Contact.id == cid).execute()
                    introducer_set = True
                    if previous is not None:
                        replaced = core.contact_record(previous).name
                elif previous != introducer:
                    kept = core.contact_record(previous).name
            suffix = f": {note}" if note else ""
            event = Event.create(
                contact=introducer, date=when, kind=INTRODUCED, summary=clean_text(f"introduced you to {display}{suffix}"),
                direction=direction, other=cid, created_at=now,
            )
            Event.create(
                contact=cid, date=when, kind=INTRODUCED_BY, summary=clean_text(f"{source.name} introduced you{suffix}"),
                other=introducer, created_at=now,
            )
            others = () if created else tuple(
                other for oid, other in _other_ways_in(core, cid, exclude=introducer))
            results.append(IntroResult(cid, display, created, introducer_set, event.id, how, name, kept, replaced,
                                       others))
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


# The graph of ways in (relterm.graph) ---------------------------------------------------------

# Every link: first introducers (the column), introductions recorded on the introducer's timeline
# (named), and interactions logged with someone else (met together). The "introduced-by" entry on the
# person's own timeline mirrors the introducer's and adds nothing; level changes name no one.
_LINKS_SQL = (
    "SELECT introduced_by_id, id, '" + FIRST + "' FROM contact WHERE introduced_by_id IS NOT NULL{contact} "
    "UNION ALL SELECT contact_id, other_id, CASE kind WHEN '" + INTRODUCED + "' THEN '" + NAMED + "' ELSE '"
    + MET + "' END FROM event WHERE other_id IS NOT NULL AND kind NOT IN ('" + INTRODUCED_BY + "', '"
    + LEVEL_CHANGE + "'){event}"
)


def load_graph(core) -> Graph:
    """Every link between contacts (archived ones too), in one query."""
    return Graph(core.db.execute_sql(_LINKS_SQL.format(contact="", event="")))


def graph_around(core, cid: int) -> Graph:
    """The links that touch ``cid`` (its ways in and the people it brought), in one query."""
    sql = _LINKS_SQL.format(contact=" AND (id = ? OR introduced_by_id = ?)",
                            event=" AND (other_id = ? OR contact_id = ?)")
    return Graph(core.db.execute_sql(sql, (cid, cid, cid, cid)))


def _introducers_of(core, cid: int) -> list[int]:
    """Whoever introduced ``cid`` or gave you their name: the links ``refuse_link`` walks up."""
    return [row[0] for row in core.db.execute_sql(
        "SELECT introduced_by_id FROM contact WHERE id = ? AND introduced_by_id IS NOT NULL "
        "UNION SELECT contact_id FROM event WHERE other_id = ? AND kind = ?", (cid, cid, INTRODUCED))]


def _people(core, ids: Optional[Iterable[int]] = None) -> dict[int, tuple[str, str, bool, Optional[int]]]:
    """id -> (name, sort key, archived, rank on the default ladder), for ``ids`` (None: everyone)."""
    sql = ("SELECT c.id, c.name, COALESCE(c.sort_key, ''), c.archived_at IS NOT NULL, l.rank FROM contact c "
           "LEFT JOIN contact_level l ON l.contact_id = c.id AND l.ladder = ?")
    ladder = core.config.default_ladder
    if ids is None:
        rows = core.db.execute_sql(sql, (ladder,))
        return {cid: (name, key, bool(arch), rank) for cid, name, key, arch, rank in rows}
    import json

    # One query whatever the number of ids: they travel as one JSON array (no limit on bound parameters).
    rows = core.db.execute_sql(sql + " WHERE c.id IN (SELECT value FROM json_each(?))",
                               (ladder, json.dumps(sorted(set(ids)))))
    return {cid: (name, key, bool(arch), rank) for cid, name, key, arch, rank in rows}


def find_overlaps(core) -> list[Overlap]:
    """Active people in two or more active contacts' circles, most circles first (then by name)."""
    graph = load_graph(core)
    people = _people(core, overlap_candidates(graph))  # names only of those it may list
    active = {cid for cid, info in people.items() if not info[2]}
    found = overlaps(graph, keep=active.__contains__, order=lambda cid: people[cid][1])
    made: dict[tuple[int, str], Circle] = {}  # one value per circle and way in, shared by everyone in it

    def circle(src: int, how: str) -> Circle:
        item = made.get((src, how))
        if item is None:
            item = made[(src, how)] = Circle(src, people[src][0], people[src][3], how)
        return item

    return [Overlap(cid, people[cid][0], people[cid][3], tuple(circle(src, how) for src, how in circles))
            for cid, circles in found]


def overlap_ids(core) -> set[int]:
    """The ids of the people ``find_overlaps`` lists (to mark them)."""
    graph = load_graph(core)
    archived = {row[0] for row in core.db.execute_sql("SELECT id FROM contact WHERE archived_at IS NOT NULL")}
    return {cid for cid, _ in overlaps(graph, keep=lambda cid: cid not in archived)}


def paths_to(core, cid: int) -> Paths:
    """Every chain of ways in that leads to ``cid``, shortest first (bounded: relterm.graph.all_paths).
    Archived people stay in a chain, marked."""
    contact = core.contact_record(cid)
    graph = load_graph(core)
    chains, complete = all_paths(graph, cid)
    people = _people(core, {node for chain in chains for node in chain})
    result = []
    for chain in chains:
        kinds = path_kinds(graph, chain)
        result.append(tuple(PathStep(node, people[node][0], people[node][2], how) for node, how in zip(chain, kinds)))
    return Paths(cid, contact.name, tuple(result), complete)


def who_knows_them(core, cid: int) -> list[Knows]:
    """Active contacts connected to ``cid`` and how, the warmest (your highest level with them) first."""
    core.contact_record(cid)
    graph = graph_around(core, cid)
    ids = set(graph.sources(cid)) | set(graph.ways_out.get(cid, {}))
    people = _people(core, ids)
    ranks = {other: info[3] for other, info in people.items()}
    found = who_knows(graph, cid, keep=lambda other: other in people and not people[other][2], rank=ranks,
                      order=lambda other: people[other][1])
    return [Knows(k.contact_id, people[k.contact_id][0], ranks[k.contact_id], k.ways) for k in found]


def _other_ways_in(core, cid: int, *, exclude: Optional[int] = None) -> list[tuple[int, str]]:
    """(id, name) of the active contacts ``cid`` came through besides their first introducer
    (and ``exclude``), strongest link first."""
    row = core.db.execute_sql("SELECT introduced_by_id FROM contact WHERE id = ?", (cid,)).fetchone()
    graph = graph_around(core, cid)
    others = [o for o in other_ways_in(graph, cid, row[0] if row else None) if o != exclude]
    people = _people(core, others)
    return [(o, people[o][0]) for o in others if o in people and not people[o][2]]


def also_known_through(core, cid: int) -> list[tuple[int, str]]:
    """The card's "also known through Tom, Doug": the other ways in besides the first introducer."""
    return _other_ways_in(core, cid)
