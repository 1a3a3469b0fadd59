"""Properties, checked on generated input (hypothesis), for the importers test_properties.py does not cover:
ArchiMate (exchange format XML), DCAT (Turtle, JSON-LD, RDF/XML), OpenAPI (YAML, JSON), Backstage and the native
YAML flavour. Any text put in the name (and the description) of one entity, written with a real serializer so the
file is well-formed, comes back either as exactly one parsed entity holding the text as the metamodel keeps it, or
as rejects that name the file, a line and a field; never an exception, never a different value.

"As the metamodel keeps it": each importer first hands the text to the metamodel in its own way (`*_view` below,
documented per format), then the metamodel strips it and refuses it when blank, too long or holding a NUL. The
expected value is computed by the metamodel itself (`metamodel_value`), so the test does not re-implement its rules.
"""

from __future__ import annotations

import json
import tempfile
import unicodedata
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from lxml import etree
from rdflib import Graph, Literal, URIRef
from rdflib import namespace as rdf_names

from graph_model import RecordError, parse_record
from importers import ImportContext, Parsed, Reject, importer_for
from importers.openapi import derived_api_id

# Same settings as test_properties.py's importer properties (fewer examples: eight file syntaxes, ~30 s budget).
FILES = settings(max_examples=60, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])

# The nasty cases, always tried whatever the generator finds (one @example each, on every property).
NASTY = ["'", '"', "&amp;", "<b>", "]]>", "\t", "\u202e", "x" * 300, "Cổng Dịch vụ công quốc gia",
         "  Cổng Dịch vụ công quốc gia \n", "${jndi:ldap://x}", "a\\b", "dòng 1\r\ndòng 2", "x" * 501,
         "\x00", "a\x00b", "\x01\x1f", "\x1fcổng\x1c", "\u00a0\u2028 \u3000", "Co\u0302\u0309ng", "\ufeffBOM", ""]

# Any text, the whole of unicode but lone surrogates (no UTF-8 file can hold one), biased towards the characters
# that break serializers and parsers, up to a few hundred characters.
SPICY = list("'\"&<>]\\${}\t\r\n\x00\x01\x1f\x7f\x85\u00a0\u2028\u2029\u202e\ufeff #:-@") + ["]]>", "${", "&amp;"]
CHARS = st.characters(blacklist_categories=("Cs",)) | st.sampled_from(list("aăâđêôơưÀẠỹĐ Ệ")) | st.sampled_from(
    [c for c in SPICY if len(c) == 1])
TEXT = st.one_of(st.text(CHARS, max_size=40), st.text(CHARS, min_size=200, max_size=320),
                 st.lists(st.sampled_from(SPICY + ["Cổng", " ", "x"]), max_size=30).map("".join))


# XML 1.0 (section 2.2) cannot carry most C0 control characters, U+FFFE and U+FFFF at all, not even as character
# references: no serializer can write them and no conforming parser reads them. The XML formats (ArchiMate,
# RDF/XML) are therefore given only XML-legal characters; everything else about the text is kept.
def xml_legal(char: str) -> bool:
    code = ord(char)
    return code in (0x9, 0xA, 0xD) or 0x20 <= code <= 0xD7FF or 0xE000 <= code <= 0xFFFD or code >= 0x10000


XML_TEXT = TEXT.map(lambda text: "".join(c for c in text if xml_legal(c)))
XML_NASTY = ["".join(c for c in text if xml_legal(c)) for text in NASTY]


# --- what the metamodel keeps ------------------------------------------------------------------------------------

def metamodel_value(text: str | None, field: str) -> str | None:
    """The value the metamodel stores for `text` in `field` ('name': ShortText, 'description': Text) of a System,
    or None when it refuses it (blank, too long, NUL). None in: the field is absent."""
    if text is None:
        return None
    if "\x00" in text:
        return None  # refused before the metamodel (importers.base._fields_with_nul), as the metamodel refuses it
    raw = {"type": "System", "id": "system:probe", "name": "probe", field: text}
    try:
        return getattr(parse_record(raw), field)
    except RecordError:
        return None


