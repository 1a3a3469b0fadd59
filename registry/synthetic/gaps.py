"""Planted gaps: the departures from "One system · One data · One service" a real inventory shows, each recorded
in the ground truth with the findings it must cause, rule by rule.

Duplicate systems come as pairs or clusters inside one province or ministry, under names that differ the ways
real ones do: an abbreviation (HTTT, TTHC, UBND), no diacritics, the words of a compound action swapped, an old
version still running "(cũ)", a system inherited from a merged-in province, two communes running the same tool,
and a system renamed but handling the same data and services. Besides: datasets with no master, copies kept by
file or by hand, citizen data read through an API that bypasses the platforms, local data duplicating a national
database, one-stop-shops not connected to the national portal, provincial portals still open, provincial copies
of national platforms, and systems, APIs with no owner (one with no relationship at all).

A dataset with two masters cannot be planted: the importer refuses a second MASTERS (cardinality), so such a
registry never loads; the ground truth of `dataset-master` lists datasets with none.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from graph_model import slugify
from registry.synthetic.jobs import renamings
from registry.synthetic.pools import JobPool
from registry.synthetic.systems import (
    Jurisdiction,
    SystemInfo,
    consume,
    short_slug,
    system_row,
    without_diacritics,
)
from registry.synthetic.truth import DUPLICATES, GroundTruth
from registry.synthetic.vocabulary import (
    COMMUNE_DATA,
    MINISTRY_ONLY,
    POOL_KINDS,
    SYSTEM_PREFIXES,
)
from registry.synthetic.world import COPY_NAMES, World

if TYPE_CHECKING:
    from registry.synthetic.ministry import MinistryState
    from registry.synthetic.province import ProvinceState

VARIANTS = ("abbreviation", "no_diacritics", "reordered", "former", "renamed", "commune_pair", "trio", "inherited")
_ABBREVIATIONS = (("thủ tục hành chính", "TTHC"), ("dịch vụ công", "DVC"), ("cơ sở dữ liệu", "CSDL"),
                  ("công nghệ thông tin", "CNTT"))


@dataclass
class Plan:
    """The gaps of a province that change its background rows, decided before they are written."""

    showcase: bool
    oss_unconnected: bool = False
    portal_open: bool = False
    reporting_unconnected: bool = False
    inherited: dict[tuple[str, str], str | None] = field(default_factory=dict)  # (former, tier) → id once written


def plan_province(world: World, code: str, predecessors: tuple[str, ...], showcase: bool) -> Plan:
    """A showcase province plants every kind of gap (the province scale always is one); the others a few."""
    rng = world.rng("plan", code)
    inherited: dict[tuple[str, str], str | None] = {}
    for index, former in enumerate(predecessors):
        if showcase and index == 0:
            inherited[(former, "mot-cua")] = None
        elif rng.random() < 0.3:
            inherited[(former, rng.choice(("mot-cua", "qlvb", "lgsp")))] = None
    return Plan(showcase, oss_unconnected=showcase, portal_open=showcase, reporting_unconnected=showcase,
                inherited=inherited)


@dataclass
class Scene:
    """Where gaps are planted: a province or a ministry, with its owners and unused jobs."""

    world: World
    place: Jurisdiction
    rng: random.Random
    truth: GroundTruth
    pools: dict[str, JobPool]
    owners: list[tuple[str, str]]  # (agency id, id slug) that own systems here
    scope: str
    where: str  # "tỉnh Lào Cai", "Bộ Tài chính"
    used: set[str] = field(default_factory=set)

    def pick(self, test: Callable[[SystemInfo], bool] = lambda info: True) -> SystemInfo | None:
        """A background system to build a gap on, operational and owned, not yet used by another gap."""
        owners = {agency for agency, _ in self.owners}
        candidates = [info for info in self.place.systems if info.status == "operational" and info.job is not None
                      and info.owner in owners and info.id not in self.used and test(info)]
        if not candidates:
            return None
        info = self.rng.choice(candidates)
        self.used.add(info.id)
        return info

    def other_owner(self, owner: str | None) -> tuple[str, str]:
        choices = [pair for pair in self.owners if pair[0] != owner]
        return self.rng.choice(choices or self.owners)

    def owner_slug(self, owner: str) -> str:
        return next((slug for agency, slug in self.owners if agency == owner), "ubnd")


def planted_system(scene: Scene, name: str, kind: str, owner: str | None, owner_slug: str, slug: str,
                   scope: str | None = None, data: str | None = None, connected: bool = True) -> SystemInfo:
    """A system written for a gap: hosted, connected to the jurisdiction's platform, with one dataset of its own
    (named `data`) when given."""
    place = scene.place
    system_id = place.unique(f"system:{place.key}.{owner_slug}.{slug}")
    system_row(place, system_id, name, kind, scope or scene.scope, owner)
    info = SystemInfo(system_id, kind, owner, owner_slug, "", None)
    if connected:
        place.writer.relationship("HOSTED_ON", system_id, place.datacentre)
        place.writer.relationship("CONNECTS_TO", system_id, place.lgsp, protocol="REST")
    if data:
        dataset_id = f"dataset:{system_id.split(':', 1)[1]}.ho-so"
        place.writer.node("Dataset", {"id": dataset_id, "name": data, "category": "local",
                                      "data_layer": "transactional", "owner": owner, "master": system_id})
        info.datasets.append(dataset_id)
    scene.used.add(system_id)
    return info


def _abbreviated(phrase: str) -> str:
    for long, short in _ABBREVIATIONS:
        phrase = phrase.replace(long, short)
    return phrase


def _where(scene: Scene, info: SystemInfo) -> str:
    return info.place or scene.where


def _prefix(scene: Scene, kind: str) -> str:
    return scene.rng.choice(SYSTEM_PREFIXES[kind])


# --- duplicate systems -------------------------------------------------------------------------------------

def _variant(scene: Scene, original: SystemInfo, variant: str, former: str | None = None) -> SystemInfo | None:
    """One more system doing the original's job under another name (None when this variant cannot be made)."""
    job = original.job
    assert job is not None
    where = _where(scene, original)
    kind = original.kind
    if variant == "abbreviation":  # "HTTT … của UBND tỉnh X": the province's own copy of a department's system
        owner, slug = (scene.place.agency, "ubnd") if scene.scope != "ministry" else scene.other_owner(original.owner)
        committee = f"của UBND {where}" if scene.scope != "ministry" else where
        name = f"HTTT {_abbreviated(job.phrase)} {committee}"
        return planted_system(scene, name, kind, owner, slug, "httt-" + short_slug(job.phrase),
                              data=f"Dữ liệu {job.phrase} (hệ thống thông tin riêng)")
    if variant == "no_diacritics":
        owner, slug = original.owner or scene.owners[0][0], original.owner_slug
        name = without_diacritics(f"{_prefix(scene, kind)} {job.phrase} {where}")
        return planted_system(scene, name, kind, owner, slug, short_slug(job.phrase) + "-ban-2",
                              data=without_diacritics(f"Du lieu {job.phrase}"))
    if variant == "reordered":
        owner, slug = scene.other_owner(original.owner)
        name = f"{_prefix(scene, kind)} {job.swapped()} {where}"
        return planted_system(scene, name, kind, owner, slug, short_slug(job.swapped()),
                              data=f"Dữ liệu {job.swapped()}")
    if variant == "former":
        owner, slug = original.owner or scene.owners[0][0], original.owner_slug
        name = f"{_prefix(scene, kind)} {job.phrase} {where} (cũ)"
        return planted_system(scene, name, kind, owner, slug, short_slug(job.phrase) + "-cu",
                              data=f"Dữ liệu {job.phrase} (hệ thống cũ)")
    if variant == "inherited" and former:
        owner, slug = scene.place.agency, "ubnd"
        name = f"{_prefix(scene, kind)} {job.phrase} tỉnh {former} (cũ)"
        return planted_system(scene, name, kind, owner, slug, f"{short_slug(job.phrase)}-{slugify(former)}",
                              data=f"Dữ liệu {job.phrase} tỉnh {former} (cũ)")
    if variant == "renamed":
        return _renamed(scene, original)
    return None


