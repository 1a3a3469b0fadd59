"""3,321 communes, wards and special zones with Vietnamese names the duplicate detector cannot mistake for words
of a job."""

from __future__ import annotations

from collections import Counter

import pytest

from registry.analysis.normalise import fold
from registry.synthetic.gazetteer import SPECIAL_ZONES, unit_counts
from registry.synthetic.sample import load_skeleton
from registry.synthetic.world import World


@pytest.fixture(scope="module")
def world() -> World:
    return World(load_skeleton(), seed=5)


def test_the_units_add_up_to_the_2025_reform(world):
    counts = unit_counts(world.skeleton.provinces, 5)
    assert [sum(column) for column in zip(*counts.values(), strict=True)] == [2621, 687, 13]
    hanoi, cao_bang = counts["01"], counts["04"]
    assert hanoi[1] / sum(hanoi) > cao_bang[1] / sum(cao_bang)  # cities have more wards


def test_commune_names_are_unique_vietnamese_and_never_words_of_a_job(world):
    every = []
    for province in world.skeleton.provinces:
        communes = world.communes(province)
        assert len(communes) == sum(world.units[province.code])
        assert len({commune.id for commune in communes}) == len(communes)
        every.extend(communes)
    assert len(every) == 3321
    assert Counter(commune.kind for commune in every) == {"xã": 2621, "phường": 687, "đặc khu": 13}
    assert sum(fold(commune.name) != commune.name.lower() for commune in every) / len(every) > 0.9
    for commune in every:
        tokens = tuple(fold(commune.name).split())
        assert tokens not in world.forbidden_places, commune


def test_special_zones_keep_their_names(world):
    zones = [name for names in SPECIAL_ZONES.values() for name in names]
    assert len(zones) == 13
    assert not [zone for zone in zones if tuple(fold(zone).split()) in world.forbidden_places]
