"""The findings of the last build, kept on disk and reused while the registry has not changed.

The analysis reads and compares the whole registry (about 28 s at national scale) and gives the same findings
until the graph, the rules, the analysis code or the date changes. Every write of an import or of the API creates
a `Change` node in the statement that makes it, and every import or API write (a restore of a backup included,
which writes without new history) records an `ImportRun`, with a time-stamped id, and moves it from `running` to
`completed` or `failed`; so the count of changes, the count per status and newest id of the runs, and the counts of
entities and relationships change whenever the graph does (each an aggregate FalkorDB answers from its counters or
from the few runs, not by scanning millions of changes). They are
read before the analysis runs, so a write during the analysis leaves findings filed under a mark that no longer
matches and they are never reused. Raw writes (`RegistryGraph.upsert_nodes`, tests only) are not marked:
`registry docs build --force` runs the analysis again whatever the mark says.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import registry.analysis as analysis_package
from graph_model import ENTITY_LABEL
from graph_model.nodes import HISTORY_LABEL
from registry.analysis import Finding, Rule
from registry.store import GraphStore

FORMAT = "1"
FINDINGS_FILE = ".registry-findings.json"  # beside the build state (`build.STATE_FILE`) in the published tree
ANALYSIS_CODE = Path(analysis_package.__file__).parent  # the code the findings come from: they change with it
_STORE_IDENTITY = ("store", "engine", "data_dir", "graph", "uri", "database")


def graph_mark(store: GraphStore) -> dict[str, Any]:
    """What changes whenever the graph does: history records, import runs by status, entity and relationship
    counts (each one aggregate read)."""
    changes = store.read(f"MATCH (c:{HISTORY_LABEL}) RETURN count(c) AS count")
    runs = store.read("MATCH (r:ImportRun) RETURN r.status AS status, count(r) AS count, max(r.id) AS last")
    entities = store.read(f"MATCH (n:{ENTITY_LABEL}) RETURN count(n) AS count")
    links = store.read("MATCH ()-[r]->() RETURN count(r) AS count")  # with labels FalkorDB walks them all (6 s)
    return {"changes": changes[0]["count"] if changes else 0,
            "runs": sorted([str(row["status"]), row["count"], row["last"]] for row in runs),
            "entities": entities[0]["count"] if entities else 0, "relationships": links[0]["count"] if links else 0}


def cache_key(store: GraphStore, rules: list[Rule], today: date) -> str:
    """The digest the cached findings are filed under: the store, its graph mark, the rules, the analysis code
    and the date (rules may compare dates with today)."""
    digest = hashlib.sha256(FORMAT.encode())
    identity = {name: value for name, value in store.describe().items() if name in _STORE_IDENTITY}
    for part in (identity, graph_mark(store), [rule.model_dump(mode="json") for rule in rules], today.isoformat()):
        digest.update(json.dumps(part, sort_keys=True, ensure_ascii=False, default=str).encode() + b"\0")
    for path in sorted(ANALYSIS_CODE.rglob("*.py")):
        digest.update(path.relative_to(ANALYSIS_CODE).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def cached_findings(store: GraphStore, rules: list[Rule], today: date, cache_file: Path | None,
                    analyze: Callable[[], list[Finding]], fresh: bool = False) -> tuple[list[Finding], bool]:
    """The findings: from `cache_file` when it was written under the current key (and not `fresh`), else from
    `analyze()`, then saved there. Returns them and whether they came from the cache."""
    if cache_file is None:
        return analyze(), False
    key = cache_key(store, rules, today)
    if not fresh:
        found = _load(cache_file, key)
        if found is not None:
            return found, True
    findings = analyze()
    _save(cache_file, key, findings)
    return findings, False


def _load(cache_file: Path, key: str) -> list[Finding] | None:
    try:
        saved = json.loads(cache_file.read_text(encoding="utf-8"))
        if saved.get("format") != FORMAT or saved.get("key") != key:
            return None
        return [Finding.model_validate(item) for item in saved["findings"]]
    except (OSError, ValueError, KeyError, TypeError):
        return None  # missing, half-written by a crash, or of another version: analyse again


def _save(cache_file: Path, key: str, findings: list[Finding]) -> None:
    """Written beside and renamed into place, so a reader never sees half a file."""
    cache_file.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps({"format": FORMAT, "key": key, "findings": [finding.as_dict() for finding in findings]},
                      ensure_ascii=False)
    handle, temporary = tempfile.mkstemp(prefix=cache_file.name, dir=cache_file.parent)
    with os.fdopen(handle, "w", encoding="utf-8") as stream:
        stream.write(text)
    os.replace(temporary, cache_file)
