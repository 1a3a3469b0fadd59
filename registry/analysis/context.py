"""What the built-in analyses read once per run and share: systems, agencies, the place-name normaliser."""

from __future__ import annotations

from datetime import date
from functools import cached_property

from registry.analysis import queries
from registry.analysis.normalise import Normaliser
from registry.graph import RegistryGraph

TOP_LEVELS = frozenset({"province", "ministry", "central"})


class AnalysisContext:
    """One analysis run over one graph; reads are cached so rules sharing them pay once."""

    def __init__(self, graph: RegistryGraph, today: date | None = None) -> None:
        self.graph = graph
        self.today = today or date.today()

    @cached_property
    def agencies(self) -> dict[str, queries.AgencyInfo]:
        return queries.agencies(self.graph)

    @cached_property
    def systems(self) -> list[queries.Candidate]:
        return queries.systems(self.graph, self.agencies)

    @cached_property
    def normaliser(self) -> Normaliser:
        """Place names come from the registry's own provinces and communes (plus the provinces merged in 2025)."""
        return Normaliser.from_place_names(
            agency.name for agency in self.agencies.values() if agency.level in ("province", "commune"))

    @cached_property
    def owner_normaliser(self) -> Normaliser:
        """The place gazetteer plus ministries and central bodies, whose names inside a system's name say who owns
        it, not what it does (duplicate systems and national copies share it)."""
        agencies = self.agencies.values()
        return Normaliser.from_place_names(
            (agency.name for agency in agencies if agency.level in ("province", "commune")),
            (agency.name for agency in agencies if agency.level in ("ministry", "central")))

    def jurisdiction(self, agency_id: str | None) -> str | None:
        """The province, ministry or central body an agency belongs to (itself, or up its PART_OF chain)."""
        seen: set[str] = set()
        current = self.agencies.get(agency_id or "")
        while current is not None and current.level not in TOP_LEVELS and current.parent and current.id not in seen:
            seen.add(current.id)
            current = self.agencies.get(current.parent)
        return current.id if current else agency_id
