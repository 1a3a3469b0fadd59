"""Writing the registry back out in the native format (JSON Lines): nodes by id, then relationships, then the
history (oldest first), the import runs (oldest first) and the API tokens (hashes only) — a backup: importing it into
an empty store gives the same registry, history, runs and tokens, and exporting that gives the same bytes plus one
import run, the restore's own."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any, TextIO

from graph_model import PillarTaxonomy, parse_record, to_raw
from graph_model.ledger import API_TOKEN_LABEL, LEDGER_TYPES
from graph_model.nodes import REVISION_FIELD
from registry.graph import RegistryGraph


def native_records(graph: RegistryGraph, pillars: PillarTaxonomy, tokens: bool = True) -> Iterator[dict[str, Any]]:
    """Every entity and relationship as a native record, in a stable order, through the metamodel, then the
    bookkeeping records (`tokens=False` leaves the API tokens out, for an export shared beyond the operator)."""
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
    for label, record_type in LEDGER_TYPES.items():
        if label == API_TOKEN_LABEL and not tokens:
            continue
        for props in graph.iter_ledger(label):
            yield record_type.from_stored(props).exported()


def write_jsonl(graph: RegistryGraph, out: TextIO, pillars: PillarTaxonomy, tokens: bool = True) -> int:
    """Write JSON Lines (UTF-8, diacritics as they are); returns the number of records."""
    count = 0
    for record in native_records(graph, pillars, tokens):
        out.write(json.dumps(record, ensure_ascii=False, separators=(",", ":")))
        out.write("\n")
        count += 1
    return count
