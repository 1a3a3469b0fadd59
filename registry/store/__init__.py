"""Graph stores behind one protocol: embedded FalkorDB (default) and Neo4j."""

from __future__ import annotations

from registry.settings import RegistrySettings
from registry.store.protocol import GraphStore, Row, StoreError, StoreUnavailable


def open_store(settings: RegistrySettings, autostart: bool = True) -> GraphStore:
    """Open the store the settings name; the embedded one starts its server when needed."""
    if settings.store == "neo4j":
        from registry.store.neo4j_store import Neo4jStore

        neo = settings.neo4j
        return Neo4jStore(neo.uri, neo.user, neo.password.get_secret_value(), neo.database)
    from registry.store.embedded import EmbeddedStore

    return EmbeddedStore(settings.data_dir, settings.graph, autostart=autostart)


__all__ = ["GraphStore", "Row", "StoreError", "StoreUnavailable", "open_store"]
