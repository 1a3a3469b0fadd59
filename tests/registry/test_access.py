"""Who may import what: an agency token imports only what its agencies own, each refusal a located reject that
is audited without the token; and secrets (tokens, the Neo4j password) appear in no log or error message."""

from __future__ import annotations

import json
import logging
import os
import socket
import subprocess
import traceback
from pathlib import Path
from typing import Any

import pytest

from graph_model import parse_record
from importers import Location, Parsed, Reject
from registry.access import ImportAuthoriser
from registry.agency_tree import MAX_AGENCY_DEPTH
from registry.api.tokens import create_token, find_token, token_hash
from registry.graph import RegistryGraph
from registry.loading import Loader, LoadReport
from registry.store import StoreError
from tests.conftest import REPO
from tests.registry.seeding import seed
from tests.registry.test_cli import REGISTRY

SEED = [
    {"type": "Agency", "id": "agency:bo", "name": "Bộ Nội vụ", "level": "ministry"},
    {"type": "Agency", "id": "agency:tinh-a", "name": "UBND tỉnh A", "level": "province"},
    {"type": "Agency", "id": "agency:tinh-a.xa", "name": "UBND xã X tỉnh A", "level": "commune"},
    {"type": "Agency", "id": "agency:tinh-b", "name": "UBND tỉnh B", "level": "province"},
    {"type": "System", "id": "system:a.mot-cua", "name": "Hệ thống một cửa tỉnh A"},
    {"type": "System", "id": "system:a.xa", "name": "Hệ thống của xã X"},
    {"type": "System", "id": "system:b.mot-cua", "name": "Hệ thống một cửa tỉnh B"},
    {"type": "System", "id": "system:bo.lgsp", "name": "Nền tảng tích hợp của Bộ"},
    {"type": "System", "id": "system:mo-coi", "name": "Hệ thống không ai sở hữu"},
    {"type": "PART_OF", "from": "agency:tinh-a.xa", "to": "agency:tinh-a"},
    {"type": "OWNS", "from": "agency:tinh-a", "to": "system:a.mot-cua"},
    {"type": "OWNS", "from": "agency:tinh-a.xa", "to": "system:a.xa"},
    {"type": "OWNS", "from": "agency:tinh-b", "to": "system:b.mot-cua"},
    {"type": "OWNS", "from": "agency:bo", "to": "system:bo.lgsp"},
]


@pytest.fixture
def seeded(graph: RegistryGraph) -> RegistryGraph:
    return seed(graph, SEED)


@pytest.fixture
def tokens(seeded: RegistryGraph) -> dict[str, str]:
    store = seeded.store
    return {
        "tinh-a": create_token(store, "agency", agency="agency:tinh-a", name="tinh-a")[0],
        "xa": create_token(store, "agency", agency="agency:tinh-a.xa", name="xa")[0],
        "reader": create_token(store, "read_only", name="doc")[0],
        "admin": create_token(store, "admin", name="quan-tri")[0],
    }


def write_jsonl(path: Path, records: list[dict[str, Any]]) -> Path:
    """One record per line: line N of the file is records[N-1]."""
    path.write_text("".join(json.dumps(record, ensure_ascii=False) + "\n" for record in records), encoding="utf-8")
    return path


def import_as(graph: RegistryGraph, token: str, path: Path, dry_run: bool = False) -> LoadReport:
    """What `registry import --token TOKEN PATH` does once the token is found."""
    record = find_token(graph.store, token)
    assert record is not None
    authoriser = ImportAuthoriser(graph.store, record)
    authoriser.learn_files([path])
    return Loader(graph, authorise=authoriser, dry_run=dry_run, user=f"token:{record.name}").load_files([path])


def located(report: LoadReport) -> dict[int | None, tuple[str, str]]:
    """Each reject by its line: (field, reason)."""
    return {reject.location.line: (reject.field, reject.reason) for reject in report.rejects}


def owner_of(graph: RegistryGraph, entity_id: str) -> set[str]:
    return graph.neighbours("OWNS", [entity_id], incoming=True).get(entity_id, set())


