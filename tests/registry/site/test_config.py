"""Each site's MkDocs configuration: what the root mkdocs.yml has, plus its language and a shallow navigation."""

from __future__ import annotations

import yaml
from mkdocs.config import load_config

from registry.site.config import FEATURES, dump, guides_nav, site_config, site_nav
from registry.site.scopes import NATIONAL_SCOPE, Scope
from tests.conftest import REPO

LAO_CAI = Scope("agency:tinh-15", "tinh-15", "agency:tinh-15", "province")


class _Loader(yaml.SafeLoader):
    pass


_Loader.add_multi_constructor("tag:yaml.org,2002:python/", lambda loader, suffix, node: suffix)


def test_sites_use_the_root_configurations_extensions_theme_features_and_hook():
    root = yaml.load((REPO / "mkdocs.yml").read_text(encoding="utf-8"), Loader=_Loader)
    site = yaml.load(dump(site_config(LAO_CAI, "vi", "Lào Cai", [])), Loader=_Loader)
    assert site["markdown_extensions"] == root["markdown_extensions"]
    assert set(root["theme"]["features"]) <= set(FEATURES) and "navigation.prune" in FEATURES
    assert site["theme"]["font"] is False and root["theme"]["font"] is False
    assert [hook.split("/")[-1] for hook in site["hooks"]] == [hook.split("/")[-1] for hook in root["hooks"]]
    assert root["exclude_docs"].strip() == "generated/"


def test_language_goes_to_the_theme_and_to_search():
    vi = site_config(LAO_CAI, "vi", "x", [])
    en = site_config(LAO_CAI, "en", "x", [])
    assert vi["theme"]["language"] == "vi" and vi["plugins"] == [{"search": {"lang": ["vi"]}}]
    assert en["theme"]["language"] == "en" and en["plugins"] == [{"search": {"lang": ["en", "vi"]}}]
    assert [alt["link"] for alt in vi["extra"]["alternate"]] == ["../../scopes/tinh-15/", "../../en/scopes/tinh-15/"]
    assert vi["extra_javascript"] == ["../../assets/registry/mermaid.tiny.min.js", "../../assets/registry/languages.js"]


def test_the_navigation_is_shallow_and_lists_no_entity_page():
    nav = site_nav(NATIONAL_SCOPE, "vi", [("data", "Dữ liệu")], ["System"], [("dataset-master", "Nguồn")],
                   guides_nav(REPO / "mkdocs.yml"))
    flat = yaml.safe_dump(nav, allow_unicode=True)
    assert "systems/index.md" in flat and "systems/tinh" not in flat
    assert {"Hướng dẫn": guides_nav(REPO / "mkdocs.yml")} in nav
    assert {"Kiến trúc": "guide/architecture.md"} in guides_nav(REPO / "mkdocs.yml")


def test_the_written_configuration_loads_in_mkdocs(tmp_path):
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "index.md").write_text("# x\n", encoding="utf-8")
    (tmp_path / "mkdocs.yml").write_text(dump(site_config(NATIONAL_SCOPE, "vi", "Sổ", [{"Trang chủ": "index.md"}])),
                                         encoding="utf-8")
    config = load_config(config_file=str(tmp_path / "mkdocs.yml"))
    fences = config["mdx_configs"]["pymdownx.superfences"]["custom_fences"]
    assert callable(fences[0]["format"])


def test_a_published_address_gives_each_site_its_own_site_url():
    assert "site_url" not in site_config(LAO_CAI, "vi", "x", [])  # without one, the tree works at any address
    vi = site_config(LAO_CAI, "vi", "x", [], site_url="https://kientruc.gov.vn/site")
    en = site_config(LAO_CAI, "en", "x", [], site_url="https://kientruc.gov.vn/site/")
    assert vi["site_url"] == "https://kientruc.gov.vn/site/scopes/tinh-15/"
    assert en["site_url"] == "https://kientruc.gov.vn/site/en/scopes/tinh-15/"
