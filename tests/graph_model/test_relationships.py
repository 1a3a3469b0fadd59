"""Relationship types: which node types they join, and how many."""

import pytest

from graph_model import NODE_TYPES, RELATIONSHIP_TYPES, RULES, RecordError, parse_record, to_raw


def test_every_rule_joins_known_node_types():
    for rule in RULES.values():
        assert rule.sources <= set(NODE_TYPES), rule.type
        assert rule.targets <= set(NODE_TYPES), rule.type
    assert set(RULES) == set(RELATIONSHIP_TYPES)


def test_the_design_relationships_are_all_there():
    design = {"OWNS", "PART_OF", "MASTERS", "HOLDS_COPY_OF", "EXPOSES", "CONSUMES", "PROVIDES", "ROUTED_VIA",
              "CONNECTS_TO", "DELIVERS", "OFFERED_ON", "REQUIRES", "HOSTED_ON", "CONFORMS_TO", "OPERATES",
              "EMPLOYS", "USES"}
    assert design <= set(RULES)


def test_one_master_per_dataset_one_owner_one_parent():
    assert RULES["MASTERS"].max_per_target == 1
    assert RULES["OWNS"].max_per_target == 1
    assert RULES["PART_OF"].max_per_source == 1
    assert RULES["HOLDS_COPY_OF"].max_per_target is None  # copies are what the findings look for


def test_a_relationship_names_its_ends_by_from_and_to():
    rel = parse_record({"type": "HOLDS_COPY_OF", "from": "system:a", "to": "dataset:b", "sync_method": "batch_file"})
    assert rel.key == ("system:a", "HOLDS_COPY_OF", "dataset:b")
    assert to_raw(rel) == {"type": "HOLDS_COPY_OF", "from": "system:a", "to": "dataset:b",
                           "sync_method": "batch_file"}


def test_a_self_loop_is_refused_on_the_to_field():
    with pytest.raises(RecordError) as caught:
        parse_record({"type": "PART_OF", "from": "agency:a", "to": "agency:a"})
    assert [error.field for error in caught.value.errors] == ["to"]


def test_properties_of_another_relationship_type_are_refused():
    with pytest.raises(RecordError) as caught:
        parse_record({"type": "OWNS", "from": "agency:a", "to": "system:b", "sync_method": "api"})
    assert caught.value.errors[0].field == "sync_method"
