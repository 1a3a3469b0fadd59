"""The GraphQL schema is derived from the metamodel: every node type, field, enum value and relationship rule
appears in it without being written twice."""

from __future__ import annotations

import pytest
from graphql import (
    GraphQLEnumType,
    GraphQLInterfaceType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
)

from graph_model import NODE_TYPES, RULES, Node
from registry.api.naming import (
    IN,
    OUT,
    RELATIONSHIP_FIELDS,
    connection_field,
    lower_camel,
    relationship_field,
)
from registry.api.schema import build_schema

SCHEMA = build_schema()._schema


def object_type(name: str) -> GraphQLObjectType:
    found = SCHEMA.get_type(name)
    assert isinstance(found, GraphQLObjectType), name
    return found


def named(graphql_type):  # type: ignore[no-untyped-def]
    while isinstance(graphql_type, GraphQLNonNull | GraphQLList):
        graphql_type = graphql_type.of_type
    return graphql_type


@pytest.mark.parametrize("label", NODE_TYPES)
def test_every_node_type_is_an_entity_with_every_field_of_its_model(label):
    graphql_type = object_type(label)
    assert [interface.name for interface in graphql_type.interfaces] == ["Entity"]
    expected = {lower_camel(name) for name in NODE_TYPES[label].model_fields if name != "type"}
    assert expected <= set(graphql_type.fields)


def test_the_entity_interface_holds_the_common_node_fields_and_the_registrys_revision():
    entity = SCHEMA.get_type("Entity")
    assert isinstance(entity, GraphQLInterfaceType)
    assert set(entity.fields) == {lower_camel(name) for name in Node.model_fields} | {"revision"}
    assert str(entity.fields["revision"].type) == "Int"
    assert isinstance(entity.fields["id"].type, GraphQLNonNull)
    assert not isinstance(entity.fields["nameEn"].type, GraphQLNonNull)


def test_enums_carry_the_metamodel_values_with_their_vietnamese_labels():
    status = SCHEMA.get_type("SystemStatus")
    assert isinstance(status, GraphQLEnumType)
    assert list(status.values) == ["planned", "operational", "retired"]
    assert status.values["operational"].description == "Đang vận hành"


@pytest.mark.parametrize("rel_type", RULES)
def test_every_relationship_rule_gives_a_field_at_both_ends(rel_type):
    rule = RULES[rel_type]
    for label in rule.sources:
        assert relationship_field(rel_type, OUT) in object_type(label).fields, (label, rel_type)
    for label in rule.targets:
        assert relationship_field(rel_type, IN) in object_type(label).fields, (label, rel_type)


def test_every_relationship_direction_is_named_explicitly():
    assert {(rel, direction) for rel in RULES for direction in (OUT, IN)} == set(RELATIONSHIP_FIELDS)


def test_one_owner_and_one_master_are_single_fields_but_copies_are_connections():
    system, dataset, agency = object_type("System"), object_type("Dataset"), object_type("Agency")
    assert named(system.fields["owner"].type).name == "Agency"
    assert not isinstance(system.fields["owner"].type, GraphQLNonNull | GraphQLList)
    assert not isinstance(dataset.fields["master"].type, GraphQLNonNull | GraphQLList)
    assert named(dataset.fields["copiesHeldBy"].type).name == "CopiesHeldByConnection"
    assert set(dataset.fields["copiesHeldBy"].args) == {"first", "after"}
    assert not isinstance(agency.fields["parent"].type, GraphQLList)
    children = named(agency.fields["children"].type)
    assert named(children.fields["nodes"].type).name == "Agency"
    # Edges carry the relationship's own properties: USES.since, HOLDS_COPY_OF.syncMethod, …
    assert {"node", "cursor", "since", "deployment", "source"} <= set(SCHEMA.get_type("UsedByEdge").fields)
    assert "syncMethod" in SCHEMA.get_type("CopiesHeldByEdge").fields
    # Ends that may be several node types are typed by the interface (query them with `... on System`).
    assert named(dataset.fields["master"].type).name == "Entity"


@pytest.mark.parametrize("label", NODE_TYPES)
def test_every_node_type_has_a_filtered_connection(label):
    field = object_type("Query").fields[connection_field(label)]
    assert set(field.args) == {"first", "after", "filter"}
    assert named(field.type).name == f"{label}Connection"
    assert {"pillar", "agency", "search"} <= set(named(field.args["filter"].type).fields)


def test_filters_follow_the_enum_and_yes_no_properties_of_each_model():
    assert {"status", "kind", "scope"} <= set(SCHEMA.get_type("SystemFilter").fields)
    assert "level" in SCHEMA.get_type("AgencyFilter").fields
    assert {"category", "dataLayer", "personalData"} <= set(SCHEMA.get_type("DatasetFilter").fields)
