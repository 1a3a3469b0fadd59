"""The ArchiMate importer: an architect's model becomes registry nodes and relationships; mistakes are named by line
and field; hostile XML is refused before anything in it is expanded or fetched."""

import time
from collections import Counter
from pathlib import Path

import pytest

from graph_model import RULES
from importers import ImportContext, Parsed, Reject, importer_for
from importers.archimate import RELATIONSHIPS, ArchimateImporter
from registry.loading import Loader

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "archimate"
MODEL = FIXTURES / "quang-ninh.xml"
NS3 = "http://www.opengroup.org/xsd/archimate/3.0/"


def read(path: Path, **context) -> tuple[list[Parsed], list[Reject]]:
    items = list(ArchimateImporter().read(path, ImportContext(**context)))
    return [i for i in items if isinstance(i, Parsed)], [i for i in items if isinstance(i, Reject)]


def nodes(parsed: list[Parsed]) -> dict:
    return {p.record.id: p.record for p in parsed if hasattr(p.record, "id")}


def relationships(parsed: list[Parsed]) -> set[tuple[str, str, str]]:
    return {(p.record.rel_type, p.record.source_id, p.record.target_id)
            for p in parsed if hasattr(p.record, "rel_type")}


def line_of(path: Path, text: str) -> int:
    """The line of the first occurrence of `text`, so tests do not hard-code line numbers."""
    return next(number for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
                if text in line)


def model(tmp_path: Path, elements: str, relationships: str = "", namespace: str = NS3) -> Path:
    """A small exchange file with the usual property definitions."""
    path = tmp_path / "model.xml"
    path.write_text(f"""<?xml version="1.0" encoding="UTF-8"?>
<model xmlns="{namespace}" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" identifier="m">
  <name>Mô hình</name>
  <elements>{elements}</elements>
  <relationships>{relationships}</relationships>
  <propertyDefinitions>
    <propertyDefinition identifier="p-master" type="boolean"><name>master</name></propertyDefinition>
    <propertyDefinition identifier="p-sync" type="string"><name>sync_method</name></propertyDefinition>
    <propertyDefinition identifier="p-type" type="string"><name>registry-type</name></propertyDefinition>
  </propertyDefinitions>
</model>
""", encoding="utf-8")
    return path


def element(identifier: str, archimate_type: str, name: str) -> str:
    return f'<element identifier="{identifier}" xsi:type="{archimate_type}"><name xml:lang="vi">{name}</name></element>'


def prop(definition: str, value: str) -> str:
    return f'<property propertyDefinitionRef="{definition}"><value>{value}</value></property>'


# --- recognising the format ------------------------------------------------------------------------------------

@pytest.mark.parametrize("namespace", [NS3, "http://www.opengroup.org/xsd/archimate/3.1/",
                                       "http://www.opengroup.org/xsd/archimate"])
def test_an_xml_file_in_an_archimate_exchange_namespace_is_recognised(namespace):
    head = f'<?xml version="1.0"?>\n<model xmlns="{namespace}" identifier="m">'
    assert ArchimateImporter().can_read(Path("model.xml"), head)
    assert not ArchimateImporter().can_read(Path("model.txt"), head)


def test_other_xml_is_not_taken_for_archimate():
    rdf = '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:dcat="http://www.w3.org/ns/dcat#">'
    assert not ArchimateImporter().can_read(Path("catalog.xml"), rdf)


def test_the_importer_is_found_for_the_fixture_by_extension_and_content():
    assert isinstance(importer_for(MODEL), ArchimateImporter)


# --- the mapping -----------------------------------------------------------------------------------------------

def test_a_clean_model_gives_no_rejects():
    _, rejects = read(MODEL)
    assert rejects == []


def test_elements_become_nodes_of_the_mapped_types():
    parsed, _ = read(MODEL)
    assert Counter(node.type for node in nodes(parsed).values()) == {
        "Agency": 3, "System": 2, "Platform": 1, "Dataset": 1, "Api": 1, "PublicService": 1, "Infrastructure": 2,
        "Standard": 1}


def test_ids_are_the_archimate_identifier_under_the_type_prefix():
    parsed, _ = read(MODEL)
    assert set(nodes(parsed)) == {
        "agency:archimate.id-so-khcn", "agency:archimate.id-tt-pvhcc", "agency:archimate.id-phuong-hong-gai",
        "system:archimate.id-mot-cua", "system:archimate.id-qlvb", "platform:archimate.id-lgsp",
        "dataset:archimate.id-csdl-ho-so", "api:archimate.id-api-ho-so", "service:archimate.id-dvc-gpxd",
        "infra:archimate.id-ttdl", "infra:archimate.id-mang-tsl", "standard:archimate.id-nd-47"}