def scalar_view(text: str) -> str | None:
    """YAML/JSON importers read a scalar through yaml_lines.scalar_text: Python's strip, None when blank. (Python's
    strip also takes U+001C-U+001F, which the metamodel's strip keeps: the importer's view is what counts.)"""
    return text.strip() or None


def archimate_view(text: str) -> str | None:
    """archimate._clean: NFC (documented: 'text is normalised to NFC'), and a name's runs of whitespace (line breaks
    included) collapsed to one space; blank means no <name>."""
    return " ".join(unicodedata.normalize("NFC", text).split()) or None


def archimate_doc_view(text: str) -> str | None:
    """archimate._clean with keep_lines: NFC and stripped, line breaks kept."""
    return unicodedata.normalize("NFC", text).strip() or None


def dcat_view(text: str) -> str | None:
    """dcat._Mapper._text: a literal's text, Python-stripped; a blank literal counts as none."""
    return text.strip() or None


# --- the property ------------------------------------------------------------------------------------------------

def check(items: list[Any], path: Path, record_id: str, name: str | None, description: str | None,
          name_fields: set[str], description_fields: set[str], *, excuse: frozenset[str] = frozenset()) -> None:
    """Exactly one parsed record `record_id` with `name` and `description` (the metamodel's values of the
    importer's views), or, when the metamodel refuses one of them, no such record and a located reject naming a
    field the text was in. Every reject names this file, a line within it (all these formats have lines) and a field.

    `excuse`: fields whose reject is a legitimate outcome for valid text too (e.g. OpenAPI's derived id)."""
    text_lines = path.read_text(encoding="utf-8").count("\n") + 1
    rejects = [item for item in items if isinstance(item, Reject)]
    for reject in rejects:
        assert reject.location.file == str(path), reject
        assert reject.field, reject
        assert reject.location.line is not None and 1 <= reject.location.line <= text_lines, reject
    parsed = [item for item in items if isinstance(item, Parsed) and getattr(item.record, "id", None) == record_id]
    assert len(parsed) <= 1, items
    name_value = metamodel_value(name, "name")
    description_value = metamodel_value(description, "description")
    valid = name_value is not None and (description is None or description_value is not None)
    if parsed:
        record = parsed[0].record
        assert valid, (name, description, items)
        assert record.name == name_value, (record.name, name_value)
        assert record.description == description_value, (record.description, description_value)
        return
    fields = {reject.field for reject in rejects}
    if valid:
        assert fields & excuse, ("valid text not loaded", name, description, items)
        return
    wanted = set()
    if name_value is None:
        wanted |= name_fields
    if description is not None and description_value is None:
        wanted |= description_fields
    assert fields & wanted, ("no reject naming the field at fault", wanted, items)


def read(importer: str, path: Path) -> list[Any]:
    """The file read by the importer the registry picks for it (extension and head), which must be `importer`:
    no text in a name may make a file pass for another format."""
    chosen = importer_for(path)
    assert chosen.name == importer, (chosen.name, importer)
    return list(chosen.read(path, ImportContext()))


def nasty(texts: list[str]) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """One @example per text, so the nasty cases are tried on every run."""
    def decorate(test: Callable[..., Any]) -> Callable[..., Any]:
        for text in reversed(texts):
            test = example(text)(test)
        return test
    return decorate


def nasty_with(texts: list[str], *more: Any) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """One @example per text, with the other arguments fixed."""
    def decorate(test: Callable[..., Any]) -> Callable[..., Any]:
        for text in reversed(texts):
            test = example(text, *more)(test)
        return test
    return decorate


