"""The `registry` command as a user runs it: exit codes, output, and both stores."""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from registry.store.falkordb_server import FalkorDBServer

REGISTRY = shutil.which("registry", path=str(Path(sys.executable).parent)) or "registry"


@pytest.fixture
def run(tmp_path, store_kind, request):
    """Run `registry` with a fresh embedded data directory, or against the test Neo4j (emptied first)."""
    env = {**os.environ, "REGISTRY_STORE": store_kind, "REGISTRY_DATA_DIR": str(tmp_path / "data")}
    if store_kind == "neo4j":
        request.getfixturevalue("neo4j_session_store").delete_all()

    def run_registry(*args: str, check_code: int | None = 0) -> subprocess.CompletedProcess:
        """Run the command; assert its exit code unless check_code is None."""
        result = subprocess.run([REGISTRY, *args], capture_output=True, text=True, env=env, cwd=tmp_path,
                                timeout=300)
        if check_code is not None:
            assert result.returncode == check_code, result.stdout + result.stderr
        return result

    run_registry.env = env  # type: ignore[attr-defined]
    yield run_registry
    if store_kind == "embedded":
        FalkorDBServer(tmp_path / "data").stop()


def test_import_exits_0_when_everything_loaded_and_stats_counts_it(run, fixtures_dir):
    result = run("import", str(fixtures_dir / "native" / "valid.yaml"))
    assert "rejected: 0" in result.stdout
    stats = json.loads(run("stats", "--json").stdout)
    assert stats["nodes"]["total"] == 8 and stats["relationships"]["by_type"]["MASTERS"] == 1
    assert stats["pillars"]["institutions"] == 3


def test_import_exits_1_names_each_reject_and_writes_the_report(run, fixtures_dir, tmp_path):
    report = tmp_path / "rejects.csv"
    result = run("import", str(fixtures_dir / "native" / "invalid.yaml"), "--report", str(report), check_code=1)
    assert "rejected: 9" in result.stdout
    assert "dataset:nowhere" in result.stderr and "colour" in result.stderr
    lines = report.read_text(encoding="utf-8").splitlines()
    assert lines[0] == "file,sheet,line,type,id,field,reason" and len(lines) == 10
    assert json.loads(run("stats", "--json").stdout)["nodes"]["total"] == 2  # the valid ones loaded


def test_export_to_stdout_and_to_a_file_agree_and_round_trip(run, fixtures_dir, tmp_path):
    run("import", str(fixtures_dir / "native"), check_code=1)  # the folder holds bad files too
    exported = run("export", "--format", "jsonl").stdout
    run("export", "--format", "jsonl", "--out", str(tmp_path / "dump.jsonl"))
    assert (tmp_path / "dump.jsonl").read_text(encoding="utf-8") == exported
    assert "Văn phòng Chính phủ" in exported
    assert '{"type":"Change"' in exported  # the backup holds the history too
    run("db", "reset", "--yes")
    assert json.loads(run("stats", "--json").stdout)["nodes"]["total"] == 0
    assert '{"type":"ImportRun"' in exported  # and the import runs
    restore = json.loads(run("import", str(tmp_path / "dump.jsonl"), "--json").stdout)
    assert restore["import_runs"] == {"created": 1, "updated": 0, "unchanged": 0}
    restored = run("export").stdout.splitlines(keepends=True)
    assert json.loads(restored[-1])["id"] == restore["run_id"]  # plus the restore's own run
    assert "".join(restored[:-1]) == exported
    again = run("import", str(tmp_path / "dump.jsonl"), "--json")
    assert json.loads(again.stdout)["nodes"] == {"created": 0, "updated": 0, "unchanged": 15}


def test_schema_json_is_a_json_schema(run):
    document = json.loads(run("schema", "--json").stdout)
    assert document["$schema"].startswith("https://json-schema.org/")
    assert "Agency" in document["$defs"]
    assert "Relationship types" in run("schema").stdout


