"""GraphQL object types generated from the metamodel: the `Entity` interface from the common node fields, one
type per node type from its model, and one field per relationship direction the RULES allow for that type."""

from __future__ import annotations

from typing import Any

import strawberry

from graph_model import NODE_TYPES, RULES, Node
from graph_model.labels import TYPE_LABELS
from registry.api.fields import PropertyField, property_fields
from registry.api.naming import IN, OUT, Direction, lower_camel, relationship_field
from registry.graph import StoredNode

ENTITY_FIELDS: list[PropertyField] = property_fields(Node)
FIELDS: dict[str, list[PropertyField]] = {label: property_fields(model) for label, model in NODE_TYPES.items()}


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


def _relationship_resolver(rel_type: str, direction: Direction, others: frozenset[str]) -> Any:
    """A field resolving one relationship direction through its DataLoader; a single node where the metamodel
    allows at most one (owner, master, parent), else a list in id order."""
    rule = RULES[rel_type]
    target: Any = _RAW[next(iter(others))] if len(others) == 1 else Entity
    single = _is_single(rel_type, direction)
    incoming = direction is IN

    async def resolve(root: Any, info: strawberry.Info) -> Any:
        nodes = await info.context.loaders.neighbours(rel_type, incoming).load(root.id)
        objects = [obj for obj in map(to_object, nodes) if obj is not None]
        if single:
            return objects[0] if objects else None
        return objects

    resolve.__annotations__ = {"info": strawberry.Info, "return": target | None if single else list[target]}
    arrow = f"<-[{rel_type}]-" if incoming else f"-[{rel_type}]->"
    description = f"{arrow} {rule.meaning_vi}: {rule.meaning}"
    return strawberry.field(resolver=resolve, name=relationship_field(rel_type, direction), description=description)


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
