"""What every part of a generation run shares: the skeleton, the jobs catalogue, the communes, the volumes.

Built once per run and read-only afterwards, so a province generates the same rows whether it is generated alone
(`--scale province`) or among the 34 (`--scale nation`). Each province and ministry draws from its own
`random.Random` seeded with the run's seed and its own code; nothing uses the global random state.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from functools import cached_property

from rapidfuzz import fuzz

from registry.analysis.normalise import fold
from registry.synthetic import gazetteer
from registry.synthetic.gazetteer import Commune
from registry.synthetic.jobs import Job, catalogue_for, job_key
from registry.synthetic.sample import NationalDatabase, Province, Skeleton
from registry.synthetic.vocabulary import (
    COMMUNE_DATA,
    DATASET_FACETS,
    MINISTRY_ONLY,
    MINISTRY_SECTORS,
    SECTORS,
)


@dataclass(frozen=True)
class Volumes:
    """How much each jurisdiction runs. The nation's totals follow from these (docs/synthetic-data.md)."""

    province_systems: int = 1250  # systems of a province, × (0.8 + 0.2 × the provinces it joins)
    commune_systems: float = 0.6  # systems a commune runs itself, on average
    commune_services: tuple[int, int] = (25, 33)
    commune_datasets: tuple[int, int] = (11, 17)
    department_services: int = 30  # procedures of a department, × the province factor
    ministry_systems_per_job: float = 2.0  # a ministry runs this many systems per job of its sectors
    ministry_services: int = 60
    datasets_per_system: tuple[int, int] = (2, 5)
    lookup_api: float = 0.9  # chance a system exposes a look-up API beside its sharing API
    copies: float = 0.1  # chance a system keeps a (synchronised) copy of another's data


# The tiers every province runs, named as the sample names them (and reserved: no background job comes near).
TIER_NAMES = {
    "lgsp": "Nền tảng tích hợp, chia sẻ dữ liệu {place} (LGSP)",
    "mot-cua": "Hệ thống thông tin giải quyết thủ tục hành chính {place}",
    "qlvb": "Hệ thống quản lý văn bản và điều hành {place}",
    "bao-cao": "Hệ thống thông tin báo cáo {place}",
    "cong-dvc": "Cổng Dịch vụ công {place}",
}
# Local tiers of national databases: the province's system and data, connected to the national system.
LOCAL_TIERS: tuple[tuple[str, str, str, str], ...] = (
    ("dataset:dat-dai", "dat-dai", "Hệ thống thông tin đất đai {place}", "nong-nghiep-moi-truong"),
    ("dataset:giao-duc", "giao-duc", "Hệ thống cơ sở dữ liệu ngành giáo dục {place}", "giao-duc"),
    ("dataset:y-te", "y-te", "Hệ thống thông tin y tế {place}", "y-te"),
    ("dataset:can-bo-cong-chuc", "can-bo", "Hệ thống cơ sở dữ liệu cán bộ, công chức, viên chức {place}", "noi-vu"),
)
# Names of planted systems that copy a national platform's job (kept out of the background catalogue).
COPY_NAMES = {
    "identity": "Hệ thống định danh và xác thực điện tử {place}",
    "payment": "Nền tảng thanh toán trực tuyến trên Cổng Dịch vụ công {place}",
    "ho-tich": "Phần mềm đăng ký và quản lý hộ tịch {place}",
    "kho-dan-cu": "Kho dữ liệu dân cư dùng chung {place}",
}
PERSONAL_TYPES = frozenset({"beneficiary", "population"})


