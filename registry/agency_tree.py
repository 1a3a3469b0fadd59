"""The agency hierarchy as the write rules see it: an agency and every agency under it (PART_OF, bounded depth).

One query shared by the import authoriser (`registry.access`) and the GraphQL mutations, so an agency token's
reach is the same whichever way it writes."""

from __future__ import annotations

from registry.store import GraphStore

MAX_AGENCY_DEPTH = 10
"""How many PART_OF steps are followed down from an agency (the real tree is central → ministry/province →
commune, three levels; the bound keeps a malformed cycle-free chain from costing more)."""

SUBTREE = (f"MATCH (root:Agency {{id: $root}})<-[:PART_OF*0..{MAX_AGENCY_DEPTH}]-(a:Agency) "
           "RETURN DISTINCT a.id AS id")


def agency_subtree(store: GraphStore, root: str) -> frozenset[str]:
    """`root` and every agency PART_OF it, directly or not; empty when `root` is no agency."""
    return frozenset(row["id"] for row in store.read(SUBTREE, {"root": root}))
