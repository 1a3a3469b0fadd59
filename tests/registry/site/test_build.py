"""Building and publishing: MkDocs strict, sites nested in one tree, and only what changed is built again."""

from __future__ import annotations

from pathlib import Path

import pytest

from registry.site.build import Guides, SiteBuildError, build_sites, run_mkdocs
from registry.site.collect import collect
from tests.conftest import REPO

from .conftest import TODAY

GUIDES = Guides(REPO / "mkdocs.yml")


@pytest.fixture(scope="module")
def tree(tmp_path_factory, sample_data) -> tuple[Path, Path]:  # type: ignore[no-untyped-def]
    """National, Lào Cai and Gia Lai in Vietnamese, built once for the module."""
    root = tmp_path_factory.mktemp("site")
    out, work = root / "site", root / "generated"
    results = build_sites(sample_data, ["national", "agency:tinh-15", "agency:tinh-52"], ["vi"], out, work,
                          guides=GUIDES, jobs=1)
    assert all(result.built for result in results)
    return out, work


def test_the_sites_nest_in_one_tree_with_the_guides_and_shared_assets(tree):
    out, work = tree
    assert (out / "index.html").exists() and (out / "scopes" / "tinh-15" / "index.html").exists()
    assert (out / "scopes" / "tinh-15").stat().st_mode & 0o005 == 0o005  # readable by a web server
    assert (out / "scopes" / "tinh-15" / "systems" / "tinh-15.mot-cua" / "index.html").exists()
    assert (out / "guide" / "architecture" / "index.html").exists()  # the hand-written guides are national pages
    assert (out / "assets" / "registry" / "mermaid.tiny.min.js").stat().st_size > 1_000_000
    assert not list(out.glob("assets/javascripts/**/*.map"))  # unused theme files pruned
    assert (work / "vi" / "national" / "mkdocs.yml").exists()
    assert (work / "vi" / "scopes" / "tinh-15" / "docs" / "systems" / "tinh-15.mot-cua.md").exists()


def test_nothing_is_rebuilt_when_nothing_changed(tree, sample_data):
    out, work = tree
    results = build_sites(sample_data, ["national", "agency:tinh-15", "agency:tinh-52"], ["vi"], out, work,
                          guides=GUIDES, jobs=1)
    assert [result.built for result in results] == [False, False, False]


def test_rebuilding_one_site_keeps_the_sites_nested_in_it(tree, sample_data):
    out, work = tree
    [result] = build_sites(sample_data, ["national"], ["vi"], out, work, guides=GUIDES, force=True, jobs=1)
    assert result.built and (out / "scopes" / "tinh-15" / "index.html").exists()
    assert (out / "assets" / "registry" / "site.css").exists()


def test_after_one_entity_changes_only_the_sites_showing_it_are_rebuilt(tree, sample_graph):
    out, work = tree
    node = sample_graph.fetch_nodes(["system:tinh-15.qlvb"])["system:tinh-15.qlvb"]
    sample_graph.upsert_nodes("System", [{**node.props, "description": "Đã nâng cấp lên phiên bản 3."}])
    changed = collect(sample_graph, today=TODAY)
    results = {result.scope: result.built for result in build_sites(
        changed, ["national", "agency:tinh-15", "agency:tinh-52"], ["vi"], out, work, guides=GUIDES, jobs=1)}
    assert results == {"national": False, "agency:tinh-15": True, "agency:tinh-52": False}
    assert "Đã nâng cấp lên phiên bản 3." in (out / "scopes/tinh-15/systems/tinh-15.qlvb/index.html").read_text()


def test_a_broken_link_fails_the_build_in_strict_mode(tmp_path):
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "index.md").write_text("# x\n\n[gone](missing.md)\n", encoding="utf-8")
    (tmp_path / "mkdocs.yml").write_text("site_name: x\ntheme: {name: material}\n", encoding="utf-8")
    with pytest.raises(SiteBuildError, match="missing.md"):
        run_mkdocs(str(tmp_path / "mkdocs.yml"), str(tmp_path / "out"))


def test_the_hand_written_documentation_builds_strict(tmp_path):
    seconds, warnings = run_mkdocs(str(REPO / "mkdocs.yml"), str(tmp_path / "out"))
    assert warnings == [] and (tmp_path / "out" / "site" / "index.html").exists()


def test_sites_build_in_parallel_processes_and_old_versions_are_deleted_later(tmp_path, sample_data):
    out, work = tmp_path / "site", tmp_path / "work"
    scopes = ["agency:tinh-15", "agency:tinh-52", "agency:000.00.00.G01"]
    first = build_sites(sample_data, scopes, ["vi", "en"], out, work, jobs=2)
    assert [(result.scope, result.lang) for result in first] == [(scope, lang) for scope in scopes
                                                                 for lang in ("vi", "en")]
    assert all(result.built for result in first) and (out / "en" / "scopes" / "tinh-52" / "index.html").exists()
    build_sites(sample_data, ["agency:tinh-15"], ["vi"], out, work, jobs=2, force=True)
    assert len(list((out / ".registry-old").iterdir())) == 1  # the replaced version, moved aside
    again = build_sites(sample_data, scopes, ["vi", "en"], out, work, jobs=2)
    assert not any(result.built for result in again)
    assert not list((out / ".registry-old").iterdir())  # deleted in the background by the next build


def test_an_unchanged_site_is_not_even_written(tmp_path, sample_data):
    out, work = tmp_path / "site", tmp_path / "work"
    build_sites(sample_data, ["agency:tinh-52"], ["vi"], out, work, jobs=1)
    page = work / "vi" / "scopes" / "tinh-52" / "docs" / "index.md"
    page.unlink()
    [result] = build_sites(sample_data, ["agency:tinh-52"], ["vi"], out, work, jobs=1)
    assert not result.built and not page.exists()
    [result] = build_sites(sample_data, ["agency:tinh-52"], ["vi"], out, work, jobs=1, force=True)
    assert result.built and page.exists()
