"""The embedded default store: FalkorDB on a unix socket in the data directory."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import redis
import redis.asyncio.retry
from falkordb import FalkorDB
from falkordb.asyncio import FalkorDB as AsyncFalkorDB
from redis.backoff import NoBackoff

from graph_model.schema import GraphSchema
from registry.store.falkordb_server import NO_RETRY, FalkorDBServer
from registry.store.protocol import Row, StoreError, StoreUnavailable

_RECONNECT = (redis.exceptions.ConnectionError, redis.exceptions.BusyLoadingError)


def _plain(value: Any) -> Any:
    """FalkorDB returns OrderedDicts; the registry works with plain dicts and lists."""
    if isinstance(value, Mapping):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_plain(item) for item in value]
    return value


class EmbeddedStore:
    """GraphStore on FalkorDB. Each query is one atomic command, so a batch is one transaction; write queries
    run one at a time, which is what keeps ids unique (see `apply_schema`).

    `aread` uses FalkorDB's asyncio client on the same socket, created on first use inside the running event
    loop (its connections belong to that loop) and closed by `aclose`."""

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
        self._async_db: AsyncFalkorDB | None = None
        self._async_graph_: Any = None
        self._async_loop: asyncio.AbstractEventLoop | None = None
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
            except _RECONNECT as error:
                # The server may have been restarted (e.g. `registry db stop` then `start` by another process)
                # or have died: start it again (it replays its append-only file) and send the query again.
                self._raise_if_last(error, attempt, attempts)
                time.sleep(0.2 * attempt)
                self._restart()
            except redis.exceptions.ResponseError as error:
                raise self._refused(error) from error
        raise AssertionError("unreachable")

    def _raise_if_last(self, error: Exception, attempt: int, attempts: int) -> None:
        if attempt == attempts:
            raise self._unavailable(f"FalkorDB at {self.server.socket_path} is unreachable: {error}") from error

    def _restart(self) -> None:
        try:
            self.server.ensure_running()
        except StoreError as error:
            raise self._unavailable(str(error)) from error

    def _unavailable(self, message: str) -> StoreUnavailable:
        """A server that cannot write its files exits (it never acknowledges what it could not persist): say so
        plainly, in one line, rather than report a connection error."""
        return StoreUnavailable(self.server.write_failure_message() or message)

    @staticmethod
    def _refused(error: Exception) -> StoreError:
        return StoreError(f"FalkorDB refused the query: {error}")

    def _async_graph(self) -> Any:
        """The asyncio client's graph for the running event loop, connected on first use there."""
        loop = asyncio.get_running_loop()
        if self._async_db is None or self._async_loop is not loop:
            # Connections left from another (finished) loop cannot be closed from this one; they are dropped.
            self._async_db = AsyncFalkorDB(unix_socket_path=str(self.server.socket_path))
            # No client-side retries, as for the sync client (`aread` retries). Set afterwards: the constructor
            # probes for a cluster with a synchronous client built from the same arguments, which an asyncio
            # Retry would break.
            self._async_db.connection.set_retry(redis.asyncio.retry.Retry(NoBackoff(), 0))
            self._async_loop = loop
            self._async_graph_ = None
        if self._async_graph_ is None:
            self._async_graph_ = self._async_db.select_graph(self.graph_name)
        return self._async_graph_

    async def aread(self, query: str, params: Mapping[str, Any] | None = None, attempts: int = 3) -> list[Row]:
        """Like `read`, on the asyncio client: same retries after a server restart, same rows, same errors."""
        for attempt in range(1, attempts + 1):
            try:
                return self._rows(await self._async_graph().ro_query(query, dict(params or {})))
            except _RECONNECT as error:
                self._raise_if_last(error, attempt, attempts)
                await asyncio.sleep(0.2 * attempt)
                await asyncio.to_thread(self._restart)
            except redis.exceptions.ResponseError as error:
                raise self._refused(error) from error
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
        full_text = {(row["label"], prop) for row in self.read("CALL db.indexes() YIELD label, types")
                     for prop, kinds in row["types"].items() if "FULLTEXT" in kinds}
        for index in schema.text_indexes:
            if (index.label, index.property) not in full_text:
                # No stemming (the text is folded Vietnamese, not English) and no stop words ('a', 'to' are words
                # of names here).
                self.write("CALL db.idx.fulltext.createNodeIndex({label: $label, stopwords: []}, "
                           "{field: $field, nostem: true})", {"label": index.label, "field": index.property})
                created = True
        if created:
            self._wait_for_indexes()
            # Put the indexes in the snapshot, so writes replayed after a crash find them (see compact()).
            self.server.compact()

    def _wait_for_indexes(self, timeout: float = 600.0) -> None:
        """Wait until FalkorDB has populated every index it builds in the background. Queries sent meanwhile run
        without the index, and forking the server for the snapshot while its indexer thread holds the graph's
        locks is the one moment a fork can leave the server stuck; after this, neither can happen."""
        deadline = time.monotonic() + timeout
        while True:
            pending = [row["label"] for row in self.read("CALL db.indexes() YIELD label, status")
                       if row["status"] != "OPERATIONAL"]
            if not pending:
                return
            if time.monotonic() > deadline:
                raise StoreError(f"FalkorDB did not finish building the indexes of {', '.join(sorted(pending))} "
                                 f"within {timeout:.0f} s; see {self.server.log_path}")
            time.sleep(0.02)

    def text_search(self, label: str, prop: str, words: list[str]) -> tuple[str, dict[str, Any]]:
        """RediSearch query syntax: space-separated terms must all match; `word*` matches as a prefix. The index
        is per label on the one searched property, so `prop` only names which one it is."""
        query = " ".join(f"{word}*" for word in words)
        return "CALL db.idx.fulltext.queryNodes($text_search_label, $text_search) YIELD node AS n", {
            "text_search_label": label, "text_search": query}

    def delete_all(self) -> None:
        with contextlib.suppress(redis.exceptions.ResponseError):
            self._graph.delete()
        self._graph = self._db.select_graph(self.graph_name)
        self._async_graph_ = None  # its cached schema describes the deleted graph
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

    async def aclose(self) -> None:
        """Close the asyncio client; call it in the event loop that used `aread` (an app's lifespan does)."""
        db, loop = self._async_db, self._async_loop
        self._async_db = self._async_graph_ = self._async_loop = None
        if db is not None and loop is asyncio.get_running_loop():
            with contextlib.suppress(Exception):
                await db.connection.aclose()

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self._db.connection.close()
