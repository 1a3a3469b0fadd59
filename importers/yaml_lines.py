"""YAML and JSON documents whose mappings remember their lines, so importers can name the line of a problem.

Mappings are loaded as `LineDict`: a plain dict (no marker keys to strip, nothing extra to skip when iterating)
that also knows the line where it starts, the line of each key and, for scalars YAML turns into numbers or dates,
the text as written (`version: 1.10` is the float 1.1, but an API's version is "1.10"). Loading is safe: a
`yaml.SafeLoader` subclass, and the standard JSON decoder.
"""

from __future__ import annotations

import bisect
import json
from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any

import yaml

from graph_model import PillarTaxonomy
from importers.base import ImportItem, Location, Reject, validate_raw


class LineDict(dict[Any, Any]):
    """A mapping read from a file: `line` where it starts, `key_lines` per key, `texts` of non-string scalars."""

    __slots__ = ("key_lines", "line", "texts")

    def __init__(self, line: int | None = None) -> None:
        super().__init__()
        self.line = line
        self.key_lines: dict[Any, int] = {}
        self.texts: dict[Any, str] = {}


def line_of(mapping: Any, key: Any = None, default: int | None = None) -> int | None:
    """The line of `key` in `mapping`; without a key, or when the key's line is unknown (JSON), the line where its
    value starts if that is a mapping, else where `mapping` starts; `default` when nothing is known."""
    if not isinstance(mapping, LineDict):
        return default
    if key is not None and key in mapping.key_lines:
        return mapping.key_lines[key]
    value = mapping.get(key) if key is not None else None
    if isinstance(value, LineDict) and value.line is not None:
        return value.line
    return mapping.line if mapping.line is not None else default


def scalar_text(mapping: Mapping[Any, Any], key: Any) -> str | None:
    """A scalar value as a non-empty string, as written in the file; None when absent, empty or not a scalar."""
    value = mapping.get(key)
    if isinstance(value, str):
        return value.strip() or None
    if value is None or isinstance(value, list | dict):
        return None
    text = mapping.texts.get(key) if isinstance(mapping, LineDict) else None
    return (text if text is not None else str(value)).strip() or None


class LineLoader(yaml.SafeLoader):
    """A safe YAML loader whose mappings are `LineDict`s."""

    def construct_line_mapping(self, node: yaml.MappingNode) -> Any:
        data = LineDict(node.start_mark.line + 1)
        yield data
        data.update(self.construct_mapping(node))
        for key_node, value_node in node.value:  # flattened by construct_mapping: merge keys included
            key = self.construct_object(key_node)
            data.key_lines[key] = key_node.start_mark.line + 1
            if isinstance(value_node, yaml.ScalarNode) and not isinstance(data.get(key), str):
                data.texts[key] = value_node.value


LineLoader.add_constructor("tag:yaml.org,2002:map", LineLoader.construct_line_mapping)


class _LineDecoder(json.JSONDecoder):
    """A JSON decoder whose objects are `LineDict`s knowing their first line (JSON keys get the object's line)."""

    def __init__(self, text: str) -> None:
        super().__init__(object_pairs_hook=_pairs_to_line_dict)
        newlines = [index for index, char in enumerate(text) if char == "\n"]
        plain_parse_object = self.parse_object

        def parse_object(s_and_end, *args, **kwargs):  # type: ignore[no-untyped-def]
            obj, end = plain_parse_object(s_and_end, *args, **kwargs)
            obj.line = bisect.bisect_left(newlines, s_and_end[1]) + 1
            return obj, end

        self.parse_object = parse_object
        self.scan_once = json.scanner.py_make_scanner(self)  # the C scanner would bypass parse_object


def _pairs_to_line_dict(pairs: list[tuple[str, Any]]) -> LineDict:
    data = LineDict()
    data.update(pairs)
    return data


def load_documents(path: Path, *, as_json: bool = False) -> list[Any] | Reject:
    """Every document of a YAML file (the one document of a JSON file), or the one Reject saying why not.

    The whole file is parsed before anything is used, so a broken file yields no records at all."""
    file = str(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as error:
        return Reject(Location(file), "file", f"not UTF-8 text (byte {error.start}): {error.reason}")
    except OSError as error:
        return Reject(Location(file), "file", f"cannot read: {error.strerror}")
    try:
        if as_json:
            return [_LineDecoder(text).decode(text)]
        return list(yaml.load_all(text, Loader=LineLoader))  # noqa: S506 - a SafeLoader subclass
    except json.JSONDecodeError as error:
        return Reject(Location(file, error.lineno), "file", f"invalid JSON: {error.msg} (column {error.colno})")
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        problem = getattr(error, "problem", None) or str(error)
        return Reject(Location(file, mark.line + 1 if mark is not None else None), "file", f"invalid YAML: {problem}")
    except RecursionError:
        return Reject(Location(file), "file", "nested too deeply to read")


def validate_located(raw: Mapping[str, Any], location: Location, pillars: PillarTaxonomy,
                     sources: Mapping[str, tuple[str, int | None]]) -> list[ImportItem]:
    """`validate_raw`, with each reject renamed to the source field it came from and moved to that field's line.

    `sources` maps a registry field (`name`, `from`, …) to (source field, line), e.g. ("info.title", 3): a user
    fixes their file, whose fields are not the registry's."""
    items: list[ImportItem] = []
    for item in validate_raw(raw, location, pillars):
        if isinstance(item, Reject):
            top = item.field.split(".", 1)[0]
            if top in sources:
                source_field, line = sources[top]
                rest = item.field[len(top):]
                item = replace(item, field=source_field + rest,
                               location=replace(item.location, line=line if line is not None else item.location.line))
        items.append(item)
    return items
