"""Generate each site's markdown and configuration, build it with MkDocs, and publish it into the output tree.

A site is one scope in one language. Its markdown and `mkdocs.yml` go to `docs/generated/<lang>/<scope>/` (only
files whose text changed are rewritten). A digest of everything that goes into the build (pages, guides,
configuration, the versions of MkDocs and Material, this package's hook) is kept per site in the output tree;
a site whose digest did not change is not built again, so after one entity changes only the sites it appears on
are rebuilt. Sites build in parallel processes (MkDocs itself runs in one thread), each into a staging folder that
is then synchronised into place: the national site sits at the root of the tree, above the others, and a
server keeps serving the previous version of a site while its next one builds.
"""

from __future__ import annotations

import filecmp
import hashlib
import json
import logging
import multiprocessing
import os
import shutil
import tempfile
import time
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

from registry.site import config as site_config_module
from registry.site import i18n
from registry.site.collect import SiteData
from registry.site.config import HOOKS, dump, guides_nav, site_config, site_nav
from registry.site.i18n import Lang
from registry.site.links import SHARED_ASSETS
from registry.site.pages import Page, SiteContext, list_types, scope_pages
from registry.site.scopes import NATIONAL, Scope, ScopeMap

FORMAT_VERSION = "1"
STATE_FILE = ".registry-site.json"
ASSETS = Path(__file__).resolve().parent / "assets"
SHARED_FILES = (site_config_module.MERMAID_JS, "mermaid.LICENSE", site_config_module.SITE_CSS)
# Parts of the tree that belong to other sites, which publishing a site must leave alone.
STAGING = ".staging"
_NESTED = {("vi", True): ("en/", "scopes/", f"{SHARED_ASSETS}/", STATE_FILE, f"{STAGING}/"), ("en", True): ("scopes/",)}
# Theme files a site never loads: source maps, and the search languages and segmenters it does not use.
_UNUSED_THEME_FILES = ("assets/javascripts/lunr/wordcut.js", "assets/javascripts/lunr/tinyseg.js")


class SiteBuildError(RuntimeError):
    """MkDocs refused a site (in strict mode any warning does); the message names the site and the warnings."""


@dataclass(frozen=True)
class Guides:
    """The hand-written documentation (root `mkdocs.yml` and its docs folder), part of the national site."""

    config_file: Path

    @property
    def docs_dir(self) -> Path:
        return self.config_file.parent / "docs"

    def files(self) -> list[Path]:
        """Every file of the guides, the generated folder left out."""
        return sorted(path for path in self.docs_dir.rglob("*")
                      if path.is_file() and "generated" not in path.relative_to(self.docs_dir).parts[:1])


@dataclass
class GeneratedSite:
    scope: Scope
    lang: Lang
    folder: Path
    digest: str
    pages: int

    @property
    def key(self) -> str:
        return f"{self.lang}/{self.scope.key}"

    @property
    def config_file(self) -> Path:
        return self.folder / "mkdocs.yml"


@dataclass
class SiteResult:
    """What happened to one site: built (with its build time) or skipped because nothing in it changed."""

    scope: str
    lang: str
    pages: int
    built: bool
    seconds: float = 0.0
    warnings: list[str] = field(default_factory=list)
    url: str = ""


def site_folder(work: Path, scope: Scope, lang: Lang) -> Path:
    return work / lang / (NATIONAL if scope.is_national else f"scopes/{scope.slug}")


def site_name(data: SiteData, scope: Scope, lang: Lang) -> str:
    if scope.is_national:
        return i18n.t("site_name", lang)
    agency = data.snapshot.entities[scope.agency_id or ""]
    short = agency.props.get("short_name") if lang == "vi" else None
    return f"{short or agency.display_name(lang)} — {i18n.t('site_name', lang)}"


def _write_if_changed(path: Path, content: bytes) -> None:
    if path.exists() and path.read_bytes() == content:
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)


def _remove_stale(folder: Path, keep: set[str]) -> None:
    if not folder.exists():
        return
    for path in sorted(folder.rglob("*"), reverse=True):
        relative = path.relative_to(folder).as_posix()
        if path.is_file() and relative not in keep:
            path.unlink()
        elif path.is_dir() and not any(path.iterdir()):
            path.rmdir()


def _versions() -> str:
    return ";".join(f"{name}=={metadata.version(name)}" for name in ("mkdocs", "mkdocs-material", "Jinja2"))


