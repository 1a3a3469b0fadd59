"""Per-request batching: every relationship field and entity lookup goes through a DataLoader, so a page of
N nodes costs one `UNWIND $ids …` read per relationship type and direction, not N reads."""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from typing import Any

from strawberry.dataloader import DataLoader

from registry.api import queries
from registry.graph import StoredNode, type_of
from registry.store import GraphStore, Row


@dataclass(frozen=True)
class Link:
    """One relationship seen from one of its ends: the node at the other end and the relationship's properties."""

    node: StoredNode
    props: dict[str, Any]


class Reader:
    """Awaits the store's async reads (`GraphStore.aread`), so a slow query never stalls the event loop."""

    def __init__(self, store: GraphStore) -> None:
        self.store = store

    async def read(self, query: str, params: dict[str, Any] | None = None) -> list[Row]:
        return await self.store.aread(query, params or {})


class Loaders:
    """The DataLoaders of one request (their caches must not outlive it)."""

    def __init__(self, reader: Reader) -> None:
        self.reader = reader
        self.nodes: DataLoader[str, StoredNode | None] = DataLoader(load_fn=self._load_nodes)
        self._neighbours: dict[tuple[str, bool], DataLoader[str, list[StoredNode]]] = {}
        self._links: dict[tuple[str, bool, str, int], DataLoader[str, list[Link]]] = {}
        self._degrees: dict[tuple[str, bool], DataLoader[str, int]] = {}

    def neighbours(self, rel_type: str, incoming: bool) -> DataLoader[str, list[StoredNode]]:
        """The loader of one relationship type and direction: id → the nodes at the other end, in id order."""
        key = (rel_type, incoming)
        if key not in self._neighbours:
            self._neighbours[key] = DataLoader(load_fn=partial(self._load_neighbours, rel_type, incoming))
        return self._neighbours[key]

    def links(self, rel_type: str, incoming: bool, after: str, limit: int) -> DataLoader[str, list[Link]]:
        """The loader of one page of links per node: every node of a result that asks for the same page
        (`first`, `after`) of the same relationship field is served by one read."""
        key = (rel_type, incoming, after, limit)
        if key not in self._links:
            self._links[key] = DataLoader(load_fn=partial(self._load_links, rel_type, incoming, after, limit))
        return self._links[key]

    def degrees(self, rel_type: str, incoming: bool) -> DataLoader[str, int]:
        """The loader of how many relationships of one type and direction a node has (a connection's total)."""
        key = (rel_type, incoming)
        if key not in self._degrees:
            self._degrees[key] = DataLoader(load_fn=partial(self._load_degrees, rel_type, incoming))
        return self._degrees[key]

    async def _load_nodes(self, ids: list[str]) -> list[StoredNode | None]:
        rows = await self.reader.read(queries.NODES_BY_ID, {"ids": ids})
        found = {row["id"]: _stored(row) for row in rows}
        return [found.get(node_id) for node_id in ids]

    async def _load_neighbours(self, rel_type: str, incoming: bool, ids: list[str]) -> list[list[StoredNode]]:
        rows = await self.reader.read(queries.neighbours(rel_type, incoming), {"ids": ids})
        found: dict[str, list[StoredNode]] = {node_id: [] for node_id in ids}
        for row in rows:
            found[row["id"]].append(_stored(row))
        return [found[node_id] for node_id in ids]


    async def _load_links(self, rel_type: str, incoming: bool, after: str, limit: int,
                          ids: list[str]) -> list[list[Link]]:
        rows = await self.reader.read(queries.link_page(rel_type, incoming),
                                      {"ids": ids, "after": after, "limit": limit})
        found: dict[str, list[Link]] = {node_id: [] for node_id in ids}
        for row in rows:
            found[row["id"]] = [Link(_stored(link), link["rel"]) for link in row["links"]]
        return [found[node_id] for node_id in ids]

    async def _load_degrees(self, rel_type: str, incoming: bool, ids: list[str]) -> list[int]:
        rows = await self.reader.read(queries.degree(rel_type, incoming), {"ids": ids})
        totals = {row["id"]: row["total"] for row in rows}
        return [totals.get(node_id, 0) for node_id in ids]


def _stored(row: Row) -> StoredNode:
    return StoredNode(type_of(row["labels"]) or "?", row["props"])
