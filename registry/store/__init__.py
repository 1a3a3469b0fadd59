"""Graph stores behind one protocol: embedded FalkorDB (default) and Neo4j."""

from __future__ import annotations

from registry.settings import RegistrySettings
from registry.store.protocol import GraphStore, Row, StoreError, StoreUnavailable


def open_store(settings: RegistrySettings, autostart: bool = True, serving: bool = False) -> GraphStore:
    """Open the store the settings name; the embedded one starts its server when needed. A `serving` store (the
    API's) gives up on an unreachable Neo4j sooner, so a request gets its 503 in seconds, not half a minute."""
    if settings.store == "neo4j":
        from registry.store.neo4j_store import (
            ASYNC_RETRY_SECONDS,
            SYNC_RETRY_SECONDS,
            Neo4jStore,
        )

        neo = settings.neo4j
        return Neo4jStore(neo.uri, neo.user, neo.password.get_secret_value(), neo.database,
                          retry_seconds=ASYNC_RETRY_SECONDS if serving else SYNC_RETRY_SECONDS)
    from registry.store.embedded import EmbeddedStore

    return EmbeddedStore(settings.data_dir, settings.graph, autostart=autostart)


__all__ = ["GraphStore", "Row", "StoreError", "StoreUnavailable", "open_store"]
