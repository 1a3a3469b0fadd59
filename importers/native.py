"""The registry's own format: nodes and relationships as YAML, JSON or JSON Lines.

A YAML or JSON file holds either a list of records or a mapping with `nodes` and/or `relationships`
lists; a JSON Lines file holds one record per line. Every record has a `type`; see `registry schema`.
"""

from __future__ import annotations

import bisect
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml

from graph_model import PillarTaxonomy
from importers.base import ImportContext, ImportItem, Location, Reject, validate_raw

LINE_KEY = "__line__"


class _LineLoader(yaml.SafeLoader):
    """A safe YAML loader that remembers the line where each mapping starts."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        mapping = super().construct_mapping(node, deep=deep)
        mapping[LINE_KEY] = node.start_mark.line + 1
        return mapping


class _LineDecoder(json.JSONDecoder):
    """A JSON decoder that records the line where each object starts (the json module keeps no positions)."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self._newlines = [index for index, char in enumerate(text) if char == "\n"]
        plain_parse_object = self.parse_object

        def parse_object(s_and_end, *args, **kwargs):  # type: ignore[no-untyped-def]
            obj, end = plain_parse_object(s_and_end, *args, **kwargs)
            obj[LINE_KEY] = bisect.bisect_left(self._newlines, s_and_end[1]) + 1
            return obj, end

        self.parse_object = parse_object
        self.scan_once = json.scanner.py_make_scanner(self)


def _records_of(document: Any, location: Location) -> Iterator[tuple[Any, int | None] | Reject]:
    """The records of one parsed YAML/JSON document, with their lines."""
    if document is None:
        return
    if isinstance(document, dict):
        unknown = sorted(key for key in document if key not in ("nodes", "relationships", LINE_KEY))
        if unknown:
            yield Reject(location, unknown[0], "unknown top-level key; expected 'nodes' and/or 'relationships'")
        items: list[Any] = []
        for key in ("nodes", "relationships"):
            section = document.get(key) or []
            if not isinstance(section, list):
                yield Reject(location, key, f"'{key}' must be a list of records")
                continue
            items.extend(section)
    elif isinstance(document, list):
        items = document
    else:
        yield Reject(location, "file", "expected a list of records or a mapping with 'nodes'/'relationships'")
        return
    for item in items:
        line = item.pop(LINE_KEY, None) if isinstance(item, dict) else None
        yield item, line


def _strip_lines(value: Any) -> Any:
    """Nested mappings carry line markers too; a record's field values must not."""
    if isinstance(value, dict):
        value.pop(LINE_KEY, None)
        for item in value.values():
            _strip_lines(item)
    elif isinstance(value, list):
        for item in value:
            _strip_lines(item)
    return value


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
        try:
            text = path.read_text(encoding="utf-8-sig")
        except UnicodeDecodeError as error:
            yield Reject(Location(file), "file", f"not UTF-8 text (byte {error.start}): {error.reason}")
            return
        except OSError as error:
            yield Reject(Location(file), "file", f"cannot read: {error.strerror}")
            return
        try:
            if path.suffix.lower() == ".json":
                documents = [_LineDecoder(text).decode(text)]
            else:
                documents = list(yaml.load_all(text, Loader=_LineLoader))  # noqa: S506 - a SafeLoader subclass
        except json.JSONDecodeError as error:
            yield Reject(Location(file, error.lineno), "file", f"invalid JSON: {error.msg} (column {error.colno})")
            return
        except yaml.YAMLError as error:
            mark = getattr(error, "problem_mark", None)
            line = mark.line + 1 if mark is not None else None
            problem = getattr(error, "problem", None) or str(error)
            yield Reject(Location(file, line), "file", f"invalid YAML: {problem}")
            return
        for document in documents:
            for item in _records_of(document, Location(file)):
                if isinstance(item, Reject):
                    yield item
                    continue
                raw, line = item
                yield from validate_raw(_strip_lines(raw), Location(file, line), pillars)

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