def yaml_text(document: Any) -> str:
    """The document as YAML a person would write (UTF-8 text, not escapes), by PyYAML's safe dumper.

    PyYAML's own dumper does not round-trip U+0085 (NEL) with allow_unicode=True: it writes it raw in a
    single-quoted scalar, and YAML 1.1 reads a raw NEL as a line break, folded to a space ('0', NEL, '0' comes back
    as '0 0', with PyYAML's own loader, no importer involved). That is a bug of the serializer, not of the importers
    under test, so when the dumper's output does not load back as the document, the escaped (ASCII) form is written
    instead: the text is still what the importer gets, only spelled with escapes."""
    text = yaml.safe_dump(document, allow_unicode=True, sort_keys=False, width=80)
    if yaml.safe_load(text) != document:
        text = yaml.safe_dump(document, allow_unicode=False, sort_keys=False, width=80)
        assert yaml.safe_load(text) == document
    return text


# --- native YAML -------------------------------------------------------------------------------------------------

@FILES
@nasty(NASTY)
@given(TEXT)
def test_any_text_in_native_yaml_round_trips_or_is_a_located_reject(text: str):
    document = {"nodes": [{"type": "System", "id": "system:p0", "name": text, "description": text}]}
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "records.yaml"
        path.write_text(yaml_text(document), encoding="utf-8")
        items = read("native", path)
        check(items, path, "system:p0", text, text, {"name"}, {"description"})


# --- OpenAPI (YAML and JSON) ---------------------------------------------------------------------------------------

@FILES
@nasty_with(NASTY, ".yaml", False)
@nasty_with(NASTY, ".json", True)
@given(TEXT, st.sampled_from([".yaml", ".json"]), st.booleans())
def test_any_title_in_an_openapi_spec_round_trips_or_is_a_located_reject(text: str, suffix: str, given_id: bool):
    info: dict[str, Any] = {"title": text, "version": "1.0.0", "description": text}
    if given_id:
        info["x-registry-id"] = "api:p0"
    spec = {"openapi": "3.0.3", "info": info, "paths": {}}
    serialised = json.dumps(spec, ensure_ascii=False, indent=2) if suffix == ".json" else yaml_text(spec)
    title = scalar_view(text)
    # Without x-registry-id the id is derived from the title: a title with no ASCII slug is a reject of its own.
    record_id = "api:p0" if given_id else (derived_api_id(title, "1.0.0") if title else None) or "api:?"
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"openapi{suffix}"
        path.write_text(serialised, encoding="utf-8")
        items = read("openapi", path)
        check(items, path, record_id, title, scalar_view(text), {"info.title"}, {"info.description"},
              excuse=frozenset() if given_id or record_id != "api:?" else frozenset({"info.title"}))


# --- Backstage ---------------------------------------------------------------------------------------------------

@FILES
@nasty(NASTY)
@given(TEXT)
def test_any_title_in_a_backstage_entity_round_trips_or_is_a_located_reject(text: str):
    entity = {"apiVersion": "backstage.io/v1alpha1", "kind": "Component",
              "metadata": {"name": "cong-dich-vu", "title": text, "description": text},
              "spec": {"type": "service", "lifecycle": "production"}}
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "catalog-info.yaml"
        path.write_text(yaml_text(entity), encoding="utf-8")
        items = read("backstage", path)
        # A blank title is no title: Backstage's own fallback (metadata.name) names the entity, as documented.
        check(items, path, "system:backstage.default.component.cong-dich-vu", scalar_view(text) or "cong-dich-vu",
              scalar_view(text), {"metadata.title"}, {"metadata.description"})


# --- ArchiMate (Open Group exchange format) -----------------------------------------------------------------------

ARCHIMATE = "http://www.opengroup.org/xsd/archimate/3.0/"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def archimate_model(text: str) -> bytes:
    """A one-element exchange file, written by lxml (which escapes &, <, > and carriage returns)."""
    model = etree.Element(f"{{{ARCHIMATE}}}model", nsmap={None: ARCHIMATE, "xsi": XSI}, identifier="m")
    etree.SubElement(model, f"{{{ARCHIMATE}}}name").text = "Mô hình"
    elements = etree.SubElement(model, f"{{{ARCHIMATE}}}elements")
    element = etree.SubElement(elements, f"{{{ARCHIMATE}}}element", identifier="e-1")
    element.set(f"{{{XSI}}}type", "ApplicationComponent")
    name = etree.SubElement(element, f"{{{ARCHIMATE}}}name")
    name.set(XML_LANG, "vi")
    name.text = text
    etree.SubElement(element, f"{{{ARCHIMATE}}}documentation").text = text
    return etree.tostring(model, xml_declaration=True, encoding="UTF-8", pretty_print=True)


