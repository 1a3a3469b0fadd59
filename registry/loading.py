"""Loading validated records into the graph: idempotent upserts, referential checks, counts and rejects.

Files are read twice: nodes first, then relationships, so a relationship may name a node defined in a
later file and memory does not grow with the number of relationships. Each batch is checked against the
store (id clashes across types, unknown ends, end types, cardinality) before it is written; a record that
fails a check becomes a reject and the rest of the batch still loads. Each batch is one transaction and every
write is an idempotent upsert, so an import killed half-way leaves whole batches behind and a re-run completes
it. A dry run does every check and reports what would change, writing nothing.

Every record written is recorded in the history (a `Change` node, in the same statement as the write) and raises
its entity's revision; a write applies only if the entity is still at the revision this import read, so an import
never overwrites another writer's change (the record becomes a reject). See registry/history.py.
"""

from __future__ import annotations

import getpass
import sys
import hashlib
import json
import uuid
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

from graph_model import DEFAULT_PILLARS, RULES, Node, PillarTaxonomy, Relationship, to_raw
from graph_model.ledger import API_TOKEN_LABEL, IMPORT_RUN_LABEL, LedgerRecord
from graph_model.nodes import HISTORY_LABEL, REVISION_FIELD, ChangeAction, changes_json, stored_content
from importers import ImportContext, ImportItem, Location, Parsed, Reject, importer_for
from registry.graph import RegistryGraph
from registry.import_memory import ClaimedEnds, SeenRecords, digest_bits
from registry.pipelined import PipelinedWrites

NODES = "nodes"
RELATIONSHIPS = "relationships"
HISTORY = "history"  # history records restored from a backup (counted only when a file holds some)
LEDGER_COUNTS = {HISTORY_LABEL: HISTORY, IMPORT_RUN_LABEL: "import_runs", API_TOKEN_LABEL: "tokens"}
"""What a report counts each kind of a backup's bookkeeping records as."""
RETIRED = "retired"
OUTCOMES = ("created", "updated", "unchanged")
MAX_REJECTS_KEPT_IN_RUN = 1000

# A relationship record that passed the batch's checks, with its content and that content's digest (computed once).
_CheckedLink = tuple[Parsed, Relationship, dict[str, Any], int]


@dataclass(frozen=True)
class SourceFile:
    """One input file of an import run, as recorded in its ImportRun."""

    path: str
    format: str
    importer_version: str
    sha256: str
    size: int


@dataclass(frozen=True)
class Change:
    """What a dry run found would change: a record created, or updated with each field's before and after."""

    outcome: Literal["created", "updated"]
    record_type: str
    key: str
    location: Location
    fields: dict[str, tuple[Any, Any]]

    def as_dict(self) -> dict[str, Any]:
        return {"outcome": self.outcome, "type": self.record_type, "key": self.key, "location": str(self.location),
                "fields": {name: {"before": before, "after": after} for name, (before, after) in self.fields.items()}}


@dataclass
class LoadReport:
    """What one import did: per kind, how many records were created, updated, unchanged; and the rejects."""

    run_id: str
    started_at: datetime
    user: str = "unknown"
    dry_run: bool = False
    sources: list[SourceFile] = field(default_factory=list)
    counts: dict[str, Counter[str]] = field(
        default_factory=lambda: {NODES: Counter(), RELATIONSHIPS: Counter()})
    rejects: list[Reject] = field(default_factory=list)
    changes: list[Change] = field(default_factory=list)
    finished_at: datetime | None = None

    @property
    def ok(self) -> bool:
        return not self.rejects

    @property
    def files(self) -> list[str]:
        return [source.path for source in self.sources]

    def as_dict(self) -> dict[str, Any]:
        result = {
            "run_id": self.run_id,
            "dry_run": self.dry_run,
            "user": self.user,
            "started_at": _iso(self.started_at),
            "finished_at": _iso(self.finished_at),
            "files": [vars(source) for source in self.sources],
            **{kind: {outcome: counter[outcome] for outcome in OUTCOMES} for kind, counter in self.counts.items()},
            "rejected": len(self.rejects),
            "rejects": [reject.as_row() for reject in self.rejects],
        }
        if self.dry_run:
            result["changes"] = [change.as_dict() for change in self.changes]
        return result

    def run_properties(self, status: str) -> dict[str, Any]:
        """The ImportRun node's properties (flat values only, as both stores keep them)."""
        return {
            "status": status,
            "user": self.user,
            "started_at": _iso(self.started_at),
            "finished_at": _iso(self.finished_at),
            "files": [source.path for source in self.sources],
            "checksums": [f"sha256:{source.sha256}" for source in self.sources],
            "formats": [source.format for source in self.sources],
            "importer_versions": [f"{source.format}/{source.importer_version}" for source in self.sources],
            **{f"{kind}_{outcome}": counter[outcome] for kind, counter in self.counts.items() for outcome in OUTCOMES},
            "rejected": len(self.rejects),
            "rejects_json": json.dumps([reject.as_row() for reject in self.rejects[:MAX_REJECTS_KEPT_IN_RUN]],
                                       ensure_ascii=False),
        }


