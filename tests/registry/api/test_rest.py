"""The plain REST read of one entity and its neighbours, over the sample, on both stores."""

from __future__ import annotations

from registry.api.limits import MAX_FIRST


def test_an_entity_comes_with_its_relationships_both_ways(sample_api):
    response = sample_api.client.get("/api/entities/system:tinh-15.mot-cua")
    assert response.status_code == 200
    body = response.json()
    assert body["type"] == "System" and body["id"] == "system:tinh-15.mot-cua"
    assert body["properties"]["name"] == "Hệ thống thông tin giải quyết thủ tục hành chính tỉnh Lào Cai"
    assert "search_text" not in body["properties"]  # derived, not data
    links = {(link["type"], link["direction"], link["id"]) for link in body["neighbours"]}
    assert ("MASTERS", "outgoing", "dataset:tinh-15.ho-so-tthc") in links
    assert ("CONNECTS_TO", "outgoing", "platform:cong-dvc-quoc-gia") in links
    owner = next(link for link in body["neighbours"] if link["type"] == "OWNS")
    assert owner["direction"] == "incoming" and owner["entity_type"] == "Agency" and owner["name"]
    assert body["truncated"] is False


def test_relationship_properties_come_with_each_neighbour(sample_api):
    body = sample_api.client.get("/api/entities/system:tinh-38.kho-du-lieu").json()
    copy = next(link for link in body["neighbours"] if link["type"] == "HOLDS_COPY_OF")
    assert copy["properties"]["sync_method"] == "batch_file"


def test_a_long_list_of_neighbours_is_cut_and_says_so(sample_api):
    body = sample_api.client.get("/api/entities/api:dan-cu.tra-cuu", params={"limit": 5}).json()
    assert body["truncated"] is True
    assert len([link for link in body["neighbours"] if link["direction"] == "incoming"]) == 5
    assert sample_api.client.get("/api/entities/api:dan-cu.tra-cuu",
                                 params={"limit": MAX_FIRST + 1}).status_code == 422


def test_an_unknown_or_malformed_id_is_404(sample_api):
    assert sample_api.client.get("/api/entities/system:khong-co").status_code == 404
    assert sample_api.client.get("/api/entities/'%20OR%201=1").status_code == 404


def test_the_rest_read_is_in_the_openapi_document(sample_api):
    assert "/api/entities/{entity_id}" in sample_api.client.get("/openapi.json").json()["paths"]


def test_rest_reads_are_gated_like_graphql_reads(sample_store):
    from fastapi.testclient import TestClient

    from registry.api import create_app
    from registry.settings import RegistrySettings

    with TestClient(create_app(RegistrySettings(reads_require_token=True), store=sample_store)) as client:
        assert client.get("/api/entities/system:tinh-15.mot-cua").status_code == 401
        refused = client.get("/api/entities/system:tinh-15.mot-cua", headers={"Authorization": "Bearer nope"})
        assert refused.status_code == 401
