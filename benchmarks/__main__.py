"""Run every benchmark: `python -m benchmarks [NAME...]` (from the repository root, as `make bench` does)."""

from __future__ import annotations

import sys

from benchmarks import (
    api_latency,
    duplicates_quality,
    findings_latency,
    import_spreadsheets,
    import_throughput,
    load_test,
    report,
    site_build,
)

BENCHMARKS = {"import-spreadsheets": import_spreadsheets.main, "duplicates-quality": duplicates_quality.main,
              "import-throughput": import_throughput.main, "findings-latency": findings_latency.main,
              "api-latency": api_latency.main, "load-test": load_test.main,
              "site-build": site_build.main}


def main(names: list[str]) -> int:
    """Run the benchmarks named (all by default) and write the report; exit 1 when one with a pass/fail verdict
    (the load test) failed, after all have run."""
    failed = []
    for name in names or list(BENCHMARKS):
        if name not in BENCHMARKS:
            print(f"unknown benchmark {name!r}; known: {', '.join(BENCHMARKS)}", file=sys.stderr)
            return 2
        if BENCHMARKS[name]() is False:
            failed.append(name)
    print(f"\nwrote {report.write().relative_to(report.REPO)}")
    if failed:
        print(f"FAILED: {', '.join(failed)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
