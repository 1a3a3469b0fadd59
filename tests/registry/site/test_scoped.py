"""A ministry's or province's site built from a read of its own part of the registry is the site built from the
whole registry, page for page."""

from __future__ import annotations

import json

import pytest

from registry.loading import Loader
from registry.site.build import build_sites, generate
from registry.site.collect import SiteData, collect
from registry.site.scoped import collect_scopes, wants_scoped_read
from registry.site.scopes import NATIONAL, ScopeMap

from .conftest import TODAY


@pytest.fixture(scope="module")
def scope_keys(sample_data: SiteData) -> list[str]:
    return [key for key in ScopeMap(sample_data.snapshot).scopes if key != NATIONAL]


def test_every_scope_read_alone_generates_the_pages_of_the_whole_read(tmp_path, sample_graph, sample_data,
                                                                       scope_keys):
    """Every generated file of every ministry's and province's site (markdown and mkdocs.yml, both languages) is
    the same byte for byte, so its digest is too and a scoped build never rebuilds a site a full build made."""
    whole = ScopeMap(sample_data.snapshot)
    for key in scope_keys:
        part = collect_scopes(sample_graph, [key], today=TODAY, rules=sample_data.rules)
        assert part.scope_keys == {key}
        assert len(part.snapshot.entities) < len(sample_data.snapshot.entities)
        for lang in ("vi", "en"):
            expected = generate(sample_data, whole, whole.scope(key), lang, tmp_path / "whole")
            found = generate(part, ScopeMap(part.snapshot), whole.scope(key), lang, tmp_path / "part")
            assert found.digest == expected.digest, (key, lang)
    for path in (tmp_path / "whole").rglob("*"):
        if path.is_file():
            assert (tmp_path / "part" / path.relative_to(tmp_path / "whole")).read_bytes() == path.read_bytes()


def test_the_findings_and_scores_shown_are_those_of_the_whole_registry(sample_graph, sample_data):
    part = collect_scopes(sample_graph, ["tinh-52", "agency:000.00.00.G01"], today=TODAY, rules=sample_data.rules)
    assert part.findings == sample_data.findings
    assert part.scores and set(part.scores) <= set(sample_data.scores)
    assert "agency:tinh-52" in part.scores and "agency:tinh-15" not in part.scores
    for agency, score in part.scores.items():
        assert score.as_dict() == sample_data.scores[agency].as_dict(), agency


def test_scoped_data_refuses_to_build_a_site_it_was_not_read_for(tmp_path, sample_graph, sample_data):
    part = collect_scopes(sample_graph, ["agency:tinh-15"], today=TODAY, rules=sample_data.rules)
    with pytest.raises(ValueError, match="national"):
        build_sites(part, ["national"], ["vi"], tmp_path / "site", tmp_path / "work", jobs=1)


def test_a_scope_name_is_resolved_as_the_whole_read_resolves_it(sample_graph):
    with pytest.raises(KeyError, match="agency:tinh-15"):  # a commune: its province's site is named
        collect_scopes(sample_graph, ["agency:tinh-15.xa-bat-xat"], today=TODAY)
    with pytest.raises(KeyError, match="no scope"):
        collect_scopes(sample_graph, ["nowhere"], today=TODAY)
    assert wants_scoped_read(["tinh-15"]) and not wants_scoped_read(["tinh-15", "national"])
    assert not wants_scoped_read(None) and not wants_scoped_read([])


def test_a_change_log_links_the_other_end_of_a_removed_link_from_another_site(graph, tmp_path):
    """The other end of a deleted link is no neighbour any more; the scoped read still names it, so the log of the
    province's system links to the dataset on the other province's site, as the whole read does."""
    first, second = "agency:tinh-98", "agency:tinh-99"
    system, dataset = "system:tinh-98.mot-cua", "dataset:tinh-99.hs"
    records = [{"type": "Agency", "id": first, "name": "Tỉnh Một", "level": "province"},
               {"type": "Agency", "id": second, "name": "Tỉnh Hai", "level": "province"},
               {"type": "System", "id": system, "name": "Một cửa tỉnh Một", "kind": "one_stop_shop"},
               {"type": "Dataset", "id": dataset, "name": "Hồ sơ tỉnh Hai"},
               {"type": "OWNS", "from": first, "to": system}, {"type": "OWNS", "from": second, "to": dataset},
               {"type": "MASTERS", "from": system, "to": dataset}]
    path = tmp_path / "v1.jsonl"
    path.write_text("".join(json.dumps(record, ensure_ascii=False) + "\n" for record in records), encoding="utf-8")
    assert Loader(graph).load_files([path]).ok
    change = {"id": "change:20260115T000000000000-test-0000001", "at": "2026-01-15T00:00:00Z", "by": "test",
              "source": "test", "action": "unlink", "entity_id": system, "rel_type": "MASTERS",
              "target_id": dataset, "changes_json": "{}"}
    assert graph.delete_relationship("MASTERS", system, dataset, None, change) is not None
    whole = collect(graph, today=TODAY)
    part = collect_scopes(graph, [first], today=TODAY)
    assert dataset in part.snapshot.entities and not part.snapshot.out(system, "MASTERS")
    scopes = ScopeMap(whole.snapshot)
    for lang in ("vi", "en"):
        expected = generate(whole, scopes, scopes.scope(first), lang, tmp_path / "whole")
        found = generate(part, ScopeMap(part.snapshot), scopes.scope(first), lang, tmp_path / "part")
        assert found.digest == expected.digest, lang
    page = (tmp_path / "part" / "vi" / "scopes" / "tinh-98" / "docs" / "systems" / "tinh-98.mot-cua.md").read_text()
    assert "[Hồ sơ tỉnh Hai](../../../../scopes/tinh-99/datasets/tinh-99.hs/)" in page.split("Lịch sử thay đổi")[1]
