"""Entity pages written straight to HTML are the pages MkDocs would have written, only faster."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from registry.site.build import SiteBuildError, build_sites, run_mkdocs
from registry.site.fastpages import DIRECT_FOLDERS, Unsupported, convert, search_entry

from .conftest import data_of, snapshot_of

os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
SITES = ["national", "agency:tinh-15", "agency:000.00.00.G01"]
SITE_URL = "https://kientruc.example.vn/site/"  # so every page also carries its own canonical address
EVIL = 'Hệ thống "A & B" <script>x</script> | [x](y) *z* _w_ `c` \\ # 1. - + 50%'


def _mkdocs_pages(site_folder: Path) -> tuple[object, object, list]:
    """A generated site's MkDocs configuration, files and pages."""
    from mkdocs.config import load_config
    from mkdocs.structure.files import get_files

    config = load_config(str(site_folder / "mkdocs.yml"))
    files = get_files(config)
    return config, files, list(files.documentation_pages())


def _toc(items: object) -> list[tuple[int, str, str]]:
    found = []
    for item in items:  # type: ignore[attr-defined]
        found.append((item.level, item.id, item.title))
        found.extend(_toc(item.children))
    return found


def _assert_converts_like_mkdocs(site_folder: Path) -> int:
    """Every page of the site that converts converts to what MkDocs renders; how many did."""
    from mkdocs.structure.pages import Page, _RelativePathTreeprocessor
    from mkdocs.utils import meta

    config, files, pages = _mkdocs_pages(site_folder)
    converted = 0
    for file in pages:
        markdown, _ = meta.get_data(file.content_string)
        try:
            fast = convert(markdown, _RelativePathTreeprocessor(file, files, config).path_to_url)
        except Unsupported:
            continue
        page = Page(None, file, config)
        page.read_source(config)
        page.render(config, files)
        assert fast.html == page.content, file.src_uri
        assert fast.title == page.title, file.src_uri
        assert [(h.level, h.id, h.name) for h in fast.headings] == _toc(page.toc.items), file.src_uri
        converted += 1
    return converted


@pytest.fixture(scope="module")
def trees(tmp_path_factory, sample_data):  # type: ignore[no-untyped-def]
    """The same sites built twice: every page by MkDocs, and with the direct pages."""
    root = tmp_path_factory.mktemp("direct")
    for direct in (False, True):
        name = "direct" if direct else "mkdocs"
        results = build_sites(sample_data, SITES, ["vi", "en"], root / name, root / f"{name}-work", jobs=1,
                              direct=direct, site_url=SITE_URL)
        assert all(result.built for result in results)
    return root


def test_every_page_that_converts_converts_to_the_html_mkdocs_makes_of_it(trees):
    converted = 0
    for lang in ("vi", "en"):
        for folder in ("national", "scopes/tinh-15", "scopes/000.00.00.G01"):
            converted += _assert_converts_like_mkdocs(trees / "mkdocs-work" / lang / folder)
    assert converted > 300


def test_a_site_with_direct_pages_is_the_site_mkdocs_builds(trees):
    """Byte for byte, every page; the search index holds the same entries."""
    mkdocs, direct = trees / "mkdocs", trees / "direct"
    pages = sorted(path.relative_to(mkdocs) for path in mkdocs.rglob("*.html"))
    assert sorted(path.relative_to(direct) for path in direct.rglob("*.html")) == pages
    entity_pages = [path for path in pages if len(path.parts) > 2 and path.parts[-3] in DIRECT_FOLDERS]
    assert len(entity_pages) > 150
    for path in pages:
        assert (direct / path).read_bytes() == (mkdocs / path).read_bytes(), path
    system = next(path for path in entity_pages if path.parts[-3] == "systems")
    canonical = f'<link rel="canonical" href="{SITE_URL}{system.parent.as_posix()}/">'
    assert canonical in (direct / system).read_text(encoding="utf-8")
    for index in mkdocs.rglob("search_index.json"):
        ours = json.loads((direct / index.relative_to(mkdocs)).read_text(encoding="utf-8"))
        theirs = json.loads(index.read_text(encoding="utf-8"))
        assert ours["config"] == theirs["config"]
        assert sorted(map(json.dumps, ours["docs"])) == sorted(map(json.dumps, theirs["docs"])), index