def test_an_element_with_a_registry_id_refers_to_that_entity_and_is_not_loaded():
    parsed, _ = read(MODEL)
    assert "agency:tinh-22" not in nodes(parsed) and "dataset:dan-cu" not in nodes(parsed)
    assert ("PART_OF", "agency:archimate.id-so-khcn", "agency:tinh-22") in relationships(parsed)
    assert ("HOLDS_COPY_OF", "system:archimate.id-mot-cua", "dataset:dan-cu") in relationships(parsed)


def test_relationships_become_what_they_mean_between_the_two_node_types():
    parsed, _ = read(MODEL)
    mot_cua, qlvb, lgsp = "system:archimate.id-mot-cua", "system:archimate.id-qlvb", "platform:archimate.id-lgsp"
    api, ho_so, ttdl = "api:archimate.id-api-ho-so", "dataset:archimate.id-csdl-ho-so", "infra:archimate.id-ttdl"
    so_khcn, service = "agency:archimate.id-so-khcn", "service:archimate.id-dvc-gpxd"
    assert relationships(parsed) == {
        ("PART_OF", so_khcn, "agency:tinh-22"),  # Composition, parent to child: reversed
        ("PART_OF", "agency:archimate.id-tt-pvhcc", "agency:tinh-22"),  # Aggregation likewise
        ("PART_OF", "agency:archimate.id-phuong-hong-gai", "agency:tinh-22"),
        ("OWNS", "agency:tinh-22", mot_cua),  # Assignment from an actor
        ("OWNS", "agency:tinh-22", ho_so),
        ("OWNS", so_khcn, lgsp),
        ("OWNS", so_khcn, ttdl),
        ("USES", so_khcn, qlvb),  # the system serves the actor
        ("CONNECTS_TO", mot_cua, lgsp),  # the platform serves the system: the system connects to it
        ("CONNECTS_TO", qlvb, lgsp),  # Flow, as drawn
        ("MASTERS", mot_cua, ho_so),  # Access Write with master=true
        ("HOLDS_COPY_OF", mot_cua, "dataset:dan-cu"),  # Access ReadWrite
        ("EXPOSES", mot_cua, api),  # Composition of the interface
        ("CONSUMES", qlvb, api),  # the interface serves the system
        ("ROUTED_VIA", api, lgsp),
        ("PROVIDES", api, ho_so),
        ("DELIVERS", mot_cua, service),
        ("REQUIRES", service, "dataset:dan-cu"),
        ("HOSTED_ON", qlvb, ttdl),  # the node serves the system
        ("HOSTED_ON", lgsp, ttdl),  # the node realizes the platform
        ("HOSTED_ON", mot_cua, ttdl),  # the node is assigned the artifact that realizes the system
        ("CONFORMS_TO", lgsp, "standard:archimate.id-nd-47"),
    }


def test_every_row_of_the_mapping_joins_node_types_the_metamodel_allows():
    for kinds, sources, targets, rel_type, reverse in RELATIONSHIPS:
        for source in sources:
            for target in targets:
                start, end = (target, source) if reverse else (source, target)
                assert start in RULES[rel_type].sources and end in RULES[rel_type].targets, (kinds, rel_type)


def test_names_keep_their_diacritics_vietnamese_first_and_english_as_name_en():
    parsed, _ = read(MODEL)
    so = nodes(parsed)["agency:archimate.id-so-khcn"]
    assert so.name == "Sở Khoa học và Công nghệ tỉnh Quảng Ninh"
    assert so.name_en == "Quang Ninh Department of Science and Technology"
    assert so.description.startswith("Cơ quan chuyên môn tham mưu về chuyển đổi số")
    assert so.short_name == "Sở KH&CN"
    assert nodes(parsed)["system:archimate.id-qlvb"].name_en is None