def _renamed(scene: Scene, original: SystemInfo) -> SystemInfo | None:
    """A system with a different job name that copies the original's data and delivers its services: only the
    shared data says it is the same system."""
    job = original.job
    assert job is not None and original.share_api
    pool = scene.pools[original.kind]
    other = next((candidate for candidate in renamings(job, scene.world.catalogue)
                  if candidate.subject.sector not in MINISTRY_ONLY or scene.scope == "ministry"
                  if pool.claim(candidate)), None)
    if other is None:
        return None
    owner, slug = original.owner or scene.owners[0][0], original.owner_slug
    name = f"{_prefix(scene, original.kind)} {other.phrase} {_where(scene, original)}"
    info = planted_system(scene, name, original.kind, owner, slug, short_slug(other.phrase))
    info.job = other
    writer = scene.place.writer
    consume(scene.place, info, original.share_api)
    for dataset_id in original.datasets:
        writer.relationship("HOLDS_COPY_OF", info.id, dataset_id, sync_method="api")
    for service_id in original.services:
        writer.relationship("DELIVERS", info.id, service_id)
    return info


def plant_duplicates(scene: Scene, variants: list[str], formers: tuple[str, ...] = (),
                     communes: list[tuple[str, str, str]] | None = None) -> None:
    """One cluster per variant, recorded with the ids the detector must put together."""
    for variant in variants:
        if variant == "commune_pair":
            _commune_pair(scene, communes or [])
            continue
        if variant == "reordered":
            original = scene.pick(lambda info: bool(info.job and info.job.compound))
        elif variant == "renamed":
            original = scene.pick(lambda info: bool(info.share_api and info.datasets))
        else:
            original = scene.pick(lambda info: info.kind in POOL_KINDS)
        if original is None:
            continue
        if variant == "trio":
            members = [_variant(scene, original, "abbreviation"), _variant(scene, original, "no_diacritics")]
        else:
            former = scene.rng.choice(formers) if formers else None
            members = [_variant(scene, original, variant, former)]
        made = [member.id for member in members if member is not None]
        if made:
            scene.truth.plant(f"duplicate system ({variant})", scene.place.agency,
                              {DUPLICATES: [original.id, *made]})


