"""The governance findings and compliance scores over GraphQL.

`findings` runs the asked rules of `registry/rules/` (registry.analysis) on worker threads, each at most once per
request; the grouped fields (`duplicateSystems`, `dataCopies`, `missingConnections`, `orphans`) are the same
findings restricted to a fixed group of rules (documented in docs/graphql.md). A request for one rule runs that
rule only.
"""

from __future__ import annotations

import asyncio
from enum import Enum
from functools import partial
from typing import Any

import anyio.to_thread
import strawberry

from registry.analysis import Finding as FoundFinding
from registry.analysis import Rule, load_rules
from registry.analysis.compliance import ComplianceScore as Score
from registry.analysis.compliance import UnknownAgency, compliance_score, owned_entities, sub_agencies
from registry.analysis.context import AnalysisContext
from registry.analysis.runner import run_rule
from registry.api.errors import UserError
from registry.api.types import Entity, to_object
from registry.graph import RegistryGraph

DUPLICATE_RULES = ("duplicate-systems", "national-platform-copy")
DATA_COPY_RULES = ("dataset-master", "copy-not-synced", "citizen-data-through-platform",
                   "local-dataset-duplicates-national")
ORPHAN_RULES = ("owner-missing", "isolated-entity")


def missing_connection_rules(rules: list[Rule]) -> tuple[str, ...]:
    """The Cypher (`query`) rules no other group claims: the packaged connection and deadline rules, and every
    rule an architect adds as YAML."""
    claimed = set(DUPLICATE_RULES) | set(DATA_COPY_RULES) | set(ORPHAN_RULES)
    return tuple(rule.id for rule in rules if rule.query is not None and rule.id not in claimed)


@strawberry.enum(name="FindingSeverity", description="How serious a finding is.")
class FindingSeverity(Enum):
    high = "high"
    medium = "medium"
    low = "low"


@strawberry.type(description="An entity a finding names, with its role in it.")
class FindingEntity:
    id: strawberry.ID
    type: str = strawberry.field(description="Its node type (System, Dataset, Agency, …).")
    name: str
    role: str = strawberry.field(
        description="`subject` (the entity the finding is filed against), `duplicate`, `national`, `related` or "
                    "`owner`.")

    @strawberry.field(description="The entity itself, to ask for more of its fields (null if it is gone).")
    async def entity(self, info: strawberry.Info) -> Entity | None:  # type: ignore[valid-type]
        node = await info.context.loaders.nodes.load(str(self.id))
        return to_object(node) if node is not None else None


@strawberry.type(description="One gap against \"One system · One data · One service\", found by one rule.")
class Finding:
    rule: str = strawberry.field(description="The rule id (file name under registry/rules/).")
    title: str
    title_en: str
    principle: str = strawberry.field(description="`One system`, `One data` or `One service`.")
    pillar: str
    legal_basis: list[str]
    severity: FindingSeverity
    reason: str = strawberry.field(description="Why, in Vietnamese.")
    reason_en: str = strawberry.field(description="Why, in English.")
    score: float | None = strawberry.field(description="0..1 for the fuzzy findings; null otherwise.")
    evidence: list[str]
    entities: list[FindingEntity] = strawberry.field(description="The subject first, then the others and owners.")

    @strawberry.field(description="The entity the finding is filed against (the first of `entities`).")
    def subject(self) -> FindingEntity:
        return self.entities[0]


def to_finding(found: FoundFinding) -> Finding:
    return Finding(
        rule=found.rule, title=found.title, title_en=found.title_en, principle=str(found.principle),
        pillar=found.pillar, legal_basis=list(found.legal_basis), severity=FindingSeverity(str(found.severity)),
        reason=found.reason, reason_en=found.reason_en, score=found.score, evidence=list(found.evidence),
        entities=[FindingEntity(id=strawberry.ID(ref.id), type=ref.type, name=ref.name, role=ref.role)
                  for ref in found.entities])