def test_properties_that_name_a_field_of_the_node_type_fill_it():
    parsed, _ = read(MODEL)
    found = nodes(parsed)
    mot_cua = found["system:archimate.id-mot-cua"]
    assert (mot_cua.kind, mot_cua.scope, mot_cua.status, mot_cua.url) == (
        "one_stop_shop", "province", "operational", "https://dichvucong.quangninh.gov.vn")
    ho_so = found["dataset:archimate.id-csdl-ho-so"]  # "Dữ liệu cá nhân" is the Vietnamese name of personal_data
    assert (ho_so.category, ho_so.personal_data, ho_so.data_layer) == ("local", True, "transactional")
    service = found["service:archimate.id-dvc-gpxd"]  # "Mã" is code
    assert (service.code, service.online_level, service.field) == ("1.009974", "partial", "Hoạt động xây dựng")
    data_centre = found["infra:archimate.id-ttdl"]
    assert (data_centre.kind, data_centre.location) == ("data_center", "Hạ Long")
    assert found["infra:archimate.id-mang-tsl"].kind == "network"  # CommunicationNetwork implies it
    assert (found["standard:archimate.id-nd-47"].kind, found["standard:archimate.id-nd-47"].code) == (
        "decree", "47/2020/NĐ-CP")
    api = found["api:archimate.id-api-ho-so"]
    assert (api.protocol, api.version) == ("rest", "1.2")


def test_an_agency_level_comes_from_the_cap_property_else_unit():
    found = nodes(read(MODEL)[0])
    assert found["agency:archimate.id-phuong-hong-gai"].level == "commune"
    assert found["agency:archimate.id-tt-pvhcc"].level == "unit"


def test_registry_type_turns_a_component_into_a_platform():
    lgsp = nodes(read(MODEL)[0])["platform:archimate.id-lgsp"]
    assert (lgsp.type, lgsp.kind, lgsp.scope) == ("Platform", "integration", "province")


def test_relationship_documentation_and_properties_carry_over():
    parsed, _ = read(MODEL)
    connection = next(p.record for p in parsed if getattr(p.record, "rel_type", None) == "CONNECTS_TO"
                      and p.record.target_id == "platform:archimate.id-lgsp"
                      and p.record.source_id == "system:archimate.id-mot-cua")
    assert (connection.description, connection.protocol) == ("Một cửa đồng bộ hồ sơ qua LGSP", "REST")
    copy = next(p.record for p in parsed if getattr(p.record, "rel_type", None) == "HOLDS_COPY_OF")
    assert copy.sync_method == "platform"


def test_records_are_located_on_their_elements_lines():
    parsed, _ = read(MODEL)
    located = {getattr(p.record, "id", None): p.location.line for p in parsed}
    assert located["system:archimate.id-mot-cua"] == line_of(MODEL, 'identifier="id-mot-cua"')
    hosted = next(p for p in parsed if relationships([p]) == {
        ("HOSTED_ON", "system:archimate.id-mot-cua", "infra:archimate.id-ttdl")})
    assert hosted.location.line == line_of(MODEL, 'identifier="id-r-realize"')


def test_behaviour_notation_skipped_types_and_views_are_left_out_quietly():
    parsed, rejects = read(MODEL)
    names = {node.name for node in nodes(parsed).values()}
    assert not names & {"Tiếp nhận và trả kết quả hồ sơ", "Ứng dụng dùng chung của tỉnh", "Dịch vụ tra cứu hồ sơ",
                        "mot-cua.war", "Tổng quan ứng dụng"}
    assert rejects == []


def test_the_context_owner_owns_what_the_file_gives_no_owner():
    parsed, _ = read(MODEL, owner="agency:tinh-22")
    owned_by_context = {rel[2] for rel in relationships(parsed) if rel[:2] == ("OWNS", "agency:tinh-22")}
    assert owned_by_context == {
        "system:archimate.id-mot-cua", "dataset:archimate.id-csdl-ho-so",  # owned in the file already
        "system:archimate.id-qlvb", "api:archimate.id-api-ho-so", "service:archimate.id-dvc-gpxd",
        "infra:archimate.id-mang-tsl"}
    owners = Counter(rel[2] for rel in relationships(parsed) if rel[0] == "OWNS")
    assert set(owners.values()) == {1}  # never a second owner, so the LGSP stays with the department


