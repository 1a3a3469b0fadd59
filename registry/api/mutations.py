"""GraphQL mutations: upsert, link, unlink and retire entities, each authorised by the request's API token.

An admin token may write anything. An agency token may write only what its agency or an agency under it
(PART_OF, up to 10 levels: MAX_AGENCY_DEPTH) OWNS: a new entity must name such an owner (the OWNS link is written in
the same operation); a link must start at an entity so owned (or at such an agency). A read-only token, or none, may not write.
A refused write answers HTTP 403 with the reason and is logged to `registry.audit` (the token's id, name and
scope — never the token); nothing is written.

Writes go through the Loader, exactly like an import: the record is validated by `graph_model`, ends and
cardinality are checked, and provenance says `api:<token name>`. Problems with the input come back as typed
`MutationError`s (field and message), not as GraphQL errors.

Every write is recorded in the history (by `api:<token name>`, source the token's id) in the same statement as
the write. A write to an entity that exists (an update, a retirement, a link or unlink from it) must carry
`expectedRevision`, the revision the change is based on: it is refused, with nothing written, unless the entity (for
a link or unlink: its `from` entity) is still at that revision — compared in the write statement itself, so of two
writers that read the same revision exactly one succeeds, and no writer overwrites a change it has not seen (HTTP's
428 Precondition Required, for the same reason). Creating an entity needs none: of two creators, one wins.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Annotated, Any

import anyio.to_thread
import strawberry
from strawberry.scalars import JSON

from graph_model import (
    ENTITY_LABEL,
    NODE_TYPES,
    RELATIONSHIP_TYPES,
    Node,
    RecordError,
    Relationship,
    parse_record,
)
from graph_model.identifiers import ENTITY_ID_RE
from graph_model.nodes import (
    PROVENANCE_FIELDS,
    REVISION_FIELD,
    ChangeAction,
    changes_json,
    stored_content,
)
from graph_model.relationships import OWNABLE
from importers import Location, Parsed
from registry.agency_tree import agency_subtree
from registry.api.errors import UserError
from registry.api.tokens import ApiToken
from registry.api.types import Entity, to_object
from registry.graph import RegistryGraph
from registry.loading import Loader
from registry.store import GraphStore

audit = logging.getLogger("registry.audit")

_OWNER = f"MATCH (o:Agency)-[:OWNS]->(n:{ENTITY_LABEL} {{id: $id}}) RETURN o.id AS owner"
STATUS_FIELD = "status"
RETIRED = "retired"
EXPECTED = "expectedRevision"
EXPECTED_DESCRIPTION = ("The revision of the entity (for a link or unlink: its `from` entity) that this change is "
                        "based on, as read before. Required when that entity exists; the write happens only if it "
                        "is still at this revision, else nothing is written and the error names the current one.")


class Forbidden(UserError):
    """A write the request's token may not make (HTTP 403)."""


@strawberry.type(description="One problem with a write: the input field at fault and why.")
class MutationError:
    field: str
    message: str


def _payload(name: str, description: str) -> Any:
    namespace: dict[str, Any] = {
        "__annotations__": {"entity": Entity | None, "errors": list[MutationError]},
        "entity": strawberry.field(default=None, description="The entity as stored after the write."),
        "errors": strawberry.field(default_factory=list, description="Empty when the write succeeded."),
    }
    return strawberry.type(type(name, (), namespace), description=description)


EntityPayload: Any = _payload("EntityPayload", "The outcome of a write to one entity.")


@strawberry.type(description="The outcome of a link or unlink.")
class LinkPayload:
    ok: bool
    errors: list[MutationError] = strawberry.field(default_factory=list)


@strawberry.input(description="An entity to create or update: its type and its fields (as in the native format, "
                              "snake_case), plus `owner` (an Agency id) to link it to its owner.")
class EntityInput:
    type: str
    fields: JSON


