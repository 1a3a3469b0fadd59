"""The embedded default store: FalkorDB on a unix socket in the data directory."""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import redis
from falkordb import FalkorDB

from graph_model.schema import GraphSchema
from registry.store.falkordb_server import NO_RETRY, FalkorDBServer
from registry.store.protocol import Row, StoreError


def _plain(value: Any) -> Any:
    """FalkorDB returns OrderedDicts; the registry works with plain dicts and lists."""
    if isinstance(value, Mapping):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_plain(item) for item in value]
    return value


class EmbeddedStore:
    """GraphStore on FalkorDB. Each query is one atomic command, so a batch is one transaction; write queries
    run one at a time, which is what keeps ids unique (see `apply_schema`)."""

    dialect = "falkordb"

    def __init__(self, data_dir: Path, graph: str = "registry", autostart: bool = True) -> None:
        self.server = FalkorDBServer(data_dir)
        if autostart:
            self.server.ensure_running()
        elif not self.server.status().running:
            raise StoreError(f"no FalkorDB server runs for {self.server.data_dir}; run `registry db start`")
        self.graph_name = graph
        # Retries happen in `_run`, which can also restart the server; the client's own would only add delay.
        self._db = FalkorDB(unix_socket_path=str(self.server.socket_path), retry=NO_RETRY)
        self._graph = self._db.select_graph(graph)
        self._create_graph()

    def _create_graph(self) -> None:
        """FalkorDB refuses reads of a graph that was never written; any write query creates it, empty."""
        self.write("RETURN 1")

    def _rows(self, result: Any) -> list[Row]:
        names = [column[1] if isinstance(column, list | tuple) else column for column in result.header]
        names = [name.decode() if isinstance(name, bytes) else name for name in names]
        return [dict(zip(names, (_plain(value) for value in row), strict=True)) for row in result.result_set]

    def read(self, query: str, params: Mapping[str, Any] | None = None) -> list[Row]:
        return self._run(self._graph.ro_query, query, params)

    def write(self, query: str, params: Mapping[str, Any] | None = None) -> list[Row]:
        return self._run(self._graph.query, query, params)

    def _run(self, method: Any, query: str, params: Mapping[str, Any] | None, attempts: int = 3) -> list[Row]:
        for attempt in range(1, attempts + 1):
            try:
                return self._rows(method(query, dict(params or {})))
            except (redis.exceptions.ConnectionError, redis.exceptions.BusyLoadingError) as error:
                # The server may have been restarted (e.g. `registry db stop` then `start` by another process).
                if attempt == attempts:
                    raise StoreError(f"FalkorDB at {self.server.socket_path} is unreachable: {error}") from error
                time.sleep(0.2 * attempt)
                self.server.ensure_running()
            except redis.exceptions.ResponseError as error:
                raise StoreError(f"FalkorDB refused the query: {error}") from error
        raise AssertionError("unreachable")

    def write_batches(self, query: str, batches: Iterable[list[Row]]) -> int:
        written = 0
        for batch in batches:
            if batch:
                self.write(query, {"rows": batch})
                written += len(batch)
        return written

    def apply_schema(self, schema: GraphSchema) -> None:
        """Range indexes only. Unique ids are guaranteed by the write path instead of GRAPH.CONSTRAINT:
        FalkorDB 4.16 writes a constraint's creation to the append-only file twice, and replaying that file
        then fails on the second copy and hangs, so a restart would never come up. Every registry write
        MERGEs on `Entity.id`, and FalkorDB runs write queries one at a time, so no second node can appear."""
        existing = {(row["label"], prop) for row in self.read("CALL db.indexes() YIELD label, properties")
                    for prop in row["properties"]}
        wanted = [(index.label, index.property) for index in schema.indexes]
        wanted += [(constraint.label, constraint.property) for constraint in schema.constraints]
        created = False
        for label, prop in wanted:
            if (label, prop) not in existing:
                # Labels and property names come from the metamodel, never from user input.
                self.write(f"CREATE INDEX FOR (n:{label}) ON (n.{prop})")
                existing.add((label, prop))
                created = True
        if created:
            # Put the indexes in the snapshot, so writes replayed after a crash find them (see compact()).
            self.server.compact()

    def delete_all(self) -> None:
        with contextlib.suppress(redis.exceptions.ResponseError):
            self._graph.delete()
        self._graph = self._db.select_graph(self.graph_name)
        self._create_graph()

    def describe(self) -> dict[str, Any]:
        status = self.server.status()
        return {
            "store": "embedded",
            "engine": "FalkorDB",
            "version": status.version,
            "data_dir": str(status.data_dir),
            "socket": str(status.socket),
            "graph": self.graph_name,
            "running": status.running,
            "pid": status.pid,
        }

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self._db.connection.close()
