"""The Neo4j store: a server or a cluster, through the official driver with routing."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterable, Mapping
from typing import Any

import neo4j
from neo4j import (
    AsyncGraphDatabase,
    GraphDatabase,
    ManagedTransaction,
)
from neo4j.exceptions import (
    AuthError,
    ConnectionAcquisitionTimeoutError,
    DriverError,
    Neo4jError,
    ServiceUnavailable,
    SessionExpired,
)

from graph_model.schema import GraphSchema
from registry.store.protocol import Row, StoreError, StoreUnavailable

# The server is down, restarting or unreachable (the driver has already retried for its retry time).
_UNAVAILABLE = (ServiceUnavailable, SessionExpired, ConnectionAcquisitionTimeoutError, OSError)
# How long one transaction function is retried over transient errors and leader changes. Commands (imports)
# ride out a short restart or election; the API (`aread`) answers a waiting user sooner that the store is down.
SYNC_RETRY_SECONDS = 30.0
ASYNC_RETRY_SECONDS = 8.0
FIRST_RETRY_DELAY = 1.0  # then doubled, as the driver's transaction functions do (its default initial delay)
# Without these a dead host costs the driver's defaults (30 s to connect, 60 s to get a pooled connection).
DRIVER_TIMEOUTS = {"connection_timeout": 5.0, "connection_acquisition_timeout": 10.0}


def _identifier(name: str) -> str:
    """Schema object names derive from metamodel labels; keep them to safe characters."""
    return "".join(char if char.isalnum() else "_" for char in name).lower()


def _text_index(label: str, prop: str) -> str:
    return f"{_identifier(label + '_' + prop)}_fulltext"


class Neo4jStore:
    """GraphStore on Neo4j. Reads run as READ transactions (spread over a cluster's secondaries), writes as
    WRITE transactions; the driver's transaction functions retry transient errors and leader switches.

    `aread` runs on a second, asynchronous driver, created on first use inside the running event loop (an async
    driver belongs to the loop that created it) and closed by `aclose`; `close` closes the synchronous one. Its
    reads are auto-commit queries (the API's many small reads), retried by `aread` itself."""

    dialect = "neo4j"

    def __init__(self, uri: str, user: str, password: str, database: str = "neo4j",
                 retry_seconds: float = SYNC_RETRY_SECONDS) -> None:
        """`retry_seconds` bounds the synchronous driver's retries: a command rides out a restart, while a served
        request (token checks and mutations run on it too) should say the store is down within seconds."""
        self.uri = uri
        self.database = database
        self._auth = (user, password)
        self._async_driver: neo4j.AsyncDriver | None = None
        self._async_loop: asyncio.AbstractEventLoop | None = None
        try:
            self._driver = GraphDatabase.driver(uri, auth=(user, password),
                                                max_transaction_retry_time=retry_seconds, **DRIVER_TIMEOUTS)
            self._driver.verify_connectivity()
        except AuthError as error:
            raise StoreError(f"Neo4j at {uri} refused the credentials of user {user!r}") from error
        except (ServiceUnavailable, OSError, ValueError) as error:
            raise StoreError(f"Neo4j at {uri} is unreachable: {error}") from error
        self.read("RETURN 1 AS ok")  # the database exists and this user may read it

    def _failed(self, what: str, error: Exception) -> StoreError:
        """The StoreError for a failed operation: StoreUnavailable when the server did not answer."""
        if isinstance(error, AuthError):
            return StoreError(f"Neo4j at {self.uri} refused the credentials of user {self._auth[0]!r}")
        if isinstance(error, _UNAVAILABLE):
            return StoreUnavailable(f"Neo4j at {self.uri} is unavailable ({what}): {error}")
        return StoreError(f"Neo4j {what} failed: {error}")

    def _session(self, access: str) -> neo4j.Session:
        return self._driver.session(database=self.database, default_access_mode=access)

    @staticmethod
    def _collect(tx: ManagedTransaction, query: str, params: Mapping[str, Any]) -> list[Row]:
        # dict(record), not record.data(): data() walks every value (to turn nodes into dicts, which the registry
        # never returns) and cost 30-40% of a large collected read at nation scale.
        return [dict(record) for record in tx.run(query, dict(params))]

    def read(self, query: str, params: Mapping[str, Any] | None = None) -> list[Row]:
        try:
            with self._session(neo4j.READ_ACCESS) as session:
                return session.execute_read(self._collect, query, params or {})
        except (Neo4jError, DriverError, OSError) as error:
            raise self._failed("read", error) from error

    def _adriver(self) -> neo4j.AsyncDriver:
        """The async driver of the running event loop, created on first use there."""
        loop = asyncio.get_running_loop()
        if self._async_driver is None or self._async_loop is not loop:
            # A driver left from another (finished) loop cannot be closed from this one; it is dropped.
            self._async_driver = AsyncGraphDatabase.driver(self.uri, auth=self._auth, **DRIVER_TIMEOUTS)
            self._async_loop = loop
        return self._async_driver

    async def aread(self, query: str, params: Mapping[str, Any] | None = None) -> list[Row]:
        """One auto-commit read: a single round trip, and half the driver's Python work of a transaction function
        (BEGIN, RUN, COMMIT: measured 1.1 against 0.55 ms of CPU per read), which is most of what a served request
        costs. A read is safe to repeat, so what a transaction function would retry is retried here the same way:
        errors the driver marks retryable, after growing pauses, for ASYNC_RETRY_SECONDS after the first."""
        first_failure: float | None = None
        delay = FIRST_RETRY_DELAY
        while True:
            try:
                async with self._adriver().session(database=self.database,
                                                   default_access_mode=neo4j.READ_ACCESS) as session:
                    result = await session.run(query, dict(params or {}))
                    return [dict(record) async for record in result]  # see _collect
            except (Neo4jError, DriverError) as error:
                now = time.monotonic()
                first_failure = now if first_failure is None else first_failure
                remaining = ASYNC_RETRY_SECONDS - (now - first_failure)
                if not error.is_retryable() or remaining <= 0:
                    raise self._failed("read", error) from error
            except OSError as error:
                raise self._failed("read", error) from error
            await asyncio.sleep(min(delay, remaining))  # the last try comes when the budget ends, not after it
            delay *= 2

    def write(self, query: str, params: Mapping[str, Any] | None = None) -> list[Row]:
        try:
            with self._session(neo4j.WRITE_ACCESS) as session:
                return session.execute_write(self._collect, query, params or {})
        except (Neo4jError, DriverError, OSError) as error:
            raise self._failed("write", error) from error

    def write_batches(self, query: str, batches: Iterable[list[Row]]) -> int:
        written = 0
        try:
            with self._session(neo4j.WRITE_ACCESS) as session:
                for batch in batches:
                    if batch:
                        session.execute_write(lambda tx, rows=batch: tx.run(query, rows=rows).consume())
                        written += len(batch)
        except (Neo4jError, DriverError, OSError) as error:
            raise self._failed(f"write after {written} rows", error) from error
        return written

    def apply_schema(self, schema: GraphSchema) -> None:
        statements = [
            f"CREATE CONSTRAINT {_identifier(c.label + '_' + c.property)}_unique IF NOT EXISTS "
            f"FOR (n:{c.label}) REQUIRE n.{c.property} IS UNIQUE"
            for c in schema.constraints
        ]
        statements += [
            f"CREATE INDEX {_identifier(i.label + '_' + i.property)} IF NOT EXISTS FOR (n:{i.label}) ON (n.{i.property})"
            for i in schema.indexes
        ]
        # Full-text indexes on the folded search text: the standard tokenizer without stop words ('a', 'to' are
        # words of names here); the text is already lower-case and unaccented (registry.text_search).
        statements += [
            f"CREATE FULLTEXT INDEX {_text_index(t.label, t.property)} IF NOT EXISTS "
            f"FOR (n:{t.label}) ON EACH [n.{t.property}] "
            "OPTIONS {indexConfig: {`fulltext.analyzer`: 'standard-no-stop-words'}}"
            for t in schema.text_indexes
        ]
        for statement in statements:
            self.write(statement)
        self.write("CALL db.awaitIndexes(120)")

    def text_search(self, label: str, prop: str, words: list[str]) -> tuple[str, dict[str, Any]]:
        """Lucene query syntax: `word*` is a prefix, AND joins them (the words are [a-z0-9] only, so none is an
        operator or needs escaping)."""
        query = " AND ".join(f"{word}*" for word in words)
        return "CALL db.index.fulltext.queryNodes($text_search_index, $text_search) YIELD node AS n", {
            "text_search_index": _text_index(label, prop), "text_search": query}

    def delete_all(self) -> None:
        # Relationships first, then nodes, in batches: a node with thousands of relationships deleted in one
        # DETACH DELETE can exceed the server's transaction memory.
        for statement in ("MATCH ()-[r]->() WITH r LIMIT 10000 DELETE r RETURN count(*) AS deleted",
                          "MATCH (n) WITH n LIMIT 10000 DELETE n RETURN count(*) AS deleted"):
            while self.write(statement)[0]["deleted"]:
                pass

    def describe(self) -> dict[str, Any]:
        try:
            version: str | None = self._driver.get_server_info().agent
        except (Neo4jError, DriverError, OSError):
            version = None  # down or restarting: say so rather than fail the status output
        return {
            "store": "neo4j",
            "engine": "Neo4j",
            "version": version,
            "uri": self.uri,
            "database": self.database,
            "running": version is not None,
        }

    async def aclose(self) -> None:
        """Close the async driver; call it in the event loop that used `aread` (an app's lifespan does)."""
        driver, loop = self._async_driver, self._async_loop
        self._async_driver = self._async_loop = None
        if driver is not None and loop is asyncio.get_running_loop():
            await driver.close()

    def close(self) -> None:
        self._driver.close()
