"""Governance rules as data: the YAML files under `registry/rules/`, loaded and checked before anything runs.

A rule is either a read-only Cypher `query` (most rules: an architect adds one without Python) or a `check`
naming one of the built-in analyses that need more than Cypher (fuzzy name matching). Either way its title,
principle, pillar, legal basis and severity live in the YAML, so every finding cites them the same way.
"""

from __future__ import annotations

import re
import string
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from graph_model import DEFAULT_PILLARS
from registry.analysis.finding import Principle, Severity

RULES_DIR = Path(__file__).resolve().parent.parent / "rules"
RULE_ID_PATTERN = r"^[a-z0-9]+(-[a-z0-9]+)*$"
BUILTIN_CHECKS = frozenset({"duplicate_systems", "national_platform_copies", "local_datasets_duplicating_national"})
# Words that change data or call procedures; a rule query must only read. (Neo4j also runs it in a READ
# transaction and FalkorDB with GRAPH.RO_QUERY, so this is the first of two locks.)
_WRITE_CLAUSE = re.compile(r"\b(CREATE|MERGE|DELETE|DETACH|SET|REMOVE|DROP|FOREACH|LOAD\s+CSV|CALL)\b", re.IGNORECASE)
_STRING_LITERAL = re.compile(r"'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\"")


class RuleError(ValueError):
    """A rule file is unreadable or invalid; the message names the file and the field."""


class Rule(BaseModel):
    """One governance rule, as written in its YAML file."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    id: str = Field(pattern=RULE_ID_PATTERN)
    title: str = Field(min_length=1, description="Vietnamese title")
    title_en: str = Field(min_length=1)
    principle: Principle
    pillar: str
    legal_basis: list[str] = Field(min_length=1, description="Document numbers, e.g. Decree 278/2025/NĐ-CP")
    severity: Severity
    description: str = Field(min_length=1)
    query: str | None = Field(default=None, description="Read-only Cypher returning at least an `id` column")
    check: str | None = Field(default=None, description="Name of a built-in analysis instead of a query")
    params: dict[str, Any] = Field(default_factory=dict, description="Query parameters ($today is added)")
    reason: str | None = Field(default=None, description="Vietnamese reason template with {column} placeholders")
    reason_en: str | None = None
    source: str | None = Field(default=None, exclude=True, description="The file the rule came from")

    @field_validator("pillar")
    @classmethod
    def _pillar_is_known(cls, value: str) -> str:
        if value not in DEFAULT_PILLARS:
            raise ValueError(f"unknown pillar {value!r}; known pillars: {', '.join(DEFAULT_PILLARS.ids())}")
        return value

    @field_validator("query")
    @classmethod
    def _query_only_reads(cls, value: str | None) -> str | None:
        if value is None:
            return value
        found = _WRITE_CLAUSE.search(_STRING_LITERAL.sub("''", value))
        if found:
            raise ValueError(f"a rule query must only read; it contains {found.group(1).upper()!r}")
        if not re.search(r"\bAS\s+id\b", value) and not re.search(r"RETURN\s+(DISTINCT\s+)?id\b", value):
            raise ValueError("the query must return the violating entity's id as a column named `id`")
        return value

    @field_validator("check")
    @classmethod
    def _check_is_builtin(cls, value: str | None) -> str | None:
        if value is not None and value not in BUILTIN_CHECKS:
            raise ValueError(f"unknown check {value!r}; built-in checks: {', '.join(sorted(BUILTIN_CHECKS))}")
        return value

    @field_validator("reason", "reason_en")
    @classmethod
    def _template_parses(cls, value: str | None) -> str | None:
        if value is not None:
            try:
                list(string.Formatter().parse(value))
            except ValueError as error:
                raise ValueError(f"not a valid template: {error}") from None
        return value

    @model_validator(mode="after")
    def _query_or_check(self) -> Rule:
        if (self.query is None) == (self.check is None):
            raise ValueError("give exactly one of `query` (Cypher) or `check` (a built-in analysis)")
        if self.query is not None and (self.reason is None or self.reason_en is None):
            raise ValueError("a query rule needs `reason` and `reason_en` templates")
        return self

    def placeholders(self) -> set[str]:
        """The column names the reason templates use."""
        return {name for template in (self.reason, self.reason_en) if template
                for _, name, _, _ in string.Formatter().parse(template) if name}


def load_rule_file(path: Path) -> list[Rule]:
    """The rules in one file (a mapping, or a list of mappings); a bad file raises RuleError naming it."""
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as error:
        raise RuleError(f"{path}: cannot read the rule file: {error}") from None
    items = raw if isinstance(raw, list) else [raw]
    rules = []
    for index, item in enumerate(items):
        where = f"{path}" if len(items) == 1 else f"{path} (rule {index + 1})"
        if not isinstance(item, dict):
            raise RuleError(f"{where}: a rule must be a mapping of fields, not {type(item).__name__}")
        try:
            rules.append(Rule.model_validate({**item, "source": str(path)}))
        except ValidationError as error:
            problems = "; ".join(f"field {'.'.join(map(str, e['loc'])) or '(rule)'}: {e['msg']}"
                                 for e in error.errors())
            raise RuleError(f"{where}: {problems}") from None
    return rules


def load_rules(paths: Iterable[Path] | None = None) -> list[Rule]:
    """Every rule of the given files or folders (default: the packaged `registry/rules/`), ids unique."""
    files: list[Path] = []
    for path in paths or [RULES_DIR]:
        files.extend(sorted(path.glob("*.yaml")) + sorted(path.glob("*.yml")) if path.is_dir() else [path])
    rules: list[Rule] = []
    seen: dict[str, str] = {}
    for file in files:
        for rule in load_rule_file(file):
            if rule.id in seen:
                raise RuleError(f"{file}: field id: rule {rule.id!r} is already defined in {seen[rule.id]}")
            seen[rule.id] = str(file)
            rules.append(rule)
    return rules


def select_rules(rules: list[Rule], rule_ids: Iterable[str] | None) -> list[Rule]:
    """The rules named by `rule_ids` (all of them when none are named); an unknown id is a RuleError listing the
    known ones."""
    chosen = set(rule_ids or [])
    unknown = chosen - {rule.id for rule in rules}
    if unknown:
        raise RuleError(f"unknown rule {', '.join(sorted(unknown))}; known rules: "
                        f"{', '.join(rule.id for rule in rules)}")
    return [rule for rule in rules if not chosen or rule.id in chosen]