@FILES
@nasty(XML_NASTY)
@given(XML_TEXT)
def test_any_name_in_an_archimate_model_round_trips_or_is_a_located_reject(text: str):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "model.xml"
        path.write_bytes(archimate_model(text))
        items = read("archimate", path)
        check(items, path, "system:archimate.e-1", archimate_view(text), archimate_doc_view(text),
              {"name"}, {"description"})


# --- DCAT (Turtle, JSON-LD, RDF/XML) -------------------------------------------------------------------------------

# (rdflib's namespace module, not DCAT & co. imported by name: pytest's collection probes module globals, and
# rdflib's namespace objects warn on any attribute they lack.)
DATASET = "https://data.example.gov.vn/dataset/dan-cu"
RDF_NS = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"


def dcat_turtle(text: str) -> str:
    graph = Graph()
    graph.bind("dcat", rdf_names.DCAT)
    graph.bind("dct", rdf_names.DCTERMS)
    subject = URIRef(DATASET)
    graph.add((subject, rdf_names.RDF.type, rdf_names.DCAT.Dataset))
    graph.add((subject, rdf_names.DCTERMS.title, Literal(text, lang="vi")))
    graph.add((subject, rdf_names.DCTERMS.description, Literal(text, lang="vi")))
    return graph.serialize(format="turtle")


def dcat_jsonld(text: str) -> str:
    return json.dumps({
        "@context": {"dcat": str(rdf_names.DCAT), "dct": str(rdf_names.DCTERMS)},
        "@id": DATASET, "@type": "dcat:Dataset",
        "dct:title": {"@value": text, "@language": "vi"},
        "dct:description": {"@value": text, "@language": "vi"},
    }, ensure_ascii=False, indent=2)


def dcat_rdfxml(text: str) -> str:
    names = {"rdf": RDF_NS, "dcat": str(rdf_names.DCAT), "dct": str(rdf_names.DCTERMS)}
    root = etree.Element(f"{{{RDF_NS}}}RDF", nsmap=names)
    dataset = etree.SubElement(root, f"{{{names['dcat']}}}Dataset")
    dataset.set(f"{{{RDF_NS}}}about", DATASET)
    for field in ("title", "description"):
        literal = etree.SubElement(dataset, f"{{{names['dct']}}}{field}")
        literal.set(XML_LANG, "vi")
        literal.text = text
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True).decode("utf-8")


def check_dcat(text: str, suffix: str, serialise: Callable[[str], str]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"catalogue{suffix}"
        path.write_text(serialise(text), encoding="utf-8")
        items = read("dcat", path)
        check(items, path, "dataset:dan-cu", dcat_view(text), dcat_view(text), {"dct:title", "name"},
              {"dct:description", "description"})


@FILES
@nasty(NASTY)
@given(TEXT)
def test_any_title_in_a_dcat_turtle_catalogue_round_trips_or_is_a_located_reject(text: str):
    check_dcat(text, ".ttl", dcat_turtle)


@FILES
@nasty(NASTY)
@given(TEXT)
def test_any_title_in_a_dcat_jsonld_catalogue_round_trips_or_is_a_located_reject(text: str):
    check_dcat(text, ".jsonld", dcat_jsonld)


@FILES
@nasty(XML_NASTY)
@given(XML_TEXT)
def test_any_title_in_a_dcat_rdfxml_catalogue_round_trips_or_is_a_located_reject(text: str):
    check_dcat(text, ".rdf", dcat_rdfxml)
