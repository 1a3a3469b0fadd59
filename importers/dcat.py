"""DCAT / DCAT-AP catalogues (JSON-LD, Turtle, RDF/XML): datasets, the APIs that serve them, who publishes them.

Nothing is ever fetched. rdflib's JSON-LD parser would download a remote `@context` (or `@import`), so the
JSON is parsed here first and any such reference is refused before rdflib sees the document; RDF/XML with a
DTD (entities, external references) is refused by defusedxml before rdflib parses it; Turtle has no way to
include anything. The mapping is documented in docs/importers/dcat.md.
"""

from __future__ import annotations

import bisect
import hashlib
import json
import re
import warnings
from collections.abc import Generator, Iterable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urljoin

import defusedxml.ElementTree
from defusedxml import DefusedXmlException
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib import Dataset as RdfDataset
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF, RDFS, SKOS
from rdflib.plugins.parsers.jsonld import to_rdf
from rdflib.plugins.parsers.notation3 import BadSyntax
from rdflib.term import Node as RdfNode

from graph_model.identifiers import is_valid_entity_id, slugify
from importers.base import ImportContext, ImportItem, Location, Reject, size_reject, validate_raw

DCATAP = Namespace("http://data.europa.eu/r5r/")
ONEGOV = Namespace("https://onegov-registry.example/ns#")
DATASET_TYPES = (DCAT.Dataset, URIRef(f"{DCAT}DatasetSeries"))  # DCAT 3; rdflib's DCAT lacks it

# A distribution whose format or media type is one of these is an API, not a file download.
API_MEDIA_TYPES = ("application/vnd.oai.openapi+json", "application/vnd.oai.openapi", "application/openapi+json",
                   "application/openapi+yaml", "application/wsdl+xml", "application/sparql-query",
                   "application/graphql")
API_FORMATS = frozenset({"api", "openapi", "rest", "soap", "wsdl", "graphql", "grpc", "sparql", "sparqlq",
                         "wms", "wfs", "wcs", "wms_srvc", "wfs_srvc", "wcs_srvc"})
PROTOCOL_HINTS = (("wsdl", "soap"), ("soap", "soap"), ("graphql", "graphql"), ("grpc", "grpc"),
                  ("x-road", "x_road"), ("sparql", "other"), ("wms", "other"), ("wfs", "other"))
# Slugs of a dct:type or keyword that mark a national database, or personal data.
NATIONAL_DATABASE = frozenset({"national-database", "nationaldatabase", "co-so-du-lieu-quoc-gia",
                               "csdl-quoc-gia", "csdlqg"})
PERSONAL_DATA = frozenset({"personal-data", "du-lieu-ca-nhan", "thong-tin-ca-nhan"})
MAX_SLUG = 100

SUBJECT_PATTERNS = {
    ".jsonld": re.compile(r'"@id"\s*:\s*"([^"\\]*)"'),
    ".ttl": re.compile(r"^<([^>\s]*)>", re.MULTILINE),  # a subject opening a line
    ".rdf": re.compile(r'rdf:about="([^"]*)"'),
}


class DcatImporter:
    name = "dcat"
    version = "1.0"
    extensions = (".jsonld", ".json", ".ttl", ".rdf")
    description = "DCAT / DCAT-AP catalogues: datasets and data services (JSON-LD, Turtle, RDF/XML)"

    def can_read(self, path: Path, head: str) -> bool:
        """JSON only when its head has an @context naming DCAT; the other extensions are DCAT's alone here."""
        if path.suffix.lower() == ".json":
            return '"@context"' in head and "dcat" in head.lower()
        return path.suffix.lower() in self.extensions

    def read(self, path: Path, context: ImportContext) -> Iterator[ImportItem]:
        too_big = size_reject(path, context.limits.max_document_bytes, "max_document_bytes")
        if too_big:  # every syntax is parsed whole: refuse it unread
            yield too_big
            return
        loaded = _load(path)
        if isinstance(loaded, Reject):
            yield loaded
            return
        graph, lines = loaded
        yield from _Mapper(graph, str(path), lines, context).items()


# --- parsing -----------------------------------------------------------------------------------------------

