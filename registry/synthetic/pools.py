"""Handing out jobs inside one jurisdiction so that no two of its systems of one kind do the same job.

Each (jurisdiction, kind) gets the catalogue in its own shuffled order; a job handed out is gone. Communes draw
from the subjects a commune would run a system for; departments take the rest. What is left stays available for
the planted gaps, so a planted system never repeats a background job by accident.
"""

from __future__ import annotations

import random
from collections.abc import Iterable

from registry.synthetic.jobs import Job


class JobPool:
    """The unused jobs of one (jurisdiction, kind), in a shuffled but seed-determined order."""

    def __init__(self, jobs: Iterable[Job], rng: random.Random) -> None:
        ordered = list(jobs)
        order = rng.sample(ordered, len(ordered))
        self._commune = [job for job in reversed(order) if job.subject.commune]
        self._other = [job for job in reversed(order) if not job.subject.commune]
        self._used: set[int] = set()

    def take(self, commune: bool = False) -> Job | None:
        """The next unused job: for a commune only commune subjects; otherwise any, other subjects first."""
        queues = (self._commune,) if commune else (self._other, self._commune)
        for queue in queues:
            while queue:
                job = queue.pop()
                if job.index not in self._used:
                    self._used.add(job.index)
                    return job
        return None

    def claim(self, job: Job) -> bool:
        """Take a particular job if it is still unused."""
        if job.index in self._used:
            return False
        self._used.add(job.index)
        return True

    def used(self, job: Job) -> bool:
        return job.index in self._used
