"""Node types of the metamodel: what the registry records, with the fields each may carry."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Annotated, ClassVar, Literal

from pydantic import (
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationInfo,
    field_validator,
    model_validator,
)

from graph_model.identifiers import ENTITY_ID_PATTERN
from graph_model.pillars import DEFAULT_PILLARS, PillarTaxonomy

PROVENANCE_FIELDS = frozenset({"source", "import_run", "created_at", "updated_at"})
"""Where a record came from and when: kept on every node and relationship, never part of its content."""


def stored_content(props: dict[str, object]) -> dict[str, object]:
    """The content of stored properties (of a node or a relationship), comparable with `content()`."""
    return {key: value for key, value in props.items() if key not in PROVENANCE_FIELDS}


EntityId = Annotated[str, StringConstraints(pattern=ENTITY_ID_PATTERN)]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=10_000)]
ShortText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=500)]


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
