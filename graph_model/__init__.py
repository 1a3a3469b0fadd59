"""The OneGov metamodel: node and relationship types, the pillars, identifier rules and the derived schema.

No I/O and no storage here: stores, importers and the API all build on these types.
"""

from graph_model.identifiers import ID_RULE_TEXT, is_valid_entity_id, slugify
from graph_model.json_schema import metamodel_json_schema
from graph_model.nodes import ENTITY_LABEL, NODE_TYPES, Node
from graph_model.pillars import DEFAULT_PILLARS, Pillar, PillarTaxonomy
from graph_model.records import FieldError, Record, RecordError, parse_record, to_raw
from graph_model.relationships import RELATIONSHIP_TYPES, RULES, Relationship, RelationshipRule
from graph_model.schema import GraphSchema, PropertyIndex, UniqueConstraint, derive_schema

__all__ = [
    "DEFAULT_PILLARS", "ENTITY_LABEL", "ID_RULE_TEXT", "NODE_TYPES", "RELATIONSHIP_TYPES", "RULES",
    "FieldError", "GraphSchema", "Node", "Pillar", "PillarTaxonomy", "PropertyIndex", "Record", "RecordError",
    "Relationship", "RelationshipRule", "UniqueConstraint", "derive_schema", "is_valid_entity_id",
    "metamodel_json_schema", "parse_record", "slugify", "to_raw",
]
