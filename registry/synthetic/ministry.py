"""One ministry (nation scale only): its units, data centre, the tiers each ministry runs (LGSP, document
management, reporting, one-stop-shop, all connected to their national counterparts), the systems of its sectors
with their data and APIs, and the procedures it handles itself."""

from __future__ import annotations

from dataclasses import dataclass

from graph_model import slugify
from registry.synthetic.pools import JobPool
from registry.synthetic.sample import Ministry
from registry.synthetic.systems import (
    Jurisdiction,
    SystemInfo,
    short_slug,
    system_row,
    write_system,
)
from registry.synthetic.vocabulary import (
    DEPARTMENT_PROCEDURES,
    MINISTRY_SECTORS,
    MINISTRY_UNITS,
    POOL_KINDS,
    PROCEDURE_VERBS,
    SECTORS,
)
from registry.synthetic.world import World
from registry.synthetic.writer import TemplateWriter


@dataclass
class MinistryState:
    ministry: Ministry
    place: Jurisdiction
    owners: list[tuple[str, str]]
    pools: dict[str, JobPool]


def _units(writer: TemplateWriter, ministry: Ministry, taken: set[str]) -> list[tuple[str, str]]:
    owners = [(ministry.id, "bo")] + [(unit, unit.rsplit(".", 1)[-1]) for unit in ministry.units]
    for name in MINISTRY_UNITS.get(ministry.short_name, ()):
        slug = slugify(name)
        unit_id = f"agency:{ministry.slug}.{slug}"
        if unit_id in taken:
            continue
        writer.node("Agency", {"id": unit_id, "name": name, "level": "unit", "parent": ministry.id})
        owners.append((unit_id, slug))
    return owners


def _tiers(world: World, place: Jurisdiction, ministry: Ministry) -> str:
    writer, national = place.writer, world.platforms
    writer.node("Infrastructure", {"id": place.datacentre, "name": f"Trung tâm dữ liệu {ministry.name}",
                                   "kind": "data_center", "status": "operational", "owner": ministry.id})
    writer.node("Platform", {"id": place.lgsp, "name": f"Nền tảng tích hợp, chia sẻ dữ liệu {ministry.name} (LGSP)",
                             "kind": "integration", "scope": "ministry", "status": "operational",
                             "owner": ministry.id})
    writer.relationship("CONNECTS_TO", place.lgsp, national["integration"], protocol="REST")
    writer.relationship("HOSTED_ON", place.lgsp, place.datacentre)
    oss = ""
    for slug, kind, name, target in (
            ("qlvb", "document_management", "Hệ thống quản lý văn bản và điều hành", national["document_exchange"]),
            ("bao-cao", "reporting", "Hệ thống thông tin báo cáo", national["reporting"]),
            ("mot-cua", "one_stop_shop", "Hệ thống thông tin giải quyết thủ tục hành chính",
             national["public_service_portal"])):
        system_id = place.unique(f"system:{place.key}.{slug}")
        system_row(place, system_id, f"{name} {ministry.name}", kind, "ministry", ministry.id)
        writer.relationship("HOSTED_ON", system_id, place.datacentre)
        writer.relationship("CONNECTS_TO", system_id, place.lgsp, protocol="REST")
        writer.relationship("CONNECTS_TO", system_id, target, protocol="REST")
        if kind == "one_stop_shop":
            oss = system_id
    team = f"team:{place.key}.cntt"
    writer.node("Team", {"id": team, "name": f"Tổ vận hành hệ thống thông tin {ministry.name}",
                         "roles": ["vận hành", "an toàn thông tin"], "headcount": place.rng.randint(10, 40)})
    writer.relationship("EMPLOYS", ministry.id, team)
    writer.relationship("OPERATES", team, place.datacentre, role="vận hành hạ tầng")
    writer.relationship("OPERATES", team, place.lgsp, role="vận hành")
    return oss


def _services(world: World, place: Jurisdiction, ministry: Ministry, oss: str, systems: list[SystemInfo]) -> None:
    rng, writer = place.rng, place.writer
    sectors = MINISTRY_SECTORS.get(ministry.short_name, ())
    names = [(sector, f"{verb} {obj}") for sector in sectors for obj in DEPARTMENT_PROCEDURES.get(sector, ())
             for verb in PROCEDURE_VERBS]
    running = [info for info in systems if info.status == "operational"]
    for sector, name in rng.sample(names, min(len(names), world.volumes.ministry_services)):
        service_id = place.unique(f"service:{place.key}.{short_slug(name)}")
        writer.node("PublicService", {"id": service_id, "name": f"{name} (cấp trung ương)", "online_level": "full",
                                      "field": SECTORS[sector].field, "owner": ministry.id})
        writer.relationship("DELIVERS", oss, service_id)
        writer.relationship("OFFERED_ON", service_id, world.platforms["public_service_portal"])
        writer.relationship("REQUIRES", service_id, "dataset:dan-cu")
        if running and rng.random() < 0.5:
            info = rng.choice(running)
            writer.relationship("DELIVERS", info.id, service_id)
            info.services.append(service_id)


def generate_ministry(world: World, writer: TemplateWriter, ministry: Ministry, taken: set[str]) -> MinistryState:
    """Write one ministry's background and return what its planted gaps need."""
    rng = world.rng("ministry", ministry.slug)
    place = Jurisdiction(world, writer, rng, ministry.slug, ministry.id, ministry.name, "ministry",
                         f"{ministry.slug}.gov.vn", lgsp=f"platform:{ministry.slug}.lgsp",
                         datacentre=f"infra:{ministry.slug}.tttdl", taken=set(taken))
    owners = _units(writer, ministry, taken)
    oss = _tiers(world, place, ministry)
    jobs = world.ministry_jobs(ministry.short_name)
    pools = {kind: JobPool(jobs, world.rng("jobs", ministry.slug, kind)) for kind in POOL_KINDS}
    total = round(len(jobs) * world.volumes.ministry_systems_per_job)
    for kind, share in POOL_KINDS.items():
        for _ in range(round(total * share)):
            job = pools[kind].take()
            if job is None:
                break
            owner, owner_slug = rng.choice(owners)
            status = "operational" if rng.random() < 0.95 else "retired"
            write_system(place, job, kind, owner, owner_slug, "ministry",
                         ministry.name if rng.random() < 0.5 else None, status)
    _services(world, place, ministry, oss, place.systems)
    return MinistryState(ministry, place, owners, pools)
