"""ArchiMate models (The Open Group's Open Exchange Format 3.0/3.1, and 2.1) read into the registry.

Architects keep their models in Archi or another ArchiMate tool; the exchange file lets them load the model without
retyping it. Elements become nodes and relationships become the registry relationship they mean for the two node
types they join. What has no place in the registry is named in a reject, except notation, behaviour, intentions and
plans, which an inventory does not hold and which are skipped quietly. The mapping and its reasons are in
docs/importers/archimate.md.

The file is never trusted: a document with a DOCTYPE is refused before its declarations are read (an exchange file
has none, and entity declarations are how XML bombs expand and external entities read files), and the parser that
reads the rest loads no DTD, resolves no entity and touches no network.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from lxml import etree

from graph_model import (
    ID_RULE_TEXT, NODE_TYPES, RELATIONSHIP_TYPES, RULES, PillarTaxonomy, is_valid_entity_id, slugify,
)
from importers.base import ImportContext, ImportItem, Location, Parsed, Reject, size_reject, validate_raw

NAMESPACES = frozenset({
    "http://www.opengroup.org/xsd/archimate/3.0",
    "http://www.opengroup.org/xsd/archimate/3.1",
    "http://www.opengroup.org/xsd/archimate",  # 2.1
})
_NAMESPACE_DECLARED = re.compile(
    r"""xmlns(?::[\w.-]+)?\s*=\s*["']http://www\.opengroup\.org/xsd/archimate(?:/3\.[01])?/?["']""")
_XSI_TYPE = "{http://www.w3.org/2001/XMLSchema-instance}type"
_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"

# ArchiMate element type -> (registry node type, fields the type implies).
ELEMENTS: dict[str, tuple[str, dict[str, str]]] = {
    "BusinessActor": ("Agency", {}),
    "BusinessService": ("PublicService", {}),
    "ApplicationComponent": ("System", {}),
    "ApplicationInterface": ("Api", {}),
    "DataObject": ("Dataset", {}),
    "Node": ("Infrastructure", {}),
    "Device": ("Infrastructure", {"kind": "server"}),
    "SystemSoftware": ("Infrastructure", {}),
    "CommunicationNetwork": ("Infrastructure", {"kind": "network"}),
    "Facility": ("Infrastructure", {"kind": "data_center"}),
    "Constraint": ("Standard", {}),
}
NODE_DEFAULTS: dict[str, dict[str, str]] = {"Agency": {"level": "unit"}}
# Not loaded and not reported: notation, behaviour, intentions and plans, which no inventory holds.
SKIPPED = frozenset({
    "Grouping", "Location", "AndJunction", "OrJunction", "Junction",
    "BusinessProcess", "BusinessFunction", "BusinessInteraction", "BusinessEvent",
    "ApplicationProcess", "ApplicationFunction", "ApplicationInteraction", "ApplicationEvent",
    "TechnologyProcess", "TechnologyFunction", "TechnologyInteraction", "TechnologyEvent",
    "Stakeholder", "Driver", "Assessment", "Goal", "Outcome", "Principle", "Requirement", "Meaning", "Value",
    "Resource", "Capability", "ValueStream", "CourseOfAction",
    "WorkPackage", "Deliverable", "ImplementationEvent", "Plateau", "Gap",
})
# Not loaded either, but Node -assignment-> Artifact -realization-> component/data becomes HOSTED_ON.
ARTIFACT = "Artifact"
# ArchiMate 2.1 names of the same concepts.
_RENAMED = {
    "Realisation": "Realization", "UsedBy": "Serving", "Specialisation": "Specialization",
    "Network": "CommunicationNetwork", "CommunicationPath": "Path", "InfrastructureService": "TechnologyService",
    "InfrastructureInterface": "TechnologyInterface", "InfrastructureFunction": "TechnologyFunction",
}

_SYSTEMS = frozenset({"System", "Platform"})
_HOSTABLE = RULES["HOSTED_ON"].sources
_OWNABLE = RULES["OWNS"].targets
_NOT_STANDARD = frozenset(NODE_TYPES) - {"Standard"}


def _of(*names: str) -> frozenset[str]:
    return frozenset(names)


# (ArchiMate relationship types, registry source types, registry target types) -> (registry type, reversed).
# The first row that fits wins; Access from a system to data is decided in `_meaning` (MASTERS or HOLDS_COPY_OF).
RELATIONSHIPS: tuple[tuple[frozenset[str], frozenset[str], frozenset[str], str, bool], ...] = (
    (_of("Composition", "Aggregation"), _of("Agency"), _of("Agency"), "PART_OF", True),
    (_of("Composition", "Aggregation"), _of("Agency"), _of("Team"), "EMPLOYS", False),
    (_of("Assignment"), _of("Agency"), _OWNABLE, "OWNS", False),
    (_of("Serving"), _SYSTEMS, _of("Agency"), "USES", True),
    (_of("Association"), _of("Agency"), _of("Standard"), "ISSUES", False),
    (_of("Assignment"), _of("Team"), RULES["OPERATES"].targets, "OPERATES", False),
    (_of("Composition", "Aggregation", "Assignment", "Realization"), _SYSTEMS, _of("Api"), "EXPOSES", False),
    (_of("Serving"), _of("Api"), _SYSTEMS, "CONSUMES", True),
    (_of("Access", "Association"), _of("Api"), _of("Dataset"), "PROVIDES", False),
    (_of("Association"), _of("Api"), _of("Platform"), "ROUTED_VIA", False),
    (_of("Flow", "Triggering", "Association"), _SYSTEMS, _SYSTEMS, "CONNECTS_TO", False),
    (_of("Serving"), _SYSTEMS, _SYSTEMS, "CONNECTS_TO", True),
    (_of("Serving", "Realization"), _SYSTEMS, _of("PublicService"), "DELIVERS", False),
    (_of("Association"), _of("PublicService"), _SYSTEMS, "OFFERED_ON", False),
    (_of("Access", "Association"), _of("PublicService"), _of("Dataset"), "REQUIRES", False),
    (_of("Assignment", "Realization", "Serving"), _of("Infrastructure"), _HOSTABLE, "HOSTED_ON", True),
    (_of("Assignment", "Association"), _HOSTABLE, _of("Infrastructure"), "HOSTED_ON", False),
    (_of("Realization", "Association"), _NOT_STANDARD, _of("Standard"), "CONFORMS_TO", False),
)

_PREFIXES = {"Agency": "agency", "System": "system", "Platform": "platform", "Dataset": "dataset", "Api": "api",
             "PublicService": "service", "Infrastructure": "infra", "Standard": "standard", "Team": "team"}

# Vietnamese property names an architect may use for metamodel fields (keys as normalised by `_key`).
PROPERTY_ALIASES = {
    "cấp": "level", "mã": "code", "mã_số": "code", "trạng_thái": "status", "loại_hình": "kind", "phạm_vi": "scope",
    "phân_loại": "category", "lớp_dữ_liệu": "data_layer", "dữ_liệu_cá_nhân": "personal_data",
    "giao_thức": "protocol", "phiên_bản": "version", "tên_tiếng_anh": "name_en", "tên_viết_tắt": "short_name",
    "nhãn": "tags", "phương_thức_đồng_bộ": "sync_method",
}
_NOT_FROM_PROPERTIES = frozenset({"id", "type", "name", "source", "import_run", "created_at", "updated_at",
                                  "source_id", "target_id"})
_TRUE, _FALSE = frozenset({"true", "yes", "1", "có"}), frozenset({"false", "no", "0", "không"})
_SKIP = "skip"


class _Problem(Exception):
    """Something in the file that becomes a reject: the field at fault, the reason, and the line if known."""

    def __init__(self, field: str, reason: str, line: int | None = None) -> None:
        super().__init__(reason)
        self.field, self.reason, self.line = field, reason, line


@dataclass
class _Element:
    identifier: str
    archimate_type: str
    name: str
    line: int | None
    node_type: str | None = None  # None: no registry entity stands for it
    registry_id: str | None = None
    loaded: bool = False  # False for elements that refer to an entity by registry-id
    artifact: bool = False


class ArchimateImporter:
    name = "archimate"
    version = "1.0"
    extensions = (".xml",)
    description = "ArchiMate models in The Open Group's Open Exchange Format (3.0, 3.1, 2.1), e.g. exported from Archi"

    def can_read(self, path: Path, head: str) -> bool:
        return path.suffix.lower() in self.extensions and bool(_NAMESPACE_DECLARED.search(head))

    def read(self, path: Path, context: ImportContext) -> Iterator[ImportItem]:
        file = str(path)
        too_big = size_reject(path, context.limits.max_document_bytes, "max_document_bytes")
        if too_big:  # the file is parsed whole: refuse it unread
            yield too_big
            return
        try:
            reader = _ModelReader(_parse_safely(path.read_bytes()), file, context)
        except OSError as error:
            yield Reject(Location(file), "file", f"cannot read: {error.strerror}")
            return
        except _Problem as problem:
            yield Reject(Location(file, problem.line), "file", problem.reason)
            return
        yield from reader.items()


# --- parsing -------------------------------------------------------------------------------------------------

class _Doctype(Exception):
    pass


class _RootReached(Exception):
    pass


class _PrologProbe:
    """Parser target that stops at the DOCTYPE, before its declarations are read, or at the root element."""

    def doctype(self, name: str, public_id: str | None, system_url: str | None) -> None:
        raise _Doctype

    def start(self, tag: str, attrib: Any, nsmap: Any = None) -> None:
        raise _RootReached

    def end(self, tag: str) -> None: ...

    def data(self, data: str) -> None: ...

    def close(self) -> None: ...


def _safe_parser(**options: Any) -> etree.XMLParser:
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False,
                           dtd_validation=False, **options)


