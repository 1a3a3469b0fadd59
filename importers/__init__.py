"""Importers: one module per source format, each turning a file into validated records plus rejects.

`importer_for(path, format)` picks one by `--format` or by the file's extension; `expand_paths` turns
files and directories into a stable, sorted list of files.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from importers.base import Importer, ImportItem, Location, Parsed, Reject
from importers.native import NativeImporter

IMPORTERS: dict[str, Importer] = {importer.name: importer for importer in (NativeImporter(),)}


class UnknownFormatError(ValueError):
    pass


def importer_for(path: Path, format_name: str | None = None) -> Importer:
    if format_name:
        if format_name not in IMPORTERS:
            raise UnknownFormatError(f"unknown format {format_name!r}; known: {', '.join(IMPORTERS)}")
        return IMPORTERS[format_name]
    suffix = path.suffix.lower()
    for importer in IMPORTERS.values():
        if suffix in importer.extensions:
            return importer
    raise UnknownFormatError(f"{path}: no importer reads '{suffix}' files; use --format")


def supported_extensions() -> set[str]:
    return {ext for importer in IMPORTERS.values() for ext in importer.extensions}


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


__all__ = ["IMPORTERS", "ImportItem", "Importer", "Location", "Parsed", "Reject", "UnknownFormatError",
           "expand_paths", "importer_for"]
