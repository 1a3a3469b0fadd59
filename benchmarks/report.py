"""docs/benchmarks.md from the JSON results in benchmarks/results/: one section per benchmark, with the machine,
date and command of its run, so the published figures are always the ones a run produced."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from benchmarks.common import REPO, RESULTS

REPORT = REPO / "docs" / "benchmarks.md"

HEADER = """# Benchmarks / Đo hiệu năng

Figures written by `make bench` (`python -m benchmarks [NAME…]`) from `benchmarks/results/*.json`; do not edit by
hand. Every figure of one section comes from one run on one machine, so compare within a section (the machines
are shared and noisy); ratios are taken side by side in that run.

*Các số liệu do `make bench` tự sinh; so sánh trong cùng một mục (cùng một lần chạy, cùng một máy).*
"""

Row = list[object]


def _table(headers: list[str], rows: list[Row]) -> str:
    lines = ["| " + " | ".join(headers) + " |", "| " + " | ".join("---" for _ in headers) + " |"]
    lines += ["| " + " | ".join(f"{cell:,}" if isinstance(cell, int) else str(cell) for cell in row) + " |"
              for row in rows]
    return "\n".join(lines)


def _import_throughput(data: dict[str, Any]) -> str:
    rows: list[Row] = [[r["store"], r["records"], r["batched"]["records_per_s"], r["naive"]["records_per_s"],
                        r["ratio"], r["batched"]["peak_rss_mib"]] for r in data["results"]]
    targets = data.get("targets", {})
    return (f"Province-scale synthetic registry; targets: ratio ≥ {targets.get('ratio')}, "
            f"≥ {targets.get('records_per_s'):,} records/s.\n\n"
            + _table(["store", "records", "batched records/s", "naive records/s", "ratio", "peak RSS MiB"], rows))


def _findings_latency(data: dict[str, Any]) -> str:
    parts = []
    for result in data["results"]:
        imported, analysed = result["import"], result["analyze"]
        quality = {score["rule"]: score for score in result["quality"]}
        rows: list[Row] = [[rule["rule"], rule["seconds"], rule["target_seconds"], rule["findings"],
                            quality.get(rule["rule"], {}).get("precision", "—"),
                            quality.get(rule["rule"], {}).get("recall", "—")] for rule in result["rules"]]
        parts.append(f"**{result['scale']} scale, {result['store']}**: import {imported['records']:,} records in "
                     f"{imported['seconds']} s ({imported['records_per_s']:,}/s, peak RSS "
                     f"{imported['peak_rss_mib']} MiB); `registry analyze` {analysed['seconds']} s, peak RSS "
                     f"{analysed['peak_rss_mib']} MiB.\n\n"
                     + _table(["rule", "seconds", "target s", "findings", "precision", "recall"], rows))
    return "\n\n".join(parts)


def _api_latency(data: dict[str, Any]) -> str:
    rows: list[Row] = [[r.get("scale", "province"), r["store"], name, f["requests_per_s"], f["p50_ms"], f["p95_ms"],
                        f["p99_ms"], f["errors"], f["throughput_vs_rest"]]
                       for r in data["results"] for name, f in r["scenarios"].items()]
    first = data["results"][0] if data["results"] else {}
    clients = first.get("clients")
    clients = " and ".join(map(str, clients)) if isinstance(clients, list) else clients
    return (f"{clients} concurrent clients on loopback (scenario × clients), {first.get('seconds_per_scenario')} s per "
            f"scenario, synthetic data; target p95 < {data.get('target_p95_ms')} ms for the entity query.\n\n"
            + _table(["scale", "store", "scenario", "requests/s", "p50 ms", "p95 ms", "p99 ms", "errors",
                      "throughput ÷ REST"], rows))


def _load_test(data: dict[str, Any]) -> str:
    rows: list[Row] = [[r["store"], kind, f["requests"], f["requests_per_s"], f["p50_ms"], f["p95_ms"], f["failures"]]
                       for r in data["results"] for kind, f in [*r["kinds"].items(), ("all", r["total"])]]
    checks: list[Row] = [[r["store"], r["intended_4xx"],
                          f"{r.get('acknowledged_upserts', '?')} upserts of {r['acknowledged_entities']} entities",
                          r["acknowledged_links"],
                          r["lost_writes"], "; ".join(f"{k} ×{n}" for k, n in r["errors"].items()) or "none",
                          "pass" if r["passed"] else "**FAIL**"] for r in data["results"]]
    first = data["results"][0] if data["results"] else {}
    return (f"{first.get('readers')} readers (GraphQL entity with neighbours, GraphQL search, REST entity) and "
            f"{first.get('writers')} writers (upsertEntity with an agency token on their own entities, link, unlink, "
            f"and an intended 403 on another agency's system) back to back on loopback for "
            f"{first.get('seconds')} s per store (locust, headless), province-scale data. Afterwards every "
            "acknowledged write is looked for in an export: pass means no error other than the intended 403s and "
            "no lost write.\n\n"
            + _table(["store", "request", "requests", "requests/s", "p50 ms", "p95 ms", "failures"], rows)
            + "\n\n"
            + _table(["store", "intended 403", "acknowledged writes", "acknowledged link states",
                      "lost writes", "errors", "result"], checks))


def _site_build(data: dict[str, Any]) -> str:
    parts = []
    for result in data["results"]:
        rows: list[Row] = [[b["build"], b["seconds"], b["read_and_analysis_seconds"], b["sites_built"],
                            b["pages_built"], b["pages_per_s"], b["peak_rss_mib"], b["target_seconds"] or "—",
                            "—" if b["met"] is None else ("yes" if b["met"] else "no")] for b in result["builds"]]
        parts.append(f"**{result['scale']} scale, {result['store']}** (import {result['import_seconds']} s; `--all` "
                     f"in {result['all_languages']}, {result['tree_mib']:,} MiB published):\n\n"
                     + _table(["build", "wall s", "of which read + analysis s", "sites built", "pages built",
                               "pages/s", "peak RSS MiB", "target s", "met"], rows))
    return "\n\n".join(parts)


def _generic(data: dict[str, Any]) -> str:
    results = data.get("results", [])
    if not results:
        return "(no results)"
    headers = [key for key, value in results[0].items() if not isinstance(value, dict | list)]
    return _table(headers, [[result.get(key, "") for key in headers] for result in results])


RENDERERS: dict[str, Callable[[dict[str, Any]], str]] = {
    "import-throughput": _import_throughput, "findings-latency": _findings_latency, "api-latency": _api_latency,
    "load-test": _load_test, "site-build": _site_build,
}


def render(results: Path = RESULTS) -> str:
    sections = [HEADER]
    for path in sorted(results.glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        name = data.get("benchmark", path.stem)
        machine = data.get("machine", {})
        sections.append(
            f"## {name}\n\n`python -m benchmarks {name}` — {machine.get('date', '?')}"
            + (f", commit {machine['commit']}" if machine.get("commit") else "")
            + f", {machine.get('cpus', '?')} "
            f"CPUs, {machine.get('memory_gib', '?')} GiB, load average at the end "
            f"{machine.get('load_average', '?')}, {machine.get('platform', '?')}, "
            f"Python {machine.get('python', '?')}\n\n"
            + RENDERERS.get(name, _generic)(data) + "\n")
    return "\n".join(sections)


def write(results: Path = RESULTS, report: Path = REPORT) -> Path:
    report.write_text(render(results), encoding="utf-8")
    return report
