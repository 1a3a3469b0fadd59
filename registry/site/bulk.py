"""Many rows of one read as one value: on FalkorDB a single JSON text, elsewhere the store's typed rows.

FalkorDB's client decodes its typed replies about ten times slower than `json.loads` decodes the same rows
returned as one `toJSON(collect(…))` text. But FalkorDB's `toJSON` does not escape a quote inside a string, so the
text is trusted only when it is exactly what a JSON writer makes of what was read from it; otherwise the same rows
are read again, typed. Either way the caller gets the same values, types included.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from registry.store import GraphStore

Rows = list[Any]


def bulk_rows(store: GraphStore, match: str, value: str, params: Mapping[str, Any] | None = None) -> Rows:
    """The values of `value` for every row `match` yields (`match` is the query up to its RETURN)."""
    if getattr(store, "dialect", None) != "falkordb":
        return typed_rows(store, match, value, params)
    found = store.read(f"{match} RETURN toJSON(collect({value})) AS rows", params)
    text = found[0]["rows"] if found else None
    if not text:
        return []
    try:
        parsed = json.loads(text)
    except ValueError:
        parsed = None
    if parsed is None or json.dumps(parsed, ensure_ascii=False) != text:
        return typed_rows(store, match, value, params)
    return parsed


def typed_rows(store: GraphStore, match: str, value: str, params: Mapping[str, Any] | None = None) -> Rows:
    """The same rows through the store's typed replies (any store)."""
    return [row["value"] for row in store.read(f"{match} RETURN {value} AS value", params)]
