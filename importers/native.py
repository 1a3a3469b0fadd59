"""The registry's own format: nodes and relationships as YAML, JSON or JSON Lines.

A YAML or JSON file holds either a list of records or a mapping with `nodes` and/or `relationships`
lists; a JSON Lines file holds one record per line. Every record has a `type`; see `registry schema`.
An export (a backup) also holds the registry's history (`type: Change`), import runs (`type: ImportRun`) and API
tokens (`type: ApiToken`, hashes only), restored as they were.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from graph_model import PillarTaxonomy
from graph_model.ledger import LEDGER_TYPES
from graph_model.nodes import NODE_TYPES, REVISION_FIELD, Node
from importers.base import ImportContext, ImportItem, Location, Parsed, Reject, validate_raw
from importers.yaml_lines import line_of, load_documents


def _records_of(document: Any, location: Location) -> Iterator[tuple[Any, int | None] | Reject]:
    """The records of one parsed YAML/JSON document, with the line where each starts."""
    if document is None:
        return
    if isinstance(document, dict):
        unknown = sorted(str(key) for key in document if key not in ("nodes", "relationships"))
        if unknown:
            yield Reject(replace(location, line=line_of(document, unknown[0])), unknown[0],
                         "unknown top-level key; expected 'nodes' and/or 'relationships'")
        items: list[Any] = []
        for key in ("nodes", "relationships"):
            section = document.get(key) or []
            if not isinstance(section, list):
                yield Reject(replace(location, line=line_of(document, key)), key, f"'{key}' must be a list of records")
                continue
            items.extend(section)
    elif isinstance(document, list):
        items = document
    else:
        yield Reject(location, "file", "expected a list of records or a mapping with 'nodes'/'relationships'")
        return
    for item in items:
        yield item, line_of(item)


def _validate(raw: Any, location: Location, pillars: PillarTaxonomy) -> Iterator[ImportItem]:
    """A node or relationship (through the metamodel), or a history record of a backup. An exported node carries
    the registry's `revision`, which is no field of the metamodel: it is checked here and attached to the record."""
    if isinstance(raw, Mapping) and raw.get("type") in NODE_TYPES and REVISION_FIELD in raw:
        raw = dict(raw)
        revision = raw.pop(REVISION_FIELD)
        if isinstance(revision, bool) or not isinstance(revision, int) or revision < 1:
            yield Reject(location, REVISION_FIELD, f"expected a whole number from 1, got {revision!r}",
                         str(raw.get("type")), str(raw.get("id")))
            return
        for item in validate_raw(raw, location, pillars):
            if isinstance(item, Parsed) and isinstance(item.record, Node):
                item.record.with_revision(revision)
            yield item
        return
    kind = raw.get("type") if isinstance(raw, Mapping) else None
    ledger_type = LEDGER_TYPES.get(kind) if isinstance(kind, str) else None
    if ledger_type is None:
        yield from validate_raw(raw, location, pillars)
        return
    try:
        yield Parsed(location, ledger_type.model_validate(raw))  # type: ignore[arg-type]
    except ValidationError as error:
        for problem in error.errors(include_url=False):
            field = ".".join(str(part) for part in problem["loc"]) or "record"
            message = "unknown field" if problem["type"] == "extra_forbidden" else problem["msg"]
            yield Reject(location, field, message, str(raw["type"]), str(raw.get("id")))


class NativeImporter:
    name = "native"
    version = "1.1"
    extensions = (".yaml", ".yml", ".json", ".jsonl", ".ndjson")
    description = "The registry's own nodes and relationships (YAML, JSON, JSON Lines)"

    def can_read(self, path: Path, head: str) -> bool:
        return path.suffix.lower() in self.extensions

    def read(self, path: Path, context: ImportContext) -> Iterator[ImportItem]:
        pillars = context.pillars
        file = str(path)
        if path.suffix.lower() in (".jsonl", ".ndjson"):
            yield from self._read_lines(path, pillars, context.limits.max_document_bytes)
            return
        documents = load_documents(path, as_json=path.suffix.lower() == ".json", limits=context.limits)
        if isinstance(documents, Reject):
            yield documents
            return
        for document in documents:
            for item in _records_of(document, Location(file)):
                if isinstance(item, Reject):
                    yield item
                    continue
                raw, line = item
                yield from _validate(raw, Location(file, line), pillars)

    def _read_lines(self, path: Path, pillars: PillarTaxonomy, max_line_bytes: int) -> Iterator[ImportItem]:
        """JSON Lines, streamed: memory stays flat whatever the file size (a backup of a nation is large), and a
        line longer than `max_line_bytes` (REGISTRY_IMPORT_MAX_DOCUMENT_BYTES) is refused without being held."""
        file = str(path)
        try:
            handle = path.open("rb")
        except OSError as error:
            yield Reject(Location(file), "file", f"cannot read: {error.strerror}")
            return
        with handle:
            for number, data in enumerate(iter(lambda: handle.readline(max_line_bytes + 1), b""), start=1):
                location = Location(file, number)
                if len(data) > max_line_bytes and not data.endswith(b"\n"):
                    while (rest := handle.readline(max_line_bytes + 1)) and not rest.endswith(b"\n"):
                        pass  # skip to the end of the line, a chunk at a time
                    yield Reject(location, "line", f"line longer than {max_line_bytes:,} bytes "
                                                   "(REGISTRY_IMPORT_MAX_DOCUMENT_BYTES); not read")
                    continue
                try:
                    line = data.decode("utf-8-sig" if number == 1 else "utf-8")
                except UnicodeDecodeError as error:
                    yield Reject(location, "line", f"not UTF-8 (byte {error.start}): {error.reason}")
                    continue
                if not line.strip():
                    continue
                try:
                    raw = json.loads(line)
                except json.JSONDecodeError as error:
                    yield Reject(location, "line", f"invalid JSON: {error.msg} (column {error.colno})")
                    continue
                yield from _validate(raw, location, pillars)
