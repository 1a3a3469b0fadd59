"""The graph schema and the JSON Schema both derive from the metamodel."""

import json

from graph_model import ENTITY_LABEL, NODE_TYPES, RULES, derive_schema, metamodel_json_schema, parse_record, to_raw


def test_ids_are_unique_across_all_node_types_and_history_records_have_their_own():
    schema = derive_schema()
    assert [(c.label, c.property) for c in schema.constraints] == [(ENTITY_LABEL, "id"), ("Change", "id")]


def test_history_is_indexed_by_both_entities_a_change_concerns():
    indexes = {(index.label, index.property) for index in derive_schema().indexes}
    assert {("Change", "entity_id"), ("Change", "target_id")} <= indexes


def test_every_node_type_has_an_id_index_and_filtered_fields_are_indexed():
    indexes = {(index.label, index.property) for index in derive_schema().indexes}
    assert {(label, "id") for label in NODE_TYPES} <= indexes
    assert ("System", "status") in indexes and ("Agency", "level") in indexes
    assert ("Agency", "status") not in indexes  # only fields the type has


def test_json_schema_describes_every_type_and_rule():
    document = metamodel_json_schema()
    json.dumps(document)  # serialisable
    names = {ref["$ref"].rsplit("/", 1)[1] for ref in document["oneOf"]}
    assert {"Agency", "System", "OwnsRelationship", "MastersRelationship"} <= names
    assert document["x-relationship-rules"]["MASTERS"]["max_per_target"] == 1
    assert [pillar["id"] for pillar in document["x-pillars"]][0] == "institutions"
    assert set(document["x-relationship-rules"]) == set(RULES)
    assert "from" in document["$defs"]["OwnsRelationship"]["properties"]


def test_native_serialisation_round_trips():
    raw = {"type": "Team", "id": "team:ttdl", "name": "Trung tâm dữ liệu", "roles": ["vận hành", "an ninh"],
           "headcount": 12}
    assert parse_record(to_raw(parse_record(raw))) == parse_record(raw)
    assert list(to_raw(parse_record(raw)))[:2] == ["type", "id"]
