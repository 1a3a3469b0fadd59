"""Loading records: idempotent upserts, referential checks and rejects, on both stores."""

import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from registry.graph import RegistryGraph
from registry.loading import Loader
from tests.registry.exports import export_text

REPO = Path(__file__).resolve().parents[2]


class Clock:
    """A clock the test moves by hand, so timestamps are predictable."""

    def __init__(self) -> None:
        self.now = datetime(2026, 1, 1, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self) -> None:
        self.now += timedelta(hours=1)


@pytest.fixture
def clock() -> Clock:
    return Clock()


def load(graph: RegistryGraph, *paths: Path, clock=None, batch_size: int = 1000):
    loader = Loader(graph, batch_size=batch_size, clock=clock or (lambda: datetime.now(UTC)))
    return loader.load_files(list(paths))


export = export_text


def counts(report) -> dict:
    return {kind: dict(counter) for kind, counter in report.counts.items()}


def test_a_valid_inventory_loads_whole(graph, fixtures_dir):
    report = load(graph, fixtures_dir / "native" / "valid.yaml")
    assert report.ok, report.rejects
    assert counts(report) == {"nodes": {"created": 8}, "relationships": {"created": 11}}
    stats = graph.stats()
    assert stats.nodes == {"Agency": 3, "System": 2, "Platform": 1, "Dataset": 1, "Api": 1}
    assert stats.relationships["OWNS"] == 3 and stats.relationship_total == 11
    assert stats.pillars == {"applications": 2, "data": 1, "institutions": 3, "platforms": 2}


def test_reimporting_the_same_file_changes_nothing(graph, fixtures_dir, clock):
    load(graph, fixtures_dir / "native" / "valid.yaml", clock=clock)
    before = export(graph)
    clock.advance()
    again = load(graph, fixtures_dir / "native" / "valid.yaml", clock=clock)
    assert counts(again) == {"nodes": {"unchanged": 8}, "relationships": {"unchanged": 11}}
    assert export(graph, again.run_id) == before  # not even a timestamp moved; the run itself is recorded


def test_a_changed_record_is_updated_and_keeps_its_creation_time(graph, fixtures_dir, tmp_path, clock):
    original = fixtures_dir / "native" / "valid.yaml"
    load(graph, original, clock=clock)
    changed = tmp_path / "valid.yaml"
    changed.write_text(original.read_text(encoding="utf-8").replace("version: \"2.1\"", "version: \"3.0\""),
                       encoding="utf-8")
    clock.advance()
    report = load(graph, changed, clock=clock)
    assert counts(report) == {"nodes": {"unchanged": 7, "updated": 1}, "relationships": {"unchanged": 11}}
    api = graph.fetch_nodes(["api:dan-cu.tra-cuu"])["api:dan-cu.tra-cuu"].props
    assert api["version"] == "3.0"
    assert api["created_at"] == "2026-01-01T00:00:00Z" and api["updated_at"] == "2026-01-01T01:00:00Z"
    assert api["source"] == str(changed) and api["import_run"] == report.run_id


def test_bad_records_are_rejected_by_line_and_field_and_the_good_ones_load(graph, fixtures_dir):
    report = load(graph, fixtures_dir / "native" / "invalid.yaml")
    named = {(r.location.line, r.field): r.reason for r in report.rejects}
    assert set(named) == {(3, "status"), (7, "colour"), (11, "level"), (14, "id"), (17, "type"),
                          (30, "to"), (31, "from"), (32, "to"), (33, "to")}
    assert "no entity with id 'dataset:nowhere'" in named[(30, "to")]
    assert "MASTERS must start at Platform or System; 'agency:valid' is of type Agency" == named[(31, "from")]
    assert named[(32, "to")].startswith("entity 'system:bad-status' was rejected at ") \
        and named[(32, "to")].endswith("invalid.yaml:3")
    assert counts(report) == {"nodes": {"created": 2}, "relationships": {"created": 1}}
    assert not report.ok


def test_a_dataset_cannot_get_a_second_master(graph, fixtures_dir, tmp_path):
    load(graph, fixtures_dir / "native" / "valid.yaml")
    second = tmp_path / "second.yaml"
    second.write_text(
        "nodes:\n"
        "  - {type: System, id: system:copy, name: Hệ thống sao chép dân cư}\n"
        "relationships:\n"
        "  - {type: MASTERS, from: system:copy, to: dataset:dan-cu}\n"
        "  - {type: HOLDS_COPY_OF, from: system:copy, to: dataset:dan-cu, sync_method: batch_file}\n",
        encoding="utf-8")
    report = load(graph, second)
    assert [(r.location.line, r.field) for r in report.rejects] == [(4, "to")]
    assert "'dataset:dan-cu' already has MASTERS from 'system:csdl-dan-cu'; at most 1 allowed" \
        == report.rejects[0].reason
    assert counts(report)["relationships"] == {"created": 1}


