"""What every importer produces: validated records with their location, or rejects that say what is wrong."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from graph_model import DEFAULT_PILLARS, PillarTaxonomy, Record, RecordError, parse_record
from importers.limits import ImportLimits, file_too_big

# How much of a file `Importer.can_read` sees when several importers accept the same extension.
HEAD_BYTES = 65536


@dataclass(frozen=True, slots=True)
class Location:
    """Where a record came from: file, and line (text formats) or row (spreadsheets), and sheet if any."""

    file: str
    line: int | None = None
    sheet: str | None = None

    def __str__(self) -> str:
        place = f"{self.file}[{self.sheet}]" if self.sheet else self.file
        return f"{place}:{self.line}" if self.line is not None else place


@dataclass(frozen=True)
class Parsed:
    location: Location
    record: Record


@dataclass(frozen=True)
class Reject:
    """A record (or a whole file) that was not loaded, and why, naming the field at fault."""

    location: Location
    field: str
    reason: str
    record_type: str | None = None
    record_id: str | None = None

    def as_row(self) -> dict[str, Any]:
        return {
            "file": self.location.file,
            "sheet": self.location.sheet,
            "line": self.location.line,
            "type": self.record_type,
            "id": self.record_id,
            "field": self.field,
            "reason": self.reason,
        }


ImportItem = Parsed | Reject


@dataclass(frozen=True)
class ImportContext:
    """What an importer may know besides the file: the pillar taxonomy and the options given on the command line."""

    pillars: PillarTaxonomy = DEFAULT_PILLARS
    system: str | None = None  # id of the System that provides what the file describes (e.g. an OpenAPI spec)
    owner: str | None = None  # id of the Agency that owns records the file names no owner for
    # Sizes beyond which a file is refused (REGISTRY_IMPORT_* variables, read when the context is made).
    limits: ImportLimits = field(default_factory=ImportLimits)


class Importer(Protocol):
    """One source format: turns a file into located, validated records and rejects. No store access, no Cypher.

    `read` must stream (yield as it goes) where the format allows, and must never raise on bad input: a problem
    with the whole file is one Reject with field "file".
    """

    name: str
    version: str
    extensions: tuple[str, ...]
    description: str

    def can_read(self, path: Path, head: str) -> bool:
        """Whether this file is in this importer's format, judged by its name and its first HEAD_BYTES."""
        ...

    def read(self, path: Path, context: ImportContext) -> Iterator[ImportItem]: ...


def validate_raw(raw: Any, location: Location, pillars: PillarTaxonomy) -> Iterator[ImportItem]:
    """Validate one raw mapping; yield the record, or one reject per field at fault."""
    record_type = raw.get("type") if isinstance(raw, Mapping) else None
    record_id = raw.get("id") if isinstance(raw, Mapping) else None
    if record_id is None and isinstance(raw, Mapping) and "from" in raw:
        record_id = f"{raw.get('from')}->{raw.get('to')}"
    nul_fields = _fields_with_nul(raw)
    if nul_fields:  # FalkorDB's client cuts a query at a NUL character: refuse it here, named, like any bad value
        for name in nul_fields:
            yield Reject(location, name, "contains a NUL character (\\x00), which the registry cannot store; "
                         "remove it", str(record_type) if record_type is not None else None,
                         str(record_id) if record_id is not None else None)
        return
    try:
        yield Parsed(location, parse_record(raw, pillars))
    except RecordError as error:
        for problem in error.errors:
            yield Reject(location, problem.field, problem.message,
                         str(record_type) if record_type is not None else None,
                         str(record_id) if record_id is not None else None)


def _fields_with_nul(raw: Any) -> list[str]:
    """The fields of a raw record (top-level names, `tags[2]` for list items) whose text holds a NUL character."""
    if not isinstance(raw, Mapping):
        return []
    found = []
    for key, value in raw.items():
        if isinstance(value, str) and "\x00" in value:
            found.append(str(key))
        elif isinstance(value, list):
            found.extend(f"{key}[{index}]" for index, item in enumerate(value) if isinstance(item, str)
                         and "\x00" in item)
    return found


def size_reject(path: Path, limit: int, setting: str) -> Reject | None:
    """One reject for the whole file when it is larger than `limit` bytes, checked before a byte of it is read.

    An unreadable file passes: the importer's own read names that problem."""
    try:
        size = path.stat().st_size
    except OSError:
        return None
    reason = file_too_big(size, limit, setting)
    return Reject(Location(str(path)), "file", reason) if reason else None
