"""Node types of the metamodel: what the registry records, with the fields each may carry."""

from __future__ import annotations

import json
from datetime import date
from enum import StrEnum
from typing import Annotated, Any, ClassVar, Literal

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    StringConstraints,
    ValidationInfo,
    field_validator,
    model_validator,
)

from graph_model.identifiers import ENTITY_ID_PATTERN
from graph_model.pillars import DEFAULT_PILLARS, PillarTaxonomy

PROVENANCE_FIELDS = frozenset({"source", "import_run", "created_at", "updated_at", "revision"})
"""Where a record came from, when, and how often it changed: kept on every node and relationship, never part of
its content (so a new revision alone is no change)."""

REVISION_FIELD = "revision"
"""The registry's change counter of an entity or relationship: 1 on create, +1 on each change. Not called
`version` because an Api already has a `version` of its own (the interface's, e.g. "v2")."""


def stored_content(props: dict[str, object]) -> dict[str, object]:
    """The content of stored properties (of a node or a relationship), comparable with `content()`."""
    return {key: value for key, value in props.items() if key not in PROVENANCE_FIELDS}


def _no_nul(text: str) -> str:
    """A NUL character ends a string in C: some stores and files would cut the text there. Refused as input."""
    if "\x00" in text:
        raise ValueError("contains a NUL character (\\x00)")
    return text


EntityId = Annotated[str, StringConstraints(pattern=ENTITY_ID_PATTERN)]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=10_000),
                 AfterValidator(_no_nul)]
ShortText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=500),
                      AfterValidator(_no_nul)]


class AgencyLevel(StrEnum):
    central = "central"  # Party, National Assembly, Government, Government Office-level bodies
    ministry = "ministry"  # ministries and ministry-level agencies
    province = "province"  # the 34 provinces and centrally-run cities
    commune = "commune"  # communes, wards and special zones (two-level local government, 2025)
    unit = "unit"  # departments, bureaus and other units inside an agency


class SystemStatus(StrEnum):
    planned = "planned"
    operational = "operational"
    retired = "retired"


class SystemKind(StrEnum):
    portal = "portal"
    one_stop_shop = "one_stop_shop"  # hệ thống thông tin giải quyết thủ tục hành chính
    document_management = "document_management"
    sector_application = "sector_application"
    reporting = "reporting"
    identity = "identity"
    database_system = "database_system"  # the system that runs a national or sector database
    internal = "internal"
    other = "other"


class PlatformKind(StrEnum):
    integration = "integration"  # NDXP, LGSP: data integration and sharing
    data_orchestration = "data_orchestration"  # NDOP
    identity = "identity"  # VNeID and other identification/authentication
    payment = "payment"
    document_exchange = "document_exchange"
    public_service_portal = "public_service_portal"
    reporting = "reporting"
    other = "other"


class Scope(StrEnum):
    national = "national"
    ministry = "ministry"
    province = "province"
    commune = "commune"
    internal = "internal"


class DatasetCategory(StrEnum):
    national_database = "national_database"  # cơ sở dữ liệu quốc gia
    sector = "sector"  # cơ sở dữ liệu chuyên ngành
    local = "local"  # provincial or commune data
    open_data = "open_data"
    other = "other"


class DataLayer(StrEnum):
    """The eight data layers of the national data architecture framework (Decision 2439/QĐ-TTg)."""

    source = "source"
    metadata = "metadata"
    master = "master"
    reference = "reference"
    transactional = "transactional"
    aggregated = "aggregated"
    analytical = "analytical"
    open = "open"


class ApiProtocol(StrEnum):
    rest = "rest"
    soap = "soap"
    graphql = "graphql"
    grpc = "grpc"
    x_road = "x_road"
    file_transfer = "file_transfer"
    other = "other"


class OnlineLevel(StrEnum):
    """Online provision of a public service (Decree 42/2022/NĐ-CP: full or partial)."""

    full = "full"  # toàn trình
    partial = "partial"  # một phần
    none = "none"


class InfrastructureKind(StrEnum):
    data_center = "data_center"
    network = "network"
    cloud = "cloud"
    server = "server"
    other = "other"


class StandardKind(StrEnum):
    law = "law"
    resolution = "resolution"
    decree = "decree"
    decision = "decision"
    circular = "circular"
    plan = "plan"
    technical_standard = "technical_standard"  # QCVN, TCVN
    data_standard = "data_standard"
    other = "other"


