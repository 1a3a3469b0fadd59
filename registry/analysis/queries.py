"""The Cypher the Python analyses read with, in the subset both FalkorDB and Neo4j run.

Every value is a parameter; no label expressions, no subqueries (FalkorDB has neither): alternatives are
spelt `WHERE n:A OR n:B` and absences as OPTIONAL MATCH + count.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from graph_model import ENTITY_LABEL
from registry.graph import RegistryGraph, type_of

NATIONAL = "national"


@dataclass(frozen=True)
class Candidate:
    """A System or Platform with what duplicate detection compares: kind, scope, status, owner."""

    id: str
    type: str
    name: str
    description: str | None
    kind: str | None
    scope: str | None
    status: str | None
    owner: str | None
    owner_name: str | None
    owner_level: str | None


@dataclass(frozen=True)
class AgencyInfo:
    id: str
    name: str
    level: str | None
    parent: str | None


def systems(graph: RegistryGraph) -> list[Candidate]:
    """Every System and Platform with its owner (one pass; the comparison itself is blocked in Python)."""
    rows = graph.store.read(
        f"MATCH (n:{ENTITY_LABEL}) WHERE n:System OR n:Platform "
        "OPTIONAL MATCH (o:Agency)-[:OWNS]->(n) "
        "RETURN n.id AS id, labels(n) AS labels, n.name AS name, n.description AS description, n.kind AS kind, "
        "n.scope AS scope, n.status AS status, o.id AS owner, o.name AS owner_name, o.level AS owner_level "
        "ORDER BY id"
    )
    return [Candidate(row["id"], type_of(row["labels"]) or "?", row["name"], row["description"], row["kind"],
                      row["scope"], row["status"], row["owner"], row["owner_name"], row["owner_level"])
            for row in rows]


def agencies(graph: RegistryGraph) -> dict[str, AgencyInfo]:
    """Every agency with its parent (PART_OF), for jurisdictions and roll-ups."""
    rows = graph.store.read(
        "MATCH (a:Agency) OPTIONAL MATCH (a)-[:PART_OF]->(p:Agency) "
        "RETURN a.id AS id, a.name AS name, a.level AS level, p.id AS parent"
    )
    return {row["id"]: AgencyInfo(row["id"], row["name"], row["level"], row["parent"]) for row in rows}


def targets(graph: RegistryGraph, ids: list[str]) -> dict[str, set[str]]:
    """What each system masters, copies or delivers: shared targets are evidence of the same job."""
    if not ids:
        return {}
    rows = graph.store.read(
        f"UNWIND $ids AS id MATCH (s:{ENTITY_LABEL} {{id: id}})-[:MASTERS|HOLDS_COPY_OF|DELIVERS]->(t:{ENTITY_LABEL}) "
        "RETURN s.id AS id, t.id AS target",
        {"ids": ids},
    )
    return _grouped(rows, "target")


def links(graph: RegistryGraph, ids: list[str]) -> dict[str, set[str]]:
    """The systems each system is integrated with: CONNECTS_TO either way, or consuming an API the other exposes
    (either way). A local tier integrated with the national system is a tier, not a parallel copy."""
    if not ids:
        return {}
    connected = graph.store.read(
        f"UNWIND $ids AS id MATCH (s:{ENTITY_LABEL} {{id: id}})-[:CONNECTS_TO]-(o:{ENTITY_LABEL}) "
        "RETURN s.id AS id, o.id AS other",
        {"ids": ids},
    )
    consumed = graph.store.read(
        f"UNWIND $ids AS id MATCH (s:{ENTITY_LABEL} {{id: id}})-[:CONSUMES]->(:Api)<-[:EXPOSES]-(o:{ENTITY_LABEL}) "
        "RETURN s.id AS id, o.id AS other",
        {"ids": ids},
    )
    exposed = graph.store.read(
        f"UNWIND $ids AS id MATCH (s:{ENTITY_LABEL} {{id: id}})-[:EXPOSES]->(:Api)<-[:CONSUMES]-(o:{ENTITY_LABEL}) "
        "RETURN s.id AS id, o.id AS other",
        {"ids": ids},
    )
    return _grouped([*connected, *consumed, *exposed], "other")


def datasets(graph: RegistryGraph) -> list[dict[str, Any]]:
    """Every dataset with its category and master (if any)."""
    return graph.store.read(
        "MATCH (d:Dataset) OPTIONAL MATCH (m:Entity)-[:MASTERS]->(d) "
        "RETURN d.id AS id, d.name AS name, d.category AS category, m.id AS master ORDER BY id"
    )


def consumed_datasets(graph: RegistryGraph, ids: list[str]) -> dict[str, set[str]]:
    """The datasets each system reads through an API (CONSUMES an Api that PROVIDES it)."""
    if not ids:
        return {}
    rows = graph.store.read(
        f"UNWIND $ids AS id MATCH (s:{ENTITY_LABEL} {{id: id}})-[:CONSUMES]->(:Api)-[:PROVIDES]->(d:Dataset) "
        "RETURN s.id AS id, d.id AS dataset",
        {"ids": ids},
    )
    return _grouped(rows, "dataset")


def entity_refs(graph: RegistryGraph, ids: list[str]) -> dict[str, tuple[str, str]]:
    """(type, name) of each id, one round trip."""
    return {node_id: (node.type, str(node.props.get("name", node_id)))
            for node_id, node in graph.fetch_nodes(sorted(set(ids))).items()}


def owners(graph: RegistryGraph, ids: list[str]) -> dict[str, tuple[str, str]]:
    """(owner id, owner name) of each owned id."""
    if not ids:
        return {}
    rows = graph.store.read(
        f"UNWIND $ids AS id MATCH (o:Agency)-[:OWNS]->(n:{ENTITY_LABEL} {{id: id}}) "
        "RETURN n.id AS id, o.id AS owner, o.name AS owner_name",
        {"ids": sorted(set(ids))},
    )
    return {row["id"]: (row["owner"], row["owner_name"]) for row in rows}


def _grouped(rows: list[dict[str, Any]], column: str) -> dict[str, set[str]]:
    """Rows of (id, value) as a set of values per id."""
    found: dict[str, set[str]] = {}
    for row in rows:
        found.setdefault(row["id"], set()).add(row[column])
    return found