def test_two_masters_in_one_file_keep_the_first(graph, tmp_path):
    path = tmp_path / "two.yaml"
    path.write_text(
        "nodes:\n"
        "  - {type: Dataset, id: dataset:d, name: Dữ liệu}\n"
        "  - {type: System, id: system:a, name: A}\n"
        "  - {type: System, id: system:b, name: B}\n"
        "relationships:\n"
        "  - {type: MASTERS, from: system:a, to: dataset:d}\n"
        "  - {type: MASTERS, from: system:b, to: dataset:d}\n",
        encoding="utf-8")
    report = load(graph, path, batch_size=1)  # checks hold across batches too
    assert [(r.location.line, r.field) for r in report.rejects] == [(7, "to")]
    assert graph.neighbours("MASTERS", ["dataset:d"], incoming=True) == {"dataset:d": {"system:a"}}


def test_an_id_cannot_change_type(graph, fixtures_dir, tmp_path):
    load(graph, fixtures_dir / "native" / "valid.yaml")
    clash = tmp_path / "clash.jsonl"
    clash.write_text('{"type":"Dataset","id":"system:csdl-dan-cu","name":"Trùng mã"}\n', encoding="utf-8")
    report = load(graph, clash)
    assert [(r.location.line, r.field) for r in report.rejects] == [(1, "id")]
    assert "already belongs to an entity of type System" in report.rejects[0].reason


def test_an_id_defined_twice_differently_in_one_import_is_rejected(graph, tmp_path):
    path = tmp_path / "twice.jsonl"
    path.write_text('{"type":"Agency","id":"agency:a","name":"Sở A","level":"unit"}\n'
                    '{"type":"Agency","id":"agency:a","name":"Sở A","level":"unit"}\n'
                    '{"type":"Agency","id":"agency:a","name":"Sở B","level":"unit"}\n', encoding="utf-8")
    report = load(graph, path)
    assert [(r.location.line, r.field) for r in report.rejects] == [(3, "id")]
    assert "defined differently at" in report.rejects[0].reason and report.rejects[0].reason.endswith(":1")
    assert counts(report)["nodes"] == {"created": 1, "unchanged": 1}


def test_relationships_may_name_nodes_from_a_later_file(graph, tmp_path):
    (tmp_path / "a.yaml").write_text(
        "relationships:\n  - {type: OWNS, from: agency:z, to: system:z}\n", encoding="utf-8")
    (tmp_path / "b.yaml").write_text(
        "nodes:\n  - {type: Agency, id: agency:z, name: Sở Z, level: unit}\n"
        "  - {type: System, id: system:z, name: Hệ thống Z}\n", encoding="utf-8")
    report = load(graph, tmp_path / "a.yaml", tmp_path / "b.yaml")
    assert report.ok and counts(report) == {"nodes": {"created": 2}, "relationships": {"created": 1}}


def test_export_then_import_into_an_empty_store_gives_the_same_export(graph, fixtures_dir, tmp_path):
    load(graph, fixtures_dir / "native" / "valid.yaml", fixtures_dir / "native" / "records.jsonl")
    first = export(graph)
    assert "Cơ sở dữ liệu quốc gia về dân cư" in first  # UTF-8, not \\u escapes
    dump = tmp_path / "dump.jsonl"
    dump.write_text(first, encoding="utf-8")
    graph.store.delete_all()
    report = load(graph, dump)
    assert report.ok
    assert export(graph, report.run_id) == first


def test_the_sample_registry_loads_without_a_reject(graph):
    sample = REPO / "data" / "sample"
    from importers import expand_paths

    report = load(graph, *expand_paths([sample]))
    assert report.rejects == []
    stats = graph.stats()
    assert stats.nodes["Agency"] >= 34 + 14
    assert {"Platform", "Dataset", "System", "Api"} <= set(stats.nodes)
    provinces = graph.store.read("MATCH (a:Agency {level: 'province'}) RETURN count(a) AS c")[0]["c"]
    assert provinces == 34


