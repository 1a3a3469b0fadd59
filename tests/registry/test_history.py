"""The history of every change and the revision of every entity, as imports write them, on both stores: each
change is recorded with who, when, its source and its fields before and after, in the same statement as the write;
an import never overwrites a change another writer made after it read the entity."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from graph_model import parse_record
from importers import Location, Parsed
from registry.graph import RegistryGraph
from registry.history import change_log, entity_as_of, entity_history
from registry.loading import Loader
from registry.store import GraphStore

T1 = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)
T2 = datetime(2026, 4, 1, 8, 0, tzinfo=UTC)
T3 = datetime(2026, 5, 1, 8, 0, tzinfo=UTC)

SEED = [
    {"type": "Agency", "id": "agency:tinh-a", "name": "UBND tỉnh A", "level": "province"},
    {"type": "System", "id": "system:a.mot-cua", "name": "Hệ thống một cửa tỉnh A", "kind": "one_stop_shop"},
    {"type": "OWNS", "from": "agency:tinh-a", "to": "system:a.mot-cua"},
]


def load(graph: RegistryGraph, raws: list[dict[str, Any]], at: datetime = T1, user: str = "chuyen-vien",
         file: str = "kiem-ke.yaml") -> Any:
    records = [Parsed(Location(file, line), record(raw)) for line, raw in enumerate(raws, start=1)]
    return Loader(graph, clock=lambda: at, user=user).load_items(lambda: records)


def record(raw: dict[str, Any]) -> Any:
    """A record as the native importer reads it: an exported node's `revision` is attached, not a field."""
    fields = {key: value for key, value in raw.items() if key != "revision"}
    parsed = parse_record(fields)
    return parsed.with_revision(raw["revision"]) if "revision" in raw else parsed


def revision(graph: RegistryGraph, entity_id: str) -> int | None:
    return graph.fetch_nodes([entity_id])[entity_id].props.get("revision")


def test_an_import_records_each_created_record_with_who_when_source_and_fields(graph):
    report = load(graph, SEED)
    assert report.ok
    system = entity_history(graph.store, "system:a.mot-cua")
    assert [(change.action, change.revision) for change in system] == [("link", 2), ("create", 1)]
    link, create = system
    assert create.by == "chuyen-vien" and create.at == T1 and create.source == report.run_id
    assert create.import_run == report.run_id and create.entity_type == "System"
    assert create.changes["name"] == {"before": None, "after": "Hệ thống một cửa tỉnh A"}
    assert create.changes["kind"] == {"before": None, "after": "one_stop_shop"}
    assert "revision" not in create.changes and "source" not in create.changes  # provenance is not content
    # A relationship's change is recorded under its `from` entity, and shows in the history of both ends.
    assert (link.entity, link.rel_type, link.to) == ("agency:tinh-a", "OWNS", "system:a.mot-cua")
    agency = entity_history(graph.store, "agency:tinh-a")
    assert [change.action for change in agency] == ["link", "create"] and agency[0] == link
    # A link raises its `from` entity's revision; the system itself was written once.
    assert revision(graph, "system:a.mot-cua") == 1 and revision(graph, "agency:tinh-a") == 2
    assert graph.history("system:a.mot-cua") == system
    assert change_log(graph.store, "system:a.mot-cua") == list(reversed(system))


def test_an_unchanged_record_writes_no_history_and_keeps_its_revision(graph):
    load(graph, SEED)
    again = load(graph, SEED, at=T2)
    assert again.ok and dict(again.counts["nodes"]) == {"unchanged": 2}
    assert len(entity_history(graph.store, "system:a.mot-cua")) == 2
    assert revision(graph, "system:a.mot-cua") == 1


def test_an_update_records_only_the_changed_fields_and_a_retirement_says_so(graph):
    load(graph, SEED)
    load(graph, [{**SEED[1], "name": "Hệ thống một cửa điện tử tỉnh A", "url": "https://motcua.a.gov.vn"}],
         at=T2, user="can-bo")
    load(graph, [{**SEED[1], "name": "Hệ thống một cửa điện tử tỉnh A", "url": "https://motcua.a.gov.vn",
                  "status": "retired"}], at=T3)
    retire, update, *_ = entity_history(graph.store, "system:a.mot-cua")
    assert (update.action, update.revision, update.by, update.at) == ("update", 2, "can-bo", T2)
    assert update.changes == {"name": {"before": "Hệ thống một cửa tỉnh A", "after": "Hệ thống một cửa điện tử tỉnh A"},
                              "url": {"before": None, "after": "https://motcua.a.gov.vn"}}
    assert (retire.action, retire.revision) == ("retire", 3)
    assert retire.changes == {"status": {"before": "operational", "after": "retired"}}
    assert revision(graph, "system:a.mot-cua") == 3


def test_history_pages_newest_first(graph):
    load(graph, SEED)
    for step in range(1, 4):
        load(graph, [{**SEED[1], "description": f"Lần {step}"}], at=T1 + timedelta(days=step))
    everything = entity_history(graph.store, "system:a.mot-cua")
    assert [change.revision for change in everything if change.rel_type is None] == [4, 3, 2, 1]
    first = entity_history(graph.store, "system:a.mot-cua", first=2)
    rest = entity_history(graph.store, "system:a.mot-cua", first=10, before=first[-1].id)
    assert first + rest == everything


