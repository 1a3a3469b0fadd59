"""The load test's verdict on lost writes (the load test itself runs in `make bench`: a smoke run of it takes more
than 20 s, so it is not part of the suite)."""

from __future__ import annotations

import json

from benchmarks.load_test import _lost_writes


def export(*records: dict[str, str]) -> str:
    return "".join(json.dumps(record, ensure_ascii=False) + "\n" for record in records)


ACKS = {"entities": {"system:load.w1.e0": {"writer": 1, "version": 7}}, "upserts": 3,
        "links": {"system:load.w1.e0 system:x": True, "system:load.w1.e0 system:y": False},
        "in_doubt_links": ["system:load.w1.e0 system:z"], "intended_4xx": 0}
LINKED = {"type": "CONNECTS_TO", "from": "system:load.w1.e0", "to": "system:x"}


def stored(version: int, writer: int = 1) -> dict[str, str]:
    """The entity as benchmarks/load_locust.py's writers name it (entity_name)."""
    return {"type": "System", "id": "system:load.w1.e0", "name": f"Hệ thống tải thử w{writer} e0 v{version}"}


def test_the_acknowledged_value_or_a_later_one_of_the_same_writer_is_no_loss():
    assert _lost_writes(export(stored(7), LINKED), ACKS) == []
    assert _lost_writes(export(stored(9), LINKED), ACKS) == []


def test_an_older_value_another_writers_value_or_a_missing_entity_is_a_lost_write():
    for records in ([stored(6), LINKED], [stored(8, writer=2), LINKED], [LINKED]):
        (lost,) = _lost_writes(export(*records), ACKS)
        assert lost.startswith("system:load.w1.e0: acknowledged v7")


def test_a_link_must_be_in_its_last_acknowledged_state_unless_in_doubt():
    unlinked_but_present = {"type": "CONNECTS_TO", "from": "system:load.w1.e0", "to": "system:y"}
    in_doubt = {"type": "CONNECTS_TO", "from": "system:load.w1.e0", "to": "system:z"}
    assert _lost_writes(export(stored(7), LINKED, in_doubt), ACKS) == []
    assert _lost_writes(export(stored(7)), ACKS) == ["system:load.w1.e0 system:x: acknowledged link, stored not linked"]
    assert _lost_writes(export(stored(7), LINKED, unlinked_but_present), ACKS) == [
        "system:load.w1.e0 system:y: acknowledged unlink, stored linked"]


def test_a_refused_write_found_in_the_registry_is_a_failure():
    foreign = {"type": "System", "id": "system:tinh-b.x", "name": "Không được phép"}
    assert _lost_writes(export(stored(7), LINKED, foreign), ACKS) == [
        "system:tinh-b.x: another agency's system, refused with 403, stored 'Không được phép'"]
