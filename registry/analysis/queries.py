"""The Cypher the Python analyses read with, in the subset both FalkorDB and Neo4j run.

Every value is a parameter; no label expressions, no subqueries (FalkorDB has neither): alternatives are
spelt `WHERE n:A OR n:B` and absences as OPTIONAL MATCH + count.

The large reads return their rows collected into one record (`RETURN collect([...]) AS rows`, or flat lists
when no value can be null): the Neo4j driver costs tens of microseconds per record in Python, so a nation's
211,000 local datasets took 12 s to read as records and about 1 s as one record.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from graph_model import ENTITY_LABEL
from registry.graph import RegistryGraph

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


def _rows(graph: RegistryGraph, query: str, params: dict[str, Any] | None = None) -> list[list[Any]]:
    """The rows a query collected into its one `rows` column (see the module's docstring)."""
    found = graph.store.read(query, params or {})
    return list(found[0]["rows"]) if found else []


def _pairs(graph: RegistryGraph, pattern: str, ids: list[str], other: str) -> list[tuple[str, str]]:
    """(s.id, other.id) for each match of `pattern` from each id in `ids`, as two flat lists (the driver inspects
    every list it returns in Python: one per row cost more than the rows' strings). Both ends always exist."""
    found = graph.store.read(
        f"UNWIND $ids AS id MATCH {pattern} RETURN collect(s.id) AS ids, collect({other}.id) AS others",
        {"ids": ids})
    return list(zip(found[0]["ids"], found[0]["others"], strict=True)) if found else []


def systems(graph: RegistryGraph, agencies: dict[str, AgencyInfo]) -> list[Candidate]:
    """Every System and Platform with its owner (one pass; the comparison itself is blocked in Python). The
    owner's name and level come from `agencies`: fewer values to read for each of a nation's 50,000 systems."""
    rows = _rows(
        graph,
        f"MATCH (n:{ENTITY_LABEL}) WHERE n:System OR n:Platform "
        "OPTIONAL MATCH (o:Agency)-[:OWNS]->(n) "
        "RETURN collect([n.id, CASE WHEN n:System THEN 'System' ELSE 'Platform' END, n.name, "
        "coalesce(n.description, ''), n.kind, n.scope, n.status, o.id]) AS rows",
    )
    rows.sort(key=lambda row: row[0])
    candidates = []
    for node_id, kind_of, name, description, kind, scope, status, owner_id in rows:
        owner = agencies.get(owner_id) if owner_id is not None else None
        # An empty description is no description (and a null costs the driver more to hand over than '').
        candidates.append(Candidate(node_id, kind_of, name, description or None, kind, scope, status, owner_id,
                                    owner.name if owner else None, owner.level if owner else None))
    return candidates


def agencies(graph: RegistryGraph) -> dict[str, AgencyInfo]:
    """Every agency with its parent (PART_OF), for jurisdictions and roll-ups."""
    rows = _rows(
        graph,
        "MATCH (a:Agency) OPTIONAL MATCH (a)-[:PART_OF]->(p:Agency) "
        "RETURN collect([a.id, a.name, a.level, p.id]) AS rows",
    )
    return {row[0]: AgencyInfo(*row) for row in rows}


def targets(graph: RegistryGraph, ids: list[str]) -> dict[str, set[str]]:
    """What each system masters, copies or delivers: shared targets are evidence of the same job."""
    if not ids:
        return {}
    return _grouped(_pairs(
        graph, f"(s:{ENTITY_LABEL} {{id: id}})-[:MASTERS|HOLDS_COPY_OF|DELIVERS]->(t:{ENTITY_LABEL})", ids, "t"))


def links(graph: RegistryGraph, ids: list[str]) -> dict[str, set[str]]:
    """The systems each system is integrated with: CONNECTS_TO either way, or consuming an API the other exposes
    (either way). A local tier integrated with the national system is a tier, not a parallel copy."""
    if not ids:
        return {}
    patterns = (f"(s:{ENTITY_LABEL} {{id: id}})-[:CONNECTS_TO]-(o:{ENTITY_LABEL})",
                f"(s:{ENTITY_LABEL} {{id: id}})-[:CONSUMES]->(:Api)<-[:EXPOSES]-(o:{ENTITY_LABEL})",
                f"(s:{ENTITY_LABEL} {{id: id}})-[:EXPOSES]->(:Api)<-[:CONSUMES]-(o:{ENTITY_LABEL})")
    return _grouped([pair for pattern in patterns for pair in _pairs(graph, pattern, ids, "o")])


def datasets(graph: RegistryGraph, categories: list[str]) -> list[dict[str, Any]]:
    """The datasets of the given categories with their master (one row per master; none: master None), by id."""
    rows = _rows(
        graph,
        "MATCH (d:Dataset) WHERE d.category IN $categories OPTIONAL MATCH (m:Entity)-[:MASTERS]->(d) "
        "RETURN collect([d.id, d.name, d.category, m.id]) AS rows",
        {"categories": categories},
    )
    rows.sort(key=lambda row: row[0])
    return [{"id": node_id, "name": name, "category": category, "master": master}
            for node_id, name, category, master in rows]


def dataset_names(graph: RegistryGraph, category: str) -> list[tuple[str, str]]:
    """(id, name) of the datasets of one category, in no order: what comparing subjects needs, and nothing else
    (a nation has 200,000 local datasets; their masters are read for the few that match). Two flat lists rather
    than a list of rows: the driver inspects every list it returns, in Python."""
    found = graph.store.read(
        "MATCH (d:Dataset) WHERE d.category = $category "
        "RETURN collect(d.id) AS ids, collect(coalesce(d.name, '')) AS names",
        {"category": category},
    )
    return list(zip(found[0]["ids"], found[0]["names"], strict=True)) if found else []


def masters(graph: RegistryGraph, ids: list[str]) -> dict[str, list[str]]:
    """The masters of each dataset that has any (sorted)."""
    if not ids:
        return {}
    rows = _pairs(graph, f"(s:Dataset {{id: id}})<-[:MASTERS]-(m:{ENTITY_LABEL})", ids, "m")
    return {node_id: sorted(found) for node_id, found in _grouped(rows).items()}


def consumed_datasets(graph: RegistryGraph, ids: list[str]) -> dict[str, set[str]]:
    """The datasets each system reads through an API (CONSUMES an Api that PROVIDES it)."""
    if not ids:
        return {}
    return _grouped(_pairs(graph, f"(s:{ENTITY_LABEL} {{id: id}})-[:CONSUMES]->(:Api)-[:PROVIDES]->(d:Dataset)",
                           ids, "d"))


def used(graph: RegistryGraph, ids: list[str]) -> set[str]:
    """The ids among `ids` that some agency USES: shared national systems."""
    if not ids:
        return set()
    rows = graph.store.read(
        f"UNWIND $ids AS id MATCH (:Agency)-[:USES]->(s:{ENTITY_LABEL} {{id: id}}) RETURN DISTINCT s.id AS id",
        {"ids": ids})
    return {row["id"] for row in rows}


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


def _grouped(rows: list[tuple[str, str]]) -> dict[str, set[str]]:
    """Rows of (id, value) as a set of values per id."""
    found: dict[str, set[str]] = {}
    for node_id, value in rows:
        found.setdefault(node_id, set()).add(value)
    return found