def _commune_pair(scene: Scene, communes: list[tuple[str, str, str]]) -> None:
    """Two or three communes of the province each running their own tool for the same job."""
    if len(communes) < 2:
        return
    kind = scene.rng.choice(list(POOL_KINDS))
    job = scene.pools[kind].take(commune=True)
    if job is None:
        return
    members = []
    for commune_id, commune_slug, commune_place in scene.rng.sample(communes, scene.rng.choice((2, 2, 3))):
        members.append(planted_system(scene, f"Phần mềm {job.phrase} {commune_place}", kind, commune_id,
                                      commune_slug, short_slug(job.phrase), scope="commune",
                                      data=f"Dữ liệu {job.phrase} {commune_place}").id)
    scene.truth.plant("duplicate system (commune_pair)", scene.place.agency, {DUPLICATES: members},
                      "communes of one province each running their own tool for one job")


# --- data ---------------------------------------------------------------------------------------------------

def plant_unsynced_copy(scene: Scene) -> None:
    """A copy of a neighbour's dataset kept by file or by hand, with no API providing it consumed."""
    holder = scene.pick()
    if holder is None:
        return
    sources = [info for info in scene.place.systems if info.id != holder.id and info.datasets
               and not set(info.apis) & set(holder.consumed)]
    if not sources:
        return
    source = scene.rng.choice(sources)
    method = scene.rng.choice(("batch_file", "manual", "unknown"))
    scene.place.writer.relationship("HOLDS_COPY_OF", holder.id, source.datasets[-1], sync_method=method)
    scene.truth.plant("copy not synced", scene.place.agency, {"copy-not-synced": [holder.id]},
                      f"{holder.id} keeps {source.datasets[-1]} by {method}")


