"""The Backstage importer: a software catalogue's entities as registry nodes, its refs as relationships."""

from collections import Counter
from pathlib import Path

import pytest

from graph_model import is_valid_entity_id
from importers import ImportContext, Parsed, Reject, importer_for
from registry.loading import Loader

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
CATALOGUE = FIXTURES / "backstage"

SO_KHCN = "agency:backstage.default.group.so-khcn"
TRUNG_TAM = "agency:backstage.default.group.trung-tam-cntt"
MOT_CUA = "system:backstage.default.system.he-thong-mot-cua"
CONG_DVC = "system:backstage.default.component.cong-dich-vu-cong"
BACKEND = "system:backstage.default.component.mot-cua-backend"
KY_SO = "system:backstage.default.component.thu-vien-ky-so"
TRA_CUU = "api:backstage.default.api.tra-cuu-ho-so"
THONG_KE = "api:backstage.default.api.thong-ke-ho-so"
CSDL = "resource:backstage.default.resource.csdl-ho-so"
CUM_MAY_CHU = "resource:backstage.default.resource.cum-may-chu-ttdl"


def read(path: Path, **context: str) -> tuple[list[Parsed], list[Reject]]:
    items = list(importer_for(path).read(path, ImportContext(**context)))
    return [i for i in items if isinstance(i, Parsed)], [i for i in items if isinstance(i, Reject)]


def nodes(parsed: list[Parsed]) -> dict[str, Parsed]:
    return {p.record.id: p for p in parsed if hasattr(p.record, "id")}


def relationships(parsed: list[Parsed]) -> dict[tuple[str, str, str], Parsed]:
    return {(p.record.type, p.record.source_id, p.record.target_id): p
            for p in parsed if hasattr(p.record, "source_id")}


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "catalog-info.yaml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def catalogue() -> list[Parsed]:
    parsed, rejects = read(CATALOGUE / "catalog-info.yaml")
    assert rejects == []
    return parsed


# --- choosing the importer -------------------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["catalog-info.yaml", "broken.yaml", "problems.yaml", "unknown-api.yaml"])
def test_catalogue_files_are_read_by_the_backstage_importer(name):
    assert importer_for(CATALOGUE / name).name == "backstage"


def test_registry_files_beside_them_are_still_native():
    assert importer_for(CATALOGUE / "registry-base.yaml").name == "native"
    assert importer_for(FIXTURES / "native" / "valid.yaml").name == "native"


# --- the catalogue of a provincial department ---------------------------------------------------------------------

def test_each_mapped_entity_becomes_one_node_and_users_and_locations_are_skipped(catalogue):
    counts = Counter(p.record.type for p in nodes(catalogue).values())
    assert counts == {"Agency": 2, "System": 4, "Api": 2, "Dataset": 1, "Infrastructure": 1}


def test_refs_become_relationships(catalogue):
    counts = Counter(key[0] for key in relationships(catalogue))
    assert counts == {"OWNS": 8, "PART_OF": 2, "EXPOSES": 2, "CONSUMES": 1, "HOLDS_COPY_OF": 1, "HOSTED_ON": 2,
                      "CONNECTS_TO": 1}
    assert set(relationships(catalogue)) >= {
        ("PART_OF", SO_KHCN, "agency:tinh-15"),  # the parent's registry.onegov/id
        ("PART_OF", TRUNG_TAM, SO_KHCN),  # stated by both parent and children, given once
        ("OWNS", SO_KHCN, CONG_DVC),  # group:default/so-khcn
        ("OWNS", TRUNG_TAM, BACKEND),  # a plain name: kind group, the entity's namespace
        ("EXPOSES", BACKEND, TRA_CUU), ("EXPOSES", BACKEND, THONG_KE),
        ("CONSUMES", CONG_DVC, TRA_CUU),
        ("HOLDS_COPY_OF", BACKEND, CSDL),  # dependsOn a database
        ("HOSTED_ON", BACKEND, CUM_MAY_CHU), ("HOSTED_ON", CSDL, CUM_MAY_CHU),  # dependsOn a cluster
        ("CONNECTS_TO", BACKEND, KY_SO),  # dependsOn a component
    }
    assert relationships(catalogue)[("HOLDS_COPY_OF", BACKEND, CSDL)].record.sync_method == "unknown"