def generate(data: SiteData, scopes: ScopeMap, scope: Scope, lang: Lang, work: Path,
             guides: Guides | None = None) -> GeneratedSite:
    """Write one site's markdown and `mkdocs.yml` under `work`; return its digest."""
    folder = site_folder(work, scope, lang)
    docs = folder / "docs"
    pages: list[Page] = scope_pages(data, scopes, scope, lang)
    files: dict[str, bytes] = {page.path: page.content.encode("utf-8") for page in pages}
    guide_nav = None
    if scope.is_national and guides is not None and guides.config_file.exists():
        for path in guides.files():
            files[f"guide/{path.relative_to(guides.docs_dir).as_posix()}"] = path.read_bytes()
        guide_nav = guides_nav(guides.config_file)
    for relative, content in files.items():
        _write_if_changed(docs / relative, content)
    _remove_stale(docs, set(files))
    site = SiteContext(data, scopes, scope, lang)
    nav = site_nav(scope, lang, [(pillar.id, pillar.name if lang == "vi" else pillar.name_en) for pillar in data.pillars],
                   list_types(site), [(rule.id, rule.title if lang == "vi" else rule.title_en) for rule in data.rules],
                   guide_nav)
    config_text = dump(site_config(scope, lang, site_name(data, scope, lang), nav))
    _write_if_changed(folder / "mkdocs.yml", config_text.encode("utf-8"))
    digest = hashlib.sha256()
    for part in (FORMAT_VERSION, _versions(), HOOKS.read_text(encoding="utf-8"), config_text):
        digest.update(part.encode("utf-8") + b"\0")
    for relative in sorted(files):
        digest.update(relative.encode("utf-8") + b"\0" + files[relative] + b"\0")
    return GeneratedSite(scope, lang, folder, digest.hexdigest(), sum(1 for name in files if name.endswith(".md")))


def run_mkdocs(config_file: str, site_dir: str) -> tuple[float, list[str]]:
    """Build one site with MkDocs' Python API in strict mode; (seconds, warnings). Runs in a worker process."""
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    from mkdocs.exceptions import Abort, ConfigurationError

    warnings: list[str] = []

    class Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            warnings.append(record.getMessage())

    handler = Collect(logging.WARNING)
    logger = logging.getLogger("mkdocs")
    logger.addHandler(handler)
    started = time.perf_counter()
    try:
        config = load_config(config_file=config_file, strict=True, site_dir=site_dir)
        config.plugins.on_startup(command="build", dirty=False)
        try:
            build(config)
        finally:
            config.plugins.on_shutdown()
    except (Abort, ConfigurationError) as error:
        raise SiteBuildError(f"{config_file}: {error}; warnings: {' | '.join(warnings) or 'none'}") from None
    finally:
        logger.removeHandler(handler)
    return time.perf_counter() - started, warnings


def prune_theme(site_dir: Path, lang: Lang) -> None:
    """Delete the theme files this site never loads (source maps, other languages' search code): every scope site
    carries its own copy of the theme, so this halves the size of the tree."""
    keep = {"vi", "en", "multi", "stemmer.support"}
    for path in list(site_dir.glob("assets/**/*.map")):
        path.unlink()
    for relative in _UNUSED_THEME_FILES:
        (site_dir / relative).unlink(missing_ok=True)
    for path in site_dir.glob("assets/javascripts/lunr/min/lunr.*.min.js"):
        if path.name[len("lunr."):-len(".min.js")] not in keep:
            path.unlink()


def publish(staging: Path, target: Path, nested: Sequence[str] = ()) -> None:
    """Make `target` hold exactly what `staging` holds (changed files copied, stale ones deleted), leaving the
    `nested` paths (other sites inside this one's folder) alone."""
    target.mkdir(parents=True, exist_ok=True)
    copied: set[str] = set()
    for path in staging.rglob("*"):
        if not path.is_file():
            continue
        relative = path.relative_to(staging).as_posix()
        copied.add(relative)
        destination = target / relative
        if destination.exists() and filecmp.cmp(path, destination, shallow=False):
            continue
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(path, destination)
    for path in sorted(target.rglob("*"), reverse=True):
        relative = path.relative_to(target).as_posix()
        if any(relative == item.rstrip("/") or relative.startswith(item) for item in nested):
            continue
        if path.is_file() and relative not in copied:
            path.unlink()
        elif path.is_dir() and not path.is_symlink() and not any(path.iterdir()):
            path.rmdir()


def publish_assets(out: Path) -> None:
    """Mermaid and the stylesheet, once for the whole tree."""
    for name in SHARED_FILES:
        _write_if_changed(out / SHARED_ASSETS / name, (ASSETS / name).read_bytes())


