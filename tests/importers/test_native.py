"""The native importer: records located by file and line, bad ones named, good ones kept."""

from pathlib import Path

from importers import ImportContext, Parsed, Reject, expand_paths, importer_for


def read(path: Path) -> tuple[list[Parsed], list[Reject]]:
    items = list(importer_for(path).read(path, ImportContext()))
    return [i for i in items if isinstance(i, Parsed)], [i for i in items if isinstance(i, Reject)]


def test_yaml_records_are_read_with_their_lines(fixtures_dir):
    parsed, rejects = read(fixtures_dir / "native" / "valid.yaml")
    assert rejects == []
    assert len(parsed) == 8 + 11
    assert parsed[0].location.line == 4 and parsed[0].record.name == "Bộ Công an"


def test_each_invalid_yaml_record_is_named_by_line_and_field(fixtures_dir):
    parsed, rejects = read(fixtures_dir / "native" / "invalid.yaml")
    named = {(r.location.line, r.field) for r in rejects}
    assert named == {(3, "status"), (7, "colour"), (11, "level"), (14, "id"), (17, "type"), (33, "to")}
    assert all(r.location.file.endswith("invalid.yaml") for r in rejects)
    assert {p.record.id for p in parsed if hasattr(p.record, "id")} == {"agency:valid", "dataset:valid"}


def test_json_lines_skip_a_broken_line_and_keep_the_rest(fixtures_dir):
    parsed, rejects = read(fixtures_dir / "native" / "records.jsonl")
    assert [(r.location.line, r.field) for r in rejects] == [(5, "line")]
    assert "invalid JSON" in rejects[0].reason
    assert [p.location.line for p in parsed] == [1, 2, 4, 6, 7]


def test_json_arrays_report_the_line_of_each_object(fixtures_dir):
    parsed, rejects = read(fixtures_dir / "native" / "records.json")
    assert [(r.location.line, r.field) for r in rejects] == [(3, "record_count")]
    assert [p.location.line for p in parsed] == [2, 10]


def test_bytes_that_are_not_utf8_are_a_reject_not_a_crash(fixtures_dir):
    parsed, rejects = read(fixtures_dir / "native" / "latin1.jsonl")
    assert [(r.location.line, r.field) for r in rejects] == [(1, "line")]
    assert "not UTF-8" in rejects[0].reason
    assert [p.record.name for p in parsed] == ["Bộ Y tế"]


def test_broken_yaml_names_the_line(fixtures_dir):
    parsed, rejects = read(fixtures_dir / "native" / "broken.yaml")
    assert parsed == []
    assert rejects[0].field == "file" and rejects[0].location.line is not None
    assert "invalid YAML" in rejects[0].reason


def test_unknown_top_level_keys_are_named(tmp_path):
    path = tmp_path / "x.yaml"
    path.write_text("nodes: []\nsystems: []\n", encoding="utf-8")
    _, rejects = read(path)
    assert [(r.field, r.location.line) for r in rejects] == [("systems", 2)]


def test_directories_are_read_in_a_stable_sorted_order(tmp_path):
    for name in ("b/2.yaml", "a.jsonl", "b/1.json", "c.txt", "B.yml"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("[]", encoding="utf-8")
    assert [p.relative_to(tmp_path).as_posix() for p in expand_paths([tmp_path])] == [
        "B.yml", "a.jsonl", "b/1.json", "b/2.yaml"]


def test_a_json_line_longer_than_the_limit_is_refused_unread_and_the_next_lines_load(tmp_path):
    from importers.limits import ImportLimits

    path = tmp_path / "long.jsonl"
    long_name = "x" * 5000
    path.write_text('{"type": "Agency", "id": "agency:a", "name": "A", "level": "province"}\n'
                    f'{{"type": "Agency", "id": "agency:b", "name": "{long_name}", "level": "province"}}\n'
                    '{"type": "Agency", "id": "agency:c", "name": "C", "level": "province"}\n', encoding="utf-8")
    context = ImportContext(limits=ImportLimits(max_document_bytes=1000))
    items = list(importer_for(path).read(path, context))
    assert [item.record.id for item in items if isinstance(item, Parsed)] == ["agency:a", "agency:c"]
    [reject] = [item for item in items if isinstance(item, Reject)]
    assert (reject.location.line, reject.field) == (2, "line") and "longer than 1,000 bytes" in reject.reason
