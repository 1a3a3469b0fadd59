"""The registry's own format: nodes and relationships as YAML, JSON or JSON Lines.

A YAML or JSON file holds either a list of records or a mapping with `nodes` and/or `relationships`
lists; a JSON Lines file holds one record per line. Every record has a `type`; see `registry schema`.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

from graph_model import PillarTaxonomy
from importers.base import ImportContext, ImportItem, Location, Reject, validate_raw
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


class NativeImporter:
    name = "native"
    version = "1.0"
    extensions = (".yaml", ".yml", ".json", ".jsonl", ".ndjson")
    description = "The registry's own nodes and relationships (YAML, JSON, JSON Lines)"

    def can_read(self, path: Path, head: str) -> bool:
        return path.suffix.lower() in self.extensions

    def read(self, path: Path, context: ImportContext) -> Iterator[ImportItem]:
        pillars = context.pillars
        file = str(path)
        if path.suffix.lower() in (".jsonl", ".ndjson"):
            yield from self._read_lines(path, pillars)
            return
        documents = load_documents(path, as_json=path.suffix.lower() == ".json")
        if isinstance(documents, Reject):
            yield documents
            return
        for document in documents:
            for item in _records_of(document, Location(file)):
                if isinstance(item, Reject):
                    yield item
                    continue
                raw, line = item
                yield from validate_raw(raw, Location(file, line), pillars)

    def _read_lines(self, path: Path, pillars: PillarTaxonomy) -> Iterator[ImportItem]:
        """JSON Lines, streamed: memory stays flat whatever the file size."""
        file = str(path)
        try:
            handle = path.open("rb")
        except OSError as error:
            yield Reject(Location(file), "file", f"cannot read: {error.strerror}")
            return
        with handle:
            for number, data in enumerate(handle, start=1):
                location = Location(file, number)
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
                yield from validate_raw(raw, location, pillars)
