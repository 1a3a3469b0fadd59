"""Precision and recall of `duplicateSystems` on a labelled set of system pairs.

The fixture `tests/fixtures/duplicates/labelled.yaml` (made by `make_labelled.py` beside it) is a realistic registry
population; `pairs.csv` labels 281 pairs of its systems as duplicates or not, with an architect's reason. The
detector is the issue's `duplicateSystems`: the rules `duplicate-systems` (the same job twice in one jurisdiction)
and `national-platform-copy` (a local copy of a national platform). Every finding is a cluster of systems; each pair
inside a cluster is a predicted duplicate. Predicted pairs that are not labelled are counted apart ("unlabelled
predictions") and listed, never silently scored.

`python -m benchmarks duplicates-quality` prints the figures on the embedded store (and on Neo4j when NEO4J_URI is
set) and saves them to benchmarks/results/duplicates-quality.json. The test
tests/registry/analysis/test_duplicates_quality.py asserts the same figures with the same function.
"""

from __future__ import annotations

import csv
import itertools
import os
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from benchmarks.common import REPO, machine, save

FIXTURE_DIR = REPO / "tests" / "fixtures" / "duplicates"
FIXTURE = FIXTURE_DIR / "labelled.yaml"
PAIRS = FIXTURE_DIR / "pairs.csv"
DETECTOR_RULES = ("duplicate-systems", "national-platform-copy")
CLUSTER_ROLES = ("subject", "duplicate", "national")
TODAY = date(2026, 1, 15)


@dataclass(frozen=True)
class LabelledPair:
    system_a: str
    system_b: str
    duplicate: bool
    why: str

    @property
    def key(self) -> frozenset[str]:
        return frozenset((self.system_a, self.system_b))

    def as_dict(self) -> dict[str, Any]:
        return {"system_a": self.system_a, "system_b": self.system_b, "duplicate": self.duplicate, "why": self.why}


@dataclass(frozen=True)
class Quality:
    """How the detector's pairs compare with the labels (only labelled pairs are scored)."""

    true_positives: int
    false_positives: int
    false_negatives: int
    true_negatives: int
    false_positive_pairs: list[LabelledPair] = field(default_factory=list)
    false_negative_pairs: list[LabelledPair] = field(default_factory=list)
    unlabelled_predictions: list[tuple[str, str]] = field(default_factory=list)

    @property
    def precision(self) -> float:
        predicted = self.true_positives + self.false_positives
        return self.true_positives / predicted if predicted else 1.0

    @property
    def recall(self) -> float:
        actual = self.true_positives + self.false_negatives
        return self.true_positives / actual if actual else 1.0

    @property
    def f1(self) -> float:
        total = self.precision + self.recall
        return 2 * self.precision * self.recall / total if total else 0.0

    def as_dict(self) -> dict[str, Any]:
        return {
            "precision": round(self.precision, 4), "recall": round(self.recall, 4), "f1": round(self.f1, 4),
            "true_positives": self.true_positives, "false_positives": self.false_positives,
            "false_negatives": self.false_negatives, "true_negatives": self.true_negatives,
            "unlabelled_predictions": [list(pair) for pair in self.unlabelled_predictions],
            "false_positive_pairs": [pair.as_dict() for pair in self.false_positive_pairs],
            "false_negative_pairs": [pair.as_dict() for pair in self.false_negative_pairs],
        }


def read_pairs(path: Path = PAIRS) -> list[LabelledPair]:
    """The labelled pairs (`system_a,system_b,duplicate,why`; duplicate is yes/no). A pair labelled twice is an
    error, whichever way round it is written."""
    pairs: list[LabelledPair] = []
    seen: set[frozenset[str]] = set()
    with path.open(encoding="utf-8", newline="") as handle:
        for line, row in enumerate(csv.DictReader(handle), start=2):
            answer = row["duplicate"].strip().lower()
            if answer not in ("yes", "no"):
                raise ValueError(f"{path}:{line}: duplicate must be yes or no, not {row['duplicate']!r}")
            pair = LabelledPair(row["system_a"].strip(), row["system_b"].strip(), answer == "yes", row["why"].strip())
            if pair.key in seen or len(pair.key) != 2:
                raise ValueError(f"{path}:{line}: pair {pair.system_a}, {pair.system_b} is labelled twice or "
                                 "pairs a system with itself")
            seen.add(pair.key)
            pairs.append(pair)
    return pairs


def clusters_of(findings: Iterable[Any]) -> list[frozenset[str]]:
    """Each finding of the detector's rules as the cluster of systems it names (its owners left out)."""
    return [frozenset(ref.id for ref in finding.entities if ref.role in CLUSTER_ROLES)
            for finding in findings if finding.rule in DETECTOR_RULES]