def test_names_keep_their_diacritics_and_ids_are_ascii(catalogue):
    names = {node_id: p.record.name for node_id, p in nodes(catalogue).items()}
    assert names[SO_KHCN] == "Sở Khoa học và Công nghệ tỉnh Lào Cai"  # metadata.title
    assert names[TRUNG_TAM] == "Trung tâm Công nghệ thông tin và Truyền thông"  # spec.profile.displayName
    assert names[MOT_CUA] == "Hệ thống thông tin giải quyết thủ tục hành chính tỉnh Lào Cai"
    assert names[TRA_CUU] == "API tra cứu hồ sơ thủ tục hành chính"
    ids = [*nodes(catalogue), *(end for key in relationships(catalogue) for end in key[1:])]
    assert all(is_valid_entity_id(i) for i in ids)


def test_kinds_types_and_lifecycles_map_to_the_metamodel(catalogue):
    found = {node_id: p.record for node_id, p in nodes(catalogue).items()}
    assert (found[CONG_DVC].kind, found[CONG_DVC].status) == ("portal", "operational")  # website, production
    assert (found[BACKEND].kind, found[KY_SO].kind, found[KY_SO].status) == ("other", "other", "planned")
    assert (found[TRA_CUU].protocol, found[THONG_KE].protocol, found[THONG_KE].status) == ("rest", "graphql",
                                                                                           "planned")
    assert (found[CSDL].type, found[CUM_MAY_CHU].type, found[CUM_MAY_CHU].kind) == ("Dataset", "Infrastructure",
                                                                                    "cloud")
    assert found[SO_KHCN].level == "unit"
    assert found[SO_KHCN].description.startswith("Cơ quan chuyên môn")


def test_registry_annotations_set_fields_backstage_has_no_words_for(catalogue):
    found = {node_id: p.record for node_id, p in nodes(catalogue).items()}
    assert (found[MOT_CUA].kind, found[MOT_CUA].scope) == ("one_stop_shop", "province")
    assert found[SO_KHCN].name_en == "Lao Cai Department of Science and Technology"


def test_a_registry_id_annotation_refers_to_the_registry_entity_without_rewriting_it(catalogue):
    assert "agency:tinh-15" not in nodes(catalogue)
    assert "agency:backstage.default.group.ubnd-tinh-lao-cai" not in nodes(catalogue)


def test_membership_of_a_backstage_system_is_a_tag_not_a_connection(catalogue):
    found = {node_id: p.record for node_id, p in nodes(catalogue).items()}
    assert found[CONG_DVC].tags == ["dvc", "portal", "backstage:component", f"part-of:{MOT_CUA}"]
    assert f"part-of:{BACKEND}" in found[KY_SO].tags  # subcomponentOf
    assert not any(key[0] == "CONNECTS_TO" and MOT_CUA in key for key in relationships(catalogue))


def test_a_node_is_at_the_line_of_its_kind_and_a_relationship_at_the_line_of_its_field(catalogue):
    assert {node_id: p.location.line for node_id, p in nodes(catalogue).items()} == {
        SO_KHCN: 15, TRUNG_TAM: 28, MOT_CUA: 48, CONG_DVC: 59, BACKEND: 74, KY_SO: 90, TRA_CUU: 101,
        THONG_KE: 119, CSDL: 130, CUM_MAY_CHU: 140}
    lines = {key: p.location.line for key, p in relationships(catalogue).items()}
    assert lines[("PART_OF", SO_KHCN, "agency:tinh-15")] == 12  # the parent's `children`
    assert lines[("OWNS", TRUNG_TAM, BACKEND)] == 81
    assert lines[("EXPOSES", BACKEND, TRA_CUU)] == 83
    assert lines[("HOSTED_ON", BACKEND, CUM_MAY_CHU)] == 84


# --- what is rejected --------------------------------------------------------------------------------------------

def test_a_malformed_document_rejects_the_whole_file_at_its_line():
    parsed, rejects = read(CATALOGUE / "broken.yaml")
    assert parsed == []  # not even the well-formed first document
    assert [(r.location.line, r.field) for r in rejects] == [(12, "file")]
    assert "invalid YAML" in rejects[0].reason


def test_each_problem_is_named_by_line_and_field_and_the_rest_loads():
    parsed, rejects = read(CATALOGUE / "problems.yaml")
    assert {(r.location.line, r.field) for r in rejects} == {
        (3, "kind"),  # Widget
        (13, "spec.lifecycle"),  # beta
        (23, "spec.owner"),  # a User cannot own
        (30, "spec.type"),  # a queue is neither data nor infrastructure
        (35, "metadata.name"),  # missing
        (46, "metadata.annotations.registry.onegov/level"),  # not an agency level
        (60, "spec.dependsOn"),  # a Resource in another file: data or infrastructure?
    }
    reasons = {r.field: r.reason for r in rejects}
    assert "unknown kind 'Widget'" in reasons["kind"]
    assert "an owner must be a Group" in reasons["spec.owner"]
    assert set(nodes(parsed)) == {"system:backstage.default.component.ung-dung-noi-bo",
                                  "system:backstage.default.component.cong-thong-tin-dien-tu"}


