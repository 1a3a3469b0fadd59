"""The OpenAPI importer: one Api per OpenAPI 3 specification, linked to the System that provides it."""

from collections import Counter
from pathlib import Path

import pytest

from graph_model import is_valid_entity_id
from importers import ImportContext, Parsed, Reject, importer_for
from importers.openapi import derived_api_id
from registry.loading import Loader

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
SPECS = FIXTURES / "openapi"
API_ID = "api:tra-cuu-ho-so-thu-tuc-hanh-chinh.v1"
SYSTEM = "system:tinh-15.mot-cua"


def read(path: Path, format_name: str | None = None, **context: str) -> tuple[list[Parsed], list[Reject]]:
    items = list(importer_for(path, format_name).read(path, ImportContext(**context)))
    return [i for i in items if isinstance(i, Parsed)], [i for i in items if isinstance(i, Reject)]


def by_type(parsed: list[Parsed]) -> Counter[str]:
    return Counter(item.record.type for item in parsed)


def relationships(parsed: list[Parsed]) -> set[tuple[str, str, str]]:
    return {(p.record.type, p.record.source_id, p.record.target_id) for p in parsed if hasattr(p.record, "source_id")}


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


# --- choosing the importer -------------------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["tra-cuu-ho-so.yaml", "dong-bo-trang-thai.json", "swagger2.yaml",
                                  "missing-version.yaml"])
def test_specifications_are_read_by_the_openapi_importer(name):
    assert importer_for(SPECS / name).name == "openapi"


def test_registry_files_beside_them_are_still_native():
    assert importer_for(SPECS / "registry-base.yaml").name == "native"
    assert importer_for(FIXTURES / "native" / "valid.yaml").name == "native"
    assert importer_for(FIXTURES / "native" / "records.json").name == "native"


def test_an_openapi_definition_nested_in_a_backstage_catalogue_is_not_mistaken_for_a_spec():
    assert importer_for(FIXTURES / "backstage" / "catalog-info.yaml").name != "openapi"


# --- the Api and its relationships ------------------------------------------------------------------------------

def test_a_specification_becomes_one_api_with_its_vietnamese_title():
    parsed, rejects = read(SPECS / "tra-cuu-ho-so.yaml", system=SYSTEM)
    assert rejects == []
    assert by_type(parsed) == {"Api": 1, "EXPOSES": 1, "OWNS": 1, "PROVIDES": 1, "ROUTED_VIA": 1}
    api = parsed[0].record
    assert (api.id, api.name, api.version) == (API_ID, "API tra cứu hồ sơ thủ tục hành chính", "1.2.0")
    assert api.description.startswith("Cho phép người dân, doanh nghiệp")
    assert api.protocol == "rest"
    assert api.base_url == "https://motcua.laocai.gov.vn/api/v1"  # first server, variables at their defaults
    assert api.specification_url == "https://dichvucong.laocai.gov.vn/huong-dan/api-tra-cuu"  # externalDocs
    assert api.tags == ["operations:6"]  # path+method pairs; path parameters and x- keys are not operations
    assert parsed[0].location.line == 3  # the `info` key


def test_the_extensions_link_owner_datasets_and_platform_each_at_its_own_line():
    parsed, _ = read(SPECS / "tra-cuu-ho-so.yaml", system=SYSTEM)
    assert relationships(parsed) == {
        ("EXPOSES", SYSTEM, API_ID),
        ("OWNS", "agency:tinh-15", API_ID),
        ("PROVIDES", API_ID, "dataset:tinh-15.ho-so-tthc"),
        ("ROUTED_VIA", API_ID, "platform:tinh-15.lgsp"),
    }
    lines = {p.record.type: p.location.line for p in parsed}
    assert lines == {"Api": 3, "EXPOSES": 3, "OWNS": 12, "PROVIDES": 13, "ROUTED_VIA": 15}


def test_without_a_providing_system_the_api_still_loads_and_the_gap_is_named():
    parsed, rejects = read(SPECS / "tra-cuu-ho-so.yaml")
    assert by_type(parsed) == {"Api": 1, "OWNS": 1, "PROVIDES": 1, "ROUTED_VIA": 1}
    [reject] = rejects
    assert (reject.location.line, reject.field, reject.record_type) == (3, "x-registry-system", "EXPOSES")
    assert "--system" in reject.reason


