"""Rule files: the packaged ones load; a bad one is refused with its file and field named."""

from __future__ import annotations

from pathlib import Path

import pytest

from registry.analysis import RuleError, load_rule_file, load_rules

GOOD = """
id: my-rule
title: Tiêu đề
title_en: Title
principle: One data
pillar: data
legal_basis: [Decree 278/2025/NĐ-CP]
severity: low
description: Why it matters.
query: "MATCH (d:Dataset) RETURN d.id AS id"
reason: "“{name}”"
reason_en: "“{name}”"
"""


def write(tmp_path: Path, text: str, name: str = "rule.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_the_packaged_rules_load_and_cover_the_three_principles():
    rules = load_rules()
    assert {rule.principle for rule in rules} == {"One system", "One data", "One service"}
    assert {"one-stop-shop-national-portal", "provincial-portal-still-open", "citizen-data-through-platform",
            "copy-not-synced", "dataset-master", "owner-missing", "isolated-entity", "duplicate-systems",
            "national-platform-copy", "local-dataset-duplicates-national"} <= {rule.id for rule in rules}


def test_a_valid_rule_file_loads(tmp_path):
    [rule] = load_rule_file(write(tmp_path, GOOD))
    assert rule.id == "my-rule" and rule.placeholders() == {"name"}


@pytest.mark.parametrize(("change", "field", "message"), [
    (("severity: low", "severity: urgent"), "severity", "Input should be"),
    (("pillar: data", "pillar: finance"), "pillar", "unknown pillar 'finance'"),
    (("principle: One data", "principle: One portal"), "principle", "Input should be"),
    (('query: "MATCH (d:Dataset) RETURN d.id AS id"', 'query: "MATCH (d:Dataset) DETACH DELETE d RETURN 1 AS id"'),
     "query", "must only read"),
    (('query: "MATCH (d:Dataset) RETURN d.id AS id"', 'query: "MATCH (d:Dataset) RETURN d.name AS name"'),
     "query", "column named `id`"),
    (("legal_basis: [Decree 278/2025/NĐ-CP]", "legal_basis: []"), "legal_basis", "at least 1"),
])
def test_a_bad_rule_names_its_file_and_field(tmp_path, change, field, message):
    path = write(tmp_path, GOOD.replace(*change))
    with pytest.raises(RuleError) as error:
        load_rule_file(path)
    assert str(path) in str(error.value) and f"field {field}" in str(error.value) and message in str(error.value)


def test_a_rule_needs_a_query_or_a_check_not_both(tmp_path):
    path = write(tmp_path, GOOD + "check: duplicate_systems\n")
    with pytest.raises(RuleError, match="exactly one of `query`"):
        load_rule_file(path)


def test_two_rules_with_one_id_are_refused(tmp_path):
    write(tmp_path, GOOD, "a.yaml")
    write(tmp_path, GOOD, "b.yaml")
    with pytest.raises(RuleError, match="already defined in .*a.yaml"):
        load_rules([tmp_path])


def test_a_template_naming_a_column_the_query_lacks_is_an_error(graph, tmp_path):
    from graph_model import NODE_TYPES  # noqa: F401  (a dataset to find)
    from registry.analysis import analyze

    graph.upsert_nodes("Dataset", [{"id": "dataset:x", "name": "X", "pillar": "data"}])
    rules = load_rule_file(write(tmp_path, GOOD.replace('reason: "“{name}”"', 'reason: "{missing}"')))
    with pytest.raises(RuleError, match="uses {missing} but the query returns no column 'missing'"):
        analyze(graph, rules=rules)
