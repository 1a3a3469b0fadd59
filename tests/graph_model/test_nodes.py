"""Node types: what a valid entity looks like, and how an invalid one is named."""

import pytest

from graph_model import DEFAULT_PILLARS, NODE_TYPES, Pillar, PillarTaxonomy, RecordError, parse_record


def errors_of(raw: dict, **kwargs) -> dict[str, str]:
    with pytest.raises(RecordError) as caught:
        parse_record(raw, **kwargs)
    return {error.field: error.message for error in caught.value.errors}


def test_vietnamese_names_keep_their_diacritics():
    agency = parse_record({"type": "Agency", "id": "agency:tinh-46", "name": "  Thành phố Huế ", "level": "province"})
    assert agency.name == "Thành phố Huế"


def test_each_node_type_defaults_to_its_pillar():
    expected = {"Agency": "institutions", "System": "applications", "Platform": "platforms", "Dataset": "data",
                "Api": "platforms", "PublicService": "applications", "Infrastructure": "infrastructure",
                "Standard": "institutions", "Team": "human_resources"}
    for label, pillar in expected.items():
        raw = {"type": label, "id": f"x:{label.lower()}", "name": "Tên"}
        if label == "Agency":
            raw["level"] = "unit"
        assert parse_record(raw).pillar == pillar
    assert set(expected) == set(NODE_TYPES)


def test_six_pillars_of_plan_02_by_default():
    assert DEFAULT_PILLARS.ids() == ["institutions", "infrastructure", "data", "platforms", "applications",
                                     "human_resources"]
    assert DEFAULT_PILLARS.get("data").name == "Dữ liệu"


def test_an_unknown_pillar_is_named_and_a_deployment_can_add_one():
    raw = {"type": "System", "id": "system:a", "name": "Hệ thống", "pillar": "finance"}
    assert "unknown pillar 'finance'" in errors_of(raw)["pillar"]
    extended = PillarTaxonomy([*DEFAULT_PILLARS, Pillar(id="finance", name="Tài chính", name_en="Finance")])
    assert parse_record(raw, pillars=extended).pillar == "finance"


def test_every_field_at_fault_is_named():
    errors = errors_of({"type": "System", "id": "bad id", "name": "", "status": "running", "colour": "blue"})
    assert set(errors) == {"id", "name", "status", "colour"}
    assert errors["colour"] == "unknown field"
    assert "ASCII" in errors["id"] and "'bad id'" in errors["id"]
    assert "'planned', 'operational' or 'retired'" in errors["status"]


def test_missing_required_fields_are_named():
    assert errors_of({"type": "Agency", "id": "agency:x", "name": "Sở"}) == {"level": "required field is missing"}
    assert errors_of({"id": "agency:x"}) == {"type": "required field is missing"}


def test_an_unknown_type_lists_the_known_ones():
    message = errors_of({"type": "Gadget", "id": "g:1", "name": "x"})["type"]
    assert "'Gadget'" in message and "Agency" in message and "MASTERS" in message


@pytest.mark.parametrize(("field", "value"), [("security_level", 6), ("security_level", 0)])
def test_bounded_numbers_are_checked(field, value):
    assert field in errors_of({"type": "System", "id": "system:a", "name": "x", field: value})


def test_dates_and_timestamps_are_typed():
    system = parse_record({"type": "System", "id": "system:a", "name": "x", "go_live": "2025-07-01",
                           "created_at": "2026-01-02T03:04:05Z"})
    assert system.go_live.isoformat() == "2025-07-01"
    assert "created_at" in errors_of({"type": "System", "id": "system:a", "name": "x",
                                      "created_at": "2026-01-02T03:04:05"})  # no time zone


def test_the_revision_is_the_registrys_not_content_and_not_input():
    from graph_model import RecordError, parse_record
    from graph_model.nodes import stored_content

    assert stored_content({"id": "system:a", "name": "A", "revision": 3}) == {"id": "system:a", "name": "A"}
    with pytest.raises(RecordError) as refused:
        parse_record({"type": "System", "id": "system:a", "name": "A", "revision": 3})
    assert [(problem.field, problem.message) for problem in refused.value.errors] == [("revision", "unknown field")]
    node = parse_record({"type": "System", "id": "system:a", "name": "A"})
    assert node.revision is None and node.with_revision(3).revision == 3
    assert "revision" not in node.content()


def test_a_history_record_round_trips_through_its_stored_properties():
    from graph_model.nodes import HistoryRecord

    record = HistoryRecord.model_validate({
        "type": "Change", "id": "change:20260101T000000000000-abcd1234-0000002", "at": "2026-01-01T00:00:00Z",
        "by": "api:lao-cai", "source": "token:1", "action": "link", "entity": "agency:tinh-15", "rel_type": "OWNS",
        "to": "system:tinh-15.qlvb", "revision": 4, "changes": {"description": {"before": None, "after": "Sở"}}})
    stored = record.stored()
    assert stored["entity_id"] == "agency:tinh-15" and stored["target_id"] == "system:tinh-15.qlvb"
    assert stored["changes_json"] == '{"description":{"after":"Sở","before":null}}'
    assert HistoryRecord.from_stored(stored) == record
