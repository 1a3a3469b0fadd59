"""Filter inputs of the connections, derived from the node models: every enum or yes/no property is an equality
filter (`status`, `kind`, `level`, `category`, `personalData`, …), plus `pillar`, `agency` and `search`."""

from __future__ import annotations

from enum import Enum
from typing import Any

import strawberry

from graph_model import NODE_TYPES
from registry.api.errors import UserError
from registry.api.fields import PropertyField, property_fields
from registry.api.limits import MAX_SEARCH_WORDS
from registry.api.queries import ListFilter, agency_relationship

COMMON_FILTERS: dict[str, tuple[Any, str]] = {
    "pillar": (str, "Pillar id (trụ cột), e.g. `data`."),
    "agency": (strawberry.ID, "Agency id: what it and every agency under it (PART_OF) {verb}."),
    "search": (str, ("Words that must all begin words of the Vietnamese or English name, case- and "
                     "diacritics-insensitive ('lao cai' finds 'Lào Cai', 'dang ky' finds 'đăng ký').")),
}
AGENCY_VERBS = {"OWNS": "owns", "EMPLOYS": "employs", "ISSUES": "issued", "PART_OF": "is"}


def filterable_fields(label: str) -> list[PropertyField]:
    """The model properties a connection filters on by equality: enums and booleans."""
    return [field for field in property_fields(NODE_TYPES[label])
            if field.base is bool or _is_enum(field.base)]


def _is_enum(base: Any) -> bool:
    return isinstance(base, type) and issubclass(base, Enum)


def filter_input(label: str) -> type:
    """The strawberry input type `<Label>Filter`; every field optional, all given fields must hold."""
    annotations: dict[str, Any] = {}
    namespace: dict[str, Any] = {}
    verb = AGENCY_VERBS.get(agency_relationship(label), "has")
    for name, (scalar, description) in COMMON_FILTERS.items():
        annotations[name] = scalar | None
        namespace[name] = strawberry.field(default=None, description=description.format(verb=verb))
    for field in filterable_fields(label):
        annotations[field.name] = field.base | None
        namespace[field.name] = strawberry.field(default=None, description=field.description)
    namespace["__annotations__"] = annotations
    return strawberry.input(type(f"{label}Filter", (), namespace),
                            description=f"Conditions on {label} nodes; all that are given must hold.")


def to_list_filter(label: str, given: Any) -> ListFilter:
    """The ListFilter a filter input stands for (None: no conditions)."""
    if given is None:
        return ListFilter()
    equals: dict[str, Any] = {}
    if given.pillar is not None:
        equals["pillar"] = given.pillar
    for field in filterable_fields(label):
        value = getattr(given, field.name)
        if value is not None:
            equals[field.name] = value.value if isinstance(value, Enum) else value
    search = given.search.strip() if given.search else None
    if search and len(search.split()) > MAX_SEARCH_WORDS:
        raise UserError(f"search takes at most {MAX_SEARCH_WORDS} words")
    return ListFilter(equals=equals, agency=given.agency, search=search or None)
