"""GraphQL object types generated from the metamodel: the `Entity` interface from the common node fields, one
type per node type from its model, and one field per relationship direction the RULES allow for that type —
a node where at most one is allowed, else a paged connection whose edges carry the relationship's properties."""

from __future__ import annotations

from datetime import datetime
from enum import Enum
from functools import cache
from typing import Any

import strawberry
from strawberry.scalars import JSON

from graph_model import NODE_TYPES, RELATIONSHIP_TYPES, RULES, Node
from graph_model.labels import TYPE_LABELS
from graph_model.nodes import REVISION_FIELD, ChangeAction, HistoryRecord
from registry.api.fields import PropertyField, property_fields
from registry.api.limits import DEFAULT_FIRST, MAX_FIRST
from registry.api.loaders import Link
from registry.api.naming import IN, OUT, Direction, lower_camel, relationship_field
from registry.api.pagination import PageInfo, check_first, decode_cursor, encode_cursor, page_info
from registry.graph import StoredNode

REVISION = PropertyField(REVISION_FIELD, int | None, int, lambda value: value,
                         "Revision: set by the registry, 1 when created and one more at each change of the entity "
                         "or of its outgoing relationships (see `history`); give it as `expectedRevision` to write "
                         "only if nobody changed the entity since you read it.")
"""Not a field of the node models (the registry sets it), yet on every entity."""
ENTITY_FIELDS: list[PropertyField] = [*property_fields(Node), REVISION]
FIELDS: dict[str, list[PropertyField]] = {label: [*property_fields(model), REVISION]
                                          for label, model in NODE_TYPES.items()}


def _property_namespace(fields: list[PropertyField]) -> dict[str, Any]:
    namespace: dict[str, Any] = {field.name: strawberry.field(default=None, description=field.description)
                                 for field in fields}
    namespace["__annotations__"] = {field.name: field.annotation for field in fields}
    return namespace


Entity: Any = strawberry.interface(
    type("Entity", (), _property_namespace(ENTITY_FIELDS)),
    description="What every node of the registry has: id, Vietnamese name, pillar, provenance.",
)

_RAW: dict[str, type] = {
    label: type(label, (Entity,), _property_namespace(property_fields(model, frozenset(Node.model_fields))))
    for label, model in NODE_TYPES.items()
}


def to_object(node: StoredNode) -> Any:
    """The GraphQL object of a stored node (None for a node of no known type)."""
    cls = _RAW.get(node.type)
    if cls is None:
        return None
    return cls(**{field.name: field.convert(node.props.get(field.name)) for field in FIELDS[node.type]})


def relationship_fields(label: str) -> list[tuple[str, Direction, frozenset[str]]]:
    """(relationship type, direction, node types at the other end) for every relationship a node type may have."""
    found = []
    for rule in RULES.values():
        if label in rule.sources:
            found.append((rule.type, OUT, rule.targets))
        if label in rule.targets:
            found.append((rule.type, IN, rule.sources))
    return found


def _is_single(rel_type: str, direction: Direction) -> bool:
    rule = RULES[rel_type]
    return (rule.max_per_target if direction is IN else rule.max_per_source) == 1


def _describe(rel_type: str, direction: Direction) -> str:
    rule = RULES[rel_type]
    arrow = f"<-[{rel_type}]-" if direction is IN else f"-[{rel_type}]->"
    return f"{arrow} {rule.meaning_vi}: {rule.meaning}"


def _single_resolver(rel_type: str, direction: Direction, target: Any) -> Any:
    """A field for a direction the metamodel allows at most one of (owner, master, parent): the node or null."""
    incoming = direction is IN

    async def resolve(root: Any, info: strawberry.Info) -> Any:
        nodes = await info.context.loaders.neighbours(rel_type, incoming).load(root.id)
        return next((obj for obj in map(to_object, nodes) if obj is not None), None)

    resolve.__annotations__ = {"info": strawberry.Info, "return": target | None}
    return strawberry.field(resolver=resolve, name=relationship_field(rel_type, direction),
                            description=_describe(rel_type, direction))