class World:
    """The shared, read-only state of one generation run."""

    def __init__(self, skeleton: Skeleton, seed: int, volumes: Volumes = Volumes()) -> None:
        self.skeleton = skeleton
        self.seed = seed
        self.volumes = volumes
        self.platforms = skeleton.platforms
        self.databases = {database.dataset_id: database for database in skeleton.databases}
        self.units = gazetteer.unit_counts(skeleton.provinces, seed)

    # --- what the catalogue must keep clear of -----------------------------------------------------------

    @cached_property
    def reserved_jobs(self) -> tuple[str, ...]:
        names = [node.name for node in self.skeleton.systems.values()]
        names += [name.format(place="") for name in TIER_NAMES.values()]
        names += [name.format(place="") for _, _, name, _ in LOCAL_TIERS]
        names += [name.format(place="") for name in COPY_NAMES.values()]
        return tuple(dict.fromkeys(key for key in map(job_key, names) if key))

    @cached_property
    def national_subjects(self) -> tuple[str, ...]:
        return tuple(job_key(database.name) for database in self.skeleton.databases
                     if database.category == "national_database")

    @cached_property
    def catalogue(self) -> tuple[Job, ...]:
        return catalogue_for(self.reserved_jobs, self.national_subjects)

    @cached_property
    def province_jobs(self) -> tuple[Job, ...]:
        """Jobs a province's departments and communes can have (not defence, security or central banking)."""
        return tuple(job for job in self.catalogue if job.subject.sector not in MINISTRY_ONLY)

    def ministry_jobs(self, short_name: str) -> tuple[Job, ...]:
        sectors = set(MINISTRY_SECTORS.get(short_name, ())) | {"chung"}
        return tuple(job for job in self.catalogue if job.subject.sector in sectors)

    @cached_property
    def forbidden_places(self) -> set[tuple[str, ...]]:
        """Word runs a commune name may not be: any two or three words a system or dataset name uses."""
        texts = [job.phrase for job in self.catalogue] + [job.swapped() for job in self.catalogue if job.compound]
        texts += [pattern.format(job="") for pattern, _, _, _ in DATASET_FACETS]
        texts += [subject for subject, _, _ in COMMUNE_DATA]
        texts += [name.format(place="") for name in (*TIER_NAMES.values(), *COPY_NAMES.values())]
        texts += [name.format(place="") for _, _, name, _ in LOCAL_TIERS]
        texts += [node.name for node in self.skeleton.nodes]
        return gazetteer.phrases(texts)

    @cached_property
    def province_names(self) -> set[str]:
        return {fold(province.short_name.removeprefix("TP. ")) for province in self.skeleton.provinces}

    def communes(self, province: Province) -> list[Commune]:
        return gazetteer.communes(province, self.units[province.code], self.seed, self.forbidden_places,
                                  self.province_names)

    # --- national lookups --------------------------------------------------------------------------------

    def database(self, dataset_id: str) -> NationalDatabase:
        return self.databases[dataset_id]

    @cached_property
    def personal_databases(self) -> tuple[NationalDatabase, ...]:
        """National databases with personal data that have a master and an API: what systems keep copies of."""
        return tuple(database for database in self.skeleton.databases
                     if database.category == "national_database" and database.personal_data and database.apis
                     and database.master)

    @cached_property
    def local_copy_names(self) -> tuple[tuple[NationalDatabase, str], ...]:
        """A local dataset name per national database that normalises to the national subject ("Dữ liệu đất đai"
        ~ "Cơ sở dữ liệu quốc gia về đất đai"): the planted local duplicates of national data."""
        found = []
        for database in self.skeleton.databases:
            if database.category != "national_database" or not database.master:
                continue
            subject = database.name.split(" về ", 1)[1] if " về " in database.name else None
            if not subject:
                continue
            name = f"Dữ liệu {subject}"
            if fuzz.token_sort_ratio(job_key(name), job_key(database.name)) >= 95:
                found.append((database, name))
        return tuple(found)

    def standard(self, standard_id: str) -> str | None:
        """The id when the sample has this standard (so a CONFORMS_TO never names a missing node)."""
        return standard_id if standard_id in self.skeleton.standards else None

    def rng(self, *parts: object) -> random.Random:
        """A generator of its own for one part of the run: same seed and part, same numbers."""
        return random.Random("/".join([str(self.seed), *map(str, parts)]))


def departments() -> list[tuple[str, str, str]]:
    """(sector key, department name without place, id slug) of a province, in a stable order."""
    return [(sector.key, sector.department, sector.department_slug) for sector in SECTORS.values()
            if sector.department and sector.department_slug]
