"""What a governance finding says: which rule, which entities, how serious, why — in Vietnamese and English."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class Principle(StrEnum):
    """The three gaps of Plan 02-KH/BCĐTW every finding serves."""

    one_system = "One system"
    one_data = "One data"
    one_service = "One service"


PRINCIPLE_VI: dict[Principle, str] = {
    Principle.one_system: "Một hệ thống",
    Principle.one_data: "Một dữ liệu",
    Principle.one_service: "Một dịch vụ",
}


class Severity(StrEnum):
    high = "high"
    medium = "medium"
    low = "low"


SEVERITY_ORDER = {Severity.high: 0, Severity.medium: 1, Severity.low: 2}


class EntityRef(BaseModel):
    """An entity a finding is about, named so a reader needs no second look-up."""

    model_config = ConfigDict(frozen=True)

    id: str
    type: str
    name: str
    role: str = Field(default="subject", description="subject, owner, duplicate, dataset, national, …")


class Finding(BaseModel):
    """One gap against "One system · One data · One service", found by one rule."""

    model_config = ConfigDict(use_enum_values=True)

    rule: str
    title: str
    title_en: str
    principle: Principle
    pillar: str
    legal_basis: list[str]
    severity: Severity
    entities: list[EntityRef]
    reason: str = Field(description="Why, in Vietnamese")
    reason_en: str = Field(description="Why, in English")
    score: float | None = Field(default=None, ge=0.0, le=1.0, description="Confidence 0..1 where meaningful")
    evidence: list[str] = Field(default_factory=list, description="What the score rests on")

    @property
    def subject(self) -> EntityRef:
        """The entity the finding is filed against (the first one)."""
        return self.entities[0]

    def sort_key(self) -> tuple[int, str, str]:
        return (SEVERITY_ORDER[Severity(self.severity)], self.rule, self.subject.id)

    def as_dict(self) -> dict[str, Any]:
        return self.model_dump(mode="json")
