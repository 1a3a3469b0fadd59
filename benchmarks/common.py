"""Helpers shared by the benchmarks: running the `registry` command on a chosen store and measuring it."""

from __future__ import annotations

import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TypeVar

REPO = Path(__file__).resolve().parent.parent
RESULTS = REPO / "benchmarks" / "results"
REGISTRY = shutil.which("registry", path=str(Path(sys.executable).parent)) or "registry"


@dataclass(frozen=True)
class Measurement:
    seconds: float
    peak_rss_mib: float
    exit_code: int
    stdout: str


def env_list(name: str, default: str = "") -> list[str]:
    """A comma-separated setting of the benchmarks (`BENCH_STORES=neo4j`, `BENCH_SCALES=province,nation`)."""
    return [part.strip() for part in os.environ.get(name, default).split(",") if part.strip()]


def stores(scale: str = "province") -> list[str]:
    """Both stores when a Neo4j is configured (make bench starts one), else the embedded one alone;
    `BENCH_STORES=neo4j` (comma-separated) narrows it, and `BENCH_NATION_STORES` narrows the nation scale alone
    (e.g. to Neo4j, the registry's store for a nation: each nation-scale store adds 20-30 minutes)."""
    available = ["embedded", "neo4j"] if os.environ.get("NEO4J_URI") else ["embedded"]
    wanted = env_list("BENCH_STORES")
    chosen = [name for name in available if name in wanted] if wanted else available
    nation = env_list("BENCH_NATION_STORES")
    if scale == "nation" and nation:
        chosen = [name for name in chosen if name in nation]
    return chosen


def store_env(store: str, data_dir: Path) -> dict[str, str]:
    return {**os.environ, "REGISTRY_STORE": store, "REGISTRY_DATA_DIR": str(data_dir)}


def run_registry(args: list[str], env: dict[str, str]) -> Measurement:
    """Run `registry ARGS` in its own process; wall time and that process's peak resident memory."""
    started = time.perf_counter()
    process = subprocess.Popen([REGISTRY, *args], env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                               text=True)
    stdout_chunks = []
    assert process.stdout is not None
    for chunk in process.stdout:
        stdout_chunks.append(chunk)
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    return Measurement(seconds, usage.ru_maxrss / 1024, process.returncode, "".join(stdout_chunks))


def reset(store: str, data_dir: Path) -> None:
    subprocess.run([REGISTRY, "db", "reset", "--yes"], env=store_env(store, data_dir), check=True,
                   stdout=subprocess.DEVNULL)


def stop(store: str, data_dir: Path) -> None:
    if store == "embedded":
        subprocess.run([REGISTRY, "db", "stop"], env=store_env(store, data_dir), check=False,
                       stdout=subprocess.DEVNULL)


def _memory_gib() -> float | None:
    try:
        with open("/proc/meminfo", encoding="ascii") as meminfo:
            kib = next(int(line.split()[1]) for line in meminfo if line.startswith("MemTotal:"))
    except (OSError, StopIteration, ValueError):
        return None
    return round(kib / 1024 / 1024, 1)


def _commit() -> str | None:
    """The commit the figures belong to (with "+changes" when the working tree differs from it), if in git."""
    try:
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=REPO, capture_output=True, text=True,
                              check=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=REPO,
                               capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return None
    return f"{head}+changes" if dirty else head


def machine() -> dict[str, object]:
    return {
        "commit": _commit(),
        "cpus": os.cpu_count(),
        "memory_gib": _memory_gib(),
        "load_average": [round(load, 2) for load in os.getloadavg()],
        "platform": platform.platform(),
        "python": platform.python_version(),
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
    }


def save(name: str, result: dict[str, object]) -> Path:
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"{name}.json"
    path.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return path


def generate_synthetic(scale: str, folder: Path, seed: int = 1) -> None:
    """`registry generate` into `folder` (the synthetic registry the scale benchmarks run on)."""
    subprocess.run([REGISTRY, "generate", "--scale", scale, "--seed", str(seed), "--out", str(folder)],
                   check=True, stdout=subprocess.DEVNULL)


Result = TypeVar("Result")


def on_each_store(prefix: str, scale: str, measure: Callable[[str, Path, Path], Result]) -> list[Result]:
    """Generate the synthetic registry once, then `measure(store, folder, data_dir)` on each store, each store
    emptied (and the embedded server stopped) afterwards."""
    results: list[Result] = []
    with tempfile.TemporaryDirectory(prefix=prefix) as tmp:
        folder = Path(tmp) / scale
        generate_synthetic(scale, folder)
        for store in stores(scale):
            data_dir = Path(tmp) / f"data-{store}"
            try:
                results.append(measure(store, folder, data_dir))
            finally:
                reset(store, data_dir)
                stop(store, data_dir)
    return results
