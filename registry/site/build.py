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
import gc
import hashlib
import json
import logging
import multiprocessing
import os
import shutil
import tempfile
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

from registry.site import config as site_config_module
from registry.site import i18n
from registry.site.collect import SiteData
from registry.site.config import HOOKS, dump, guides_nav, site_config, site_nav
from registry.site.findings_cache import FINDINGS_FILE
from registry.site.i18n import Lang
from registry.site.links import SHARED_ASSETS
from registry.site.pages import Page, SiteContext, SiteIndex, list_types, scope_pages
from registry.site.scopes import NATIONAL, Scope, ScopeMap

FORMAT_VERSION = "1"
STATE_FILE = ".registry-site.json"
ASSETS = Path(__file__).resolve().parent / "assets"
FASTPAGES = Path(__file__).resolve().parent / "fastpages.py"  # writes most pages: part of every site's digest
SHARED_FILES = (site_config_module.MERMAID_JS, "mermaid.LICENSE", site_config_module.SITE_CSS,
                site_config_module.LANGUAGES_JS)
# Parts of the tree that belong to other sites, which publishing a site must leave alone.
STAGING = ".staging"
TRASH = ".registry-old"  # previous versions of rebuilt sites, deleted in the background by the next build
_NESTED = {("vi", True): ("en/", "scopes/", f"{SHARED_ASSETS}/", STATE_FILE, FINDINGS_FILE, f"{STAGING}/", f"{TRASH}/"),
           ("en", True): ("scopes/",)}
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
    digest: str = ""


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
             guides: Guides | None = None, direct: bool = True, unless: str | None = None,
             site_url: str | None = None) -> GeneratedSite:
    """Write one site's markdown and `mkdocs.yml` under `work`; return its digest. With `direct`, the entity pages
    are written straight to HTML (`fastpages`) rather than by MkDocs. When the digest equals `unless` (the last
    build's), nothing is written: an unchanged site costs no file access."""
    folder = site_folder(work, scope, lang)
    docs = folder / "docs"
    pages: list[Page] = scope_pages(data, scopes, scope, lang)
    files: dict[str, bytes] = {page.path: page.content.encode("utf-8") for page in pages}
    guide_nav = None
    if scope.is_national and guides is not None and guides.config_file.exists():
        for path in guides.files():
            files[f"guide/{path.relative_to(guides.docs_dir).as_posix()}"] = path.read_bytes()
        guide_nav = guides_nav(guides.config_file)
    site = SiteContext(data, scopes, scope, lang)
    nav = site_nav(scope, lang, [(pillar.id, pillar.name if lang == "vi" else pillar.name_en) for pillar in data.pillars],
                   list_types(site), [(rule.id, rule.title if lang == "vi" else rule.title_en) for rule in data.rules],
                   guide_nav)
    config_text = dump(site_config(scope, lang, site_name(data, scope, lang), nav, direct=direct,
                                   site_url=site_url))
    digest = hashlib.sha256()
    for part in (FORMAT_VERSION, _versions(), HOOKS.read_text(encoding="utf-8"), FASTPAGES.read_text(encoding="utf-8"),
                 config_text):
        digest.update(part.encode("utf-8") + b"\0")
    for relative in sorted(files):
        digest.update(relative.encode("utf-8") + b"\0" + files[relative] + b"\0")
    generated = GeneratedSite(scope, lang, folder, digest.hexdigest(), sum(1 for name in files if name.endswith(".md")))
    if generated.digest != unless:
        for relative, content in files.items():
            _write_if_changed(docs / relative, content)
        _remove_stale(docs, set(files))
        _write_if_changed(folder / "mkdocs.yml", config_text.encode("utf-8"))
    return generated


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
    # Stale files: walk this site's own folders only, never into the nested sites (a nation's national site holds
    # a million files of other sites below it).
    skipped = {item.rstrip("/") for item in nested}
    folders: list[Path] = []
    for folder, dirnames, filenames in os.walk(target):
        base = Path(folder)
        prefix = base.relative_to(target).as_posix()
        prefix = "" if prefix == "." else prefix + "/"
        dirnames[:] = [name for name in dirnames if prefix + name not in skipped and not (base / name).is_symlink()]
        folders.extend(base / name for name in dirnames)
        for name in filenames:
            if prefix + name not in skipped and prefix + name not in copied:
                (base / name).unlink()
    for folder in sorted(folders, reverse=True):
        if not any(folder.iterdir()):
            folder.rmdir()


def publish_assets(out: Path) -> None:
    """Mermaid and the stylesheet, once for the whole tree."""
    for name in SHARED_FILES:
        _write_if_changed(out / SHARED_ASSETS / name, (ASSETS / name).read_bytes())


