"""One province as its inventory would show it: departments, communes, the mandated tiers, a thousand-odd
systems with their data and APIs, the communes' data and the public services they deliver.

The background is built to be in order by every rule: each system does a job no other system of its kind in the
province does, each dataset has one master, every copy is kept in step through an API or the platform, every tier
is connected where the law wants it connected, the predecessors' systems are retired. The gaps are planted
afterwards (`registry.synthetic.gaps`), following a plan decided before anything is written.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date

from graph_model import slugify
from registry.analysis.duplicates import name_similarity
from registry.synthetic.gaps import Plan
from registry.synthetic.gazetteer import Commune
from registry.synthetic.jobs import DISTINCT
from registry.synthetic.pools import JobPool
from registry.synthetic.sample import Province
from registry.synthetic.systems import (
    Jurisdiction,
    SystemInfo,
    short_slug,
    system_row,
    write_system,
)
from registry.synthetic.truth import GroundTruth
from registry.synthetic.vocabulary import (
    COMMUNE_DATA,
    COMMUNE_PROCEDURES,
    DEPARTMENT_PROCEDURES,
    POOL_KINDS,
    PROCEDURE_VERBS,
    SECTORS,
)
from registry.synthetic.world import LOCAL_TIERS, TIER_NAMES, World, departments
from registry.synthetic.writer import TemplateWriter

PERSONAL_COMMUNE_DATA = frozenset({"ho-so-tthc", "chung-thuc", "ho-kinh-doanh", "nguoi-co-cong", "bao-tro-xa-hoi",
                                   "ho-ngheo", "don-thu", "phan-anh", "tiem-chung", "tre-em"})
NEAR_MISSES = 4  # of each sort recorded per province
PORTALS_CLOSED = date(2025, 6, 27)
PREDECESSORS_RETIRED = date(2025, 6, 30)
TWO_LEVEL_SINCE = date(2025, 7, 1)


@dataclass
class ProvinceState:
    """What the planted gaps need of a generated province."""

    province: Province
    place: Jurisdiction
    communes: list[Commune]
    departments: dict[str, tuple[str, str]]  # sector → (agency id, slug)
    pools: dict[str, JobPool]
    tiers: dict[str, str] = field(default_factory=dict)  # lgsp, mot-cua, qlvb, bao-cao, cong-dvc → id
    by_department: dict[str, list[SystemInfo]] = field(default_factory=dict)
    reserved: set[str] = field(default_factory=set)  # near-miss systems, which no planted gap may build on

    @property
    def key(self) -> str:
        return self.place.key


def domain_of(province: Province) -> str:
    return slugify(province.short_name.removeprefix("TP. ")).replace("-", "") + ".gov.vn"


def _agencies(world: World, writer: TemplateWriter, province: Province, communes: list[Commune]) \
        -> dict[str, tuple[str, str]]:
    found = {}
    for sector, name, slug in departments():
        agency_id = f"{province.id}.{slug}"
        writer.node("Agency", {"id": agency_id, "name": f"{name} {province.place}", "level": "unit",
                               "parent": province.id})
        found[sector] = (agency_id, slug)
    writer.node("Agency", {"id": f"{province.id}.tt-phvhcc", "level": "unit", "parent": province.id,
                           "name": f"Trung tâm Phục vụ hành chính công {province.place}"})
    for commune in communes:
        writer.node("Agency", {"id": commune.id, "name": commune.agency_name, "short_name": commune.title,
                               "level": "commune", "parent": province.id, "tags": ["minh họa"]})
    return found


def _infrastructure(world: World, place: Jurisdiction, province: Province, owner: str) -> None:
    writer = place.writer
    writer.node("Infrastructure", {"id": place.datacentre, "name": f"Trung tâm dữ liệu {province.place}",
                                   "kind": "data_center", "location": province.place, "status": "operational",
                                   "owner": owner})
    assert place.cloud
    writer.node("Infrastructure", {"id": place.cloud, "name": f"Hạ tầng điện toán đám mây {province.place}",
                                   "kind": "cloud", "location": "Thuê dịch vụ", "status": "operational",
                                   "owner": owner})
    for former in province.predecessors:
        writer.node("Infrastructure", {
            "id": f"{place.datacentre}-{slugify(former)}", "name": f"Trung tâm tích hợp dữ liệu tỉnh {former} (cũ)",
            "kind": "data_center", "location": f"tỉnh {former} (cũ)", "status": "retired", "owner": province.id})


def _tier(state: ProvinceState, slug: str, kind: str, name: str, operational: bool, links: list[str],
          hosted: str, platform: bool = False, former: str | None = None) -> str:
    place = state.place
    entity_id = f"{'platform' if platform else 'system'}:{place.key}.{slug}"
    status = "operational" if operational else "retired"
    if platform:
        place.writer.node("Platform", {"id": entity_id, "name": name, "kind": kind, "scope": "province",
                                       "status": status, "owner": state.province.id, "go_live": date(2019, 10, 1)})
    else:
        extra: dict[str, object] = {}
        if not operational:
            extra["retired_on"] = PORTALS_CLOSED if kind == "portal" and not former else PREDECESSORS_RETIRED
            extra["description"] = (
                "Đóng giao diện, chuyển về Cổng Dịch vụ công quốc gia theo Công điện 96/CĐ-TTg." if kind == "portal"
                else f"Hệ thống của tỉnh {former} trước hợp nhất; đã dừng, thay bằng hệ thống của tỉnh mới.")
        system_row(place, entity_id, name, kind, "province", state.province.id, status, **extra)
    place.writer.relationship("HOSTED_ON", entity_id, hosted)
    if operational:
        for target in links:
            place.writer.relationship("CONNECTS_TO", entity_id, target, protocol="REST")
    place.taken.add(entity_id)
    return entity_id


def _tiers(world: World, state: ProvinceState, plan: Plan, truth: GroundTruth) -> None:
    """LGSP, one-stop-shop, document management, reporting, the closed portal; the predecessors' (retired)."""
    place, province, writer = state.place, state.province, state.place.writer
    national = world.platforms
    where = province.place
    state.tiers["lgsp"] = _tier(state, "lgsp", "integration", TIER_NAMES["lgsp"].format(place=where), True,
                                [national["integration"]], place.datacentre, platform=True)
    oss_links = [place.lgsp] + ([] if plan.oss_unconnected else [national["public_service_portal"]])
    oss = state.tiers["mot-cua"] = _tier(state, "mot-cua", "one_stop_shop", TIER_NAMES["mot-cua"].format(place=where),
                                         True, oss_links, place.datacentre)
    writer.relationship("CONSUMES", oss, world.database("dataset:dan-cu").apis[0])
    for standard in ("standard:118-2025-nd-cp", "standard:qcvn-120-2019-btttt"):
        if world.standard(standard):
            writer.relationship("CONFORMS_TO", oss, standard)
    qlvb = state.tiers["qlvb"] = _tier(state, "qlvb", "document_management", TIER_NAMES["qlvb"].format(place=where),
                                       True, [place.lgsp, national["document_exchange"]], place.datacentre)
    if world.standard("standard:qcvn-102-2016-btttt"):
        writer.relationship("CONFORMS_TO", qlvb, "standard:qcvn-102-2016-btttt")
    report_links = [place.lgsp] + ([] if plan.reporting_unconnected else [national["reporting"]])
    state.tiers["bao-cao"] = _tier(state, "bao-cao", "reporting", TIER_NAMES["bao-cao"].format(place=where), True,
                                   report_links, place.datacentre)
    portal = state.tiers["cong-dvc"] = _tier(state, "cong-dvc", "portal", TIER_NAMES["cong-dvc"].format(place=where),
                                             plan.portal_open, [oss], place.datacentre)
    if not plan.portal_open:
        truth.near_miss("closed provincial portal (retired)", province.id, [portal],
                        ["provincial-portal-still-open", "national-platform-copy"])
    for former in province.predecessors:
        hosted = f"{place.datacentre}-{slugify(former)}"
        there = f"tỉnh {former} (cũ)"
        for tier, kind, links, is_platform in (
                ("lgsp", "integration", [national["integration"]], True),
                ("mot-cua", "one_stop_shop", [state.tiers["lgsp"], national["public_service_portal"]], False),
                ("qlvb", "document_management", [state.tiers["lgsp"], national["document_exchange"]], False),
                ("cong-dvc", "portal", [], False)):
            operational = (former, tier) in plan.inherited
            entity_id = _tier(state, f"{tier}-{slugify(former)}", kind, TIER_NAMES[tier].format(place=there),
                              operational, links, hosted, platform=is_platform, former=former)
            if operational:
                plan.inherited[(former, tier)] = entity_id
            else:
                truth.near_miss(f"retired {tier} of the merged-in province {former}", province.id, [entity_id],
                                ["duplicate-systems", "national-platform-copy", "one-stop-shop-national-portal",
                                 "provincial-portal-still-open"])
    for dataset_id, slug, pattern, sector in LOCAL_TIERS:
        database = world.databases.get(dataset_id)
        if database is None or database.master is None:
            continue
        owner, owner_slug = state.departments[sector]
        system_id = f"system:{place.key}.{slug}"
        place.taken.add(system_id)
        system_row(place, system_id, pattern.format(place=where), "database_system", "province", owner)
        writer.relationship("HOSTED_ON", system_id, place.datacentre)
        writer.relationship("CONNECTS_TO", system_id, place.lgsp, protocol="REST")
        writer.relationship("CONNECTS_TO", system_id, database.master, protocol="REST",
                            description="Đồng bộ dữ liệu địa phương lên cơ sở dữ liệu quốc gia.")
        writer.relationship("CONSUMES", system_id, database.apis[0])
        local = f"dataset:{place.key}.{slug}"
        subject = database.name.split(" về ", 1)[1].split(" trong ", 1)[0] if " về " in database.name else slug
        writer.node("Dataset", {"id": local, "name": f"Cơ sở dữ liệu {subject} {where}", "category": "local",
                                "data_layer": "master", "personal_data": database.personal_data,
                                "owner": owner, "master": system_id})
        api_id = f"api:{place.key}.{slug}.chia-se"
        writer.node("Api", {"id": api_id, "name": f"API chia sẻ cơ sở dữ liệu {subject} {where}", "protocol": "rest",
                            "version": "1.0", "status": "operational", "owner": owner})
        writer.relationship("EXPOSES", system_id, api_id)
        writer.relationship("PROVIDES", api_id, local)
        writer.relationship("ROUTED_VIA", api_id, place.lgsp)
        truth.near_miss(f"local tier of {database.name}, connected to the national system", province.id,
                        [local, system_id], ["local-dataset-duplicates-national", "national-platform-copy"])