def _graph(info: strawberry.Info) -> RegistryGraph:
    return RegistryGraph(info.context.reader.store)


def _rules(info: strawberry.Info) -> list[Rule]:
    cached = getattr(info.context, "_registry_rules", None)
    if cached is None:  # a broken rule file is the server's fault: it stays masked
        cached = load_rules()
        info.context._registry_rules = cached
    return cached


async def _findings_of(info: strawberry.Info, rule_ids: set[str]) -> list[FoundFinding]:
    """The findings of the asked rules only, most severe first. Each rule runs at most once per request, on a
    worker thread, and the rules of one request share one analysis context (its reads of systems, agencies and
    places), so sibling fields asking for the same rule await the same task."""
    tasks: dict[str, asyncio.Future[list[FoundFinding]]] = info.context.__dict__.setdefault("_registry_rule_tasks", {})
    if "_registry_analysis" not in info.context.__dict__:
        info.context._registry_analysis = AnalysisContext(_graph(info))
    context: AnalysisContext = info.context._registry_analysis
    by_id = {rule.id: rule for rule in _rules(info)}
    for rule_id in sorted(rule_ids):
        if rule_id not in tasks:
            tasks[rule_id] = asyncio.ensure_future(anyio.to_thread.run_sync(partial(run_rule, context, by_id[rule_id])))
    found = [finding for rule_id in sorted(rule_ids) for finding in await tasks[rule_id]]
    return sorted(found, key=FoundFinding.sort_key)


def _choose(rules: list[Rule], asked: list[str] | None, allowed: tuple[str, ...] | None = None) -> set[str]:
    """The rule ids to report: the asked ones (each must exist, and be in `allowed` when given), else `allowed`
    (else all)."""
    known = [rule.id for rule in rules]
    pool = [rule_id for rule_id in known if allowed is None or rule_id in allowed]
    if not asked:
        return set(pool)
    unknown = [rule_id for rule_id in asked if rule_id not in pool]
    if unknown:
        where = "known rules" if allowed is None else "rules of this field"
        raise UserError(f"unknown rule {', '.join(unknown)}; {where}: {', '.join(pool)}")
    return set(asked)


async def _agency_scope(info: strawberry.Info, agency: str) -> set[str]:
    """The ids an `agency` filter keeps: the agency, its sub-agencies, and everything they own."""
    graph = _graph(info)
    try:
        _, agencies = await anyio.to_thread.run_sync(sub_agencies, graph, agency)
    except UnknownAgency as error:
        raise UserError(str(error)) from None
    owned = await anyio.to_thread.run_sync(owned_entities, graph, agencies)
    return set(agencies) | {entity.id for entity in owned}


async def select(info: strawberry.Info, rule_ids: set[str], severity: FindingSeverity | None = None,
                 principle: str | None = None, agency: str | None = None) -> list[Finding]:
    found = await _findings_of(info, rule_ids)
    if severity is not None:
        found = [finding for finding in found if str(finding.severity) == severity.value]
    if principle is not None:
        wanted = principle.strip().replace("_", " ").lower()
        found = [finding for finding in found if str(finding.principle).lower() == wanted]
    if agency is not None:
        scope = await _agency_scope(info, agency)
        found = [finding for finding in found if finding.subject.id in scope]
    return [to_finding(finding) for finding in found]


async def resolve_findings(info: strawberry.Info, rule: list[str] | None = None,
                           severity: FindingSeverity | None = None, principle: str | None = None,
                           agency: strawberry.ID | None = None) -> list[Finding]:
    return await select(info, _choose(_rules(info), rule), severity, principle,
                        None if agency is None else str(agency))


async def resolve_duplicate_systems(info: strawberry.Info) -> list[Finding]:
    return await select(info, _choose(_rules(info), None, DUPLICATE_RULES))


async def resolve_data_copies(info: strawberry.Info) -> list[Finding]:
    return await select(info, _choose(_rules(info), None, DATA_COPY_RULES))