def test_names_with_markup_characters_convert_like_mkdocs_or_are_left_to_it(tmp_path):
    """Whatever an inventory holds, a page is either converted exactly or built by MkDocs."""
    nodes = [{"type": "Agency", "id": "agency:t", "name": "Tỉnh T & <Hà>", "level": "province"}]
    edges = []
    for index, name in enumerate([EVIL, "1. Hệ thống", "- gạch đầu dòng", "**đậm**", "a_b_c", "Tên\nhai dòng",
                                  "&amp; đã mã hoá", "https://x.gov.vn/a?b=1&c=2"]):
        node = {"type": "System", "id": f"system:t.s{index}", "name": name, "description": name}
        if index == 0:
            node["url"] = "https://x.gov.vn/?a=1&b=<2>"
        nodes.append(node)
        edges.append(("agency:t", "OWNS", f"system:t.s{index}"))
    edges.append(("system:t.s0", "USES", "system:t.s1"))
    results = build_sites(data_of(snapshot_of(nodes, edges)), ["agency:t"], ["vi"], tmp_path / "site",
                          tmp_path / "work", jobs=1)
    assert results[0].built
    assert _assert_converts_like_mkdocs(tmp_path / "work" / "vi" / "scopes" / "t") > 5
    page = (tmp_path / "site" / "scopes" / "t" / "systems" / "t.s0" / "index.html").read_text(encoding="utf-8")
    article = page[page.index("<article"):page.index("</article>")]
    assert "<script>x" not in article and "&lt;script&gt;x" in article


def test_markdown_outside_the_subset_is_refused():
    for source in ("# T\n\n!!! note\n    x\n", "# T\n\n- a\n\n- b\n", "# T\n\n    code\n", "---\na: 1\n---\n# T\n",
                   "# T\n\n<div>x</div>\n", "# T\n\n``` python\nx\n```\n", "# T\n\ntext  \nbreak\n", "# T\n\n1. one\n"):
        with pytest.raises(Unsupported):
            convert(source, lambda url: url)


def test_the_search_entry_is_the_one_materials_parser_makes():
    from material.plugins.search.plugin import SearchIndex

    from registry.site.fastpages import _SearchPage

    class File:
        url = "systems/x/"

    source = ("# Hệ thống *A* &amp; `B`\n\n**Hệ thống** · Ứng dụng\n\nMô tả  với  hai khoảng\n\n| Thông tin | |\n"
              "| --- | --- |\n| Mã | `system:x` |\n| Chủ quản | [Sở](../agencies/s.md) |\n\n- một\n- hai\n\n"
              "## Quan hệ { data-search-exclude }\n\n- [b](b.md)\n")
    page = convert(source, lambda url: url)
    index = SearchIndex()
    index.add_entry_from_context(_SearchPage(File(), page))
    assert [search_entry("systems/x/", page)] == index.entries


def test_a_broken_link_on_a_direct_page_fails_the_build(tmp_path, sample_data):
    build_sites(sample_data, ["agency:tinh-15"], ["vi"], tmp_path / "site", tmp_path / "work", jobs=1)
    page = tmp_path / "work" / "vi" / "scopes" / "tinh-15" / "docs" / "systems" / "tinh-15.y-te.md"
    page.write_text(page.read_text(encoding="utf-8") + "\n[gone](../systems/missing.md)\n", encoding="utf-8")
    with pytest.raises(SiteBuildError, match="missing.md"):
        run_mkdocs(str(tmp_path / "work" / "vi" / "scopes" / "tinh-15" / "mkdocs.yml"), str(tmp_path / "out"))


def test_a_page_the_converter_refuses_is_built_by_mkdocs(tmp_path, sample_data):
    build_sites(sample_data, ["agency:tinh-15"], ["vi"], tmp_path / "site", tmp_path / "work", jobs=1)
    docs = tmp_path / "work" / "vi" / "scopes" / "tinh-15" / "docs"
    (docs / "systems" / "odd.md").write_text("# Odd\n\n!!! note\n    An admonition.\n", encoding="utf-8")
    run_mkdocs(str(docs.parent / "mkdocs.yml"), str(tmp_path / "out"))
    odd = (tmp_path / "out" / "systems" / "odd" / "index.html").read_text(encoding="utf-8")
    assert '<div class="admonition note">' in odd
    assert (tmp_path / "out" / "systems" / "tinh-15.y-te" / "index.html").exists()
