"""Everything the site shows, read from the graph once: entities, relationships, findings, compliance scores.

Pages are generated from this in-memory snapshot, never by querying the store per page: the whole registry is
read in a few bulk reads (`RegistryGraph.iter_nodes` / `iter_relationships`, which page by keyset) and the
analysis runs once, so building one scope or every scope costs the same reads.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from graph_model import DEFAULT_PILLARS, PillarTaxonomy
from graph_model.nodes import stored_content
from registry.analysis import Finding, Rule, analyze, load_rules
from registry.analysis.compliance import ComplianceScore, OwnedEntity, PillarScore, RuleScore, applies
from registry.graph import RegistryGraph

OWNED_TYPES = frozenset({"System", "Platform", "Dataset", "Api", "PublicService", "Infrastructure"})


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
    """Every entity and relationship, in paged bulk reads."""
    snapshot = Snapshot()
    for node in graph.iter_nodes():
        entity_id = str(node.props["id"])
        snapshot.entities[entity_id] = Entity(entity_id, node.type, dict(node.props))
    for rel in graph.iter_relationships():
        snapshot.add_edge(Edge(rel.type, rel.source_id, rel.target_id, stored_content(rel.props)))
    return snapshot


@dataclass
class SiteData:
    """What every page of every scope draws on."""

    snapshot: Snapshot
    rules: list[Rule]
    findings: list[Finding]
    scores: dict[str, ComplianceScore]
    pillars: PillarTaxonomy = DEFAULT_PILLARS
    as_of: str | None = None

    def findings_about(self, entity_id: str) -> list[Finding]:
        return self._findings_by_entity.get(entity_id, [])

    def __post_init__(self) -> None:
        self._findings_by_entity: dict[str, list[Finding]] = defaultdict(list)
        for finding in self.findings:
            for entity_id in dict.fromkeys(ref.id for ref in finding.entities):
                self._findings_by_entity[entity_id].append(finding)


def compliance_scores(snapshot: Snapshot, rules: list[Rule], findings: Iterable[Finding]) -> dict[str, ComplianceScore]:
    """The compliance score of every agency with its sub-agencies, as `registry.analysis.compliance` defines it.

    `compliance_score` reads the store per agency; the site needs all of them, so the same tallies are made here
    once per owned entity and summed up the PART_OF tree."""
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


def collect(graph: RegistryGraph, today: date | None = None, rules: list[Rule] | None = None) -> SiteData:
    """Read the registry and run the analysis once for the whole site."""
    snapshot = read_snapshot(graph)
    rules = load_rules() if rules is None else rules
    findings = analyze(graph, rules=rules, today=today)
    return SiteData(snapshot=snapshot, rules=rules, findings=findings,
                    scores=compliance_scores(snapshot, rules, findings), as_of=latest_update(snapshot))
