"""Relay-style connections: edges with opaque cursors, page info, a total counted only when asked for."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Awaitable, Callable
from typing import Generic, TypeVar

import strawberry

from graph_model import is_valid_entity_id
from registry.api.errors import UserError
from registry.api.limits import MAX_FIRST

NodeT = TypeVar("NodeT")


@strawberry.type(description="Where a page stands in its listing (forward pagination only).")
class PageInfo:
    has_next_page: bool
    has_previous_page: bool = strawberry.field(
        default=False, description="Always false: listings page forwards only (Relay allows this).")
    start_cursor: str | None
    end_cursor: str | None


@strawberry.type
class Edge(Generic[NodeT]):
    cursor: str = strawberry.field(description="Pass as `after` to get the nodes after this one.")
    node: NodeT


@strawberry.type
class Connection(Generic[NodeT]):
    edges: list[Edge[NodeT]]
    page_info: PageInfo
    _count: strawberry.Private[Callable[[], Awaitable[int]]]

    @strawberry.field(description="How many nodes match the filter in all (one more query, only when asked).")
    async def total_count(self) -> int:
        return await self._count()


def encode_cursor(node_id: str) -> str:
    """The cursor of a node: its id, base64-encoded so clients treat it as opaque."""
    return base64.urlsafe_b64encode(node_id.encode()).decode()


def decode_cursor(cursor: str | None, valid: Callable[[str], bool] = is_valid_entity_id) -> str:
    """The id a cursor stands for ('' before the first node); a malformed cursor is the client's error.
    `valid` says what ids the listing has (entity ids by default; history pages use change ids)."""
    if cursor is None:
        return ""
    try:
        node_id = base64.urlsafe_b64decode(cursor.encode("ascii")).decode()
    except (binascii.Error, UnicodeError, ValueError):
        raise UserError(f"invalid cursor {cursor!r}") from None
    if not valid(node_id):
        raise UserError(f"invalid cursor {cursor!r}")
    return node_id


def check_first(first: int) -> int:
    """Page sizes are capped: a larger `first` is refused rather than silently cut."""
    if not 0 <= first <= MAX_FIRST:
        raise UserError(f"first must be between 0 and {MAX_FIRST}, not {first}")
    return first


def page_info(cursors: list[str], has_next_page: bool) -> PageInfo:
    """The page info of a page whose edges have `cursors`, in order."""
    return PageInfo(has_next_page=has_next_page,
                    start_cursor=cursors[0] if cursors else None,
                    end_cursor=cursors[-1] if cursors else None)


def connection(nodes: list[tuple[str, NodeT]], first: int, count: Callable[[], Awaitable[int]]) -> Connection[NodeT]:
    """A connection from up to `first + 1` (id, node) pairs in id order: the extra one only says a next page exists."""
    edges = [Edge(cursor=encode_cursor(node_id), node=node) for node_id, node in nodes[:first]]
    info = page_info([edge.cursor for edge in edges], len(nodes) > first)
    return Connection(edges=edges, page_info=info, _count=count)
