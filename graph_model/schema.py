"""The graph schema derived from the metamodel: uniqueness constraints and indexes, as data.

Each store adapter renders these in its own dialect; nothing here is Cypher text.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from graph_model.nodes import ENTITY_LABEL, HISTORY_LABEL, NODE_TYPES


@dataclass(frozen=True)
class UniqueConstraint:
    label: str
    property: str


@dataclass(frozen=True)
class PropertyIndex:
    label: str
    property: str


@dataclass(frozen=True)
class TextIndex:
    """A full-text index on one label's derived search text (its names, folded: see registry.text_search)."""

    label: str
    property: str


SEARCH_PROPERTY = "search_text"
"""The derived property every entity's names are searched through; not part of any node model."""


@dataclass(frozen=True)
class GraphSchema:
    constraints: tuple[UniqueConstraint, ...]
    indexes: tuple[PropertyIndex, ...]
    text_indexes: tuple[TextIndex, ...] = field(default=())
    node_labels: tuple[str, ...] = field(default=())
    relationship_types: tuple[str, ...] = field(default=())


HISTORY_INDEXES = ("entity_id", "target_id")
"""What `history(id)` looks up: the changed entity, or a relationship's `to` end (its `from` end is entity_id)."""

# Fields that queries filter on (GraphQL filters, findings); each gets an index on every label that has it.
FILTERED_FIELDS = ("pillar", "level", "status", "kind", "category", "code", "administrative_code")


def derive_schema() -> GraphSchema:
    """Id unique across all entities (on the shared Entity label), ids and filtered fields indexed per label,
    names searchable per label; history records unique by id and found by either entity they concern."""
    from graph_model.relationships import RULES

    indexes: list[PropertyIndex] = []
    for label, model in NODE_TYPES.items():
        indexes.append(PropertyIndex(label, "id"))
        indexes.extend(PropertyIndex(label, name) for name in FILTERED_FIELDS if name in model.model_fields)
    indexes.extend(PropertyIndex(HISTORY_LABEL, name) for name in HISTORY_INDEXES)
    return GraphSchema(
        constraints=(UniqueConstraint(ENTITY_LABEL, "id"), UniqueConstraint(HISTORY_LABEL, "id")),
        indexes=tuple(indexes),
        text_indexes=tuple(TextIndex(label, SEARCH_PROPERTY) for label in NODE_TYPES),
        node_labels=(ENTITY_LABEL, *NODE_TYPES),
        relationship_types=tuple(RULES),
    )
