"""The GraphQL schema: `entity(id)` and one Relay-style connection per node type, behind the protective limits."""

from __future__ import annotations

from functools import partial
from typing import Any

import strawberry
from strawberry.extensions import (
    MaskErrors,
    MaxAliasesLimiter,
    MaxTokensLimiter,
    QueryDepthLimiter,
)

from graph_model import NODE_TYPES
from graph_model.labels import TYPE_LABELS
from registry.api import queries
from registry.api.errors import should_mask
from registry.api.filters import filter_input, to_list_filter
from registry.api.findings import finding_fields
from registry.api.limits import (
    DEFAULT_FIRST,
    MAX_ALIASES,
    MAX_DEPTH,
    MAX_FIRST,
    MAX_TOKENS,
)
from registry.api.mutations import Mutation
from registry.api.naming import connection_field
from registry.api.pagination import Connection, check_first, connection, decode_cursor
from registry.api.types import OBJECT_TYPES, Entity, to_object
from registry.graph import StoredNode


async def _entity(info: strawberry.Info, id: strawberry.ID) -> Any:
    node = await info.context.loaders.nodes.load(str(id))
    return to_object(node) if node is not None else None


_entity.__annotations__ = {"info": strawberry.Info, "id": strawberry.ID, "return": Entity | None}


def _connection_resolver(label: str) -> Any:
    """The root field listing one node type: keyset pages in id order, filtered, with a lazy total."""
    filter_type = filter_input(label)

    async def resolve(info: strawberry.Info, first: int = DEFAULT_FIRST, after: str | None = None,
                      filter: Any = None) -> Any:
        size = check_first(first)
        where = to_list_filter(label, filter)
        text_search = info.context.store.text_search
        query, params = queries.page(label, where, decode_cursor(after), size + 1, text_search)
        rows = await info.context.reader.read(query, params)
        nodes = [(row["id"], to_object(StoredNode(label, row["props"]))) for row in rows]

        async def count() -> int:
            count_query, count_params = queries.count(label, where, text_search)
            return (await info.context.reader.read(count_query, count_params))[0]["total"]

        return connection(nodes, size, count)

    resolve.__annotations__ = {"info": strawberry.Info, "first": int, "after": str | None,
                               "filter": filter_type | None, "return": Connection[OBJECT_TYPES[label]]}
    plural = TYPE_LABELS[label][1]
    return strawberry.field(
        resolver=resolve, name=connection_field(label),
        description=f"{plural} ({TYPE_LABELS[label][0]}) in id order; `first` ≤ {MAX_FIRST}, `after` a cursor.")


def _query_type() -> type:
    namespace: dict[str, Any] = {
        "entity": strawberry.field(resolver=_entity, description="Any node by id (use `... on System` etc.)."),
    }
    for label in NODE_TYPES:
        namespace[f"list_{label.lower()}"] = _connection_resolver(label)
    namespace.update(finding_fields())
    return strawberry.type(type("Query", (), namespace), description="Read the registry.")


def protective_extensions() -> list[Any]:
    """Depth, alias and token limits on every document; internal errors masked, client errors shown.
    (Factories, so each request gets fresh extension instances.)"""
    return [
        partial(MaxTokensLimiter, max_token_count=MAX_TOKENS),
        partial(QueryDepthLimiter, max_depth=MAX_DEPTH),
        partial(MaxAliasesLimiter, max_alias_count=MAX_ALIASES),
        partial(MaskErrors, should_mask_error=should_mask),
    ]


def build_schema() -> strawberry.Schema:
    """The schema, with every node type registered (some are reachable only through the Entity interface)."""
    return strawberry.Schema(query=_query_type(), mutation=Mutation, types=list(OBJECT_TYPES.values()),
                             extensions=protective_extensions())
