"""Loading validated records into the graph: idempotent upserts, referential checks, counts and rejects.

Files are read twice: nodes first, then relationships, so a relationship may name a node defined in a
later file and memory does not grow with the number of relationships. Each batch is checked against the
store (id clashes across types, unknown ends, end types, cardinality) before it is written; a record that
fails a check becomes a reject and the rest of the batch still loads. Each batch is one transaction and every
write is an idempotent upsert, so an import killed half-way leaves whole batches behind and a re-run completes
it. A dry run does every check and reports what would change, writing nothing.
"""

from __future__ import annotations

import getpass
import sys
import hashlib
import json
import uuid
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

from graph_model import DEFAULT_PILLARS, RULES, Node, PillarTaxonomy, Relationship, to_raw
from graph_model.nodes import stored_content
from importers import ImportContext, ImportItem, Location, Parsed, Reject, importer_for
from registry.graph import RegistryGraph
from registry.import_memory import ClaimedEnds, SeenRecords, digest_bits
from registry.pipelined import PipelinedWrites

NODES = "nodes"
RELATIONSHIPS = "relationships"
OUTCOMES = ("created", "updated", "unchanged")
MAX_REJECTS_KEPT_IN_RUN = 1000


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
    ) -> None:
        self.graph = graph
        self.batch_size = batch_size
        self.pillars = pillars
        self.clock = clock
        self.user = user or _current_user()
        self.dry_run = dry_run
        self.progress = progress or (lambda records: None)

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

    def load_items(self, items: Callable[[], Iterable[ImportItem]]) -> LoadReport:
        """Load from a re-iterable source of items (called once per pass)."""
        report = self._new_report()
        self._run(report, items)
        return report

    def _new_report(self) -> LoadReport:
        started = self.clock()
        return LoadReport(new_run_id(started), started, user=self.user, dry_run=self.dry_run)

    def _run(self, report: LoadReport, items: Callable[[], Iterable[ImportItem]]) -> None:
        if not self.dry_run:
            self.graph.ensure_schema()
            self.graph.record_import_run(report.run_id, report.run_properties("running"))
        _Session(self, report).load(items)
        report.finished_at = self.clock()
        if not self.dry_run:
            self.graph.record_import_run(report.run_id, report.run_properties("completed"))