async def resolve_missing_connections(info: strawberry.Info, rule: str | None = None) -> list[Finding]:
    rules = _rules(info)
    return await select(info, _choose(rules, [rule] if rule else None, missing_connection_rules(rules)))


async def resolve_orphans(info: strawberry.Info) -> list[Finding]:
    return await select(info, _choose(_rules(info), None, ORPHAN_RULES))


# --- compliance ------------------------------------------------------------------------------------------

@strawberry.type(description="Checks of one rule on the agency's entities: met / checks.")
class RuleCompliance:
    rule: str
    pillar: str
    checks: int = strawberry.field(description="Owned entities the rule applies to.")
    met: int = strawberry.field(description="Of those, how many the rule found no fault with.")
    score: float | None = strawberry.field(description="met / checks; null when the rule applies to nothing owned.")


@strawberry.type(description="The share of rules met in one pillar.")
class PillarCompliance:
    pillar: str
    checks: int
    met: int
    score: float | None = strawberry.field(description="met / checks; null when no rule of the pillar applies.")
    rules: list[str]


@strawberry.type(description="Per agency (with its sub-agencies) and per pillar, the share of rules met.")
class ComplianceScore:
    agency: strawberry.ID
    agency_name: str
    agencies: list[strawberry.ID] = strawberry.field(description="The agency and its sub-agencies (PART_OF).")
    entities: int = strawberry.field(description="How many entities they own.")
    checks: int
    met: int
    score: float | None = strawberry.field(description="met / checks over every pillar; null when nothing applies.")
    pillars: list[PillarCompliance]
    rules: list[RuleCompliance]


def to_score(found: Score) -> ComplianceScore:
    return ComplianceScore(
        agency=strawberry.ID(found.agency), agency_name=found.agency_name,
        agencies=[strawberry.ID(item) for item in found.agencies], entities=found.entities, checks=found.checks,
        met=found.met, score=found.score,
        pillars=[PillarCompliance(pillar=p.pillar, checks=p.checks, met=p.met, score=p.score, rules=p.rules)
                 for p in found.pillars],
        rules=[RuleCompliance(rule=r.rule, pillar=r.pillar, checks=r.checks, met=r.met, score=r.score)
               for r in found.rules])


async def resolve_compliance_score(info: strawberry.Info, agency: strawberry.ID) -> ComplianceScore:
    findings = await _findings_of(info, {rule.id for rule in _rules(info)})  # a score weighs every rule
    try:
        found = await anyio.to_thread.run_sync(
            partial(compliance_score, _graph(info), str(agency), rules=_rules(info), findings=findings))
    except UnknownAgency as error:
        raise UserError(str(error)) from None
    return to_score(found)


def finding_fields() -> dict[str, Any]:
    """The root fields of the findings, to add to the Query type."""
    many = "Most severe first."
    return {
        "findings": strawberry.field(
            resolver=resolve_findings,
            description="Every governance finding, filtered: `rule` ids, `severity`, `principle` (`One system`, "
                        f"`One data`, `One service`), `agency` (its subject owned by it or a sub-agency). {many}"),
        "duplicate_systems": strawberry.field(
            resolver=resolve_duplicate_systems,
            description=f"Rules {', '.join(DUPLICATE_RULES)}: systems built twice. {many}"),
        "data_copies": strawberry.field(
            resolver=resolve_data_copies, description=f"Rules {', '.join(DATA_COPY_RULES)}. {many}"),
        "missing_connections": strawberry.field(
            resolver=resolve_missing_connections,
            description="The Cypher rules of registry/rules/ no other field covers (one-stop-shop-national-portal, "
                        f"provincial-portal-still-open and any added rule); `rule` picks one. {many}"),
        "orphans": strawberry.field(
            resolver=resolve_orphans, description=f"Rules {', '.join(ORPHAN_RULES)}. {many}"),
        "compliance_score": strawberry.field(
            resolver=resolve_compliance_score,
            description="Per pillar, the share of (owned entity, rule) checks met by the agency and its "
                        "sub-agencies."),
    }
