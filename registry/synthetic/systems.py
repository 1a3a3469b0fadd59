"""One system and everything that hangs off it: owner, hosting, connection, the data it masters, its APIs.

Shared by provinces and ministries. A background system masters two to five datasets of its own, exposes a sharing
API (PROVIDES all of them) and usually a look-up API, routes them through its jurisdiction's integration platform
(LGSP), may read a national database or a neighbour's API, and now and then keeps a copy of data — always in step
through an API or the platform, so the background itself is no finding.
"""

from __future__ import annotations

import random
import unicodedata
from dataclasses import dataclass, field
from datetime import date

from graph_model import slugify
from registry.synthetic.jobs import Job
from registry.synthetic.vocabulary import API_FUNCTIONS, DATASET_FACETS, SYSTEM_PREFIXES
from registry.synthetic.world import PERSONAL_TYPES, World
from registry.synthetic.writer import TemplateWriter

KIND_SLUG = {"sector_application": "", "database_system": "csdl-", "internal": "pm-", "other": "ud-"}
MAX_SLUG = 70


@dataclass
class SystemInfo:
    """What later steps (services, planted gaps) need to know of a written system."""

    id: str
    kind: str
    owner: str | None
    owner_slug: str
    place: str
    job: Job | None
    status: str = "operational"
    datasets: list[str] = field(default_factory=list)
    share_api: str | None = None
    apis: list[str] = field(default_factory=list)
    consumed: list[str] = field(default_factory=list)
    services: list[str] = field(default_factory=list)


@dataclass
class Jurisdiction:
    """A province or a ministry while it is being generated: where its systems connect and run, what ids it used."""

    world: World
    writer: TemplateWriter
    rng: random.Random
    key: str  # "tinh-15", "btc"
    agency: str  # the province's or ministry's agency id
    place: str  # "tỉnh Lào Cai", "Bộ Tài chính"
    scope: str  # province or ministry
    domain: str  # "laocai.gov.vn"
    lgsp: str
    datacentre: str
    cloud: str | None = None
    taken: set[str] = field(default_factory=set)
    systems: list[SystemInfo] = field(default_factory=list)
    recent_apis: list[str] = field(default_factory=list)
    synced_copies: list[tuple[str, str, str]] = field(default_factory=list)  # (system, dataset, sync method)

    def unique(self, candidate: str) -> str:
        """`candidate`, or with -2, -3 … when this jurisdiction already used it."""
        value, number = candidate, 1
        while value in self.taken:
            number += 1
            value = f"{candidate}-{number}"
        self.taken.add(value)
        return value


def short_slug(text: str) -> str:
    slug = slugify(text)
    return slug[:MAX_SLUG].rstrip("-") if len(slug) > MAX_SLUG else slug


def without_diacritics(text: str) -> str:
    """"Hệ thống quản lý đê điều" → "He thong quan ly de dieu", as a name typed without a Vietnamese keyboard."""
    text = text.replace("đ", "d").replace("Đ", "D")
    return "".join(char for char in unicodedata.normalize("NFD", text) if unicodedata.category(char) != "Mn")


def _go_live(rng: random.Random) -> date:
    return date(rng.randint(2012, 2025), rng.randint(1, 12), rng.randint(1, 28))


def system_row(place: Jurisdiction, system_id: str, name: str, kind: str, scope: str, owner: str | None,
               status: str = "operational", **extra: object) -> None:
    """The System row itself, with the details a real inventory would give."""
    rng = place.rng
    values: dict[str, object] = {"id": system_id, "name": name, "kind": kind, "scope": scope, "status": status,
                                 "owner": owner, "security_level": rng.randint(1, 4)}
    if status == "planned":
        values["go_live"] = date(2026, rng.randint(1, 12), 1)
    else:
        values["go_live"] = _go_live(rng)
    if status == "retired":
        values["retired_on"] = date(2025, rng.randint(1, 6), rng.randint(1, 28))
    if rng.random() < 0.5:
        values["url"] = f"https://{system_id.rsplit('.', 1)[1][:40]}.{place.domain}"
    values.update(extra)
    place.writer.node("System", values)


