"""`registry docs build`: the published documentation sites (national, and one per ministry or province)."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from registry.site.i18n import LANGS, Lang

docs_app = typer.Typer(help="Build the published documentation sites (MkDocs Material).", no_args_is_help=True)
out = Console()
err = Console(stderr=True)


@docs_app.command("build")
def build(
    ctx: typer.Context,
    scope: Annotated[Optional[list[str]], typer.Option(
        "--scope", help="national (default), or the id of a ministry or province, e.g. agency:tinh-15; repeatable")] = None,
    all_scopes: Annotated[bool, typer.Option("--all", help="Every scope: the national site and every ministry's "
                                                           "and province's site")] = False,
    lang: Annotated[Optional[list[str]], typer.Option(
        "--lang", help="vi or en (default: both); repeatable")] = None,
    out_dir: Annotated[Optional[Path], typer.Option("--out", help="Where the built sites go [REGISTRY_SITE_DIR, "
                                                                  "default ./site]")] = None,
    work: Annotated[Path, typer.Option(help="Where the generated markdown goes")] = Path("docs/generated"),
    force: Annotated[bool, typer.Option(help="Rebuild even the sites whose content did not change, and run the analysis again")] = False,
    jobs: Annotated[Optional[int], typer.Option(help="Sites built at once (default: the number of CPUs)")] = None,
    site_url: Annotated[Optional[str], typer.Option(
        envvar="REGISTRY_SITE_URL", help="The address the tree is published at, e.g. https://kientruc.gov.vn/site/ "
                                         "(canonical links; a styled 404 page at any depth)")] = None,
) -> None:
    """Generate markdown from the graph and build the sites with MkDocs (strict). Vietnamese is the default
    language; a site whose content did not change since its last build is skipped."""
    from registry.cli import State, opened_graph
    from registry.site.build import Guides, SiteBuildError, SiteResult, build_sites
    from registry.site.collect import collect
    from registry.site.findings_cache import FINDINGS_FILE
    from registry.site.scoped import collect_scopes, wants_scoped_read

    state: State = ctx.obj
    langs: list[Lang] = []
    for value in lang or list(LANGS):
        if value not in LANGS:
            err.print(f"[red]--lang must be vi or en, not {escape(value)}[/]")
            raise typer.Exit(2)
        langs.append(value)  # type: ignore[arg-type]
    if all_scopes and scope:
        err.print("[red]give --all or --scope, not both[/]")
        raise typer.Exit(2)
    target = out_dir or state.settings.site_dir
    started = time.perf_counter()
    cache_file = target / FINDINGS_FILE
    try:
        with opened_graph(state) as graph:
            if not all_scopes and wants_scoped_read(scope):
                data = collect_scopes(graph, scope or [], cache_file=cache_file, fresh=force)
            else:
                data = collect(graph, cache_file=cache_file, fresh=force)
    except KeyError as error:
        err.print(f"[red]{escape(str(error.args[0]))}[/]")
        raise typer.Exit(2) from None
    read_seconds = time.perf_counter() - started
    read = "read the registry" if data.scope_keys is None else "read the scopes' part of the registry"
    analysis = "reused the findings of the last build" if data.findings_cached else "ran the analysis"
    out.print(f"read the registry and ran the analysis in {read_seconds:.1f} s: "
              f"{len(data.snapshot.entities)} entities, {len(data.findings)} findings")
    out.print(f"  ({read}; {analysis})")
    guides = Guides(Path("mkdocs.yml").resolve()) if Path("mkdocs.yml").exists() else None

    def progress(result: SiteResult) -> None:
        what = f"built in {result.seconds:.1f} s" if result.built else "unchanged, skipped"
        out.print(f"  {result.lang}/{escape(result.scope)}: {result.pages} pages, {what}")

    try:
        results = build_sites(data, None if all_scopes else (scope or ["national"]), langs, target, work.resolve(),
                              guides=guides, force=force, jobs=jobs, progress=progress, site_url=site_url)
    except KeyError as error:
        err.print(f"[red]{escape(str(error.args[0]))}[/]")
        raise typer.Exit(2) from None
    except SiteBuildError as error:
        err.print(f"[red]MkDocs refused the site:[/] {escape(str(error))}")
        raise typer.Exit(1) from None
    built = [result for result in results if result.built]
    table = Table("sites", "built", "skipped", "pages", "build time (sum)", "wall time",
                  title=f"Published sites in {target}")
    table.add_row(str(len(results)), str(len(built)), str(len(results) - len(built)),
                  str(sum(result.pages for result in results)), f"{sum(r.seconds for r in built):.1f} s",
                  f"{time.perf_counter() - started:.1f} s")
    out.print(table)
    if not guides:
        out.print("[yellow]no mkdocs.yml here: the national site was built without the hand-written guides[/]")
    out.print(f"open {target / 'index.html'}, or run `registry serve` and open http://127.0.0.1:8000/site/")