def _teams(state: ProvinceState) -> None:
    place, writer, province = state.place, state.place.writer, state.province
    khcn = state.departments["khcn"][0]
    team = f"team:{place.key}.tttdl"
    writer.node("Team", {"id": team, "name": f"Tổ vận hành Trung tâm dữ liệu {province.place}",
                         "roles": ["quản trị hạ tầng", "vận hành LGSP", "an toàn thông tin"],
                         "headcount": place.rng.randint(6, 25)})
    writer.relationship("EMPLOYS", khcn, team)
    writer.relationship("OPERATES", team, place.datacentre, role="vận hành hạ tầng")
    writer.relationship("OPERATES", team, state.tiers["lgsp"], role="vận hành")
    team = f"team:{place.key}.mot-cua"
    writer.node("Team", {"id": team, "name": f"Tổ quản trị Hệ thống một cửa điện tử {province.place}",
                         "roles": ["quản trị hệ thống", "hỗ trợ người dùng"], "headcount": place.rng.randint(4, 12)})
    writer.relationship("EMPLOYS", f"{province.id}.tt-phvhcc", team)
    writer.relationship("OPERATES", team, state.tiers["mot-cua"], role="quản trị")


def _pool_systems(world: World, state: ProvinceState) -> None:
    """The departments' and communes' own systems, each with a job no other system of its kind here does."""
    place, rng, province = state.place, state.place.rng, state.province
    volumes = world.volumes
    factor = 0.8 + 0.2 * province.weight
    total = round(volumes.province_systems * factor * rng.uniform(0.95, 1.05))
    commune_total = round(len(state.communes) * volumes.commune_systems)
    sectors = list(state.departments)
    for kind, share in POOL_KINDS.items():
        pool = state.pools[kind]
        for _ in range(round(commune_total * share)):
            job = pool.take(commune=True)
            if job is None:
                break
            commune = rng.choice(state.communes)
            status = _status(rng)
            write_system(place, job, kind, commune.id, commune.slug, "commune",
                         commune.place if rng.random() < 0.9 else None, status)
        for _ in range(round(total * share) - round(commune_total * share)):
            job = pool.take()
            if job is None:
                break
            sector = job.subject.sector if job.subject.sector in state.departments else rng.choice(sectors)
            owner, owner_slug = state.departments[sector]
            info = write_system(place, job, kind, owner, owner_slug, "province",
                                province.place if rng.random() < 0.75 else None, _status(rng))
            state.by_department.setdefault(sector, []).append(info)


