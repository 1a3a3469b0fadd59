"""What an import remembers of the records it has seen: exact back, however compactly it is kept."""

from __future__ import annotations

from importers import Location
from registry.import_memory import ClaimedEnds, SeenRecords, digest_bits


def test_a_seen_record_gives_back_where_it_was_first_given_and_its_digest():
    seen = SeenRecords()
    seen.add(("system:a", "OWNS", "dataset:b"), Location("inventory.xlsx", 12, "Quan hệ"), hash("content"))
    seen.add("system:a", Location("systems.jsonl", None), -1)
    seen.add("system:b", Location("systems.jsonl", 0), 2**70)
    assert seen.get(("system:a", "OWNS", "dataset:b")) == (Location("inventory.xlsx", 12, "Quan hệ"),
                                                           digest_bits(hash("content")))
    assert seen.get("system:a") == (Location("systems.jsonl", None), digest_bits(-1))
    assert seen.get("system:b") == (Location("systems.jsonl", 0), digest_bits(2**70))
    assert seen.get("system:c") is None and "system:c" not in seen and len(seen) == 3
    seen.discard("system:a")
    assert "system:a" not in seen


def test_claimed_ends_hold_one_id_until_a_second_arrives():
    claimed = ClaimedEnds()
    assert claimed.others("OWNS", "system:a", True) == set()
    claimed.claim("OWNS", "system:a", True, "agency:x")
    claimed.claim("OWNS", "system:a", True, "agency:x")
    assert claimed.others("OWNS", "system:a", True) == {"agency:x"}
    claimed.claim("OWNS", "system:a", True, "agency:y")
    claimed.claim("OWNS", "system:a", True, "agency:z")
    assert claimed.others("OWNS", "system:a", True) == {"agency:x", "agency:y", "agency:z"}
    assert claimed.others("OWNS", "system:a", False) == set()  # the other direction is kept apart
