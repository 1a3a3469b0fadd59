"""Scoring findings against a ground truth: subjects per rule, pairs of systems for duplicates."""

from __future__ import annotations

import pytest

from registry.synthetic.truth import GroundTruth, evaluate


def finding(rule, *ids, roles=None):
    roles = roles or ["subject"] + ["duplicate"] * (len(ids) - 1)
    entities = [{"id": entity_id, "role": role} for entity_id, role in zip(ids, roles, strict=True)]
    return {"rule": rule, "entities": entities}


def test_a_rule_scores_by_subject_and_duplicates_by_pairs():
    truth = GroundTruth(["owner-missing", "duplicate-systems"], {})
    truth.plant("no owner", "x", {"owner-missing": ["system:a", "system:b"]})
    truth.plant("duplicate", "x", {"duplicate-systems": ["system:c", "system:d", "system:e"]})
    scores = evaluate(truth.as_dict(), [
        finding("owner-missing", "system:a"), finding("owner-missing", "system:z"),
        finding("duplicate-systems", "system:c", "system:d"), finding("duplicate-systems", "system:d", "system:e"),
        finding("duplicate-systems", "system:c", "system:f", "agency:o", roles=["subject", "duplicate", "owner"]),
    ])
    assert (scores["owner-missing"].precision, scores["owner-missing"].recall) == (0.5, 0.5)
    duplicates = scores["duplicate-systems"]
    assert (duplicates.expected, duplicates.found, duplicates.matched) == (3, 3, 2)
    assert duplicates.precision == pytest.approx(2 / 3) and duplicates.recall == pytest.approx(2 / 3)


def test_a_gap_must_name_a_known_rule():
    with pytest.raises(KeyError, match="no rule 'nonsense'"):
        GroundTruth(["owner-missing"], {}).plant("x", "y", {"nonsense": ["a"]})
