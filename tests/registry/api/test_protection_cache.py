"""Parsed and validated documents are remembered by query text, and the limits hold just the same."""

from __future__ import annotations

from registry.api.limits import MAX_DEPTH
from registry.api.protection import LIMIT_RULES, protective_extensions

from .test_protection import nested


def test_a_repeated_over_deep_query_is_refused_every_time_before_touching_the_store(api):
    for _ in range(3):
        api.store.reads.clear()
        errors = api.errors(nested(MAX_DEPTH))
        assert any("exceeds maximum operation depth" in message for message in errors), errors
        assert api.store.reads == []


def test_a_valid_query_answered_from_the_cache_still_takes_its_variables(api):
    query = "query ($id: ID!) { entity(id: $id) { id } }"
    assert api.data(query, {"id": "system:none"}) == {"entity": None}
    errors = api.errors(query, {})  # the same text, now without its required variable
    assert any("$id" in message for message in errors), errors


def test_every_request_shares_the_same_limit_rules_so_validation_can_be_cached():
    first, second = ([extension() for extension in protective_extensions()] for _ in range(2))
    rules = [extension for extension in first if hasattr(extension, "validation_rules")]
    assert rules and rules[0].validation_rules is LIMIT_RULES
    assert [type(extension) for extension in first] == [type(extension) for extension in second]