# --- access to data --------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("access", "props", "expected"), [
    ('accessType="Write"', prop("p-master", "true"), "MASTERS"),
    ('accessType="ReadWrite"', prop("p-master", "có"), "MASTERS"),
    ('accessType="Write"', "", "HOLDS_COPY_OF"),
    ('accessType="ReadWrite"', prop("p-master", "false"), "HOLDS_COPY_OF"),
    ('accessType="Read"', prop("p-sync", "batch_file"), "HOLDS_COPY_OF"),
    ('accessType="Read"', "", "accessType"),
    ("", "", "accessType"),  # no accessType is "Access", unspecified: a read as far as copies go
    ('accessType="Read"', prop("p-master", "true"), "master"),
    ('accessType="Write"', prop("p-master", "maybe"), "master"),
])
def test_access_from_a_system_to_data_is_a_master_a_copy_or_named(tmp_path, access, props, expected):
    path = model(tmp_path, element("s", "ApplicationComponent", "Hệ thống") + element("d", "DataObject", "Dữ liệu"),
                 f'<relationship identifier="r" source="s" target="d" xsi:type="Access" {access}>'
                 f"<properties>{props}</properties></relationship>" if props else
                 f'<relationship identifier="r" source="s" target="d" xsi:type="Access" {access}/>')
    parsed, rejects = read(path)
    if expected.isupper():
        assert rejects == [] and {rel[0] for rel in relationships(parsed)} == {expected}
    else:
        assert [(r.field, r.location.line) for r in rejects] == [(expected, line_of(path, 'identifier="r"'))]
        assert relationships(parsed) == set()


def test_hosting_drawn_twice_gives_one_hosted_on(tmp_path):
    path = model(tmp_path, element("s", "ApplicationComponent", "Hệ thống") + element("n", "Node", "Máy chủ")
                 + element("a", "Artifact", "he-thong.war"),
                 '<relationship identifier="r1" source="n" target="s" xsi:type="Serving"/>'
                 '<relationship identifier="r2" source="n" target="a" xsi:type="Assignment"/>'
                 '<relationship identifier="r3" source="a" target="s" xsi:type="Realization"/>')
    parsed, rejects = read(path)
    assert rejects == []
    hosted = [rel for p in parsed for rel in relationships([p])]
    assert hosted == [("HOSTED_ON", "system:archimate.s", "infra:archimate.n")]


# --- overrides -------------------------------------------------------------------------------------------------

def test_a_relationship_registry_type_overrides_the_table_and_may_run_either_way(tmp_path):
    path = model(tmp_path, element("a", "BusinessActor", "Sở Y tế") + element("s", "ApplicationComponent", "Hệ thống"),
                 '<relationship identifier="r1" source="a" target="s" xsi:type="Association">'
                 f'<properties>{prop("p-type", "USES")}</properties></relationship>'
                 '<relationship identifier="r2" source="s" target="a" xsi:type="Association">'
                 f'<properties>{prop("p-type", "owns")}</properties></relationship>'
                 '<relationship identifier="r3" source="a" target="s" xsi:type="Association">'
                 f'<properties>{prop("p-type", "MASTERS")}</properties></relationship>'
                 '<relationship identifier="r4" source="a" target="s" xsi:type="Flow">'
                 f'<properties>{prop("p-type", "skip")}</properties></relationship>')
    parsed, rejects = read(path)
    assert relationships(parsed) == {("USES", "agency:archimate.a", "system:archimate.s"),
                                     ("OWNS", "agency:archimate.a", "system:archimate.s")}
    assert [(r.field, r.reason) for r in rejects] == [("registry-type", "MASTERS cannot join Agency and System")]


def test_an_element_registry_type_chooses_the_node_type_or_skips_it(tmp_path):
    path = model(tmp_path, element("svc", "ApplicationService", "Dịch vụ tra cứu").replace(
                     "</name>", f'</name><properties>{prop("p-type", "api")}</properties>')
                 + element("collab", "ApplicationCollaboration", "Hệ thống dùng chung").replace(
                     "</name>", f'</name><properties>{prop("p-type", "skip")}</properties>'))
    parsed, rejects = read(path)
    assert rejects == [] and set(nodes(parsed)) == {"api:archimate.svc"}


def test_an_archimate_identifier_outside_the_id_rule_is_slugified():
    parsed, _ = read(FIXTURES / "problems.xml")
    assert nodes(parsed)["system:archimate.id-he-thong-cu"].name == "Hệ thống cũ"


# --- mistakes --------------------------------------------------------------------------------------------------

def test_each_mistake_is_named_by_line_and_field_and_the_rest_still_reads():
    path = FIXTURES / "problems.xml"
    parsed, rejects = read(path)
    assert {(r.location.line, r.field) for r in rejects} == {
        (line_of(path, "đang vận hành"), "status"),  # the property's own line
        (line_of(path, 'identifier="id-can-bo-mot-cua"'), "type"),  # BusinessRole is not mapped
        (line_of(path, "Sytem"), "registry-type"),
        (line_of(path, "dataset:dân cư"), "registry-id"),
        (line_of(path, 'identifier="id-r-composition"'), "type"),  # component composed of a component
        (line_of(path, 'identifier="id-r-read"'), "accessType"),
        (line_of(path, 'identifier="id-r-missing"'), "target"),
    }
    assert Counter(node.type for node in nodes(parsed).values()) == {"System": 3, "Dataset": 1}


