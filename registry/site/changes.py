"""The change log an entity's page prints: what changed after the entity was created, newest first.

The registry records every change (`registry.history`); a nation's import alone records millions, one per
entity and relationship created. A page already says when and from where its entity was created (its provenance)
and which links it has now, so the log leaves out the records of creation (`create`, `link`) and reads only the
later changes — updates, retirements, changed or deleted links — in one bulk read for the whole site, however
many pages there are. Each entity keeps its newest `MAX_SHOWN` changes and the count of all; a link's change is
shown on the pages of both its ends.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from graph_model.nodes import HISTORY_LABEL, ChangeAction
from registry.store import GraphStore

MAX_SHOWN = 20
LATER_ACTIONS = [action.value for action in ChangeAction if action not in (ChangeAction.create, ChangeAction.link)]
_READ = (f"MATCH (c:{HISTORY_LABEL}) WHERE c.action IN $actions "
         "RETURN c.id AS id, c.entity_id AS entity, c.target_id AS target, c.rel_type AS rel_type, c.at AS at, "
         "c.by AS by, c.action AS action, c.changes_json AS changes")


@dataclass(frozen=True, slots=True)
class ChangeLine:
    """One change as a page shows it."""

    id: str
    at: str
    by: str
    action: str
    entity: str
    rel_type: str | None
    target: str | None
    fields: dict[str, dict[str, Any]]


@dataclass
class EntityChanges:
    """An entity's newest changes (newest first) and how many there are in all."""

    latest: list[ChangeLine] = field(default_factory=list)
    total: int = 0


def read_changes(store: GraphStore, limit: int = MAX_SHOWN) -> dict[str, EntityChanges]:
    """The later changes of every entity, in one read."""
    by_entity: dict[str, list[ChangeLine]] = defaultdict(list)
    for row in store.read(_READ, {"actions": LATER_ACTIONS}):
        try:
            fields = json.loads(row["changes"] or "{}")
        except ValueError:
            fields = {}
        line = ChangeLine(str(row["id"]), str(row["at"]), str(row["by"]), str(row["action"]), str(row["entity"]),
                          row.get("rel_type"), row.get("target"), fields if isinstance(fields, dict) else {})
        by_entity[line.entity].append(line)
        if line.target:
            by_entity[line.target].append(line)
    logs: dict[str, EntityChanges] = {}
    for entity_id, lines in by_entity.items():
        lines.sort(key=lambda line: line.id, reverse=True)  # change ids sort by time
        logs[entity_id] = EntityChanges(lines[:limit], len(lines))
    return logs