def _load(path: Path) -> tuple[Graph, dict[str, int]] | Reject:
    """The file's triples and the line of each subject IRI found in its text, or one reject for the whole file."""
    file = str(path)
    try:
        data = path.read_bytes()
    except OSError as error:
        return Reject(Location(file), "file", f"cannot read: {error.strerror}")
    base = path.resolve().as_uri()
    suffix = path.suffix.lower()
    if suffix == ".rdf":  # XML declares its own encoding; decode here only to search for lines
        text = data.decode("utf-8", errors="replace")
        graph = _load_rdfxml(data, text, file, base)
    else:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            return Reject(Location(file), "file", f"not UTF-8 text (byte {error.start}): {error.reason}")
        graph = _load_turtle(text, file, base) if suffix == ".ttl" else _load_jsonld(text, file, base)
    if isinstance(graph, Reject):
        return graph
    return graph, _subject_lines(text, SUBJECT_PATTERNS.get(suffix, SUBJECT_PATTERNS[".jsonld"]), graph, base)


def _load_turtle(text: str, file: str, base: str) -> Graph | Reject:
    """Turtle cannot include or import anything, so rdflib parses it as it is."""
    graph = Graph()
    try:
        graph.parse(data=text, format="turtle", publicID=base)
    except BadSyntax as error:
        return Reject(Location(file, error.lines + 1), "file", f"invalid Turtle: {error._why}")
    except Exception as error:  # noqa: BLE001 - whatever rdflib raises, the file is one reject
        return Reject(Location(file), "file", f"invalid Turtle: {error}")
    return graph


def _load_jsonld(text: str, file: str, base: str) -> Graph | Reject:
    """Parse the JSON ourselves, refuse remote contexts, then hand rdflib the parsed document (never a URL)."""
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        return Reject(Location(file, error.lineno), "file", f"invalid JSON: {error.msg} (column {error.colno})")
    except RecursionError:
        return Reject(Location(file), "file", "invalid JSON: nested too deeply")
    remote = _remote_context(document)
    if remote is not None:
        return Reject(Location(file, _line_of(text, json.dumps(remote, ensure_ascii=False))), "@context",
                      f"remote JSON-LD context {remote!r} refused: contexts are never fetched; "
                      "put the context itself in the file")
    dataset = RdfDataset()
    try:
        with warnings.catch_warnings():  # rdflib's parser calls its own deprecated Dataset.default_context
            warnings.simplefilter("ignore", DeprecationWarning)
            to_rdf(document, dataset, base=base)
    except Exception as error:  # noqa: BLE001 - whatever rdflib raises, the file is one reject
        return Reject(Location(file), "file", f"invalid JSON-LD: {error}")
    graph = Graph()  # named graphs merged into one: a catalogue's statements count wherever they sit
    for prefix, namespace in dataset.namespaces():
        graph.bind(prefix, namespace)
    for subject, predicate, obj, _ in dataset.quads((None, None, None, None)):
        graph.add((subject, predicate, obj))
    return graph


def _remote_context(document: Any) -> str | None:
    """The first context reference rdflib would fetch: a string in any @context, or any @import."""
    stack = [document]
    while stack:
        value = stack.pop()
        if isinstance(value, list):
            stack.extend(reversed(value))
        elif isinstance(value, dict):
            for key, child in value.items():
                if key == "@import":
                    return str(child)
                if key == "@context":
                    for entry in child if isinstance(child, list) else [child]:
                        if isinstance(entry, str):
                            return entry
                stack.append(child)
    return None


def _load_rdfxml(data: bytes, text: str, file: str, base: str) -> Graph | Reject:
    """RDF/XML without a DTD only: defusedxml checks first, so no entity or external reference is expanded."""
    try:
        defusedxml.ElementTree.fromstring(data, forbid_dtd=True)
    except DefusedXmlException:
        return Reject(Location(file, _line_of(text, "<!DOCTYPE")), "file",
                      "RDF/XML with a DTD refused: document types, entities and external references are not allowed")
    except defusedxml.ElementTree.ParseError as error:
        return Reject(Location(file, error.position[0]), "file", f"invalid XML: {error}")
    graph = Graph()
    try:
        graph.parse(data=data, format="xml", publicID=base)
    except Exception as error:  # noqa: BLE001 - whatever rdflib raises, the file is one reject
        return Reject(Location(file), "file", f"invalid RDF/XML: {error}")
    return graph


