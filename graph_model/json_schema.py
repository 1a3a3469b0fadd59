"""The metamodel as one JSON Schema document, for templates, docs and other tools."""

from __future__ import annotations

from typing import Any

from graph_model.nodes import NODE_TYPES
from graph_model.pillars import DEFAULT_PILLARS, PillarTaxonomy
from graph_model.relationships import RELATIONSHIP_TYPES, RULES


def metamodel_json_schema(pillars: PillarTaxonomy = DEFAULT_PILLARS) -> dict[str, Any]:
    """JSON Schema of a native record (any node or relationship), plus the metamodel's rules."""
    models = [*NODE_TYPES.values(), *RELATIONSHIP_TYPES.values()]
    defs: dict[str, Any] = {}
    for model in models:
        schema = model.model_json_schema(by_alias=True, ref_template="#/$defs/{model}")
        defs.update(schema.pop("$defs", {}))
        defs[model.__name__] = schema
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://onegov-registry.example/schema/record.json",
        "title": "OneGov Architecture Registry record",
        "description": "One node or relationship of the native import/export format; `type` says which.",
        "oneOf": [{"$ref": f"#/$defs/{model.__name__}"} for model in models],
        "$defs": defs,
        "x-pillars": [pillar.model_dump() for pillar in pillars],
        "x-node-types": {
            label: {"default_pillar": model.default_pillar, "description": (model.__doc__ or "").strip()}
            for label, model in NODE_TYPES.items()
        },
        "x-relationship-rules": {
            rel_type: {
                "from": sorted(rule.sources),
                "to": sorted(rule.targets),
                "max_per_source": rule.max_per_source,
                "max_per_target": rule.max_per_target,
                "meaning": rule.meaning,
                "meaning_vi": rule.meaning_vi,
            }
            for rel_type, rule in RULES.items()
        },
    }
