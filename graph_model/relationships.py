"""Relationship types of the metamodel: which node types each may join, and how many."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import ClassVar, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, ValidationInfo, field_validator

from graph_model.nodes import EntityId, ShortText, Text, stored_content


@dataclass(frozen=True)
class RelationshipRule:
    """Which node types a relationship type joins, and its cardinality.

    `max_per_target` = 1 means a target node may have at most one such incoming relationship
    (a Dataset has one master, an entity one owner); `max_per_source` likewise for outgoing ones.
    `fans_out` says a source typically has many of them while a target has few (a one-stop-shop handles
    thousands of public services; a service is handled by one or two systems) — a fact of the domain that lets
    readers start from the end with fewer.
    """

    type: str
    sources: frozenset[str]
    targets: frozenset[str]
    meaning: str
    meaning_vi: str
    max_per_source: int | None = None
    max_per_target: int | None = None
    allow_self: bool = False
    fans_out: bool = False

    @property
    def few_per_target(self) -> bool:
        """A target has at most one, or typically few, of these: the cheap end to start a lookup from."""
        return self.max_per_target == 1 or self.fans_out


class SyncMethod(StrEnum):
    """How a system's copy of a dataset is kept in step with its master."""

    api = "api"
    platform = "platform"  # through NDXP/LGSP/NDOP
    batch_file = "batch_file"
    manual = "manual"
    unknown = "unknown"


OWNABLE = frozenset({"System", "Dataset", "Api", "Platform", "Infrastructure", "PublicService"})
SYSTEM_LIKE = frozenset({"System", "Platform"})
ANY_NODE = frozenset(
    {"Agency", "System", "Platform", "Dataset", "Api", "PublicService", "Infrastructure", "Standard", "Team"}
)

RULES: dict[str, RelationshipRule] = {
    rule.type: rule
    for rule in (
        RelationshipRule("OWNS", frozenset({"Agency"}), OWNABLE,
                         "the agency is responsible for it", "cơ quan chủ quản", max_per_target=1),
        RelationshipRule("PART_OF", frozenset({"Agency"}), frozenset({"Agency"}),
                         "the agency sits under another", "trực thuộc", max_per_source=1),
        RelationshipRule("USES", frozenset({"Agency"}), SYSTEM_LIKE,
                         "the agency uses a system it need not own", "sử dụng"),
        RelationshipRule("EMPLOYS", frozenset({"Agency"}), frozenset({"Team"}),
                         "the team belongs to the agency", "có đội ngũ", max_per_target=1),
        RelationshipRule("ISSUES", frozenset({"Agency"}), frozenset({"Standard"}),
                         "the agency issued the document or standard", "ban hành", max_per_target=1),
        RelationshipRule("MASTERS", SYSTEM_LIKE, frozenset({"Dataset"}),
                         "the system is the one authoritative source of the dataset", "là nguồn gốc",
                         max_per_target=1),
        RelationshipRule("HOLDS_COPY_OF", SYSTEM_LIKE, frozenset({"Dataset"}),
                         "the system keeps a copy of the dataset", "lưu bản sao"),
        RelationshipRule("EXPOSES", SYSTEM_LIKE, frozenset({"Api"}),
                         "the system provides the API", "cung cấp API", max_per_target=1),
        RelationshipRule("CONSUMES", SYSTEM_LIKE, frozenset({"Api"}),
                         "the system calls the API", "sử dụng API"),
        RelationshipRule("PROVIDES", frozenset({"Api"}), frozenset({"Dataset"}),
                         "the API gives access to the dataset", "cung cấp dữ liệu"),
        RelationshipRule("ROUTED_VIA", frozenset({"Api"}), frozenset({"Platform"}),
                         "calls to the API go through the platform", "kết nối qua"),
        RelationshipRule("CONNECTS_TO", SYSTEM_LIKE, SYSTEM_LIKE,
                         "the system is connected to another system or platform", "kết nối với"),
        RelationshipRule("DELIVERS", SYSTEM_LIKE, frozenset({"PublicService"}),
                         "the system handles the public service", "xử lý dịch vụ công", fans_out=True),
        RelationshipRule("OFFERED_ON", frozenset({"PublicService"}), SYSTEM_LIKE,
                         "the service is offered to people on the portal", "cung cấp trên"),
        RelationshipRule("REQUIRES", frozenset({"PublicService"}), frozenset({"Dataset"}),
                         "the service needs the data", "cần dữ liệu"),
        RelationshipRule("HOSTED_ON", frozenset({"System", "Platform", "Dataset"}), frozenset({"Infrastructure"}),
                         "runs on the infrastructure", "vận hành trên"),
        RelationshipRule("CONFORMS_TO", ANY_NODE - {"Standard"}, frozenset({"Standard"}),
                         "conforms to the law or standard", "tuân thủ"),
        RelationshipRule("OPERATES", frozenset({"Team"}), frozenset({"System", "Platform", "Infrastructure"}),
                         "the team runs it day to day", "vận hành"),
    )
}