class _Session:
    """The state of one import: ids seen so far, relationship ends claimed, the report."""

    def __init__(self, loader: Loader, report: LoadReport) -> None:
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

    # --- passes ------------------------------------------------------------------------------------------

    def load(self, items: Callable[[], Iterable[ImportItem]]) -> None:
        """Both passes, each batch's writes running while the next batch is prepared; every node is written
        before the first relationship is checked (its ends must be found in the store)."""
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
        for item in items():
            if isinstance(item, Parsed) and isinstance(item.record, Relationship):
                batch.append(item)
                if len(batch) >= self.loader.batch_size:
                    self._load_relationships(batch)
                    batch = []
        self._load_relationships(batch)

    def _reject(self, reject: Reject) -> None:
        self.report.rejects.append(reject)

    def _count(self, kind: str, outcome: str) -> None:
        self.report.counts[kind][outcome] += 1

    def _advance(self, records: int) -> None:
        self.processed += records
        self.loader.progress(self.processed)

    def _note_change(self, outcome: Literal["created", "updated"], record_type: str, key: str, location: Location,
                     before: dict[str, Any] | None, after: dict[str, Any]) -> None:
        """In a dry run, keep what would change (field by field for an update)."""
        if not self.dry_run:
            return
        if before is None:
            fields = {name: (None, value) for name, value in after.items()}
        else:
            fields = {name: (before.get(name), after.get(name)) for name in sorted(set(before) | set(after))
                      if before.get(name) != after.get(name)}
        self.report.changes.append(Change(outcome, record_type, key, location, fields))

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
        fresh: list[Parsed] = []
        for item in batch:
            node = item.record
            assert isinstance(node, Node)
            digest = _digest(node.content())
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
            fresh.append(item)
        self._advance(len(batch))
        stored = self.graph.fetch_nodes([item.record.id for item in fresh])  # type: ignore[union-attr]
        writes: dict[str, list[dict[str, Any]]] = {}
        for item in fresh:
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
            if self.dry_run:
                self.accepted_types[node.id] = node.type
            before = stored_content(existing.props) if existing else None
            if existing is not None and before == node.content():
                self._count(NODES, "unchanged")
                continue
            outcome = "updated" if existing is not None else "created"
            self._count(NODES, outcome)
            self._note_change(outcome, node.type, node.id, item.location, before, node.content())
            row = to_raw(node)
            row.pop("type")
            row.update(self._provenance(node, item.location, existing.props if existing else None))
            writes.setdefault(node.type, []).append(row)
        if not self.dry_run:
            for label, rows in writes.items():
                self.writes.submit(self.graph.upsert_nodes, label, rows, self.loader.batch_size)

    # --- relationships -----------------------------------------------------------------------------------

    def _load_relationships(self, batch: list[Parsed]) -> None:
        if not batch:
            return
        ends = sorted({end for item in batch for end in (item.record.source_id, item.record.target_id)})  # type: ignore[union-attr]
        self._advance(len(batch))
        types = {**self.graph.fetch_types(ends), **{end: self.accepted_types[end] for end in ends
                                                     if end in self.accepted_types}}
        checked: list[tuple[Parsed, Relationship]] = []
        in_batch: dict[tuple[str, str, str], tuple[Location, int]] = {}
        for item in batch:
            rel = item.record
            assert isinstance(rel, Relationship)
            problem = self._end_problem(rel, types)
            if problem:
                self._reject(Reject(item.location, problem[0], problem[1], rel.rel_type,
                                    f"{rel.source_id}->{rel.target_id}"))
                continue
            digest = _digest(rel.content())
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
            checked.append((item, rel))
        by_type: dict[str, list[tuple[Parsed, Relationship]]] = {}
        for item, rel in checked:
            by_type.setdefault(rel.rel_type, []).append((item, rel))
        for rel_type, group in by_type.items():
            self._load_relationship_type(rel_type, group)

    def _end_problem(self, rel: Relationship, types: dict[str, str]) -> tuple[str, str] | None:
        rule = RULES[rel.rel_type]
        for field_name, end_id, allowed in (("from", rel.source_id, rule.sources), ("to", rel.target_id, rule.targets)):
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

    def _load_relationship_type(self, rel_type: str, group: list[tuple[Parsed, Relationship]]) -> None:
        rule = RULES[rel_type]
        stored = self.graph.fetch_relationships(rel_type, [(rel.source_id, rel.target_id) for _, rel in group])
        limits = [(incoming, limit) for incoming, limit in ((True, rule.max_per_target), (False, rule.max_per_source))
                  if limit is not None]
        linked: dict[tuple[str, bool], set[str]] = {}
        for incoming, _ in limits:
            ids = sorted({rel.target_id if incoming else rel.source_id for _, rel in group})
            for node_id, others in self.graph.neighbours(rel_type, ids, incoming).items():
                linked[(node_id, incoming)] = others
        rows: list[dict[str, Any]] = []
        for item, rel in group:
            key = (rel.source_id, rel.target_id)
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
            self.rel_seen.add(_interned_key(rel), item.location, _digest(rel.content()))
            existing = stored.get(key)
            before = stored_content(existing) if existing is not None else None
            if existing is not None and before == rel.content():
                self._count(RELATIONSHIPS, "unchanged")
                continue
            outcome = "updated" if existing is not None else "created"
            self._count(RELATIONSHIPS, outcome)
            self._note_change(outcome, rel_type, f"{rel.source_id} -{rel_type}-> {rel.target_id}", item.location,
                              before, rel.content())
            props = rel.properties()
            props.update(self._provenance(rel, item.location, existing))
            rows.append({"from": rel.source_id, "to": rel.target_id, "props": props})
        if not self.dry_run and rows:
            self.writes.submit(self.graph.upsert_relationships, rel_type, rows, self.loader.batch_size)


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