@dataclass
class _Write:
    """One mutation's store, token and helpers (runs on a worker thread)."""

    store: GraphStore
    token: ApiToken
    info: strawberry.Info

    @property
    def graph(self) -> RegistryGraph:
        return RegistryGraph(self.store)

    def deny(self, action: str, target: str, reason: str) -> Forbidden:
        audit.warning("denied %s of %s to token %s (%s, scope %s, agency %s): %s", action, target,
                      self.token.id, self.token.name, self.token.scope, self.token.agency, reason)
        self.info.context.response.status_code = 403
        return Forbidden(f"forbidden: {reason}")

    @property
    def admin(self) -> bool:
        return self.token.scope == "admin"

    def subtree(self) -> set[str]:
        return set(agency_subtree(self.store, self.token.agency))

    def owner(self, entity_id: str) -> str | None:
        rows = self.store.read(_OWNER, {"id": entity_id})
        return rows[0]["owner"] if rows else None

    @property
    def user(self) -> str:
        return f"api:{self.token.name}"

    def load(self, records: list[Node | Relationship], expected: dict[str, int] | None = None) -> list[MutationError]:
        where = Location(self.user)
        report = Loader(self.graph, user=self.user, ensure_schema=False).load_items(
            lambda: [Parsed(where, record) for record in records], expected=expected, change_source=self.token.id)
        audit.info("token %s (%s) wrote %s: %s", self.token.id, self.token.name,
                   ", ".join(_describe(record) for record in records), "ok" if report.ok else "with rejects")
        return [MutationError(field=reject.field, message=reject.reason) for reject in report.rejects]

    def stored(self, entity_id: str) -> Any:
        node = self.graph.fetch_nodes([entity_id]).get(entity_id)
        return to_object(node) if node is not None else None


def _describe(record: Node | Relationship) -> str:
    if isinstance(record, Relationship):
        return f"{record.source_id} -{record.rel_type}-> {record.target_id}"
    return f"{record.type} {record.id}"


async def _run(info: strawberry.Info, action: str, target: str, body: Callable[[_Write], Any]) -> Any:
    """Check the request may write at all, then run `body` on a worker thread (the store is blocking)."""
    token: ApiToken | None = info.context.token
    if token is None or token.scope not in ("admin", "agency"):
        who = "no API token" if token is None else f"token {token.id} ({token.name}, scope {token.scope})"
        audit.warning("denied %s of %s to %s: not a writing token", action, target, who)
        info.context.response.status_code = 403
        raise Forbidden("forbidden: writing needs an admin or agency API token (Authorization: Bearer <token>); "
                        + ("none was sent" if token is None else "this token is read-only"))
    return await anyio.to_thread.run_sync(body, _Write(info.context.store, token, info))


def _errors(error: RecordError) -> list[MutationError]:
    return [MutationError(field=problem.field, message=problem.message) for problem in error.errors]


# --- upsertEntity ------------------------------------------------------------------------------------------

def _expect(entity_id: str, revision: int | None) -> dict[str, int] | None:
    return None if revision is None else {entity_id: revision}


def _revision_missing(entity_id: str, current: int | None, expected: int | None) -> list[MutationError]:
    """No lost update: a write to an entity that exists (at revision `current`; None: it does not) must say which
    revision it is based on."""
    if expected is not None or current is None:
        return []
    return [MutationError(field=EXPECTED, message=(
        f"required: {entity_id!r} exists (at revision {current}); send the revision your change is based on, as "
        "read with entity(id) { revision }, so that a change made since you read it is not overwritten"))]


def _revision(props: dict[str, Any]) -> int:
    """A fetched entity's revision (0 for one stored before revisions were kept, as `RegistryGraph.revisions`)."""
    return props.get(REVISION_FIELD, 0)