def new_run_id(now: datetime) -> str:
    return f"run:{now.strftime('%Y%m%dT%H%M%SZ')}-{uuid.uuid4().hex[:8]}"


def describe_file(path: Path, format_name: str | None) -> SourceFile:
    """Name, format, importer version, checksum and size of one input file."""
    importer = importer_for(path, format_name)
    digest = hashlib.sha256()
    size = 0
    try:
        with path.open("rb") as handle:
            for chunk in iter(lambda: handle.read(1 << 20), b""):
                digest.update(chunk)
                size += len(chunk)
    except OSError:
        pass  # the importer reports the unreadable file as a reject
    return SourceFile(str(path), importer.name, importer.version, digest.hexdigest(), size)


class Loader:
    """Loads import items into a RegistryGraph in batches."""

    def __init__(
        self,
        graph: RegistryGraph,
        batch_size: int = 1000,
        pillars: PillarTaxonomy = DEFAULT_PILLARS,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        user: str | None = None,
        dry_run: bool = False,
        progress: Callable[[int], None] | None = None,
        authorise: Callable[[list[Parsed]], list[tuple[Parsed, Reject]]] | None = None,
        ensure_schema: bool = True,
    ) -> None:
        self.graph = graph
        # Constraints, indexes and the search-text back-fill (a scan of every entity) before writing; the API,
        # which ensures them once at start-up, writes without (each mutation is a load of one or two records).
        self.ensure_schema = ensure_schema
        self.batch_size = batch_size
        self.pillars = pillars
        self.clock = clock
        self.user = user or _current_user()
        self.dry_run = dry_run
        self.progress = progress or (lambda records: None)
        # Refuses what the import's token may not write (registry.access.ImportAuthoriser); None: no check.
        self.authorise = authorise

    def load_files(self, files: list[Path], format_name: str | None = None,
                   context: ImportContext | None = None) -> LoadReport:
        """Import files; the run is recorded (as running, then completed) unless this is a dry run."""
        context = context or ImportContext(pillars=self.pillars)
        report = self._new_report()
        report.sources = [describe_file(path, format_name) for path in files]

        def items() -> Iterator[ImportItem]:
            for path, source in zip(files, report.sources, strict=True):
                yield from importer_for(path, source.format).read(path, context)

        self._run(report, items)
        return report

    def load_items(self, items: Callable[[], Iterable[ImportItem]], expected: Mapping[str, int] | None = None,
                   change_source: str | None = None) -> LoadReport:
        """Load from a re-iterable source of items (called once per pass).

        `expected` maps entity ids to the revision the writer read (optimistic concurrency): a node record of such
        an id, or a relationship starting at it, is refused unless the stored revision is still that one.
        `change_source` is what the history records name as the change's source (the API's token id); by
        default, this import run."""
        report = self._new_report()
        self._run(report, items, expected, change_source)
        return report

    def _new_report(self) -> LoadReport:
        started = self.clock()
        return LoadReport(new_run_id(started), started, user=self.user, dry_run=self.dry_run)

    def _run(self, report: LoadReport, items: Callable[[], Iterable[ImportItem]],
             expected: Mapping[str, int] | None = None, change_source: str | None = None) -> None:
        if not self.dry_run:
            if self.ensure_schema:
                self.graph.ensure_schema()
            self.graph.record_import_run(report.run_id, report.run_properties("running"))
        try:
            _Session(self, report, expected, change_source).load(items)
        except BaseException:
            # Whole batches already written stay (a re-run completes them); the run says it did not finish. A
            # killed process cannot say so: its run stays "running" for good.
            report.finished_at = self.clock()
            if not self.dry_run:
                try:
                    self.graph.record_import_run(report.run_id, report.run_properties("failed"))
                except Exception:  # the store itself may be what failed; the original error matters more
                    pass
            raise
        report.finished_at = self.clock()
        if not self.dry_run:
            self.graph.record_import_run(report.run_id, report.run_properties("completed"))


