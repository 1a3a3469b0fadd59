"""The national skeleton of a synthetic registry, taken from the sample (`data/sample`) rather than retyped.

The sample already records the Government, the 17 ministries and ministry-level agencies, the 34 provinces with
their codes and merged-in predecessors, the national platforms, databases, their systems and APIs, the standards
and the national services. Everything outside a province's namespace (`<prefix>:tinh-<code>.…`) is the national
part; the provinces' own records (communes, departments, one-stop-shops, the planted gaps of the sample) are left
out, because the generator writes every province itself. The one gap of the national part (a dataset whose
MASTERS link was never declared) is repaired, so the skeleton alone yields no finding.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from graph_model import RELATIONSHIP_TYPES, Node, Relationship, slugify
from graph_model.nodes import Agency, Dataset, Platform, System
from importers import ImportContext, Parsed
from importers.native import NativeImporter

DEFAULT_SAMPLE_DIR = Path(__file__).resolve().parents[2] / "data" / "sample"
_PROVINCIAL_ID = re.compile(r"^[a-z]+:tinh-\d+\.")
_MERGED = re.compile(r"hợp nhất (.+?);")
_ADMIN_WORD = re.compile(r"^(tỉnh|thành phố|Thành phố)\s+", re.IGNORECASE)


class SampleError(ValueError):
    """The sample folder cannot serve as the skeleton (missing, or a record of it does not validate)."""


@dataclass(frozen=True)
class Province:
    """A province or centrally-run city, with the provinces merged into it in 2025."""

    id: str
    code: str
    name: str  # "Ủy ban nhân dân tỉnh Lào Cai"
    short_name: str  # "Lào Cai"
    place: str  # "tỉnh Lào Cai": how a system name says where it belongs
    predecessors: tuple[str, ...]  # merged-in provinces, e.g. ("Yên Bái",)
    is_city: bool

    @property
    def weight(self) -> int:
        """How many pre-2025 provinces it joins: the volumes of a province scale with it."""
        return 1 + len(self.predecessors)


@dataclass(frozen=True)
class Ministry:
    """A ministry or ministry-level agency, with the short slug its units, systems and teams are named by."""

    id: str
    name: str
    short_name: str
    slug: str
    units: tuple[str, ...]


@dataclass(frozen=True)
class NationalDatabase:
    """A national (or sector) database: its master system and the APIs that provide it."""

    dataset_id: str
    name: str
    category: str
    personal_data: bool
    owner: str | None
    master: str | None
    apis: tuple[str, ...]


@dataclass
class Skeleton:
    """The national part of the sample, as records ready to write, and what the generator needs to know of it."""

    nodes: list[Node]
    relationships: list[Relationship]
    provinces: list[Province]
    ministries: list[Ministry]
    platforms: dict[str, str]  # national platform kind → id (the first of each kind)
    databases: list[NationalDatabase]
    systems: dict[str, System | Platform] = field(default_factory=dict)  # national systems and platforms by id
    standards: frozenset[str] = frozenset()
    repaired: list[str] = field(default_factory=list)  # what was fixed so the skeleton has no gap

    def ids(self) -> set[str]:
        return {node.id for node in self.nodes}


def _read(sample_dir: Path) -> list[Node | Relationship]:
    files = sorted(sample_dir.glob("*.yaml"))
    if not files:
        raise SampleError(f"{sample_dir}: no sample YAML files (the skeleton comes from data/sample)")
    importer = NativeImporter()
    records: list[Node | Relationship] = []
    for path in files:
        for item in importer.read(path, ImportContext()):
            if not isinstance(item, Parsed):
                raise SampleError(f"{item.location}: field {item.field}: {item.reason}")
            records.append(item.record)
    return records


def is_provincial(entity_id: str) -> bool:
    """True for the records a province owns in the sample (`system:tinh-15.mot-cua`), not the province itself."""
    return bool(_PROVINCIAL_ID.match(entity_id))


def predecessors(description: str | None, short_name: str) -> tuple[str, ...]:
    """The provinces merged into this one, read from the sample's description ("hợp nhất tỉnh A và tỉnh B; …")."""
    found = _MERGED.search(description or "")
    if not found:
        return ()
    names = [_ADMIN_WORD.sub("", part.strip()) for part in re.split(r",\s*|\s+và\s+", found.group(1))]
    return tuple(name for name in names if name and name != short_name.removeprefix("TP. "))


def _province(agency: Agency) -> Province:
    place = re.sub(r"^Ủy ban nhân dân\s+", "", agency.name)
    short = agency.short_name or place
    return Province(agency.id, agency.administrative_code or agency.id.rsplit("-", 1)[-1], agency.name, short, place,
                    predecessors(agency.description, short), place.lower().startswith("thành phố"))


def load_skeleton(sample_dir: Path = DEFAULT_SAMPLE_DIR) -> Skeleton:
    """Read the sample, keep its national part, and repair the national gap it plants (a dataset with no master)."""
    records = _read(sample_dir)
    nodes = [record for record in records if isinstance(record, Node) and not is_provincial(record.id)]
    kept = {node.id for node in nodes}
    relationships = [record for record in records if isinstance(record, Relationship)
                     and record.source_id in kept and record.target_id in kept]
    parent = {rel.source_id: rel.target_id for rel in relationships if rel.rel_type == "PART_OF"}
    owner = {rel.target_id: rel.source_id for rel in relationships if rel.rel_type == "OWNS"}
    master = {rel.target_id: rel.source_id for rel in relationships if rel.rel_type == "MASTERS"}
    exposer = {rel.target_id: rel.source_id for rel in relationships if rel.rel_type == "EXPOSES"}
    providers: dict[str, list[str]] = {}
    for rel in relationships:
        if rel.rel_type == "PROVIDES":
            providers.setdefault(rel.target_id, []).append(rel.source_id)

    repaired = []
    for node in nodes:
        if isinstance(node, Dataset) and node.id not in master:
            source = next((exposer[api] for api in providers.get(node.id, []) if api in exposer), None)
            if source is not None:
                master[node.id] = source
                relationships.append(RELATIONSHIP_TYPES["MASTERS"](**{"from": source, "to": node.id}))
                repaired.append(f"MASTERS {source} -> {node.id}")

    provinces = sorted((_province(node) for node in nodes if isinstance(node, Agency) and node.level == "province"),
                       key=lambda province: province.code)
    ministries = []
    for node in nodes:
        if isinstance(node, Agency) and node.level == "ministry":
            units = tuple(unit for unit, up in parent.items() if up == node.id)
            short = node.short_name or node.name
            slug = next((unit.split(":", 1)[1].split(".", 1)[0] for unit in units), slugify(short))
            ministries.append(Ministry(node.id, node.name, short, slug, units))
    platforms: dict[str, str] = {}
    systems: dict[str, System | Platform] = {}
    for node in nodes:
        if isinstance(node, Platform) and node.scope == "national":
            platforms.setdefault(str(node.kind), node.id)
        if isinstance(node, (System, Platform)):
            systems[node.id] = node
    databases = [NationalDatabase(node.id, node.name, str(node.category), node.personal_data, owner.get(node.id),
                                  master.get(node.id), tuple(providers.get(node.id, [])))
                 for node in nodes if isinstance(node, Dataset)]
    standards = frozenset(node.id for node in nodes if node.type == "Standard")  # type: ignore[attr-defined]
    return Skeleton(nodes, relationships, provinces, ministries, platforms, databases, systems, standards, repaired)
