"""Configuration from environment variables (the same names as the CLI options)."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

from importers.limits import ImportLimits


class Neo4jSettings(BaseSettings):
    """NEO4J_URI, NEO4J_USER, NEO4J_PASSWORD, NEO4J_DATABASE."""

    model_config = SettingsConfigDict(env_prefix="NEO4J_", extra="ignore")

    uri: str = "neo4j://127.0.0.1:7687"
    user: str = "neo4j"
    password: SecretStr = SecretStr("")
    database: str = "neo4j"


class RegistrySettings(BaseSettings):
    """REGISTRY_STORE, REGISTRY_DATA_DIR, REGISTRY_GRAPH, REGISTRY_BATCH_SIZE, REGISTRY_PILLARS_FILE, REGISTRY_SITE_DIR."""

    model_config = SettingsConfigDict(env_prefix="REGISTRY_", extra="ignore")

    store: Literal["embedded", "neo4j"] = "embedded"
    data_dir: Path = Path(".registry")
    graph: str = Field(default="registry", pattern=r"^[A-Za-z0-9_-]{1,64}$",
                       description="Graph name inside the embedded FalkorDB server")
    batch_size: int = Field(default=1000, ge=1, le=100_000)
    pillars_file: Path | None = None
    reads_require_token: bool = False
    site_dir: Path = Field(default=Path("site"), description="The published sites (`registry docs build`), served "
                                                             "under /site by `registry serve`")
    neo4j: Neo4jSettings = Field(default_factory=Neo4jSettings)
    # The import limits (REGISTRY_IMPORT_MAX_FILE_BYTES, …): how large a file may be before it is refused.
    import_limits: ImportLimits = Field(default_factory=ImportLimits)
