"""Writing the registry back out in the native format (JSON Lines): nodes by id, then relationships, then the
history (oldest first) — a backup: importing it into an empty store gives the same registry and history, and
exporting that gives the same bytes."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any, TextIO

from graph_model import PillarTaxonomy, parse_record, to_raw
from graph_model.nodes import REVISION_FIELD, HistoryRecord
from registry.graph import RegistryGraph


def native_records(graph: RegistryGraph, pillars: PillarTaxonomy) -> Iterator[dict[str, Any]]:
    """Every entity and relationship as a native record, in a stable order, through the metamodel."""
    for node in graph.iter_nodes():
        props = dict(node.props)
        revision = props.pop(REVISION_FIELD, None)  # the registry's, not a field of the record: written last
        raw = to_raw(parse_record({"type": node.type, **props}, pillars))
        if revision is not None:
            raw[REVISION_FIELD] = revision
        yield raw
    for rel in graph.iter_relationships():
        raw = {"type": rel.type, "from": rel.source_id, "to": rel.target_id, **rel.props}
        yield to_raw(parse_record(raw, pillars))
    for change in graph.iter_history():
        yield HistoryRecord.from_stored(change).model_dump(mode="json", exclude_none=True)


def write_jsonl(graph: RegistryGraph, out: TextIO, pillars: PillarTaxonomy) -> int:
    """Write JSON Lines (UTF-8, diacritics as they are); returns the number of records."""
    count = 0
    for record in native_records(graph, pillars):
        out.write(json.dumps(record, ensure_ascii=False, separators=(",", ":")))
        out.write("\n")
        count += 1
    return count
