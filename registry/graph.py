"""The registry's graph operations, as parameterised Cypher in the subset both stores run.

Labels and relationship types are interpolated only after checking them against the metamodel;
every value travels as a parameter.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from graph_model import ENTITY_LABEL, NODE_TYPES, RELATIONSHIP_TYPES, RULES, derive_schema
from graph_model.schema import SEARCH_PROPERTY
from registry.store.protocol import GraphStore, Row
from registry.text_search import FOLDS, folded_cypher, search_text

PAGE_SIZE = 1000


def node_label(label: str) -> str:
    """A node label checked against the metamodel, safe to place in Cypher text."""
    if label not in NODE_TYPES:
        raise ValueError(f"not a node type of the metamodel: {label!r}")
    return label


def relationship_type(rel_type: str) -> str:
    """A relationship type checked against the metamodel, safe to place in Cypher text."""
    if rel_type not in RELATIONSHIP_TYPES:
        raise ValueError(f"not a relationship type of the metamodel: {rel_type!r}")
    return rel_type


def type_of(labels: Iterable[str]) -> str | None:
    """The metamodel type among a node's labels (every node also carries Entity)."""
    return next((label for label in labels if label in NODE_TYPES), None)


@dataclass(frozen=True)
class StoredNode:
    """A node as stored: its type and its properties, without the derived search text (not content)."""

    type: str
    props: dict[str, Any]

    def __post_init__(self) -> None:
        if SEARCH_PROPERTY in self.props:
            object.__setattr__(self, "props", {key: value for key, value in self.props.items()
                                               if key != SEARCH_PROPERTY})


@dataclass(frozen=True)
class StoredRelationship:
    source_id: str
    type: str
    target_id: str
    props: dict[str, Any]


@dataclass
class GraphStats:
    nodes: dict[str, int] = field(default_factory=dict)
    relationships: dict[str, int] = field(default_factory=dict)
    pillars: dict[str, int] = field(default_factory=dict)

    @property
    def node_total(self) -> int:
        return sum(self.nodes.values())

    @property
    def relationship_total(self) -> int:
        return sum(self.relationships.values())

    def as_dict(self) -> dict[str, Any]:
        return {
            "nodes": {"total": self.node_total, "by_type": self.nodes},
            "relationships": {"total": self.relationship_total, "by_type": self.relationships},
            "pillars": self.pillars,
        }


