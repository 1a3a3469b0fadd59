"""OpenAPI 3 specifications (YAML or JSON): one Api per file, linked to the System that provides it.

The spec says what the interface is (title, version, servers, operations); who provides, owns and routes it comes
from the command line (`--system`, `--owner`) or from `x-registry-*` extensions in `info` (or at the top level),
because OpenAPI itself has no words for that. See docs/importers/openapi.md.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from graph_model import slugify
from importers.base import ImportContext, ImportItem, Location, Reject
from importers.yaml_lines import line_of, load_documents, scalar_text, validate_located

HTTP_METHODS = frozenset({"get", "put", "post", "delete", "options", "head", "patch", "trace"})
DESCRIPTION_LIMIT = 10_000  # the metamodel's Text limit: a longer description is cut, not a reason to lose the Api
SLUG_LIMIT = 150  # leaves room for "api:" and ".v<major>" within the 200-character id limit

_YAML_HEAD = re.compile(r"""^(?:openapi:[ \t]*['"]?3|swagger:[ \t]*['"]?2)""", re.MULTILINE)
_JSON_HEAD = re.compile(r'"(?:openapi"\s*:\s*"3|swagger"\s*:\s*"2)')

Source = tuple[str, int | None]  # (field as the spec names it, its line)


class OpenApiImporter:
    """Reads OpenAPI 3.x; Swagger 2.0 files are recognised only to be rejected with a clear reason."""

    name = "openapi"
    version = "1.0"
    extensions = (".yaml", ".yml", ".json")
    description = "OpenAPI 3 specifications (YAML or JSON): one Api each, with the System that exposes it"

    def can_read(self, path: Path, head: str) -> bool:
        """A top-level `openapi: 3…` key (or `swagger: 2…`, so that such a file gets a clear reject)."""
        if path.suffix.lower() not in self.extensions:
            return False
        head = head.lstrip("\ufeff \t\r\n")
        pattern = _JSON_HEAD if head.startswith("{") else _YAML_HEAD
        return bool(pattern.search(head))

    def read(self, path: Path, context: ImportContext) -> Iterator[ImportItem]:
        file = str(path)
        documents = load_documents(path, as_json=path.suffix.lower() == ".json", limits=context.limits)
        if isinstance(documents, Reject):
            yield documents
            return
        if len(documents) != 1 or not isinstance(documents[0], dict):
            yield Reject(Location(file, 1), "file",
                         "expected one OpenAPI document, a mapping with 'openapi' and 'info'")
            return
        spec = documents[0]
        problem = _version_problem(spec, file)
        if problem is not None:
            yield problem
            return
        yield from _read_spec(spec, file, context)


def _version_problem(spec: Mapping[str, Any], file: str) -> Reject | None:
    if "swagger" in spec:
        return Reject(Location(file, line_of(spec, "swagger", 1)), "swagger",
                      f"Swagger {scalar_text(spec, 'swagger')} (OpenAPI 2) is not read, only OpenAPI 3: "
                      "convert the file first (e.g. with swagger2openapi)")
    version = scalar_text(spec, "openapi")
    if version is None:
        return Reject(Location(file, line_of(spec, None, 1)), "openapi",
                      "not an OpenAPI document: the top-level 'openapi' version is missing")
    if not re.match(r"3(\.|$)", version):
        return Reject(Location(file, line_of(spec, "openapi", 1)), "openapi",
                      f"OpenAPI {version} is not read, only OpenAPI 3.x")
    return None


def _read_spec(spec: Mapping[str, Any], file: str, context: ImportContext) -> Iterator[ImportItem]:
    """The Api, then its EXPOSES, OWNS, PROVIDES and ROUTED_VIA relationships."""
    info = spec.get("info")
    info_line = line_of(spec, "info", line_of(spec, None, 1))
    if not isinstance(info, dict):
        yield Reject(Location(file, info_line), "info", "required: the info object with title and version")
        return
    title, version = scalar_text(info, "title"), scalar_text(info, "version")
    missing = [name for name, value in (("title", title), ("version", version)) if value is None]
    for name in missing:
        yield Reject(Location(file, info_line), f"info.{name}", "required field is missing")
    if title is None or version is None:
        return
    here = Location(file, info_line)
    api_id, id_source = _api_id(spec, info, title, version, info_line)
    if api_id is None:
        yield Reject(here, "info.title", "cannot build an ASCII id from the title; set info.x-registry-id")
        return
    raw: dict[str, Any] = {"type": "Api", "id": api_id, "name": title, "version": version, "protocol": "rest",
                           "tags": [f"operations:{operation_count(spec.get('paths'))}"]}
    sources: dict[str, Source] = {"id": id_source, "name": ("info.title", line_of(info, "title")),
                                  "version": ("info.version", line_of(info, "version"))}
    description = scalar_text(info, "description")
    if description is not None:
        raw["description"] = _cut(description)
        sources["description"] = ("info.description", line_of(info, "description"))
    base_url = _base_url(spec.get("servers"))
    if base_url is not None:
        raw["base_url"] = base_url
        sources["base_url"] = ("servers[0].url", line_of(spec, "servers"))
    spec_url, spec_url_source = _specification_url(spec, info)
    if spec_url is not None:
        raw["specification_url"] = spec_url
        sources["specification_url"] = spec_url_source
    api_items = validate_located(raw, here, context.pillars, sources)
    yield from api_items
    if any(isinstance(item, Reject) for item in api_items):
        return  # its relationships could only be rejected again, for want of the Api

    if context.system:
        system, system_source = context.system, ("--system", info_line)
    else:
        system, system_source = _extension(spec, info, "x-registry-system")
    if system is None:
        yield Reject(here, "x-registry-system",
                     "no providing system: the Api is loaded without EXPOSES; name the System with --system "
                     "or info.x-registry-system", "EXPOSES", f"?->{api_id}")
    else:
        yield from _relationship("EXPOSES", system, api_id, system_source, file, context, end="from")
    owner, owner_source = _extension(spec, info, "x-registry-owner")
    if owner is None and context.owner:
        owner, owner_source = context.owner, ("--owner", info_line)
    if owner is not None:
        yield from _relationship("OWNS", owner, api_id, owner_source, file, context, end="from")
    for key, rel_type in (("x-registry-datasets", "PROVIDES"), ("x-registry-platform", "ROUTED_VIA")):
        targets, (field, line) = _extension(spec, info, key)
        if targets is None:
            continue
        listed = targets if isinstance(targets, list) else [targets]
        for index, target in enumerate(listed):
            name = f"{field}[{index}]" if isinstance(targets, list) else field
            yield from _relationship(rel_type, api_id, target, (name, line), file, context, end="to")


def operation_count(paths: Any) -> int:
    """Path and method pairs: how big the interface is (path items given only by $ref are not followed)."""
    if not isinstance(paths, dict):
        return 0
    return sum(1 for path, item in paths.items()
               if isinstance(item, dict) and not str(path).startswith("x-")
               for method in item if method in HTTP_METHODS)


def derived_api_id(title: str, version: str) -> str | None:
    """`api:` + the title's slug (without a leading "api-") + `.v<major version>` when the version starts with one."""
    slug = slugify(title).removeprefix("api-")[:SLUG_LIMIT].strip("-")
    if not slug:
        return None
    major = re.match(r"[vV]?(\d+)", version)
    return f"api:{slug}" + (f".v{int(major.group(1))}" if major else "")


def _api_id(spec: Mapping[str, Any], info: Mapping[str, Any], title: str, version: str,
            info_line: int | None) -> tuple[str | None, Source]:
    given, source = _extension(spec, info, "x-registry-id")
    if given is not None:
        return given, source
    return derived_api_id(title, version), ("info.title", line_of(info, "title", info_line))


def _extension(spec: Mapping[str, Any], info: Mapping[str, Any], key: str) -> tuple[Any, Source]:
    """An `x-` extension from `info`, else from the top level; strings come back as written and stripped."""
    for where, prefix in ((info, "info."), (spec, "")):
        if key in where and where[key] is not None:
            value = where[key]
            if not isinstance(value, list | dict):
                value = scalar_text(where, key)
            return value, (prefix + key, line_of(where, key))
    return None, ("info." + key, line_of(info, None))


def _relationship(rel_type: str, source_id: Any, target_id: Any, source: Source, file: str,
                  context: ImportContext, end: str) -> list[ImportItem]:
    """One relationship; a reject names the spec field (or command-line option) that gave its `end`."""
    raw = {"type": rel_type, "from": source_id, "to": target_id}
    return validate_located(raw, Location(file, source[1]), context.pillars, {end: source})


def _base_url(servers: Any) -> str | None:
    """The first server's URL, with its variables replaced by their defaults."""
    if not isinstance(servers, list) or not servers or not isinstance(servers[0], dict):
        return None
    url = scalar_text(servers[0], "url")
    variables = servers[0].get("variables")
    if url is None or not isinstance(variables, dict):
        return url

    def default(match: re.Match[str]) -> str:
        variable = variables.get(match.group(1))
        value = scalar_text(variable, "default") if isinstance(variable, dict) else None
        return value if value is not None else match.group(0)

    return re.sub(r"\{([^{}]+)\}", default, url)


def _specification_url(spec: Mapping[str, Any], info: Mapping[str, Any]) -> tuple[str | None, Source]:
    url, source = _extension(spec, info, "x-specification-url")
    if isinstance(url, str):
        return url, source
    docs = spec.get("externalDocs")
    if isinstance(docs, dict) and scalar_text(docs, "url"):
        return scalar_text(docs, "url"), ("externalDocs.url", line_of(docs, "url"))
    return None, source


def _cut(text: str) -> str:
    return text if len(text) <= DESCRIPTION_LIMIT else text[:DESCRIPTION_LIMIT - 1].rstrip() + "…"
