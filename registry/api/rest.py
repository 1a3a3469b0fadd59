"""A plain REST read of one entity and its neighbours: for tools that do not speak GraphQL, and the floor the
GraphQL layer is measured against (the same answer with nothing but FastAPI and two store reads)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, HTTPException, Query, Request
from pydantic import BaseModel, Field

from graph_model import ENTITY_LABEL, is_valid_entity_id
from registry.api import queries
from registry.api.limits import MAX_FIRST
from registry.graph import StoredNode, type_of
from registry.store import GraphStore


class Neighbour(BaseModel):
    """One relationship of the entity, seen from it."""

    type: str = Field(description="Relationship type, e.g. OWNS")
    direction: str = Field(description="outgoing (the entity is its source) or incoming")
    id: str = Field(description="Id of the entity at the other end")
    entity_type: str = Field(description="Node type at the other end")
    name: str | None = Field(default=None, description="Vietnamese name at the other end")
    properties: dict[str, Any] = Field(default_factory=dict, description="The relationship's own properties")


class EntityView(BaseModel):
    """An entity's stored properties and up to `limit` relationships each way, by type and then id."""

    id: str
    type: str
    properties: dict[str, Any]
    neighbours: list[Neighbour]
    truncated: bool = Field(description="True when a direction had more relationships than `limit`")


def _links(incoming: bool) -> str:
    arrow = "<-[r]-" if incoming else "-[r]->"
    return (f"MATCH (n:{ENTITY_LABEL} {{id: $id}}){arrow}(other:{ENTITY_LABEL}) "
            "RETURN type(r) AS type, other.id AS id, labels(other) AS labels, other.name AS name, "
            "properties(r) AS props ORDER BY type, id LIMIT $limit")


OUTGOING, INCOMING = _links(incoming=False), _links(incoming=True)

router = APIRouter(prefix="/api", tags=["entities"])


@router.get("/entities/{entity_id}", response_model=EntityView, responses={404: {"description": "No such entity"}})
async def entity(request: Request, entity_id: str,
                 limit: int = Query(MAX_FIRST, ge=1, le=MAX_FIRST,
                                    description="Relationships per direction")) -> EntityView:
    """One entity with its relationships both ways: what `entity(id)` with its relationship fields answers in
    GraphQL, as plain JSON."""
    if not is_valid_entity_id(entity_id):
        raise HTTPException(404, f"no entity {entity_id!r}")
    store: GraphStore = request.app.state.store
    rows = await store.aread(queries.NODES_BY_ID, {"ids": [entity_id]})
    if not rows:
        raise HTTPException(404, f"no entity {entity_id!r}")
    node = StoredNode(type_of(rows[0]["labels"]) or "?", rows[0]["props"])
    neighbours: list[Neighbour] = []
    truncated = False
    for direction, query in (("outgoing", OUTGOING), ("incoming", INCOMING)):
        found = await store.aread(query, {"id": entity_id, "limit": limit + 1})
        truncated = truncated or len(found) > limit
        neighbours += [Neighbour(type=row["type"], direction=direction, id=row["id"],
                                 entity_type=type_of(row["labels"]) or "?", name=row["name"],
                                 properties=row["props"]) for row in found[:limit]]
    return EntityView(id=entity_id, type=node.type, properties=node.props, neighbours=neighbours,
                      truncated=truncated)
