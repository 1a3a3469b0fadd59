"""Compliance scores: per agency and per pillar, the share of governance rules met by what the agency owns.

The unit is an (owned entity, rule) *check*. A rule applies to an entity when the entity is of a type (and, for
rules about one kind of system, a kind) the rule can find at fault (`RULE_SUBJECTS`); the entity *meets* the rule
when the rule produced no finding with that entity as its subject. An agency's score pools the checks of every
entity it owns and of everything its sub-agencies own (PART_OF, any depth), so a province's score includes its
departments and communes, weighted by how much each owns.

Rules that apply to none of the owned entities are not counted at all (neither met nor failed): a pillar with no
check has score `None` ("nothing to assess"), and so has the whole agency when it owns nothing assessable.
`owner-missing` never applies to an owned entity (it has an owner), so it is left out of every score.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any

from graph_model import DEFAULT_PILLARS, ENTITY_LABEL
from registry.analysis.finding import Finding
from registry.analysis.rulebook import Rule, load_rules, select_rules
from registry.analysis.runner import analyze
from registry.graph import RegistryGraph, type_of

OWNED_TYPES = frozenset({"System", "Platform", "Dataset", "Api", "PublicService", "Infrastructure"})


@dataclass(frozen=True)
class Applies:
    """Which owned entities a rule can find at fault: node types, and optionally only some kinds."""

    types: frozenset[str]
    kinds: frozenset[str] | None = None

    def to(self, entity: OwnedEntity) -> bool:
        return entity.type in self.types and (self.kinds is None or entity.kind in self.kinds)


_SYSTEMS = frozenset({"System", "Platform"})
RULE_SUBJECTS: dict[str, Applies] = {
    "one-stop-shop-national-portal": Applies(frozenset({"System"}), frozenset({"one_stop_shop"})),
    "provincial-portal-still-open": Applies(frozenset({"System"}), frozenset({"portal"})),
    "citizen-data-through-platform": Applies(_SYSTEMS),
    "copy-not-synced": Applies(_SYSTEMS),
    "dataset-master": Applies(frozenset({"Dataset"})),
    "local-dataset-duplicates-national": Applies(frozenset({"Dataset"})),
    "duplicate-systems": Applies(_SYSTEMS),
    "national-platform-copy": Applies(_SYSTEMS),
    "owner-missing": Applies(frozenset()),
    "isolated-entity": Applies(OWNED_TYPES),
}
"""What each packaged rule applies to. A rule added as YAML without an entry here applies to every owned entity."""


class UnknownAgency(ValueError):
    """The agency id names no Agency of the registry."""


@dataclass(frozen=True)
class OwnedEntity:
    id: str
    type: str
    kind: str | None
    owner: str


@dataclass
class Tally:
    """Checks made and met; the score is their ratio, or None when nothing was checked."""

    checks: int = 0
    met: int = 0

    @property
    def score(self) -> float | None:
        return self.met / self.checks if self.checks else None


@dataclass
class RuleScore(Tally):
    rule: str = ""
    pillar: str = ""


@dataclass
class PillarScore(Tally):
    pillar: str = ""
    rules: list[str] = field(default_factory=list)


@dataclass
class ComplianceScore(Tally):
    """The score of one agency with its sub-agencies: overall, per pillar and per rule."""

    agency: str = ""
    agency_name: str = ""
    agencies: list[str] = field(default_factory=list)
    entities: int = 0
    pillars: list[PillarScore] = field(default_factory=list)
    rules: list[RuleScore] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        """Plain data (for JSON), the scores included."""
        return {**asdict(self), "score": self.score,
                "pillars": [{**asdict(pillar), "score": pillar.score} for pillar in self.pillars],
                "rules": [{**asdict(rule), "score": rule.score} for rule in self.rules]}


_AGENCIES = "MATCH (a:Agency) OPTIONAL MATCH (a)-[:PART_OF]->(p:Agency) RETURN a.id AS id, a.name AS name, p.id AS parent"
_OWNED = (f"MATCH (a:Agency)-[:OWNS]->(n:{ENTITY_LABEL}) WHERE a.id IN $agencies "
          "RETURN a.id AS owner, n.id AS id, labels(n) AS labels, n.kind AS kind ORDER BY id")


def sub_agencies(graph: RegistryGraph, agency_id: str) -> tuple[str, list[str]]:
    """(name, [the agency and every agency under it by PART_OF, any depth]); UnknownAgency if it does not exist."""
    rows = graph.store.read(_AGENCIES)
    names = {row["id"]: row["name"] for row in rows}
    if agency_id not in names:
        raise UnknownAgency(f"unknown agency {agency_id!r}")
    children: dict[str, list[str]] = {}
    for row in rows:
        if row["parent"] is not None:
            children.setdefault(row["parent"], []).append(row["id"])
    found, todo = [agency_id], [agency_id]
    seen = {agency_id}
    while todo:
        for child in children.get(todo.pop(), []):
            if child not in seen:  # a PART_OF cycle must not loop forever
                seen.add(child)
                found.append(child)
                todo.append(child)
    return str(names[agency_id]), sorted(found)


def owned_entities(graph: RegistryGraph, agencies: Iterable[str]) -> list[OwnedEntity]:
    """What the given agencies own (OWNS), with type and kind."""
    rows = graph.store.read(_OWNED, {"agencies": sorted(set(agencies))})
    return [OwnedEntity(row["id"], type_of(row["labels"]) or "?", row["kind"], row["owner"]) for row in rows]


def applies(rule: Rule) -> Applies:
    return RULE_SUBJECTS.get(rule.id, Applies(OWNED_TYPES))


def score(rules: list[Rule], findings: list[Finding], entities: list[OwnedEntity]) -> tuple[list[PillarScore],
                                                                                          list[RuleScore]]:
    """Per-pillar and per-rule tallies of the (entity, rule) checks, from findings already computed."""
    at_fault = {(finding.rule, finding.subject.id) for finding in findings}
    by_rule: list[RuleScore] = []
    pillars: dict[str, PillarScore] = {}
    for rule in rules:
        applies_to = applies(rule)
        if not applies_to.types:
            continue
        tally = RuleScore(rule=rule.id, pillar=rule.pillar)
        for entity in entities:
            if applies_to.to(entity):
                tally.checks += 1
                tally.met += (rule.id, entity.id) not in at_fault
        by_rule.append(tally)
        pillar = pillars.setdefault(rule.pillar, PillarScore(pillar=rule.pillar))
        pillar.rules.append(rule.id)
        pillar.checks += tally.checks
        pillar.met += tally.met
    order = {pillar: index for index, pillar in enumerate(DEFAULT_PILLARS.ids())}
    return sorted(pillars.values(), key=lambda p: order.get(p.pillar, len(order))), by_rule


def compliance_score(graph: RegistryGraph, agency_id: str, rules: list[Rule] | None = None,
                     findings: list[Finding] | None = None, today: date | None = None,
                     rule_ids: Iterable[str] | None = None) -> ComplianceScore:
    """The compliance score of an agency and its sub-agencies (see the module docstring for what counts).

    `rule_ids` keeps only those rules (an unknown id is a RuleError); pass `findings` (of the same rules) to reuse
    an analysis already run. An unknown agency is UnknownAgency."""
    rules = select_rules(load_rules() if rules is None else rules, rule_ids)
    name, agencies = sub_agencies(graph, agency_id)
    entities = owned_entities(graph, agencies)
    if findings is None:
        findings = analyze(graph, rules=rules, today=today)
    pillars, by_rule = score(rules, findings, entities)
    return ComplianceScore(agency=agency_id, agency_name=name, agencies=agencies, entities=len(entities),
                           checks=sum(p.checks for p in pillars), met=sum(p.met for p in pillars),
                           pillars=pillars, rules=by_rule)


def compliance_table(score: ComplianceScore) -> Any:
    """A rich Table of the score per pillar, for `registry analyze --agency ID`."""
    from rich.markup import escape
    from rich.table import Table

    def percent(value: float | None) -> str:
        return "—" if value is None else f"{value:.0%}"

    table = Table("pillar", "rules", "checks", "met", "score",
                  title=escape(f"Tuân thủ / Compliance: {score.agency_name} ({score.agency}) — "
                               f"{len(score.agencies)} agencies, {score.entities} entities"))
    for pillar in score.pillars:
        table.add_row(pillar.pillar, ", ".join(pillar.rules), str(pillar.checks), str(pillar.met),
                      percent(pillar.score))
    table.add_row("all", "", str(score.checks), str(score.met), percent(score.score))
    return table
