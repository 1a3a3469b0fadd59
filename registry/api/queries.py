"""The API's read queries: parameterised Cypher in the subset both engines run.

Labels and relationship types come only from the metamodel (checked by registry.graph), property names only from
the node models' fields; every value is a parameter.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from graph_model import ENTITY_LABEL, NODE_TYPES, RULES
from graph_model.schema import SEARCH_PROPERTY
from registry.agency_tree import MAX_AGENCY_DEPTH
from registry.graph import node_label, relationship_type
from registry.text_search import search_words

TextSearch = Callable[[str, str, list[str]], tuple[str, dict[str, Any]]]
"""A store's `text_search`: (label, property, words) → the clause binding `n` to the matches, its parameters."""

PING = "RETURN 1 AS ok"

NODES_BY_ID = (f"UNWIND $ids AS id MATCH (n:{ENTITY_LABEL} {{id: id}}) "
               "RETURN n.id AS id, labels(n) AS labels, properties(n) AS props")
"""The entities among `$ids` (absent ids give no row)."""

def neighbours(rel_type: str, incoming: bool) -> str:
    """For each id in `$ids`, the nodes at the other end of its outgoing (or incoming) `rel_type` relationships.

    The far end has no label on purpose: with one, FalkorDB's planner starts from its index (see registry.graph)."""
    typed = relationship_type(rel_type)
    arrow = f"<-[:{typed}]-" if incoming else f"-[:{typed}]->"
    return (f"UNWIND $ids AS id MATCH (n:{ENTITY_LABEL} {{id: id}}){arrow}(other) "
            "RETURN id, labels(other) AS labels, properties(other) AS props ORDER BY other.id")


def link_page(rel_type: str, incoming: bool) -> str:
    """For each id in `$ids`, one page of its `rel_type` links in the given direction: up to `$limit` entries
    `{labels, props, rel}` (far node and relationship properties) after the far-end id `$after`, in id order.
    The slice is taken in the query, so a system used by thousands of communes sends one page, not all of them."""
    typed = relationship_type(rel_type)
    arrow = f"<-[r:{typed}]-" if incoming else f"-[r:{typed}]->"
    return (f"UNWIND $ids AS id MATCH (n:{ENTITY_LABEL} {{id: id}}){arrow}(other) WHERE other.id > $after "
            "WITH id, other, r ORDER BY id, other.id "
            "WITH id, collect({labels: labels(other), props: properties(other), rel: properties(r)}) AS links "
            "RETURN id, links[0..$limit] AS links")


def degree(rel_type: str, incoming: bool) -> str:
    """For each id in `$ids` that has any, how many `rel_type` relationships it has in the given direction."""
    typed = relationship_type(rel_type)
    arrow = f"<-[:{typed}]-" if incoming else f"-[:{typed}]->"
    return f"UNWIND $ids AS id MATCH (n:{ENTITY_LABEL} {{id: id}}){arrow}() RETURN id, count(*) AS total"


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
    search: str | None = None  # words that must all begin words of the name or English name


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


def _source(label: str, where: ListFilter, params: dict[str, Any], text_search: TextSearch) -> tuple[str, list[str]]:
    """The clauses binding `n` and the conditions on it. A search starts from the type's full-text index (see
    registry.text_search), then the agency pattern and the equality conditions narrow its matches."""
    match, conditions = _match(label, where, params)
    words = search_words(where.search or "")
    if not words:
        return match, conditions
    clause, search_params = text_search(label, SEARCH_PROPERTY, words)
    params.update(search_params)
    return (f"{clause} WITH n" if where.agency is None else f"{clause} {match}"), conditions


def page(label: str, where: ListFilter, after: str, limit: int,
         text_search: TextSearch) -> tuple[str, dict[str, Any]]:
    """One page of a listing in id order, after the id `after` (keyset pagination: every page costs the same)."""
    params: dict[str, Any] = {"after": after, "limit": limit}
    source, conditions = _source(label, where, params, text_search)
    clauses = " AND ".join(["n.id > $after", *conditions])
    query = (f"{source} WHERE {clauses} WITH DISTINCT n "
             "RETURN n.id AS id, properties(n) AS props ORDER BY n.id LIMIT $limit")
    return query, params


def count(label: str, where: ListFilter, text_search: TextSearch) -> tuple[str, dict[str, Any]]:
    """How many nodes a listing holds in all."""
    params: dict[str, Any] = {}
    source, conditions = _source(label, where, params, text_search)
    clauses = f" WHERE {' AND '.join(conditions)}" if conditions else ""
    return f"{source}{clauses} WITH DISTINCT n RETURN count(n) AS total", params
