"""The pillars of Plan 02-KH/BCĐTW, held as data so a deployment can extend them without code."""

from __future__ import annotations

from collections.abc import Iterable
from importlib import resources
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field

from graph_model.identifiers import PILLAR_ID_PATTERN


class Pillar(BaseModel):
    """One pillar of the taxonomy."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str = Field(pattern=PILLAR_ID_PATTERN)
    name: str = Field(min_length=1, description="Vietnamese name")
    name_en: str = Field(min_length=1, description="English name")


class PillarTaxonomy:
    """An ordered set of pillars; validation of a node's `pillar` field asks it."""

    def __init__(self, pillars: Iterable[Pillar]) -> None:
        self._pillars: dict[str, Pillar] = {}
        for pillar in pillars:
            if pillar.id in self._pillars:
                raise ValueError(f"pillar id {pillar.id!r} is listed twice")
            self._pillars[pillar.id] = pillar
        if not self._pillars:
            raise ValueError("the pillar taxonomy is empty")

    @classmethod
    def from_yaml(cls, text: str) -> PillarTaxonomy:
        """Build a taxonomy from the YAML list format of `pillars.yaml`."""
        raw = yaml.safe_load(text)
        if not isinstance(raw, list):
            raise ValueError("a pillar file must hold a YAML list of {id, name, name_en}")
        return cls(Pillar.model_validate(item) for item in raw)

    @classmethod
    def from_file(cls, path: Path) -> PillarTaxonomy:
        return cls.from_yaml(path.read_text(encoding="utf-8"))

    def __contains__(self, pillar_id: object) -> bool:
        return pillar_id in self._pillars

    def __iter__(self):  # type: ignore[no-untyped-def]
        return iter(self._pillars.values())

    def __len__(self) -> int:
        return len(self._pillars)

    def ids(self) -> list[str]:
        return list(self._pillars)

    def get(self, pillar_id: str) -> Pillar:
        return self._pillars[pillar_id]


DEFAULT_PILLARS = PillarTaxonomy.from_yaml(
    resources.files("graph_model").joinpath("pillars.yaml").read_text(encoding="utf-8")
)