LINK_FIELDS: dict[str, list[PropertyField]] = {
    rel_type: property_fields(model, frozenset({"source_id", "target_id"}))
    for rel_type, model in RELATIONSHIP_TYPES.items()
}
"""The stored properties of each relationship type (its own, e.g. USES.since, plus description and provenance),
shown on the edges of its connections."""


@cache
def link_types(rel_type: str, direction: Direction) -> tuple[Any, Any]:
    """The edge and connection types of one many-valued relationship direction, e.g. `UsedByEdge` and
    `UsedByConnection`: an edge carries the node at the other end and the relationship's own properties."""
    others = next(ends for found, way, ends in _all_directions() if (found, way) == (rel_type, direction))
    target: Any = _RAW[next(iter(others))] if len(others) == 1 else Entity
    base = relationship_field(rel_type, direction)
    name = base[:1].upper() + base[1:]
    fields = LINK_FIELDS[rel_type]
    edge_namespace = _property_namespace(fields)
    edge_namespace["__annotations__"] = {"cursor": str, "node": target, **edge_namespace["__annotations__"]}
    edge_namespace["cursor"] = strawberry.field(description="Pass as `after` to get the links after this one.")
    edge_namespace["node"] = strawberry.field(description="The entity at the other end.")
    edge = strawberry.type(type(f"{name}Edge", (), edge_namespace),
                           description=f"One {rel_type} relationship ({_describe(rel_type, direction)}).")

    async def total_count(self: Any, info: strawberry.Info) -> int:
        return await info.context.loaders.degrees(rel_type, direction is IN).load(self._owner_id)

    def nodes(self: Any) -> list[Any]:
        return [item.node for item in self.edges]

    total_count.__annotations__ = {"info": strawberry.Info, "return": int}
    nodes.__annotations__ = {"return": list[target]}
    connection_namespace: dict[str, Any] = {
        "__annotations__": {"edges": list[edge], "page_info": PageInfo, "_owner_id": strawberry.Private[str]},
        "total_count": strawberry.field(resolver=total_count,
                                        description="How many such relationships in all (one more batched read)."),
        "nodes": strawberry.field(resolver=nodes, description="The nodes of `edges`, for short queries."),
    }
    connection = strawberry.type(type(f"{name}Connection", (), connection_namespace),
                                 description=f"A page of {base}, in id order of the other end.")
    return edge, connection


def _all_directions() -> list[tuple[str, Direction, frozenset[str]]]:
    return [found for label in NODE_TYPES for found in relationship_fields(label)]


def _to_edge(edge: Any, rel_type: str, link: Link) -> Any:
    node = to_object(link.node)
    if node is None:
        return None
    values = {field.name: field.convert(link.props.get(field.name)) for field in LINK_FIELDS[rel_type]}
    return edge(cursor=encode_cursor(link.node.props["id"]), node=node, **values)


def _many_resolver(rel_type: str, direction: Direction) -> Any:
    """A field for a many-valued direction (owns, children, usedBy, …): a connection paged like the root
    listings (`first` ≤ MAX_FIRST, `after`), so a node with thousands of links answers one page at a time."""
    edge, connection = link_types(rel_type, direction)
    incoming = direction is IN

    async def resolve(root: Any, info: strawberry.Info, first: int = DEFAULT_FIRST, after: str | None = None) -> Any:
        size = check_first(first)
        loader = info.context.loaders.links(rel_type, incoming, decode_cursor(after), size + 1)
        links = await loader.load(root.id)
        edges = [found for found in (_to_edge(edge, rel_type, link) for link in links[:size]) if found is not None]
        info_ = page_info([item.cursor for item in edges], len(links) > size)
        return connection(edges=edges, page_info=info_, _owner_id=root.id)

    resolve.__annotations__ = {"info": strawberry.Info, "first": int, "after": str | None, "return": connection}
    return strawberry.field(resolver=resolve, name=relationship_field(rel_type, direction),
                            description=f"{_describe(rel_type, direction)} — `first` ≤ {MAX_FIRST}, "
                                        "`after` a cursor.")