def plant_national_copy(scene: Scene) -> None:
    """A batch-file copy of a national database with personal data: not synced, and not through the platforms."""
    database = scene.rng.choice(scene.world.personal_databases)
    holder = scene.pick(lambda info: not set(database.apis) & set(info.consumed))
    if holder is None:
        return
    scene.place.writer.relationship("HOLDS_COPY_OF", holder.id, database.dataset_id, sync_method="batch_file")
    scene.truth.plant("copy of a national database by file", scene.place.agency,
                      {"copy-not-synced": [holder.id], "citizen-data-through-platform": [holder.id]},
                      f"{holder.id} keeps {database.dataset_id} by batch file")


def plant_unrouted_citizen_copy(scene: Scene) -> None:
    """Citizen data read through a local re-sharing API that no integration platform routes: synced, but outside
    the platforms."""
    place, writer = scene.place, scene.place.writer
    population = scene.world.database("dataset:dan-cu")
    holder = scene.pick(lambda info: not set(population.apis) & set(info.consumed))
    if holder is None:
        return
    owner, slug = scene.owners[0]
    provider = planted_system(scene, COPY_NAMES["kho-dan-cu"].format(place=scene.where), "database_system", owner,
                              slug, "kho-du-lieu-dan-cu")
    writer.relationship("HOLDS_COPY_OF", provider.id, population.dataset_id, sync_method="platform",
                        description="Nhận dữ liệu qua NDOP.")
    api_id = f"api:{provider.id.split(':', 1)[1]}.chia-se"
    writer.node("Api", {"id": api_id, "name": f"API chia sẻ dữ liệu dân cư {scene.where}", "protocol": "rest",
                        "version": "1.0", "status": "operational", "owner": owner})
    writer.relationship("EXPOSES", provider.id, api_id)
    writer.relationship("PROVIDES", api_id, population.dataset_id)
    consume(place, holder, api_id)
    writer.relationship("HOLDS_COPY_OF", holder.id, population.dataset_id, sync_method="api")
    scene.truth.plant("citizen data through an unrouted API", place.agency,
                      {"citizen-data-through-platform": [holder.id]},
                      f"{api_id} provides {population.dataset_id} and is routed via no platform")


def plant_masterless(scene: Scene, communes: list[tuple[str, str, str]] | None = None) -> None:
    """A dataset kept in a spreadsheet: owned, but mastered by no system."""
    place = scene.place
    if communes:
        commune_id, commune_slug, commune_place = scene.rng.choice(communes)
        subject, slug, _ = scene.rng.choice(COMMUNE_DATA)
        dataset_id = place.unique(f"dataset:{place.key}.{commune_slug}.{slug}-bang-tinh")
        name = f"Sổ theo dõi {subject[0].lower()}{subject[1:]} {commune_place} (bảng tính)"
        owner = commune_id
    else:
        info = scene.pick()
        if info is None or info.job is None:
            return
        dataset_id = place.unique(f"dataset:{info.id.split(':', 1)[1]}.bang-tinh")
        name = f"Dữ liệu {info.job.phrase} lưu trên bảng tính"
        owner = info.owner or place.agency
    place.writer.node("Dataset", {"id": dataset_id, "name": name, "category": "local", "data_layer": "source",
                                  "owner": owner})
    scene.truth.plant("dataset without a master", place.agency, {"dataset-master": [dataset_id]})