MIXED = [
    # 1: a new system of the token's own agency, with its OWNS on line 2
    {"type": "System", "id": "system:a.moi", "name": "Hệ thống mới tỉnh A"},
    {"type": "OWNS", "from": "agency:tinh-a", "to": "system:a.moi"},
    # 3: an update of a system the province owns; 4: a link from it to a ministry's platform
    {"type": "System", "id": "system:a.mot-cua", "name": "Một cửa tỉnh A (2026)"},
    {"type": "CONNECTS_TO", "from": "system:a.mot-cua", "to": "system:bo.lgsp"},
    # 5: an update of another province's system
    {"type": "System", "id": "system:b.mot-cua", "name": "Đổi tên hệ thống tỉnh B"},
    # 6: a new system owned (line 7) by another province
    {"type": "System", "id": "system:b.moi", "name": "Hệ thống mới tỉnh B"},
    {"type": "OWNS", "from": "agency:tinh-b", "to": "system:b.moi"},
    # 8: a new link from another province's system
    {"type": "CONNECTS_TO", "from": "system:b.mot-cua", "to": "system:a.mot-cua"},
    # 9: a new system naming no owner
    {"type": "System", "id": "system:a.khong-chu", "name": "Không chủ"},
    # 10: taking an unowned system; 11: taking another province's system
    {"type": "OWNS", "from": "agency:tinh-a", "to": "system:mo-coi"},
    {"type": "OWNS", "from": "agency:tinh-a", "to": "system:b.mot-cua"},
    # 12: moving the province under a ministry; 13: an agency record (not ownable)
    {"type": "PART_OF", "from": "agency:tinh-a", "to": "agency:bo"},
    {"type": "Agency", "id": "agency:tinh-a.so-moi", "name": "Sở mới", "level": "unit"},
]


def test_an_agency_token_imports_its_own_records(seeded, tokens, tmp_path):
    path = write_jsonl(tmp_path / "own.jsonl", MIXED[:4])
    report = import_as(seeded, tokens["tinh-a"], path)
    assert report.ok, report.rejects
    assert report.counts["nodes"]["created"] == 1 and report.counts["nodes"]["updated"] == 1
    assert report.counts["relationships"]["created"] == 2
    assert owner_of(seeded, "system:a.moi") == {"agency:tinh-a"}
    assert seeded.fetch_nodes(["system:a.mot-cua"])["system:a.mot-cua"].props["name"] == "Một cửa tỉnh A (2026)"
    assert seeded.fetch_relationships("CONNECTS_TO", [("system:a.mot-cua", "system:bo.lgsp")])
    assert report.user == "token:tinh-a"


def test_records_the_token_does_not_cover_are_located_rejects_and_the_rest_loads(seeded, tokens, tmp_path):
    path = write_jsonl(tmp_path / "mixed.jsonl", MIXED)
    report = import_as(seeded, tokens["tinh-a"], path)
    rejects = located(report)
    assert set(rejects) == set(range(5, 14)), rejects
    assert all(reason.startswith("forbidden: ") for _, reason in rejects.values())
    assert all(reject.location.file == str(path) for reject in report.rejects)
    assert rejects[5][0] == "id" and "owned by agency:tinh-b" in rejects[5][1]
    assert rejects[6][0] == "owner" and "'agency:tinh-b'" in rejects[6][1]
    assert rejects[7][0] == "from" and rejects[8][0] == "from"
    assert rejects[9][0] == "owner" and "needs an OWNS" in rejects[9][1]
    assert rejects[10][0] == "to" and "no agency" in rejects[10][1]
    assert rejects[11][0] == "to" and "agency:tinh-b" in rejects[11][1]
    assert rejects[12][0] == "type" and "PART_OF" in rejects[12][1]
    assert rejects[13][0] == "type" and "Agency needs an admin token" in rejects[13][1]
    # the valid rest loaded; nothing refused was written
    assert owner_of(seeded, "system:a.moi") == {"agency:tinh-a"}
    assert seeded.fetch_relationships("CONNECTS_TO", [("system:a.mot-cua", "system:bo.lgsp")])
    stored = seeded.fetch_nodes(["system:b.mot-cua", "system:b.moi", "system:a.khong-chu", "agency:tinh-a.so-moi"])
    assert list(stored) == ["system:b.mot-cua"] and stored["system:b.mot-cua"].props["name"] == "Hệ thống một cửa tỉnh B"
    assert not seeded.fetch_relationships("CONNECTS_TO", [("system:b.mot-cua", "system:a.mot-cua")])
    assert owner_of(seeded, "system:mo-coi") == set() and owner_of(seeded, "system:b.mot-cua") == {"agency:tinh-b"}
    assert seeded.neighbours("PART_OF", ["agency:tinh-a"], incoming=False) == {}