class Node(BaseModel):
    """Fields every node carries: identity, Vietnamese name, pillar, provenance and timestamps."""

    model_config = ConfigDict(
        extra="forbid", str_strip_whitespace=True, use_enum_values=True, validate_default=True
    )

    default_pillar: ClassVar[str]
    label: ClassVar[str]

    id: EntityId = Field(description="Stable identifier, unique across all node types")
    name: ShortText = Field(description="Official Vietnamese name, with diacritics")
    name_en: ShortText | None = Field(default=None, description="English name")
    pillar: str | None = Field(default=None, description="Pillar id; defaults to the node type's pillar")
    description: Text | None = None
    tags: list[ShortText] = Field(default_factory=list)
    source: ShortText | None = Field(default=None, description="Provenance: where the record came from")
    import_run: ShortText | None = Field(default=None, description="Provenance: the import run that wrote it")
    created_at: AwareDatetime | None = None
    updated_at: AwareDatetime | None = None
    # Set by the registry, so not a field (no template column, no input): only a native record from an export
    # carries one, which the native importer attaches (see `with_revision`).
    _revision: int | None = PrivateAttr(default=None)

    @field_validator("pillar")
    @classmethod
    def _pillar_is_known(cls, value: str | None, info: ValidationInfo) -> str | None:
        if value is None:
            return value
        taxonomy: PillarTaxonomy = (info.context or {}).get("pillars", DEFAULT_PILLARS)
        if value not in taxonomy:
            raise ValueError(f"unknown pillar {value!r}; known pillars: {', '.join(taxonomy.ids())}")
        return value

    @model_validator(mode="after")
    def _fill_default_pillar(self) -> Node:
        if self.pillar is None:
            self.pillar = self.default_pillar
        return self

    @property
    def revision(self) -> int | None:
        """The revision an exported record was written at (a restore puts it back; an edit of it is refused if the
        entity has changed since); None for every other record."""
        return self._revision

    def with_revision(self, revision: int | None) -> Node:
        """This record, as read at `revision` (the native importer's restore of an export)."""
        self._revision = revision
        return self

    def content(self) -> dict[str, object]:
        """The properties that describe the entity, as stored (no type label, no provenance or timestamps, no
        empty values): what 'changed' compares, against `stored_content` of what the store holds."""
        body = self.model_dump(mode="json", exclude=set(PROVENANCE_FIELDS) | {"type"}, exclude_none=True)
        return {key: value for key, value in body.items() if value != []}


class Agency(Node):
    """A government body: central agency, ministry, province, commune or a unit inside one."""

    label = "Agency"
    default_pillar = "institutions"
    type: Literal["Agency"] = "Agency"
    level: AgencyLevel
    code: ShortText | None = Field(default=None, description="Agency code (QCVN 102:2016), e.g. 000.00.00.G22")
    short_name: ShortText | None = None
    administrative_code: ShortText | None = Field(default=None, description="Province/commune code, e.g. 79")
    website: ShortText | None = None


class System(Node):
    """An information system: built once, possibly used by many agencies (USES)."""

    label = "System"
    default_pillar = "applications"
    type: Literal["System"] = "System"
    status: SystemStatus = SystemStatus.operational
    kind: SystemKind = SystemKind.other
    scope: Scope | None = None
    url: ShortText | None = None
    go_live: date | None = None
    retired_on: date | None = None
    security_level: int | None = Field(default=None, ge=1, le=5, description="Information security level 1–5")


class Platform(Node):
    """A shared platform other systems connect through: NDXP, LGSP, VNeID, payment, document exchange."""

    label = "Platform"
    default_pillar = "platforms"
    type: Literal["Platform"] = "Platform"
    kind: PlatformKind = PlatformKind.other
    scope: Scope = Scope.national
    status: SystemStatus = SystemStatus.operational
    url: ShortText | None = None
    go_live: date | None = None


class Dataset(Node):
    """A body of data: national database, sector or local dataset."""

    label = "Dataset"
    default_pillar = "data"
    type: Literal["Dataset"] = "Dataset"
    category: DatasetCategory = DatasetCategory.other
    data_layer: DataLayer | None = None
    personal_data: bool = False
    record_count: int | None = Field(default=None, ge=0)
    legal_basis: ShortText | None = None


