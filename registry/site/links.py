"""Where each page is, and relative links between pages of one site and across sites.

Layout of the published tree (served under `/site` by `registry serve`, or by any static web server):

    index.html, agencies/…, systems/…, findings/…, guide/…   the national site, in Vietnamese
    scopes/<slug>/…                                           a ministry's or province's site
    en/…, en/scopes/<slug>/…                                  the same sites in English
    assets/registry/…                                         Mermaid and the site's stylesheet, shared

Links inside one site point at the markdown file, so MkDocs checks them (`--strict`); links to another site are
relative URLs computed from the page's own URL, so the tree works under any prefix and from a plain folder.
"""

from __future__ import annotations

from registry.site.scopes import Scope, ScopeMap, slug_for

TYPE_FOLDERS: dict[str, str] = {
    "Agency": "agencies", "System": "systems", "Platform": "platforms", "Dataset": "datasets", "Api": "apis",
    "PublicService": "services", "Infrastructure": "infrastructure", "Standard": "standards", "Team": "teams",
}
SHARED_ASSETS = "assets/registry"


def page_url(path: str) -> str:
    """The URL (relative to its site's root) MkDocs gives a markdown file with directory URLs."""
    if path == "index.md":
        return ""
    if path.endswith("/index.md"):
        return path[: -len("index.md")]
    return path[: -len(".md")] + "/"


def depth(url: str) -> int:
    return url.count("/")


def relative(from_path: str, to_path: str) -> str:
    """A markdown link from one file of a site to another (MkDocs turns it into the right URL and checks it).

    Both paths are relative to the site's docs folder and normalised, so this is `posixpath.relpath` without its
    look-ups of the working directory (it runs for every link of every page)."""
    start = from_path.split("/")[:-1]
    target = to_path.split("/")
    common = 0
    limit = min(len(start), len(target) - 1)
    while common < limit and start[common] == target[common]:
        common += 1
    return "/".join([".."] * (len(start) - common) + target[common:])


def cross_site(from_scope: Scope, lang: str, from_path: str, to_scope: Scope, to_path: str,
               to_lang: str | None = None) -> str:
    """A relative URL from a page of one site to a page of another (or of the same site in another language)."""
    up = depth(page_url(from_path)) + depth(from_scope.site_root(lang))
    target = to_scope.site_root(to_lang or lang) + page_url(to_path)
    return ("../" * up + target) or "./"


def to_root(scope: Scope, lang: str, from_path: str) -> str:
    """The relative URL from a page to the root of the whole published tree (for the shared assets)."""
    return "../" * (depth(page_url(from_path)) + depth(scope.site_root(lang)))


class Linker:
    """Links from the pages of one (scope, language) site to any entity or page of the published tree."""

    def __init__(self, scopes: ScopeMap, scope: Scope, lang: str) -> None:
        self.scopes = scopes
        self.scope = scope
        self.lang = lang

    def entity_path(self, entity_id: str) -> tuple[Scope, str]:
        """The site and file of an entity's page."""
        home = self.scopes.scope_of(entity_id)
        if home.agency_id == entity_id:
            return home, "index.md"
        entity = self.scopes.snapshot.entities.get(entity_id)
        folder = TYPE_FOLDERS.get(entity.type if entity else "", "entities")
        return home, f"{folder}/{slug_for(entity_id)}.md"

    def to(self, from_path: str, scope: Scope, path: str) -> str:
        if scope.key == self.scope.key:
            return relative(from_path, path)
        return cross_site(self.scope, self.lang, from_path, scope, path)

    def entity(self, from_path: str, entity_id: str) -> str | None:
        """The link to an entity's page (None for an id the registry does not hold)."""
        if entity_id not in self.scopes.snapshot.entities:
            return None
        scope, path = self.entity_path(entity_id)
        return self.to(from_path, scope, path)

    def is_local(self, entity_id: str) -> bool:
        return self.scopes.home.get(entity_id) == self.scope.key