def _status(rng: random.Random) -> str:
    draw = rng.random()
    return "planned" if draw < 0.03 else "retired" if draw < 0.06 else "operational"


def _commune_data(world: World, state: ProvinceState) -> None:
    place, rng, writer = state.place, state.place.rng, state.place.writer
    masters = {"one_stop_shop": state.tiers["mot-cua"], "document_management": state.tiers["qlvb"],
               "reporting": state.tiers["bao-cao"]}
    for commune in state.communes:
        count = min(len(COMMUNE_DATA), rng.randint(*world.volumes.commune_datasets))
        for subject, slug, master in rng.sample(COMMUNE_DATA, count):
            writer.node("Dataset", {"id": f"dataset:{place.key}.{commune.slug}.{slug}",
                                    "name": f"{subject} {commune.place}", "category": "local",
                                    "data_layer": "transactional", "personal_data": slug in PERSONAL_COMMUNE_DATA,
                                    "record_count": rng.randint(50, 50_000), "owner": commune.id,
                                    "master": masters[master]})


def _services(world: World, state: ProvinceState) -> None:
    """Procedures of each commune and department, delivered by the one-stop-shop, offered on the national portal."""
    place, rng, writer = state.place, state.place.rng, state.place.writer
    portal = world.platforms["public_service_portal"]
    oss = state.tiers["mot-cua"]
    population = "dataset:dan-cu"
    civil_status = world.databases.get("dataset:ho-tich")
    for commune in state.communes:
        count = min(len(COMMUNE_PROCEDURES), rng.randint(*world.volumes.commune_services))
        for name, field_name, level in rng.sample(COMMUNE_PROCEDURES, count):
            service_id = f"service:{place.key}.{commune.slug}.{short_slug(name)}"
            writer.node("PublicService", {"id": service_id, "name": f"{name} tại {commune.place}",
                                          "online_level": level, "field": field_name, "owner": commune.id})
            writer.relationship("DELIVERS", oss, service_id)
            writer.relationship("OFFERED_ON", service_id, portal)
            writer.relationship("REQUIRES", service_id, population)
            if field_name == "Hộ tịch" and civil_status and civil_status.master:
                writer.relationship("DELIVERS", civil_status.master, service_id)
                writer.relationship("REQUIRES", service_id, civil_status.dataset_id)
    factor = 0.8 + 0.2 * state.province.weight
    for sector, objects in DEPARTMENT_PROCEDURES.items():
        if sector not in state.departments:
            continue
        owner, owner_slug = state.departments[sector]
        names = [f"{verb} {obj}" for obj in objects for verb in PROCEDURE_VERBS]
        count = min(len(names), round(world.volumes.department_services * factor * rng.uniform(0.8, 1.2)))
        systems = [info for info in state.by_department.get(sector, []) if info.status == "operational"]
        for name in rng.sample(names, count):
            service_id = f"service:{place.key}.{owner_slug}.{short_slug(name)}"
            writer.node("PublicService", {"id": service_id, "name": name, "online_level": rng.choice(
                ("full", "full", "partial")), "field": _field(sector), "owner": owner})
            writer.relationship("DELIVERS", oss, service_id)
            writer.relationship("OFFERED_ON", service_id, portal)
            writer.relationship("REQUIRES", service_id, "dataset:dang-ky-doanh-nghiep" if sector == "tai-chinh"
                                else population)
            if systems and rng.random() < 0.6:
                info = rng.choice(systems)
                writer.relationship("DELIVERS", info.id, service_id)
                writer.relationship("REQUIRES", service_id, info.datasets[0])
                info.services.append(service_id)


