"""The graph rules (relterm.graph) on hand-built graphs: no database."""

from __future__ import annotations

from relterm.graph import (
    CYCLE, INTRODUCED, MET, NAMED, SELF_LINK, Graph, all_paths, other_ways_in, overlaps, path_kinds, refuse_link,
    who_knows,
)

# 1 Tom and 2 Ann you met yourself. Tom introduced 3 Doug; Doug introduced 4 John; Ann named John too;
# a coffee with 5 Zed had John along. 6 Mary was introduced by Doug only.
TOM, ANN, DOUG, JOHN, ZED, MARY = 1, 2, 3, 4, 5, 6
LINKS = [(TOM, DOUG, INTRODUCED), (DOUG, JOHN, INTRODUCED), (ANN, JOHN, NAMED), (ZED, JOHN, MET),
         (DOUG, MARY, INTRODUCED)]


def ways_in_of(graph: Graph):
    return lambda cid: [source for source, kind in graph.sources(cid).items() if kind != MET]


def test_a_person_keeps_every_way_in_and_a_pair_keeps_its_strongest_link():
    graph = Graph(LINKS + [(ANN, JOHN, MET), (DOUG, JOHN, NAMED)])
    assert graph.sources(JOHN) == {DOUG: INTRODUCED, ANN: NAMED, ZED: MET}
    assert graph.ways_out[ANN] == {JOHN: NAMED}
    assert other_ways_in(graph, JOHN, DOUG) == [ANN, ZED]
    assert other_ways_in(graph, MARY, DOUG) == []


def test_self_links_are_never_ways_in():
    graph = Graph([(JOHN, JOHN, MET), (TOM, TOM, INTRODUCED)])
    assert graph.ways_in == {} and overlaps(graph) == []
    assert all_paths(graph, JOHN) == ([(JOHN,)], True)
    assert refuse_link(ways_in_of(graph), JOHN, JOHN) == SELF_LINK


def test_cycles_are_refused_however_far_up_and_by_any_introduction():
    graph = Graph(LINKS)
    ways = ways_in_of(graph)
    assert refuse_link(ways, TOM, DOUG) == CYCLE  # Doug came through Tom
    assert refuse_link(ways, TOM, JOHN) == CYCLE  # John came through Doug, who came through Tom
    assert refuse_link(ways, ANN, JOHN) == CYCLE  # Ann only named John: still a way in
    assert refuse_link(ways, ZED, JOHN) is None  # met together is not an introduction
    assert refuse_link(ways, JOHN, ANN) is None  # a second way in is fine
    assert refuse_link(ways, MARY, JOHN) is None  # siblings
    # A loop already in old data does not hang the walk.
    looped = Graph([(1, 2, NAMED), (2, 1, NAMED)])
    assert refuse_link(ways_in_of(looped), 3, 1) is None


def test_overlaps_list_every_circle_most_connected_first():
    graph = Graph(LINKS + [(TOM, MARY, NAMED)])
    names = {TOM: "tom", ANN: "ann", DOUG: "doug", JOHN: "john", ZED: "zed", MARY: "mary"}
    found = overlaps(graph, order=names.get)
    assert found == [(JOHN, [(DOUG, INTRODUCED), (ANN, NAMED), (ZED, MET)]), (MARY, [(DOUG, INTRODUCED), (TOM, NAMED)])]
    # An archived circle does not count: John keeps two, Mary drops out.
    kept = overlaps(graph, keep=lambda cid: cid != DOUG, order=names.get)
    assert kept == [(JOHN, [(ANN, NAMED), (ZED, MET)])]


def test_all_paths_every_chain_shortest_first():
    graph = Graph(LINKS)
    chains, complete = all_paths(graph, JOHN)
    assert complete
    assert chains == [(ANN, JOHN), (ZED, JOHN), (TOM, DOUG, JOHN)]
    assert path_kinds(graph, (TOM, DOUG, JOHN)) == [None, INTRODUCED, INTRODUCED]
    assert path_kinds(graph, (ZED, JOHN)) == [None, MET]
    assert all_paths(graph, TOM) == ([(TOM,)], True)


def test_all_paths_survive_loops_in_old_data():
    # 1 -> 2 -> 3 -> 1 and 4 -> 3: chains to 3 never visit anyone twice.
    graph = Graph([(1, 2, NAMED), (2, 3, NAMED), (3, 1, NAMED), (4, 3, MET)])
    chains, complete = all_paths(graph, 3)
    assert complete and chains == [(4, 3), (1, 2, 3)]


def test_all_paths_are_bounded():
    # A ladder of diamonds: 2**20 chains to the bottom.
    links = []
    for level in range(20):
        top, left, right, bottom = level * 3, level * 3 + 1, level * 3 + 2, level * 3 + 3
        links += [(top, left, NAMED), (top, right, NAMED), (left, bottom, NAMED), (right, bottom, NAMED)]
    graph = Graph(links)
    chains, complete = all_paths(graph, 60, max_paths=5, max_length=100)
    assert not complete and chains == []  # the budget ran out before any chain reached the top
    chains, complete = all_paths(graph, 6, max_paths=3)
    assert len(chains) == 3 and not complete and all(len(c) == 5 for c in chains)
    chains, complete = all_paths(graph, 60, max_length=4)
    assert chains == [] and not complete


def test_who_knows_lists_both_directions_warmest_first():
    graph = Graph(LINKS + [(JOHN, MARY, MET)])
    ranks = {DOUG: 2, ANN: 5, ZED: 2, MARY: 3}
    names = {DOUG: "doug", ANN: "ann", ZED: "zed", MARY: "mary"}
    found = who_knows(graph, JOHN, rank=ranks, order=names.get)
    assert [(c.contact_id, c.ways) for c in found] == [
        (ANN, ("named them",)), (MARY, ("met them together",)), (DOUG, ("introduced them",)),
        (ZED, ("met them together",)),
    ]
    doug = who_knows(graph, DOUG, rank=ranks)
    # Mary (your level 3) first; then, at no level, the strongest link: Tom introduced Doug.
    assert [(c.contact_id, c.ways) for c in doug] == [(MARY, ("was introduced by them",)),
                                                       (TOM, ("introduced them",)),
                                                       (JOHN, ("was introduced by them",))]
    assert [c.contact_id for c in who_knows(graph, JOHN, keep=lambda cid: cid != ANN)] == [DOUG, ZED, MARY]
