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
from importers.base import ImportItem, Location, Reject, size_reject, validate_raw
from importers.limits import ImportLimits


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


class AliasBomb(yaml.YAMLError):
    """A document whose aliases would make it larger than the node limit once expanded ('billion laughs')."""

    def __init__(self, message: str, mark: Any) -> None:
        super().__init__(message)
        self.problem = message
        self.problem_mark = mark


def expanded_size(root: yaml.Node, limit: int) -> int:
    """How many nodes the document holds with every alias counted as a full copy, stopping once past `limit`.

    PyYAML shares an aliased node rather than copying it, so loading is cheap; but whatever walks the loaded data
    (validation, mapping, error messages) meets each alias as a whole copy: nine aliases of nine aliases make a
    billion. Sizes are memoised per node, so this costs one visit per distinct node."""
    sizes: dict[int, int] = {}
    path: set[int] = set()  # the nodes being expanded: meeting one again is a recursive alias
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, children_done = stack.pop()
        if isinstance(node, yaml.SequenceNode):
            children = list(node.value)
        elif isinstance(node, yaml.MappingNode):
            children = [part for pair in node.value for part in pair]
        else:
            sizes[id(node)] = 1
            continue
        if children_done:
            path.discard(id(node))
            total = 1 + sum(sizes[id(child)] for child in children)
            sizes[id(node)] = min(total, limit + 1)
            if total > limit:
                raise AliasBomb(f"refused: with its aliases expanded the document holds more than {limit:,} nodes "
                                "(REGISTRY_IMPORT_MAX_YAML_NODES), an alias bomb", node.start_mark)
            continue
        if id(node) in sizes:
            continue
        if id(node) in path:
            raise AliasBomb("refused: an alias refers to a node that contains it (a recursive alias)",
                            node.start_mark)
        path.add(id(node))
        stack.append((node, True))
        stack.extend((child, False) for child in reversed(children) if id(child) not in sizes)
    return sizes[id(root)]


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


def load_documents(path: Path, *, as_json: bool = False, limits: ImportLimits | None = None) -> list[Any] | Reject:
    """Every document of a YAML file (the one document of a JSON file), or the one Reject saying why not.

    The whole file is parsed before anything is used, so a broken file yields no records at all; a file above
    the document size limit is refused unread, and a YAML document whose aliases expand past the node limit is
    refused before it is built. `limits` default to the REGISTRY_IMPORT_* settings."""
    file = str(path)
    limits = limits or ImportLimits()
    too_big = size_reject(path, limits.max_document_bytes, "max_document_bytes")
    if too_big:
        return too_big
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as error:
        return Reject(Location(file), "file", f"not UTF-8 text (byte {error.start}): {error.reason}")
    except OSError as error:
        return Reject(Location(file), "file", f"cannot read: {error.strerror}")
    try:
        if as_json:
            return [_LineDecoder(text).decode(text)]
        return _load_yaml(text, limits.max_yaml_nodes)
    except json.JSONDecodeError as error:
        return Reject(Location(file, error.lineno), "file", f"invalid JSON: {error.msg} (column {error.colno})")
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        problem = getattr(error, "problem", None) or str(error)
        prefix = "" if isinstance(error, AliasBomb) else "invalid YAML: "
        return Reject(Location(file, mark.line + 1 if mark is not None else None), "file", f"{prefix}{problem}")
    except RecursionError:
        return Reject(Location(file), "file", "nested too deeply to read")


def _load_yaml(text: str, max_nodes: int) -> list[Any]:
    """`yaml.load_all` with the safe LineLoader, each document's node graph measured before it is constructed."""
    loader = LineLoader(text)
    documents = []
    try:
        while loader.check_node():
            node = loader.get_node()
            expanded_size(node, max_nodes)
            documents.append(loader.construct_document(node))
    finally:
        loader.dispose()
    return documents


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
