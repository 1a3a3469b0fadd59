"""The Neo4j store: a server or a cluster, through the official driver with routing."""

from __future__ import annotations

import asyncio
from collections.abc import Iterable, Mapping
from typing import Any

import neo4j
from neo4j import (
    AsyncGraphDatabase,
    AsyncManagedTransaction,
    GraphDatabase,
    ManagedTransaction,
)
from neo4j.exceptions import AuthError, Neo4jError, ServiceUnavailable

from graph_model.schema import GraphSchema
from registry.store.protocol import Row, StoreError


def _identifier(name: str) -> str:
    """Schema object names derive from metamodel labels; keep them to safe characters."""
    return "".join(char if char.isalnum() else "_" for char in name).lower()


def _text_index(label: str, prop: str) -> str:
    return f"{_identifier(label + '_' + prop)}_fulltext"


class Neo4jStore:
    """GraphStore on Neo4j. Reads run as READ transactions (spread over a cluster's secondaries), writes as
    WRITE transactions; the driver's transaction functions retry transient errors and leader switches.

    `aread` runs on a second, asynchronous driver, created on first use inside the running event loop (an async
    driver belongs to the loop that created it) and closed by `aclose`; `close` closes the synchronous one."""

    dialect = "neo4j"

    def __init__(self, uri: str, user: str, password: str, database: str = "neo4j") -> None:
        self.uri = uri
        self.database = database
        self._auth = (user, password)
        self._async_driver: neo4j.AsyncDriver | None = None
        self._async_loop: asyncio.AbstractEventLoop | None = None
        try:
            self._driver = GraphDatabase.driver(uri, auth=(user, password), max_transaction_retry_time=30.0)
            self._driver.verify_connectivity()
        except AuthError as error:
            raise StoreError(f"Neo4j at {uri} refused the credentials of user {user!r}") from error
        except (ServiceUnavailable, OSError, ValueError) as error:
            raise StoreError(f"Neo4j at {uri} is unreachable: {error}") from error
        self.read("RETURN 1 AS ok")  # the database exists and this user may read it

    def _session(self, access: str) -> neo4j.Session:
        return self._driver.session(database=self.database, default_access_mode=access)

    @staticmethod
    def _collect(tx: ManagedTransaction, query: str, params: Mapping[str, Any]) -> list[Row]:
        return [record.data() for record in tx.run(query, dict(params))]

    def read(self, query: str, params: Mapping[str, Any] | None = None) -> list[Row]:
        try:
            with self._session(neo4j.READ_ACCESS) as session:
                return session.execute_read(self._collect, query, params or {})
        except (Neo4jError, ServiceUnavailable) as error:
            raise StoreError(f"Neo4j read failed: {error}") from error

    @staticmethod
    async def _acollect(tx: AsyncManagedTransaction, query: str, params: Mapping[str, Any]) -> list[Row]:
        result = await tx.run(query, dict(params))
        return [record.data() async for record in result]

    def _adriver(self) -> neo4j.AsyncDriver:
        """The async driver of the running event loop, created on first use there."""
        loop = asyncio.get_running_loop()
        if self._async_driver is None or self._async_loop is not loop:
            # A driver left from another (finished) loop cannot be closed from this one; it is dropped.
            self._async_driver = AsyncGraphDatabase.driver(self.uri, auth=self._auth, max_transaction_retry_time=30.0)
            self._async_loop = loop
        return self._async_driver

    async def aread(self, query: str, params: Mapping[str, Any] | None = None) -> list[Row]:
        try:
            async with self._adriver().session(database=self.database,
                                               default_access_mode=neo4j.READ_ACCESS) as session:
                return await session.execute_read(self._acollect, query, params or {})
        except AuthError as error:
            raise StoreError(f"Neo4j at {self.uri} refused the credentials of user {self._auth[0]!r}") from error
        except (Neo4jError, ServiceUnavailable, OSError) as error:
            raise StoreError(f"Neo4j read failed: {error}") from error

    def write(self, query: str, params: Mapping[str, Any] | None = None) -> list[Row]:
        try:
            with self._session(neo4j.WRITE_ACCESS) as session:
                return session.execute_write(self._collect, query, params or {})
        except (Neo4jError, ServiceUnavailable) as error:
            raise StoreError(f"Neo4j write failed: {error}") from error

    def write_batches(self, query: str, batches: Iterable[list[Row]]) -> int:
        written = 0
        try:
            with self._session(neo4j.WRITE_ACCESS) as session:
                for batch in batches:
                    if batch:
                        session.execute_write(lambda tx, rows=batch: tx.run(query, rows=rows).consume())
                        written += len(batch)
        except (Neo4jError, ServiceUnavailable) as error:
            raise StoreError(f"Neo4j write failed after {written} rows: {error}") from error
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
        info = self._driver.get_server_info()
        return {
            "store": "neo4j",
            "engine": "Neo4j",
            "version": info.agent,
            "uri": self.uri,
            "database": self.database,
            "running": True,
        }

    async def aclose(self) -> None:
        """Close the async driver; call it in the event loop that used `aread` (an app's lifespan does)."""
        driver, loop = self._async_driver, self._async_loop
        self._async_driver = self._async_loop = None
        if driver is not None and loop is asyncio.get_running_loop():
            await driver.close()

    def close(self) -> None:
        self._driver.close()
