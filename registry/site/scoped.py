"""Read only what the sites of some ministries or provinces show, instead of the whole registry.

A province's pages show its own entities (what its agencies own and employ, the agencies themselves) with every
relationship of each, and name their neighbours, the entities the findings name and the ends of the changes
they list; a link to any of those needs its home site, that is its owner and the agency tree above it. So the read
is: the agency tree and the standards (small, and every site links to them), the scope's entities with all their
relationships, then the other entities named, each with its owners. At national scale a province is about 3% of the
registry. Every entity read this way gets the relationship lists the whole-registry read would give it (complete
for the scope's own entities, only its owners for the others), in the same order (`collect.snapshot_of`), so the
pages are the same; the national site and `--all` keep the whole read.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from pathlib import Path
from typing import Any

from graph_model import ENTITY_LABEL
from registry.analysis import Rule, load_rules
from registry.graph import RegistryGraph, type_of
from registry.site.bulk import bulk_rows
from registry.site.changes import read_changes
from registry.site.collect import (
    END,
    HAS_CONTENT,
    SiteData,
    Snapshot,
    compliance_scores,
    findings_of,
    snapshot_of,
)
from registry.site.scopes import NATIONAL, ScopeMap

CHUNK = 5_000  # ids per read
TREE_TYPES = ("Agency", "Standard")  # every site links to agencies and standards; both are few
HOME_RELATIONSHIPS = "OWNS|EMPLOYS|ISSUES"  # what decides the site of an entity's page, and who answers for it
NODE = "[labels(n), properties(n)]"

Nodes = dict[str, tuple[str, dict]]


class ScopeRead:
    """One scoped read: the tree first (enough to resolve scope names), then `read_own` for the chosen scopes, `add`
    for the other entities their pages name, and `snapshot`."""

    def __init__(self, graph: RegistryGraph) -> None:
        self.store = graph.store
        self.nodes: Nodes = {}
        self.ends: set[str] = set()
        self.content: dict[str, dict] = {}
        self.own: set[str] = set()
        for label in TREE_TYPES:
            self._add_nodes(bulk_rows(self.store, f"MATCH (n:{label})", NODE))
        self.ends.update(bulk_rows(self.store, f"MATCH (a:Agency)-[r:PART_OF]->(b:{ENTITY_LABEL})", END))
        self.ends.update(bulk_rows(self.store, f"MATCH (a:{ENTITY_LABEL})-[r:ISSUES]->(b:Standard)", END))
        self.tree = snapshot_of(list(self.nodes.values()), list(self.ends), {})

    def read_own(self, roots: Iterable[str]) -> set[str]:
        """Read the scopes of `roots` (agency ids): the agencies under them and what they own or employ, with every
        relationship of each, and their neighbours with the owners of those. Returns the ids read with every
        relationship (the scopes' own)."""
        agencies: set[str] = set()
        for root in roots:
            agencies.update(self.tree.descendants(root))
        own = agencies | set(self._read_values(
            f"UNWIND $ids AS id MATCH (a:Agency {{id: id}})-[:OWNS|EMPLOYS]->(b:{ENTITY_LABEL})", "b.id",
            sorted(agencies)))
        ordered = sorted(own)
        for match in (f"UNWIND $ids AS id MATCH (a:{ENTITY_LABEL} {{id: id}})-[r]->(b:{ENTITY_LABEL})",
                      f"UNWIND $ids AS id MATCH (a:{ENTITY_LABEL})-[r]->(b:{ENTITY_LABEL} {{id: id}})"):
            self.ends.update(self._read_values(match, END, ordered))
            self.content.update(self._read_values(f"{match} WHERE {HAS_CONTENT}", f"[{END}, properties(r)]", ordered))
        self.own |= own
        self.add(own | {part for end in self.ends for part in end.split(" ")[::2]})
        return own

    def add(self, ids: Iterable[str]) -> None:
        """Read the entities among `ids` not read yet; those outside the scopes with their owners (what their home
        site depends on) and nothing else."""
        missing = sorted(set(ids) - set(self.nodes))
        self._add_nodes(self._read_values(f"UNWIND $ids AS id MATCH (n:{ENTITY_LABEL} {{id: id}})", NODE, missing))
        others = sorted(entity_id for entity_id in missing if entity_id in self.nodes and entity_id not in self.own)
        self.ends.update(self._read_values(
            f"UNWIND $ids AS id MATCH (a:{ENTITY_LABEL})-[r:{HOME_RELATIONSHIPS}]->(b:{ENTITY_LABEL} {{id: id}})", END,
            others))

    def snapshot(self) -> Snapshot:
        """Everything read so far, as the whole read would have ordered it."""
        return snapshot_of(list(self.nodes.values()), list(self.ends), self.content)

    def _add_nodes(self, rows: Iterable[list]) -> None:
        for labels, props in rows:
            self.nodes[str(props["id"])] = (type_of(labels) or "?", props)

    def _read_values(self, match: str, value: str, ids: list[str]) -> Iterator[Any]:
        """The values of `match` for `ids`, a chunk of them per read."""
        for start in range(0, len(ids), CHUNK):
            yield from bulk_rows(self.store, match, value, {"ids": ids[start:start + CHUNK]})


def wants_scoped_read(names: Sequence[str] | None) -> bool:
    """Whether the sites asked for can be built from a scoped read: some named scopes, the national one not among
    them (it shows the whole registry)."""
    return bool(names) and NATIONAL not in (names or ())


def collect_scopes(graph: RegistryGraph, names: Sequence[str], today: date | None = None,
                   rules: list[Rule] | None = None, cache_file: Path | None = None, fresh: bool = False) -> SiteData:
    """What the sites of the named ministries or provinces (ids or slugs) show: the same pages as from
    `collect.collect`, for a fraction of the read. The findings are those of the whole registry (from the cache
    while it holds); the compliance scores are those of the agencies under the scopes. An unknown or national
    name is a KeyError, as `ScopeMap.resolve` words it."""
    reader = ScopeRead(graph)
    tree_scopes = ScopeMap(reader.tree)
    chosen = [tree_scopes.resolve(name) for name in names]  # before the analysis: a wrong name fails at once
    if any(scope.is_national for scope in chosen):
        raise KeyError("the national site needs the whole registry: use `collect.collect`")
    rules = load_rules() if rules is None else rules
    with ThreadPoolExecutor(max_workers=1) as pool:  # the store answers one while the other decodes or compares
        analysis = pool.submit(findings_of, graph, rules, today, cache_file, fresh)
        changes = read_changes(graph.store)
        own = reader.read_own([scope.agency_id or "" for scope in chosen])
        findings, cached = analysis.result()
    reader.add({ref.id for finding in findings for ref in finding.entities}
               | {end for entity_id in own if (log := changes.get(entity_id))
                  for line in log.latest for end in (line.entity, line.target) if end})
    snapshot = reader.snapshot()
    agencies = {entity_id for entity_id in own if entity_id in snapshot.entities
                and snapshot.entities[entity_id].type == "Agency"}
    return SiteData(snapshot=snapshot, rules=rules, findings=findings, changes=changes,
                    scores=compliance_scores(snapshot, rules, findings, only=agencies),
                    scope_keys=frozenset(scope.key for scope in chosen), findings_cached=cached)
