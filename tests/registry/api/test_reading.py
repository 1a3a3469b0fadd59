"""Reading the registry through GraphQL, over the sample and Lào Cai's inventory, on both stores."""

from __future__ import annotations

import base64
import unicodedata

import pytest

from registry.api.limits import MAX_FIRST

LAO_CAI = "agency:tinh-15"

ENTITY_WITH_NEIGHBOURS = """
query ($id: ID!) {
  entity(id: $id) {
    __typename id name nameEn pillar
    ... on System {
      status kind scope
      owner { id name level parent { id } }
      mastersDatasets { nodes { id name category } }
      consumesApis(first: 100) { nodes { id exposedBy { id } } }
      connectsTo { nodes { __typename id } }
    }
  }
}"""


def ids(connection: dict) -> list[str]:
    return [edge["node"]["id"] for edge in connection["edges"]]


def walk(api, field: str, filter_: dict | None = None, first: int = 10) -> list[str]:
    """Every id of a listing, following endCursor page by page."""
    seen: list[str] = []
    after = None
    while True:
        page = api.data(
            f"query ($first: Int!, $after: String, $filter: {field[0].upper()}{field[1:-1]}Filter) {{"
            f" {field}(first: $first, after: $after, filter: $filter) {{"
            " edges { cursor node { id } } pageInfo { hasNextPage endCursor } } }",
            {"first": first, "after": after, "filter": filter_})[field]
        seen += ids(page)
        if not page["pageInfo"]["hasNextPage"]:
            return seen
        assert page["pageInfo"]["endCursor"] == page["edges"][-1]["cursor"]
        after = page["pageInfo"]["endCursor"]


def systems(api, filter_: dict, first: int = MAX_FIRST) -> dict:
    return api.data("query ($filter: SystemFilter, $first: Int!) { systems(first: $first, filter: $filter) {"
                    " totalCount edges { node { id name status kind } } } }",
                    {"filter": filter_, "first": first})["systems"]


# --- entities --------------------------------------------------------------------------------------------

def test_an_entity_comes_with_its_owner_data_apis_and_connections(sample_api):
    system = sample_api.data(ENTITY_WITH_NEIGHBOURS, {"id": "system:tinh-15.mot-cua"})["entity"]
    assert system["__typename"] == "System"
    assert system["name"] == "Hệ thống thông tin giải quyết thủ tục hành chính tỉnh Lào Cai"
    assert (system["status"], system["kind"], system["pillar"]) == ("operational", "one_stop_shop", "applications")
    assert system["owner"]["level"] in {"province", "unit"}
    assert {dataset["id"] for dataset in system["mastersDatasets"]["nodes"]} == {"dataset:tinh-15.ho-so-tthc"}
    population_api = next(api for api in system["consumesApis"]["nodes"] if api["id"] == "api:dan-cu.tra-cuu")
    assert population_api["exposedBy"]["id"] == "system:csdl-dan-cu"
    assert {"platform:tinh-15.lgsp", "platform:cong-dvc-quoc-gia"} <= {end["id"] for end in system["connectsTo"]["nodes"]}
    assert {end["__typename"] for end in system["connectsTo"]["nodes"]} == {"Platform"}


def test_relationship_lists_are_in_id_order(sample_api):
    consumers = sample_api.data('{ entity(id: "api:dan-cu.tra-cuu") { ... on Api {'
                                ' consumedBy(first: 100) { nodes { id } } } } }')
    found = [node["id"] for node in consumers["entity"]["consumedBy"]["nodes"]]
    assert len(found) > 30 and found == sorted(found)


LINK_PAGE = """
query ($first: Int!, $after: String) {
  entity(id: "api:dan-cu.tra-cuu") { ... on Api {
    consumedBy(first: $first, after: $after) {
      totalCount edges { cursor node { id } } pageInfo { hasNextPage endCursor }
    }
  } }
}"""