def _parse_safely(data: bytes) -> etree._Element:
    """The root element of an XML document that has no DOCTYPE; raise _Problem (field "file") for anything else.

    The probe reads only the prolog, so a DOCTYPE is refused before a single entity is declared, whatever the
    encoding; the document itself is then parsed without DTD, entities or network."""
    probe = _safe_parser(target=_PrologProbe())
    try:
        for start in range(0, len(data), 65536):
            probe.feed(data[start:start + 65536])
        probe.close()
    except _Doctype:
        at = data.find(b"<!DOCTYPE")
        raise _Problem("file", "refused: the document has a DOCTYPE. An ArchiMate exchange file has none, and its "
                               "entity declarations could expand without bound or read local files and URLs, so "
                               "nothing in it is read", data.count(b"\n", 0, at) + 1 if at >= 0 else None) from None
    except _RootReached:
        pass
    except etree.XMLSyntaxError as error:
        raise _syntax_problem(error) from None
    try:
        return etree.fromstring(data, _safe_parser(remove_comments=True, remove_pis=True))
    except etree.XMLSyntaxError as error:
        raise _syntax_problem(error) from None


def _syntax_problem(error: etree.XMLSyntaxError) -> _Problem:
    message = re.sub(r", line \d+, column (\d+)$", r" (column \1)", error.msg or str(error))
    return _Problem("file", f"invalid XML: {message}", error.lineno)


