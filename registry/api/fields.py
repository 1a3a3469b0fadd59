"""GraphQL property fields derived from the pydantic node models: type, nullability, default, description.

Each field also knows how to turn the value the store holds (ISO strings, enum values) into the GraphQL value,
so a stored node becomes a GraphQL object without validating it again.
"""

from __future__ import annotations

import types
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from enum import Enum
from functools import cache
from typing import Annotated, Any, Literal, Union, get_args, get_origin

import strawberry
from pydantic import AwareDatetime, BaseModel
from pydantic.fields import FieldInfo

from graph_model.labels import FIELD_LABELS, VALUE_LABELS

PYDANTIC_SCALARS: dict[Any, Any] = {AwareDatetime: datetime}
"""Pydantic's constrained types, as the plain Python type strawberry knows."""
PLAIN_SCALARS = (str, int, float, bool, date, datetime)

SKIPPED_FIELDS = frozenset({"type"})
"""The model's `type` discriminator: GraphQL has `__typename`."""


@dataclass(frozen=True)
class PropertyField:
    """One stored property as a GraphQL field."""

    name: str  # the stored (and Python) name; strawberry camel-cases it in the schema
    annotation: Any  # the GraphQL type, as strawberry reads it
    base: Any  # the scalar or enum inside any list / optional
    convert: Callable[[Any], Any]
    description: str


@cache
def graphql_enum(enum: type[Enum]) -> type[Enum]:
    """A GraphQL copy of a metamodel enum, each value described by its Vietnamese label (the original is left
    untouched). Values keep the metamodel's names, so what people type in a spreadsheet they type here."""
    members = [(member.name, strawberry.enum_value(member.value, description=VALUE_LABELS.get(member.value)))
               for member in enum]
    copy = Enum(enum.__name__, members)  # type: ignore[misc]
    return strawberry.enum(copy, description=enum.__dict__.get("__doc__"))


def property_fields(model: type[BaseModel], exclude: frozenset[str] = frozenset()) -> list[PropertyField]:
    """The GraphQL fields of a node model's own properties (minus `exclude`, e.g. the fields of the interface)."""
    return [_property_field(name, info) for name, info in model.model_fields.items()
            if name not in SKIPPED_FIELDS and name not in exclude]


def _property_field(name: str, info: FieldInfo) -> PropertyField:
    base, is_list, optional = _unwrap(info.annotation)
    base = PYDANTIC_SCALARS.get(base, base)
    if name == "id":
        scalar: Any = strawberry.ID
    elif isinstance(base, type) and issubclass(base, Enum):
        scalar = graphql_enum(base)
    elif base in PLAIN_SCALARS:
        scalar = base
    else:
        raise TypeError(f"no GraphQL type for the metamodel field {name!r}: {base!r}")
    convert_one = _converter(scalar)
    default = None if info.is_required() else info.get_default(call_default_factory=True)
    nullable = optional or (default is None and not info.is_required())
    annotation: Any = list[scalar] if is_list else scalar
    if nullable:
        annotation = annotation | None

    def convert(value: Any) -> Any:
        if value is None:
            value = default
        if value is None:
            return None
        return [convert_one(item) for item in value] if is_list else convert_one(value)

    return PropertyField(name, annotation, scalar, convert, _description(name, info))


def _unwrap(annotation: Any) -> tuple[Any, bool, bool]:
    """(base type, is a list, is optional) of a field annotation, through Optional and Annotated."""
    optional = False
    if get_origin(annotation) in (Union, types.UnionType):
        members = [arg for arg in get_args(annotation) if arg is not type(None)]
        optional = len(members) < len(get_args(annotation))
        if len(members) != 1:
            raise TypeError(f"unsupported union in the metamodel: {annotation!r}")
        annotation = members[0]
    if get_origin(annotation) is Annotated:
        annotation = get_args(annotation)[0]
    if get_origin(annotation) is list:
        inner, _, _ = _unwrap(get_args(annotation)[0])
        return inner, True, optional
    if get_origin(annotation) is Literal:
        raise TypeError(f"literal fields are not properties: {annotation!r}")
    return annotation, False, optional


def _converter(scalar: Any) -> Callable[[Any], Any]:
    """Stored value → GraphQL value: dates and times are stored as ISO-8601 strings, enums as their values."""
    if isinstance(scalar, type) and issubclass(scalar, Enum):
        return scalar
    if scalar is datetime:
        return lambda value: value if isinstance(value, datetime) else datetime.fromisoformat(value)
    if scalar is date:
        return lambda value: value if isinstance(value, date) else date.fromisoformat(value)
    return lambda value: value


def _description(name: str, info: FieldInfo) -> str:
    vietnamese, english = FIELD_LABELS.get(name, (name, name))
    label = f"{vietnamese} ({english})"
    return f"{label}: {info.description}" if info.description else label