def plant_local_national_duplicate(scene: Scene) -> None:
    """Local data on a national database's subject, mastered by a system not integrated with the national one."""
    database, name = scene.rng.choice(scene.world.local_copy_names)
    job = scene.pools["sector_application"].take()
    if job is None:
        return
    owner, slug = scene.rng.choice(scene.owners)
    master = planted_system(scene, f"Phần mềm {job.phrase} {scene.where}", "sector_application", owner, slug,
                            short_slug(job.phrase))
    dataset_id = scene.place.unique(f"dataset:{scene.place.key}.{slug}.{slugify(name)}")
    scene.place.writer.node("Dataset", {"id": dataset_id, "name": f"{name} {scene.where}", "category": "local",
                                        "data_layer": "master", "personal_data": database.personal_data,
                                        "owner": owner, "master": master.id})
    scene.truth.plant("local dataset duplicating a national database", scene.place.agency,
                      {"local-dataset-duplicates-national": [dataset_id]}, f"duplicates {database.dataset_id}")


# --- owners -------------------------------------------------------------------------------------------------

def plant_ownerless(scene: Scene, api: bool, isolated: bool) -> None:
    """A system no agency owns (still connected); optionally an API with no owner, and a system with nothing."""
    job = scene.pools["sector_application"].take()
    if job is not None:
        info = planted_system(scene, f"Phần mềm {job.phrase} {scene.where}", "sector_application", None,
                              "chua-ro-chu-quan", short_slug(job.phrase))
        scene.truth.plant("system without an owner", scene.place.agency, {"owner-missing": [info.id]})
    if api:
        holder = scene.pick(lambda info: bool(info.datasets))
        if holder is not None and holder.job is not None:
            api_id = scene.place.unique(f"api:{holder.id.split(':', 1)[1]}.ket-noi-ngoai")
            scene.place.writer.node("Api", {"id": api_id, "name": f"API kết nối {holder.job.phrase} (bên thứ ba)",
                                            "protocol": "rest", "status": "operational"})
            scene.place.writer.relationship("EXPOSES", holder.id, api_id)
            scene.place.writer.relationship("PROVIDES", api_id, holder.datasets[0])
            scene.place.writer.relationship("ROUTED_VIA", api_id, scene.place.lgsp)
            scene.truth.plant("API without an owner", scene.place.agency, {"owner-missing": [api_id]})
    if isolated:
        job = scene.pools["other"].take()
        if job is not None:
            system_id = scene.place.unique(f"system:{scene.place.key}.chua-ro-chu-quan.ud-{short_slug(job.phrase)}")
            system_row(scene.place, system_id, f"Ứng dụng {job.phrase}", "other", scene.scope, None)
            scene.truth.plant("isolated system", scene.place.agency,
                              {"owner-missing": [system_id], "isolated-entity": [system_id]},
                              "no owner, no connection, no data")


# --- provinces ----------------------------------------------------------------------------------------------

def _national_copies(scene: Scene, state: ProvinceState, kinds: list[str]) -> None:
    place, writer = scene.place, scene.place.writer
    khcn, khcn_slug = state.departments["khcn"]
    for kind in kinds:
        if kind == "identity":
            info = planted_system(scene, COPY_NAMES["identity"].format(place=scene.where), "identity", khcn,
                                  khcn_slug, "dinh-danh-xac-thuc",
                                  data=f"Dữ liệu tài khoản người dùng {scene.where}")
            scene.truth.plant("provincial copy of VNeID", place.agency, {"national-platform-copy": [info.id]})
        elif kind == "payment":
            platform_id = place.unique(f"platform:{place.key}.thanh-toan")
            writer.node("Platform", {"id": platform_id, "name": COPY_NAMES["payment"].format(place=scene.where),
                                     "kind": "payment", "scope": "province", "status": "operational",
                                     "owner": state.province.id})
            writer.relationship("CONNECTS_TO", platform_id, state.tiers["mot-cua"], protocol="REST")
            writer.relationship("HOSTED_ON", platform_id, place.datacentre)
            scene.truth.plant("provincial copy of the national payment platform", place.agency,
                              {"national-platform-copy": [platform_id]})
        elif kind == "ho-tich":
            owner, slug = state.departments["tu-phap"]
            info = planted_system(scene, COPY_NAMES["ho-tich"].format(place=scene.where), "sector_application",
                                  owner, slug, "dang-ky-quan-ly-ho-tich", data=f"Dữ liệu hộ tịch {scene.where}")
            scene.truth.plant("provincial copy of the national civil status system", place.agency,
                              {"national-platform-copy": [info.id]},
                              "the Ministry of Justice's system is used by every commune")