def test_the_embedded_database_lifecycle(run, store_kind):
    if store_kind == "neo4j":
        assert "running" in run("db", "status").stdout
        assert "nothing to stop" in run("db", "stop").stdout
        return
    assert "stopped" in run("db", "status", check_code=3).stdout
    assert "running" in run("db", "start").stdout
    run("import", str(Path(__file__).parent.parent / "fixtures" / "native" / "valid.yaml"))
    assert "stopped" in run("db", "stop").stdout
    assert json.loads(run("stats", "--json").stdout)["nodes"]["total"] == 8  # started again on first use


def test_bad_settings_and_missing_files_are_clear_errors(run):
    assert "No such file" in run("import", "nowhere.yaml", check_code=2).stderr
    text_file = Path(__file__).parent / "notes.txt"
    text_file.write_text("x", encoding="utf-8")
    try:
        assert "no importer reads '.txt' files" in run("import", str(text_file), check_code=2).stderr
    finally:
        text_file.unlink()
    assert "Invalid settings" in run("--store", "oracle", "stats", check_code=2).stderr


def test_an_unreachable_neo4j_is_a_clear_error(tmp_path):
    env = {**os.environ, "REGISTRY_STORE": "neo4j", "NEO4J_URI": "neo4j://127.0.0.1:9", "NEO4J_PASSWORD": "x"}
    result = subprocess.run([REGISTRY, "stats"], capture_output=True, text=True, env=env, timeout=120)
    assert result.returncode == 2 and "unreachable" in result.stderr
    assert "Traceback" not in result.stderr


