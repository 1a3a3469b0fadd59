"""A bounded load test on loopback: concurrent readers and writers against `registry serve`, then a check that no
acknowledged write was lost.

On each store (`BENCH_STORES`) the province-scale synthetic registry is imported, `registry serve` starts on a free
loopback port, and locust (headless, in its own process: `benchmarks/load_locust.py`) runs BENCH_LOAD_READERS
readers (GraphQL entity with neighbours, GraphQL search, REST entity) and BENCH_LOAD_WRITERS writers (upsertEntity
with an agency token, each writer on its own entities; link and unlink; an intended 403 on another agency's system;
each write to an existing entity carries the revision it is based on, read again after a write in doubt) back to
back for BENCH_LOAD_SECONDS (default 30). Then the registry is exported and every acknowledged write is looked for:
each entity must hold the value its writer last had acknowledged (or a later one of the same writer), each link its
last acknowledged state, and no refused write may be found. Pass: no errors other than the intended 403s, no lost
write, no exception in the server's log, locust's exit code 0; otherwise `python -m benchmarks` exits 1.
"""

from __future__ import annotations

import csv
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import uuid
from collections import Counter
from pathlib import Path
from typing import Any

from benchmarks.api_latency import _free_port, _wait_until_up
from benchmarks.common import (
    REGISTRY,
    REPO,
    machine,
    on_each_store,
    reset,
    run_registry,
    save,
    store_env,
)

SECONDS = float(os.environ.get("BENCH_LOAD_SECONDS", "30"))
READERS = int(os.environ.get("BENCH_LOAD_READERS", "6"))
WRITERS = int(os.environ.get("BENCH_LOAD_WRITERS", "4"))
LOCUST = REPO / "benchmarks" / "load_locust.py"
LOCUST_BIN = shutil.which("locust", path=str(Path(sys.executable).parent)) or "locust"
NAME = re.compile(r"w(\d+) e(\d+) v(\d+)$")
FORBIDDEN_NAME = "Không được phép"
"""The name load_locust.py's writers try to give another agency's system (an intended 403): never stored."""
KINDS = ("graphql-entity", "graphql-search", "rest-entity", "read-revision", "upsert-entity", "link", "unlink",
         "forbidden-write")


def _inputs(exported: str, run_tag: str, token: str, agency: str, owners: dict[str, str],
            subtree: set[str]) -> dict[str, Any]:
    """What the locust users need: ids to read, words to search, the writers' agency and token, other agencies'
    systems (the intended 403s) and a few link targets."""
    import random

    picker = random.Random(1)
    systems = [record for record in map(json.loads, exported.splitlines()) if record.get("type") == "System"]
    read_ids = picker.sample([system["id"] for system in systems], min(2000, len(systems)))
    words = sorted({" ".join(system["name"].split()[:2]) for system in systems})
    foreign = sorted(system["id"] for system in systems if owners.get(system["id"]) not in subtree)
    return {"read_ids": read_ids, "search_words": picker.sample(words, min(200, len(words))), "token": token,
            "agency": agency, "id_prefix": f"system:load-{run_tag}", "foreign_ids": foreign[:200],
            "link_targets": read_ids[:10], "forbidden_name": FORBIDDEN_NAME}


def _writers_agency(exported: str) -> tuple[str, dict[str, str], set[str]]:
    """The province with the most owned systems (its subtree), the owner of every entity, and that subtree."""
    records = [json.loads(line) for line in exported.splitlines()]
    owners = {r["to"]: r["from"] for r in records if r.get("type") == "OWNS"}
    parent = {r["from"]: r["to"] for r in records if r.get("type") == "PART_OF"}
    provinces = [r["id"] for r in records if r.get("type") == "Agency" and r.get("level") == "province"]

    def root_of(agency: str | None) -> str | None:
        for _ in range(20):
            if agency is None or agency in provinces:
                return agency
            agency = parent.get(agency)
        return None

    counts = Counter(root_of(owner) for owner in owners.values())
    counts.pop(None, None)
    agency = counts.most_common(1)[0][0]
    subtree = {a for a in {*parent, *parent.values()} if root_of(a) == agency} | {agency}
    return agency, owners, subtree


def _locust(base_url: str, inputs: Path, acks: Path, prefix: Path) -> int:
    env = {**os.environ, "LOAD_INPUT": str(inputs), "LOAD_ACKS": str(acks), "LOAD_READERS": str(READERS),
           "LOAD_WRITERS": str(WRITERS)}
    users = READERS + WRITERS
    command = [LOCUST_BIN, "-f", str(LOCUST), "--headless", "--host", base_url, "--users", str(users),
               "--spawn-rate", str(users), "--run-time", f"{max(1, round(SECONDS))}s", "--stop-timeout", "10",
               "--csv", str(prefix), "--only-summary", "--loglevel", "WARNING", "--skip-log-setup"]
    done = subprocess.run(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                          timeout=SECONDS + 120, check=False)
    if not acks.exists():
        raise RuntimeError(f"locust wrote no acknowledgements (exit {done.returncode}): {done.stderr[-2000:]}")
    return done.returncode