def _field(sector: str) -> str:
    return SECTORS[sector].field


def _near_misses(state: ProvinceState, truth: GroundTruth) -> None:
    """Record some background the rules must stay silent about: two systems of one kind and department working on
    one subject with different jobs ("quản lý …" and "giám sát …"), and copies kept in step through an API or the
    platform. They are reserved, so no planted gap is built on them."""
    province = state.province.id
    first: dict[tuple[str, str], SystemInfo] = {}
    pairs = 0
    for info in state.place.systems:
        if pairs >= NEAR_MISSES:
            break
        if info.job is None or info.status != "operational" or info.owner == state.province.id:
            continue
        key = (info.kind, info.job.subject.phrase)
        other = first.setdefault(key, info)
        if other is info or other.id in state.reserved or other.job is None:
            continue
        similarity = name_similarity(info.job.key, other.job.key)
        if 0.6 <= similarity < DISTINCT:
            truth.near_miss("one subject, two jobs", province, [other.id, info.id], ["duplicate-systems"],
                            f"“{other.job.phrase}” ~ “{info.job.phrase}” ({similarity:.2f}), no shared data")
            state.reserved.update((other.id, info.id))
            pairs += 1
    for system_id, dataset_id, method in state.place.synced_copies[:NEAR_MISSES]:
        if system_id in state.reserved:
            continue
        truth.near_miss(f"copy kept in step ({method})", province, [system_id],
                        ["copy-not-synced", "citizen-data-through-platform"], f"copy of {dataset_id}")
        state.reserved.add(system_id)


