"""The jobs catalogue: background jobs the duplicate detector tells apart, with near-misses kept on purpose."""

from __future__ import annotations

import itertools

import pytest

from registry.analysis.duplicates import NAME_THRESHOLD, name_similarity
from registry.synthetic.jobs import DISTINCT, job_key, renamings
from registry.synthetic.sample import load_skeleton
from registry.synthetic.world import World


@pytest.fixture(scope="module")
def world() -> World:
    return World(load_skeleton(), seed=1)


def test_no_two_background_jobs_are_the_same_job_for_the_detector(world):
    jobs = world.catalogue
    assert len(world.province_jobs) >= 900
    worst = max(((name_similarity(a.key, b.key), a.phrase, b.phrase)
                 for a, b in itertools.combinations(jobs, 2) if set(a.key.split()) & set(b.key.split())))
    assert worst[0] < DISTINCT < NAME_THRESHOLD, worst


def test_near_misses_are_kept(world):
    near = [(a.phrase, b.phrase) for a, b in itertools.combinations(world.catalogue, 2)
            if a.subject == b.subject and 0.6 <= name_similarity(a.key, b.key) < DISTINCT]
    assert len(near) > 100


def test_no_background_job_comes_near_a_national_or_mandated_system(world):
    for job in world.catalogue:
        assert all(name_similarity(job.key, reserved) < DISTINCT for reserved in world.reserved_jobs), job


def test_a_compound_action_swapped_is_the_same_job(world):
    compound = [job for job in world.catalogue if job.compound]
    assert compound
    for job in compound:
        assert name_similarity(job.key, job_key(job.swapped())) == 1.0


def test_a_renamed_job_is_alike_but_not_the_same(world):
    job = next(job for job in world.catalogue if renamings(job, world.catalogue))
    other = renamings(job, world.catalogue)[0]
    assert other.subject == job.subject and 0.65 <= name_similarity(job.key, other.key) < DISTINCT
