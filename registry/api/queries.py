"""The API's read queries: parameterised Cypher in the subset both engines run.

Labels and relationship types come only from the metamodel (checked by registry.graph), property names only from
the node models' fields; every value is a parameter.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from graph_model import ENTITY_LABEL, NODE_TYPES, RULES
from registry.api.limits import MAX_AGENCY_DEPTH
from registry.api.search import FOLDS, fold, folded_cypher
from registry.graph import node_label, relationship_type

PING = "RETURN 1 AS ok"

NODES_BY_ID = (f"UNWIND $ids AS id MATCH (n:{ENTITY_LABEL} {{id: id}}) "
               "RETURN n.id AS id, labels(n) AS labels, properties(n) AS props")
"""The entities among `$ids` (absent ids give no row)."""

NAME_SEPARATOR = "\n"
"""Between name and English name in the searched text, so a match cannot straddle the two."""


def neighbours(rel_type: str, incoming: bool) -> str:
    """For each id in `$ids`, the nodes at the other end of its outgoing (or incoming) `rel_type` relationships.

    The far end has no label on purpose: with one, FalkorDB's planner starts from its index (see registry.graph)."""
    typed = relationship_type(rel_type)
    arrow = f"<-[:{typed}]-" if incoming else f"-[:{typed}]->"
    return (f"UNWIND $ids AS id MATCH (n:{ENTITY_LABEL} {{id: id}}){arrow}(other) "
            "RETURN id, labels(other) AS labels, properties(other) AS props ORDER BY other.id")


def agency_relationship(label: str) -> str:
    """The relationship that ties a node type to 'its' agency: OWNS, EMPLOYS or ISSUES (one per target), or
    PART_OF for agencies themselves. The `agency` filter follows it."""
    if label == "Agency":
        return "PART_OF"
    for rule in RULES.values():
        if rule.sources == frozenset({"Agency"}) and label in rule.targets and rule.max_per_target == 1:
            return rule.type
    raise ValueError(f"no agency relationship reaches {label!r}")


@dataclass(frozen=True)
class ListFilter:
    """What a connection's `filter` argument asks for, in the metamodel's terms."""

    equals: dict[str, Any] = field(default_factory=dict)  # stored property → value
    agency: str | None = None  # this agency and everything under it (PART_OF)
    search: str | None = None  # words that must all be in the name or English name


def _match(label: str, where: ListFilter, params: dict[str, Any]) -> tuple[str, list[str]]:
    """The MATCH clause and WHERE conditions of a filtered listing of one node type."""
    typed = node_label(label)
    conditions: list[str] = []
    for index, (prop, value) in enumerate(sorted(where.equals.items())):
        if prop not in NODE_TYPES[label].model_fields:
            raise ValueError(f"{label} has no property {prop!r}")
        params[f"eq{index}"] = value
        conditions.append(f"n.{prop} = $eq{index}")
    if where.agency is None:
        return f"MATCH (n:{typed})", conditions
    params["agency"] = where.agency
    agency = node_label("Agency")
    down = f"<-[:{relationship_type('PART_OF')}*0..{MAX_AGENCY_DEPTH}]-"
    if label == agency:
        pattern = f"(root:{agency} {{id: $agency}}){down}(n:{typed})"
    else:
        pattern = (f"(root:{agency} {{id: $agency}}){down}(:{agency})"
                   f"-[:{relationship_type(agency_relationship(label))}]->(n:{typed})")
    return f"MATCH {pattern}", conditions


def _search(where: ListFilter, params: dict[str, Any]) -> str:
    """What follows `WITH DISTINCT n` when searching: the names folded once per node, then every word of the
    text must be in them. (One CONTAINS per word: FalkorDB 4.16 returns no rows for `all(word IN $words …)` there.)"""
    words = fold(where.search or "").split()
    if not words:
        return ""
    params.update(folds=FOLDS, separator=NAME_SEPARATOR)
    params.update({f"word{index}": word for index, word in enumerate(words)})
    names = folded_cypher("n.name + $separator + coalesce(n.name_en, '')")
    tests = " AND ".join(f"names CONTAINS $word{index}" for index in range(len(words)))
    return f", {names} AS names WHERE {tests}"


def page(label: str, where: ListFilter, after: str, limit: int) -> tuple[str, dict[str, Any]]:
    """One page of a listing in id order, after the id `after` (keyset pagination: every page costs the same)."""
    params: dict[str, Any] = {"after": after, "limit": limit}
    match, conditions = _match(label, where, params)
    clauses = " AND ".join(["n.id > $after", *conditions])
    query = (f"{match} WHERE {clauses} WITH DISTINCT n{_search(where, params)} "
             "RETURN n.id AS id, properties(n) AS props ORDER BY n.id LIMIT $limit")
    return query, params


def count(label: str, where: ListFilter) -> tuple[str, dict[str, Any]]:
    """How many nodes a listing holds in all."""
    params: dict[str, Any] = {}
    match, conditions = _match(label, where, params)
    clauses = f" WHERE {' AND '.join(conditions)}" if conditions else ""
    return f"{match}{clauses} WITH DISTINCT n{_search(where, params)} RETURN count(n) AS total", params
