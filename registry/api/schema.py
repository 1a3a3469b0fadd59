"""The GraphQL schema: `entity(id, asOf)`, `history(id)` and one Relay-style connection per node type, behind the
protective limits."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Annotated, Any

import strawberry

from graph_model import NODE_TYPES
from graph_model.identifiers import ENTITY_ID_RE
from graph_model.labels import TYPE_LABELS
from registry import history
from registry.api import queries
from registry.api.errors import UserError
from registry.api.filters import filter_input, to_list_filter
from registry.api.findings import finding_fields
from registry.api.limits import (
    DEFAULT_FIRST,
    MAX_FIRST,
)
from registry.api.mutations import Mutation
from registry.api.naming import connection_field
from registry.api.pagination import Connection, check_first, connection, decode_cursor
from registry.api.protection import protective_extensions
from registry.api.types import OBJECT_TYPES, ChangeType, Entity, to_change, to_object
from registry.graph import StoredNode, type_of

CHANGE_ID = re.compile(r"^change:[A-Za-z0-9._-]+$")


async def _entity(info: strawberry.Info, id: strawberry.ID, as_of: datetime | None = None) -> Any:
    if not ENTITY_ID_RE.match(str(id)):  # no entity has such an id; and a NUL would cut a FalkorDB query short
        return None
    if as_of is None:
        node = await info.context.loaders.nodes.load(str(id))
    else:
        reader = info.context.reader
        rows = await reader.read(*history.current_query(str(id)))
        current = StoredNode(type_of(rows[0]["labels"]) or "?", rows[0]["props"]) if rows else None
        changes = [history.HistoryRecord.from_stored(row["props"])
                   for row in await reader.read(*history.own_changes_query(str(id)))]
        node = history.as_of(current, changes, as_of)
    return to_object(node) if node is not None else None


_entity.__annotations__ = {
    "info": strawberry.Info, "id": strawberry.ID,
    "as_of": Annotated[datetime | None, strawberry.argument(
        description="The entity as it was at this instant (its fields rebuilt from the history; its relationship "
                    "fields are today's); null when it did not exist yet.")],
    "return": Entity | None,
}


async def _history(info: strawberry.Info, id: strawberry.ID, first: int = DEFAULT_FIRST,
                   after: str | None = None) -> Connection[ChangeType]:
    """The changes of an entity and of the relationships at either end of it, newest first."""
    size = check_first(first)
    if not ENTITY_ID_RE.match(str(id)):
        raise UserError(f"not an entity id: {str(id)[:100]!r}")
    before = decode_cursor(after, valid=lambda found: bool(CHANGE_ID.match(found))) or None
    reader = info.context.reader
    pages = [await reader.read(query, params) for query, params in history.history_queries(str(id), size + 1, before)]
    records = history.merge_pages(pages, size + 1)

    async def count() -> int:
        total = 0
        for key in ("entity_id", "target_id"):
            rows = await reader.read(f"MATCH (c:{history.HISTORY_LABEL} {{{key}: $id}}) RETURN count(c) AS total",
                                     {"id": str(id)})
            total += rows[0]["total"]
        return total

    return connection([(record.id, to_change(record)) for record in records], size, count)


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
        "entity": strawberry.field(resolver=_entity, description="Any node by id (use `... on System` etc.); "
                                                                 "with `asOf`, as it was then."),
        "history": strawberry.field(resolver=_history, description=(
            f"The recorded changes of an entity and of its relationships (either end), newest first; `first` ≤ "
            f"{MAX_FIRST}, `after` a cursor.")),
    }
    for label in NODE_TYPES:
        namespace[f"list_{label.lower()}"] = _connection_resolver(label)
    namespace.update(finding_fields())
    return strawberry.type(type("Query", (), namespace), description="Read the registry.")


def build_schema() -> strawberry.Schema:
    """The schema, with every node type registered (some are reachable only through the Entity interface)."""
    return strawberry.Schema(query=_query_type(), mutation=Mutation, types=list(OBJECT_TYPES.values()),
                             extensions=protective_extensions())