class Api(Node):
    """An interface a system or platform exposes."""

    label = "Api"
    default_pillar = "platforms"
    type: Literal["Api"] = "Api"
    protocol: ApiProtocol = ApiProtocol.rest
    version: ShortText | None = None
    specification_url: ShortText | None = None
    base_url: ShortText | None = None
    status: SystemStatus = SystemStatus.operational


class PublicService(Node):
    """An online public service / administrative procedure."""

    label = "PublicService"
    default_pillar = "applications"
    type: Literal["PublicService"] = "PublicService"
    code: ShortText | None = Field(default=None, description="Code in the national catalogue of procedures")
    online_level: OnlineLevel | None = None
    field: ShortText | None = Field(default=None, description="Sector (lĩnh vực)")


class Infrastructure(Node):
    """A data centre, network or cloud that systems run on."""

    label = "Infrastructure"
    default_pillar = "infrastructure"
    type: Literal["Infrastructure"] = "Infrastructure"
    kind: InfrastructureKind = InfrastructureKind.other
    location: ShortText | None = None
    status: SystemStatus = SystemStatus.operational


class Standard(Node):
    """A legal document or technical/data standard that entities conform to."""

    label = "Standard"
    default_pillar = "institutions"
    type: Literal["Standard"] = "Standard"
    kind: StandardKind = StandardKind.other
    code: ShortText | None = Field(default=None, description="Document number, e.g. 278/2025/NĐ-CP")
    issued_on: date | None = None
    url: ShortText | None = None


class Team(Node):
    """Human resources: a team with roles and headcount that operates systems."""

    label = "Team"
    default_pillar = "human_resources"
    type: Literal["Team"] = "Team"
    roles: list[ShortText] = Field(default_factory=list)
    headcount: int | None = Field(default=None, ge=0)


NODE_TYPES: dict[str, type[Node]] = {
    cls.label: cls
    for cls in (Agency, System, Platform, Dataset, Api, PublicService, Infrastructure, Standard, Team)
}
ENTITY_LABEL = "Entity"
"""The label every node also carries, on which the id uniqueness constraint stands."""


HISTORY_LABEL = "Change"
"""The label of history records: outside the Entity graph (like ImportRun and ApiToken), so statistics, findings
and entity exports never see them."""


class ChangeAction(StrEnum):
    """What one history record says happened."""

    create = "create"
    update = "update"
    retire = "retire"  # an update that set status to retired
    link = "link"  # a relationship created
    update_link = "update_link"  # a relationship's properties changed
    unlink = "unlink"  # a relationship deleted


class HistoryRecord(BaseModel):
    """One change of the registry as the native format carries it (an export's `type: Change` lines), so a backup
    restores history verbatim. `entity` is the changed entity, or a relationship's `from` end (with `rel_type`
    and `to`); `changes` maps each changed content field to its value before and after."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    type: Literal["Change"] = "Change"
    id: Annotated[str, StringConstraints(pattern=r"^change:[A-Za-z0-9._-]+$", max_length=200)]
    at: AwareDatetime
    by: ShortText
    source: ShortText
    import_run: ShortText | None = None
    action: ChangeAction
    entity: EntityId
    entity_type: ShortText | None = None
    rel_type: ShortText | None = None
    to: EntityId | None = None
    revision: Annotated[int, Field(ge=1)]
    record_source: ShortText | None = None
    changes: dict[str, dict[Literal["before", "after"], Any]] = Field(default_factory=dict)

    def stored(self) -> dict[str, Any]:
        """The properties of the Change node (flat values only: the field changes as one JSON text)."""
        body = self.model_dump(mode="json", exclude={"type", "changes", "entity", "to"}, exclude_none=True)
        body["entity_id"] = self.entity
        if self.to is not None:
            body["target_id"] = self.to
        body["changes_json"] = changes_json(self.changes)
        return body

    def exported(self) -> dict[str, Any]:
        """The record as a backup line."""
        return self.model_dump(mode="json", exclude_none=True)

    @classmethod
    def from_stored(cls, props: dict[str, Any]) -> HistoryRecord:
        """A Change node's properties as a record (the inverse of `stored`)."""
        body = {key: value for key, value in props.items()
                if key not in ("entity_id", "target_id", "changes_json")}
        return cls.model_validate({**body, "entity": props["entity_id"], "to": props.get("target_id"),
                                   "changes": json.loads(props.get("changes_json") or "{}")})


def changes_json(changes: dict[str, Any]) -> str:
    """Field changes as stored: one canonical JSON text, so an export and its restore give the same bytes."""
    return json.dumps(changes, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