def _relationship_resolver(rel_type: str, direction: Direction, others: frozenset[str]) -> Any:
    """The field of one relationship direction: a single node where the metamodel allows at most one, else a
    connection whose edges carry the relationship's properties."""
    if _is_single(rel_type, direction):
        target: Any = _RAW[next(iter(others))] if len(others) == 1 else Entity
        return _single_resolver(rel_type, direction, target)
    return _many_resolver(rel_type, direction)


def _build() -> dict[str, Any]:
    """Attach the relationship fields, then make each class a strawberry type (in that order: relationship
    fields refer to each other's classes, which strawberry resolves only when the schema is built)."""
    for label, cls in _RAW.items():
        taken = {lower_camel(field.name) for field in FIELDS[label]}
        for rel_type, direction, others in relationship_fields(label):
            name = relationship_field(rel_type, direction)
            if name in taken:
                raise ValueError(f"{label}.{name} is both a property and a relationship field")
            taken.add(name)
            setattr(cls, f"rel_{rel_type.lower()}_{direction}", _relationship_resolver(rel_type, direction, others))
    return {label: strawberry.type(cls, description=f"{TYPE_LABELS[label][0]} — {NODE_TYPES[label].__doc__}")
            for label, cls in _RAW.items()}


OBJECT_TYPES: dict[str, Any] = _build()


# --- history ---------------------------------------------------------------------------------------------------

ChangeActionType: Any = strawberry.enum(Enum("ChangeAction", [(action.name, action.value) for action in ChangeAction]),
                                         description="What a change did (retire: an update that set status to "
                                                     "retired; update_link: a relationship's properties changed).")


@strawberry.type(description="One field of a change: its value before and after (null: absent).")
class FieldChange:
    field: str
    before: JSON | None
    after: JSON | None


@strawberry.type(name="Change", description="One recorded change of an entity or of a relationship at one of its "
                                            "ends: who made it, when, from which token or import run, and what changed.")
class ChangeType:
    id: strawberry.ID
    at: datetime = strawberry.field(description="When (UTC).")
    by: str = strawberry.field(description="Who: `api:<token name>`, or the user who ran the import.")
    source: str = strawberry.field(description="The API token's id, or the import run's id.")
    import_run: str | None = strawberry.field(description="The import run the write belonged to (API writes have "
                                                          "one too; an unlink has none).")
    action: ChangeActionType  # type: ignore[valid-type]
    entity_id: strawberry.ID = strawberry.field(description="The changed entity, or the relationship's `from`.")
    entity_type: str | None
    rel_type: str | None = strawberry.field(description="The relationship type, for a link change.")
    to: strawberry.ID | None = strawberry.field(description="The relationship's `to`, for a link change.")
    revision: int = strawberry.field(description="The revision of the entity (of the `from` entity, for a link "
                                                 "change) this change made.")
    changes: list[FieldChange] = strawberry.field(description="Each changed field, in name order.")


def to_change(record: HistoryRecord) -> ChangeType:
    """The GraphQL object of a history record."""
    return ChangeType(
        id=strawberry.ID(record.id), at=record.at, by=record.by, source=record.source, import_run=record.import_run,
        action=ChangeActionType(ChangeAction(record.action).value), entity_id=strawberry.ID(record.entity), entity_type=record.entity_type,
        rel_type=record.rel_type, to=strawberry.ID(record.to) if record.to else None, revision=record.revision,
        changes=[FieldChange(field=name, before=values.get("before"), after=values.get("after"))
                 for name, values in sorted(record.changes.items())])