def test_a_json_specification_names_its_own_id_system_and_specification_url():
    parsed, rejects = read(SPECS / "dong-bo-trang-thai.json")
    assert rejects == []
    api = parsed[0].record
    assert api.id == "api:tinh-15.dong-bo-trang-thai"
    assert api.name == "API đồng bộ trạng thái hồ sơ với Cổng Dịch vụ công quốc gia"
    assert (api.version, api.tags) == ("2.0", ["operations:3"])
    assert api.specification_url == "https://motcua.laocai.gov.vn/openapi/dong-bo.json"
    assert relationships(parsed) == {("EXPOSES", SYSTEM, api.id)}
    assert parsed[0].location.line == 4  # JSON: the line where the info object starts


def test_the_command_line_system_wins_over_the_spec_and_the_command_line_owner_only_fills_a_gap():
    parsed, _ = read(SPECS / "dong-bo-trang-thai.json", system="system:khac", owner="agency:tinh-15")
    assert relationships(parsed) == {("EXPOSES", "system:khac", "api:tinh-15.dong-bo-trang-thai"),
                                     ("OWNS", "agency:tinh-15", "api:tinh-15.dong-bo-trang-thai")}
    parsed, _ = read(SPECS / "tra-cuu-ho-so.yaml", system=SYSTEM, owner="agency:khac")
    assert ("OWNS", "agency:tinh-15", API_ID) in relationships(parsed)  # x-registry-owner in the spec


def test_every_id_follows_the_id_rule():
    for name in ("tra-cuu-ho-so.yaml", "dong-bo-trang-thai.json"):
        parsed, _ = read(SPECS / name, system=SYSTEM)
        ids = [getattr(p.record, "id", None) or p.record.target_id for p in parsed]
        assert all(is_valid_entity_id(i) for i in ids), ids


@pytest.mark.parametrize(("title", "version", "expected"), [
    ("API tra cứu hồ sơ thủ tục hành chính", "1.2.0", API_ID),
    ("Dịch vụ định danh điện tử", "v2.1", "api:dich-vu-dinh-danh-dien-tu.v2"),
    ("Đồng bộ dữ liệu", "beta", "api:dong-bo-du-lieu"),
    ("数据接口", "1.0", None),
])
def test_a_derived_id_is_the_ascii_slug_of_the_title_and_the_major_version(title, version, expected):
    assert derived_api_id(title, version) == expected


# --- what is rejected --------------------------------------------------------------------------------------------

def test_swagger_2_is_rejected_as_a_whole_saying_only_openapi_3_is_read():
    parsed, rejects = read(SPECS / "swagger2.yaml")
    assert parsed == []
    assert [(r.location.line, r.field) for r in rejects] == [(1, "swagger")]
    assert "only OpenAPI 3" in rejects[0].reason


def test_a_missing_info_version_is_named_with_its_line():
    parsed, rejects = read(SPECS / "missing-version.yaml", system=SYSTEM)
    assert parsed == []
    assert [(r.location.line, r.field, r.reason) for r in rejects] == [(2, "info.version", "required field is missing")]


def test_missing_title_and_version_are_both_named(tmp_path):
    path = write(tmp_path, "spec.yaml", "openapi: 3.0.0\ninfo:\n  description: Không tên\npaths: {}\n")
    parsed, rejects = read(path)
    assert parsed == []
    assert {(r.location.line, r.field) for r in rejects} == {(2, "info.title"), (2, "info.version")}


def test_an_unquoted_version_keeps_the_digits_as_written(tmp_path):
    path = write(tmp_path, "spec.yaml", "openapi: 3.0.0\ninfo:\n  title: Tra cứu\n  version: 1.10\n")
    parsed, _ = read(path, system=SYSTEM)
    assert parsed[0].record.version == "1.10"