def test_an_entity_as_of_an_instant_is_rebuilt_from_the_history(graph):
    load(graph, SEED)
    load(graph, [{**SEED[1], "name": "Hệ thống một cửa điện tử tỉnh A", "url": "https://motcua.a.gov.vn"}], at=T2)
    assert entity_as_of(graph.store, "system:a.mot-cua", T1 - timedelta(days=1)) is None
    then = entity_as_of(graph.store, "system:a.mot-cua", T1 + timedelta(days=1))
    assert then is not None and then.type == "System"
    assert then.props["name"] == "Hệ thống một cửa tỉnh A" and "url" not in then.props
    assert then.props["revision"] == 1 and then.props["updated_at"] == "2026-03-01T08:00:00Z"
    now = entity_as_of(graph.store, "system:a.mot-cua", T3)
    assert now is not None and now.props["name"] == "Hệ thống một cửa điện tử tỉnh A" and now.props["revision"] == 2
    assert entity_as_of(graph.store, "system:khong-co", T3) is None


def test_history_records_are_outside_the_entity_graph(graph):
    load(graph, SEED)
    assert graph.stats().node_total == 2
    assert [node.props["id"] for node in graph.iter_nodes()] == ["agency:tinh-a", "system:a.mot-cua"]


class InterferingStore:
    """A real store through which, just before the import writes its nodes, another writer changes one of them:
    the window between the import's read and its write, made certain."""

    def __init__(self, store: GraphStore, interfere: Callable[[], None]) -> None:
        self._store = store
        self._interfere: Callable[[], None] | None = interfere

    def write(self, query: str, params: Any = None) -> list[dict[str, Any]]:
        if self._interfere is not None and "CREATE (c:Change)" in query:
            interfere, self._interfere = self._interfere, None
            interfere()
        return self._store.write(query, params)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._store, name)


def test_an_import_does_not_overwrite_a_change_made_after_it_read_the_entity(graph):
    load(graph, SEED)
    other = [{**SEED[1], "description": "Sửa qua API trong lúc nhập"}]
    racing = InterferingStore(graph.store, lambda: load(graph, other, at=T2, user="api:nguoi-khac"))
    mine = [{**SEED[1], "name": "Tên mới từ tệp"}, {"type": "System", "id": "system:a.moi", "name": "Hệ thống mới"}]
    report = load(RegistryGraph(racing), mine, at=T2, file="tinh-a.yaml")  # type: ignore[arg-type]
    assert [(reject.location.file, reject.location.line, reject.field, reject.record_id)
            for reject in report.rejects] == [("tinh-a.yaml", 1, "revision", "system:a.mot-cua")]
    assert "now at revision 2" in report.rejects[0].reason and "at revision 1" in report.rejects[0].reason
    assert dict(report.counts["nodes"]) == {"created": 1}  # the new system is written; the stale update is not
    stored = graph.fetch_nodes(["system:a.mot-cua"])["system:a.mot-cua"].props
    assert stored["name"] == "Hệ thống một cửa tỉnh A" and stored["description"] == "Sửa qua API trong lúc nhập"
    assert [change.by for change in entity_history(graph.store, "system:a.mot-cua")] == [
        "api:nguoi-khac", "chuyen-vien", "chuyen-vien"]


def test_an_edited_export_record_read_at_an_older_revision_is_refused(graph):
    load(graph, SEED)
    load(graph, [{**SEED[1], "description": "Bản mới"}], at=T2)
    stale = load(graph, [{**SEED[1], "name": "Sửa trên bản xuất cũ", "revision": 1}], at=T3)
    assert [(reject.field, reject.record_id) for reject in stale.rejects] == [("revision", "system:a.mot-cua")]
    current = load(graph, [{**SEED[1], "name": "Sửa trên bản xuất mới", "description": "Bản mới", "revision": 2}],
                   at=T3)
    assert current.ok and revision(graph, "system:a.mot-cua") == 3


def agency_records(code: str, systems: int) -> list[dict[str, Any]]:
    agency = f"agency:tinh-{code}"
    records: list[dict[str, Any]] = [{"type": "Agency", "id": agency, "name": f"UBND tỉnh {code}", "level": "province"}]
    for index in range(systems):
        system = f"system:{code}.he-thong-{index}"
        records.append({"type": "System", "id": system, "name": f"Hệ thống {index} tỉnh {code}"})
        records.append({"type": "OWNS", "from": agency, "to": system})
    return records


def test_concurrent_imports_of_different_agencies_do_not_interfere(graph):
    files = {code: agency_records(code, 60) for code in ("x", "y")}
    reports: dict[str, Any] = {}
    start = threading.Barrier(2)

    def run(code: str) -> None:
        start.wait(timeout=30)
        records = [Parsed(Location(f"{code}.yaml", line), parse_record(raw)) for line, raw in enumerate(files[code])]
        reports[code] = Loader(graph, batch_size=7, user=f"nguoi-{code}").load_items(lambda: records)

    threads = [threading.Thread(target=run, args=(code,)) for code in files]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    assert all(reports[code].ok for code in files), {code: reports[code].rejects[:3] for code in reports}
    assert graph.stats().node_total == 122 and graph.stats().relationship_total == 120
    for code in files:
        history = entity_history(graph.store, f"agency:tinh-{code}")
        assert len(history) == 61 and {change.by for change in history} == {f"nguoi-{code}"}
        assert len(entity_history(graph.store, f"system:{code}.he-thong-59")) == 2
    total = graph.store.read("MATCH (c:Change) RETURN count(c) AS total")[0]["total"]
    assert total == 2 * (1 + 60 + 60)
