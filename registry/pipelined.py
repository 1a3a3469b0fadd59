"""Store writes that run while the next batch is read and checked.

An import spends its time in two places that need not wait for each other: Python (parsing, validation, checks)
and the database (executing the batch). One worker thread runs the writes in the order they were submitted,
at most `depth` of them outstanding, so the store works on batch N while the loader prepares batch N+1.
Reads for checks never need the writes still in flight: what this import wrote is tracked in memory.
A write's result (e.g. the records another writer changed first, so they were not written) goes to its `then`
callback on the submitting thread, in submission order, so the loader's report needs no lock.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from types import TracebackType
from typing import Any


class PipelinedWrites:
    """A one-thread, bounded, ordered queue of write calls; the first failure is raised to the submitter."""

    def __init__(self, depth: int = 2) -> None:
        self.depth = depth
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="registry-writes")
        self._pending: deque[tuple[Future[Any], Callable[[Any], None] | None]] = deque()

    def submit(self, write: Callable[..., Any], *args: Any, then: Callable[[Any], None] | None = None) -> None:
        """Queue a write; blocks while `depth` writes are outstanding, and raises an earlier write's error.
        `then` gets the write's result once it is done (called from `submit` or `flush`, never the writer)."""
        self._pending.append((self._pool.submit(write, *args), then))
        while len(self._pending) > self.depth or (self._pending and self._pending[0][0].done()):
            self._collect()

    def flush(self) -> None:
        """Wait for every queued write; raises the first that failed."""
        while self._pending:
            self._collect()

    def _collect(self) -> None:
        future, then = self._pending.popleft()
        result = future.result()
        if then is not None:
            then(result)

    def close(self) -> None:
        """Stop after the writes already queued (their errors are not raised: a failure is already on its way)."""
        self._pool.shutdown(wait=True, cancel_futures=True)

    def __enter__(self) -> PipelinedWrites:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        try:
            if kind is None:
                self.flush()
        finally:
            self.close()
