"""GraphQL latency and throughput under concurrent clients on loopback, against the plain REST floor.

The province-scale synthetic registry is imported into each store; `registry serve` runs in its own process;
asyncio clients (httpx) send requests back to back for DURATION seconds per scenario, each for a system picked at
random (seeded); each scenario runs with each number of clients of BENCH_CLIENTS (default `1,8`: one client shows
the latency of a request on its own, eight the latency under load). Scenarios, side by side in one run:
- `graphql-entity`: an entity with its owner, datasets, APIs and connections (the architects' everyday query);
- `rest-entity`: the same entity and neighbours from `GET /api/entities/{id}` — FastAPI and two store reads,
  the framework's floor;
- `graphql-findings`: one missing-connection finding (`missingConnections(rule: …)`).
Figures: p50/p95/p99 in ms and requests/s; errors counted (any non-200 or GraphQL error).
"""

from __future__ import annotations

import asyncio
import os
import random
import socket
import subprocess
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from statistics import quantiles
from typing import Any

import httpx

from benchmarks.common import (
    REGISTRY,
    env_list,
    machine,
    on_each_store,
    reset,
    run_registry,
    save,
    store_env,
)

# Concurrent clients per scenario: one alone (latency without queueing), then several (latency under load).
CLIENTS = [int(n) for n in env_list("BENCH_CLIENTS", "1,8")]
DURATION = float(os.environ.get("BENCH_SECONDS", "15"))
# The synthetic registry's scales: `province` by default; `BENCH_API_SCALES=province,nation` adds the nation's
# 510,000 entities (its import alone takes about 15 minutes per store).
SCALES = env_list("BENCH_API_SCALES", "province")
TARGET_P95_MS = 50.0

ENTITY_QUERY = """
query ($id: ID!) {
  entity(id: $id) {
    id name
    ... on System {
      status kind
      owner { id name }
      mastersDatasets { nodes { id name } }
      consumesApis { nodes { id name } }
      connectsTo { nodes { id name } }
    }
  }
}"""
FINDINGS_QUERY = '{ missingConnections(rule: "one-stop-shop-national-portal") { rule reason entities { id } } }'

Request = Callable[[httpx.AsyncClient, str], Awaitable[bool]]


async def _graphql_entity(client: httpx.AsyncClient, system_id: str) -> bool:
    response = await client.post("/graphql", json={"query": ENTITY_QUERY, "variables": {"id": system_id}})
    body = response.json()
    return response.status_code == 200 and not body.get("errors") and body["data"]["entity"] is not None


async def _rest_entity(client: httpx.AsyncClient, system_id: str) -> bool:
    response = await client.get(f"/api/entities/{system_id}")
    return response.status_code == 200


async def _graphql_findings(client: httpx.AsyncClient, _: str) -> bool:
    response = await client.post("/graphql", json={"query": FINDINGS_QUERY})
    return response.status_code == 200 and not response.json().get("errors")


SCENARIOS: dict[str, Request] = {"graphql-entity": _graphql_entity, "rest-entity": _rest_entity,
                                 "graphql-findings": _graphql_findings}


async def _load(base_url: str, request: Request, ids: list[str], clients: int) -> dict[str, Any]:
    """`clients` clients sending requests back to back for DURATION seconds."""
    latencies: list[float] = []
    errors = 0
    deadline = time.perf_counter() + DURATION
    picker = random.Random(7)

    async def client_loop(client: httpx.AsyncClient) -> None:
        nonlocal errors
        while time.perf_counter() < deadline:
            started = time.perf_counter()
            try:
                ok = await request(client, picker.choice(ids))
            except httpx.HTTPError:
                ok = False
            latencies.append(time.perf_counter() - started)
            errors += not ok

    limits = httpx.Limits(max_connections=clients)
    async with httpx.AsyncClient(base_url=base_url, timeout=30.0, limits=limits) as client:
        await request(client, ids[0])  # warm-up: schema, connections
        started = time.perf_counter()
        await asyncio.gather(*(client_loop(client) for _ in range(clients)))
        elapsed = time.perf_counter() - started
    cuts = quantiles(latencies, n=100) if len(latencies) > 1 else [latencies[0]] * 99
    return {"clients": clients, "requests": len(latencies), "errors": errors, "requests_per_s": round(len(latencies) / elapsed, 1),
            "p50_ms": round(cuts[49] * 1000, 1), "p95_ms": round(cuts[94] * 1000, 1),
            "p99_ms": round(cuts[98] * 1000, 1)}


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _wait_until_up(base_url: str, server: subprocess.Popen[bytes]) -> None:
    for _ in range(300):
        if server.poll() is not None:
            raise RuntimeError("registry serve exited before answering")
        try:
            if httpx.get(f"{base_url}/health", timeout=1.0).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    raise RuntimeError("registry serve did not answer /health within 30 s")


def _system_ids(store: str, data_dir: Path) -> list[str]:
    """2,000 systems picked at random (seeded), read straight from the store (an export of a nation takes long)."""
    from registry.settings import RegistrySettings
    from registry.store import open_store

    opened = open_store(RegistrySettings(store=store, data_dir=data_dir))  # type: ignore[arg-type]
    try:
        ids = sorted(row["id"] for row in opened.read("MATCH (n:System) RETURN n.id AS id"))
    finally:
        opened.close()
    return random.Random(1).sample(ids, min(2000, len(ids)))


def measure(store: str, folder: Path, data_dir: Path) -> dict[str, Any]:
    reset(store, data_dir)
    env = store_env(store, data_dir)
    imported = run_registry(["import", str(folder)], env)
    if imported.exit_code != 0:
        raise RuntimeError(f"import into {store} failed")
    ids = _system_ids(store, data_dir)
    port = _free_port()
    base_url = f"http://127.0.0.1:{port}"
    server = subprocess.Popen([REGISTRY, "serve", "--port", str(port)], env=env, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    try:
        _wait_until_up(base_url, server)
        scenarios = {f"{name} ×{clients}": asyncio.run(_load(base_url, request, ids, clients))
                     for clients in CLIENTS for name, request in SCENARIOS.items()}
    finally:
        server.terminate()
        server.wait(timeout=30)
    for result in scenarios.values():
        floor = scenarios[f"rest-entity ×{result['clients']}"]["requests_per_s"]
        result["throughput_vs_rest"] = round(result["requests_per_s"] / floor, 2) if floor else None
    return {"store": store, "clients": CLIENTS, "seconds_per_scenario": DURATION, "scenarios": scenarios}


def main() -> None:
    results: list[dict[str, Any]] = []
    for scale in SCALES:
        for result in on_each_store(f"bench-api-{scale}-", scale, measure):
            results.append({"scale": scale, **result})
    path = save("api-latency", {"benchmark": "api-latency", "machine": machine(), "target_p95_ms": TARGET_P95_MS,
                                "results": results})
    print(f"\nAPI with {' and '.join(map(str, CLIENTS))} concurrent clients, {DURATION:.0f} s per scenario, "
          f"{' and '.join(SCALES)} scale")
    print("| store | scenario | requests/s | p50 ms | p95 ms | p99 ms | errors | throughput ÷ REST |")
    print("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    for result in results:
        for name, figures in result["scenarios"].items():
            print(f"| {result['store']} | {name} | {figures['requests_per_s']} | {figures['p50_ms']} | "
                  f"{figures['p95_ms']} | {figures['p99_ms']} | {figures['errors']} | "
                  f"{figures['throughput_vs_rest']} |")
    print(f"\nsaved {path.relative_to(path.parents[2])}")


if __name__ == "__main__":
    main()
