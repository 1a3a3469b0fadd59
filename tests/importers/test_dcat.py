"""The DCAT importer: catalogues become Datasets and Apis owned by their publishers; nothing is ever fetched."""

import json
import socket
import time
import urllib.request
from collections import Counter
from pathlib import Path

import pytest

from importers import ImportContext, Parsed, Reject, importer_for
from registry.loading import Loader

OWNER = "agency:000.00.00.G12"


@pytest.fixture
def dcat_dir(fixtures_dir: Path) -> Path:
    return fixtures_dir / "dcat"


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Any attempt to open a connection or fetch a URL fails the test loudly."""
    def refuse(*args, **kwargs):
        raise AssertionError(f"network access attempted: {args!r}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    monkeypatch.setattr(urllib.request, "urlopen", refuse)
    import rdflib.plugins.shared.jsonld.context as jsonld_context
    monkeypatch.setattr(jsonld_context, "source_to_json", refuse)


def read(path: Path, **context) -> tuple[list[Parsed], list[Reject]]:
    importer = importer_for(path)
    assert importer.name == "dcat"
    items = list(importer.read(path, ImportContext(**context)))
    return [i for i in items if isinstance(i, Parsed)], [i for i in items if isinstance(i, Reject)]


def by_id(parsed: list[Parsed]) -> dict:
    return {p.record.id: p.record for p in parsed if hasattr(p.record, "id")}


def relationships(parsed: list[Parsed]) -> set[tuple[str, str, str]]:
    return {p.record.key for p in parsed if hasattr(p.record, "key")}


def types(parsed: list[Parsed]) -> Counter:
    return Counter(p.record.type for p in parsed)


# --- choosing the importer ---------------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["ministry-catalogue.jsonld", "statistics-catalogue.ttl", "broken.ttl",
                                  "small-catalogue.rdf", "remote-context.jsonld", "missing-title.jsonld"])
def test_every_dcat_fixture_is_read_by_the_dcat_importer(dcat_dir, name):
    assert importer_for(dcat_dir / name).name == "dcat"


def test_json_is_dcat_only_when_its_context_names_dcat(dcat_dir, tmp_path, fixtures_dir):
    catalogue = tmp_path / "catalogue.json"
    catalogue.write_bytes((dcat_dir / "ministry-catalogue.jsonld").read_bytes())
    assert importer_for(catalogue).name == "dcat"
    assert importer_for(fixtures_dir / "native" / "records.json").name == "native"


# --- a DCAT-AP JSON-LD catalogue ---------------------------------------------------------------------------

def test_a_ministry_catalogue_gives_datasets_apis_and_their_links(dcat_dir, no_network):
    parsed, rejects = read(dcat_dir / "ministry-catalogue.jsonld")
    assert rejects == []
    assert types(parsed) == {"Dataset": 4, "Api": 3, "OWNS": 7, "PROVIDES": 4}
    assert set(by_id(parsed)) == {
        "dataset:btc.du-toan-ngan-sach-2025",  # from dct:identifier
        "dataset:quyet-toan-ngan-sach-2023",  # no identifier: the IRI's last segment
        "dataset:dang-ky-doanh-nghiep",  # identifier "ĐKDN/2025" breaks the id rule: the IRI again
        "dataset:gia-hang-hoa",
        "api:ngan-sach", "api:tra-cuu-gia",  # dcat:DataService
        "api:api-tra-cuu-thong-tin-doanh-nghiep",  # an OpenAPI distribution without IRI: its title's slug
    }
    assert relationships(parsed) == {
        (OWNER, "OWNS", "dataset:btc.du-toan-ngan-sach-2025"),
        (OWNER, "OWNS", "dataset:quyet-toan-ngan-sach-2023"),
        (OWNER, "OWNS", "dataset:gia-hang-hoa"),  # no publisher of its own: the catalogue's
        ("agency:cuc-quan-ly-dang-ky-kinh-doanh", "OWNS", "dataset:dang-ky-doanh-nghiep"),  # foaf:name slug
        (OWNER, "OWNS", "api:ngan-sach"),
        (OWNER, "OWNS", "api:tra-cuu-gia"),
        ("agency:cuc-quan-ly-dang-ky-kinh-doanh", "OWNS", "api:api-tra-cuu-thong-tin-doanh-nghiep"),
        ("api:ngan-sach", "PROVIDES", "dataset:btc.du-toan-ngan-sach-2025"),
        ("api:ngan-sach", "PROVIDES", "dataset:quyet-toan-ngan-sach-2023"),
        ("api:tra-cuu-gia", "PROVIDES", "dataset:gia-hang-hoa"),
        ("api:api-tra-cuu-thong-tin-doanh-nghiep", "PROVIDES", "dataset:dang-ky-doanh-nghiep"),
    }


def test_no_agency_node_is_emitted_for_a_publisher(dcat_dir):
    parsed, _ = read(dcat_dir / "ministry-catalogue.jsonld")
    assert not any(p.record.type == "Agency" for p in parsed)


def test_names_keep_their_diacritics_vietnamese_first_english_apart(dcat_dir):
    records = by_id(read(dcat_dir / "ministry-catalogue.jsonld")[0])
    budget = records["dataset:btc.du-toan-ngan-sach-2025"]
    assert budget.name == "Dự toán ngân sách nhà nước năm 2025"
    assert budget.name_en == "State budget estimates 2025"
    assert budget.description.startswith("Số liệu dự toán thu, chi ngân sách nhà nước")
    assert records["api:tra-cuu-gia"].name == "Dịch vụ tra cứu giá hàng hóa"
    only_english = records["dataset:gia-hang-hoa"]
    assert only_english.name == only_english.name_en == "Prices of essential goods and services"


def test_dataset_fields_come_from_keywords_themes_and_legislation(dcat_dir):
    records = by_id(read(dcat_dir / "ministry-catalogue.jsonld")[0])
    budget = records["dataset:btc.du-toan-ngan-sach-2025"]
    # Vietnamese keywords (the English "budget" is left out), theme labels, else the theme IRI's last segment.
    assert budget.tags == ["GOVE", "Tài chính công", "ngân sách", "tài chính công"]
    # The title of the dcatap:applicableLegislation; dct:conformsTo without a title gives its IRI.
    assert budget.legal_basis == "Luật Ngân sách nhà nước số 83/2015/QH13"
    assert budget.category == "other" and budget.personal_data is False
    assert records["dataset:quyet-toan-ngan-sach-2023"].legal_basis == "https://vbpl.vn/thong-tu-342-2016-tt-btc"
    enterprises = records["dataset:dang-ky-doanh-nghiep"]
    assert enterprises.category == "national_database"  # keyword "cơ sở dữ liệu quốc gia"
    assert enterprises.personal_data is True  # keyword "dữ liệu cá nhân"


def test_apis_carry_endpoint_specification_and_protocol(dcat_dir):
    records = by_id(read(dcat_dir / "ministry-catalogue.jsonld")[0])
    budget_api = records["api:ngan-sach"]
    assert budget_api.base_url == "https://api.mof.gov.vn/ngan-sach/v1"
    assert budget_api.specification_url == "https://api.mof.gov.vn/ngan-sach/v1/openapi.json"
    assert budget_api.protocol == "rest" and budget_api.name_en == "State budget data API"
    assert records["api:tra-cuu-gia"].protocol == "soap"  # its description is a WSDL
    enterprise_api = records["api:api-tra-cuu-thong-tin-doanh-nghiep"]
    assert enterprise_api.base_url == "https://dangkykinhdoanh.gov.vn/api/v2"


def test_file_downloads_are_not_apis(dcat_dir):
    records = by_id(read(dcat_dir / "ministry-catalogue.jsonld")[0])
    urls = {getattr(record, "base_url", None) for record in records.values()}
    assert not any(url and url.endswith((".csv", ".xlsx")) for url in urls)


def test_records_are_located_at_the_line_of_their_at_id(dcat_dir):
    parsed, _ = read(dcat_dir / "ministry-catalogue.jsonld")
    lines = {p.record.id: p.location.line for p in parsed if hasattr(p.record, "id")}
    text = (dcat_dir / "ministry-catalogue.jsonld").read_text(encoding="utf-8").splitlines()
    assert '"@id": "https://data.mof.gov.vn/dataset/gia-hang-hoa"' in text[lines["dataset:gia-hang-hoa"] - 1]
    assert '"@id": "https://data.mof.gov.vn/api/ngan-sach"' in text[lines["api:ngan-sach"] - 1]


def test_reading_twice_gives_the_same_records_in_the_same_order(dcat_dir):
    first, _ = read(dcat_dir / "ministry-catalogue.jsonld")
    second, _ = read(dcat_dir / "ministry-catalogue.jsonld")
    assert [p.record for p in first] == [p.record for p in second]


def test_the_system_option_exposes_every_api(dcat_dir):
    parsed, _ = read(dcat_dir / "ministry-catalogue.jsonld", system="system:btc.cong-du-lieu-mo")
    exposes = {key for key in relationships(parsed) if key[1] == "EXPOSES"}
    assert exposes == {("system:btc.cong-du-lieu-mo", "EXPOSES", api)
                       for api in ("api:ngan-sach", "api:tra-cuu-gia", "api:api-tra-cuu-thong-tin-doanh-nghiep")}


# --- Turtle and RDF/XML ------------------------------------------------------------------------------------

def test_a_turtle_catalogue_reads_like_json_ld(dcat_dir):
    parsed, rejects = read(dcat_dir / "statistics-catalogue.ttl")
    assert rejects == []
    assert types(parsed) == {"Dataset": 2, "Api": 1, "OWNS": 2, "PROVIDES": 2}
    records = by_id(parsed)
    population = records["dataset:dan-so-2024"]
    assert population.name == "Dân số trung bình phân theo tỉnh, thành phố năm 2024"
    assert population.tags == ["SOCI", "dân số", "thống kê"]
    assert records["dataset:chi-so-gia-tieu-dung"].name == "Chỉ số giá tiêu dùng (CPI) hằng tháng"  # untagged
    assert records["api:px-web"].base_url == "https://pxweb.gso.gov.vn/api/v1/vi"
    # The publisher's dct:identifier is already an agency id; the CPI dataset names no publisher at all.
    assert {key for key in relationships(parsed) if key[1] == "OWNS"} == {
        ("agency:btc.cuc-thong-ke", "OWNS", "dataset:dan-so-2024"),
        ("agency:btc.cuc-thong-ke", "OWNS", "api:px-web")}
    text = (dcat_dir / "statistics-catalogue.ttl").read_text(encoding="utf-8").splitlines()
    line = next(p.location.line for p in parsed if getattr(p.record, "id", None) == "dataset:dan-so-2024")
    assert text[line - 1].startswith("<https://data.mof.gov.vn/thong-ke/dataset/dan-so-2024>")


def test_the_owner_option_owns_what_names_no_publisher_and_nothing_else(dcat_dir):
    parsed, _ = read(dcat_dir / "statistics-catalogue.ttl", owner=OWNER)
    assert {key for key in relationships(parsed) if key[1] == "OWNS"} == {
        ("agency:btc.cuc-thong-ke", "OWNS", "dataset:dan-so-2024"),
        ("agency:btc.cuc-thong-ke", "OWNS", "api:px-web"),
        (OWNER, "OWNS", "dataset:chi-so-gia-tieu-dung")}


def test_broken_turtle_is_one_reject_naming_the_line(dcat_dir):
    parsed, rejects = read(dcat_dir / "broken.ttl")
    assert parsed == []
    assert [(r.field, r.location.line) for r in rejects] == [("file", 9)]
    assert rejects[0].reason.startswith("invalid Turtle")


def test_rdf_xml_is_read(dcat_dir):
    parsed, rejects = read(dcat_dir / "small-catalogue.rdf", owner=OWNER)
    assert rejects == []
    debt = by_id(parsed)["dataset:btc.no-cong"]
    assert (debt.name, debt.name_en) == ("Bản tin nợ công", "Public debt bulletin")
    assert relationships(parsed) == {(OWNER, "OWNS", "dataset:btc.no-cong")}


def test_rdf_xml_with_a_dtd_is_refused_before_any_entity_is_expanded(dcat_dir, no_network):
    parsed, rejects = read(dcat_dir / "entity-expansion.rdf")
    assert parsed == []
    assert [(r.field, r.location.line) for r in rejects] == [("file", 2)]
    assert "DTD refused" in rejects[0].reason and "root:" not in rejects[0].reason


# --- hostile and broken input ------------------------------------------------------------------------------

def test_a_remote_context_is_refused_quickly_and_never_fetched(dcat_dir, no_network):
    started = time.monotonic()
    parsed, rejects = read(dcat_dir / "remote-context.jsonld")
    assert time.monotonic() - started < 2
    assert parsed == []
    assert [(r.field, r.location.line) for r in rejects] == [("@context", 2)]
    assert "remote JSON-LD context" in rejects[0].reason and "never fetched" in rejects[0].reason
    assert "SEMICeu/DCAT-AP" in rejects[0].reason


@pytest.mark.parametrize("document", [
    {"@context": [{"dcat": "http://www.w3.org/ns/dcat#"}, "https://example.org/context.jsonld"]},
    {"@context": {"dcat": "http://www.w3.org/ns/dcat#", "@import": "https://example.org/context.jsonld"}},
    {"@context": {"dcat": "http://www.w3.org/ns/dcat#",
                  "dcat:Dataset": {"@id": "dcat:Dataset", "@context": "https://example.org/scoped.jsonld"}}},
    {"@context": {"dcat": "http://www.w3.org/ns/dcat#"},
     "@graph": [{"@context": "file:///etc/passwd", "@id": "https://x.example/d", "@type": "dcat:Dataset"}]},
    {"@context": "context.jsonld"},  # relative: would be read from the disk next to the file
], ids=["in-a-list", "import", "scoped-in-a-term", "nested-local-file", "relative"])
def test_every_way_of_referring_to_a_context_document_is_refused(tmp_path, no_network, document):
    path = tmp_path / "catalogue.jsonld"
    path.write_text(json.dumps(document, indent=2), encoding="utf-8")
    parsed, rejects = read(path)
    assert parsed == []
    assert [r.field for r in rejects] == ["@context"]


def test_a_dataset_without_title_is_rejected_and_the_others_kept(dcat_dir):
    parsed, rejects = read(dcat_dir / "missing-title.jsonld")
    assert [p.record.id for p in parsed if hasattr(p.record, "id")] == ["dataset:co-ten"]
    assert [(r.field, r.location.line, r.record_type, r.record_id) for r in rejects] == [
        ("dct:title", 13, "Dataset", "dataset:khong-ten")]
    assert "<https://data.example.gov.vn/dataset/khong-ten> has no dct:title" in rejects[0].reason


def test_invalid_json_names_the_line(tmp_path):
    path = tmp_path / "broken.jsonld"
    path.write_text('{\n  "@context": {},\n  "@graph": [\n}\n', encoding="utf-8")
    parsed, rejects = read(path)
    assert parsed == [] and [(r.field, r.location.line) for r in rejects] == [("file", 4)]
    assert rejects[0].reason.startswith("invalid JSON")


def test_bytes_that_are_not_utf8_are_one_reject(tmp_path):
    path = tmp_path / "latin1.ttl"
    path.write_bytes(b'<https://x.example/d> <http://purl.org/dc/terms/title> "\xe9" .')
    _, rejects = read(path)
    assert [r.field for r in rejects] == ["file"] and "not UTF-8" in rejects[0].reason


TTL_PREFIXES = "@prefix dcat: <http://www.w3.org/ns/dcat#> .\n@prefix dct: <http://purl.org/dc/terms/> .\n"


def test_two_subjects_that_would_get_the_same_id_are_not_merged(tmp_path):
    path = tmp_path / "clash.ttl"
    path.write_text(TTL_PREFIXES + (
        '<https://a.example/dataset/1> a dcat:Dataset ; dct:title "Một" .\n'
        '<https://b.example/dataset/1> a dcat:Dataset ; dct:title "Hai" .\n'), encoding="utf-8")
    parsed, rejects = read(path)
    assert [p.record.name for p in parsed] == ["Một"]
    assert [(r.field, r.record_id, r.location.line) for r in rejects] == [("id", "dataset:1", 4)]
    assert "<https://b.example/dataset/1>" in rejects[0].reason and "<https://a.example/dataset/1>" in rejects[0].reason


def test_a_publisher_that_cannot_be_named_is_a_reject_of_the_ownership_only(tmp_path):
    path = tmp_path / "anonymous.ttl"
    path.write_text(TTL_PREFIXES + (
        '<https://a.example/dataset/x> a dcat:Dataset ; dct:title "Tập X" ; dct:publisher [ a dct:Agent ] .\n'),
        encoding="utf-8")
    parsed, rejects = read(path, owner=OWNER)
    assert [p.record.type for p in parsed] == ["Dataset"]
    assert [(r.field, r.record_type) for r in rejects] == [("dct:publisher", "OWNS")]


def test_a_field_the_metamodel_refuses_is_named_with_the_subject(tmp_path):
    path = tmp_path / "long.ttl"
    path.write_text(TTL_PREFIXES + f'<https://a.example/dataset/x> a dcat:Dataset ; dct:title "{"A" * 600}" .\n',
                    encoding="utf-8")
    parsed, rejects = read(path, owner=OWNER)
    assert parsed == []  # no OWNS either: its dataset was rejected
    assert [r.field for r in rejects] == ["name"] and "<https://a.example/dataset/x>" in rejects[0].reason


def test_dataset_series_in_named_graphs_are_datasets_too(tmp_path):
    path = tmp_path / "series.jsonld"
    path.write_text(json.dumps({
        "@context": {"dcat": "http://www.w3.org/ns/dcat#", "dct": "http://purl.org/dc/terms/"},
        "@id": "https://a.example/graph/2025",
        "@graph": [{"@id": "https://a.example/series/gdp", "@type": "dcat:DatasetSeries",
                    "dct:title": {"@value": "Tổng sản phẩm trong nước theo quý", "@language": "vi"}}],
    }), encoding="utf-8")
    parsed, rejects = read(path)
    assert rejects == [] and [p.record.id for p in parsed] == ["dataset:gdp"]


def test_ids_without_a_usable_slug_are_a_stable_short_hash(tmp_path):
    path = tmp_path / "hash.ttl"
    path.write_text(TTL_PREFIXES + '<https://a.example/dataset/%E2%9C%93> a dcat:Dataset ; dct:title "Dấu" .\n',
                    encoding="utf-8")
    first, _ = read(path)
    second, _ = read(path)
    assert first[0].record.id == second[0].record.id
    assert len(first[0].record.id) == len("dataset:") + 12


# --- loading into the stores -------------------------------------------------------------------------------

def load(graph, *paths: Path, **context):
    return Loader(graph).load_files(list(paths), context=ImportContext(**context))


def counts(report) -> dict:
    return {kind: dict(counter) for kind, counter in report.counts.items()}


def test_a_catalogue_loads_under_its_publishers(graph, dcat_dir):
    assert load(graph, dcat_dir / "agencies.yaml").ok
    report = load(graph, dcat_dir / "ministry-catalogue.jsonld", owner=OWNER)
    assert report.ok, report.rejects
    assert counts(report) == {"nodes": {"created": 7}, "relationships": {"created": 11}}
    stats = graph.stats()
    assert stats.nodes == {"Agency": 3, "Dataset": 4, "Api": 3}
    assert stats.relationships == {"PART_OF": 2, "OWNS": 7, "PROVIDES": 4}
    stored = graph.fetch_nodes([OWNER, "dataset:btc.du-toan-ngan-sach-2025"])
    assert stored[OWNER].props["level"] == "ministry"  # the registry's agency is left as it was
    assert stored["dataset:btc.du-toan-ngan-sach-2025"].props["name"] == "Dự toán ngân sách nhà nước năm 2025"
    again = load(graph, dcat_dir / "ministry-catalogue.jsonld", owner=OWNER)
    assert counts(again) == {"nodes": {"unchanged": 7}, "relationships": {"unchanged": 11}}


def test_a_turtle_catalogue_loads_with_the_owner_option(graph, dcat_dir):
    assert load(graph, dcat_dir / "agencies.yaml").ok
    report = load(graph, dcat_dir / "statistics-catalogue.ttl", owner=OWNER)
    assert report.ok, report.rejects
    assert counts(report) == {"nodes": {"created": 3}, "relationships": {"created": 5}}
    assert graph.neighbours("OWNS", ["dataset:chi-so-gia-tieu-dung"], incoming=True) == {
        "dataset:chi-so-gia-tieu-dung": {OWNER}}


def test_an_unknown_publisher_is_a_reject_of_its_ownership_only(graph, dcat_dir):
    report = load(graph, dcat_dir / "statistics-catalogue.ttl")  # the agencies were never loaded
    assert counts(report)["nodes"] == {"created": 3}
    assert counts(report)["relationships"] == {"created": 2}  # PROVIDES
    assert sorted((r.record_type, r.field) for r in report.rejects) == [("OWNS", "from"), ("OWNS", "from")]
    assert "no entity with id 'agency:btc.cuc-thong-ke'" in report.rejects[0].reason


def test_a_rejected_dataset_does_not_stop_the_rest_of_the_file(graph, dcat_dir):
    assert load(graph, dcat_dir / "agencies.yaml").ok
    report = load(graph, dcat_dir / "missing-title.jsonld", owner=OWNER)
    assert counts(report) == {"nodes": {"created": 1}, "relationships": {"created": 1}}
    assert [(r.field, r.record_id) for r in report.rejects] == [("dct:title", "dataset:khong-ten")]