def test_a_dry_run_refuses_the_same_records_and_writes_nothing(seeded, tokens, tmp_path):
    path = write_jsonl(tmp_path / "mixed.jsonl", MIXED)
    before = seeded.stats().as_dict()
    dry = import_as(seeded, tokens["tinh-a"], path, dry_run=True)
    assert seeded.stats().as_dict() == before and len(dry.rejects) == 9
    real = import_as(seeded, tokens["tinh-a"], path)
    assert [reject.as_row() for reject in dry.rejects] == [reject.as_row() for reject in real.rejects]


def test_a_province_token_covers_its_communes_but_a_commune_token_not_its_province(seeded, tokens, tmp_path):
    commune_records = [
        {"type": "System", "id": "system:a.xa", "name": "Hệ thống của xã X (mới)"},
        {"type": "Dataset", "id": "dataset:a.xa.ho-so", "name": "CSDL hồ sơ xã X"},
        {"type": "OWNS", "from": "agency:tinh-a.xa", "to": "dataset:a.xa.ho-so"},
        {"type": "MASTERS", "from": "system:a.xa", "to": "dataset:a.xa.ho-so"},
    ]
    by_province = import_as(seeded, tokens["tinh-a"], write_jsonl(tmp_path / "xa.jsonl", commune_records))
    assert by_province.ok, by_province.rejects
    assert owner_of(seeded, "dataset:a.xa.ho-so") == {"agency:tinh-a.xa"}

    upward = [{"type": "System", "id": "system:a.mot-cua", "name": "Xã đổi tên hệ thống tỉnh"},
              {"type": "CONNECTS_TO", "from": "system:a.xa", "to": "system:a.mot-cua"}]
    by_commune = import_as(seeded, tokens["xa"], write_jsonl(tmp_path / "upward.jsonl", upward))
    assert located(by_commune).keys() == {1}  # the province's system: refused; a link from its own: fine
    assert "not by 'agency:tinh-a.xa'" in located(by_commune)[1][1]
    assert seeded.fetch_relationships("CONNECTS_TO", [("system:a.xa", "system:a.mot-cua")])


# A chain of PART_OF eleven levels deep under the province (one past MAX_AGENCY_DEPTH, 10) and a branch three levels
# deep under the other province, each level owning one system.
CHAIN = [f"agency:tinh-a.c{depth}" for depth in range(1, MAX_AGENCY_DEPTH + 2)]
SIBLING = [f"agency:tinh-b.c{depth}" for depth in range(1, 4)]


def _branch(root: str, agencies: list[str]) -> list[dict[str, Any]]:
    records: list[dict[str, Any]] = []
    for parent, agency in zip([root, *agencies], agencies, strict=False):
        records += [{"type": "Agency", "id": agency, "name": f"Đơn vị {agency}", "level": "unit"},
                    {"type": "System", "id": agency.replace("agency:", "system:"), "name": f"Hệ thống {agency}"},
                    {"type": "PART_OF", "from": agency, "to": parent},
                    {"type": "OWNS", "from": agency, "to": agency.replace("agency:", "system:")}]
    return records