@pytest.mark.neo4j
def test_an_export_from_one_store_loads_into_the_other(request, fixtures_dir, tmp_path, store_kind):
    """Embedded → Neo4j and Neo4j → embedded give identical exports."""
    other_kind = "neo4j" if store_kind == "embedded" else "embedded"
    source = RegistryGraph(request.getfixturevalue("store"))
    load(source, fixtures_dir / "native" / "valid.yaml")
    first = export(source)
    dump = tmp_path / "dump.jsonl"
    dump.write_text(first, encoding="utf-8")
    if other_kind == "embedded":
        from tests.conftest import new_embedded_store

        target_store = new_embedded_store(request.getfixturevalue("embedded_data_dir"))
    else:
        target_store = request.getfixturevalue("neo4j_session_store")
        target_store.delete_all()
    try:
        target = RegistryGraph(target_store)
        restore = load(target, dump)
        assert restore.ok
        assert export(target, restore.run_id) == first
    finally:
        target_store.delete_all()
    shutil.rmtree(tmp_path, ignore_errors=True)


def test_a_dry_run_shows_what_would_change_and_writes_nothing(graph, fixtures_dir, tmp_path):
    load(graph, fixtures_dir / "native" / "valid.yaml")
    before = export(graph)
    changed = tmp_path / "valid.yaml"
    changed.write_text((fixtures_dir / "native" / "valid.yaml").read_text(encoding="utf-8")
                       .replace('version: "2.1"', 'version: "3.0"')
                       + "  - {type: HOSTED_ON, from: system:tinh-15.mot-cua, to: infra:dc}\n", encoding="utf-8")
    changed.write_text(changed.read_text(encoding="utf-8").replace(
        "nodes:\n", "nodes:\n  - {type: Infrastructure, id: infra:dc, name: Trung tâm dữ liệu tỉnh, kind: data_center}\n",
        1), encoding="utf-8")
    report = Loader(graph, dry_run=True).load_files([changed])
    assert report.ok and report.dry_run
    assert counts(report) == {"nodes": {"created": 1, "updated": 1, "unchanged": 7},
                              "relationships": {"created": 1, "unchanged": 11}}
    changes = {change.key: change for change in report.changes}
    assert changes["api:dan-cu.tra-cuu"].fields == {"version": ("2.1", "3.0")}
    assert changes["infra:dc"].outcome == "created"
    assert "system:tinh-15.mot-cua -HOSTED_ON-> infra:dc" in changes  # its end exists only in this import
    assert export(graph) == before
    assert graph.import_runs() and all(run["files"] != [str(changed)] for run in graph.import_runs())


def test_each_run_is_recorded_with_its_files_checksums_and_counts(graph, fixtures_dir):
    path = fixtures_dir / "native" / "invalid.yaml"
    report = load(graph, path)
    run = graph.import_runs()[0]
    import hashlib

    assert run["id"] == report.run_id and run["status"] == "completed"
    assert run["files"] == [str(path)] and run["formats"] == ["native"]
    assert run["checksums"] == ["sha256:" + hashlib.sha256(path.read_bytes()).hexdigest()]
    assert run["importer_versions"] == ["native/1.1"]
    assert (run["nodes_created"], run["relationships_created"], run["rejected"]) == (2, 1, 9)
    assert '"field": "colour"' in run["rejects_json"] and run["user"]


def test_an_import_that_fails_half_way_is_recorded_as_failed_with_what_it_wrote(graph, fixtures_dir):
    from graph_model import parse_record
    from importers import Location, Parsed

    def items():  # two records, then the source breaks (a disk error, a lost connection…)
        yield Parsed(Location("feed", 1), parse_record({"type": "Agency", "id": "agency:a", "name": "A",
                                                        "level": "province"}))
        raise OSError("the source went away")

    with pytest.raises(OSError):
        Loader(graph, batch_size=1).load_items(items)
    run = graph.import_runs()[0]
    assert run["status"] == "failed" and run["finished_at"]


def test_a_relationship_given_twice_in_one_batch_is_created_once(graph, tmp_path):
    path = tmp_path / "twice.yaml"
    path.write_text(
        "nodes:\n  - {type: Agency, id: agency:a, name: Sở A, level: unit}\n"
        "  - {type: System, id: system:a, name: Hệ thống A}\n"
        "relationships:\n  - {type: USES, from: agency:a, to: system:a}\n"
        "  - {type: USES, from: agency:a, to: system:a}\n"
        "  - {type: USES, from: agency:a, to: system:a, deployment: khác}\n", encoding="utf-8")
    report = load(graph, path)
    assert counts(report)["relationships"] == {"created": 1, "unchanged": 1}
    assert [(r.location.line, r.field) for r in report.rejects] == [(7, "to")]