def swap(staging: Path, target: Path) -> None:
    """Put a freshly built site in place of the old one by renaming folders (both on one file system): instant,
    whatever the size, and a reader sees the old site or the new one, never half of each."""
    target.parent.mkdir(parents=True, exist_ok=True)
    old = staging.with_name(staging.name + ".old")
    if target.exists():
        target.rename(old)
    staging.rename(target)
    shutil.rmtree(old, ignore_errors=True)


def _build_and_publish(config_file: str, target: str, lang: Lang, nested: tuple[str, ...],
                       staging_root: str) -> tuple[float, list[str]]:
    """Build into a staging folder inside the tree, then swap it in (a site with no other site inside it) or
    synchronise it file by file (the national sites, which hold the others)."""
    Path(staging_root).mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix="site-", dir=staging_root))
    staging.chmod(0o755)  # mkdtemp makes it private; once swapped in, a web server must read it
    try:
        seconds, warnings = run_mkdocs(config_file, str(staging))
        prune_theme(staging, lang)
        if nested:
            publish(staging, Path(target), nested)
        else:
            swap(staging, Path(target))
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return seconds, warnings


def _load_state(out: Path) -> dict[str, dict]:
    try:
        state = json.loads((out / STATE_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return state.get("sites", {}) if state.get("format") == FORMAT_VERSION else {}


def _save_state(out: Path, sites: dict[str, dict]) -> None:
    out.mkdir(parents=True, exist_ok=True)
    (out / STATE_FILE).write_text(json.dumps({"format": FORMAT_VERSION, "sites": sites}, indent=1, sort_keys=True),
                                  encoding="utf-8")


def build_sites(data: SiteData, scope_keys: Iterable[str] | None, langs: Iterable[Lang], out: Path, work: Path,
                guides: Guides | None = None, force: bool = False, jobs: int | None = None,
                progress: Callable[[SiteResult], None] | None = None) -> list[SiteResult]:
    """Generate and build the named scopes (None: every scope) in the given languages into `out`.

    Sites whose content digest is unchanged since their last build are skipped unless `force`. With `jobs` > 1
    the MkDocs builds run in that many processes (default: the number of CPUs)."""
    scopes = ScopeMap(data.snapshot)
    chosen = list(scopes.scopes.values()) if scope_keys is None else [scopes.resolve(key) for key in scope_keys]
    chosen = list({scope.key: scope for scope in chosen}.values())
    langs = list(dict.fromkeys(langs))
    out.mkdir(parents=True, exist_ok=True)
    publish_assets(out)
    state = _load_state(out)
    generated = [generate(data, scopes, scope, lang, work, guides) for scope in chosen for lang in langs]
    results: dict[str, SiteResult] = {}
    todo: list[GeneratedSite] = []
    for site in generated:
        target = out / site.scope.site_root(site.lang)
        unchanged = state.get(site.key, {}).get("digest") == site.digest and (target / "index.html").exists()
        if unchanged and not force:
            results[site.key] = SiteResult(site.scope.key, site.lang, site.pages, built=False,
                                           url=site.scope.site_root(site.lang))
            if progress:
                progress(results[site.key])
        else:
            todo.append(site)
    todo.sort(key=lambda site: -site.pages)  # the biggest first, so the pool ends evenly
    jobs = max(1, min(jobs or os.cpu_count() or 1, len(todo) or 1))

    def finished(site: GeneratedSite, seconds: float, warnings: list[str]) -> None:
        results[site.key] = SiteResult(site.scope.key, site.lang, site.pages, built=True, seconds=seconds,
                                       warnings=warnings, url=site.scope.site_root(site.lang))
        state[site.key] = {"digest": site.digest, "pages": site.pages, "seconds": round(seconds, 2)}
        _save_state(out, state)
        if progress:
            progress(results[site.key])

    def arguments(site: GeneratedSite) -> tuple[str, str, Lang, tuple[str, ...], str]:
        nested = _NESTED.get((site.lang, site.scope.is_national), ())
        return str(site.config_file), str(out / site.scope.site_root(site.lang)), site.lang, nested, str(out / STAGING)

    if jobs == 1:
        for site in todo:
            finished(site, *_build_and_publish(*arguments(site)))
    else:
        os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
        with ProcessPoolExecutor(max_workers=jobs, mp_context=multiprocessing.get_context("spawn")) as pool:
            futures = {pool.submit(_build_and_publish, *arguments(site)): site for site in todo}
            errors = []
            from concurrent.futures import as_completed

            for future in as_completed(futures):
                try:
                    finished(futures[future], *future.result())
                except SiteBuildError as error:
                    errors.append(str(error))
            if errors:
                raise SiteBuildError("\n".join(errors))
    shutil.rmtree(out / STAGING, ignore_errors=True)
    return [results[site.key] for site in generated]