def evaluate(clusters: Iterable[Iterable[str]], labelled: Sequence[LabelledPair]) -> Quality:
    """Pure: every pair inside a found cluster is predicted duplicate; score the labelled pairs against that.

    Predicted pairs with no label are returned as `unlabelled_predictions` (sorted) and not scored."""
    predicted: set[frozenset[str]] = set()
    for cluster in clusters:
        predicted.update(frozenset(pair) for pair in itertools.combinations(sorted(set(cluster)), 2))
    labels = {pair.key: pair for pair in labelled}
    tp = fp = fn = tn = 0
    false_positives: list[LabelledPair] = []
    false_negatives: list[LabelledPair] = []
    for pair in labelled:
        found = pair.key in predicted
        if pair.duplicate and found:
            tp += 1
        elif pair.duplicate:
            fn += 1
            false_negatives.append(pair)
        elif found:
            fp += 1
            false_positives.append(pair)
        else:
            tn += 1
    unlabelled = sorted(tuple(sorted(pair)) for pair in predicted if pair not in labels)
    return Quality(tp, fp, fn, tn, false_positives, false_negatives, unlabelled)  # type: ignore[arg-type]


def measure(graph: Any, labelled: Sequence[LabelledPair] | None = None) -> Quality:
    """Run the detector's rules over a loaded graph and score them against the labels."""
    from registry.analysis import analyze

    found = analyze(graph, list(DETECTOR_RULES), today=TODAY)
    return evaluate(clusters_of(found), read_pairs() if labelled is None else labelled)


def load_fixture(graph: Any) -> None:
    from registry.loading import Loader

    report = Loader(graph).load_files([FIXTURE])
    if not report.ok:
        raise RuntimeError(f"{FIXTURE} did not load cleanly: {report.rejects[:3]}")


def _measure_in(settings: Any) -> Quality:
    """Load the labelled fixture into the store the settings name, emptied first and after, and measure."""
    from registry.graph import RegistryGraph
    from registry.store import open_store

    store = open_store(settings)
    try:
        store.delete_all()  # Neo4j is the one `make bench` started and shares with the other benchmarks
        graph = RegistryGraph(store)
        graph.ensure_schema()
        load_fixture(graph)
        return measure(graph)
    finally:
        store.delete_all()
        store.close()


def _measure_embedded() -> Quality:
    from registry.settings import RegistrySettings
    from registry.store.falkordb_server import FalkorDBServer

    with tempfile.TemporaryDirectory(prefix="bench-dupq-") as tmp:
        try:
            return _measure_in(RegistrySettings(store="embedded", data_dir=Path(tmp), graph="duplicates_quality"))
        finally:
            FalkorDBServer(Path(tmp)).stop()


def _measure_neo4j() -> Quality:
    from registry.settings import RegistrySettings

    return _measure_in(RegistrySettings(store="neo4j"))


def _report(store: str, labelled: Sequence[LabelledPair], quality: Quality) -> None:
    positives = sum(pair.duplicate for pair in labelled)
    print(f"\nduplicateSystems ({' + '.join(DETECTOR_RULES)}) on {store}: {len(labelled)} labelled pairs "
          f"({positives} duplicates, {len(labelled) - positives} not)")
    print(f"precision {quality.precision:.3f}  recall {quality.recall:.3f}  F1 {quality.f1:.3f}  "
          f"(TP {quality.true_positives}, FP {quality.false_positives}, FN {quality.false_negatives}, "
          f"TN {quality.true_negatives}, unlabelled predictions {len(quality.unlabelled_predictions)})")
    for title, pairs in (("false positives", quality.false_positive_pairs),
                         ("false negatives", quality.false_negative_pairs)):
        print(f"{title}: {len(pairs)}")
        for pair in pairs:
            print(f"  {pair.system_a} ~ {pair.system_b}: {pair.why}")
    if quality.unlabelled_predictions:
        print(f"unlabelled predictions: {len(quality.unlabelled_predictions)}")
        for a, b in quality.unlabelled_predictions:
            print(f"  {a} ~ {b}")


def main() -> None:
    labelled = read_pairs()
    results: list[dict[str, Any]] = []
    runs = [("embedded", _measure_embedded)] + ([("neo4j", _measure_neo4j)] if os.environ.get("NEO4J_URI") else [])
    for store, run in runs:
        quality = run()
        _report(store, labelled, quality)
        results.append({"store": store, **quality.as_dict()})
    path = save("duplicates-quality", {
        "benchmark": "duplicates-quality", "machine": machine(), "rules": list(DETECTOR_RULES),
        "fixture": str(FIXTURE.relative_to(REPO)), "pairs": len(labelled),
        "duplicates": sum(pair.duplicate for pair in labelled), "results": results,
    })
    print(f"\nsaved {path.relative_to(REPO)}")


if __name__ == "__main__":
    main()