# --- the model -----------------------------------------------------------------------------------------------

class _ModelReader:
    """One parsed exchange file: its property names, elements and relationships, turned into import items."""

    def __init__(self, root: etree._Element, file: str, context: ImportContext) -> None:
        self.root, self.file, self.context = root, file, context
        qname = etree.QName(root)
        self.ns = qname.namespace or ""
        if qname.localname != "model" or self.ns.rstrip("/") not in NAMESPACES:
            raise _Problem("file", f"not an ArchiMate exchange file: the root element is {root.tag}", root.sourceline)
        self.property_names = {
            definition.get("identifier"): _key(definition.get("name") or self._text(definition, "name") or "")
            for container in self._kids(root, "propertyDefinitions", "propertydefs")
            for definition in self._kids(container, "propertyDefinition", "propertydef")
        }
        self.elements: dict[str, _Element] = {}
        self.valid_nodes: set[str] = set()

    def items(self) -> Iterator[ImportItem]:
        yield from self._elements()
        yield from self._relationships()

    # elements -> nodes

    def _elements(self) -> Iterator[ImportItem]:
        for container in self._kids(self.root, "elements"):
            for node in self._kids(container, "element"):
                try:
                    yield from self._element(node)
                except _Problem as problem:
                    yield Reject(Location(self.file, problem.line or node.sourceline), problem.field, problem.reason)

    def _element(self, node: etree._Element) -> Iterator[ImportItem]:
        identifier, line, archimate_type = node.get("identifier"), node.sourceline, _archimate_type(node)
        if not identifier:
            raise _Problem("identifier", f"{archimate_type or 'element'} has no identifier")
        if not archimate_type:
            raise _Problem("type", f"element {identifier!r} has no xsi:type")
        if identifier in self.elements:
            raise _Problem("identifier", f"identifier {identifier!r} is already used at line "
                                         f"{self.elements[identifier].line}")
        names = self._texts(node, "name", "label")
        element = _Element(identifier, archimate_type, _pick(names) or identifier, line)
        self.elements[identifier] = element
        props = self._properties(node)
        node_type: str | None = None
        implied: dict[str, str] = {}
        if archimate_type in ELEMENTS:
            node_type, implied = ELEMENTS[archimate_type]
        override = props.pop("registry_type", None)
        if override is not None:
            if override[0].lower() == _SKIP:
                return
            chosen = {name.lower(): name for name in NODE_TYPES}.get(override[0].lower())
            if chosen is None:
                raise _Problem("registry-type", f"{override[0]!r} is not a node type; expected one of "
                                                f"{', '.join(NODE_TYPES)} or {_SKIP}", override[1])
            implied = implied if chosen == node_type else {}
            node_type = chosen
        if node_type is None:
            if archimate_type == ARTIFACT:
                element.artifact = True
            elif archimate_type not in SKIPPED:
                raise _Problem("type", f"ArchiMate type {archimate_type} is not mapped (element {element.name!r}, "
                                       f"identifier {identifier!r}); give it a property registry-type naming a "
                                       f"node type, or {_SKIP}")
            return
        reference = props.pop("registry_id", None)
        if reference is not None:
            if not is_valid_entity_id(reference[0]):
                raise _Problem("registry-id", f"{ID_RULE_TEXT}; got {reference[0]!r}", reference[1])
            element.node_type, element.registry_id = node_type, reference[0]
            return
        element.node_type, element.loaded = node_type, True
        element.registry_id = _registry_id(node_type, identifier)
        raw: dict[str, Any] = {"type": node_type, "id": element.registry_id, **NODE_DEFAULTS.get(node_type, {}),
                               **implied}
        if names:
            raw["name"] = _pick(names, "vi")
        english = _pick_lang(names, "en")
        if english and english != raw.get("name"):
            raw["name_en"] = english
        documentation = _pick(self._texts(node, "documentation", keep_lines=True), "vi")
        if documentation:
            raw["description"] = documentation
        lines = _apply_properties(raw, props, NODE_TYPES[node_type].model_fields)
        for item in _validated(raw, Location(self.file, line), lines, self.context.pillars):
            if isinstance(item, Parsed):
                self.valid_nodes.add(element.registry_id)
            yield item

    # relationships

    def _relationships(self) -> Iterator[ImportItem]:
        relationship_ids = {node.get("identifier") for container in self._kids(self.root, "relationships")
                            for node in self._kids(container, "relationship")}
        emitted: set[tuple[str, str | None, str | None]] = set()
        hosts: dict[str, list[_Element]] = defaultdict(list)
        deployed: dict[str, list[tuple[_Element, int | None]]] = defaultdict(list)
        for container in self._kids(self.root, "relationships"):
            for node in self._kids(container, "relationship"):
                location = Location(self.file, node.sourceline)
                ends = []
                for field_name in ("source", "target"):
                    ref = node.get(field_name) or ""
                    if ref not in self.elements and ref not in relationship_ids:
                        yield Reject(location, field_name, f"no element with identifier {ref!r} in this file"
                                     if ref else f"the relationship names no {field_name}")
                    ends.append(self.elements.get(ref))
                source, target = ends
                if source is None or target is None:
                    continue  # a missing end (rejected above) or a relationship to a relationship
                kind = _archimate_type(node)
                if kind == "Assignment" and target.artifact and source.node_type == "Infrastructure":
                    hosts[target.identifier].append(source)
                elif kind == "Realization" and source.artifact and target.node_type in _HOSTABLE:
                    deployed[source.identifier].append((target, node.sourceline))
                if source.node_type is None or target.node_type is None:
                    continue  # an end the registry does not hold (skipped, reported or folded)
                try:
                    item = self._relationship(node, kind, source, target)
                except _Problem as problem:
                    yield Reject(Location(self.file, problem.line or node.sourceline), problem.field, problem.reason,
                                 None, f"{source.registry_id}->{target.registry_id}")
                    continue
                if item is not None:
                    raw, lines = item
                    emitted.add((raw["type"], raw["from"], raw["to"]))
                    yield from _validated(raw, location, lines, self.context.pillars)
        for artifact, targets in deployed.items():
            for target, line in targets:
                for host in hosts.get(artifact, []):
                    if ("HOSTED_ON", target.registry_id, host.registry_id) not in emitted:
                        emitted.add(("HOSTED_ON", target.registry_id, host.registry_id))
                        raw = {"type": "HOSTED_ON", "from": target.registry_id, "to": host.registry_id}
                        yield from validate_raw(raw, Location(self.file, line), self.context.pillars)
        owned = {end for rel_type, _, end in emitted if rel_type == "OWNS"}
        if self.context.owner:
            for element in self.elements.values():
                if element.loaded and element.node_type in _OWNABLE and element.registry_id not in owned \
                        and element.registry_id in self.valid_nodes:
                    raw = {"type": "OWNS", "from": self.context.owner, "to": element.registry_id}
                    yield from validate_raw(raw, Location(self.file, element.line), self.context.pillars)

    def _relationship(self, node: etree._Element, kind: str, source: _Element,
                      target: _Element) -> tuple[dict[str, Any], dict[str, int | None]] | None:
        props = self._properties(node)
        override = props.pop("registry_type", None)
        if override is not None and override[0].lower() == _SKIP:
            return None
        master = props.pop("master", None)
        rel_type, reverse = _meaning(kind, source, target, node.get("accessType", "Access"), override, master,
                                     "sync_method" in props)
        start, end = (target, source) if reverse else (source, target)
        raw: dict[str, Any] = {"type": rel_type, "from": start.registry_id, "to": end.registry_id}
        description = _pick(self._texts(node, "documentation", keep_lines=True), "vi") \
            or _pick(self._texts(node, "name", "label"), "vi")
        if description:
            raw["description"] = description
        return raw, _apply_properties(raw, props, RELATIONSHIP_TYPES[rel_type].model_fields)

    # XML helpers

    def _kids(self, node: etree._Element, *names: str) -> Iterator[etree._Element]:
        for name in names:
            yield from node.iterchildren(f"{{{self.ns}}}{name}")

    def _texts(self, node: etree._Element, *names: str, keep_lines: bool = False) -> list[tuple[str, str]]:
        """(language, text) of each named child with text, language as its primary subtag ('' when none)."""
        found = []
        for child in self._kids(node, *names):
            text = _clean(child.text, keep_lines)
            if text:
                found.append(((child.get(_XML_LANG) or "").split("-")[0].lower(), text))
        return found

    def _text(self, node: etree._Element, name: str) -> str | None:
        return _pick(self._texts(node, name))

    def _properties(self, node: etree._Element) -> dict[str, tuple[str, int | None]]:
        """Property values by normalised name, with the line of each property."""
        props: dict[str, tuple[str, int | None]] = {}
        for container in self._kids(node, "properties"):
            for prop in self._kids(container, "property"):
                key = self.property_names.get(prop.get("propertyDefinitionRef") or prop.get("identifierref"))
                value = _pick(self._texts(prop, "value"), "vi")
                if key and value is not None:
                    props.setdefault(key, (value, prop.sourceline))
        return props