def swap(staging: Path, target: Path, trash: Path | None = None) -> None:
    """Put a freshly built site in place of the old one by renaming folders (both on one file system): instant,
    whatever the size, and a reader sees the old site or the new one, never half of each. The old one is deleted,
    or moved into `trash` for a later, background deletion (deleting 15,000 files takes 10 s on a slow disk)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    if trash is not None:
        trash.mkdir(parents=True, exist_ok=True)
        old = Path(tempfile.mkdtemp(prefix="old-", dir=trash)) / "site"
    else:
        old = staging.with_name(staging.name + ".old")
    if target.exists():
        target.rename(old)
    staging.rename(target)
    if trash is None:
        shutil.rmtree(old, ignore_errors=True)


def _build_and_publish(config_file: str, target: str, lang: Lang, nested: tuple[str, ...],
                       staging_root: str, trash: str | None = None) -> tuple[float, list[str]]:
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
            swap(staging, Path(target), Path(trash) if trash else None)
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


@dataclass(frozen=True)
class _Build:
    """What the sites of one `build_sites` share; forked workers inherit it rather than receive a copy."""

    data: SiteData
    scopes: ScopeMap
    out: Path
    work: Path
    guides: Guides | None
    force: bool
    previous: dict[str, str]  # site key → digest of its last build
    direct: bool
    site_url: str | None


_BUILD: _Build | None = None


def _make_site(scope_key: str, lang: Lang) -> SiteResult:
    """Generate one site; build and publish it unless its digest is unchanged. Runs in a worker (or in-process)."""
    build = _BUILD
    assert build is not None
    started = time.perf_counter()
    scope = build.scopes.scope(scope_key)
    root = scope.site_root(lang)
    target = build.out / root
    previous = build.previous.get(f"{lang}/{scope.key}") if (target / "index.html").exists() else None
    site = generate(build.data, build.scopes, scope, lang, build.work, build.guides, build.direct,
                    site_url=build.site_url,
                    unless=None if build.force else previous)
    if not build.force and previous == site.digest:
        return SiteResult(scope.key, lang, site.pages, built=False, url=root, digest=site.digest)
    _, warnings = _build_and_publish(str(site.config_file), str(target), lang,
                                     _NESTED.get((lang, scope.is_national), ()), str(build.out / STAGING),
                                     str(build.out / TRASH))
    return SiteResult(scope.key, lang, site.pages, built=True, seconds=time.perf_counter() - started,
                      warnings=warnings, url=root, digest=site.digest)


def _empty_trash(trash: Path) -> threading.Thread:
    """Delete, in the background, the old versions that earlier builds moved aside."""
    folders = list(trash.iterdir()) if trash.is_dir() else []
    thread = threading.Thread(target=lambda: [shutil.rmtree(path, ignore_errors=True) for path in folders],
                              name="registry-site-trash", daemon=True)
    thread.start()
    return thread


def build_sites(data: SiteData, scope_keys: Iterable[str] | None, langs: Iterable[Lang], out: Path, work: Path,
                guides: Guides | None = None, force: bool = False, jobs: int | None = None,
                progress: Callable[[SiteResult], None] | None = None, direct: bool = True,
                site_url: str | None = None) -> list[SiteResult]:
    """Generate and build the named scopes (None: every scope) in the given languages into `out`.

    Sites whose content digest is unchanged since their last build are skipped unless `force`. With `jobs` > 1
    (default: the number of CPUs) sites are generated and built in that many forked processes, biggest first; each
    inherits the registry snapshot instead of receiving a copy (where `fork` is missing, one at a time). The
    previous version of a rebuilt site is moved into `out/.registry-old/`, which the next build empties in the
    background. `direct=False` builds every page with MkDocs (the tests compare the two)."""
    global _BUILD
    scopes = ScopeMap(data.snapshot)
    chosen = list(scopes.scopes.values()) if scope_keys is None else [scopes.resolve(key) for key in scope_keys]
    chosen = list({scope.key: scope for scope in chosen}.values())
    outside = [scope.key for scope in chosen if data.scope_keys is not None and scope.key not in data.scope_keys]
    if outside:  # a scoped read holds too little for these sites' pages
        raise ValueError(f"the data was read for {sorted(data.scope_keys or ())}, not for {outside}")
    langs = list(dict.fromkeys(langs))
    out.mkdir(parents=True, exist_ok=True)
    publish_assets(out)
    state = _load_state(out)
    cleaning = _empty_trash(out / TRASH)
    members = scopes.by_scope()
    tasks = [(scope.key, lang) for scope in chosen for lang in langs]
    # The national sites first (their publishing walks the tree), then the biggest: the pool ends evenly.
    order = sorted(tasks, key=lambda task: (task[0] != NATIONAL, -len(members.get(task[0], ()))))
    jobs = max(1, min(jobs or os.cpu_count() or 1, len(tasks) or 1))
    fork = jobs > 1 and "fork" in multiprocessing.get_all_start_methods()
    SiteIndex.of(data, scopes)  # computed once, before the workers fork
    _BUILD = _Build(data, scopes, out, work, guides, force,
                    {key: entry.get("digest", "") for key, entry in state.items()}, direct, site_url)
    results: dict[tuple[str, str], SiteResult] = {}

    def finished(result: SiteResult) -> None:
        results[(result.scope, result.lang)] = result
        if result.built:
            state[f"{result.lang}/{result.scope}"] = {"digest": result.digest, "pages": result.pages,
                                                      "seconds": round(result.seconds, 2)}
            _save_state(out, state)
        if progress:
            progress(result)

    try:
        if not fork:
            for scope_key, lang in order:
                finished(_make_site(scope_key, lang))
        else:
            os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
            gc.collect()
            gc.freeze()  # the snapshot's objects stay in pages the workers share, untouched by their collector
            errors = []
            with ProcessPoolExecutor(max_workers=jobs, mp_context=multiprocessing.get_context("fork")) as pool:
                futures = [pool.submit(_make_site, scope_key, lang) for scope_key, lang in order]
                for future in as_completed(futures):
                    try:
                        finished(future.result())
                    except SiteBuildError as error:
                        errors.append(str(error))
            if errors:
                raise SiteBuildError("\n".join(errors))
    finally:
        _BUILD = None
        gc.unfreeze()
        shutil.rmtree(out / STAGING, ignore_errors=True)
        cleaning.join()
    return [results[task] for task in tasks]
