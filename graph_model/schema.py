"""The graph schema derived from the metamodel: uniqueness constraints and indexes, as data.

Each store adapter renders these in its own dialect; nothing here is Cypher text.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from graph_model.nodes import ENTITY_LABEL, NODE_TYPES


@dataclass(frozen=True)
class UniqueConstraint:
    label: str
    property: str


@dataclass(frozen=True)
class PropertyIndex:
    label: str
    property: str


@dataclass(frozen=True)
class GraphSchema:
    constraints: tuple[UniqueConstraint, ...]
    indexes: tuple[PropertyIndex, ...]
    node_labels: tuple[str, ...] = field(default=())
    relationship_types: tuple[str, ...] = field(default=())


# Fields that queries filter on (GraphQL filters, findings); each gets an index on every label that has it.
FILTERED_FIELDS = ("pillar", "level", "status", "kind", "category", "code", "administrative_code")


def derive_schema() -> GraphSchema:
    """Id unique across all entities (on the shared Entity label), ids and filtered fields indexed per label."""
    from graph_model.relationships import RULES

    indexes: list[PropertyIndex] = []
    for label, model in NODE_TYPES.items():
        indexes.append(PropertyIndex(label, "id"))
        indexes.extend(PropertyIndex(label, name) for name in FILTERED_FIELDS if name in model.model_fields)
    return GraphSchema(
        constraints=(UniqueConstraint(ENTITY_LABEL, "id"),),
        indexes=tuple(indexes),
        node_labels=(ENTITY_LABEL, *NODE_TYPES),
        relationship_types=tuple(RULES),
    )
