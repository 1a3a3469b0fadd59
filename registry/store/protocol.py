"""The one contract every graph store meets; the rest of the registry speaks only to it."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, Protocol, runtime_checkable

from graph_model.schema import GraphSchema

Row = dict[str, Any]


class StoreError(RuntimeError):
    """A store could not be reached or refused an operation; the message says which and why."""


class StoreUnavailable(StoreError):
    """The store does not answer (stopped, restarting, unreachable, out of disk): the request may succeed later.

    `str(error)` has the detail for the operator (where, and the driver's reason); `public` is what an API client
    is told, since addresses and driver internals are none of its business."""

    public = "the registry's graph store is unavailable; try again shortly"


@runtime_checkable
class GraphStore(Protocol):
    """A property-graph store that runs the registry's parameterised Cypher.

    Queries passed here are written in the Cypher subset both engines run; everything a dialect does
    differently (schema DDL, server lifecycle) is inside the adapter.
    """

    dialect: str

    def read(self, query: str, params: Mapping[str, Any] | None = None) -> list[Row]:
        """Run a read-only query (sent to readers in a cluster); rows keyed by column name."""
        ...

    async def aread(self, query: str, params: Mapping[str, Any] | None = None) -> list[Row]:
        """`read` for async callers: the same rows and errors, without blocking the event loop.

        The adapter's async client belongs to the event loop of its first `aread`; call `aclose` in that loop
        before the loop ends (the API's lifespan does)."""
        ...

    def write(self, query: str, params: Mapping[str, Any] | None = None) -> list[Row]:
        """Run one write query in one transaction. After a lost connection it may be sent again, so it must be
        idempotent (MERGE, not CREATE): the registry's writes are."""
        ...

    def write_batches(self, query: str, batches: Iterable[list[Row]]) -> int:
        """Run `query` once per batch with the batch as `$rows`, each batch in its own transaction.

        Returns how many rows were written. Transient failures are retried, so the query must be idempotent
        (MERGE, not CREATE).
        """
        ...

    def apply_schema(self, schema: GraphSchema) -> None:
        """Create the constraints and indexes the metamodel asks for; safe to run again."""
        ...

    def text_search(self, label: str, prop: str, words: list[str]) -> tuple[str, dict[str, Any]]:
        """A clause binding `n` to the `label` nodes whose full-text indexed `prop` has every one of `words` as a
        word or word prefix, and its parameters (named `text_search*`). `words` are lower-case [a-z0-9] only."""
        ...

    def delete_all(self) -> None:
        """Remove every node and relationship (tests, `registry db reset`)."""
        ...

    def describe(self) -> dict[str, Any]:
        """Where the store is and what runs it, for status output."""
        ...

    async def aclose(self) -> None:
        """Close the async client `aread` opened (if any); the next `aread` opens a new one."""
        ...

    def close(self) -> None:
        """Close the synchronous client."""
        ...
