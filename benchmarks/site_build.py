"""Build time of the published sites on the synthetic registry: the national site, a province's site, every scope.

For each scale (`BENCH_SITE_SCALES`, default `province`; `province,nation` adds the nation, about an hour per
store, whose figures docs/site.md records) the synthetic registry is generated and imported once per store
(`BENCH_STORES`, `BENCH_NATION_STORES`), then `registry docs build` runs in its own process, as an official's
deployment would:

- the national site (in Vietnamese: one site; each language is a site of its own);
- a typical province's site, Lào Cai (`tinh-15`, in Vietnamese): first as a first build (its part of the registry
  read, the analysis run), then again with the findings of that build reused (a second scope's build, or a build
  after no change);
- every scope in both languages (`--all`), then the same command again with nothing changed (every site skipped,
  except the national ones when a hand-written guide changed in between);

each with its wall time, the part of it spent reading the registry and running the analysis (which every build
does once, whatever it builds), pages, pages/s and the peak RSS of the build's main process. A nation's `--all`
writes about a million pages (about 25 KB each); when the disk has less than `ALL_BOTH_LANGUAGES_GIB` free it
builds the Vietnamese sites only and says so (the English ones have the same pages).

Targets (the site issue): the national site within 2 minutes and a province's within 1 minute at nation scale;
every scope within 30 minutes.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
import time
from pathlib import Path
from typing import Any

from benchmarks.common import (
    env_list,
    machine,
    on_each_store,
    run_registry,
    save,
    store_env,
)

PROVINCE = "tinh-15"
TARGET_SECONDS = {"national": 120.0, "province": 60.0, "all": 1800.0}
ALL_BOTH_LANGUAGES_GIB = 45.0


def scales() -> list[str]:
    """The scales to build at: a nation's builds (every scope in both languages, a million pages) take an hour."""
    return env_list("BENCH_SITE_SCALES", "province")


_READ = re.compile(r"read the registry and ran the analysis in ([0-9.]+) s: ([0-9]+) entities")


def _build(name: str, args: list[str], env: dict[str, str], out: Path, work: Path) -> dict[str, Any]:
    """One `registry docs build` in its own process; its figures, from its output and the tree's state file."""
    run = run_registry(["docs", "build", "--out", str(out), "--work", str(work), *args], env)
    if run.exit_code != 0:
        raise RuntimeError(f"registry docs build {' '.join(args)} failed with exit code {run.exit_code}")
    read = _READ.search(run.stdout)
    state = json.loads((out / ".registry-site.json").read_text(encoding="utf-8"))
    sites = state.get("sites", state)
    pages = sum(int(site.get("pages", 0)) for site in sites.values())
    built = re.findall(r": ([0-9]+) pages, built in", run.stdout)
    built_pages = sum(int(count) for count in built)
    target = TARGET_SECONDS.get(name)
    return {"build": name, "args": " ".join(args), "seconds": round(run.seconds, 1),
            "read_and_analysis_seconds": float(read.group(1)) if read else None,
            "scoped_read": "the scopes' part of the registry" in " ".join(run.stdout.split()),
            "findings_reused": "reused the findings of the last build" in " ".join(run.stdout.split()),
            "entities": int(read.group(2)) if read else None,
            "sites_built": len(built), "pages_built": built_pages, "pages_in_tree": pages,
            "pages_per_s": round(built_pages / run.seconds, 1) if built_pages else 0.0,
            "peak_rss_mib": round(run.peak_rss_mib), "target_seconds": target,
            "met": None if target is None else run.seconds <= target}


def measure(scale: str, store: str, folder: Path, data_dir: Path) -> dict[str, Any]:
    env = store_env(store, data_dir)
    imported = run_registry(["import", "--json", str(folder)], env)
    if imported.exit_code != 0:  # a synthetic registry imports without a reject: anything else is a bug
        raise RuntimeError(f"import of {folder} into {store} ended with exit code {imported.exit_code}: "
                           f"{imported.stdout[-2000:]}")
    builds = []
    with tempfile.TemporaryDirectory(prefix="bench-site-") as tmp:
        root = Path(tmp)
        builds.append(_build("national", ["--scope", "national", "--lang", "vi"], env, root / "national",
                             root / "work-national"))
        shutil.rmtree(root / "national")
        builds.append(_build("province", ["--scope", PROVINCE, "--lang", "vi"], env, root / "province",
                             root / "work-province"))
        # The same site again with the findings of that build reused (its state file removed, so it is rebuilt).
        shutil.rmtree(root / "province" / "scopes")
        (root / "province" / ".registry-site.json").unlink()
        builds.append(_build("province, findings reused", ["--scope", PROVINCE, "--lang", "vi"], env,
                             root / "province", root / "work-province-again"))
        shutil.rmtree(root / "province")
        free_gib = shutil.disk_usage(tmp).free / 2**30
        langs = [] if scale != "nation" or free_gib >= ALL_BOTH_LANGUAGES_GIB else ["--lang", "vi"]
        builds.append(_build("all", ["--all", *langs], env, root / "all", root / "work-all"))
        builds.append(_build("all, unchanged", ["--all", *langs], env, root / "all", root / "work-all"))
        tree_bytes = sum(entry.stat().st_size for entry in (root / "all").rglob("*") if entry.is_file())
    return {"scale": scale, "store": store, "import_seconds": round(imported.seconds, 1),
            "all_languages": "vi only (disk)" if langs else "vi, en", "tree_mib": round(tree_bytes / 2**20),
            "builds": builds}


def main() -> None:
    started = time.perf_counter()
    results: list[dict[str, Any]] = []
    for scale in scales():
        results += on_each_store(f"bench-site-{scale}-", scale,
                                 lambda store, folder, data_dir, scale=scale: measure(scale, store, folder, data_dir))
    path = save("site-build", {"benchmark": "site-build", "machine": machine(), "targets": TARGET_SECONDS,
                               "results": results, "seconds": round(time.perf_counter() - started, 1),
                               "cpus_for_builds": os.cpu_count()})
    print(f"site-build: {path}")


if __name__ == "__main__":
    main()