class Relationship(BaseModel):
    """A directed relationship between two entities, named by their ids."""

    model_config = ConfigDict(
        extra="forbid", str_strip_whitespace=True, use_enum_values=True, validate_default=True,
        populate_by_name=True,
    )

    rel_type: ClassVar[str]

    source_id: EntityId = Field(alias="from", description="Id of the start node")
    target_id: EntityId = Field(alias="to", description="Id of the end node")
    description: Text | None = None
    source: ShortText | None = Field(default=None, description="Provenance: where the record came from")
    import_run: ShortText | None = Field(default=None, description="Provenance: the import run that wrote it")
    created_at: AwareDatetime | None = None
    updated_at: AwareDatetime | None = None

    @property
    def rule(self) -> RelationshipRule:
        return RULES[self.rel_type]

    @property
    def key(self) -> tuple[str, str, str]:
        """(from, type, to): a relationship of one type between two nodes exists at most once."""
        return (self.source_id, self.rel_type, self.target_id)

    @field_validator("target_id")
    @classmethod
    def _no_self_loop(cls, value: str, info: ValidationInfo) -> str:
        if value == info.data.get("source_id") and not RULES[cls.rel_type].allow_self:
            raise ValueError(f"a {cls.rel_type} relationship cannot join {value!r} to itself")
        return value

    def properties(self) -> dict[str, object]:
        """Properties stored on the relationship (everything except its two ends)."""
        return self.model_dump(mode="json", exclude={"source_id", "target_id", "type"}, exclude_none=True)

    def content(self) -> dict[str, object]:
        """The stored properties that describe it (no provenance or timestamps): what 'changed' compares."""
        return stored_content(self.properties())


def _relationship_model(rel_type: str, **extra_fields: object) -> type[Relationship]:
    """Build the pydantic model of one relationship type (a Literal `type` plus its own properties)."""
    from pydantic import create_model

    model = create_model(  # type: ignore[call-overload]
        "".join(part.capitalize() for part in rel_type.split("_")) + "Relationship",
        __base__=Relationship,
        __doc__=RULES[rel_type].meaning,
        type=(Literal[rel_type], rel_type),  # type: ignore[valid-type]
        **extra_fields,
    )
    model.rel_type = rel_type
    return model


_EXTRA_PROPERTIES: dict[str, dict[str, object]] = {
    "USES": {"since": (date | None, None), "deployment": (ShortText | None, None)},
    "HOLDS_COPY_OF": {"sync_method": (SyncMethod | None, None)},
    "CONNECTS_TO": {"protocol": (ShortText | None, None)},
    "OPERATES": {"role": (ShortText | None, None)},
}

RELATIONSHIP_TYPES: dict[str, type[Relationship]] = {
    rel_type: _relationship_model(rel_type, **_EXTRA_PROPERTIES.get(rel_type, {})) for rel_type in RULES
}
