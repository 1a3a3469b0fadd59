"""Run governance rules over a graph and turn their rows into findings with named entities and reasons."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date
from typing import Any

from registry.analysis import queries
from registry.analysis.context import AnalysisContext
from registry.analysis.copies import local_datasets_duplicating_national
from registry.analysis.duplicates import duplicate_systems, national_platform_copies
from registry.analysis.finding import EntityRef, Finding
from registry.analysis.rulebook import Rule, RuleError, load_rules, select_rules
from registry.graph import RegistryGraph

Check = Callable[[AnalysisContext, Rule], list[Finding]]
CHECKS: dict[str, Check] = {
    "duplicate_systems": duplicate_systems,
    "national_platform_copies": national_platform_copies,
    "local_datasets_duplicating_national": local_datasets_duplicating_national,
}
MISSING = "—"


class _Row(dict):
    """Template values; a placeholder the query did not return is an error naming the rule."""

    def __init__(self, rule: Rule, values: dict[str, Any]) -> None:
        super().__init__({key: MISSING if value is None else _text(value) for key, value in values.items()})
        self.rule = rule

    def __missing__(self, key: str) -> str:
        raise RuleError(f"{self.rule.source or self.rule.id}: field reason: the template uses {{{key}}} but the "
                        f"query returns no column {key!r} (it returns: {', '.join(sorted(self))})")


def _text(value: Any) -> str:
    if isinstance(value, list):
        return ", ".join(str(item) for item in value)
    return str(value)


def _related(value: Any) -> list[str]:
    if value is None:
        return []
    return [str(item) for item in value if item] if isinstance(value, list) else [str(value)]


def run_query_rule(context: AnalysisContext, rule: Rule) -> list[Finding]:
    """Rows of the rule's query → findings; the subject, its owner and `related` ids are named in one read."""
    assert rule.query is not None
    rows = context.graph.store.read(rule.query, {**rule.params, "today": context.today.isoformat()})
    for row in rows[:1]:
        if "id" not in row:
            raise RuleError(f"{rule.source or rule.id}: field query: returns no `id` column")
    ids = [row["id"] for row in rows] + [item for row in rows for item in _related(row.get("related"))]
    names = queries.entity_refs(context.graph, ids)
    owned = queries.owners(context.graph, [row["id"] for row in rows])
    findings = []
    seen: set[tuple[str, tuple[str, ...]]] = set()
    for row in rows:
        related = _related(row.get("related"))
        key = (row["id"], tuple(related))
        if key in seen:
            continue
        seen.add(key)
        kind, name = names.get(row["id"], ("?", row["id"]))
        owner = owned.get(row["id"])
        values = {"id": row["id"], "type": kind, "name": name, "owner_id": owner[0] if owner else None,
                  "owner_name": owner[1] if owner else None, **row}
        template = _Row(rule, values)
        entities = [EntityRef(id=row["id"], type=kind, name=name)]
        entities += [EntityRef(id=item, type=names.get(item, ("?", item))[0], name=names.get(item, ("?", item))[1],
                               role="related") for item in related]
        if owner:
            entities.append(EntityRef(id=owner[0], type="Agency", name=owner[1], role="owner"))
        findings.append(Finding(
            rule=rule.id, title=rule.title, title_en=rule.title_en, principle=rule.principle, pillar=rule.pillar,
            legal_basis=rule.legal_basis, severity=rule.severity, entities=entities,
            reason=(rule.reason or "").format_map(template), reason_en=(rule.reason_en or "").format_map(template),
            score=float(row["score"]) if isinstance(row.get("score"), (int, float)) else None,
        ))
    return findings


def run_rule(context: AnalysisContext, rule: Rule) -> list[Finding]:
    """The findings of one rule, whether a Cypher query or a built-in check."""
    if rule.check is not None:
        return CHECKS[rule.check](context, rule)
    return run_query_rule(context, rule)


def analyze(graph: RegistryGraph, rule_ids: Iterable[str] | None = None, rules: list[Rule] | None = None,
            today: date | None = None) -> list[Finding]:
    """Every finding of the chosen rules (default: all packaged rules), most severe first.

    An unknown rule id is a RuleError listing the known ones."""
    rules = select_rules(load_rules() if rules is None else rules, rule_ids)
    context = AnalysisContext(graph, today)
    findings = [finding for rule in rules for finding in run_rule(context, rule)]
    return sorted(findings, key=Finding.sort_key)
