"""Links: checked markdown links inside a site, relative URLs across sites, so the tree works under any prefix."""

from __future__ import annotations

from registry.site.links import cross_site, page_url, relative, to_root
from registry.site.scopes import NATIONAL_SCOPE, Scope

LAO_CAI = Scope("agency:tinh-15", "tinh-15", "agency:tinh-15", "province")


def test_pages_get_directory_urls():
    assert page_url("index.md") == ""
    assert page_url("findings/index.md") == "findings/"
    assert page_url("systems/tinh-15.mot-cua.md") == "systems/tinh-15.mot-cua/"


def test_sites_sit_at_the_root_under_scopes_and_under_en():
    assert NATIONAL_SCOPE.site_root("vi") == "" and NATIONAL_SCOPE.site_root("en") == "en/"
    assert LAO_CAI.site_root("vi") == "scopes/tinh-15/" and LAO_CAI.site_root("en") == "en/scopes/tinh-15/"


def test_links_inside_a_site_point_at_markdown_files():
    assert relative("systems/a.md", "agencies/b.md") == "../agencies/b.md"
    assert relative("index.md", "findings/x.md") == "findings/x.md"


def test_links_across_sites_are_relative_urls():
    assert cross_site(LAO_CAI, "vi", "systems/a.md", NATIONAL_SCOPE, "index.md") == "../../../../"
    assert cross_site(NATIONAL_SCOPE, "vi", "index.md", LAO_CAI, "systems/a.md") == "scopes/tinh-15/systems/a/"
    assert cross_site(NATIONAL_SCOPE, "en", "findings/x.md", LAO_CAI, "index.md") == "../../../en/scopes/tinh-15/"
    assert cross_site(LAO_CAI, "vi", "index.md", LAO_CAI, "index.md", to_lang="en") == "../../en/scopes/tinh-15/"
    assert cross_site(NATIONAL_SCOPE, "vi", "index.md", NATIONAL_SCOPE, "index.md") == "./"


def test_the_shared_assets_are_reached_from_any_page():
    assert to_root(LAO_CAI, "en", "systems/a.md") == "../../../../../"
    assert to_root(NATIONAL_SCOPE, "vi", "index.md") == ""
