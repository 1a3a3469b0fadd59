"""Importers: one module per source format, each turning a file into validated records plus rejects.

Importers are plugins registered under the entry-point group `onegov_registry.importers` and loaded only when
needed. `importer_for(path, format)` picks one by `--format`, or by extension and a look at the file's head
when several formats share an extension (YAML may be native, OpenAPI or Backstage); `expand_paths` turns files
and directories into a stable, sorted list of files.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache
from importlib.metadata import entry_points
from pathlib import Path

from importers.base import HEAD_BYTES, ImportContext, Importer, ImportItem, Location, Parsed, Reject

ENTRY_POINT_GROUP = "onegov_registry.importers"
# Asked in this order when sniffing; the native format is the fallback for YAML and JSON.
PREFERENCE = ("openapi", "backstage", "dcat", "archimate", "xlsx", "csv", "native")


class UnknownFormatError(ValueError):
    pass


@cache
def _entry_points() -> dict[str, object]:
    found = {point.name: point for point in entry_points(group=ENTRY_POINT_GROUP)}
    return dict(sorted(found.items(), key=lambda item: (
        PREFERENCE.index(item[0]) if item[0] in PREFERENCE else len(PREFERENCE) - 1, item[0])))


def format_names() -> list[str]:
    return list(_entry_points())


@cache
def get_importer(name: str) -> Importer:
    points = _entry_points()
    if name not in points:
        raise UnknownFormatError(f"unknown format {name!r}; known: {', '.join(points)}")
    return points[name].load()()  # type: ignore[attr-defined,no-any-return]


def supported_extensions() -> set[str]:
    return {ext for name in format_names() for ext in _extensions(name)}


def _extensions(name: str) -> tuple[str, ...]:
    try:
        return get_importer(name).extensions
    except ImportError:
        return ()


def importer_for(path: Path, format_name: str | None = None) -> Importer:
    if format_name:
        return get_importer(format_name)
    suffix = path.suffix.lower()
    candidates = [name for name in format_names() if suffix in _extensions(name)]
    if not candidates:
        raise UnknownFormatError(f"{path}: no importer reads '{suffix}' files; use --format")
    if len(candidates) == 1:
        return get_importer(candidates[0])
    head = _head(path)
    for name in candidates:
        importer = get_importer(name)
        if importer.can_read(path, head):
            return importer
    raise UnknownFormatError(f"{path}: cannot tell which of {', '.join(candidates)} it is; use --format")


def _head(path: Path) -> str:
    try:
        with path.open("rb") as handle:
            return handle.read(HEAD_BYTES).decode("utf-8", errors="replace")
    except OSError:
        return ""


def expand_paths(paths: Iterable[Path]) -> list[Path]:
    """Files as given, and the supported files under each directory, in sorted (stable) order."""
    files: list[Path] = []
    extensions = supported_extensions()
    for path in paths:
        if path.is_dir():
            files.extend(sorted(
                (child for child in path.rglob("*") if child.is_file() and child.suffix.lower() in extensions),
                key=lambda child: child.relative_to(path).as_posix(),
            ))
        else:
            files.append(path)
    return files


__all__ = ["ImportContext", "ImportItem", "Importer", "Location", "Parsed", "Reject", "UnknownFormatError",
           "expand_paths", "format_names", "get_importer", "importer_for"]
