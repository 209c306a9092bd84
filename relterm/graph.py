"""The graph of ways in: who came to you through whom. Pure rules, no database, no screen.

Every person you know may have reached you by several ways at once:

* **introduced**: their first introducer (``Contact.introduced_by``), the
  one their starting rung and the Circles tree follow;
* **named**: anyone else who introduced them or gave you their name later
  (an ``introduced`` entry on that contact's timeline naming them);
* **met**: someone with whom you logged an interaction that names them
  too (``Event.other``: a coffee with Tom where John came along puts John in
  Tom's circle).

A link goes from the contact through whom (the *source*) to the person
reached (the *target*). The **circle** of a contact is everyone linked from
them; a person with links from two or more contacts sits in several circles:
an **overlap**. A **chain** (a path) leads from someone you met without any
way in (or whose every way in is already on the chain) down to a person.

The rules for new links (``refuse_link``): nobody is their own way in, and a
contact cannot bring you someone through whom they themselves came to you,
by any recorded introduction, first or not (the chain would loop). Old data
and interactions logged "together" may still hold loops; every function here
is safe against them (a chain never visits a person twice, every walk is
bounded).

The database side (``relterm.intel.circles``) loads the links with one query
and calls these functions; the CLI and the TUI show what they return.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from typing import Callable, Iterable, Mapping, Optional

INTRODUCED = "introduced"
NAMED = "named"
MET = "met"
# A pair of people linked several ways is shown by the strongest.
STRENGTH = {INTRODUCED: 3, NAMED: 2, MET: 1}

# How a connection reads from the person's side (who-knows): their way in, or theirs through them.
WAY_IN_TEXT = {INTRODUCED: "introduced them", NAMED: "named them", MET: "met them together"}
WAY_OUT_TEXT = {INTRODUCED: "was introduced by them", NAMED: "was named by them", MET: "met them together"}

# Bounds of the chain search (``all_paths``).
MAX_PATHS = 20
MAX_LENGTH = 12
PATH_BUDGET = 50_000  # partial chains looked at before giving up on finding more


class Graph:
    """Links ``(source, target, kind)`` between contact ids; one entry per pair (the strongest kind).

    ``ways_in[target]`` and ``ways_out[source]`` map the other end to the kind."""

    __slots__ = ("ways_in", "ways_out")

    def __init__(self, links: Iterable[tuple[int, int, str]] = ()):
        self.ways_in: dict[int, dict[int, str]] = {}
        self.ways_out: dict[int, dict[int, str]] = {}
        ways_in, ways_out, strength = self.ways_in, self.ways_out, STRENGTH
        for source, target, kind in links:  # self.add, inlined: 100k links are read at once
            if source == target or source is None or target is None:
                continue
            into = ways_in.get(target)
            if into is None:
                into = ways_in[target] = {}
            old = into.get(source)
            if old is None or strength[kind] > strength[old]:
                into[source] = kind
                out = ways_out.get(source)
                if out is None:
                    out = ways_out[source] = {}
                out[target] = kind

    def add(self, source: int, target: int, kind: str) -> None:
        if source == target or source is None or target is None:
            return  # a self-link is never a way in (old data may hold one)
        into = self.ways_in.setdefault(target, {})
        old = into.get(source)
        if old is None or STRENGTH[kind] > STRENGTH[old]:
            into[source] = kind
            self.ways_out.setdefault(source, {})[target] = kind

    def sources(self, target: int) -> dict[int, str]:
        return self.ways_in.get(target, {})


SELF_LINK = "self"
CYCLE = "cycle"


def refuse_link(ways_in: Callable[[int], Iterable[int]], person: int, introducer: int,
                *, limit: int = 100_000) -> Optional[str]:
    """Why ``introducer`` cannot become a way in to ``person`` (``SELF_LINK``, ``CYCLE``), or None.

    ``ways_in(x)``: the contacts through whom ``x`` came (their introducers and namers). Refused:
    the person themselves, and anyone who came to you through the person, however far up
    (that link would close a loop). The walk stops after ``limit`` people (then allowed).
    """
    if person == introducer:
        return SELF_LINK
    seen = {introducer}
    queue = deque([introducer])
    while queue and len(seen) <= limit:
        for up in ways_in(queue.popleft()):
            if up == person:
                return CYCLE
            if up not in seen:
                seen.add(up)
                queue.append(up)
    return None


def overlap_candidates(graph: Graph) -> set[int]:
    """Everyone ``overlaps`` may list or name: people with two or more ways in, and those ways in."""
    ids: set[int] = set()
    for target, into in graph.ways_in.items():
        if len(into) >= 2:
            ids.add(target)
            ids.update(into)
    return ids


def overlaps(graph: Graph, *, keep: Optional[Callable[[int], bool]] = None,
             order: Optional[Callable[[int], object]] = None) -> list[tuple[int, list[tuple[int, str]]]]:
    """People in two or more circles: ``(person, [(circle owner, kind), ...])``, most circles first.

    ``keep(id)``: whether a person counts at all (both as the one listed and as a circle); archived
    contacts are left out this way. Ties go by ``order(id)`` (a name key), then id; each person's
    circles are listed strongest way in first, then by ``order``."""
    order = order or (lambda cid: 0)
    found: list[tuple[int, list[tuple[int, str]]]] = []
    for target, into in graph.ways_in.items():
        if len(into) < 2 or (keep is not None and not keep(target)):
            continue
        circles = [(source, kind) for source, kind in into.items() if keep is None or keep(source)]
        if len(circles) >= 2:
            circles.sort(key=lambda item: (-STRENGTH[item[1]], order(item[0]), item[0]))
            found.append((target, circles))
    found.sort(key=lambda item: (-len(item[1]), order(item[0]), item[0]))
    return found


def all_paths(graph: Graph, person: int, *, max_paths: int = MAX_PATHS, max_length: int = MAX_LENGTH,
              budget: int = PATH_BUDGET) -> tuple[list[tuple[int, ...]], bool]:
    """Every chain that leads to ``person``, shortest first; and whether the list is complete.

    A chain is a tuple of ids from its start to ``person``. It starts at someone with no way in,
    or whose every way in is already on the chain (a loop in old data ends it there). At most
    ``max_paths`` chains of at most ``max_length`` people; the search looks at no more than
    ``budget`` partial chains. Someone with no way in has the one chain ``(person,)``.
    """
    found: list[tuple[int, ...]] = []
    complete = True
    # Breadth first over partial chains, grown upwards: shorter chains come out first.
    queue: deque[tuple[int, ...]] = deque([(person,)])  # reversed: person first
    looked = 0
    while queue:
        looked += 1
        if looked > budget:
            complete = False
            break
        chain = queue.popleft()
        head = chain[-1]
        ups = [up for up in graph.sources(head) if up not in chain]
        if not ups:
            found.append(tuple(reversed(chain)))
            if len(found) >= max_paths:
                complete = not queue
                break
            continue
        if len(chain) >= max_length:
            complete = False  # a longer chain exists; not followed
            continue
        ups.sort(key=lambda up: (-STRENGTH[graph.sources(head)[up]], up))
        queue.extend(chain + (up,) for up in ups)
    return found, complete


def path_kinds(graph: Graph, chain: tuple[int, ...]) -> list[Optional[str]]:
    """How each person of a chain came through the one before (None for the start)."""
    return [None] + [graph.sources(chain[i + 1]).get(chain[i]) for i in range(len(chain) - 1)]


@dataclass(frozen=True, slots=True)
class Connection:
    """One contact connected to a person, and every way they are."""

    contact_id: int
    ways: tuple[str, ...]  # texts from WAY_IN_TEXT / WAY_OUT_TEXT, strongest first


def who_knows(graph: Graph, person: int, *, keep: Optional[Callable[[int], bool]] = None,
              rank: Optional[Mapping[int, Optional[int]]] = None,
              order: Optional[Callable[[int], object]] = None) -> list[Connection]:
    """Everyone connected to ``person``: who brought them (introduced, named, met them together)
    and whom they brought. The warm way in first: the highest ``rank`` (your level with them),
    then the strongest link, then ``order`` (a name key)."""
    ways: dict[int, list[tuple[int, str]]] = {}
    for other, kind in graph.sources(person).items():
        ways.setdefault(other, []).append((STRENGTH[kind] * 2, WAY_IN_TEXT[kind]))
    for other, kind in graph.ways_out.get(person, {}).items():
        text = WAY_OUT_TEXT[kind]
        if not any(t == text for _, t in ways.get(other, [])):
            ways.setdefault(other, []).append((STRENGTH[kind] * 2 - 1, text))
    rank = rank or {}
    order = order or (lambda cid: 0)
    result = []
    for other, items in ways.items():
        if other == person or (keep is not None and not keep(other)):
            continue
        items.sort(key=lambda item: -item[0])
        result.append((other, items))
    result.sort(key=lambda item: (-(rank.get(item[0]) if rank.get(item[0]) is not None else -1),
                                  -item[1][0][0], order(item[0]), item[0]))
    return [Connection(other, tuple(dict.fromkeys(text for _, text in items))) for other, items in result]


def other_ways_in(graph: Graph, person: int, primary: Optional[int]) -> list[int]:
    """The contacts through whom ``person`` came besides ``primary`` (their first introducer),
    strongest first: the card's "also known through"."""
    into = graph.sources(person)
    others = [source for source in into if source != primary]
    others.sort(key=lambda source: (-STRENGTH[into[source]], source))
    return others