def _meaning(kind: str, source: _Element, target: _Element, access_type: str,
             override: tuple[str, int | None] | None, master: tuple[str, int | None] | None,
             has_sync_method: bool) -> tuple[str, bool]:
    """The registry relationship type an ArchiMate relationship means between these two ends, and whether it runs
    the other way; raise _Problem when it means none."""
    source_type, target_type = source.node_type or "", target.node_type or ""
    if override is not None:
        rel_type = override[0].upper()
        if rel_type not in RULES:
            raise _Problem("registry-type", f"{override[0]!r} is not a relationship type; expected one of "
                                            f"{', '.join(RULES)} or {_SKIP}", override[1])
        for reverse, (start, end) in ((False, (source_type, target_type)), (True, (target_type, source_type))):
            if start in RULES[rel_type].sources and end in RULES[rel_type].targets:
                return rel_type, reverse
        raise _Problem("registry-type", f"{rel_type} cannot join {source_type} and {target_type}", override[1])
    if kind == "Access" and source_type in _SYSTEMS and target_type == "Dataset":
        access = access_type.lower()
        if master is not None and _flag(master):
            if access == "read":
                raise _Problem("master", "the master of a dataset writes it, but this Access is Read", master[1])
            return "MASTERS", False
        if access in ("write", "readwrite") or has_sync_method:
            return "HOLDS_COPY_OF", False
        raise _Problem("accessType", f"Access ({access_type}) from {source.archimate_type} {source.name!r} to "
                                     f"{target.archimate_type} {target.name!r} says the system reads the data, not "
                                     "that it keeps it: use accessType Write or ReadWrite (or give a sync_method) "
                                     "for a copy, property master=true for the authoritative source, or model the "
                                     "read through the API that provides the data")
    for kinds, sources, targets, rel_type, reverse in RELATIONSHIPS:
        if kind in kinds and source_type in sources and target_type in targets:
            start, end = (target_type, source_type) if reverse else (source_type, target_type)
            if start in RULES[rel_type].sources and end in RULES[rel_type].targets:
                return rel_type, reverse
    raise _Problem("type", f"ArchiMate {kind or 'relationship'} from {source.archimate_type} {source.name!r} to "
                           f"{target.archimate_type} {target.name!r} has no meaning in the registry "
                           f"({source_type} to {target_type}); give it a property registry-type naming a "
                           f"relationship type, or {_SKIP}")