class RegistryGraph:
    """Entities and relationships of the registry on any GraphStore."""

    def __init__(self, store: GraphStore) -> None:
        self.store = store

    def ensure_schema(self) -> None:
        """Constraints and indexes, then the search text of any node stored before it was derived."""
        self.store.apply_schema(derive_schema())
        self._backfill_search_text()

    def _backfill_search_text(self, batch: int = 10_000) -> None:
        # Never null, even for a node without a name: each round must shrink what is left, or it would not end.
        names = folded_cypher("coalesce(n.name, '') + $separator + coalesce(n.name_en, '')")
        query = (f"MATCH (n:{ENTITY_LABEL}) WHERE n.{SEARCH_PROPERTY} IS NULL WITH n LIMIT $batch "
                 f"SET n.{SEARCH_PROPERTY} = {names} RETURN count(n) AS done")
        while self.store.write(query, {"batch": batch, "folds": FOLDS, "separator": " "})[0]["done"] == batch:
            pass

    # --- reads -------------------------------------------------------------------------------------------

    def fetch_nodes(self, ids: list[str]) -> dict[str, StoredNode]:
        """The stored nodes among `ids`, by id."""
        if not ids:
            return {}
        rows = self.store.read(
            f"UNWIND $ids AS id MATCH (n:{ENTITY_LABEL} {{id: id}}) "
            "RETURN n.id AS id, labels(n) AS labels, properties(n) AS props",
            {"ids": ids},
        )
        return {row["id"]: StoredNode(type_of(row["labels"]) or "?", row["props"]) for row in rows}

    def fetch_types(self, ids: list[str]) -> dict[str, str]:
        """The node type of each stored id among `ids` (cheaper than fetching whole nodes)."""
        if not ids:
            return {}
        rows = self.store.read(
            f"UNWIND $ids AS id MATCH (n:{ENTITY_LABEL} {{id: id}}) RETURN n.id AS id, labels(n) AS labels",
            {"ids": ids},
        )
        return {row["id"]: type_of(row["labels"]) or "?" for row in rows}

    def fetch_relationships(self, rel_type: str, pairs: list[tuple[str, str]]) -> dict[tuple[str, str], dict]:
        """Properties of the stored relationships of one type among (from, to) pairs."""
        if not pairs:
            return {}
        # Expand from the end with fewer such relationships and filter on the other: a system has one owner while
        # an agency owns thousands, and a service is delivered by one or two systems while a one-stop-shop
        # delivers thousands, so OWNS and DELIVERS start at their target; USES and CONSUMES point at shared
        # systems and APIs, so they start at their source. The far end has no label on purpose: with one,
        # FalkorDB's planner starts from that end's index instead (and matching both ends first does not help:
        # it still expands from one of them).
        typed = relationship_type(rel_type)
        if RULES[rel_type].few_per_target:
            pattern = f"(b:{ENTITY_LABEL} {{id: pair.to}})<-[r:{typed}]-(a) WHERE a.id = pair.from"
        else:
            pattern = f"(a:{ENTITY_LABEL} {{id: pair.from}})-[r:{typed}]->(b) WHERE b.id = pair.to"
        rows = self.store.read(
            f"UNWIND $pairs AS pair MATCH {pattern} RETURN a.id AS source, b.id AS target, properties(r) AS props",
            {"pairs": [{"from": source, "to": target} for source, target in pairs]},
        )
        return {(row["source"], row["target"]): row["props"] for row in rows}

    def neighbours(self, rel_type: str, ids: list[str], incoming: bool) -> dict[str, set[str]]:
        """For each id, the ids at the other end of its incoming (or outgoing) relationships of one type."""
        if not ids:
            return {}
        pattern = (f"(other:{ENTITY_LABEL})-[:{relationship_type(rel_type)}]->(n:{ENTITY_LABEL} {{id: id}})"
                   if incoming else
                   f"(n:{ENTITY_LABEL} {{id: id}})-[:{relationship_type(rel_type)}]->(other:{ENTITY_LABEL})")
        rows = self.store.read(f"UNWIND $ids AS id MATCH {pattern} RETURN n.id AS id, other.id AS other",
                               {"ids": ids})
        found: dict[str, set[str]] = {}
        for row in rows:
            found.setdefault(row["id"], set()).add(row["other"])
        return found

    def iter_nodes(self, page_size: int = PAGE_SIZE) -> Iterator[StoredNode]:
        """Every node in id order, read in pages (keyset pagination, so each page costs the same)."""
        after = ""
        while True:
            rows = self.store.read(
                f"MATCH (n:{ENTITY_LABEL}) WHERE n.id > $after "
                "RETURN labels(n) AS labels, properties(n) AS props ORDER BY n.id LIMIT $limit",
                {"after": after, "limit": page_size},
            )
            for row in rows:
                yield StoredNode(type_of(row["labels"]) or "?", row["props"])
            if len(rows) < page_size:
                return
            after = rows[-1]["props"]["id"]

    def iter_relationships(self, page_size: int = PAGE_SIZE) -> Iterator[StoredRelationship]:
        """Every relationship between entities, ordered by (from, type, to), read a page of start nodes at a time."""
        after = ""
        while True:
            ids = [row["id"] for row in self.store.read(
                f"MATCH (n:{ENTITY_LABEL}) WHERE n.id > $after RETURN n.id AS id ORDER BY n.id LIMIT $limit",
                {"after": after, "limit": page_size},
            )]
            if not ids:
                return
            rows = self.store.read(
                f"UNWIND $ids AS id MATCH (a:{ENTITY_LABEL} {{id: id}})-[r]->(b:{ENTITY_LABEL}) "
                "RETURN a.id AS source, type(r) AS type, b.id AS target, properties(r) AS props",
                {"ids": ids},
            )
            rows.sort(key=lambda row: (row["source"], row["type"], row["target"]))
            for row in rows:
                yield StoredRelationship(row["source"], row["type"], row["target"], row["props"])
            if len(ids) < page_size:
                return
            after = ids[-1]

    def stats(self) -> GraphStats:
        stats = GraphStats()
        by_type: Counter[str] = Counter()
        by_pillar: Counter[str] = Counter()
        for row in self.store.read(
            f"MATCH (n:{ENTITY_LABEL}) RETURN labels(n) AS labels, n.pillar AS pillar, count(*) AS count"
        ):
            by_type[type_of(row["labels"]) or "?"] += row["count"]
            by_pillar[row["pillar"] or "?"] += row["count"]
        stats.nodes = {label: by_type[label] for label in NODE_TYPES if by_type[label]}
        stats.pillars = dict(sorted(by_pillar.items()))
        rels = {row["type"]: row["count"] for row in self.store.read(
            f"MATCH (:{ENTITY_LABEL})-[r]->(:{ENTITY_LABEL}) RETURN type(r) AS type, count(*) AS count"
        )}
        stats.relationships = {rel: rels[rel] for rel in RELATIONSHIP_TYPES if rels.get(rel)}
        return stats

    # --- writes ------------------------------------------------------------------------------------------

    def upsert_nodes(self, label: str, rows: list[Row], batch_size: int = PAGE_SIZE) -> int:
        """Create or replace nodes of one type; each row is the full property map (with `id`).

        The loader refuses a record whose id belongs to another type before it gets here; Neo4j's constraint on
        Entity.id backs that up. (MERGE on Entity alone and then SET the type label would guard FalkorDB too,
        but setting a label there costs ten times the whole MERGE.)"""
        query = (f"UNWIND $rows AS row MERGE (n:{ENTITY_LABEL}:{node_label(label)} {{id: row.id}}) "
                 "SET n = row")
        searchable = [{**row, SEARCH_PROPERTY: search_text(row)} for row in rows]
        return self.store.write_batches(query, _chunks(searchable, batch_size))

    def upsert_relationships(self, rel_type: str, rows: list[Row], batch_size: int = PAGE_SIZE) -> int:
        """Create or replace relationships of one type; rows are {from, to, props}."""
        query = (
            f"UNWIND $rows AS row "
            f"MATCH (a:{ENTITY_LABEL} {{id: row.from}}) MATCH (b:{ENTITY_LABEL} {{id: row.to}}) "
            f"MERGE (a)-[r:{relationship_type(rel_type)}]->(b) SET r = row.props"
        )
        return self.store.write_batches(query, _chunks(rows, batch_size))


    def record_import_run(self, run_id: str, props: dict[str, Any]) -> None:
        """Keep a record of an import run (label ImportRun, outside the entity graph)."""
        self.store.write("MERGE (r:ImportRun {id: $id}) SET r += $props", {"id": run_id, "props": props})

    def import_runs(self, limit: int = 50) -> list[dict[str, Any]]:
        """The latest import runs, newest first."""
        rows = self.store.read(
            "MATCH (r:ImportRun) RETURN properties(r) AS run ORDER BY r.started_at DESC, r.id DESC LIMIT $limit",
            {"limit": limit},
        )
        return [row["run"] for row in rows]


def _chunks(rows: list[Row], size: int) -> Iterator[list[Row]]:
    for start in range(0, len(rows), size):
        yield rows[start:start + size]