def _uses(world: World, state: ProvinceState) -> None:
    writer = state.place.writer
    civil_status = world.databases.get("dataset:ho-tich")
    for commune in state.communes:
        writer.relationship("USES", commune.id, state.tiers["mot-cua"], since=TWO_LEVEL_SINCE)
        writer.relationship("USES", commune.id, state.tiers["qlvb"], since=TWO_LEVEL_SINCE)
        if civil_status and civil_status.master:
            writer.relationship("USES", commune.id, civil_status.master, deployment="dùng chung toàn quốc")
    for agency_id, _ in state.departments.values():
        writer.relationship("USES", agency_id, state.tiers["qlvb"])
        writer.relationship("USES", agency_id, state.tiers["bao-cao"])


def generate_province(world: World, writer: TemplateWriter, province: Province, plan: Plan,
                      truth: GroundTruth) -> ProvinceState:
    """Write one province's background (everything but the planted gaps) and return what the gaps need."""
    rng = world.rng("province", province.code)
    key = province.id.split(":", 1)[1]
    place = Jurisdiction(world, writer, rng, key, province.id, province.place, "province", domain_of(province),
                         lgsp=f"platform:{key}.lgsp", datacentre=f"infra:{key}.tttdl", cloud=f"infra:{key}.cloud")
    communes = world.communes(province)
    found = _agencies(world, writer, province, communes)
    pools = {kind: JobPool(world.province_jobs, world.rng("jobs", province.code, kind)) for kind in POOL_KINDS}
    state = ProvinceState(province, place, communes, found, pools)
    _infrastructure(world, place, province, found["khcn"][0])
    _tiers(world, state, plan, truth)
    _teams(state)
    _pool_systems(world, state)
    _near_misses(state, truth)
    _commune_data(world, state)
    _services(world, state)
    _uses(world, state)
    return state
