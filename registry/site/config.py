"""The MkDocs configuration of each generated site (a scope in one language), written next to its pages.

Each site gets a complete `mkdocs.yml` of its own (`docs/generated/<lang>/<scope>/mkdocs.yml`), so a developer can
rebuild one by hand with `mkdocs build -f …`. The Markdown extensions and theme features are those of the root
`mkdocs.yml` (the hand-written guides build with them too); the site adds its language, a shallow navigation
(entity pages are reached from lists, never listed in the navigation) and `navigation.prune`, and no plugin beyond
search. Language: Material's `theme.language` and the search `lang` (lunr's Vietnamese pipeline for `vi`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from registry.site import i18n
from registry.site.fastpages import DIRECT_FOLDERS
from registry.site.i18n import Lang
from registry.site.links import SHARED_ASSETS, TYPE_FOLDERS, depth
from registry.site.scopes import Scope

HOOKS = Path(__file__).resolve().parent / "hooks.py"
MERMAID_JS = "mermaid.tiny.min.js"
SITE_CSS = "site.css"
LANGUAGES_JS = "languages.js"  # the language selector stays on the same page
FEATURES = ["navigation.prune", "search.suggest", "search.highlight"]


class PythonName(str):
    """A `!!python/name:` value in YAML (how MkDocs configs name a function, e.g. a superfences formatter)."""


class _Dumper(yaml.SafeDumper):
    pass


_Dumper.add_representer(PythonName, lambda dumper, value: dumper.represent_scalar(
    f"tag:yaml.org,2002:python/name:{value}", ""))

MARKDOWN_EXTENSIONS: list[Any] = [
    "tables", "admonition", "attr_list",
    {"pymdownx.superfences": {"custom_fences": [
        {"name": "mermaid", "class": "mermaid", "format": PythonName("pymdownx.superfences.fence_code_format")}]}},
]


def guides_nav(root_config: Path) -> list[Any]:
    """The navigation of the hand-written guides (the root `mkdocs.yml`), moved under `guide/`."""
    raw = yaml.load(root_config.read_text(encoding="utf-8"), Loader=_IgnoreTags)
    return _prefix(raw.get("nav") or [], "guide/")


class _IgnoreTags(yaml.SafeLoader):
    """Reads the root config's plain parts; `!!python/name` values are not needed here."""


_IgnoreTags.add_multi_constructor("tag:yaml.org,2002:python/", lambda loader, suffix, node: None)


def _prefix(nav: Any, prefix: str) -> Any:
    if isinstance(nav, str):
        return nav if "://" in nav else prefix + nav
    if isinstance(nav, list):
        return [_prefix(item, prefix) for item in nav]
    if isinstance(nav, dict):
        return {key: _prefix(value, prefix) for key, value in nav.items()}
    return nav


def site_nav(scope: Scope, lang: Lang, pillars: list[tuple[str, str]], list_types: list[str],
             rule_titles: list[tuple[str, str]], guides: list[Any] | None) -> list[Any]:
    """A shallow navigation: home, pillars, agencies, one list per type, findings (and the guides, nationally)."""
    nav: list[Any] = [{i18n.t("home", lang): "index.md"}]
    nav.append({i18n.t("pillars", lang): [{name: f"pillars/{pillar_id}.md"} for pillar_id, name in pillars]})
    nav.append({i18n.t("hierarchy", lang): "agencies/index.md"})
    for node_type in list_types:
        nav.append({i18n.type_name(node_type, lang, plural=True): f"{TYPE_FOLDERS[node_type]}/index.md"})
    nav.append({i18n.t("findings", lang): [{i18n.t("overview", lang): "findings/index.md"}]
                + [{title: f"findings/{rule_id}.md"} for rule_id, title in rule_titles]})
    if guides:
        nav.append({i18n.t("guides", lang): guides})
    return nav


def site_config(scope: Scope, lang: Lang, site_name: str, nav: list[Any], direct: bool = True,
                site_url: str | None = None) -> dict[str, Any]:
    """The whole MkDocs configuration of one site; paths are relative to the folder the config is written to.

    With `direct`, the hook writes the entity pages straight to HTML (`fastpages`) instead of MkDocs. `site_url` is
    the address the whole tree is published at (e.g. `https://kientruc.gov.vn/site/`): with it every page gets its
    canonical address and the 404 page its styles at any depth; without it the tree works at any address, but a
    missing page deep in it shows an unstyled 404 page."""
    to_tree_root = "../" * depth(scope.site_root(lang))
    assets = f"{to_tree_root}{SHARED_ASSETS}"
    alternates = [{"name": "Tiếng Việt" if other == "vi" else "English", "lang": other,
                   "link": (to_tree_root + scope.site_root(other)) or "./"} for other in i18n.LANGS]
    config: dict[str, Any] = {
        "site_name": site_name,
        "site_description": i18n.t("site_description", lang),
        "docs_dir": "docs",
        "use_directory_urls": True,
        # No web fonts: the sites must work on an intranet, and load nothing from outside.
        "theme": {"name": "material", "language": lang, "features": FEATURES, "font": False},
        "plugins": [{"search": {"lang": ["vi"] if lang == "vi" else ["en", "vi"]}}],
        "hooks": [str(HOOKS)],
        "markdown_extensions": MARKDOWN_EXTENSIONS,
        "extra_css": [f"{assets}/{SITE_CSS}"],
        "extra_javascript": [f"{assets}/{MERMAID_JS}", f"{assets}/{LANGUAGES_JS}"],
        "extra": {"alternate": alternates, "generator": False,
                  "registry": {"direct_pages": list(DIRECT_FOLDERS) if direct else []}},
        # Links to the other sites are relative URLs, not files of this one: MkDocs need not report them. Pages
        # left out of the navigation on purpose (every entity page) need no report either.
        "validation": {"links": {"unrecognized_links": "ignore"}, "nav": {"omitted_files": "ignore"}},
        "nav": nav,
    }
    if site_url:
        config["site_url"] = site_url.rstrip("/") + "/" + scope.site_root(lang)
    return config


def dump(config: dict[str, Any]) -> str:
    """The configuration as YAML MkDocs reads (with its `!!python/name` tags)."""
    return yaml.dump(config, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=120)