class _Session:
    """The state of one import: ids seen so far, relationship ends claimed, the report."""

    def __init__(self, loader: Loader, report: LoadReport, expected: Mapping[str, int] | None = None,
                 change_source: str | None = None) -> None:
        self.loader = loader
        self.graph = loader.graph
        self.report = report
        # What this import has seen, to spot a record given twice with different content: the location of the
        # first and a digest of its content (not the content itself, so memory per record stays small).
        self.node_seen = SeenRecords()
        self.node_rejected: dict[str, Location] = {}
        self.rel_seen = SeenRecords()
        # (rel type, end id, incoming?) -> the other ends this import has linked, for cardinality.
        self.claimed = ClaimedEnds()
        # Types of the nodes this import accepted: a dry run writes none, yet its relationships may name them.
        self.accepted_types: dict[str, str] = {}
        self.dry_run = loader.dry_run
        self.processed = 0
        self.now = loader.clock()
        # History: each change record's id sorts by time (fixed-width UTC stamp, the run, a counter).
        self.expected: dict[str, int] = dict(expected or {})
        self.explicit = set(self.expected)
        # Only the operator (an import without a token) restores a backup's records as they were, without history.
        self.restoring = loader.authorise is None
        self.change_source = change_source or report.run_id
        stamp = self.now.astimezone(UTC).strftime("%Y%m%dT%H%M%S%f")
        self.change_prefix = f"change:{stamp}-{report.run_id.rsplit('-', 1)[-1]}"
        self.change_count = 0
        # Nodes another writer changed between this import's read and its write: not written, and so neither are
        # this import's relationships at them.
        self.lost: dict[str, Location] = {}

    # --- passes ------------------------------------------------------------------------------------------

    def load(self, items: Callable[[], Iterable[ImportItem]]) -> None:
        """Both passes, each batch's writes running while the next batch is prepared; every node is written
        before the first relationship is checked (its ends must be found in the store). A backup's history,
        import runs and tokens are restored in the second pass (a third would read every file once more)."""
        with PipelinedWrites() as self.writes:
            self._node_pass(items)
            self.writes.flush()
            self._relationship_pass(items)

    def _node_pass(self, items: Callable[[], Iterable[ImportItem]]) -> None:
        batch: list[Parsed] = []
        for item in items():
            if isinstance(item, Reject):
                self._reject(item)
                if item.record_id and item.record_type and "->" not in item.record_id:
                    self.node_rejected.setdefault(item.record_id, item.location)
            elif isinstance(item.record, Node):
                batch.append(item)
                if len(batch) >= self.loader.batch_size:
                    self._load_nodes(batch)
                    batch = []
        self._load_nodes(batch)

    def _relationship_pass(self, items: Callable[[], Iterable[ImportItem]]) -> None:
        batch: list[Parsed] = []
        ledger: dict[str, list[Parsed]] = {}  # a backup's history, import runs and tokens, by type
        for item in items():
            if isinstance(item, Parsed) and isinstance(item.record, Relationship):
                batch.append(item)
                if len(batch) >= self.loader.batch_size:
                    self._load_relationships(batch)
                    batch = []
            elif isinstance(item, Parsed) and isinstance(item.record, LedgerRecord):
                pending = ledger.setdefault(item.record.type, [])
                pending.append(item)
                if len(pending) >= self.loader.batch_size:
                    self._load_ledger(pending)
                    pending.clear()
        self._load_relationships(batch)
        for pending in ledger.values():
            self._load_ledger(pending)

    def _reject(self, reject: Reject) -> None:
        self.report.rejects.append(reject)

    def _authorised(self, batch: list[Parsed]) -> list[Parsed]:
        """The batch less the records the import's token may not write; each refused one is a reject."""
        if self.loader.authorise is None or not batch:
            return batch
        refused = self.loader.authorise(batch)
        for item, reject in refused:
            self._reject(reject)
            if isinstance(item.record, Node):
                self.node_rejected.setdefault(item.record.id, item.location)
        self._advance(len(refused))
        dropped = {id(item) for item, _ in refused}
        return [item for item in batch if id(item) not in dropped]

    def _count(self, kind: str, outcome: str) -> None:
        self.report.counts[kind][outcome] += 1

    def _uncount(self, kind: str, outcome: str) -> None:
        """Take back a count: the record lost its race with another writer and was not written."""
        counter = self.report.counts[kind]
        counter[outcome] -= 1
        if counter[outcome] <= 0:
            del counter[outcome]

    def _advance(self, records: int) -> None:
        self.processed += records
        self.loader.progress(self.processed)

    def _note_change(self, outcome: Literal["created", "updated"], record_type: str, key: str, location: Location,
                     before: dict[str, Any] | None, after: dict[str, Any]) -> dict[str, tuple[Any, Any]]:
        """What changes, field by field (before None: created): a dry run reports it, a write records it."""
        if before is None:
            fields = {name: (None, value) for name, value in after.items()}
        else:
            fields = {name: (before.get(name), after.get(name)) for name in sorted(set(before) | set(after))
                      if before.get(name) != after.get(name)}
        if self.dry_run:
            self.report.changes.append(Change(outcome, record_type, key, location, fields))
        return fields

    def _history(self, action: ChangeAction, fields: dict[str, tuple[Any, Any]], record_source: Any,
                 revision: int | None = None) -> dict[str, Any]:
        """The properties of one record's Change node that are its own; the write statement adds the entity (and
        for a relationship its ends, type and revision) and `change_common`, what every change of the import
        shares."""
        self.change_count += 1
        change: dict[str, Any] = {
            "id": f"{self.change_prefix}-{self.change_count:07d}", "action": action.value,
            "record_source": record_source,
            "changes_json": changes_json({name: {"before": before, "after": after}
                                          for name, (before, after) in fields.items()}),
        }
        if revision is not None:
            change[REVISION_FIELD] = revision
        return change

    @property
    def change_common(self) -> dict[str, Any]:
        return {"at": _iso(self.now), "by": self.loader.user, "source": self.change_source,
                "import_run": self.report.run_id}

    def _stale(self, entity_id: str, current: int, read: int, explicit: bool) -> tuple[str, str]:
        """The field and reason of a record refused because its entity changed since the writer read it."""
        if explicit:
            return "expectedRevision", (f"{entity_id!r} is at revision {current}, not {read}: it was changed since "
                                        "you read it; read it again and retry")
        return REVISION_FIELD, (f"{entity_id!r} was changed by another writer (now at revision {current}) after "
                                f"this import read it at revision {read}; not overwritten: import this record again "
                                "to apply it")

    def _provenance(self, record: Node | Relationship, location: Location,
                    stored: dict[str, Any] | None) -> dict[str, Any]:
        """Provenance and timestamps of a record about to be written: kept from the record when it carries
        them (a restore from an export), else this import's file, run and time; creation time survives updates."""
        return {
            "source": record.source or location.file,
            "import_run": record.import_run or self.report.run_id,
            "created_at": _iso(record.created_at) or (stored or {}).get("created_at") or _iso(self.now),
            "updated_at": _iso(record.updated_at) or _iso(self.now),
        }

    # --- nodes -------------------------------------------------------------------------------------------

    def _load_nodes(self, batch: list[Parsed]) -> None:
        if not batch:
            return
        batch = self._authorised(batch)
        fresh: list[tuple[Parsed, dict[str, Any]]] = []  # with its content, computed once per record
        for item in batch:
            node = item.record
            assert isinstance(node, Node)
            content = node.content()
            digest = _digest(content)
            seen = self.node_seen.get(node.id)
            if seen is not None:
                first, first_digest = seen
                if first_digest != digest_bits(digest):
                    self._reject(Reject(item.location, "id", f"id {node.id!r} is defined differently at {first}",
                                        node.type, node.id))
                else:
                    self._count(NODES, "unchanged")
                continue
            self.node_seen.add(sys.intern(node.id), item.location, digest)
            fresh.append((item, content))
        self._advance(len(batch))
        stored = self.graph.fetch_nodes([item.record.id for item, _ in fresh])  # type: ignore[union-attr]
        writes: dict[tuple[str, bool], list[dict[str, Any]]] = {}
        pending: dict[str, tuple[Parsed, str, int]] = {}
        for item, content in fresh:
            node = item.record
            assert isinstance(node, Node)
            existing = stored.get(node.id)
            if existing is not None and existing.type != node.type:
                self.node_seen.discard(node.id)
                self.node_rejected[node.id] = item.location
                self._reject(Reject(item.location, "id",
                                    f"id {node.id!r} already belongs to an entity of type {existing.type}",
                                    node.type, node.id))
                continue
            current = int(existing.props.get(REVISION_FIELD) or 0) if existing is not None else 0
            wanted = self.expected.pop(node.id, None)
            if wanted is not None and wanted != current:
                self._refuse_node(item, node, *self._stale(node.id, current, wanted, explicit=True))
                continue
            if self.dry_run:
                self.accepted_types[node.id] = node.type
            before = stored_content(existing.props) if existing else None
            if existing is not None and before == content:
                self._count(NODES, "unchanged")
                continue
            if existing is not None and node.revision is not None and node.revision != current:
                # A record that names its revision (an edited export) was read at that revision.
                self._refuse_node(item, node, *self._stale(node.id, current, node.revision, explicit=False))
                continue
            outcome = "updated" if existing is not None else "created"
            self._count(NODES, outcome)
            fields = self._note_change(outcome, node.type, node.id, item.location, before, content)
            row = to_raw(node)
            row.pop("type")
            row.update(self._provenance(node, item.location, existing.props if existing else None))
            if existing is None and node.revision is not None and self.restoring:
                row[REVISION_FIELD] = node.revision  # a restore: revision and history come from the backup
                change = None
            else:
                row[REVISION_FIELD] = current + 1
                change = self._history(_node_action(before, content, fields), fields, row["source"],
                                       revision=current + 1)
            writes.setdefault((node.type, existing is None), []).append(
                {"id": node.id, "props": row, "expected": current, "change": change})
            pending[node.id] = (item, outcome, current)
        if not self.dry_run:
            for (label, create), rows in writes.items():
                self.writes.submit(self.graph.write_nodes, label, rows, create, self.loader.batch_size,
                                   self.change_common, then=self._after_nodes(label, pending))

    def _refuse_node(self, item: Parsed, node: Node, field_name: str, reason: str) -> None:
        self.node_rejected.setdefault(node.id, item.location)
        self.lost[node.id] = item.location
        self._reject(Reject(item.location, field_name, reason, node.type, node.id))

    def _after_nodes(self, label: str, pending: dict[str, tuple[Parsed, str, int]]) -> Callable[[set[str]], None]:
        """What to do once a node write is done: each record another writer changed first (its revision moved
        between this import's read and its write) becomes a reject instead of a count."""
        def then(lost: set[str]) -> None:
            if not lost:
                return
            now = self.graph.revisions(sorted(lost))
            for node_id in sorted(lost):
                item, outcome, read = pending[node_id]
                self._uncount(NODES, outcome)
                field_name, reason = self._stale(node_id, now.get(node_id, 0), read,
                                                 explicit=node_id in self.explicit)
                self.lost[node_id] = item.location
                self._reject(Reject(item.location, field_name, reason, label, node_id))
        return then

    # --- relationships -----------------------------------------------------------------------------------

    def _load_relationships(self, batch: list[Parsed]) -> None:
        if not batch:
            return
        batch = self._authorised(batch)
        ends = sorted({end for item in batch for end in (item.record.source_id, item.record.target_id)})  # type: ignore[union-attr]
        self._advance(len(batch))
        types = {**self.graph.fetch_types(ends), **{end: self.accepted_types[end] for end in ends
                                                     if end in self.accepted_types}}
        checked: list[_CheckedLink] = []
        in_batch: dict[tuple[str, str, str], tuple[Location, int]] = {}
        for item in batch:
            rel = item.record
            assert isinstance(rel, Relationship)
            problem = self._end_problem(rel, types)
            if problem:
                self._reject(Reject(item.location, problem[0], problem[1], rel.rel_type,
                                    f"{rel.source_id}->{rel.target_id}"))
                continue
            content = rel.content()
            digest = _digest(content)
            earlier = self.rel_seen.get(rel.key) or in_batch.get(rel.key)
            if earlier is not None:
                first, first_digest = earlier
                if first_digest != digest_bits(digest):
                    self._reject(Reject(item.location, "to",
                                        f"this {rel.rel_type} relationship is defined differently at {first}",
                                        rel.rel_type, f"{rel.source_id}->{rel.target_id}"))
                else:
                    self._count(RELATIONSHIPS, "unchanged")
                continue
            in_batch[rel.key] = (item.location, digest_bits(digest))
            checked.append((item, rel, content, digest))
        by_type: dict[str, list[_CheckedLink]] = {}
        for link in checked:
            by_type.setdefault(link[1].rel_type, []).append(link)
        for rel_type, group in by_type.items():
            self._load_relationship_type(rel_type, group)

    def _end_problem(self, rel: Relationship, types: dict[str, str]) -> tuple[str, str] | None:
        rule = RULES[rel.rel_type]
        for field_name, end_id, allowed in (("from", rel.source_id, rule.sources), ("to", rel.target_id, rule.targets)):
            if end_id in self.lost:
                return field_name, f"entity {end_id!r} was not written (see the reject at {self.lost[end_id]})"
            end_type = types.get(end_id)
            if end_type is None:
                if end_id in self.node_rejected:
                    return field_name, f"entity {end_id!r} was rejected at {self.node_rejected[end_id]}"
                return field_name, f"no entity with id {end_id!r} in the registry or this import"
            if end_type not in allowed:
                side = "start at" if field_name == "from" else "end at"
                return field_name, (f"{rel.rel_type} must {side} {' or '.join(sorted(allowed))}; "
                                    f"{end_id!r} is of type {end_type}")
        return None

    def _load_relationship_type(self, rel_type: str, group: list[_CheckedLink]) -> None:
        rule = RULES[rel_type]
        stored = self.graph.fetch_relationships(rel_type, [(rel.source_id, rel.target_id) for _, rel, _, _ in group])
        limits = [(incoming, limit) for incoming, limit in ((True, rule.max_per_target), (False, rule.max_per_source))
                  if limit is not None]
        linked: dict[tuple[str, bool], set[str]] = {}
        for incoming, _ in limits:
            ids = sorted({rel.target_id if incoming else rel.source_id for _, rel, _, _ in group})
            for node_id, others in self.graph.neighbours(rel_type, ids, incoming).items():
                linked[(node_id, incoming)] = others
        checked = sorted({rel.source_id for _, rel, _, _ in group if rel.source_id in self.expected})
        current = self.graph.revisions(checked)
        rows: list[dict[str, Any]] = []
        groups: dict[str, list[tuple[Parsed, str, dict[str, Any]]]] = {}
        for item, rel, content, digest in group:
            key = (rel.source_id, rel.target_id)
            wanted = self.expected.get(rel.source_id)
            if wanted is not None and current.get(rel.source_id, 0) != wanted:
                field_name, reason = self._stale(rel.source_id, current.get(rel.source_id, 0), wanted, explicit=True)
                self._reject(Reject(item.location, field_name, reason, rel_type, f"{rel.source_id}->{rel.target_id}"))
                continue
            violation = None
            for incoming, limit in limits:
                end, other = (rel.target_id, rel.source_id) if incoming else (rel.source_id, rel.target_id)
                others = linked.setdefault((end, incoming), set()) | self.claimed.others(rel_type, end, incoming)
                if other not in others and len(others) >= limit:
                    names = ", ".join(repr(name) for name in sorted(others))
                    violation = ("to", f"{end!r} already has {rel_type} {'from' if incoming else 'to'} {names}; "
                                       f"at most {limit} allowed") if incoming else \
                        ("from", f"{end!r} already has {rel_type} to {names}; at most {limit} allowed")
                    break
            if violation:
                self._reject(Reject(item.location, violation[0], violation[1], rel_type,
                                    f"{rel.source_id}->{rel.target_id}"))
                continue
            for incoming, _ in limits:
                end, other = (rel.target_id, rel.source_id) if incoming else (rel.source_id, rel.target_id)
                self.claimed.claim(rel_type, end, incoming, other)
            self.rel_seen.add(_interned_key(rel), item.location, digest)
            existing = stored.get(key)
            before = stored_content(existing) if existing is not None else None
            if existing is not None and before == content:
                self._count(RELATIONSHIPS, "unchanged")
                continue
            outcome = "updated" if existing is not None else "created"
            self._count(RELATIONSHIPS, outcome)
            fields = self._note_change(outcome, rel_type, f"{rel.source_id} -{rel_type}-> {rel.target_id}",
                                       item.location, before, content)
            props = rel.properties()
            props.update(self._provenance(rel, item.location, existing))
            if existing is None and rel.import_run is not None and self.restoring:
                # A restore (the record carries its provenance): its history comes with the backup.
                rows.append({"from": rel.source_id, "to": rel.target_id, "props": props})
                continue
            action = ChangeAction.link if existing is None else ChangeAction.update_link
            change = self._history(action, fields, props["source"])
            groups.setdefault(rel.source_id, []).append(
                (item, outcome, {"to": rel.target_id, "props": props, "change": change}))
        if not self.dry_run and rows:
            self.writes.submit(self.graph.upsert_relationships, rel_type, rows, self.loader.batch_size)
        if not self.dry_run and groups:
            writes = [{"from": source, "expected": self.expected.get(source), "rels": [rel for _, _, rel in members]}
                      for source, members in groups.items()]
            self.writes.submit(self.graph.write_relationships, rel_type, writes, self.loader.batch_size,
                               self.change_common, then=self._after_relationships(rel_type, groups))

    def _after_relationships(self, rel_type: str, groups: dict[str, list[tuple[Parsed, str, dict[str, Any]]]]
                             ) -> Callable[[set[str]], None]:
        """Once a relationship write is done: the links of an entity whose revision was not the one expected
        (it changed after the writer read it) become rejects."""
        def then(lost: set[str]) -> None:
            if not lost:
                return
            now = self.graph.revisions(sorted(lost))
            for source in sorted(lost):
                for item, outcome, rel in groups[source]:
                    self._uncount(RELATIONSHIPS, outcome)
                    field_name, reason = self._stale(source, now.get(source, 0), self.expected.get(source, 0),
                                                     explicit=source in self.explicit)
                    self._reject(Reject(item.location, field_name, reason, rel_type, f"{source}->{rel['to']}"))
        return then

    # --- history, import runs and tokens (a restore) --------------------------------------------------------

    def _load_ledger(self, batch: list[Parsed]) -> None:
        """Bookkeeping records of a backup (all of one type), put back verbatim (no new history for the restore
        itself); one already stored is unchanged, even if the backup's differs: these records are evidence."""
        if not batch:
            return
        label = batch[0].record.type
        if self.loader.authorise is not None:
            # Only the operator (who holds the store) restores them, never a token's import: history is evidence,
            # and a token restored by an agency's import would be a way to grant itself more.
            for item in batch:
                self._reject(Reject(item.location, "type", f"{label} records are restored only by an import "
                                    "without a token (the operator's restore of a backup)", label,
                                    getattr(item.record, "id", None)))
            self._advance(len(batch))
            return
        counts = self.report.counts.setdefault(LEDGER_COUNTS[label], Counter())
        records = [item.record for item in batch if isinstance(item.record, LedgerRecord)]
        stored = self.graph.ledger_ids(label, [record.id for record in records])
        rows = []
        for record in records:
            if record.id in stored:
                counts["unchanged"] += 1
            else:
                counts["created"] += 1
                stored.add(record.id)
                rows.append(record.stored())
        self._advance(len(batch))
        if not self.dry_run and rows:
            self.writes.submit(self.graph.restore_ledger, label, rows, self.loader.batch_size)


def _node_action(before: dict[str, Any] | None, after: dict[str, Any],
                 fields: dict[str, tuple[Any, Any]]) -> ChangeAction:
    """create, update, or retire (an update that sets status to retired)."""
    if before is None:
        return ChangeAction.create
    if "status" in fields and after.get("status") == RETIRED:
        return ChangeAction.retire
    return ChangeAction.update


def _interned_key(rel: Relationship) -> tuple[str, str, str]:
    """The relationship's key with its ids interned: an import remembers millions of keys, and each id string is
    then kept once however many relationships name it."""
    return (sys.intern(rel.source_id), rel.rel_type, sys.intern(rel.target_id))


def _iso(value: datetime | None) -> str | None:
    if value is None:
        return None
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _digest(content: dict[str, Any]) -> int:
    """A compact fingerprint of a record's content, to tell a repeated record from a conflicting one."""
    return hash(json.dumps(content, sort_keys=True, ensure_ascii=False, default=str))


def _current_user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"