# --- small helpers -------------------------------------------------------------------------------------------

def _registry_id(node_type: str, identifier: str) -> str:
    """`<prefix>:archimate.<identifier>`; an identifier outside the id rule (xs:ID allows any letter) is slugified."""
    registry_id = f"{_PREFIXES[node_type]}:archimate.{identifier}"
    return registry_id if is_valid_entity_id(registry_id) else f"{_PREFIXES[node_type]}:archimate.{slugify(identifier)}"


def _archimate_type(node: etree._Element) -> str:
    """The concept's ArchiMate 3 type name: xsi:type without prefix, 2.1 names and 'Relationship' suffix mapped."""
    name = (node.get(_XSI_TYPE) or "").rpartition(":")[2]
    name = name.removesuffix("Relationship") or name
    return _RENAMED.get(name, name)


def _key(name: str) -> str:
    """A property name as a field name: 'Registry ID' and 'registry-id' both become registry_id."""
    key = re.sub(r"[\s_-]+", "_", unicodedata.normalize("NFC", name).strip().lower())
    return PROPERTY_ALIASES.get(key, key)


def _clean(text: str | None, keep_lines: bool = False) -> str:
    if not text:
        return ""
    text = unicodedata.normalize("NFC", text)
    return text.strip() if keep_lines else " ".join(text.split())