def plant_province(world: World, state: ProvinceState, plan: Plan, truth: GroundTruth) -> None:
    """Every gap of the plan, then the province's share of the others (all of them in a showcase province)."""
    province, place = state.province, state.place
    rng = world.rng("gaps", province.code)
    owners = list(state.departments.values())
    scene = Scene(world, place, rng, truth, state.pools, owners, "province", province.place, set(state.reserved))
    tiers = state.tiers
    if plan.oss_unconnected:
        truth.plant("one-stop-shop not connected to the national portal", province.id,
                    {"one-stop-shop-national-portal": [tiers["mot-cua"]]})
    if plan.portal_open:
        truth.plant("provincial portal still operational", province.id,
                    {"provincial-portal-still-open": [tiers["cong-dvc"]],
                     "national-platform-copy": [tiers["cong-dvc"]]},
                    "connected to the provincial one-stop-shop, not to the national portal")
    if plan.reporting_unconnected:
        truth.plant("reporting system not feeding the Government's", province.id,
                    {"national-platform-copy": [tiers["bao-cao"]]})
    inherited: dict[str, list[str]] = {}
    for (_, tier), entity_id in plan.inherited.items():
        if entity_id:
            inherited.setdefault(tier, []).append(entity_id)
    for tier, members in inherited.items():
        truth.plant(f"inherited {tier} still operational", province.id, {DUPLICATES: [tiers[tier], *members]},
                    "one per jurisdiction: the merged-in province's system was never retired")
    showcase = plan.showcase
    copies = [kind for kind in ("identity", "payment", "ho-tich") if showcase or rng.random() < 0.35]
    _national_copies(scene, state, copies)
    communes = [(commune.id, commune.slug, commune.place) for commune in state.communes]
    variants = [variant for variant in VARIANTS if variant != "inherited" or province.predecessors]
    if showcase:
        chosen = variants + rng.sample(variants, 2)
    else:
        chosen = rng.sample(variants, min(len(variants), rng.randint(2, 3) + province.weight))
    plant_duplicates(scene, chosen, province.predecessors, communes)
    plant_unsynced_copy(scene)
    if showcase or rng.random() < 0.5:
        plant_national_copy(scene)
    if showcase or rng.random() < 0.3:
        plant_unrouted_citizen_copy(scene)
    plant_masterless(scene, communes)
    if showcase or rng.random() < 0.5:
        plant_masterless(scene)
    if showcase or rng.random() < 0.5:
        plant_local_national_duplicate(scene)
    plant_ownerless(scene, api=showcase or rng.random() < 0.4, isolated=showcase or rng.random() < 0.3)


def plant_ministry(world: World, state: MinistryState, truth: GroundTruth) -> None:
    """A ministry's share: two units running one job, a dataset without master, an unsynced copy, an unowned system."""
    rng = world.rng("gaps", state.place.key)
    scene = Scene(world, state.place, rng, truth, state.pools, state.owners, "ministry", state.ministry.name)
    plant_duplicates(scene, rng.sample(["abbreviation", "no_diacritics", "renamed", "reordered", "former"], 2))
    plant_masterless(scene)
    if rng.random() < 0.5:
        plant_unsynced_copy(scene)
    if rng.random() < 0.3:
        plant_ownerless(scene, api=False, isolated=False)