def test_a_province_token_reaches_down_its_part_of_chain_to_the_documented_depth_and_no_further(seeded, tokens,
                                                                                                 tmp_path):
    """docs/security.md: an agency token writes what its agency or an agency under it (PART_OF, up to 10 levels)
    owns. Depth 3 and depth 10 are covered; depth 11, and a branch under another province, are not."""
    assert f"(`PART_OF`, up to {MAX_AGENCY_DEPTH} levels)" in (REPO / "docs" / "security.md").read_text(encoding="utf-8")
    where = Location("seed")
    tree = _branch("agency:tinh-a", CHAIN) + _branch("agency:tinh-b", SIBLING)
    loaded = Loader(seeded).load_items(lambda: [Parsed(where, parse_record(raw)) for raw in tree])
    assert loaded.ok, loaded.rejects
    depth3, depth10, depth11 = "system:tinh-a.c3", "system:tinh-a.c10", "system:tinh-a.c11"
    sibling3 = "system:tinh-b.c3"
    records = [
        # 1: an update of what the depth-3 unit owns; 2-3: a new dataset it will own; 4: a link from its system
        {"type": "System", "id": depth3, "name": "Hệ thống cấp 3 (mới)"},
        {"type": "Dataset", "id": "dataset:tinh-a.c3.ho-so", "name": "CSDL hồ sơ cấp 3"},
        {"type": "OWNS", "from": "agency:tinh-a.c3", "to": "dataset:tinh-a.c3.ho-so"},
        {"type": "CONNECTS_TO", "from": depth3, "to": sibling3},
        # 5: an update of the depth-3 unit of the sibling branch; 6: a link from its system
        {"type": "System", "id": sibling3, "name": "Đổi tên hệ thống của tỉnh B"},
        {"type": "CONNECTS_TO", "from": sibling3, "to": depth3},
        # 7: the last level covered (10); 8: one level past it (11); 9-10: a new system owned at depth 11
        {"type": "System", "id": depth10, "name": "Hệ thống cấp 10 (mới)"},
        {"type": "System", "id": depth11, "name": "Hệ thống cấp 11 (mới)"},
        {"type": "System", "id": "system:tinh-a.c11.moi", "name": "Hệ thống mới cấp 11"},
        {"type": "OWNS", "from": "agency:tinh-a.c11", "to": "system:tinh-a.c11.moi"},
    ]
    path = write_jsonl(tmp_path / "depth.jsonl", records)
    authoriser = ImportAuthoriser(seeded.store, find_token(seeded.store, tokens["tinh-a"]))
    assert authoriser.subtree() == {"agency:tinh-a", "agency:tinh-a.xa", *CHAIN[:MAX_AGENCY_DEPTH]}
    report = import_as(seeded, tokens["tinh-a"], path)
    rejects = located(report)
    assert set(rejects) == {5, 6, 8, 9, 10}, rejects
    assert all(reject.location.file == str(path) for reject in report.rejects)
    assert rejects[5] == ("id", (f"forbidden: {sibling3!r} is owned by agency:tinh-b.c3, not by 'agency:tinh-a' or "
                                 "an agency under it"))
    assert rejects[6] == ("from", f"forbidden: {sibling3!r} is not owned by 'agency:tinh-a' or an agency under it")
    assert rejects[8] == ("id", (f"forbidden: {depth11!r} is owned by agency:tinh-a.c11, not by 'agency:tinh-a' or "
                                 "an agency under it"))
    assert rejects[9][0] == "owner" and "'agency:tinh-a.c11'" in rejects[9][1]
    assert rejects[10][0] == "from" and "'agency:tinh-a.c11' is not owned by" in rejects[10][1]
    names = {entity_id: node.props["name"] for entity_id, node in
             seeded.fetch_nodes([depth3, depth10, depth11, sibling3, "system:tinh-a.c11.moi"]).items()}
    assert names == {depth3: "Hệ thống cấp 3 (mới)", depth10: "Hệ thống cấp 10 (mới)",
                     depth11: "Hệ thống agency:tinh-a.c11", sibling3: "Hệ thống agency:tinh-b.c3"}
    assert owner_of(seeded, "dataset:tinh-a.c3.ho-so") == {"agency:tinh-a.c3"}
    assert seeded.fetch_relationships("CONNECTS_TO", [(depth3, sibling3)])
    assert not seeded.fetch_relationships("CONNECTS_TO", [(sibling3, depth3)])
    # the depth-3 unit's own token covers what is under it, not its parent's other systems
    own = create_token(seeded.store, "agency", agency="agency:tinh-a.c3", name="c3")[0]
    upward = import_as(seeded, own, write_jsonl(tmp_path / "upward.jsonl", [
        {"type": "System", "id": "system:tinh-a.c5", "name": "Hệ thống cấp 5 (mới)"},
        {"type": "System", "id": "system:tinh-a.c2", "name": "Cấp 3 đổi tên hệ thống cấp 2"}]))
    assert located(upward).keys() == {2} and located(upward)[2][0] == "id"