def _pick(texts: list[tuple[str, str]], lang: str | None = None) -> str | None:
    """The text in `lang` if there is one, else the first."""
    return (_pick_lang(texts, lang) if lang else None) or (texts[0][1] if texts else None)


def _pick_lang(texts: list[tuple[str, str]], lang: str) -> str | None:
    return next((text for text_lang, text in texts if text_lang == lang), None)


def _flag(value: tuple[str, int | None]) -> bool:
    text = value[0].strip().lower()
    if text in _TRUE | _FALSE:
        return text in _TRUE
    raise _Problem("master", f"expected true or false, got {value[0]!r}", value[1])


def _apply_properties(raw: dict[str, Any], props: dict[str, tuple[str, int | None]],
                      fields: dict[str, Any]) -> dict[str, int | None]:
    """Copy the properties that name a field of the record's type into it; return the line of each."""
    lines: dict[str, int | None] = {}
    for key, (value, line) in props.items():
        if key in fields and key not in _NOT_FROM_PROPERTIES:
            raw[key] = [tag.strip() for tag in re.split(r"[,;]", value) if tag.strip()] if key == "tags" else value
            lines[key] = line
    return lines


def _validated(raw: dict[str, Any], location: Location, property_lines: dict[str, int | None],
               pillars: PillarTaxonomy) -> Iterator[ImportItem]:
    """validate_raw, with a reject about a field that came from a property placed on that property's line."""
    for item in validate_raw(raw, location, pillars):
        if isinstance(item, Reject) and property_lines.get(item.field.split(".")[0]) is not None:
            item = replace(item, location=Location(location.file, property_lines[item.field.split(".")[0]]))
        yield item
