"""Turning a raw mapping (one record of any input format) into a validated node or relationship.

Errors name the field, so an importer can report file, line and field together.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from graph_model.identifiers import ID_RULE_TEXT
from graph_model.nodes import NODE_TYPES, Node
from graph_model.pillars import DEFAULT_PILLARS, PillarTaxonomy
from graph_model.relationships import RELATIONSHIP_TYPES, Relationship

Record = Node | Relationship


@dataclass(frozen=True)
class FieldError:
    """One problem with one field of a record."""

    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.field}: {self.message}"


class RecordError(ValueError):
    """A record failed validation; `errors` names each field at fault."""

    def __init__(self, errors: list[FieldError]) -> None:
        self.errors = errors
        super().__init__("; ".join(str(error) for error in errors))


def _field_name(loc: tuple[int | str, ...], aliases: Mapping[str, str]) -> str:
    parts = [str(part) for part in loc]
    if parts and parts[0] in aliases:
        parts[0] = aliases[parts[0]]
    return ".".join(parts) or "record"


def _translate(error: ValidationError, aliases: Mapping[str, str]) -> RecordError:
    problems = []
    for item in error.errors(include_url=False):
        message = item["msg"]
        if item["type"] == "extra_forbidden":
            message = "unknown field"
        elif item["type"] == "missing":
            message = "required field is missing"
        elif item["type"] == "string_pattern_mismatch" and item["loc"] and item["loc"][0] in (
                "id", "source_id", "target_id"):
            message = f"{ID_RULE_TEXT}; got {item['input']!r}"
        elif message.startswith("Value error, "):
            message = message.removeprefix("Value error, ")
        problems.append(FieldError(_field_name(item["loc"], aliases), message))
    return RecordError(problems)


_RELATIONSHIP_ALIASES = {"source_id": "from", "target_id": "to"}


def parse_record(raw: Mapping[str, Any], pillars: PillarTaxonomy = DEFAULT_PILLARS) -> Record:
    """Validate one raw record; its `type` says which node or relationship type it is."""
    if not isinstance(raw, Mapping):
        raise RecordError([FieldError("record", f"expected a mapping of fields, got {type(raw).__name__}")])
    record_type = raw.get("type")
    if record_type is None:
        raise RecordError([FieldError("type", "required field is missing")])
    if record_type in NODE_TYPES:
        model: type[Node] | type[Relationship] = NODE_TYPES[record_type]
        aliases: Mapping[str, str] = {}
    elif record_type in RELATIONSHIP_TYPES:
        model = RELATIONSHIP_TYPES[record_type]
        aliases = _RELATIONSHIP_ALIASES
    else:
        known = ", ".join([*NODE_TYPES, *RELATIONSHIP_TYPES])
        raise RecordError([FieldError("type", f"unknown type {record_type!r}; expected one of {known}")])
    try:
        return model.model_validate(raw, context={"pillars": pillars})
    except ValidationError as error:
        raise _translate(error, aliases) from None


def to_raw(record: Record) -> dict[str, Any]:
    """The native serialisation of a record: JSON-ready, `type` first, relationships with from/to."""
    if isinstance(record, Relationship):
        body = record.model_dump(mode="json", by_alias=True, exclude_none=True)
        ordered = {"type": body.pop("type"), "from": body.pop("from"), "to": body.pop("to")}
    else:
        body = record.model_dump(mode="json", exclude_none=True)
        ordered = {"type": body.pop("type"), "id": body.pop("id")}
    # Empty lists carry no information and not every store keeps them: leave them out.
    ordered.update((key, value) for key, value in body.items() if value != [])
    return ordered