def test_a_long_relationship_list_is_paged_like_a_listing(sample_api):
    everything = sample_api.data(LINK_PAGE, {"first": 100})["entity"]["consumedBy"]
    expected = [edge["node"]["id"] for edge in everything["edges"]]
    assert everything["totalCount"] == len(expected) and not everything["pageInfo"]["hasNextPage"]
    walked, after = [], None
    while True:
        page = sample_api.data(LINK_PAGE, {"first": 7, "after": after})["entity"]["consumedBy"]
        assert len(page["edges"]) <= 7 and page["totalCount"] == len(expected)
        walked += [edge["node"]["id"] for edge in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert walked == expected


def test_a_relationship_page_larger_than_the_cap_is_refused(sample_api):
    errors = sample_api.errors(LINK_PAGE, {"first": MAX_FIRST + 1})
    assert any(f"first must be between 0 and {MAX_FIRST}" in message for message in errors), errors


def test_edges_carry_the_relationship_properties_and_provenance(sample_api):
    data = sample_api.data('{ entity(id: "dataset:dan-cu") { ... on Dataset {'
                           ' copiesHeldBy(first: 100) { edges { node { id } syncMethod source updatedAt } } } } }')
    edges = data["entity"]["copiesHeldBy"]["edges"]
    assert edges and all(edge["source"] and edge["updatedAt"] for edge in edges)
    sync = {edge["node"]["id"]: edge["syncMethod"] for edge in edges}
    assert sync["system:csdl-tong-hop"] == "platform"
    assert sync["system:tinh-38.kho-du-lieu"] == "batch_file"  # the planted unsynced copy


def test_an_agency_shows_its_parent_and_children(sample_api):
    data = sample_api.data(f'{{ entity(id: "{LAO_CAI}") {{ ... on Agency {{ level parent {{ id }}'
                           ' children(first: 100) { nodes { id parent { id } } } } } }')
    agency = data["entity"]
    assert agency["level"] == "province" and agency["parent"] is None
    assert "agency:tinh-15.so-yt" in {child["id"] for child in agency["children"]["nodes"]}
    assert {child["parent"]["id"] for child in agency["children"]["nodes"]} == {LAO_CAI}


def test_an_unknown_id_is_null_not_an_error(sample_api):
    assert sample_api.data('{ entity(id: "system:khong-co") { id } }') == {"entity": None}


def test_dates_and_timestamps_are_typed(sample_api):
    data = sample_api.data('{ entity(id: "system:tinh-01.cong-dvc") { createdAt ... on System { retiredOn } } }')
    assert data["entity"]["retiredOn"] == "2025-06-27"
    assert data["entity"]["createdAt"].startswith("20")


# --- connections -----------------------------------------------------------------------------------------

def test_cursors_walk_every_node_once_in_id_order(sample_api):
    total = sample_api.data("{ systems { totalCount } }")["systems"]["totalCount"]
    walked = walk(sample_api, "systems", first=7)
    assert len(walked) == total == len(set(walked)) and walked == sorted(walked)
    assert total == 100  # 91 in the sample, 9 more in Lào Cai's inventory


def test_cursors_are_opaque_and_the_last_page_says_so(sample_api):
    page = sample_api.data("{ apis(first: 2) { edges { cursor node { id } } pageInfo { hasNextPage"
                           " hasPreviousPage startCursor endCursor } } }")["apis"]
    assert page["pageInfo"]["hasNextPage"] and not page["pageInfo"]["hasPreviousPage"]
    assert page["pageInfo"]["startCursor"] == page["edges"][0]["cursor"]
    assert ":" not in page["edges"][0]["cursor"]
    last = sample_api.data("{ apis(first: 100) { pageInfo { hasNextPage endCursor } } }")["apis"]["pageInfo"]
    assert last["hasNextPage"] is False and last["endCursor"]


def test_page_size_is_capped(sample_api):
    errors = sample_api.errors(f"{{ systems(first: {MAX_FIRST + 1}) {{ edges {{ cursor }} }} }}")
    assert errors == [f"first must be between 0 and {MAX_FIRST}, not {MAX_FIRST + 1}"]
    assert sample_api.errors("{ systems(first: -1) { edges { cursor } } }")


@pytest.mark.parametrize("cursor", ["not base64!", base64.urlsafe_b64encode(b"no id here").decode()])
def test_a_malformed_cursor_is_refused_by_name(sample_api, cursor):
    assert sample_api.errors("query ($after: String) { systems(after: $after) { edges { cursor } } }",
                             {"after": cursor}) == [f"invalid cursor {cursor!r}"]


# --- filters ---------------------------------------------------------------------------------------------

def test_filters_by_status_and_kind(sample_api):
    found = systems(sample_api, {"kind": "one_stop_shop", "status": "operational"})
    assert found["totalCount"] == len(found["edges"]) >= 34
    assert {(edge["node"]["kind"], edge["node"]["status"]) for edge in found["edges"]} == {
        ("one_stop_shop", "operational")}
    retired = systems(sample_api, {"status": "retired"})
    assert retired["totalCount"] > 0 and all(edge["node"]["status"] == "retired" for edge in retired["edges"])


def test_filters_agencies_by_level_and_entities_by_pillar(sample_api):
    provinces = sample_api.data('{ agencies(first: 100, filter: {level: province}) { totalCount } }')
    assert provinces["agencies"]["totalCount"] == 34
    data = sample_api.data('{ platforms(first: 100, filter: {pillar: "platforms"}) { totalCount } '
                           ' none: platforms(filter: {pillar: "data"}) { totalCount } }')
    assert data["platforms"]["totalCount"] == 41 and data["none"]["totalCount"] == 0


def test_the_agency_filter_includes_what_its_sub_agencies_own(sample_api):
    found = ids(systems(sample_api, {"agency": LAO_CAI}))
    assert "system:tinh-15.mot-cua" in found  # owned by the province or its office
    assert "system:tinh-15.y-te" in found  # owned by the Department of Health, PART_OF the province
    assert all(system_id.startswith("system:tinh-15.") for system_id in found)
    health = ids(systems(sample_api, {"agency": "agency:tinh-15.so-yt"}))
    assert health == ["system:tinh-15.y-te"]
    communes = sample_api.data(f'{{ agencies(first: 100, filter: {{agency: "{LAO_CAI}", level: commune}}) '
                               '{ totalCount edges { node { id } } } }')["agencies"]
    assert communes["totalCount"] == len(communes["edges"]) > 10


def test_the_agency_filter_applies_to_teams_and_datasets_too(sample_api):
    data = sample_api.data(f'{{ datasets(first: 100, filter: {{agency: "{LAO_CAI}"}}) {{ totalCount }} '
                           f' teams(first: 100, filter: {{agency: "{LAO_CAI}"}}) {{ totalCount }} }}')
    assert data["datasets"]["totalCount"] >= 9


def test_filters_combine_and_the_total_counts_all_pages(sample_api):
    found = systems(sample_api, {"agency": LAO_CAI, "kind": "one_stop_shop"}, first=1)
    assert found["totalCount"] == 2 and len(found["edges"]) == 1  # Lào Cai's and Yên Bái's (inherited)


# --- search ----------------------------------------------------------------------------------------------

@pytest.mark.parametrize("text", ["Lào Cai", "lào cai", "LÀO CAI", "lao cai", "Lao Cai",
                                  unicodedata.normalize("NFD", "Lào Cai")])
def test_search_ignores_case_and_vietnamese_diacritics(sample_api, text):
    found = ids(systems(sample_api, {"search": text, "kind": "one_stop_shop"}))
    assert found == ["system:tinh-15.mot-cua"]


def test_search_matches_inside_names_and_english_names(sample_api):
    assert "system:tinh-15.y-te" in ids(systems(sample_api, {"search": "y tế cơ sở"}))
    assert "system:tinh-15.y-te" in ids(systems(sample_api, {"search": "y te co so"}))
    english = sample_api.data('{ datasets(filter: {search: "POPULATION database"}) { edges { node { id } } } }')
    assert ids(english["datasets"]) == ["dataset:dan-cu"]


def test_every_word_of_a_search_must_be_in_the_name_in_any_order(sample_api):
    for text in ("thu tuc hanh chinh lao cai", "Lào Cai thủ tục", "cai thu tuc lao"):
        assert ids(systems(sample_api, {"search": text})) == ["system:tinh-15.mot-cua"], text
    assert ids(systems(sample_api, {"search": "lao cai tthc"})) == []  # TTHC is a tag, not in the name


def test_a_search_of_too_many_words_is_refused(sample_api):
    errors = sample_api.errors('{ systems(filter: {search: "a b c d e f g h i j k"}) { totalCount } }')
    assert errors == ["search takes at most 10 words"]


def test_search_for_dong_finds_names_with_the_barred_d(sample_api):
    found = ids(systems(sample_api, {"search": "dang ky doanh nghiep"}))
    assert "system:csdl-dang-ky-doanh-nghiep" in found


def test_a_search_that_matches_nothing_is_an_empty_page(sample_api):
    found = systems(sample_api, {"search": "không tồn tại xyz"})
    assert found == {"totalCount": 0, "edges": []}


def test_each_search_word_may_be_the_beginning_of_a_word(sample_api):
    assert ids(systems(sample_api, {"search": "thu tuc hanh ch lao ca", "kind": "one_stop_shop"})) == [
        "system:tinh-15.mot-cua"]


def test_a_search_combines_with_the_agency_filter_and_pages(sample_api):
    everything = systems(sample_api, {"search": "lao cai", "agency": LAO_CAI})
    assert everything["totalCount"] == len(everything["edges"]) > 1
    expected = ids(everything)
    assert expected == sorted(expected)
    assert walk(sample_api, "systems", {"search": "lao cai", "agency": LAO_CAI}, first=1) == expected
    outside = systems(sample_api, {"search": "lao cai", "agency": "agency:tinh-01"})
    assert outside["totalCount"] == 0


@pytest.mark.parametrize("text", ['lao* OR cai', '"}) MATCH (n) DETACH DELETE n //', "@name:{x} | -(cai) ~%%",
                                  "\\", "*", "AND", "lao AND NOT cai"])
def test_query_syntax_of_either_engine_in_a_search_is_only_text(sample_api, text):
    before = sample_api.data("{ systems { totalCount } }")["systems"]["totalCount"]
    sample_api.data("query ($filter: SystemFilter) { systems(filter: $filter) { totalCount } }",
                    {"filter": {"search": text}})
    assert sample_api.data("{ systems { totalCount } }")["systems"]["totalCount"] == before
