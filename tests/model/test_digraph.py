"""The pipeline's small graph gives the same answers as networkx on random graphs."""
import random
from dataclasses import dataclass

import networkx as nx
import pytest

from designer.model.digraph import CycleFound, DiGraph


@dataclass(frozen=True)
class E:
    source: str
    target: str
    key: int = 0


def random_dag(seed: int, nodes: int = 30, edges: int = 60):
    rng = random.Random(seed)
    names = [f"n{i}" for i in range(nodes)]
    ours, theirs = DiGraph(), nx.MultiDiGraph()
    for name in names:
        ours.add_node(name)
        theirs.add_node(name)
    for k in range(edges):
        a, b = sorted(rng.sample(range(nodes), 2))
        edge = E(names[a], names[b], k)
        ours.add_edge(edge)
        theirs.add_edge(edge.source, edge.target, key=edge)
    return names, ours, theirs


@pytest.mark.parametrize("seed", range(5))
def test_walks_and_order_match_networkx(seed):
    names, ours, theirs = random_dag(seed)
    rank = {n: i for i, n in enumerate(reversed(names))}      # a tie-break networkx must follow
    assert ours.topological_order(rank.__getitem__) == \
        list(nx.lexicographical_topological_sort(theirs, key=rank.__getitem__))
    for name in names:
        assert ours.ancestors(name) == nx.ancestors(theirs, name)
        assert ours.descendants(name) == nx.descendants(theirs, name)
        assert set(ours.in_edges(name)) == {k for _, _, k in theirs.in_edges(name, keys=True)}
    assert ours.find_cycle() is None


def test_cycle_is_found_and_removing_a_node_removes_its_edges():
    graph = DiGraph()
    for edge in (E("a", "b"), E("b", "c"), E("c", "a"), E("c", "d"), E("a", "b", 1)):
        graph.add_edge(edge)
    cycle = graph.find_cycle()
    assert cycle is not None and set(cycle) == {"a", "b", "c"}
    with pytest.raises(CycleFound):
        graph.topological_order(str)
    graph.remove_node("c")
    assert graph.find_cycle() is None
    assert graph.out_edges("a") == [E("a", "b"), E("a", "b", 1)]     # parallel edges kept apart
    assert graph.in_edges("d") == [] and not graph.has_edge(E("c", "d"))
    assert graph.topological_order(str) == ["a", "b", "d"]
