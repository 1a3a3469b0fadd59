"""Precision and recall of `duplicateSystems` on the labelled set (tests/fixtures/duplicates), on both stores.

The labels are an architect's (see make_labelled.py there); the figures are the issue's target. The same function
scores `python -m benchmarks duplicates-quality`.
"""

from __future__ import annotations

import pytest

from benchmarks.duplicates_quality import (
    FIXTURE,
    LabelledPair,
    evaluate,
    measure,
    read_pairs,
)

from .conftest import load

TARGET = 0.9


@pytest.fixture
def labelled(graph):
    load(graph, FIXTURE)
    return graph


def test_the_labelled_set_is_large_and_balanced_enough():
    pairs = read_pairs()
    positives = sum(pair.duplicate for pair in pairs)
    assert len(pairs) >= 200
    assert 0.3 <= positives / len(pairs) <= 0.5
    assert all(pair.why for pair in pairs)


def test_duplicate_systems_meets_the_precision_and_recall_target(labelled):
    quality = measure(labelled)
    summary = (f"precision {quality.precision:.3f}, recall {quality.recall:.3f}; false positives "
               f"{[(p.system_a, p.system_b, p.why) for p in quality.false_positive_pairs]}; false negatives "
               f"{[(p.system_a, p.system_b, p.why) for p in quality.false_negative_pairs]}")
    assert quality.precision >= TARGET, summary
    assert quality.recall >= TARGET, summary


def test_every_pair_inside_a_cluster_is_predicted_and_unlabelled_pairs_are_kept_apart():
    labels = [LabelledPair("a", "b", True, "same job"), LabelledPair("a", "c", True, "same job"),
              LabelledPair("b", "d", False, "different job"), LabelledPair("c", "e", False, "other province"),
              LabelledPair("d", "e", True, "missed")]
    quality = evaluate([["a", "b", "c"], ["b", "d"], ["x", "y"]], labels)
    assert (quality.true_positives, quality.false_positives, quality.false_negatives, quality.true_negatives) == \
        (2, 1, 1, 1)
    assert quality.precision == pytest.approx(2 / 3) and quality.recall == pytest.approx(2 / 3)
    assert [pair.why for pair in quality.false_positive_pairs] == ["different job"]
    assert [pair.why for pair in quality.false_negative_pairs] == ["missed"]
    assert quality.unlabelled_predictions == [("b", "c"), ("x", "y")]


def test_nothing_predicted_has_full_precision_and_no_recall():
    quality = evaluate([], [LabelledPair("a", "b", True, "same job")])
    assert quality.precision == 1.0 and quality.recall == 0.0 and quality.f1 == 0.0
