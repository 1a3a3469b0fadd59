"""Backstage software catalogues (multi-document YAML): components, APIs, systems, groups and resources.

Backstage is where many teams already list what they run and who owns it. Each entity becomes a registry node
whose id is built from its entity ref alone, so a ref in any file resolves to the same id; `registry.onegov/*`
annotations carry what Backstage has no field for. See docs/importers/backstage.md for the mapping and its reasons.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from graph_model import NODE_TYPES, RULES
from importers.base import ImportContext, ImportItem, Location, Reject
from importers.yaml_lines import line_of, load_documents, scalar_text, validate_located

ANNOTATION = "registry.onegov/"
# Backstage kind → registry node type (a Resource's depends on its spec.type) and the prefix of its default id.
NODE_TYPE = {"component": "System", "api": "Api", "system": "System", "group": "Agency", "resource": None}
ID_PREFIX = {"component": "system", "api": "api", "system": "system", "group": "agency", "resource": "resource"}
SKIPPED_KINDS = frozenset({"user", "location", "template", "domain"})
LIFECYCLE_STATUS = {"production": "operational", "experimental": "planned", "deprecated": "retired"}
API_PROTOCOL = {"openapi": "rest", "grpc": "grpc", "graphql": "graphql", "wsdl": "soap", "asyncapi": "other"}
DATASET_TYPES = frozenset({"database", "dataset", "s3-bucket", "bucket", "object-storage", "table",
                           "data-warehouse", "data-lake"})
INFRASTRUCTURE_KIND = {"cluster": "cloud", "kubernetes-cluster": "cloud", "cloud": "cloud", "server": "server",
                       "vm": "server", "virtual-machine": "server", "network": "network", "vpc": "network",
                       "datacenter": "data_center", "data-center": "data_center"}
# spec field → (default kind of its refs, relationship, whether the entity is its start), per Backstage kind.
LINK_FIELDS = {
    "component": (("providesApis", "api", "EXPOSES", True), ("consumesApis", "api", "CONSUMES", True)),
    "group": (("parent", "group", "PART_OF", True), ("children", "group", "PART_OF", False)),
}
# A dependency becomes the first of these the two node types may join.
DEPENDENCY_TYPES = ("HOLDS_COPY_OF", "HOSTED_ON", "CONNECTS_TO")
DEPENDENCY_PROPERTIES = {"HOLDS_COPY_OF": {"sync_method": "unknown"}}
# Containment the metamodel has no System→System relationship for: kept as a `part-of:<id>` tag.
PART_OF_FIELDS = (("system", "system"), ("subcomponentOf", "component"))

_HEAD = re.compile(r"""^apiVersion:[ \t]*['"]?backstage\.io/""", re.MULTILINE)
_REF = re.compile(r"^(?:(?P<kind>[^:/]+):)?(?:(?P<namespace>[^:/]+)/)?(?P<name>[^:/]+)$")

Source = tuple[str, int | None]  # (field as the catalogue names it, its line)


@dataclass(frozen=True)
class Entity:
    """One Backstage entity and the registry node it becomes."""

    file: str
    kind: str  # Backstage kind, lower case
    namespace: str
    name: str
    doc: Mapping[str, Any]
    line: int | None  # of its `kind`
    node_type: str
    id: str
    referred: bool  # registry.onegov/id names an entity already in the registry: link to it, do not write it

    @property
    def metadata(self) -> Mapping[str, Any]:
        return _mapping(self.doc, "metadata")

    @property
    def spec(self) -> Mapping[str, Any]:
        return _mapping(self.doc, "spec")

    @property
    def annotations(self) -> Mapping[str, Any]:
        return _mapping(self.metadata, "annotations")

    def line_of(self, where: Any, key: str) -> int | None:
        return line_of(where, key, self.line)


@dataclass(frozen=True)
class Link:
    """A relationship the entity states; `field` (at `line`) gave its `end`, the other end is the entity."""

    rel_type: str
    source_id: str
    target_id: str
    field: str
    line: int | None
    end: str
    properties: dict[str, Any] = field(default_factory=dict)


class BackstageImporter:
    """Reads catalogue files; User, Location, Template and Domain entities have no registry counterpart."""

    name = "backstage"
    version = "1.0"
    extensions = (".yaml", ".yml")
    description = "Backstage catalogue entities (Component, API, System, Group, Resource) as registry nodes"

    def can_read(self, path: Path, head: str) -> bool:
        """A top-level `apiVersion: backstage.io/…` in the head of a YAML file."""
        return path.suffix.lower() in self.extensions and bool(_HEAD.search(head.lstrip("\ufeff")))

    def read(self, path: Path, context: ImportContext) -> Iterator[ImportItem]:
        documents = load_documents(path, limits=context.limits)
        if isinstance(documents, Reject):
            yield documents
            return
        entities = [entity_of(doc, str(path)) for doc in documents if doc is not None]
        index = {(e.kind, e.namespace, e.name): e for e in entities if isinstance(e, Entity)}
        given: set[tuple[str, str, str]] = set()  # a Group's parent and its parent's children state one PART_OF
        for entity in entities:
            if isinstance(entity, Entity):
                yield from _entity_items(entity, index, context, given)
            elif entity is not None:
                yield entity


def _mapping(parent: Mapping[str, Any], key: str) -> Mapping[str, Any]:
    """A nested mapping, or an empty one when absent or not a mapping (Backstage's own validation is not ours)."""
    value = parent.get(key)
    return value if isinstance(value, dict) else {}


def default_id(kind: str, namespace: str, name: str) -> str:
    """The registry id of an entity ref: `<prefix>:backstage.<namespace>.<kind>.<name>`, in lower case.

    The kind is part of it because a Component and a System may share a name, and both become registry Systems."""
    return f"{ID_PREFIX[kind]}:backstage.{namespace}.{kind}.{name}".lower()


def entity_of(doc: Any, file: str) -> Entity | Reject | None:
    """The entity a document describes; None for a kind the registry skips; a Reject when it is not one."""
    if not isinstance(doc, dict):
        return Reject(Location(file), "document", "expected a Backstage entity: apiVersion, kind, metadata, spec")
    line = line_of(doc, "kind", line_of(doc))
    api_version, kind = scalar_text(doc, "apiVersion"), scalar_text(doc, "kind")
    if api_version is None or not api_version.startswith("backstage.io/"):
        return Reject(Location(file, line_of(doc, "apiVersion", line)), "apiVersion",
                      f"not a Backstage entity: apiVersion is {api_version!r}, expected backstage.io/…", kind)
    if kind is None:
        return Reject(Location(file, line), "kind", "required field is missing")
    if kind.lower() in SKIPPED_KINDS:
        return None
    if kind.lower() not in NODE_TYPE:
        return Reject(Location(file, line), "kind", f"unknown kind {kind!r}: read are Component, API, System, Group "
                      "and Resource; User, Location, Template and Domain are skipped", kind)
    metadata = _mapping(doc, "metadata")
    name = scalar_text(metadata, "name")
    if name is None:
        return Reject(Location(file, line_of(doc, "metadata", line)), "metadata.name", "required field is missing",
                      kind)
    kind = kind.lower()
    namespace = (scalar_text(metadata, "namespace") or "default").lower()
    annotations = _mapping(metadata, "annotations")
    given_id = scalar_text(annotations, ANNOTATION + "id")
    entity_id = given_id or default_id(kind, namespace, name)
    node_type = scalar_text(annotations, ANNOTATION + "type") or NODE_TYPE[kind]
    if node_type is None:  # a Resource: data or infrastructure, by its spec.type
        spec = _mapping(doc, "spec")
        resource_type = (scalar_text(spec, "type") or "").lower()
        if resource_type in DATASET_TYPES:
            node_type = "Dataset"
        elif resource_type in INFRASTRUCTURE_KIND:
            node_type = "Infrastructure"
        else:
            return Reject(Location(file, line_of(spec, "type", line)), "spec.type",
                          f"resource type {resource_type!r} is neither data ({', '.join(sorted(DATASET_TYPES))}) "
                          f"nor infrastructure ({', '.join(sorted(INFRASTRUCTURE_KIND))}); or set the annotation "
                          f"{ANNOTATION}type to Dataset or Infrastructure", "Resource", entity_id)
    return Entity(file, kind, namespace, name.lower(), doc, line, node_type, entity_id, given_id is not None)


def resolve(ref: Any, default_kind: str | None, entity: Entity,
            index: Mapping[tuple[str, str, str], Entity]) -> tuple[str, str | None]:
    """The registry id and node type of an entity ref (`[kind:][namespace/]name`), or ValueError saying why not.

    The namespace defaults to the referring entity's, as in Backstage. The node type is None for a Resource that
    is not in this file (whether it is data or infrastructure is in its own spec.type)."""
    match = _REF.match(ref.strip()) if isinstance(ref, str) else None
    if match is None:
        raise ValueError(f"not an entity ref: {ref!r} (expected [kind:][namespace/]name)")
    kind = (match["kind"] or default_kind or "").lower()
    if not kind:
        raise ValueError(f"{ref!r} needs a kind, e.g. resource:{ref}")
    if kind not in NODE_TYPE:
        raise ValueError(f"{ref!r} is a {kind}, which the registry does not record (it reads Component, API, "
                         "System, Group and Resource)")
    namespace, name = (match["namespace"] or entity.namespace).lower(), match["name"].lower()
    target = index.get((kind, namespace, name))
    if target is not None:
        return target.id, target.node_type
    return default_id(kind, namespace, name), NODE_TYPE[kind]


def _refs(entity: Entity, key: str, default_kind: str | None, index: Mapping[tuple[str, str, str], Entity],
          rel_type: str | None = None, outward: bool = True,
          hint: str = "") -> Iterator[tuple[str, str, str | None] | Reject]:
    """(ref, registry id, node type) per ref of one spec field (a ref or a list), or a reject per bad ref.

    A reject names the relationship it would have been (`from->to`, `?` for the end that could not be resolved)."""
    value = entity.spec.get(key)
    for ref in value if isinstance(value, list) else [] if value is None else [value]:
        try:
            yield (str(ref).strip(), *resolve(ref, default_kind, entity, index))
        except ValueError as error:
            yield Reject(Location(entity.file, entity.line_of(entity.spec, key)), f"spec.{key}", str(error) + hint,
                         rel_type, f"{entity.id}->?" if outward else f"?->{entity.id}")


def _links(entity: Entity, index: Mapping[tuple[str, str, str], Entity],
           context: ImportContext) -> Iterator[Link | Reject]:
    """Owner, the kind's own relationship fields, and dependencies."""
    spec = entity.spec
    if entity.node_type in RULES["OWNS"].targets:
        if "owner" in spec:
            for owner in _refs(entity, "owner", "group", index, "OWNS", outward=False,
                               hint="; an owner must be a Group (an agency or one of its units)"):
                yield owner if isinstance(owner, Reject) else Link(
                    "OWNS", owner[1], entity.id, "spec.owner", entity.line_of(spec, "owner"), "from")
        elif context.owner:
            yield Link("OWNS", context.owner, entity.id, "--owner", entity.line, "from")
    for key, default_kind, rel_type, outward in LINK_FIELDS.get(entity.kind, ()):
        for target in _refs(entity, key, default_kind, index, rel_type, outward):
            if isinstance(target, Reject):
                yield target
            elif outward:
                yield Link(rel_type, entity.id, target[1], f"spec.{key}", entity.line_of(spec, key), "to")
            else:
                yield Link(rel_type, target[1], entity.id, f"spec.{key}", entity.line_of(spec, key), "from")
    for target in _refs(entity, "dependsOn", None, index):
        yield target if isinstance(target, Reject) else _dependency(entity, *target)


def _dependency(entity: Entity, ref: str, target_id: str, target_type: str | None) -> Link | Reject:
    """dependsOn: data → HOLDS_COPY_OF, infrastructure → HOSTED_ON, another system → CONNECTS_TO."""
    line = entity.line_of(entity.spec, "dependsOn")
    here, rel_id = Location(entity.file, line), f"{entity.id}->{target_id}"
    if target_type is None:
        return Reject(here, "spec.dependsOn", f"{ref!r} is a Resource not read from this file, so whether it is "
                      "data (HOLDS_COPY_OF) or infrastructure (HOSTED_ON) is unknown: keep it in the same file",
                      None, rel_id)
    for rel_type in DEPENDENCY_TYPES:
        if entity.node_type in RULES[rel_type].sources and target_type in RULES[rel_type].targets:
            return Link(rel_type, entity.id, target_id, "spec.dependsOn", line, "to",
                        dict(DEPENDENCY_PROPERTIES.get(rel_type, {})))
    return Reject(here, "spec.dependsOn", f"the registry has no relationship from {entity.node_type} to "
                  f"{target_type} for this dependency on {ref!r}", None, rel_id)


def _part_of_tags(entity: Entity, index: Mapping[tuple[str, str, str], Entity]) -> Iterator[str | Reject]:
    for key, default_kind in PART_OF_FIELDS:
        for target in _refs(entity, key, default_kind, index):
            yield target if isinstance(target, Reject) else f"part-of:{target[1]}"


def _node(entity: Entity, part_of: list[str]) -> tuple[dict[str, Any], dict[str, Source]] | Reject:
    """The raw node record and, per registry field, the catalogue field it came from."""
    metadata, spec = entity.metadata, entity.spec
    profile = _mapping(spec, "profile")
    for name_field, where, key in (("metadata.title", metadata, "title"),
                                   ("spec.profile.displayName", profile, "displayName"),
                                   ("metadata.name", metadata, "name")):
        name = scalar_text(where, key)
        if name is not None:
            break
    raw: dict[str, Any] = {"type": entity.node_type, "id": entity.id, "name": name}
    sources: dict[str, Source] = {
        "id": ("metadata.name", entity.line_of(metadata, "name")),
        "name": (name_field, entity.line_of(where, key)),
        "type": (f"metadata.annotations.{ANNOTATION}type", entity.line_of(entity.annotations, ANNOTATION + "type")),
        "tags": ("metadata.tags", entity.line_of(metadata, "tags")),
        "kind": ("spec.type", entity.line_of(spec, "type")),
        "protocol": ("spec.type", entity.line_of(spec, "type")),
        "status": ("spec.lifecycle", entity.line_of(spec, "lifecycle")),
        "description": ("metadata.description", entity.line_of(metadata, "description")),
    }
    description = scalar_text(metadata, "description")
    if description is not None:
        raw["description"] = description
    tags = metadata.get("tags") if metadata.get("tags") is not None else []
    raw["tags"] = [*tags, f"backstage:{entity.kind}", *part_of] if isinstance(tags, list) else tags
    overrides = {key.removeprefix(ANNOTATION): key for key in entity.annotations if isinstance(key, str)
                 and key.startswith(ANNOTATION) and key not in (ANNOTATION + "id", ANNOTATION + "type")}
    fields = NODE_TYPES[entity.node_type].model_fields if entity.node_type in NODE_TYPES else {}
    spec_type = (scalar_text(spec, "type") or "").lower()
    lifecycle = (scalar_text(spec, "lifecycle") or "").lower()
    if "status" in fields and lifecycle and "status" not in overrides:
        if lifecycle not in LIFECYCLE_STATUS:
            return Reject(Location(entity.file, sources["status"][1]), "spec.lifecycle",
                          f"unknown lifecycle {lifecycle!r}: production, experimental or deprecated; or set the "
                          f"annotation {ANNOTATION}status", entity.node_type, entity.id)
        raw["status"] = LIFECYCLE_STATUS[lifecycle]
    if entity.node_type == "System":
        raw["kind"] = "portal" if spec_type == "website" else "other"
    elif entity.node_type == "Api":
        raw["protocol"] = API_PROTOCOL.get(spec_type, "other")
    elif entity.node_type == "Infrastructure":
        raw["kind"] = INFRASTRUCTURE_KIND.get(spec_type, "other")
    elif entity.node_type == "Agency":
        raw["level"] = "unit"
    for registry_field, annotation in overrides.items():  # registry.onegov/<field>: the registry's own words
        raw[registry_field] = scalar_text(entity.annotations, annotation)
        sources[registry_field] = (f"metadata.annotations.{annotation}",
                                   entity.line_of(entity.annotations, annotation))
    return raw, sources


def _entity_items(entity: Entity, index: Mapping[tuple[str, str, str], Entity], context: ImportContext,
                  given: set[tuple[str, str, str]]) -> Iterator[ImportItem]:
    """The entity's node (unless it refers to one already in the registry), then its relationships."""
    part_of = list(_part_of_tags(entity, index))
    yield from (tag for tag in part_of if isinstance(tag, Reject))
    if not entity.referred:
        node = _node(entity, [tag for tag in part_of if isinstance(tag, str)])
        if isinstance(node, Reject):
            yield node
            return
        items = validate_located(node[0], Location(entity.file, entity.line), context.pillars, node[1])
        yield from items
        if any(isinstance(item, Reject) for item in items):
            return  # its relationships could only be rejected again, for want of the node
    for link in _links(entity, index, context):
        if isinstance(link, Reject):
            yield link
            continue
        key = (link.rel_type, link.source_id, link.target_id)
        if key in given:
            continue
        given.add(key)
        raw = {"type": link.rel_type, "from": link.source_id, "to": link.target_id, **link.properties}
        yield from validate_located(raw, Location(entity.file, link.line), context.pillars,
                                    {link.end: (link.field, link.line)})