def _line_of(text: str, needle: str) -> int | None:
    index = text.find(needle)
    return text.count("\n", 0, index) + 1 if index >= 0 else None


def _subject_lines(text: str, pattern: re.Pattern[str], graph: Graph, base: str) -> dict[str, int]:
    """The line where each IRI is first named as a subject (`"@id": "…"`, `<…>` opening a Turtle statement,
    `rdf:about="…"`), compact and relative forms expanded: RDF parsers keep no lines, a text search is cheap."""
    newlines = [index for index, char in enumerate(text) if char == "\n"]
    prefixes = {prefix: str(namespace) for prefix, namespace in graph.namespaces()}
    lines: dict[str, int] = {}
    for match in pattern.finditer(text):
        raw = match.group(1)
        prefix, _, local = raw.partition(":")
        iri = prefixes[prefix] + local if prefix in prefixes and not local.startswith("//") else urljoin(base, raw)
        lines.setdefault(iri, bisect.bisect_left(newlines, match.start()) + 1)
    return lines


# --- mapping -----------------------------------------------------------------------------------------------

def _segment(iri: str) -> str:
    """The last segment of an IRI (after the last / # : ? = or &), percent-decoded."""
    return unquote(re.split(r"[/#:?=&]", iri.rstrip("/#"))[-1])


def _short_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]


def _iri_local(iri: str) -> str:
    """Slug of the IRI's last segment, or a stable short hash of the whole IRI when the slug is unusable."""
    slug = slugify(_segment(iri))
    return slug if 0 < len(slug) <= MAX_SLUG else _short_hash(iri)


def _rank(literal: Literal) -> tuple[int, str, str]:
    """Vietnamese first, then untagged, then any other language (alphabetically, so the choice is stable)."""
    language = (literal.language or "").lower()
    return (0 if language.split("-")[0] == "vi" else 1 if not language else 2, language, str(literal))


