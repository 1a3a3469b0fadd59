"""The ground truth of a synthetic registry: which rule must find what, and how well the findings match it.

Every planted gap is recorded with the findings it must cause, rule by rule: entity ids for the rules that name
one subject per finding, and id sets (clusters) for `duplicate-systems`. Near-misses — background built to look
like a gap without being one (a retired predecessor, a local tier connected to its national system) — are listed
with the rule that must stay silent about them. `evaluate` scores `registry analyze` findings against the file.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

FORMAT = "onegov-synthetic-ground-truth/1"
FILE_NAME = "ground-truth.json.txt"  # .txt: `registry import DIR` reads .json files, never .txt (like README.txt)
DUPLICATES = "duplicate-systems"


class GroundTruth:
    """Collects what each rule must find, as the generator plants it."""

    def __init__(self, rule_ids: Iterable[str], header: Mapping[str, Any]) -> None:
        self.header = dict(header)
        self.rules: dict[str, list[Any]] = {rule: [] for rule in rule_ids}
        self.planted: list[dict[str, Any]] = []
        self.near_misses: list[dict[str, Any]] = []

    def plant(self, gap: str, where: str, findings: Mapping[str, Iterable[str]], note: str = "") -> None:
        """A planted gap and what it must make each rule report (a cluster of ids for duplicate-systems)."""
        recorded: dict[str, list[str]] = {}
        for rule, ids in findings.items():
            if rule not in self.rules:
                raise KeyError(f"no rule {rule!r} in registry/rules")
            members = list(ids)
            recorded[rule] = members
            if rule == DUPLICATES:
                self.rules[rule].append(sorted(members))
            else:
                self.rules[rule].extend(members)
        self.planted.append({"gap": gap, "where": where, "findings": recorded, **({"note": note} if note else {})})

    def near_miss(self, what: str, where: str, ids: Iterable[str], silent: Iterable[str], note: str = "") -> None:
        """Background that resembles a gap: the `silent` rules must not report these ids."""
        self.near_misses.append({"what": what, "where": where, "ids": list(ids), "silent": list(silent),
                                 **({"note": note} if note else {})})

    def as_dict(self) -> dict[str, Any]:
        rules: dict[str, Any] = {}
        for rule, items in self.rules.items():
            rules[rule] = sorted(items) if rule == DUPLICATES else sorted(set(items))
        return {"format": FORMAT, **self.header, "rules": rules, "planted": self.planted,
                "near_misses": self.near_misses}

    def write(self, folder: Path) -> Path:
        path = folder / FILE_NAME
        path.write_text(json.dumps(self.as_dict(), ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        return path


def load(folder: Path) -> dict[str, Any]:
    """The ground truth a generated folder carries."""
    return json.loads((folder / FILE_NAME).read_text(encoding="utf-8"))  # type: ignore[no-any-return]


@dataclass(frozen=True)
class Score:
    """How the findings of one rule compare with its ground truth (pairs of systems for duplicate-systems)."""

    rule: str
    expected: int
    found: int
    matched: int

    @property
    def precision(self) -> float:
        return self.matched / self.found if self.found else 1.0

    @property
    def recall(self) -> float:
        return self.matched / self.expected if self.expected else 1.0

    def as_dict(self) -> dict[str, Any]:
        return {"rule": self.rule, "expected": self.expected, "found": self.found, "matched": self.matched,
                "precision": round(self.precision, 4), "recall": round(self.recall, 4)}


def _pairs(clusters: Iterable[Iterable[str]]) -> set[tuple[str, str]]:
    return {pair for cluster in clusters for pair in itertools.combinations(sorted(set(cluster)), 2)}


def evaluate(truth: Mapping[str, Any], findings: Iterable[Any]) -> dict[str, Score]:
    """Precision and recall per rule. A finding counts by its subject id; a duplicate finding by every pair of the
    systems it names (subject and duplicates), against every pair inside each planted cluster."""
    found: dict[str, set[Any]] = {rule: set() for rule in truth["rules"]}
    for finding in findings:
        data = finding if isinstance(finding, Mapping) else finding.as_dict()
        entities = data["entities"]
        if data["rule"] == DUPLICATES:
            members = [entity["id"] for entity in entities if entity["role"] in ("subject", "duplicate")]
            found.setdefault(DUPLICATES, set()).update(_pairs([members]))
        else:
            found.setdefault(data["rule"], set()).add(entities[0]["id"])
    scores = {}
    for rule in sorted(set(found) | set(truth["rules"])):
        expected = _pairs(truth["rules"].get(rule, [])) if rule == DUPLICATES else set(truth["rules"].get(rule, []))
        got = found.get(rule, set())
        scores[rule] = Score(rule, len(expected), len(got), len(expected & got))
    return scores