def _figures(prefix: Path) -> dict[str, Any]:
    """Requests/s, p50/p95 per request kind and failures by kind and error, from locust's CSV files."""
    kinds: dict[str, Any] = {}
    total: dict[str, Any] = {}
    with open(f"{prefix}_stats.csv", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            figures = {"requests": int(row["Request Count"]), "failures": int(row["Failure Count"]),
                       "requests_per_s": round(float(row["Requests/s"]), 1),
                       "p50_ms": _number(row["50%"]), "p95_ms": _number(row["95%"])}
            if row["Name"] == "Aggregated":
                total = figures
            else:
                kinds[row["Name"]] = figures
    errors: dict[str, int] = {}
    with open(f"{prefix}_failures.csv", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            key = f"{row['Name']}: {row['Error']}"
            errors[key] = errors.get(key, 0) + int(row["Occurrences"])
    return {"total": total, "kinds": {kind: kinds[kind] for kind in KINDS if kind in kinds}, "errors": errors}


def _number(cell: str) -> float | None:
    try:
        return float(cell)
    except ValueError:
        return None  # locust writes N/A for a kind with no request


def _lost_writes(exported: str, acks: dict[str, Any]) -> list[str]:
    """Every acknowledged write that the registry does not hold (an entity's value, a link's state), and every
    refused write that it holds."""
    records = [json.loads(line) for line in exported.splitlines()]
    names = {r["id"]: r.get("name", "") for r in records if "id" in r and r.get("type") == "System"}
    links = {f"{r['from']} {r['to']}" for r in records if r.get("type") == "CONNECTS_TO"}
    lost = []
    for entity_id, ack in acks["entities"].items():
        match = NAME.search(names.get(entity_id, ""))
        if match is None or int(match[1]) != ack["writer"] or int(match[3]) < ack["version"]:
            lost.append(f"{entity_id}: acknowledged v{ack['version']}, stored {names.get(entity_id)!r}")
    lost += [f"{entity_id}: another agency's system, refused with 403, stored {name!r}"
             for entity_id, name in names.items() if name == FORBIDDEN_NAME]
    doubt = set(acks["in_doubt_links"])
    for key, linked in acks["links"].items():
        if key not in doubt and (key in links) != linked:
            lost.append(f"{key}: acknowledged {'link' if linked else 'unlink'}, stored "
                        f"{'linked' if key in links else 'not linked'}")
    return lost


def measure(store: str, folder: Path, data_dir: Path) -> dict[str, Any]:
    """Import `folder` into an emptied store, load it for SECONDS, check the writes; the figures of one store."""
    reset(store, data_dir)
    env = store_env(store, data_dir)
    if run_registry(["import", str(folder)], env).exit_code != 0:
        raise RuntimeError(f"import into {store} failed")
    exported = run_registry(["export", "--format", "jsonl"], env).stdout
    agency, owners, subtree = _writers_agency(exported)
    created = subprocess.run([REGISTRY, "token", "create", "--agency", agency, "--name", "load-test"], env=env,
                             capture_output=True, text=True, check=True)
    run_tag = uuid.uuid4().hex[:8]
    port = _free_port()
    base_url = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryDirectory(prefix="bench-load-run-") as tmp:
        work = Path(tmp)
        inputs, acks_path = work / "input.json", work / "acks.json"
        inputs.write_text(json.dumps(_inputs(exported, run_tag, created.stdout.strip(), agency, owners, subtree)),
                          encoding="utf-8")
        server_log = work / "serve.log"
        with server_log.open("w", encoding="utf-8") as log:
            server = subprocess.Popen([REGISTRY, "serve", "--port", str(port)], env=env, stdout=log, stderr=log)
            try:
                _wait_until_up(base_url, server)
                exit_code = _locust(base_url, inputs, acks_path, work / "locust")
                figures = _figures(work / "locust")
            finally:
                server.terminate()
                server.wait(timeout=30)
        acks = json.loads(acks_path.read_text(encoding="utf-8"))
        server_errors = [line for line in server_log.read_text(encoding="utf-8").splitlines()
                         if re.match(r"[\w.]+(Error|Exception)\b", line) and "Forbidden" not in line][:20]
    after = run_registry(["export", "--format", "jsonl"], env).stdout
    lost = _lost_writes(after, acks)
    return {"store": store, "seconds": SECONDS, "readers": READERS, "writers": WRITERS, "writers_agency": agency,
            **figures, "intended_4xx": acks["intended_4xx"], "acknowledged_upserts": acks["upserts"],
            "acknowledged_entities": len(acks["entities"]),
            "acknowledged_links": len(acks["links"]), "in_doubt_links": len(set(acks["in_doubt_links"])),
            "lost_writes": len(lost), "lost_examples": lost[:10], "locust_exit_code": exit_code,
            "server_errors": server_errors,
            "passed": not lost and not figures["errors"] and not server_errors and exit_code == 0}


def main() -> bool:
    """Runs the load test on each store; False when one failed (`python -m benchmarks` then exits 1)."""
    results = on_each_store("bench-load-", os.environ.get("BENCH_LOAD_SCALE", "province"), measure)
    path = save("load-test", {"benchmark": "load-test", "machine": machine(), "results": results})
    print(f"\nLoad test: {READERS} readers + {WRITERS} writers for {SECONDS:.0f} s per store")
    print("| store | kind | requests | requests/s | p50 ms | p95 ms | failures |")
    print("| --- | --- | ---: | ---: | ---: | ---: | ---: |")
    for result in results:
        for kind, figures in [*result["kinds"].items(), ("all", result["total"])]:
            print(f"| {result['store']} | {kind} | {figures['requests']} | {figures['requests_per_s']} | "
                  f"{figures['p50_ms']} | {figures['p95_ms']} | {figures['failures']} |")
        print(f"{result['store']}: intended 403s {result['intended_4xx']}, acknowledged writes: "
              f"{result['acknowledged_upserts']} upserts of {result['acknowledged_entities']} entities, "
              f"{result['acknowledged_links']} link states; lost "
              f"{result['lost_writes']}; errors {result['errors'] or 'none'} -> "
              f"{'PASS' if result['passed'] else 'FAIL'}")
    print(f"\nsaved {path.relative_to(path.parents[2])}")
    return all(result["passed"] for result in results)
