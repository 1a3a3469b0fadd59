"""The catalogue of system jobs: every action × subject of the vocabulary that the duplicate detector tells apart.

A province runs a thousand or more systems in one jurisdiction, and the detector (`registry.analysis.duplicates`)
calls two of them duplicates when their normalised jobs are ≥ 0.85 alike. So the background may only use jobs
that are pairwise clearly apart by the detector's own measure: the catalogue keeps a job only when it is below
`DISTINCT` (0.8) against every job kept before it and against the jobs of the national systems and of the tiers
every province runs (one-stop-shop, reporting, land information…), and when its data would not pass for a national
database. Near-misses stay in on purpose ("quản lý đất đai" and "quản lý đê điều" are 0.7 apart).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

from rapidfuzz import fuzz

from registry.analysis.copies import SUBJECT_THRESHOLD
from registry.analysis.duplicates import name_similarity
from registry.analysis.normalise import Normaliser
from registry.synthetic.vocabulary import ACTIONS, Subject, render_action, subjects

DISTINCT = 0.8  # background jobs stay below this (the detector reports from 0.85)
DATA_DISTINCT = SUBJECT_THRESHOLD - 5  # background data stays this far below a national database's subject
_PLAIN = Normaliser()


@dataclass(frozen=True)
class Job:
    """One thing a system does: an action on a subject, its phrase and its normalised form."""

    index: int
    action: str  # as in the vocabulary, "a|b" for a compound action
    subject: Subject
    phrase: str  # "cấp phép khai thác khoáng sản"
    key: str  # the detector's normalised job: "cap phep khai thac khoang san"

    @property
    def compound(self) -> bool:
        return "|" in self.action

    def swapped(self) -> str:
        """The phrase with the two parts of a compound action swapped (the same words in another order)."""
        return f"{render_action(self.action, swapped=True)} {self.subject.phrase}"


def job_key(text: str) -> str:
    """The detector's normalised job of a phrase (no places, scope or generic words)."""
    return _PLAIN.job(text)


class _Index:
    """Jobs by token, so a new job is compared only with those sharing a word (as the detector blocks)."""

    def __init__(self) -> None:
        self.by_token: dict[str, list[str]] = defaultdict(list)

    def add(self, key: str) -> None:
        for token in dict.fromkeys(key.split()):
            self.by_token[token].append(key)

    def closest(self, key: str) -> float:
        seen: set[str] = set()
        best = 0.0
        for token in dict.fromkeys(key.split()):
            for other in self.by_token.get(token, ()):
                if other not in seen:
                    seen.add(other)
                    best = max(best, name_similarity(key, other))
        return best


def build_catalogue(reserved: Iterable[str], national_data: Iterable[str]) -> list[Job]:
    """Jobs in vocabulary order, each clearly apart from those before it, from the `reserved` jobs (national
    systems, mandated tiers) and, as data, from the `national_data` subjects (normalised)."""
    index = _Index()
    for key in reserved:
        if key:
            index.add(key)
    national = [key for key in national_data if key]
    jobs: list[Job] = []
    for subject in subjects():
        for action in ACTIONS[subject.type]:
            phrase = f"{render_action(action)} {subject.phrase}"
            key = job_key(phrase)
            if not key or index.closest(key) >= DISTINCT:
                continue
            if any(fuzz.token_sort_ratio(key, other) >= DATA_DISTINCT for other in national):
                continue
            if "|" in action and name_similarity(key, job_key(f"{render_action(action, True)} {subject.phrase}")) < 1:
                action = action.replace("|", " ")  # a compound whose swap changes the job is not offered as one
            index.add(key)
            jobs.append(Job(len(jobs), action, subject, phrase, key))
    return jobs


@cache
def catalogue_for(reserved: tuple[str, ...], national_data: tuple[str, ...]) -> tuple[Job, ...]:
    """`build_catalogue`, computed once per process for the same inputs."""
    return tuple(build_catalogue(reserved, national_data))


def renamings(job: Job, jobs: tuple[Job, ...], low: float = 0.65) -> list[Job]:
    """Other jobs of the catalogue on the same subject, alike enough (≥ `low`, most alike first) that shared data
    makes the detector call the two one job: how a planted duplicate is given a different name."""
    scored = [(name_similarity(job.key, other.key), other.index) for other in jobs
              if other.subject == job.subject and other.index != job.index]
    return [jobs[index] for similarity, index in sorted(scored, key=lambda item: (-item[0], item[1]))
            if similarity >= low]