def _upsert(write: _Write, input: EntityInput, expected: int | None = None) -> Any:
    fields = input.fields
    if not isinstance(fields, dict):
        return EntityPayload(errors=[MutationError(field="fields", message="expected a JSON object of fields")])
    fields = dict(fields)
    owner = fields.pop("owner", None)
    problems = [MutationError(field=name, message="set by the registry; an API write cannot give it")
                for name in sorted(PROVENANCE_FIELDS & fields.keys())]
    if "type" in fields:
        problems.append(MutationError(field="type", message="give the type in EntityInput.type, not in fields"))
    if owner is not None and not isinstance(owner, str):
        problems.append(MutationError(field="owner", message="expected an Agency id"))
    if input.type not in NODE_TYPES:
        problems.append(MutationError(field="type", message=f"unknown entity type {input.type!r}; expected one "
                                                            f"of {', '.join(NODE_TYPES)}"))
    if problems:
        return EntityPayload(errors=problems)
    try:
        node = parse_record({"type": input.type, **fields})
    except RecordError as error:
        return EntityPayload(errors=_errors(error))
    assert isinstance(node, Node)
    existing = write.graph.fetch_nodes([node.id]).get(node.id)
    current_owner = write.owner(node.id) if existing is not None else None
    if owner is not None:
        if write.graph.fetch_types([owner]).get(owner) != "Agency":
            return EntityPayload(errors=[MutationError(field="owner", message=f"no agency with id {owner!r}")])
        if current_owner is not None and current_owner != owner:
            return EntityPayload(errors=[MutationError(
                field="owner", message=f"{node.id!r} is already owned by {current_owner!r}; "
                                       "an admin changes owners (unlink OWNS, then link)")])
    if not write.admin:
        _authorise_entity(write, node, existing is not None, current_owner, owner)
        if existing is None and owner is None:
            return EntityPayload(errors=[MutationError(
                field="owner", message="required: a new entity written with an agency token must name its owner, "
                                       "an agency at or under the token's agency")])
    if existing is not None and (missing := _revision_missing(node.id, _revision(existing.props), expected)):
        return EntityPayload(errors=missing)
    records: list[Node | Relationship] = [node]
    if owner is not None:
        records.append(parse_record({"type": "OWNS", "from": owner, "to": node.id}))  # type: ignore[arg-type]
    errors = write.load(records, _expect(node.id, expected))
    return EntityPayload(entity=write.stored(node.id), errors=errors)


def _authorise_entity(write: _Write, node: Node, exists: bool, current_owner: str | None,
                      owner: str | None) -> None:
    target = f"{node.type} {node.id}"
    if node.type not in OWNABLE:
        raise write.deny("upsertEntity", target, f"an agency token writes only entities an agency owns "
                                                 f"({', '.join(sorted(OWNABLE))}); {node.type} needs an admin token")
    subtree = write.subtree()
    if exists and current_owner not in subtree:
        raise write.deny("upsertEntity", target, f"{node.id!r} is owned by "
                                                 f"{current_owner or 'no agency'}, not by {write.token.agency!r} "
                                                 "or an agency under it")
    if owner is not None and owner not in subtree:
        raise write.deny("upsertEntity", target, f"the owner {owner!r} is not {write.token.agency!r} "
                                                 "or an agency under it")


# --- link / unlink -----------------------------------------------------------------------------------------

def _authorise_link(write: _Write, action: str, rel_type: str, source: str, target: str) -> None:
    """An agency token links from what its subtree owns (or from an agency of its subtree); PART_OF, and OWNS of an
    entity not already owned inside the subtree, need an admin."""
    if write.admin:
        return
    what = f"{source} -{rel_type}-> {target}"
    if rel_type == "PART_OF":
        raise write.deny(action, what, "the agency hierarchy (PART_OF) is changed only with an admin token")
    subtree = write.subtree()
    source_type = write.graph.fetch_types([source]).get(source)
    controller = source if source_type == "Agency" else write.owner(source)
    if controller not in subtree:
        raise write.deny(action, what, f"{source!r} is not owned by {write.token.agency!r} or an agency under it")
    if rel_type == "OWNS" and write.owner(target) not in subtree:
        raise write.deny(action, what, f"{target!r} is not owned by {write.token.agency!r} or an agency under it; "
                                       "giving an entity an owner or moving it to another needs an admin token")