def write_system(place: Jurisdiction, job: Job, kind: str, owner: str, owner_slug: str, scope: str,
                 where: str | None, status: str = "operational") -> SystemInfo:
    """A background system doing `job`, owned by `owner`, with its data and APIs."""
    rng, writer, world = place.rng, place.writer, place.world
    prefix = rng.choice(SYSTEM_PREFIXES[kind])
    name = f"{prefix} {job.phrase}" + (f" {where}" if where else "")
    system_id = place.unique(f"system:{place.key}.{owner_slug}.{KIND_SLUG[kind]}{short_slug(job.phrase)}")
    system_row(place, system_id, name, kind, scope, owner, status)
    info = SystemInfo(system_id, kind, owner, owner_slug, where or "", job, status)
    writer.relationship("HOSTED_ON", system_id, place.cloud if place.cloud and rng.random() < 0.15
                        else place.datacentre)
    writer.relationship("CONNECTS_TO", system_id, place.lgsp, protocol="REST")
    local = system_id.split(":", 1)[1]
    personal = job.subject.type in PERSONAL_TYPES
    facets = [DATASET_FACETS[0], *rng.sample(DATASET_FACETS[1:], rng.randint(*world.volumes.datasets_per_system) - 1)]
    for pattern, slug, layer, category in facets:
        dataset_id = f"dataset:{local}.{slug}"
        writer.node("Dataset", {
            "id": dataset_id, "name": pattern.format(job=job.phrase) + (f" {where}" if where else ""),
            "category": category, "data_layer": layer, "personal_data": personal and category != "open_data",
            "record_count": rng.randint(200, 2_000_000), "owner": owner, "master": system_id})
        info.datasets.append(dataset_id)
    functions = API_FUNCTIONS[:2] if rng.random() < world.volumes.lookup_api else API_FUNCTIONS[:1]
    if rng.random() < 0.15:
        functions = (*functions, API_FUNCTIONS[2])
    for pattern, slug, protocol in functions:
        api_id = f"api:{local}.{slug}"
        writer.node("Api", {"id": api_id, "name": pattern.format(job=job.phrase) + (f" {where}" if where else ""),
                            "protocol": protocol,
                            "version": f"{rng.randint(1, 3)}.{rng.randint(0, 9)}", "status": "operational",
                            "base_url": f"https://api.{place.domain}/{local.rsplit('.', 1)[1][:40]}/{slug}",
                            "owner": owner})
        writer.relationship("EXPOSES", system_id, api_id)
        provided = info.datasets if slug == "chia-se" else info.datasets[:1]
        for dataset_id in provided:
            writer.relationship("PROVIDES", api_id, dataset_id)
        writer.relationship("ROUTED_VIA", api_id, place.lgsp)
        standard = world.standard("standard:13-2017-tt-btttt")
        if standard:
            writer.relationship("CONFORMS_TO", api_id, standard)
        info.apis.append(api_id)
        if slug == "chia-se":
            info.share_api = api_id
    _reads(place, info, personal)
    place.systems.append(info)
    place.recent_apis.extend(info.apis[:1])
    if len(place.recent_apis) > 64:
        del place.recent_apis[:32]
    return info


def consume(place: Jurisdiction, info: SystemInfo, api_id: str) -> bool:
    """A CONSUMES row, once per pair."""
    if api_id in info.consumed or api_id in info.apis:
        return False
    place.writer.relationship("CONSUMES", info.id, api_id)
    info.consumed.append(api_id)
    return True


def _reads(place: Jurisdiction, info: SystemInfo, personal: bool) -> None:
    """What the system reads: a national database through its API, a neighbour's API; now and then a copy."""
    rng, world = place.rng, place.world
    national = world.personal_databases
    if personal or rng.random() < 0.5:
        consume(place, info, rng.choice(national).apis[0])
    if place.recent_apis and rng.random() < 0.4:
        consume(place, info, rng.choice(place.recent_apis))
    if rng.random() < world.volumes.copies:
        if rng.random() < 0.5:
            database = rng.choice(national)
            consume(place, info, database.apis[0])
            place.writer.relationship("HOLDS_COPY_OF", info.id, database.dataset_id, sync_method="api")
            place.synced_copies.append((info.id, database.dataset_id, "api"))
        else:
            sources = [other for other in place.systems[-50:] if other.datasets and other.id != info.id]
            if sources:
                other = rng.choice(sources)
                place.writer.relationship("HOLDS_COPY_OF", info.id, other.datasets[0], sync_method="platform",
                                          description="Đồng bộ qua nền tảng LGSP.")
                place.synced_copies.append((info.id, other.datasets[0], "platform"))