def test_an_entity_ref_without_the_kind_dependsOn_needs_is_named(tmp_path):
    path = write(tmp_path, "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: a\n"
                           "spec:\n  type: service\n  dependsOn: [csdl]\n")
    parsed, rejects = read(path)
    assert len(parsed) == 1
    assert [(r.location.line, r.field) for r in rejects] == [(7, "spec.dependsOn")]
    assert "needs a kind" in rejects[0].reason


def test_not_a_backstage_entity_is_named(tmp_path):
    path = write(tmp_path, "apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata: {name: a}\n---\n"
                           "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: b}\n---\n- a list\n")
    parsed, rejects = read(path)
    assert len(parsed) == 1
    assert [(r.location.line, r.field) for r in rejects] == [(5, "apiVersion"), (None, "document")]


def test_the_command_line_owner_fills_in_for_an_entity_without_owner(tmp_path):
    path = write(tmp_path, "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: a\n"
                           "spec:\n  type: service\n  lifecycle: production\n")
    parsed, _ = read(path, owner="agency:tinh-15")
    assert set(relationships(parsed)) == {("OWNS", "agency:tinh-15", "system:backstage.default.component.a")}


def test_refs_are_case_insensitive_and_default_to_the_entitys_namespace(tmp_path):
    path = write(tmp_path, "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: Cong\n"
                           "  namespace: Lao-Cai\nspec:\n  owner: So-KHCN\n  providesApis: [API:lao-cai/Tra-Cuu]\n")
    parsed, _ = read(path)
    assert set(relationships(parsed)) == {
        ("OWNS", "agency:backstage.lao-cai.group.so-khcn", "system:backstage.lao-cai.component.cong"),
        ("EXPOSES", "system:backstage.lao-cai.component.cong", "api:backstage.lao-cai.api.tra-cuu")}


def test_a_type_annotation_makes_a_component_a_platform_in_the_registrys_words(tmp_path):
    path = write(tmp_path, "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: lgsp\n"
                           "  title: Nền tảng tích hợp, chia sẻ dữ liệu tỉnh Lào Cai\n  annotations:\n"
                           "    registry.onegov/type: Platform\n    registry.onegov/kind: integration\n"
                           "    registry.onegov/scope: province\n"
                           "spec:\n  type: service\n  lifecycle: production\n  providesApis: [dong-bo]\n")
    parsed, rejects = read(path)
    assert rejects == []
    platform = nodes(parsed)["system:backstage.default.component.lgsp"].record
    assert (platform.type, platform.kind, platform.scope, platform.status) == ("Platform", "integration",
                                                                              "province", "operational")
    assert set(relationships(parsed)) == {("EXPOSES", platform.id, "api:backstage.default.api.dong-bo")}


# --- loading into the stores -------------------------------------------------------------------------------------

def test_the_catalogue_loads_into_the_store_under_the_registry_province(graph):
    loader = Loader(graph)
    assert loader.load_files([CATALOGUE / "registry-base.yaml"]).ok
    report = loader.load_files([CATALOGUE / "catalog-info.yaml"])
    assert report.ok, report.rejects
    assert dict(report.counts["nodes"]) == {"created": 10}
    assert dict(report.counts["relationships"]) == {"created": 17}
    stats = graph.stats()
    assert stats.nodes == {"Agency": 3, "System": 4, "Api": 2, "Dataset": 1, "Infrastructure": 1}
    assert graph.fetch_nodes(["agency:tinh-15"])["agency:tinh-15"].props["level"] == "province"  # not rewritten
    assert graph.fetch_nodes([MOT_CUA])[MOT_CUA].props["name"] == \
        "Hệ thống thông tin giải quyết thủ tục hành chính tỉnh Lào Cai"
    again = loader.load_files([CATALOGUE / "catalog-info.yaml"])
    assert again.ok and dict(again.counts["nodes"]) == {"unchanged": 10}


def test_a_component_consuming_an_unknown_api_is_named_by_the_loader(graph):
    report = Loader(graph).load_files([CATALOGUE / "unknown-api.yaml"])
    assert dict(report.counts["nodes"]) == {"created": 2}
    assert [(r.location.line, r.record_type, r.field) for r in report.rejects] == [(19, "CONSUMES", "to")]
    assert "'api:backstage.default.api.api-khong-ton-tai'" in report.rejects[0].reason
