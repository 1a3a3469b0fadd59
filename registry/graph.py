"""The registry's graph operations, as parameterised Cypher in the subset both stores run.

Labels and relationship types are interpolated only after checking them against the metamodel;
every value travels as a parameter.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, TypeVar

from graph_model import (
    ENTITY_LABEL,
    NODE_TYPES,
    RELATIONSHIP_TYPES,
    RULES,
    derive_schema,
)
from graph_model.ledger import LEDGER_TYPES
from graph_model.nodes import HISTORY_LABEL, REVISION_FIELD, HistoryRecord
from graph_model.schema import SEARCH_PROPERTY
from registry.store.protocol import GraphStore, Row
from registry.text_search import search_text

PAGE_SIZE = 1000
_T = TypeVar("_T")

# Neo4j reads at read-committed: a transaction that checks a revision it has not locked may act on a value another
# transaction is about to replace (a lost update). Writing a property first takes the write lock, so the check
# that follows sees the latest committed revision (Neo4j's documented remedy; FalkorDB runs writes one at a time,
# where it costs nothing). Set and removed at once, so nothing is left behind.
_LOCK = "SET {0}._lock = true REMOVE {0}._lock"


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
        """Derive the search text (in Python, exactly as a write does) of nodes stored before it existed."""
        pending = (f"MATCH (n:{ENTITY_LABEL}) WHERE n.{SEARCH_PROPERTY} IS NULL AND n.id IS NOT NULL "
                   "RETURN n.id AS id, n.name AS name, n.name_en AS name_en LIMIT $batch")
        fill = f"UNWIND $rows AS row MATCH (n:{ENTITY_LABEL} {{id: row.id}}) SET n.{SEARCH_PROPERTY} = row.text"
        while rows := self.store.read(pending, {"batch": batch}):
            # Never null, even for a node without a name: each round must shrink what is left, or it would not end.
            self.store.write(fill, {"rows": [{"id": row["id"], "text": search_text(row)} for row in rows]})
            if len(rows) < batch:
                break

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

    def sorted_ids(self, label: str = ENTITY_LABEL) -> list[str]:
        """Every id of a label, sorted (code-point order, as Cypher's ORDER BY): read in one pass, then paged.

        Keyset pages (`WHERE n.id > $after ORDER BY n.id LIMIT …`) would be simpler, but FalkorDB answers each one
        by sorting every remaining node, which turns a nation-scale export quadratic (hours). Equality lookups by
        id use the index on both stores, so reading a page of known ids costs the same wherever it starts."""
        if label != ENTITY_LABEL and label not in LEDGER_TYPES:
            raise ValueError(f"not a label with ids: {label!r}")
        return sorted(row["id"] for row in self.store.read(f"MATCH (n:{label}) RETURN n.id AS id"))

    def iter_nodes(self, page_size: int = PAGE_SIZE) -> Iterator[StoredNode]:
        """Every node in id order, read a page of ids at a time (see `sorted_ids`)."""
        for ids in _chunks(self.sorted_ids(), page_size):
            rows = self.store.read(
                f"UNWIND $ids AS id MATCH (n:{ENTITY_LABEL} {{id: id}}) "
                "RETURN labels(n) AS labels, properties(n) AS props", {"ids": ids})
            rows.sort(key=lambda row: row["props"]["id"])
            for row in rows:
                yield StoredNode(type_of(row["labels"]) or "?", row["props"])

    def iter_relationships(self, page_size: int = PAGE_SIZE) -> Iterator[StoredRelationship]:
        """Every relationship between entities, ordered by (from, type, to), read a page of start nodes at a time."""
        for ids in _chunks(self.sorted_ids(), page_size):
            rows = self.store.read(
                f"UNWIND $ids AS id MATCH (a:{ENTITY_LABEL} {{id: id}})-[r]->(b:{ENTITY_LABEL}) "
                "RETURN a.id AS source, type(r) AS type, b.id AS target, properties(r) AS props",
                {"ids": ids},
            )
            rows.sort(key=lambda row: (row["source"], row["type"], row["target"]))
            for row in rows:
                yield StoredRelationship(row["source"], row["type"], row["target"], row["props"])

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
        """Create or replace nodes of one type; each row is the full property map (with `id`). Raw: no history and
        no revision check (tests, restores); imports and the API write through `write_nodes`.

        The loader refuses a record whose id belongs to another type before it gets here; Neo4j's constraint on
        Entity.id backs that up. (MERGE on Entity alone and then SET the type label would guard FalkorDB too,
        but setting a label there costs ten times the whole MERGE.)"""
        query = (f"UNWIND $rows AS row MERGE (n:{ENTITY_LABEL}:{node_label(label)} {{id: row.id}}) "
                 "SET n = row")
        searchable = [{**row, SEARCH_PROPERTY: search_text(row)} for row in rows]
        return self.store.write_batches(query, _chunks(searchable, batch_size))

    def upsert_relationships(self, rel_type: str, rows: list[Row], batch_size: int = PAGE_SIZE) -> int:
        """Create or replace relationships of one type; rows are {from, to, props}. Raw, like `upsert_nodes`: a
        restore of a backup's relationships; everything else goes through `write_relationships`."""
        query = (
            f"UNWIND $rows AS row "
            f"MATCH (a:{ENTITY_LABEL} {{id: row.from}}) MATCH (b:{ENTITY_LABEL} {{id: row.to}}) "
            f"MERGE (a)-[r:{relationship_type(rel_type)}]->(b) SET r = row.props"
        )
        return self.store.write_batches(query, _chunks(rows, batch_size))

    # --- writes with history and revisions ---------------------------------------------------------------------

    def write_nodes(self, label: str, rows: list[Row], create: bool, batch_size: int = PAGE_SIZE,
                    common: Row | None = None) -> set[str]:
        """Create (`create`) or update nodes of one type, each with its history record, in one statement per
        batch; returns the ids NOT written because their revision was no longer the one expected.

        Each row is {id, props, expected, change}: `props` the full property map (with the new `revision`),
        `expected` the revision the writer read (0: absent), `change` the Change node's own properties, or None for
        a restore (the history comes with the backup). What all changes of the call share (`common`: when, by whom,
        source, run) travels once, not per row: parameters are encoded in Python, so a row's size is import time.

        The revision is compared after taking the node's lock and in the same statement as the write and its
        history, so of two writers that read the same revision exactly one succeeds, and no write is ever without
        its history record or the other way round."""
        typed = node_label(label)
        match = "MERGE" if create else "MATCH"
        with_history = [row for row in rows if row.get("change") is not None]
        restored = [row for row in rows if row.get("change") is None]
        lost: set[str] = set()
        for batch_rows, history in ((with_history, True), (restored, False)):
            query = (f"UNWIND $rows AS row {match} (n:{ENTITY_LABEL}:{typed} {{id: row.id}}) {_LOCK.format('n')} "
                     f"WITH n, row WHERE coalesce(n.{REVISION_FIELD}, 0) = row.expected SET n = row.props "
                     + (f"CREATE (c:{HISTORY_LABEL}) SET c = row.change, c += $common, c.entity_id = row.id, "
                        "c.entity_type = $label " if history else "")
                     + "RETURN n.id AS id")
            for chunk in _chunks(batch_rows, batch_size):
                searchable = [{**row, "props": {**row["props"], SEARCH_PROPERTY: search_text(row["props"])}}
                              for row in chunk]
                params = {"rows": searchable, "common": common or {}, "label": label}
                written = {found["id"] for found in self.store.write(query, params)}
                lost.update(row["id"] for row in chunk if row["id"] not in written)
        return lost

    def write_relationships(self, rel_type: str, groups: list[Row], batch_size: int = PAGE_SIZE,
                            common: Row | None = None) -> set[str]:
        """Create or update relationships of one type with their history, grouped by their `from` entity, whose
        revision each group raises by one (an entity's revision counts changes to it and to its outgoing links);
        returns the `from` ids NOT written because their revision was not the one a group expected.

        Each group is {from, expected (None: no check), rels: [{to, props, change}]}; the statement adds to
        `change` the ends, the type, `common` (as for `write_nodes`) and the revision. A `from` appears in at most
        one group of a call."""
        typed = relationship_type(rel_type)
        query = (
            f"UNWIND $rows AS g MATCH (a:{ENTITY_LABEL} {{id: g.from}}) {_LOCK.format('a')} "
            f"WITH a, g WHERE g.expected IS NULL OR coalesce(a.{REVISION_FIELD}, 0) = g.expected "
            f"SET a.{REVISION_FIELD} = coalesce(a.{REVISION_FIELD}, 0) + 1 "
            f"WITH a, g, a.{REVISION_FIELD} AS revision UNWIND g.rels AS rel "
            f"MATCH (b:{ENTITY_LABEL} {{id: rel.to}}) MERGE (a)-[r:{typed}]->(b) SET r = rel.props "
            f"CREATE (c:{HISTORY_LABEL}) SET c = rel.change, c += $common, c.entity_id = g.from, "
            f"c.rel_type = $rel_type, c.target_id = rel.to, c.{REVISION_FIELD} = revision "
            "RETURN DISTINCT g.from AS id"
        )
        lost: set[str] = set()
        for chunk in _group_chunks(groups, batch_size):
            params = {"rows": chunk, "common": common or {}, "rel_type": rel_type}
            written = {found["id"] for found in self.store.write(query, params)}
            lost.update(group["from"] for group in chunk if group["from"] not in written)
        return lost

    def delete_relationship(self, rel_type: str, source: str, target: str, expected: int | None,
                            change: Row) -> int | None:
        """Delete one relationship with its history record, raising its `from` entity's revision, in one
        statement; `expected` (if given) must be that entity's revision. Returns the new revision, or None when
        nothing was deleted (no such relationship, or another revision)."""
        # The relationship is matched after the lock, so of two concurrent unlinks the second finds nothing.
        rows = self.store.write(
            f"MATCH (a:{ENTITY_LABEL} {{id: $from}}) {_LOCK.format('a')} "
            f"WITH a WHERE $expected IS NULL OR coalesce(a.{REVISION_FIELD}, 0) = $expected "
            f"MATCH (a)-[r:{relationship_type(rel_type)}]->(b:{ENTITY_LABEL} {{id: $to}}) "
            f"SET a.{REVISION_FIELD} = coalesce(a.{REVISION_FIELD}, 0) + 1 DELETE r "
            f"CREATE (c:{HISTORY_LABEL}) SET c = $change, c.{REVISION_FIELD} = a.{REVISION_FIELD} "
            f"RETURN a.{REVISION_FIELD} AS revision",
            {"from": source, "to": target, "expected": expected, "change": change})
        return rows[0]["revision"] if rows else None

    def revisions(self, ids: list[str]) -> dict[str, int]:
        """The revision of each stored entity among `ids` (0 for one stored before revisions were kept)."""
        if not ids:
            return {}
        rows = self.store.read(
            f"UNWIND $ids AS id MATCH (n:{ENTITY_LABEL} {{id: id}}) "
            f"RETURN n.id AS id, coalesce(n.{REVISION_FIELD}, 0) AS revision", {"ids": ids})
        return {row["id"]: row["revision"] for row in rows}

    def restore_ledger(self, label: str, rows: list[Row], batch_size: int = PAGE_SIZE) -> int:
        """Put bookkeeping records (history, import runs, tokens: `LEDGER_TYPES`) back as they were (a restore):
        MERGE on their id, so a re-run adds nothing."""
        query = f"UNWIND $rows AS row MERGE (c:{_ledger_label(label)} {{id: row.id}}) SET c = row"
        return self.store.write_batches(query, _chunks(rows, batch_size))

    def ledger_ids(self, label: str, ids: list[str]) -> set[str]:
        """Which of these bookkeeping record ids are stored."""
        if not ids:
            return set()
        rows = self.store.read(f"UNWIND $ids AS id MATCH (c:{_ledger_label(label)} {{id: id}}) RETURN c.id AS id",
                               {"ids": ids})
        return {row["id"] for row in rows}

    def iter_ledger(self, label: str, page_size: int = PAGE_SIZE) -> Iterator[dict[str, Any]]:
        """Every bookkeeping record's properties in id order (for history and import runs, oldest first: their ids
        sort by time), a page of ids at a time."""
        label = _ledger_label(label)
        for ids in _chunks(self.sorted_ids(label), page_size):
            rows = self.store.read(
                f"UNWIND $ids AS id MATCH (c:{label} {{id: id}}) RETURN properties(c) AS props", {"ids": ids})
            rows.sort(key=lambda row: row["props"]["id"])
            for row in rows:
                yield row["props"]

    def history(self, entity_id: str, first: int | None = None, before: str | None = None) -> list[HistoryRecord]:
        """The changes of one entity and of the relationships at either of its ends, newest first (see
        registry.history)."""
        from registry.history import entity_history

        return entity_history(self.store, entity_id, first, before)

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


def _ledger_label(label: str) -> str:
    """A bookkeeping label, checked against the fixed set before it is put in a query (never user text)."""
    if label not in LEDGER_TYPES:
        raise ValueError(f"not a bookkeeping label: {label!r}")
    return label


def _chunks(rows: list[_T], size: int) -> Iterator[list[_T]]:
    for start in range(0, len(rows), size):
        yield rows[start:start + size]


def _group_chunks(groups: list[Row], size: int) -> Iterator[list[Row]]:
    """Groups in chunks of about `size` relationships (a group is never split: its revision rises once)."""
    chunk: list[Row] = []
    count = 0
    for group in groups:
        chunk.append(group)
        count += len(group["rels"])
        if count >= size:
            yield chunk
            chunk, count = [], 0
    if chunk:
        yield chunk
