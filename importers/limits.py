"""How big an input file may be before an importer refuses it: the guard against bombs and runaway files.

Every limit is checked before the expensive step it protects (a file's size before it is read, an archive's
directory and decompressed size before a workbook is opened, a sheet's used range before it is loaded), so
refusing a hostile file costs little memory and time. The limits are settings: `REGISTRY_IMPORT_<NAME>`
environment variables (e.g. `REGISTRY_IMPORT_MAX_FILE_BYTES=1073741824`), or an `ImportLimits` in the
`ImportContext`. The defaults are far above any real inventory (a nation-scale workbook is a few hundred
thousand rows) and far below what would exhaust a server; docs/security.md lists them.
"""

from __future__ import annotations

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

MIB = 1 << 20


class ImportLimits(BaseSettings):
    """REGISTRY_IMPORT_MAX_FILE_BYTES, …_MAX_DOCUMENT_BYTES, …_MAX_UNCOMPRESSED_BYTES, …_MAX_COMPRESSION_RATIO,
    …_MAX_ARCHIVE_ENTRIES, …_MAX_ROWS, …_MAX_CSV_ROWS, …_MAX_CELLS, …_MAX_CELL_CHARS, …_MAX_YAML_NODES."""

    model_config = SettingsConfigDict(env_prefix="REGISTRY_IMPORT_", extra="ignore", frozen=True)

    max_file_bytes: int = Field(default=512 * MIB, ge=1, description=(
        "Largest file of a streamed format (CSV, TSV, JSON Lines) or a workbook (XLSX, XLSM, XLS, ODS) as stored"))
    max_document_bytes: int = Field(default=64 * MIB, ge=1, description=(
        "Largest file of a format parsed whole in memory: YAML, JSON, XML (ArchiMate), RDF (DCAT), OpenAPI, "
        "Backstage"))
    max_uncompressed_bytes: int = Field(default=1024 * MIB, ge=1, description=(
        "Largest total size of a workbook's parts once decompressed, as declared and as actually inflated"))
    max_compression_ratio: int = Field(default=200, ge=1, description=(
        "Largest ratio of a workbook part's decompressed to compressed size (real sheets compress 5-20x; "
        "a zip bomb 1000x and more); parts under 1 MiB decompressed are not held to it"))
    max_archive_entries: int = Field(default=10_000, ge=1, description="Most parts in a workbook's archive")
    max_rows: int = Field(default=1_048_576, ge=1, description=(
        "Most rows in one sheet of a workbook (Excel's own limit by default)"))
    max_csv_rows: int = Field(default=50_000_000, ge=1, description=(
        "Most rows in one CSV file: streamed, so memory stays flat; a nation's relationships file alone holds about "
        "1.9 million rows, above a workbook's limit"))
    max_cells: int = Field(default=20_000_000, ge=1, description=(
        "Most cells in a sheet's used range (last row x last column): the reader allocates the whole range"))
    max_cell_chars: int = Field(default=32_767, ge=1, description=(
        "Longest text in one cell (Excel's own limit by default)"))
    max_yaml_nodes: int = Field(default=2_000_000, ge=1, description=(
        "Most YAML nodes in a file once aliases are counted as copies (refuses 'billion laughs' in YAML)"))



def size_text(count: int) -> str:
    """A byte count for people: 512 MiB, 1.5 KiB."""
    value = float(count)
    for unit in ("bytes", "KiB", "MiB", "GiB"):
        if value < 1024 or unit == "GiB":
            return f"{int(value)} {unit}" if value.is_integer() else f"{value:.1f} {unit}"
        value /= 1024
    return f"{count} bytes"


def file_too_big(size: int, limit: int, setting: str) -> str | None:
    """The reason a file of `size` bytes is refused, or None when it is within `limit`."""
    if size <= limit:
        return None
    return (f"file too large: {size_text(size)}, above the limit of {size_text(limit)} "
            f"(REGISTRY_IMPORT_{setting.upper()}); nothing in it was read")