def test_an_unmapped_pair_names_the_archimate_relationship_and_both_element_types():
    _, rejects = read(FIXTURES / "problems.xml")
    reason = next(r.reason for r in rejects if r.field == "type" and "Composition" in r.reason)
    assert "ApplicationComponent 'Cổng thông tin điện tử tỉnh'" in reason
    assert "ApplicationComponent 'Phân hệ quản lý tin bài'" in reason


def test_an_unmapped_element_type_says_so():
    _, rejects = read(FIXTURES / "problems.xml")
    assert any(r.reason.startswith("ArchiMate type BusinessRole is not mapped") for r in rejects)


def test_malformed_xml_is_one_reject_naming_the_line():
    parsed, rejects = read(FIXTURES / "malformed.xml")
    assert parsed == []
    assert [(r.field, r.location.line) for r in rejects] == [("file", 9)]
    assert rejects[0].reason.startswith("invalid XML: Opening and ending tag mismatch")


def test_a_file_that_is_not_an_archimate_model_is_one_reject(tmp_path):
    path = tmp_path / "other.xml"
    path.write_text('<?xml version="1.0"?>\n<catalog xmlns="urn:other"/>\n', encoding="utf-8")
    assert [(r.field, r.location.line) for r in read(path)[1]] == [("file", 2)]


def test_a_missing_file_is_one_reject(tmp_path):
    assert [r.field for r in read(tmp_path / "absent.xml")[1]] == ["file"]


# --- hostile XML -----------------------------------------------------------------------------------------------

def test_a_billion_laughs_file_is_refused_quickly_without_expansion():
    started = time.perf_counter()
    parsed, rejects = read(FIXTURES / "billion-laughs.xml")
    assert time.perf_counter() - started < 1
    assert parsed == []
    assert [(r.field, r.location.line) for r in rejects] == [("file", 2)]
    assert "DOCTYPE" in rejects[0].reason and "lol" not in rejects[0].reason


def test_an_external_entity_is_refused_and_the_file_it_names_is_never_read():
    parsed, rejects = read(FIXTURES / "external-entity.xml")
    assert parsed == []
    assert [(r.field, r.location.line) for r in rejects] == [("file", 2)]
    assert "root:" not in rejects[0].reason


@pytest.mark.parametrize("doctype", [
    '<!DOCTYPE model [<!ENTITY % ext SYSTEM "file://{secret}"> %ext;]>',  # parameter entity
    '<!DOCTYPE model SYSTEM "file://{secret}">',  # external DTD
    '<!DOCTYPE model [<!ENTITY e SYSTEM "http://127.0.0.1:9/x">]>',  # network
])
def test_any_doctype_is_refused_before_it_is_read(tmp_path, doctype):
    secret = tmp_path / "secret.dtd"
    secret.write_text('<!ENTITY leaked "SECRET-MARKER">', encoding="utf-8")
    path = tmp_path / "hostile.xml"
    path.write_text(f'<?xml version="1.0"?>\n{doctype.format(secret=secret)}\n<model xmlns="{NS3}" identifier="m">'
                    '<name>&leaked;</name></model>\n', encoding="utf-8")
    parsed, rejects = read(path)
    assert parsed == [] and [(r.field, r.location.line) for r in rejects] == [("file", 2)]
    assert "SECRET-MARKER" not in repr(rejects)


def test_a_doctype_is_refused_in_utf16_too(tmp_path):
    path = tmp_path / "utf16.xml"
    text = (FIXTURES / "billion-laughs.xml").read_text(encoding="utf-8")
    text = text.replace('encoding="UTF-8"', 'encoding="UTF-16"')
    path.write_bytes(text.encode("utf-16"))
    started = time.perf_counter()
    parsed, rejects = read(path)
    assert time.perf_counter() - started < 1
    assert parsed == [] and [r.field for r in rejects] == ["file"] and "DOCTYPE" in rejects[0].reason


def test_an_undeclared_entity_is_invalid_xml_not_a_lookup(tmp_path):
    path = model(tmp_path, '<element identifier="s" xsi:type="ApplicationComponent"><name>&xxe;</name></element>')
    parsed, rejects = read(path)
    assert parsed == [] and [r.field for r in rejects] == ["file"] and "xxe" in rejects[0].reason