def _link(write: _Write, rel_type: str, source: str, target: str, properties: Any,
          expected: int | None = None) -> LinkPayload:
    if properties is not None and not isinstance(properties, dict):
        return LinkPayload(ok=False, errors=[MutationError(field="properties", message="expected a JSON object")])
    properties = dict(properties or {})
    problems = [MutationError(field=name, message="given as an argument of link, not as a property")
                for name in sorted({"type", "from", "to"} & properties.keys())]
    problems += [MutationError(field=name, message="set by the registry; an API write cannot give it")
                 for name in sorted(PROVENANCE_FIELDS & properties.keys())]
    if rel_type not in RELATIONSHIP_TYPES:
        problems.append(_unknown_relationship(rel_type))
    if problems:
        return LinkPayload(ok=False, errors=problems)
    try:
        record = parse_record({**properties, "type": rel_type, "from": source, "to": target})
    except RecordError as error:
        return LinkPayload(ok=False, errors=_errors(error))
    _authorise_link(write, "link", rel_type, source, target)
    if missing := _revision_missing(source, write.graph.revisions([source]).get(source), expected):
        return LinkPayload(ok=False, errors=missing)
    errors = write.load([record], _expect(source, expected))  # type: ignore[list-item]
    return LinkPayload(ok=not errors, errors=errors)


def _not_ids(**ids: str) -> list[MutationError]:
    """Ids that cannot name an entity (checked before they reach a query: a NUL would cut a FalkorDB query)."""
    return [MutationError(field=name, message=f"not an entity id: {value[:100]!r}")
            for name, value in ids.items() if not ENTITY_ID_RE.match(value)]


def _unlink(write: _Write, rel_type: str, source: str, target: str, expected: int | None = None) -> LinkPayload:
    if rel_type not in RELATIONSHIP_TYPES:
        return LinkPayload(ok=False, errors=[_unknown_relationship(rel_type)])
    if bad := _not_ids(**{"from": source, "to": target}):
        return LinkPayload(ok=False, errors=bad)
    _authorise_link(write, "unlink", rel_type, source, target)
    missing = LinkPayload(ok=False, errors=[MutationError(
        field="to", message=f"no {rel_type} relationship from {source!r} to {target!r}")])
    stored = write.graph.fetch_relationships(rel_type, [(source, target)]).get((source, target))
    if stored is None:
        return missing
    if no_revision := _revision_missing(source, write.graph.revisions([source]).get(source), expected):
        return LinkPayload(ok=False, errors=no_revision)
    now = datetime.now(UTC)
    before = stored_content(stored)
    change = {
        "id": f"change:{now.strftime('%Y%m%dT%H%M%S%f')}-{uuid.uuid4().hex[:8]}-0000001",
        "at": now.isoformat().replace("+00:00", "Z"), "by": write.user, "source": write.token.id,
        "action": ChangeAction.unlink.value, "entity_id": source, "rel_type": rel_type, "target_id": target,
        "changes_json": changes_json({name: {"before": value, "after": None} for name, value in before.items()}),
    }
    if write.graph.delete_relationship(rel_type, source, target, expected, change) is None:
        current = write.graph.revisions([source]).get(source, 0)
        if expected is not None and current != expected:
            return LinkPayload(ok=False, errors=[MutationError(
                field=EXPECTED, message=f"{source!r} is at revision {current}, not {expected}: it was changed since "
                                        "you read it; read it again and retry")])
        return missing
    audit.info("token %s (%s) unlinked %s -%s-> %s", write.token.id, write.token.name, source, rel_type, target)
    return LinkPayload(ok=True)


def _unknown_relationship(rel_type: str) -> MutationError:
    return MutationError(field="type", message=f"unknown relationship type {rel_type!r}; expected one of "
                                               f"{', '.join(RELATIONSHIP_TYPES)}")


