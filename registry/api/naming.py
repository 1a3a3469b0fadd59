"""GraphQL names for the metamodel: one connection field per node type, one field per relationship direction.

Outgoing fields read as the relationship's verb from the source (`owns`, `connectsTo`, `hostedOn`), with the target
noun added where the verb alone is vague (`mastersDatasets`, `exposesApis`). Incoming fields name the other end's
role (`owner`, `master`, `parent`/`children`) or use the passive (`usedBy`, `consumedBy`, `copiesHeldBy`).
A relationship type added to the metamodel without a name here still appears, under the fallback name.
"""

from __future__ import annotations

from enum import StrEnum

from graph_model import NODE_TYPES


class Direction(StrEnum):
    outgoing = "outgoing"
    incoming = "incoming"


OUT, IN = Direction.outgoing, Direction.incoming

RELATIONSHIP_FIELDS: dict[tuple[str, Direction], str] = {
    ("OWNS", OUT): "owns", ("OWNS", IN): "owner",
    ("PART_OF", OUT): "parent", ("PART_OF", IN): "children",
    ("USES", OUT): "uses", ("USES", IN): "usedBy",
    ("EMPLOYS", OUT): "teams", ("EMPLOYS", IN): "employer",
    ("ISSUES", OUT): "issues", ("ISSUES", IN): "issuer",
    ("MASTERS", OUT): "mastersDatasets", ("MASTERS", IN): "master",
    ("HOLDS_COPY_OF", OUT): "holdsCopiesOf", ("HOLDS_COPY_OF", IN): "copiesHeldBy",
    ("EXPOSES", OUT): "exposesApis", ("EXPOSES", IN): "exposedBy",
    ("CONSUMES", OUT): "consumesApis", ("CONSUMES", IN): "consumedBy",
    ("PROVIDES", OUT): "providesDatasets", ("PROVIDES", IN): "providedBy",
    ("ROUTED_VIA", OUT): "routedVia", ("ROUTED_VIA", IN): "routes",
    ("CONNECTS_TO", OUT): "connectsTo", ("CONNECTS_TO", IN): "connectedFrom",
    ("DELIVERS", OUT): "delivers", ("DELIVERS", IN): "deliveredBy",
    ("OFFERED_ON", OUT): "offeredOn", ("OFFERED_ON", IN): "offers",
    ("REQUIRES", OUT): "requiresDatasets", ("REQUIRES", IN): "requiredBy",
    ("HOSTED_ON", OUT): "hostedOn", ("HOSTED_ON", IN): "hosts",
    ("CONFORMS_TO", OUT): "conformsTo", ("CONFORMS_TO", IN): "conformingEntities",
    ("OPERATES", OUT): "operates", ("OPERATES", IN): "operatedBy",
}

CONNECTION_FIELDS: dict[str, str] = {
    "Agency": "agencies", "System": "systems", "Platform": "platforms", "Dataset": "datasets", "Api": "apis",
    "PublicService": "publicServices", "Infrastructure": "infrastructure", "Standard": "standards", "Team": "teams",
}


def lower_camel(text: str) -> str:
    """`HOLDS_COPY_OF` → `holdsCopyOf`, `PublicService` → `publicService`."""
    if "_" in text or text.isupper():
        head, *rest = text.lower().split("_")
        return head + "".join(part.capitalize() for part in rest)
    return text[:1].lower() + text[1:]


def relationship_field(rel_type: str, direction: Direction) -> str:
    """The GraphQL field of one relationship direction (fallback: `holdsCopyOf` / `holdsCopyOfBy`)."""
    fallback = lower_camel(rel_type) + ("By" if direction is IN else "")
    return RELATIONSHIP_FIELDS.get((rel_type, direction), fallback)


def connection_field(label: str) -> str:
    """The root field listing one node type (fallback: lowerCamel plural)."""
    if label not in NODE_TYPES:
        raise ValueError(f"not a node type of the metamodel: {label!r}")
    return CONNECTION_FIELDS.get(label, lower_camel(label) + "s")