def test_restating_what_the_store_holds_is_not_a_write(seeded, tokens, tmp_path):
    """A province re-imports its whole inventory, other agencies and the agency tree included, unchanged."""
    report = import_as(seeded, tokens["tinh-a"], write_jsonl(tmp_path / "seed.jsonl", SEED))
    assert report.ok, report.rejects
    assert report.counts["nodes"]["unchanged"] == 9 and report.counts["relationships"]["unchanged"] == 5


def test_a_read_only_token_imports_nothing(seeded, tokens, tmp_path):
    before = seeded.stats().as_dict()
    report = import_as(seeded, tokens["reader"], write_jsonl(tmp_path / "own.jsonl", MIXED[:4]))
    assert len(report.rejects) == 4 and all("read_only token cannot write" in r.reason for r in report.rejects)
    assert seeded.stats().as_dict() == before


def test_each_denial_is_audited_without_the_token(seeded, tokens, tmp_path, caplog):
    path = write_jsonl(tmp_path / "mixed.jsonl", MIXED)
    record = find_token(seeded.store, tokens["tinh-a"])
    with caplog.at_level(logging.DEBUG):
        report = import_as(seeded, tokens["tinh-a"], path)
    denied = [record.getMessage() for record in caplog.records if record.name == "registry.audit"]
    assert len(denied) == len(report.rejects) == 9
    assert all(line.startswith("denied import of") and record.id in line and "tinh-a" in line and "scope agency"
               in line for line in denied)
    assert any(f"{path}:5" in line and "system:b.mot-cua" in line for line in denied)
    everything = "\n".join(caplog.text.splitlines() + [r.getMessage() for r in caplog.records]
                           + [reject.reason for reject in report.rejects])
    ours = "\n".join([r.getMessage() for r in caplog.records if r.name.startswith("registry")]
                     + [reject.reason for reject in report.rejects])
    for token in tokens.values():
        # The token is nowhere, not even in the drivers' debug output; its hash (useless to present, as only the
        # token authenticates) is in no message of the registry's own, though Neo4j's driver logs query
        # parameters at DEBUG level.
        assert token not in everything and token_hash(token) not in ours


def test_the_authoriser_takes_a_one_record_batch_as_a_mutation_would(seeded, tokens):
    """The same object serves the GraphQL mutations: one record in, the refusal and its reason out."""
    authoriser = ImportAuthoriser(seeded.store, find_token(seeded.store, tokens["tinh-a"]))
    own = Parsed(Location("api:tinh-a"), parse_record({"type": "System", "id": "system:a.mot-cua", "name": "X"}))
    other = Parsed(Location("api:tinh-a"), parse_record({"type": "System", "id": "system:b.mot-cua", "name": "X"}))
    assert authoriser.refused([own]) == []
    ((item, reject),) = authoriser.refused([other])
    assert item is other and isinstance(reject, Reject) and reject.reason.startswith("forbidden: ")
    assert authoriser.subtree() == {"agency:tinh-a", "agency:tinh-a.xa"}


def test_the_store_keeps_each_tokens_hash_and_never_the_token(seeded, tokens):
    rows = seeded.store.read("MATCH (t:ApiToken) RETURN properties(t) AS props")
    stored = [str(value) for row in rows for value in row["props"].values()]
    assert len(rows) == len(tokens)
    for token in tokens.values():
        assert token_hash(token) in stored and not any(token in value for value in stored)


# --- the command line -----------------------------------------------------------------------------------------