def test_a_bad_registry_id_names_the_extension_and_its_line(tmp_path):
    path = write(tmp_path, "spec.yaml",
                 "openapi: 3.0.0\ninfo:\n  title: Tra cứu\n  version: '1'\n  x-registry-id: api:tra cứu\n")
    parsed, rejects = read(path, system=SYSTEM)
    assert parsed == []  # no Api, so no relationships to it either
    assert [(r.location.line, r.field) for r in rejects] == [(5, "info.x-registry-id")]


def test_a_bad_dataset_id_names_the_list_item(tmp_path):
    path = write(tmp_path, "spec.yaml", "openapi: 3.0.0\ninfo:\n  title: Tra cứu\n  version: '1'\n"
                                        "x-registry-datasets: [dataset:ok, 'dữ liệu']\n")
    parsed, rejects = read(path, system=SYSTEM)
    assert by_type(parsed) == {"Api": 1, "EXPOSES": 1, "PROVIDES": 1}
    assert [(r.location.line, r.field) for r in rejects] == [(5, "x-registry-datasets[1]")]


@pytest.mark.parametrize(("text", "line", "field"), [
    ("openapi: 4.0.0\ninfo: {title: X, version: '1'}\n", 1, "openapi"),
    ("asyncapi: 2.6.0\ninfo: {title: X, version: '1'}\n", 1, "openapi"),
    ("- just\n- a list\n", 1, "file"),
])
def test_with_format_openapi_anything_but_openapi_3_is_rejected(tmp_path, text, line, field):
    parsed, rejects = read(write(tmp_path, "spec.yaml", text), "openapi")
    assert parsed == []
    assert [(r.location.line, r.field) for r in rejects] == [(line, field)]


@pytest.mark.parametrize(("name", "text", "line"), [
    ("broken.yaml", "openapi: 3.0.0\ninfo:\n  title: [unclosed\n", 4),
    ("broken.json", '{\n  "openapi": "3.0.0",\n  "info": {"title": "X",}\n}\n', 3),
])
def test_a_broken_file_is_one_reject_naming_its_line(tmp_path, name, text, line):
    path = write(tmp_path, name, text)
    assert importer_for(path).name == "openapi"
    parsed, rejects = read(path)
    assert parsed == []
    assert [(r.location.line, r.field) for r in rejects] == [(line, "file")]


def test_unsafe_yaml_tags_are_a_reject_not_code(tmp_path):
    path = write(tmp_path, "spec.yaml", "openapi: 3.0.0\ninfo: !!python/object/apply:os.system ['true']\n")
    parsed, rejects = read(path)
    assert parsed == [] and [r.field for r in rejects] == ["file"]


# --- loading into the stores -------------------------------------------------------------------------------------

def test_a_specification_loads_into_the_store_beside_its_system(graph):
    loader = Loader(graph)
    assert loader.load_files([SPECS / "registry-base.yaml"]).ok
    report = loader.load_files([SPECS / "tra-cuu-ho-so.yaml", SPECS / "dong-bo-trang-thai.json"],
                               context=ImportContext(system=SYSTEM))
    assert report.ok, report.rejects
    stats = graph.stats()
    assert stats.nodes["Api"] == 2
    assert {rel: stats.relationships[rel] for rel in ("EXPOSES", "OWNS", "PROVIDES", "ROUTED_VIA")} == {
        "EXPOSES": 2, "OWNS": 1, "PROVIDES": 1, "ROUTED_VIA": 1}
    stored = graph.fetch_nodes([API_ID])[API_ID]
    assert stored.props["name"] == "API tra cứu hồ sơ thủ tục hành chính"
    again = loader.load_files([SPECS / "tra-cuu-ho-so.yaml"], context=ImportContext(system=SYSTEM))
    assert dict(again.counts["nodes"]) == {"unchanged": 1} and again.ok


def test_a_providing_system_missing_from_the_registry_is_named_by_the_loader(graph):
    report = Loader(graph).load_files([SPECS / "tra-cuu-ho-so.yaml"], context=ImportContext(system=SYSTEM))
    assert report.counts["nodes"]["created"] == 1
    named = {(r.record_type, r.field, r.location.line) for r in report.rejects}
    assert ("EXPOSES", "from", 3) in named
    assert all("no entity with id" in r.reason for r in report.rejects)
