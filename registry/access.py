"""Who may write what: the owner-only rule of agency tokens, applied to a batch of imported records.

An admin token (or none: the local operator of `registry import`, who holds the store itself) writes anything. An
agency token writes only what its agency or an agency under it (PART_OF, up to 10 levels) OWNS:
- a node must already be owned by such an agency, or be new with an OWNS from such an agency in the same import;
  an entity no agency can own (Agency, Standard, Team) needs an admin;
- a relationship must start at such an agency or at an entity it owns; PART_OF (the agency tree) needs an admin,
  and so does an OWNS of an entity owned elsewhere or by nobody (giving or moving ownership).
A record identical to what the store already holds is not a write and passes (re-importing a province's whole
inventory, its agencies and their PART_OF included, is then fine). A read-only token writes nothing.

`ImportAuthoriser` is built from a store and an `ApiToken`; `learn` reads the import's OWNS records first (a node
precedes its OWNS in the loader's node pass), `refused(batch)` returns the records to refuse with a located
`Reject` ("forbidden: …"). Each refusal is logged to `registry.audit` with the token's id, name and scope — the
token itself is never known here. The Loader calls it through its `authorise` parameter before it checks a batch;
the GraphQL mutations can use the same object for a one-record batch.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from pathlib import Path
from typing import NamedTuple

from graph_model import ENTITY_LABEL, Node, Relationship
from graph_model.nodes import stored_content
from graph_model.relationships import OWNABLE
from importers import ImportContext, ImportItem, Parsed, Reject, importer_for
from registry.agency_tree import agency_subtree
from registry.api.tokens import ApiToken
from registry.graph import RegistryGraph
from registry.store import GraphStore

audit = logging.getLogger("registry.audit")

OWNERS = (f"UNWIND $ids AS id MATCH (o:Agency)-[:OWNS]->(n:{ENTITY_LABEL} {{id: id}}) "
          "RETURN n.id AS id, o.id AS owner")
WRITING_SCOPES = ("admin", "agency")


class Refusal(NamedTuple):
    """One record a token may not write, and the located reject saying why."""

    item: Parsed
    reject: Reject


class ImportAuthoriser:
    """The owner-only rule for one token over one import (keeps what the import's OWNS records claim)."""

    def __init__(self, store: GraphStore, token: ApiToken) -> None:
        self.graph = RegistryGraph(store)
        self.token = token
        self._subtree: frozenset[str] | None = None
        self._claimed: dict[str, str] = {}  # entity id -> owner named by this import's first OWNS of it
        self._new_owner: dict[str, str] = {}  # entities this import may create -> their owner (from the claim)

    # --- what the token covers ----------------------------------------------------------------------------

    @property
    def admin(self) -> bool:
        return self.token.scope == "admin"

    @property
    def writes(self) -> bool:
        return self.token.scope in WRITING_SCOPES

    def subtree(self) -> frozenset[str]:
        """The token's agency and every agency under it (read once per import: the tree is admin-only)."""
        if self._subtree is None:
            self._subtree = agency_subtree(self.graph.store, self.token.agency) if self.token.agency else frozenset()
        return self._subtree

    def owners(self, ids: Iterable[str]) -> dict[str, str]:
        """The stored owner of each id that has one."""
        wanted = sorted(set(ids))
        if not wanted:
            return {}
        return {row["id"]: row["owner"] for row in self.graph.store.read(OWNERS, {"ids": wanted})}

    # --- the import's own claims ----------------------------------------------------------------------------

    def learn(self, items: Iterable[ImportItem]) -> None:
        """Remember who this import says owns each entity (its OWNS records), before any node is checked."""
        for item in items:
            if isinstance(item, Parsed) and isinstance(item.record, Relationship) and item.record.rel_type == "OWNS":
                self._claimed.setdefault(item.record.target_id, item.record.source_id)

    def learn_files(self, files: list[Path], format_name: str | None = None,
                    context: ImportContext | None = None) -> None:
        """`learn` from files, read with the importers the Loader will use."""
        context = context or ImportContext()
        for path in files:
            self.learn(importer_for(path, format_name).read(path, context))

    # --- the check ------------------------------------------------------------------------------------------

    def __call__(self, batch: list[Parsed]) -> list[Refusal]:
        return self.refused(batch)

    def refused(self, batch: list[Parsed]) -> list[Refusal]:
        """The records of `batch` this token may not write, each with its located reason (logged as denied)."""
        if self.admin or not batch:
            return []
        if not self.writes:
            refusals = [self._refusal(item, "type", f"a {self.token.scope} token cannot write; importing needs an "
                                                    "admin or agency token") for item in batch]
        else:
            nodes = [item for item in batch if isinstance(item.record, Node)]
            relationships = [item for item in batch if isinstance(item.record, Relationship)]
            refusals = self._refused_nodes(nodes) + self._refused_relationships(relationships)
        for refusal in refusals:
            self._log(refusal)
        return refusals

    def _refused_nodes(self, items: list[Parsed]) -> list[Refusal]:
        if not items:
            return []
        ids = [item.record.id for item in items]  # type: ignore[union-attr]
        stored = self.graph.fetch_nodes(ids)
        owners = self.owners(node_id for node_id in ids if node_id in stored)
        subtree = self.subtree()
        agency = self.token.agency
        refusals: list[Refusal] = []
        for item in items:
            node = item.record
            assert isinstance(node, Node)
            existing = stored.get(node.id)
            if existing is not None and existing.type == node.type and \
                    stored_content(existing.props) == node.content():
                continue  # the same as stored: not a write
            if node.type not in OWNABLE:
                refusals.append(self._refusal(item, "type", (
                    f"an agency token writes only entities an agency owns ({', '.join(sorted(OWNABLE))}); "
                    f"{node.type} needs an admin token")))
            elif existing is not None:
                owner = owners.get(node.id)
                if owner not in subtree:
                    refusals.append(self._refusal(item, "id", (
                        f"{node.id!r} is owned by {owner or 'no agency'}, not by {agency!r} or an agency under it")))
            else:
                claimed = self._claimed.get(node.id)
                if claimed is None:
                    refusals.append(self._refusal(item, "owner", (
                        f"a new entity imported with an agency token needs an OWNS from {agency!r} or an agency "
                        "under it in the same import")))
                elif claimed not in subtree:
                    refusals.append(self._refusal(item, "owner", (
                        f"this import makes {claimed!r} its owner, which is not {agency!r} or an agency under it")))
                else:
                    self._new_owner[node.id] = claimed
        return refusals

    def _refused_relationships(self, items: list[Parsed]) -> list[Refusal]:
        if not items:
            return []
        rels = [item.record for item in items]
        ends = {end for rel in rels for end in (rel.source_id, rel.target_id)}  # type: ignore[union-attr]
        known = [end for end in ends if end not in self._new_owner]
        types = self.graph.fetch_types(known)
        owners = {**self.owners(known), **self._new_owner}
        subtree = self.subtree()
        agency = self.token.agency
        refusals: list[Refusal] = []
        for item in items:
            rel = item.record
            assert isinstance(rel, Relationship)
            controller = rel.source_id if types.get(rel.source_id) == "Agency" else owners.get(rel.source_id)
            if rel.rel_type == "PART_OF":
                refusals.append(self._refusal(item, "type", "the agency hierarchy (PART_OF) is changed only with "
                                                            "an admin token"))
            elif controller not in subtree:
                refusals.append(self._refusal(item, "from", (
                    f"{rel.source_id!r} is not owned by {agency!r} or an agency under it")))
            elif rel.rel_type == "OWNS" and owners.get(rel.target_id) not in subtree:
                owner = owners.get(rel.target_id)
                refusals.append(self._refusal(item, "to", (
                    f"{rel.target_id!r} is owned by {owner or 'no agency'}, not by {agency!r} or an agency under "
                    "it; giving an entity an owner or moving it to another needs an admin token")))
        return self._without_restatements(refusals)

    def _without_restatements(self, refusals: list[Refusal]) -> list[Refusal]:
        """Drop the refused relationships the store already holds exactly so (they write nothing)."""
        by_type: dict[str, list[Refusal]] = {}
        for refusal in refusals:
            by_type.setdefault(refusal.item.record.rel_type, []).append(refusal)  # type: ignore[union-attr]
        kept: list[Refusal] = []
        for rel_type, group in by_type.items():
            pairs = [(r.item.record.source_id, r.item.record.target_id) for r in group]  # type: ignore[union-attr]
            stored = self.graph.fetch_relationships(rel_type, pairs)
            for refusal, pair in zip(group, pairs, strict=True):
                existing = stored.get(pair)
                if existing is None or stored_content(existing) != refusal.item.record.content():
                    kept.append(refusal)
        return kept

    # --- rejects and the audit log --------------------------------------------------------------------------

    def _refusal(self, item: Parsed, field: str, reason: str) -> Refusal:
        record = item.record
        if isinstance(record, Relationship):
            record_type, record_id = record.rel_type, f"{record.source_id}->{record.target_id}"
        else:
            record_type, record_id = record.type, record.id
        return Refusal(item, Reject(item.location, field, f"forbidden: {reason}", record_type, record_id))

    def _log(self, refusal: Refusal) -> None:
        reject = refusal.reject
        audit.warning("denied import of %s %s at %s (field %s) to token %s (%s, scope %s, agency %s): %s",
                      reject.record_type, reject.record_id, reject.location, reject.field, self.token.id,
                      self.token.name, self.token.scope, self.token.agency, reject.reason)
