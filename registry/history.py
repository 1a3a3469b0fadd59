"""The history of the registry: who changed what, when, from which token or import run — and an entity as it was.

Every write of an entity or relationship (import or API) creates a `Change` node in the same statement (see
`RegistryGraph.write_nodes`, `write_relationships`, `delete_relationship`). A relationship's change is recorded
once, under its `from` entity (`entity_id`) with `rel_type` and `to` (`target_id`); the history of an entity is
read from both indexes, so it shows the links ending at it too. Change ids sort by time (a fixed-width UTC stamp,
then the run, then a counter within the run), so "newest first" is "id descending" and pages are keyset pages.

These functions are what the GraphQL API and the published site call; they only read.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from graph_model.nodes import ENTITY_LABEL, HISTORY_LABEL, REVISION_FIELD, ChangeAction, HistoryRecord
from registry.graph import StoredNode, type_of
from registry.store.protocol import GraphStore, Row

Query = tuple[str, dict[str, Any]]


def history_queries(entity_id: str, limit: int, before: str | None = None) -> list[Query]:
    """The two reads of one page of an entity's history: changes of it (and of its outgoing links), and of the
    links ending at it; each newest first, at most `limit`, older than the change id `before` if given."""
    # toString(): FalkorDB 4.16 drops a `<` on an indexed string property (it returns every row), so the
    # comparison is kept out of the index's reach.
    older = " WHERE toString(c.id) < $before" if before is not None else ""
    params = {"id": entity_id, "limit": limit, "before": before}
    return [((f"MATCH (c:{HISTORY_LABEL} {{{key}: $id}}){older} RETURN properties(c) AS props "
              "ORDER BY c.id DESC LIMIT $limit"), params) for key in ("entity_id", "target_id")]


def merge_pages(pages: Iterable[list[Row]], limit: int) -> list[HistoryRecord]:
    """The newest `limit` changes of several newest-first reads (a change is in one of them only)."""
    props = sorted((row["props"] for rows in pages for row in rows), key=lambda found: found["id"], reverse=True)
    return [HistoryRecord.from_stored(found) for found in props[:limit]]


def entity_history(store: GraphStore, entity_id: str, first: int | None = None,
                   before: str | None = None) -> list[HistoryRecord]:
    """An entity's changes, newest first: all of them, or the `first` older than the change id `before`."""
    limit = first if first is not None else 2**31 - 1
    return merge_pages((store.read(query, params) for query, params in history_queries(entity_id, limit, before)),
                       limit)


def change_log(store: GraphStore, entity_id: str) -> list[HistoryRecord]:
    """An entity's whole change log, oldest first: what a published page of the entity prints."""
    return list(reversed(entity_history(store, entity_id)))


def own_changes_query(entity_id: str) -> Query:
    """Every change recorded under the entity itself: of its fields and of its outgoing links (both raise its
    revision). Enough to rebuild it as it was."""
    return (f"MATCH (c:{HISTORY_LABEL} {{entity_id: $id}}) RETURN properties(c) AS props", {"id": entity_id})


def current_query(entity_id: str) -> Query:
    return (f"MATCH (n:{ENTITY_LABEL} {{id: $id}}) RETURN labels(n) AS labels, properties(n) AS props",
            {"id": entity_id})


def as_of(current: StoredNode | None, changes: list[HistoryRecord], at: datetime) -> StoredNode | None:
    """The entity as it was at `at`, rebuilt backwards from its current state by undoing the changes made after
    `at` (so an entity stored before history was kept is still rebuilt as far as its history reaches); None when it
    did not exist yet. Relationship fields are not rebuilt: the history lists those changes."""
    if current is None:
        return None
    moment = at if at.tzinfo is not None else at.replace(tzinfo=UTC)
    ordered = sorted(changes, key=lambda change: (change.revision, change.id))
    later = [change for change in ordered if change.at > moment]
    earlier = [change for change in ordered if change.at <= moment]
    if any(change.action == ChangeAction.create for change in later):
        return None
    created = current.props.get("created_at")
    if not earlier and isinstance(created, str) and _parse(created) > moment:
        return None
    props = dict(current.props)
    for change in reversed(later):
        if change.rel_type is not None:
            continue
        for name, values in change.changes.items():
            before = values.get("before")
            if before is None:
                props.pop(name, None)
            else:
                props[name] = before
    if earlier:
        props[REVISION_FIELD] = earlier[-1].revision
        own = [change for change in earlier if change.rel_type is None]
        if own:
            last = own[-1]
            props["updated_at"] = _iso(last.at)
            props.update({key: value for key, value in (("import_run", last.import_run),
                                                         ("source", last.record_source)) if value is not None})
    elif later:
        props[REVISION_FIELD] = later[0].revision - 1
        if props[REVISION_FIELD] < 1:
            props.pop(REVISION_FIELD)
    return StoredNode(current.type, props)


def entity_as_of(store: GraphStore, entity_id: str, at: datetime) -> StoredNode | None:
    """`as_of` for one entity, read from the store."""
    rows = store.read(*current_query(entity_id))
    current = StoredNode(type_of(rows[0]["labels"]) or "?", rows[0]["props"]) if rows else None
    changes = [HistoryRecord.from_stored(row["props"]) for row in store.read(*own_changes_query(entity_id))]
    return as_of(current, changes, at)


def _parse(value: str) -> datetime:
    moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def _iso(value: datetime) -> str:
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z")
