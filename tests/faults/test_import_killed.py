"""Fault: the `registry import` process is killed (SIGKILL) while it writes, on each store.

What must hold: the store is consistent (every node whole, with its type, required fields and provenance; every
relationship between two such nodes, with its provenance); the killed run is recorded as not completed; and
running the same command again gives exactly the entities and relationships an uninterrupted import gives
(compared property by property, leaving out only the run id and timestamps, which differ between any two runs).
The history agrees with the entities after the kill and after the re-run: every write came with its `Change`
record and no `Change` record without its write (see `assert_history_matches`).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from graph_model import ENTITY_LABEL, NODE_TYPES
from graph_model.nodes import HISTORY_LABEL, REVISION_FIELD
from registry.store import GraphStore
from registry.store.embedded import EmbeddedStore
from registry.store.falkordb_server import FalkorDBServer
from registry.store.neo4j_store import Neo4jStore
from tests.faults.conftest import REPO, PrivateNeo4j

PROVENANCE = ("source", "import_run", "created_at", "updated_at")
RUN_SPECIFIC = ("import_run", "created_at", "updated_at")  # differ between two imports of the same files
# When to kill: the node pass (the first nodes are in) or the relationship pass (the first relationships are in).
PHASES = {
    "nodes": f"MATCH (n:{ENTITY_LABEL}) RETURN count(n) AS written",
    "relationships": f"MATCH (:{ENTITY_LABEL})-[r]->(:{ENTITY_LABEL}) RETURN count(r) AS written",
}


class Target:
    """One store as the `registry` command sees it (environment) and as the test reads it (a GraphStore)."""

    def __init__(self, env: dict[str, str], store: GraphStore) -> None:
        self.env = {**os.environ, **env, "REGISTRY_BATCH_SIZE": "200"}
        self.store = store

    def registry(self, *args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "registry.cli", *args], env=self.env, cwd=REPO,
                              capture_output=True, text=True, timeout=timeout, check=False)

    def spawn_import(self, source: Path) -> subprocess.Popen[str]:
        return subprocess.Popen([sys.executable, "-m", "registry.cli", "import", str(source)], env=self.env,
                                cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)

    def count(self, query: str) -> int:
        return int(self.store.read(query)[0]["written"])

    def snapshot(self) -> tuple[list[str], list[str]]:
        """Every entity and every relationship between entities, as sorted canonical JSON, without what
        differs between two runs of the same import (its history records, kept outside the entities, too)."""
        def canonical(value: dict) -> str:  # type: ignore[type-arg]
            return json.dumps({key: item for key, item in value.items() if key not in RUN_SPECIFIC},
                              sort_keys=True, ensure_ascii=False)

        nodes = self.store.read(f"MATCH (n:{ENTITY_LABEL}) RETURN labels(n) AS labels, properties(n) AS props")
        rels = self.store.read(f"MATCH (a:{ENTITY_LABEL})-[r]->(b:{ENTITY_LABEL}) "
                               "RETURN a.id AS a, type(r) AS type, b.id AS b, properties(r) AS props")
        return (sorted(canonical({**node["props"], "labels": sorted(node["labels"])}) for node in nodes),
                sorted(canonical({**rel["props"], "edge": [rel["a"], rel["type"], rel["b"]]}) for rel in rels))

    def wipe(self) -> None:
        self.store.delete_all()


@pytest.fixture
def target(store_kind: str, tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[Target]:
    if store_kind == "embedded":
        data_dir = tmp_path / "data"
        store = EmbeddedStore(data_dir, graph="faults")
        yield Target({"REGISTRY_STORE": "embedded", "REGISTRY_DATA_DIR": str(data_dir), "REGISTRY_GRAPH": "faults"},
                     store)
        store.close()
        FalkorDBServer(data_dir).stop()
    else:
        neo4j: PrivateNeo4j = request.getfixturevalue("private_neo4j")
        store = Neo4jStore(neo4j.uri, neo4j.user, neo4j.password, neo4j.database)
        store.delete_all()
        yield Target(neo4j.env(), store)
        store.delete_all()
        store.close()


def kill_while_writing(target: Target, source: Path, phase: str) -> None:
    """Start an import and SIGKILL it as soon as the store shows it writing in `phase`."""
    process = target.spawn_import(source)
    deadline = time.monotonic() + 90
    try:
        while target.count(PHASES[phase]) == 0:
            assert process.poll() is None, f"the import ended before it could be killed: {process.stderr.read()}"  # type: ignore[union-attr]
            assert time.monotonic() < deadline, f"the import wrote no {phase} within 90 s"
            time.sleep(0.02)
        process.send_signal(signal.SIGKILL)
    finally:
        process.kill()
        process.wait(30)
    assert process.returncode == -signal.SIGKILL, "the import finished before the kill landed"


def assert_consistent(store: GraphStore) -> None:
    """Every entity is whole and every relationship joins two whole entities, both with their provenance."""
    nodes = store.read(f"MATCH (n:{ENTITY_LABEL}) RETURN labels(n) AS labels, properties(n) AS props")
    assert nodes, "the killed import had written nothing"
    for node in nodes:
        types = [label for label in node["labels"] if label in NODE_TYPES]
        assert len(types) == 1, f"node {node['props'].get('id')} has labels {node['labels']}"
        required = [name for name, field in NODE_TYPES[types[0]].model_fields.items()
                    if field.is_required() and name != "type"]
        missing = [name for name in (*required, *PROVENANCE) if node["props"].get(name) in (None, "")]
        assert not missing, f"{types[0]} {node['props'].get('id')} is half-written: no {missing}"
    rels = store.read(f"MATCH (a)-[r]->(b) WHERE a:{ENTITY_LABEL} OR b:{ENTITY_LABEL} "
                      "RETURN a.id AS a, b.id AS b, labels(a) AS la, labels(b) AS lb, type(r) AS type, "
                      "properties(r) AS props")
    for rel in rels:
        assert ENTITY_LABEL in rel["la"] and ENTITY_LABEL in rel["lb"] and rel["a"] and rel["b"], rel
        missing = [name for name in PROVENANCE if rel["props"].get(name) in (None, "")]
        assert not missing, f"{rel['a']} -{rel['type']}-> {rel['b']} is half-written: no {missing}"


# An entity's revision counts the changes to it and to its outgoing relationships (registry/graph.py): a node write
# raises it by one with one Change record; a relationship write raises its `from` entity's revision by one for the
# whole group of that entity's links in one statement, with one Change record per link, all at that new revision.
# So what holds is: the revisions of an entity's Change records are exactly 1..its revision, each at least once.
REVISIONS_WITHOUT_HISTORY = (
    f"MATCH (n:{ENTITY_LABEL}) OPTIONAL MATCH (c:{HISTORY_LABEL} {{entity_id: n.id}}) "
    f"WITH n, count(DISTINCT c.{REVISION_FIELD}) AS revisions, min(c.{REVISION_FIELD}) AS first, "
    f"max(c.{REVISION_FIELD}) AS latest "
    f"WHERE coalesce(n.{REVISION_FIELD}, 0) < 1 OR revisions <> n.{REVISION_FIELD} "
    f"OR latest <> n.{REVISION_FIELD} OR first <> 1 "
    f"RETURN n.id AS id, n.{REVISION_FIELD} AS revision, revisions, first, latest ORDER BY id LIMIT 10")
# A Change record names the entity it changed and, for a relationship, the entity it points to.
HISTORY_WITHOUT_ENTITY = (
    f"MATCH (c:{HISTORY_LABEL}) OPTIONAL MATCH (n:{ENTITY_LABEL} {{id: c.entity_id}}) "
    f"OPTIONAL MATCH (t:{ENTITY_LABEL} {{id: c.target_id}}) "
    "WITH c, n, t WHERE n IS NULL OR (c.target_id IS NOT NULL AND t IS NULL) "
    "RETURN c.id AS id, c.action AS action, c.entity_id AS entity, c.target_id AS target ORDER BY id LIMIT 10")
# Every relationship was written with a Change record of its `from` entity naming its type and its `to` entity.
LINKS_WITHOUT_HISTORY = (
    f"MATCH (a:{ENTITY_LABEL})-[r]->(b:{ENTITY_LABEL}) "
    f"OPTIONAL MATCH (c:{HISTORY_LABEL} {{entity_id: a.id, target_id: b.id, rel_type: type(r)}}) "
    "WITH a, r, b, count(c) AS changes WHERE changes = 0 "
    "RETURN a.id AS source, type(r) AS type, b.id AS target ORDER BY source, target LIMIT 10")


def assert_history_matches(store: GraphStore, when: str) -> None:
    """No write without its history record, no history record without its write."""
    assert store.read(f"MATCH (c:{HISTORY_LABEL}) RETURN count(c) AS n")[0]["n"] > 0, f"{when}: no history at all"
    assert store.read(REVISIONS_WITHOUT_HISTORY) == [], \
        f"{when}: entities whose revision does not match their Change records"
    assert store.read(HISTORY_WITHOUT_ENTITY) == [], f"{when}: Change records of entities that do not exist"
    assert store.read(LINKS_WITHOUT_HISTORY) == [], f"{when}: relationships without their Change record"


def runs(store: GraphStore) -> list[dict]:  # type: ignore[type-arg]
    return store.read("MATCH (r:ImportRun) RETURN r.id AS id, r.status AS status ORDER BY r.started_at")


@pytest.mark.parametrize("phase", list(PHASES))
def test_a_killed_import_leaves_a_consistent_store_and_a_rerun_completes_it(
        target: Target, inventory: Path, phase: str):
    # What an uninterrupted import gives.
    first = target.registry("import", str(inventory))
    assert first.returncode == 0, first.stderr
    expected_nodes, expected_rels = target.snapshot()
    assert len(expected_nodes) == 4050 and len(expected_rels) == 8000
    target.wipe()

    kill_while_writing(target, inventory, phase)

    assert_consistent(target.store)
    assert_history_matches(target.store, f"after the import was killed in the {phase} pass")
    nodes, rels = target.snapshot()
    assert len(nodes) < len(expected_nodes) or len(rels) < len(expected_rels), \
        "the import was killed only after it had written everything"
    [killed] = runs(target.store)
    assert killed["status"] != "completed", "a killed import must not be recorded as completed"

    rerun = target.registry("import", str(inventory))
    assert rerun.returncode == 0, rerun.stderr
    assert target.snapshot() == (expected_nodes, expected_rels)
    assert_history_matches(target.store, "after the re-run")
    statuses = {run["id"]: run["status"] for run in runs(target.store)}
    assert statuses.pop(killed["id"]) != "completed" and list(statuses.values()) == ["completed"]