# --- retireEntity ------------------------------------------------------------------------------------------

def _retire(write: _Write, entity_id: str, expected: int | None = None) -> Any:
    if bad := _not_ids(id=entity_id):
        return EntityPayload(errors=bad)
    stored = write.graph.fetch_nodes([entity_id]).get(entity_id)
    if stored is None:
        return EntityPayload(errors=[MutationError(field="id", message=f"no entity with id {entity_id!r}")])
    if STATUS_FIELD not in NODE_TYPES[stored.type].model_fields:
        with_status = sorted(label for label, model in NODE_TYPES.items() if STATUS_FIELD in model.model_fields)
        return EntityPayload(errors=[MutationError(
            field="id", message=f"{stored.type} has no status, so it cannot be retired; "
                                f"only {', '.join(with_status)} can")])
    if not write.admin:
        subtree = write.subtree()
        owner = write.owner(entity_id)
        if owner not in subtree:
            raise write.deny("retireEntity", f"{stored.type} {entity_id}",
                             f"{entity_id!r} is owned by {owner or 'no agency'}, not by {write.token.agency!r} "
                             "or an agency under it")
    if missing := _revision_missing(entity_id, _revision(stored.props), expected):
        return EntityPayload(errors=missing)
    try:
        node = parse_record({"type": stored.type, **stored_content(stored.props), STATUS_FIELD: RETIRED})
    except RecordError as error:
        return EntityPayload(errors=_errors(error))
    errors = write.load([node], _expect(entity_id, expected))  # type: ignore[list-item]
    return EntityPayload(entity=write.stored(entity_id), errors=errors)


# --- the Mutation type -------------------------------------------------------------------------------------

@strawberry.type(description="Write the registry (needs an admin or agency API token).")
class Mutation:
    @strawberry.mutation(description="Create or update an entity; `owner` in the fields links it to its owner.")
    async def upsert_entity(self, info: strawberry.Info, input: EntityInput,  # type: ignore[valid-type]
                            expected_revision: Annotated[int | None, strawberry.argument(
                                description=EXPECTED_DESCRIPTION)] = None) -> EntityPayload:
        target = f"{input.type} {input.fields.get('id') if isinstance(input.fields, dict) else '?'}"
        return await _run(info, "upsertEntity", target, lambda write: _upsert(write, input, expected_revision))

    @strawberry.mutation(description="Create or update one relationship (its properties as a JSON object).")
    async def link(self, info: strawberry.Info, type: str, from_: Annotated[str, strawberry.argument(name="from")],
                   to: str, properties: JSON | None = None,
                   expected_revision: Annotated[int | None, strawberry.argument(
                       description=EXPECTED_DESCRIPTION)] = None) -> LinkPayload:
        return await _run(info, "link", f"{from_} -{type}-> {to}",
                          lambda write: _link(write, type, from_, to, properties, expected_revision))

    @strawberry.mutation(description="Delete one relationship.")
    async def unlink(self, info: strawberry.Info, type: str, from_: Annotated[str, strawberry.argument(name="from")],
                     to: str, expected_revision: Annotated[int | None, strawberry.argument(
                         description=EXPECTED_DESCRIPTION)] = None) -> LinkPayload:
        return await _run(info, "unlink", f"{from_} -{type}-> {to}",
                          lambda write: _unlink(write, type, from_, to, expected_revision))

    @strawberry.mutation(description="Set the status of a System, Platform, Api or Infrastructure to retired.")
    async def retire_entity(self, info: strawberry.Info, id: strawberry.ID,  # type: ignore[valid-type]
                            expected_revision: Annotated[int | None, strawberry.argument(
                                description=EXPECTED_DESCRIPTION)] = None) -> EntityPayload:
        return await _run(info, "retireEntity", str(id), lambda write: _retire(write, str(id), expected_revision))
