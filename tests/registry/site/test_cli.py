"""`registry docs build` as a user runs it."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from registry.store.falkordb_server import FalkorDBServer
from tests.conftest import REPO

REGISTRY = shutil.which("registry", path=str(Path(sys.executable).parent)) or "registry"


@pytest.fixture
def run(tmp_path):  # type: ignore[no-untyped-def]
    env = {**os.environ, "REGISTRY_STORE": "embedded", "REGISTRY_DATA_DIR": str(tmp_path / "data"),
           "REGISTRY_SITE_DIR": str(tmp_path / "site")}

    def run_registry(*args: str, code: int = 0) -> subprocess.CompletedProcess:
        result = subprocess.run([REGISTRY, *args], capture_output=True, text=True, env=env, cwd=tmp_path, timeout=300)
        assert result.returncode == code, result.stdout + result.stderr
        result.stdout = " ".join(result.stdout.split())  # as read, whatever the width rich wrapped it to
        return result

    yield run_registry
    FalkorDBServer(tmp_path / "data").stop()


def test_docs_build_builds_a_province_site_and_skips_it_when_nothing_changed(run, tmp_path):
    run("import", str(REPO / "data" / "sample"), str(REPO / "data" / "province"))
    first = run("docs", "build", "--scope", "agency:tinh-15", "--lang", "vi", "--work", str(tmp_path / "gen"))
    assert "vi/agency:tinh-15:" in first.stdout and "built in" in first.stdout
    assert (tmp_path / "site" / "scopes" / "tinh-15" / "index.html").exists()  # REGISTRY_SITE_DIR
    assert "read the scopes' part of the registry; ran the analysis" in first.stdout
    second = run("docs", "build", "--scope", "tinh-15", "--lang", "vi", "--work", str(tmp_path / "gen"))
    assert "unchanged, skipped" in second.stdout and "reused the findings of the last build" in second.stdout


def test_the_findings_are_reused_by_the_next_build_until_forced_and_survive_the_national_site(run, tmp_path):
    run("import", str(REPO / "data" / "sample"))
    first = run("docs", "build", "--lang", "vi", "--work", str(tmp_path / "gen"))
    assert "(read the registry; ran the analysis)" in first.stdout
    assert (tmp_path / "site" / ".registry-findings.json").exists()  # publishing the national site keeps it
    other = run("docs", "build", "--scope", "tinh-52", "--lang", "vi", "--work", str(tmp_path / "gen"))
    assert "reused the findings of the last build" in other.stdout and "built in" in other.stdout
    forced = run("docs", "build", "--lang", "vi", "--force", "--work", str(tmp_path / "gen"))
    assert "(read the registry; ran the analysis)" in forced.stdout
    assert (tmp_path / "site" / ".registry-findings.json").exists()
    wrong = run("docs", "build", "--scope", "agency:tinh-15.xa-bat-xat", "--work", str(tmp_path / "gen"), code=2)
    assert "agency:tinh-15" in wrong.stderr
    assert "vi or en" in run("docs", "build", "--lang", "fr", code=2).stderr