def test_an_import_killed_half_way_leaves_whole_batches_and_a_rerun_completes_it(run, tmp_path):
    """Each batch is one transaction: after a kill the store holds whole records only, and the same command
    run again loads the rest, creating nothing twice."""
    import signal
    import time

    path = tmp_path / "big.jsonl"
    with path.open("w", encoding="utf-8") as handle:
        for index in range(40_000):
            handle.write(json.dumps({"type": "System", "id": f"system:{index:05d}",
                                     "name": f"Hệ thống {index}", "kind": "sector_application"},
                                    ensure_ascii=False) + "\n")
    env = {**run.env, "REGISTRY_BATCH_SIZE": "500"}
    process = subprocess.Popen([REGISTRY, "import", str(path)], env=env, cwd=tmp_path,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    loaded = 0
    while time.monotonic() < deadline and process.poll() is None:
        loaded = json.loads(run("stats", "--json").stdout)["nodes"]["total"]
        if loaded >= 2000:
            break
        time.sleep(0.1)
    process.send_signal(signal.SIGKILL)
    process.wait()
    partial = json.loads(run("stats", "--json").stdout)["nodes"]["total"]
    assert 0 < partial < 40_000, "the import must be killed mid-way for this test to mean anything"
    assert partial % 500 == 0  # whole batches only
    runs = json.loads(run("imports", "--json").stdout)
    assert runs[0]["status"] == "running"  # the killed run is visible as never completed
    outcome = json.loads(run("import", str(path), "--json").stdout)
    assert outcome["nodes"] == {"created": 40_000 - partial, "updated": 0, "unchanged": partial}
    assert json.loads(run("stats", "--json").stdout)["nodes"]["total"] == 40_000


def test_dry_run_and_the_list_of_runs(run, fixtures_dir):
    dry = json.loads(run("import", "--dry-run", "--json", str(fixtures_dir / "native" / "valid.yaml")).stdout)
    assert dry["dry_run"] is True and dry["nodes"]["created"] == 8 and len(dry["changes"]) == 19
    assert json.loads(run("stats", "--json").stdout)["nodes"]["total"] == 0
    run("import", str(fixtures_dir / "native" / "valid.yaml"))
    runs = json.loads(run("imports", "--json").stdout)
    assert len(runs) == 1 and runs[0]["nodes_created"] == 8 and runs[0]["status"] == "completed"
    assert "valid.yaml" in run("imports").stdout


def test_template_command_writes_a_workbook_that_imports(run, tmp_path):
    run("template", "--format", "xlsx", "--out", str(tmp_path / "t.xlsx"))
    run("template", "--format", "csv", "--out", str(tmp_path / "t"))
    run("import", str(tmp_path / "t.xlsx"), str(tmp_path / "t"))


def test_two_agencies_importing_at_once_with_their_own_tokens_both_land_whole(run, tmp_path):
    """Two `registry import --token` processes at the same time, each for its own province, both linking to the
    same national platform: both complete without a reject, every record is there once, each change is its own
    token's, and the shared platform is not touched (the links belong to the provinces' systems)."""
    systems = 800
    seed = [{"type": "Agency", "id": "agency:bo", "name": "Bộ Công an", "level": "ministry"},
            {"type": "Platform", "id": "platform:dinh-danh", "name": "Nền tảng định danh quốc gia"},
            {"type": "OWNS", "from": "agency:bo", "to": "platform:dinh-danh"}]
    seed += [{"type": "Agency", "id": f"agency:tinh-{code}", "name": f"UBND tỉnh {code.upper()}", "level": "province"}
             for code in ("x", "y")]
    (tmp_path / "seed.jsonl").write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in seed), "utf-8")
    run("import", str(tmp_path / "seed.jsonl"))
    platform_revision = next(json.loads(line) for line in run("export").stdout.splitlines()
                             if '"id":"platform:dinh-danh"' in line)["revision"]
    commands = {}
    for code in ("x", "y"):
        token = run("token", "create", "--agency", f"agency:tinh-{code}", "--name", f"tinh-{code}").stdout.strip()
        records = []
        for index in range(systems):
            system = f"system:{code}.he-thong-{index}"
            records += [{"type": "System", "id": system, "name": f"Hệ thống {index} tỉnh {code.upper()}"},
                        {"type": "OWNS", "from": f"agency:tinh-{code}", "to": system},
                        {"type": "CONNECTS_TO", "from": system, "to": "platform:dinh-danh"}]
        path = tmp_path / f"tinh-{code}.jsonl"
        path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
        commands[code] = [REGISTRY, "import", "--token", token, str(path), "--json"]
    processes = {code: subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                        env=run.env, cwd=tmp_path) for code, command in commands.items()}
    outcomes = {code: process.communicate(timeout=600) for code, process in processes.items()}
    for code, process in processes.items():
        assert process.returncode == 0, outcomes[code]
        report = json.loads(outcomes[code][0])
        assert report["rejected"] == 0 and report["nodes"]["created"] == systems
        assert report["relationships"]["created"] == 2 * systems
    # Started together; whether the engine then interleaves their statements (it usually does) or lets one wait
    # for the other (FalkorDB runs writes one at a time and a read may queue behind a stream of them) is its own
    # business: what must hold is that neither loses, duplicates or misattributes anything.
    runs = {entry["user"]: entry["status"] for entry in json.loads(run("imports", "--json").stdout)}
    assert runs["token:tinh-x"] == runs["token:tinh-y"] == "completed"
    exported = [json.loads(line) for line in run("export").stdout.splitlines()]
    systems_stored = [r for r in exported if r["type"] == "System"]
    assert len(systems_stored) == 2 * systems and len({r["id"] for r in systems_stored}) == 2 * systems
    assert sum(r["type"] == "CONNECTS_TO" for r in exported) == 2 * systems
    platform = next(r for r in exported if r.get("id") == "platform:dinh-danh")
    assert platform["revision"] == platform_revision  # linked to 1,600 times, changed by neither import
    changes = [r for r in exported if r["type"] == "Change" and r["entity"].startswith("system:")]
    assert {(r["entity"].split(".")[0], r["by"]) for r in changes} == {("system:x", "token:tinh-x"),
                                                                         ("system:y", "token:tinh-y")}
    assert len(changes) == 2 * systems * 2  # each system's create and its CONNECTS_TO link