# --- ArchiMate 2.1 ---------------------------------------------------------------------------------------------

def test_an_archimate_2_1_file_reads_with_its_own_names(tmp_path):
    path = tmp_path / "model21.xml"
    path.write_text("""<?xml version="1.0" encoding="UTF-8"?>
<model xmlns="http://www.opengroup.org/xsd/archimate" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
       identifier="m">
  <elements>
    <element identifier="s" xsi:type="ApplicationComponent">
      <label xml:lang="vi">Hệ thống một cửa</label>
      <properties><property identifierref="p1"><value>one_stop_shop</value></property></properties>
    </element>
    <element identifier="n" xsi:type="Network"><label>Mạng nội bộ</label></element>
    <element identifier="b" xsi:type="BusinessService"><label>Đăng ký kinh doanh</label></element>
  </elements>
  <relationships>
    <relationship identifier="r1" source="s" target="b" xsi:type="UsedByRelationship"/>
    <relationship identifier="r2" source="s" target="n" xsi:type="AssociationRelationship"/>
  </relationships>
  <propertydefs><propertydef identifier="p1" name="kind" type="string"/></propertydefs>
</model>
""", encoding="utf-8")
    parsed, rejects = read(path)
    assert rejects == []
    found = nodes(parsed)
    assert (found["system:archimate.s"].name, found["system:archimate.s"].kind) == ("Hệ thống một cửa", "one_stop_shop")
    assert found["infra:archimate.n"].kind == "network"
    assert relationships(parsed) == {("DELIVERS", "system:archimate.s", "service:archimate.b"),
                                     ("HOSTED_ON", "system:archimate.s", "infra:archimate.n")}


# --- loading into the stores -----------------------------------------------------------------------------------

PROVINCE = """nodes:
  - {type: Agency, id: agency:tinh-22, name: Ủy ban nhân dân tỉnh Quảng Ninh, level: province,
     administrative_code: "22"}
  - {type: Dataset, id: dataset:dan-cu, name: Cơ sở dữ liệu quốc gia về dân cư, category: national_database}
"""


def test_the_model_loads_into_the_store_under_the_province_and_again_changes_nothing(graph, tmp_path):
    registry = tmp_path / "registry.yaml"
    registry.write_text(PROVINCE, encoding="utf-8")
    loader = Loader(graph)
    context = ImportContext(owner="agency:tinh-22")
    report = loader.load_files([registry, MODEL], context=context)
    assert report.rejects == []
    stats = graph.stats()
    assert stats.nodes == {"Agency": 4, "System": 2, "Platform": 1, "Dataset": 2, "Api": 1, "PublicService": 1,
                           "Infrastructure": 2, "Standard": 1}
    assert stats.relationships == {
        "OWNS": 8, "PART_OF": 3, "USES": 1, "MASTERS": 1, "HOLDS_COPY_OF": 1, "EXPOSES": 1, "CONSUMES": 1,
        "PROVIDES": 1, "ROUTED_VIA": 1, "CONNECTS_TO": 2, "DELIVERS": 1, "REQUIRES": 1, "HOSTED_ON": 3,
        "CONFORMS_TO": 1}
    again = loader.load_files([registry, MODEL], context=context)
    assert again.rejects == []
    assert {kind: dict(counter) for kind, counter in again.counts.items()} == {
        "nodes": {"unchanged": 14}, "relationships": {"unchanged": 26}}


def test_a_model_with_mistakes_loads_what_is_valid_and_names_the_rest(graph):
    path = FIXTURES / "problems.xml"
    report = Loader(graph).load_files([path])
    assert graph.stats().nodes == {"System": 3, "Dataset": 1}
    assert graph.stats().relationships == {"CONNECTS_TO": 1}
    flow_from_rejected = line_of(path, 'identifier="id-r-to-rejected"')
    assert (flow_from_rejected, "from") in {(r.location.line, r.field) for r in report.rejects}
    assert len(report.rejects) == 8


def test_hostile_and_broken_files_load_nothing(graph):
    files = [FIXTURES / name for name in ("billion-laughs.xml", "external-entity.xml", "malformed.xml")]
    report = Loader(graph).load_files(files)
    assert graph.stats().nodes == {}
    assert [(Path(r.location.file).name, r.field) for r in report.rejects] == [
        ("billion-laughs.xml", "file"), ("external-entity.xml", "file"), ("malformed.xml", "file")]
