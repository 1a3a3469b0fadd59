"""`registry generate`: deterministic, in the import template's layout, with a ground truth the importer skips,
and — at nation scale — the volumes of issue 6."""

from __future__ import annotations

import csv
import hashlib
from pathlib import Path

import pytest
from typer.testing import CliRunner

from importers import expand_paths
from importers.template import write_csv
from registry.cli import app
from registry.synthetic import GROUND_TRUTH_FILE, GenerateError, generate, load
from registry.synthetic.writer import SHEETS, read_counts, sheet_file_name

from .conftest import SEED

NATION_MINIMUMS = {"System": 50_000, "Dataset": 200_000, "Api": 100_000, "PublicService": 100_000}


def digests(folder: Path) -> dict[str, str]:
    return {path.name: hashlib.sha256(path.read_bytes()).hexdigest() for path in sorted(folder.iterdir())}


def test_the_same_seed_writes_the_same_bytes(tmp_path, province_dir):
    generate(tmp_path / "again", "province", SEED)
    assert digests(tmp_path / "again") == digests(province_dir)


def test_another_seed_writes_another_registry(tmp_path, province_dir):
    generate(tmp_path / "other", "province", SEED + 1)
    changed = {name for name, digest in digests(tmp_path / "other").items() if digest != digests(province_dir)[name]}
    assert {sheet_file_name("System"), sheet_file_name("Dataset"), GROUND_TRUTH_FILE} <= changed


def test_the_files_are_the_csv_template_filled_in(tmp_path, province_dir):
    template = tmp_path / "template"
    write_csv(template)
    for record_type in SHEETS:
        name = sheet_file_name(record_type)
        blank = (template / name).read_text(encoding="utf-8-sig").splitlines()
        with (province_dir / name).open(encoding="utf-8-sig") as filled:
            assert [filled.readline().rstrip("\n")] == blank


def test_import_reads_the_csv_files_and_not_the_ground_truth(province_dir):
    read = [path.name for path in expand_paths([province_dir])]
    assert read == [sheet_file_name(record_type) for record_type in SHEETS]
    truth = load(province_dir)
    assert truth["scale"] == "province" and truth["seed"] == SEED and truth["provinces"] == ["15"]


def test_names_are_vietnamese_with_diacritics(province_dir):
    with (province_dir / sheet_file_name("System")).open(encoding="utf-8-sig", newline="") as handle:
        names = [row[1] for row in list(csv.reader(handle))[1:]]
    assert sum(name != name.encode("ascii", "ignore").decode() for name in names) / len(names) > 0.95
    assert any(name.startswith("HTTT ") for name in names)  # a planted abbreviation


def test_unknown_scale_or_province_is_refused(tmp_path):
    with pytest.raises(GenerateError, match="unknown scale"):
        generate(tmp_path, "district", 1)
    with pytest.raises(GenerateError, match="no province with code '99'"):
        generate(tmp_path, "province", 1, "99")


def test_the_command_writes_the_folder_and_says_what(tmp_path):
    result = CliRunner().invoke(app, ["generate", "--out", str(tmp_path / "out"), "--province", "68", "--json"])
    assert result.exit_code == 0, result.output
    assert '"provinces": [\n    "68"\n  ]' in result.output
    assert (tmp_path / "out" / GROUND_TRUTH_FILE).exists()
    assert CliRunner().invoke(app, ["generate", "--out", str(tmp_path / "x"), "--scale", "x"]).exit_code == 2


def test_nation_scale_has_the_volumes_of_the_issue(tmp_path):
    summary = generate(tmp_path / "nation", "nation", SEED)
    nodes, relationships = read_counts(tmp_path / "nation")
    assert nodes == summary.nodes and relationships == summary.relationships
    for record_type, minimum in NATION_MINIMUMS.items():
        assert nodes[record_type] >= minimum, (record_type, nodes[record_type])
    assert sum(relationships.values()) >= 1_000_000
    truth = load(tmp_path / "nation")
    assert len(truth["provinces"]) == 34 and len(truth["showcase_provinces"]) == 2
    assert all(truth["rules"][rule] for rule in truth["rules"])
