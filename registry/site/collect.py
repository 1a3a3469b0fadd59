"""Everything the site shows, read from the graph once: entities, relationships, findings, compliance scores.

Pages are generated from this in-memory snapshot, never by querying the store per page: the whole registry is
read in a few bulk reads (on the embedded store by ranges of internal ids, see `_falkordb_pages`; elsewhere
`RegistryGraph.iter_nodes` / `iter_relationships`, which page by keyset) and the analysis runs once (or its
findings are reused, `findings_cache`). The national site and `--all` need all of it; the sites of a few ministries
or provinces are built from a read of their part only (`scoped`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from graph_model import DEFAULT_PILLARS, ENTITY_LABEL, PillarTaxonomy
from graph_model.nodes import PROVENANCE_FIELDS, stored_content
from graph_model.relationships import RELATIONSHIP_TYPES
from graph_model.schema import SEARCH_PROPERTY
from registry.analysis import Finding, Rule, analyze, load_rules
from registry.analysis.compliance import (
    ComplianceScore,
    OwnedEntity,
    PillarScore,
    RuleScore,
    applies,
)
from registry.graph import RegistryGraph, type_of
from registry.site.bulk import bulk_rows
from registry.site.changes import EntityChanges, read_changes
from registry.site.findings_cache import cached_findings

# What a relationship holds besides its ends and provenance (description, since, sync_method, …).
REL_CONTENT_FIELDS = tuple(sorted({name for model in RELATIONSHIP_TYPES.values() for name in model.model_fields}
                                  - {"source_id", "target_id", "type"} - PROVENANCE_FIELDS))
ID_PAGE = 10_000  # internal node ids per read of the embedded store (see `_falkordb_pages`)
OWNED_TYPES = frozenset({"System", "Platform", "Dataset", "Api", "PublicService", "Infrastructure"})
END = "a.id + ' ' + type(r) + ' ' + b.id"  # a relationship as one `source TYPE target` string (ids hold no space)
HAS_CONTENT = " OR ".join(f"r.{name} IS NOT NULL" for name in REL_CONTENT_FIELDS)


@dataclass(frozen=True, slots=True)
class Edge:
    """A relationship without its provenance (the site shows the provenance of entities, not of every link)."""

    type: str
    source: str
    target: str
    props: dict[str, Any]


@dataclass(slots=True)
class Entity:
    id: str
    type: str
    props: dict[str, Any]

    @property
    def name(self) -> str:
        return str(self.props.get("name") or self.id)

    @property
    def name_en(self) -> str | None:
        return self.props.get("name_en")

    @property
    def pillar(self) -> str | None:
        return self.props.get("pillar")

    @property
    def level(self) -> str | None:
        return self.props.get("level")

    def display_name(self, lang: str) -> str:
        """The name an English reader sees is the English one when there is one; Vietnamese otherwise."""
        return (self.name_en or self.name) if lang == "en" else self.name


@dataclass
class Snapshot:
    """The entity graph in memory, with both directions of every relationship indexed."""

    entities: dict[str, Entity] = field(default_factory=dict)
    outgoing: dict[str, list[Edge]] = field(default_factory=lambda: defaultdict(list))
    incoming: dict[str, list[Edge]] = field(default_factory=lambda: defaultdict(list))

    def add_edge(self, edge: Edge) -> None:
        self.outgoing[edge.source].append(edge)
        self.incoming[edge.target].append(edge)

    def out(self, entity_id: str, rel_type: str | None = None) -> list[Edge]:
        return [edge for edge in self.outgoing.get(entity_id, ()) if rel_type is None or edge.type == rel_type]

    def into(self, entity_id: str, rel_type: str | None = None) -> list[Edge]:
        return [edge for edge in self.incoming.get(entity_id, ()) if rel_type is None or edge.type == rel_type]

    def owner(self, entity_id: str) -> str | None:
        return next((edge.source for edge in self.into(entity_id, "OWNS")), None)

    def parent(self, agency_id: str) -> str | None:
        return next((edge.target for edge in self.out(agency_id, "PART_OF")), None)

    def children(self, agency_id: str) -> list[str]:
        return sorted(edge.source for edge in self.into(agency_id, "PART_OF"))

    def of_type(self, node_type: str) -> list[Entity]:
        return sorted((entity for entity in self.entities.values() if entity.type == node_type),
                      key=lambda entity: (entity.name, entity.id))

    def descendants(self, agency_id: str) -> list[str]:
        """The agency and every agency under it by PART_OF (any depth; a cycle cannot loop)."""
        found, todo, seen = [agency_id], [agency_id], {agency_id}
        while todo:
            for child in self.children(todo.pop()):
                if child not in seen:
                    seen.add(child)
                    found.append(child)
                    todo.append(child)
        return found


def read_snapshot(graph: RegistryGraph) -> Snapshot:
    """Every entity and relationship, in paged bulk reads; entities in id order, relationships in (source, type,
    target) order, whichever store they come from."""
    if getattr(graph.store, "dialect", None) == "falkordb":
        nodes, ends, content = _falkordb_pages(graph)
    else:
        nodes = [(node.type, node.props) for node in graph.iter_nodes()]
        ends, content = [], {}
        for rel in graph.iter_relationships():
            ends.append(f"{rel.source_id} {rel.type} {rel.target_id}")
            content[ends[-1]] = rel.props
    return snapshot_of(nodes, ends, content)


def snapshot_of(nodes: list[tuple[str, dict]], ends: list[str], content: dict[str, dict]) -> Snapshot:
    """The snapshot of what a read returned: `nodes` as (type, properties), relationships as `source TYPE target`
    strings with the properties of those that have content. Entities go in id order and relationships in
    (source, type, target) order, so any part of the registry read gives each entity the same lists, in the same
    order, as the whole registry read would. Each relationship is in `ends` once."""
    snapshot = Snapshot()
    nodes = sorted(nodes, key=lambda node: str(node[1]["id"]))
    for node_type, props in nodes:
        entity_id = str(props["id"])
        props = dict(props)
        props.pop(SEARCH_PROPERTY, None)
        snapshot.entities[entity_id] = Entity(entity_id, node_type, props)
    # "source TYPE target": ids and types hold no space, which sorts lower than any character they hold, so the
    # strings sort as the (source, type, target) tuples would.
    outgoing, incoming = snapshot.outgoing, snapshot.incoming
    no_props: dict[str, Any] = {}  # shared by every relationship without content (read-only, like all of them)
    ends.sort()
    for key in ends:
        source, rel_type, target = key.split(" ")
        props = content.get(key)
        edge = Edge(rel_type, source, target, stored_content(props) if props else no_props)
        outgoing[source].append(edge)
        incoming[target].append(edge)
    return snapshot


def _falkordb_pages(graph: RegistryGraph, page_size: int = ID_PAGE) -> tuple[list, list[str], dict[str, dict]]:
    """Nodes and relationships read by ranges of FalkorDB's internal node ids, a few ranges at a time.

    `iter_nodes` pages by keyset (`WHERE n.id > $after ORDER BY n.id LIMIT …`), which FalkorDB answers by sorting
    every remaining node for each page: at 510,000 nodes a page of 1,000 took 3–4 s, the whole read about 24
    minutes. A range of internal ids is a seek (`Node By Label and ID Scan`). Each range comes back as one JSON
    text (`bulk.bulk_rows`); relationships as `source TYPE target` strings (ids hold no space), only those with
    content (a description, a sync method, …) with their properties. Three ranges are read at once, so the server
    answers one while the client decodes another."""
    store = graph.store
    top = store.read(f"MATCH (n:{ENTITY_LABEL}) RETURN max(id(n)) AS top")
    highest = top[0]["top"] if top and top[0]["top"] is not None else -1
    within = "WHERE id(a) >= $low AND id(a) < $high"

    def read_range(low: int) -> tuple[list, list, list]:
        bounds = {"low": low, "high": low + page_size}
        return (bulk_rows(store, f"MATCH (n:{ENTITY_LABEL}) WHERE id(n) >= $low AND id(n) < $high",
                          "[labels(n), properties(n)]", bounds),
                bulk_rows(store, f"MATCH (a:{ENTITY_LABEL})-[r]->(b:{ENTITY_LABEL}) {within}", END, bounds),
                bulk_rows(store, f"MATCH (a:{ENTITY_LABEL})-[r]->(b:{ENTITY_LABEL}) {within} AND ({HAS_CONTENT})",
                          f"[{END}, properties(r)]", bounds))

    nodes: list[tuple[str, dict]] = []
    ends: list[str] = []
    content: dict[str, dict] = {}
    with ThreadPoolExecutor(max_workers=3) as pool:
        for node_rows, end_rows, content_rows in pool.map(read_range, range(0, highest + 1, page_size)):
            nodes.extend((type_of(labels) or "?", props) for labels, props in node_rows)
            ends.extend(end_rows)
            content.update(content_rows)
    return nodes, ends, content


@dataclass
class SiteData:
    """What every page of every scope draws on."""

    snapshot: Snapshot
    rules: list[Rule]
    findings: list[Finding]
    scores: dict[str, ComplianceScore]
    pillars: PillarTaxonomy = DEFAULT_PILLARS
    as_of: str | None = None
    changes: dict[str, EntityChanges] = field(default_factory=dict)  # entity id → its change log
    scope_keys: frozenset[str] | None = None
    """The scopes whose sites this data can build (None: every scope; see `scoped.collect_scopes`)."""
    findings_cached: bool = False  # the findings came from the last build's cache (`findings_cache`)

    def findings_about(self, entity_id: str) -> list[Finding]:
        return self._findings_by_entity.get(entity_id, [])

    def __post_init__(self) -> None:
        self._findings_by_entity: dict[str, list[Finding]] = defaultdict(list)
        for finding in self.findings:
            for entity_id in dict.fromkeys(ref.id for ref in finding.entities):
                self._findings_by_entity[entity_id].append(finding)


def compliance_scores(snapshot: Snapshot, rules: list[Rule], findings: Iterable[Finding],
                      only: Collection[str] | None = None) -> dict[str, ComplianceScore]:
    """The compliance score of every agency with its sub-agencies (or of the agencies `only`), as
    `registry.analysis.compliance` defines it.

    `compliance_score` reads the store per agency; the site needs all of them, so the same tallies are made here
    once per owned entity and summed up the PART_OF tree. A snapshot of part of the registry holds everything
    owned under the agencies it was read for, and only their scores are right: name them in `only`."""
    at_fault = {(finding.rule, finding.subject.id) for finding in findings}
    scored = [(rule, applies(rule)) for rule in rules]
    scored = [(rule, applies_to) for rule, applies_to in scored if applies_to.types]
    own: dict[str, dict[str, list[int]]] = {}  # agency → rule → [checks, met]
    owned_count: dict[str, int] = defaultdict(int)
    agencies = snapshot.of_type("Agency")
    for agency in agencies:
        tallies = {rule.id: [0, 0] for rule, _ in scored}
        for edge in snapshot.out(agency.id, "OWNS"):
            target = snapshot.entities.get(edge.target)
            if target is None or target.type not in OWNED_TYPES:
                continue
            owned_count[agency.id] += 1
            owned = OwnedEntity(target.id, target.type, target.props.get("kind"), agency.id)
            for rule, applies_to in scored:
                if applies_to.to(owned):
                    tallies[rule.id][0] += 1
                    tallies[rule.id][1] += (rule.id, target.id) not in at_fault
        own[agency.id] = tallies
    order = {pillar: index for index, pillar in enumerate(DEFAULT_PILLARS.ids())}
    scores: dict[str, ComplianceScore] = {}
    for agency in agencies:
        if only is not None and agency.id not in only:
            continue
        members = sorted(snapshot.descendants(agency.id))
        by_rule: list[RuleScore] = []
        pillars: dict[str, PillarScore] = {}
        for rule, _ in scored:
            checks = sum(own[member][rule.id][0] for member in members)
            met = sum(own[member][rule.id][1] for member in members)
            by_rule.append(RuleScore(checks=checks, met=met, rule=rule.id, pillar=rule.pillar))
            pillar = pillars.setdefault(rule.pillar, PillarScore(pillar=rule.pillar))
            pillar.rules.append(rule.id)
            pillar.checks += checks
            pillar.met += met
        ordered = sorted(pillars.values(), key=lambda p: order.get(p.pillar, len(order)))
        scores[agency.id] = ComplianceScore(
            agency=agency.id, agency_name=agency.name, agencies=members,
            entities=sum(owned_count[member] for member in members),
            checks=sum(p.checks for p in ordered), met=sum(p.met for p in ordered), pillars=ordered, rules=by_rule)
    return scores


def latest_update(snapshot: Snapshot) -> str | None:
    """The newest `updated_at` in the registry: a date the pages can show that changes only when data does."""
    stamps = [str(entity.props["updated_at"]) for entity in snapshot.entities.values() if entity.props.get("updated_at")]
    return max(stamps)[:10] if stamps else None


def collect(graph: RegistryGraph, today: date | None = None, rules: list[Rule] | None = None,
            cache_file: Path | None = None, fresh: bool = False) -> SiteData:
    """Read the whole registry and run the analysis once for every site (the findings reused from `cache_file`
    while the graph is unchanged, unless `fresh`)."""
    rules = load_rules() if rules is None else rules
    findings, cached = findings_of(graph, rules, today, cache_file, fresh)
    snapshot = read_snapshot(graph)
    changes = read_changes(graph.store)
    return SiteData(snapshot=snapshot, rules=rules, findings=findings,
                    scores=compliance_scores(snapshot, rules, findings), as_of=latest_update(snapshot),
                    changes=changes, findings_cached=cached)


def findings_of(graph: RegistryGraph, rules: list[Rule], today: date | None, cache_file: Path | None,
                fresh: bool) -> tuple[list[Finding], bool]:
    """Every finding of the registry (from the cache when it still holds), and whether it came from the cache."""
    day = today or date.today()
    return cached_findings(graph.store, rules, day, cache_file, lambda: analyze(graph, rules=rules, today=day), fresh)