class _Mapper:
    """Turns one parsed catalogue into raw registry records, validated and located."""

    def __init__(self, graph: Graph, file: str, lines: dict[str, int], context: ImportContext) -> None:
        self.graph = graph
        self.file = file
        self.lines = lines
        self.context = context
        self.claimed: dict[str, str] = {}  # id -> the subject it was derived from, to catch clashes
        self.dataset_ids: dict[RdfNode, str | None] = {}  # None: rejected in this file
        self.apis: dict[str, bool] = {}  # Api id -> whether it validated

    def items(self) -> Iterator[ImportItem]:
        for dataset in self._subjects(DATASET_TYPES, DCAT.dataset):
            yield from self._dataset(dataset)
        services = set(self._subjects((DCAT.DataService,), DCAT.service))
        services.update(self.graph.objects(None, DCAT.accessService))
        for service in sorted(services, key=self._sort_key):
            yield from self._service(service)

    # --- helpers ---

    def _subjects(self, types: Iterable[URIRef], member: URIRef) -> list[RdfNode]:
        """Nodes typed as one of `types` or listed in a catalogue under `member`, in a stable order."""
        found = {s for t in types for s in self.graph.subjects(RDF.type, t)}
        found.update(self.graph.objects(None, member))
        return sorted((node for node in found if not isinstance(node, Literal)), key=self._sort_key)

    def _sort_key(self, node: RdfNode) -> tuple[bool, str]:
        return (isinstance(node, BNode), str(node) if isinstance(node, URIRef) else self._text(node) or "")

    def _location(self, node: RdfNode) -> Location:
        return Location(self.file, self.lines.get(str(node)) if isinstance(node, URIRef) else None)

    def _label(self, node: RdfNode) -> str:
        return f"<{node}>" if isinstance(node, URIRef) else f"(blank node {self._text(node) or 'without title'})"

    def _text(self, node: RdfNode, *predicates: URIRef) -> str | None:
        """One text of the node, by the language rule of `_rank`; dct:title unless predicates are given."""
        literals = [o for p in predicates or (DCTERMS.title,) for o in self.graph.objects(node, p)
                    if isinstance(o, Literal) and str(o).strip()]
        return str(min(literals, key=_rank)).strip() if literals else None

    def _english(self, node: RdfNode, predicate: URIRef) -> str | None:
        texts = sorted(str(o).strip() for o in self.graph.objects(node, predicate) if isinstance(o, Literal)
                       and (o.language or "").lower().split("-")[0] == "en" and str(o).strip())
        return texts[0] if texts else None

    def _first(self, node: RdfNode, *predicates: URIRef) -> str | None:
        """The first (sorted) value of the first predicate that has one: for URLs."""
        for predicate in predicates:
            values = sorted(str(o).strip() for o in self.graph.objects(node, predicate) if str(o).strip())
            if values:
                return values[0]
        return None

    def _name_of(self, node: RdfNode) -> str:
        """A label for a theme, legislation or type: its title/prefLabel/label, else its IRI's last segment."""
        if isinstance(node, Literal):
            return str(node).strip()
        return self._text(node, SKOS.prefLabel, DCTERMS.title, RDFS.label) or _segment(str(node))

    def _legal_name(self, node: RdfNode) -> str:
        """A law or standard by its title, else its full IRI (a last segment alone would not identify it)."""
        if isinstance(node, Literal):
            return str(node).strip()
        return self._text(node, DCTERMS.title, SKOS.prefLabel, RDFS.label) or str(node)

    def _entity_id(self, prefix: str, node: RdfNode, *fallbacks: str | None) -> str | None:
        """dct:identifier when it makes a valid id, else the IRI's last segment; a blank node falls back to the
        slug of its name, then a hash of its URL (in `fallbacks`)."""
        identifiers = sorted(str(o).strip() for o in self.graph.objects(node, DCTERMS.identifier)
                             if isinstance(o, Literal))
        for identifier in identifiers:
            candidate = identifier if identifier.startswith(f"{prefix}:") else f"{prefix}:{identifier}"
            if "://" not in identifier and is_valid_entity_id(candidate):
                return candidate
        if isinstance(node, URIRef):
            return f"{prefix}:{_iri_local(str(node))}"
        identifier_iris = [i for i in identifiers if "://" in i]
        if identifier_iris:
            return f"{prefix}:{_iri_local(identifier_iris[0])}"
        name, url = (fallbacks + (None, None))[:2]
        if name and 0 < len(slugify(name)) <= MAX_SLUG:
            return f"{prefix}:{slugify(name)}"
        return f"{prefix}:{_short_hash(url)}" if url else None

    def _claim(self, entity_id: str, node: RdfNode, key: str, location: Location, record_type: str
               ) -> Reject | None:
        """An id derived from two different subjects would merge them silently: the second is a reject."""
        first = self.claimed.setdefault(entity_id, key)
        if first == key:
            return None
        return Reject(location, "id", f"id {entity_id!r} derived from {self._label(node)} is already used by "
                                      f"{first} in this file; give one of them a distinct dct:identifier",
                      record_type, entity_id)

    def _emit(self, raw: dict[str, Any], location: Location, node: RdfNode) -> Generator[ImportItem, None, bool]:
        """Validate one raw record; rejects name the RDF subject too, since RDF gives no lines."""
        good = True
        for item in validate_raw(raw, location, self.context.pillars):
            if isinstance(item, Reject):
                good = False
                item = replace(item, reason=f"{item.reason} ({self._label(node)})")
            yield item
        return good

    def _owns(self, node: RdfNode, target: str, location: Location, *inherit_from: RdfNode
              ) -> Iterator[ImportItem]:
        """OWNS from the publisher: the node's own, else that of `inherit_from` (a distribution's dataset), else
        that of the catalogue listing either, else --owner. Agency nodes are never emitted (see the docs)."""
        catalogs = sorted({c for held in (node, *inherit_from) for p in (DCAT.dataset, DCAT.service)
                           for c in self.graph.subjects(p, held)}, key=self._sort_key)
        for holder in (node, *inherit_from, *catalogs):
            publishers = sorted(self.graph.objects(holder, DCTERMS.publisher), key=self._sort_key)
            if publishers:
                owner = self._agency_id(publishers[0])
                if owner is None:
                    yield Reject(location, "dct:publisher",
                                 f"publisher {self._label(publishers[0])} of {self._label(holder)} has neither "
                                 "dct:identifier nor foaf:name, so its agency cannot be named",
                                 "OWNS", f"?->{target}")
                    return
                break
        else:
            owner = self.context.owner
        if owner:
            yield from validate_raw({"type": "OWNS", "from": owner, "to": target}, location, self.context.pillars)

    def _agency_id(self, publisher: RdfNode) -> str | None:
        """agency:<dct:identifier> (e.g. an agency code), else agency:<slug of foaf:name>."""
        if isinstance(publisher, Literal):
            slug = slugify(str(publisher))
            return f"agency:{slug}" if slug else None
        for identifier in sorted(str(o).strip() for o in self.graph.objects(publisher, DCTERMS.identifier)):
            candidate = identifier if identifier.startswith("agency:") else f"agency:{identifier}"
            if "://" not in identifier and is_valid_entity_id(candidate):
                return candidate
        slug = slugify(self._text(publisher, FOAF.name) or "")
        return f"agency:{slug}" if slug else None

    # --- datasets ---

    def _dataset(self, node: RdfNode) -> Iterator[ImportItem]:
        location = self._location(node)
        name = self._text(node)
        dataset_id = self._entity_id("dataset", node, name)
        self.dataset_ids[node] = None
        if dataset_id is None:
            yield Reject(location, "id", f"dataset {self._label(node)} has no IRI, dct:identifier or dct:title "
                                         "to make a stable id from", "Dataset")
            return
        if name is None:
            yield Reject(location, "dct:title", f"dataset {self._label(node)} has no dct:title; the registry "
                                                "needs a name", "Dataset", dataset_id)
            return
        clash = self._claim(dataset_id, node, self._label(node), location, "Dataset")
        if clash:
            yield clash
            return
        keywords = [o for o in self.graph.objects(node, DCAT.keyword) if isinstance(o, Literal)]
        preferred = [k for k in keywords if _rank(k)[0] < 2] or keywords
        tags = {str(k).strip() for k in preferred} | {self._name_of(t) for t in self.graph.objects(node, DCAT.theme)}
        kinds = {slugify(str(k)) for k in keywords} | {slugify(self._name_of(t))
                                                       for t in self.graph.objects(node, DCTERMS.type)}
        legislation = sorted(self._legal_name(o) for o in self.graph.objects(node, DCATAP.applicableLegislation)) \
            or sorted(self._legal_name(o) for o in self.graph.objects(node, DCTERMS.conformsTo))
        raw: dict[str, Any] = {
            "type": "Dataset", "id": dataset_id, "name": name,
            "name_en": self._english(node, DCTERMS.title),
            "description": self._text(node, DCTERMS.description),
            "tags": sorted(tag for tag in tags if tag),
            "category": "national_database" if kinds & NATIONAL_DATABASE else "other",
            "personal_data": self._personal_data(node, kinds),
            "legal_basis": "; ".join(legislation) or None,
        }
        good = yield from self._emit({k: v for k, v in raw.items() if v is not None}, location, node)
        if not good:
            return
        self.dataset_ids[node] = dataset_id
        yield from self._owns(node, dataset_id, location)
        for distribution in sorted(self.graph.objects(node, DCAT.distribution), key=self._sort_key):
            if not any(True for _ in self.graph.objects(distribution, DCAT.accessService)) \
                    and self._is_api(distribution):
                yield from self._distribution_api(distribution, node, dataset_id, name, location)

    def _personal_data(self, node: RdfNode, kinds: set[str]) -> bool:
        """onegov:personalData when given (true/false), else a keyword or dct:type meaning personal data."""
        for value in self.graph.objects(node, ONEGOV.personalData):
            python = value.toPython() if isinstance(value, Literal) else None
            return python if isinstance(python, bool) else str(value).strip().lower() in ("true", "1", "yes", "có")
        return bool(kinds & PERSONAL_DATA)

    # --- APIs ---

    def _is_api(self, distribution: RdfNode) -> bool:
        """A distribution is an API when its format or media type says so (OpenAPI, WSDL, SPARQL, WMS, …)."""
        for value in self.graph.objects(distribution, DCAT.mediaType):
            if str(value).strip().lower().endswith(API_MEDIA_TYPES):
                return True
        for value in self.graph.objects(distribution, DCTERMS["format"]):
            text = self._name_of(value).lower()
            if text in API_FORMATS or text.endswith(API_MEDIA_TYPES):
                return True
        return False

    def _protocol(self, *nodes: RdfNode) -> str:
        hints = " ".join(str(o).lower() for node in nodes for p in (DCTERMS["format"], DCAT.mediaType,
                                                                   DCTERMS.conformsTo, DCAT.endpointDescription)
                         for o in self.graph.objects(node, p))
        return next((protocol for needle, protocol in PROTOCOL_HINTS if needle in hints), "rest")

    def _distribution_api(self, distribution: RdfNode, dataset: RdfNode, dataset_id: str, dataset_name: str,
                          dataset_location: Location) -> Iterator[ImportItem]:
        """An API-like distribution with no dcat:accessService: an Api that PROVIDES its dataset."""
        location = self._location(distribution)
        location = dataset_location if location.line is None else location
        url = self._first(distribution, DCAT.accessURL, DCAT.downloadURL)
        name = self._text(distribution) or f"API: {dataset_name}"
        api_id = self._entity_id("api", distribution, self._text(distribution), url)
        if api_id is None:
            yield Reject(location, "id", f"API distribution {self._label(distribution)} of {self._label(dataset)} "
                                         "has no IRI, dct:identifier, dct:title or access URL", "Api")
            return
        key = f"<{url}>" if isinstance(distribution, BNode) and url else self._label(distribution)
        yield from self._api(distribution, api_id, key, location, {
            "name": name, "name_en": self._english(distribution, DCTERMS.title),
            "description": self._text(distribution, DCTERMS.description),
            "base_url": url, "specification_url": self._first(distribution, DCAT.endpointDescription),
            "protocol": self._protocol(distribution),
        }, [dataset_id], dataset)

    def _service(self, node: RdfNode) -> Iterator[ImportItem]:
        """A dcat:DataService: an Api that PROVIDES each dataset it serves or gives access to."""
        location = self._location(node)
        url = self._first(node, DCAT.endpointURL)
        api_id = self._entity_id("api", node, self._text(node), url)
        if api_id is None:
            yield Reject(location, "id", f"data service {self._label(node)} has no IRI, dct:identifier, "
                                         "dct:title or endpoint URL", "Api")
            return
        name = self._text(node)
        if name is None:
            yield Reject(location, "dct:title", f"data service {self._label(node)} has no dct:title; the registry "
                                                "needs a name", "Api", api_id)
            return
        served = set(self.graph.objects(node, DCAT.servesDataset))
        served.update(d for dist in self.graph.subjects(DCAT.accessService, node)
                      for d in self.graph.subjects(DCAT.distribution, dist))
        targets = []
        for dataset in sorted(served, key=self._sort_key):
            dataset_id = self.dataset_ids[dataset] if dataset in self.dataset_ids \
                else self._entity_id("dataset", dataset)  # described elsewhere: the registry may hold it
            if dataset_id:
                targets.append(dataset_id)
        yield from self._api(node, api_id, self._label(node), location, {
            "name": name, "name_en": self._english(node, DCTERMS.title),
            "description": self._text(node, DCTERMS.description),
            "base_url": url, "specification_url": self._first(node, DCAT.endpointDescription),
            "protocol": self._protocol(node),
        }, targets)

    def _api(self, node: RdfNode, api_id: str, key: str, location: Location, fields: dict[str, Any],
             datasets: list[str], *inherit_from: RdfNode) -> Iterator[ImportItem]:
        """Emit the Api once, then its owner, the --system that exposes it, and what it provides."""
        clash = self._claim(api_id, node, key, location, "Api")
        if clash:
            yield clash
            return
        if api_id not in self.apis:
            raw = {"type": "Api", "id": api_id, **{k: v for k, v in fields.items() if v is not None}}
            self.apis[api_id] = yield from self._emit(raw, location, node)
            if self.apis[api_id]:
                yield from self._owns(node, api_id, location, *inherit_from)
                if self.context.system:
                    yield from validate_raw({"type": "EXPOSES", "from": self.context.system, "to": api_id},
                                            location, self.context.pillars)
        if not self.apis[api_id]:
            return
        for dataset_id in sorted(set(datasets)):
            yield from validate_raw({"type": "PROVIDES", "from": api_id, "to": dataset_id}, location,
                                    self.context.pillars)