@pytest.fixture
def cli(tmp_path: Path, store_kind: str, request: pytest.FixtureRequest):
    """`registry` on a fresh embedded data directory (or the test Neo4j, emptied), seeded with SEED."""
    from registry.store.falkordb_server import FalkorDBServer

    env = {**os.environ, "REGISTRY_STORE": store_kind, "REGISTRY_DATA_DIR": str(tmp_path / "data")}
    env.pop("REGISTRY_TOKEN", None)
    if store_kind == "neo4j":
        request.getfixturevalue("neo4j_session_store").delete_all()

    def run(*args: str, extra: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
        return subprocess.run([REGISTRY, *args], capture_output=True, text=True, env={**env, **(extra or {})},
                              cwd=tmp_path, timeout=300, check=False)

    seeded = run("import", str(write_jsonl(tmp_path / "seed.jsonl", SEED)))
    assert seeded.returncode == 0, seeded.stdout + seeded.stderr
    yield run
    if store_kind == "embedded":
        FalkorDBServer(tmp_path / "data").stop()


def test_registry_import_with_a_token_rejects_what_it_does_not_cover(cli, tmp_path):
    created = cli("token", "create", "--agency", "agency:tinh-a", "--name", "tinh-a")
    assert created.returncode == 0, created.stderr
    token = created.stdout.strip()
    assert len(token) >= 40 and token not in created.stderr and created.stdout.count(token) == 1
    path = write_jsonl(tmp_path / "mixed.jsonl", MIXED)
    result = cli("import", "--json", str(path), extra={"REGISTRY_TOKEN": token})
    assert result.returncode == 1, result.stderr
    outcome = json.loads(result.stdout)
    assert outcome["user"] == "token:tinh-a" and outcome["nodes"]["created"] == 1 and outcome["rejected"] == 9
    assert {reject["line"] for reject in outcome["rejects"]} == set(range(5, 14))
    assert "denied import of System system:b.mot-cua" in result.stderr  # the audit log, on stderr by default
    assert token not in result.stdout + result.stderr

    wrong = cli("import", "--token", token[::-1], str(path))
    assert wrong.returncode == 2 and "not one this registry issued" in wrong.stderr
    assert token[::-1] not in wrong.stdout + wrong.stderr
    reader = cli("token", "create", "--read-only", "--name", "doc").stdout.strip()
    refused = cli("import", "--token", reader, str(path))
    assert refused.returncode == 2 and "read_only; importing needs an admin or agency token" in refused.stderr
    assert reader not in refused.stdout + refused.stderr
    runs = json.loads(cli("imports", "--json").stdout)
    assert len(runs) == 2  # the seed and the agency's import; the refused ones never started a run
    exported = cli("export").stdout  # a backup: the token's hash (so a restore keeps it working), never the token
    assert token not in exported and token_hash(token) in exported
    shared = cli("export", "--no-tokens").stdout
    assert token not in shared and token_hash(token) not in shared and "ApiToken" not in shared


# --- secrets in general ---------------------------------------------------------------------------------------

def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])  # free once closed: nothing listens there


PASSWORD = "s3cret-Neo4j-p@ssw0rd-7f1c"


def test_a_failing_neo4j_connection_names_no_password(caplog):
    from registry.store.neo4j_store import Neo4jStore

    uri = f"neo4j://127.0.0.1:{_closed_port()}"
    with caplog.at_level(logging.DEBUG), pytest.raises(StoreError) as caught:
        Neo4jStore(uri, "neo4j", PASSWORD)
    shown = "\n".join([str(caught.value), repr(caught.value), *traceback.format_exception(caught.value),
                       caplog.text, *(record.getMessage() for record in caplog.records)])
    assert "unreachable" in shown and PASSWORD not in shown


def test_the_command_names_no_neo4j_password_when_it_cannot_connect():
    env = {**os.environ, "REGISTRY_STORE": "neo4j", "NEO4J_URI": f"neo4j://127.0.0.1:{_closed_port()}"}
    for args, extra in ((["stats"], {"NEO4J_PASSWORD": PASSWORD}), (["--neo4j-password", PASSWORD, "stats"], {})):
        result = subprocess.run([REGISTRY, *args], capture_output=True, text=True, env={**env, **extra}, timeout=120,
                                check=False)
        assert result.returncode == 2 and "unreachable" in result.stderr
        assert PASSWORD not in result.stdout + result.stderr


def test_settings_print_no_password():
    from registry.settings import Neo4jSettings, RegistrySettings

    settings = RegistrySettings(neo4j=Neo4jSettings(password=PASSWORD))
    assert PASSWORD not in repr(settings) + str(settings) + str(settings.model_dump())
