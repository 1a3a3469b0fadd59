"""Governance findings: the gaps against "One system · One data · One service", from rules kept as data.

`analyze(graph)` runs every rule of `registry/rules/` (Cypher queries and the built-in fuzzy checks) and returns
`Finding`s naming the entities, the principle, the legal basis, the severity and the reason in Vietnamese and English.
"""

from registry.analysis.compliance import ComplianceScore, UnknownAgency, compliance_score
from registry.analysis.finding import EntityRef, Finding, Principle, Severity
from registry.analysis.rulebook import RULES_DIR, Rule, RuleError, load_rule_file, load_rules
from registry.analysis.runner import analyze, run_rule

__all__ = ["RULES_DIR", "ComplianceScore", "EntityRef", "Finding", "Principle", "Rule", "RuleError", "Severity",
           "UnknownAgency", "analyze", "compliance_score", "load_rule_file", "load_rules", "run_rule"]
