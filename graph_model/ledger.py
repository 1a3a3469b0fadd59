"""The registry's own bookkeeping that a backup carries besides the entities, relationships and history: the import
runs (which the history's `import_run` names) and the API tokens (only their hashes). Like history records they live
outside the Entity graph, are written only by the registry, and are restored verbatim by the operator."""

from __future__ import annotations

import json
import re
from typing import Annotated, Any, Literal, Self

from pydantic import (
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    model_validator,
)

from graph_model.nodes import HISTORY_LABEL, EntityId, HistoryRecord, ShortText, Text

IMPORT_RUN_LABEL = "ImportRun"
API_TOKEN_LABEL = "ApiToken"

_COUNT_FIELD = re.compile(r"^[a-z][a-z_]*_(created|updated|unchanged)$")


class _StoredAsIs(BaseModel):
    """A bookkeeping record whose node properties are its fields, less `type` (which is its label)."""

    def stored(self) -> dict[str, Any]:
        """The node's properties (flat values and lists, as both stores keep them)."""
        return self.model_dump(mode="json", exclude={"type"}, exclude_none=True)

    def exported(self) -> dict[str, Any]:
        """The record as a backup line."""
        return self.model_dump(mode="json", exclude_none=True)

    @classmethod
    def from_stored(cls, props: dict[str, Any]) -> Self:
        return cls.model_validate(props)


class ImportRunRecord(_StoredAsIs):
    """One import run as `registry imports` lists it: who ran it, when, on which files (with their checksums), how
    it ended and what it counted. The counts are fields named `<kind>_<outcome>` (e.g. `nodes_created`)."""

    model_config = ConfigDict(extra="allow")

    type: Literal["ImportRun"] = "ImportRun"
    id: Annotated[str, StringConstraints(pattern=r"^run:[A-Za-z0-9._-]+$", max_length=200)]
    status: Literal["running", "completed", "failed"]
    user: ShortText
    started_at: AwareDatetime
    finished_at: AwareDatetime | None = None
    files: list[Text] = Field(default_factory=list)
    checksums: list[Annotated[str, StringConstraints(pattern=r"^sha256:[0-9a-f]{64}$")]] = Field(default_factory=list)
    formats: list[ShortText] = Field(default_factory=list)
    importer_versions: list[ShortText] = Field(default_factory=list)
    rejected: Annotated[int, Field(ge=0)] = 0
    rejects_json: str = "[]"

    @model_validator(mode="after")
    def _counts_and_rejects(self) -> ImportRunRecord:
        for name, value in (self.model_extra or {}).items():
            if not _COUNT_FIELD.match(name):
                raise ValueError(f"unknown field {name!r} (counts are named <kind>_created|updated|unchanged)")
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                raise ValueError(f"{name} must be a whole number from 0, got {value!r}")
        try:
            rejects = json.loads(self.rejects_json)
        except json.JSONDecodeError as error:
            raise ValueError(f"rejects_json is not JSON: {error.msg}") from None
        if not isinstance(rejects, list):
            raise ValueError("rejects_json must be a JSON list")
        return self

    def exported(self) -> dict[str, Any]:
        """The record as a backup line: type and id first, then the fields in name order (the counts come in
        whatever order a store returns properties in; this order is the same on both)."""
        body = self.stored()
        return {"type": self.type, "id": body.pop("id"), **dict(sorted(body.items()))}


class ApiTokenRecord(_StoredAsIs):
    """An API token as the registry keeps it: never the token, only its SHA-256 hash, with its scope."""

    model_config = ConfigDict(extra="forbid")

    type: Literal["ApiToken"] = "ApiToken"
    id: Annotated[str, StringConstraints(pattern=r"^token:[A-Za-z0-9._-]+$", max_length=200)]
    name: ShortText
    scope: Literal["admin", "agency", "read_only"]
    agency: EntityId | None = None
    created_at: AwareDatetime
    hash: Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{64}$")]

    @model_validator(mode="after")
    def _agency_matches_scope(self) -> ApiTokenRecord:
        if (self.scope == "agency") != (self.agency is not None):
            raise ValueError("an agency token needs an agency id; admin and read-only tokens take none")
        return self


LedgerRecord = HistoryRecord | ImportRunRecord | ApiTokenRecord

LEDGER_TYPES: dict[str, type[HistoryRecord | ImportRunRecord | ApiTokenRecord]] = {
    HISTORY_LABEL: HistoryRecord,
    IMPORT_RUN_LABEL: ImportRunRecord,
    API_TOKEN_LABEL: ApiTokenRecord,
}
"""Each bookkeeping record type a backup may hold, by its `type`, which is also its label in the store; each has
`stored()` (the node's properties), `from_stored()` and `exported()` (the backup line)."""
