"""The `registry` command: import, export, stats, schema and the embedded database's lifecycle."""

from __future__ import annotations

import csv
import json
import sys
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
import time
from collections.abc import Callable, Iterator
from typing import Annotated, Optional

import typer
from rich.console import Console
from rich.table import Table

from graph_model import DEFAULT_PILLARS, NODE_TYPES, RULES, PillarTaxonomy, metamodel_json_schema
from importers import ImportContext, UnknownFormatError, expand_paths, importer_for
from registry.graph import RegistryGraph
from registry.settings import Neo4jSettings, RegistrySettings
from registry.site.cli import docs_app
from registry.store import GraphStore, StoreError, open_store

app = typer.Typer(help="OneGov Architecture Registry — Một hệ thống · Một dữ liệu · Một dịch vụ.",
                  no_args_is_help=True, pretty_exceptions_enable=False)
db_app = typer.Typer(help="Start, stop and inspect the embedded database.", no_args_is_help=True)
app.add_typer(db_app, name="db")
token_app = typer.Typer(help="Create API tokens for the GraphQL API.", no_args_is_help=True)
app.add_typer(token_app, name="token")
app.add_typer(docs_app, name="docs")

# Wide enough for reject tables when output goes to a file or CI log rather than a terminal.
out = Console(width=None if sys.stdout.isatty() else 160)
err = Console(stderr=True, width=None if sys.stderr.isatty() else 160)
MAX_REJECTS_SHOWN = 50
REJECT_COLUMNS = ["file", "sheet", "line", "type", "id", "field", "reason"]  # as Reject.as_row() gives them


@dataclass
class State:
    settings: RegistrySettings

    @property
    def pillars(self) -> PillarTaxonomy:
        if self.settings.pillars_file:
            return PillarTaxonomy.from_file(self.settings.pillars_file)
        return DEFAULT_PILLARS


@app.callback()
def main(
    ctx: typer.Context,
    store: Annotated[Optional[str], typer.Option(help="embedded (default) or neo4j [REGISTRY_STORE]")] = None,
    data_dir: Annotated[Optional[Path], typer.Option(help="Embedded store's folder [REGISTRY_DATA_DIR]")] = None,
    graph: Annotated[Optional[str], typer.Option(help="Graph name in the embedded store [REGISTRY_GRAPH]")] = None,
    neo4j_uri: Annotated[Optional[str], typer.Option(help="[NEO4J_URI]")] = None,
    neo4j_user: Annotated[Optional[str], typer.Option(help="[NEO4J_USER]")] = None,
    neo4j_password: Annotated[Optional[str], typer.Option(help="[NEO4J_PASSWORD]")] = None,
    neo4j_database: Annotated[Optional[str], typer.Option(help="[NEO4J_DATABASE]")] = None,
) -> None:
    """Settings come from environment variables; an option given here wins over its variable."""
    overrides = {key: value for key, value in {"store": store, "data_dir": data_dir, "graph": graph}.items()
                 if value is not None}
    neo_overrides = {key: value for key, value in {"uri": neo4j_uri, "user": neo4j_user,
                                                   "password": neo4j_password, "database": neo4j_database}.items()
                     if value is not None}
    try:
        base = RegistrySettings()
        settings = RegistrySettings.model_validate({
            **base.model_dump(exclude={"neo4j"}), **overrides,
            "neo4j": Neo4jSettings.model_validate({**base.neo4j.model_dump(), **neo_overrides}),
        })
    except ValueError as error:
        err.print(f"[red]Invalid settings:[/] {error}")
        raise typer.Exit(2) from None
    ctx.obj = State(settings)


@contextmanager
def opened_graph(state: State, autostart: bool = True) -> Iterator[RegistryGraph]:
    try:
        store: GraphStore = open_store(state.settings, autostart=autostart)
    except StoreError as error:
        err.print(f"[red]Cannot open the {state.settings.store} store:[/] {error}")
        raise typer.Exit(2) from None
    try:
        yield RegistryGraph(store)
    except StoreError as error:
        err.print(f"[red]Store error:[/] {error}")
        raise typer.Exit(2) from None
    finally:
        store.close()


# --- schema ----------------------------------------------------------------------------------------------

@app.command()
def schema(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help="Print the metamodel as JSON Schema")] = False,
) -> None:
    """Show the metamodel: node types, pillars and relationship rules."""
    state: State = ctx.obj
    if as_json:
        sys.stdout.write(json.dumps(metamodel_json_schema(state.pillars), ensure_ascii=False, indent=2) + "\n")
        return
    pillars = Table("pillar", "tên", "name", title="Trụ cột / Pillars")
    for pillar in state.pillars:
        pillars.add_row(pillar.id, pillar.name, pillar.name_en)
    out.print(pillars)
    nodes = Table("type", "default pillar", "fields", title="Node types")
    for label, model in NODE_TYPES.items():
        nodes.add_row(label, model.default_pillar, ", ".join(name for name in model.model_fields if name != "type"))
    out.print(nodes)
    rels = Table("type", "from", "to", "cardinality", "meaning", title="Relationship types")
    for rel_type, rule in RULES.items():
        limits = [f"≤{rule.max_per_source} per source" if rule.max_per_source else "",
                  f"≤{rule.max_per_target} per target" if rule.max_per_target else ""]
        rels.add_row(rel_type, " | ".join(sorted(rule.sources)), " | ".join(sorted(rule.targets)),
                     " ".join(limit for limit in limits if limit) or "many", f"{rule.meaning_vi} — {rule.meaning}")
    out.print(rels)


# --- import / export -------------------------------------------------------------------------------------

@app.command("import")
def import_(
    ctx: typer.Context,
    paths: Annotated[list[Path], typer.Argument(help="Files or directories (read in sorted order)")],
    format_name: Annotated[Optional[str], typer.Option("--format", help="Force a format (default: by file)")] = None,
    system: Annotated[Optional[str], typer.Option(help="Id of the System that provides what the files describe")] = None,
    owner: Annotated[Optional[str], typer.Option(help="Id of the Agency owning records the files give no owner")] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Check and show what would change; write nothing")] = False,
    report: Annotated[Optional[Path], typer.Option(help="Write the rejects to this CSV file")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the outcome as JSON")] = False,
    token: Annotated[Optional[str], typer.Option(
        envvar="REGISTRY_TOKEN", show_default=False,
        help="Import as this API token: an agency token writes only what its agencies own (each other record "
             "is a 'forbidden' reject), a read-only one nothing; without it, as the local operator (anything)")] = None,
) -> None:
    """Load files into the registry. Exit code 1 when any record was rejected (the valid ones still load)."""
    from importers import ImportContext
    from registry.loading import Loader

    state: State = ctx.obj
    missing = [path for path in paths if not path.exists()]
    if missing:
        err.print(f"[red]No such file or directory:[/] {', '.join(map(str, missing))}")
        raise typer.Exit(2)
    files = expand_paths(paths)
    try:
        for path in files:
            importer_for(path, format_name)
    except UnknownFormatError as error:
        err.print(f"[red]{error}[/]")
        raise typer.Exit(2) from None
    context = ImportContext(pillars=state.pillars, system=system, owner=owner)
    with opened_graph(state) as graph, _progress("Importing" if not dry_run else "Checking") as progress:
        authorise, user = _import_access(graph, token, files, format_name, context)
        loader = Loader(graph, batch_size=state.settings.batch_size, pillars=state.pillars, dry_run=dry_run,
                        progress=progress, user=user, authorise=authorise)
        outcome = loader.load_files(files, format_name, context)
    if report:
        with report.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.DictWriter(handle, fieldnames=REJECT_COLUMNS)
            writer.writeheader()
            writer.writerows(reject.as_row() for reject in outcome.rejects)
    if as_json:
        sys.stdout.write(json.dumps(outcome.as_dict(), ensure_ascii=False, indent=2, default=str) + "\n")
    else:
        _print_outcome(outcome)
    raise typer.Exit(0 if outcome.ok else 1)


def _import_access(graph: RegistryGraph, token: str | None, files: list[Path], format_name: str | None,
                   context: ImportContext) -> tuple[Callable[[list], list] | None, str | None]:  # type: ignore[type-arg]
    """The import's authoriser and user. No token: the local operator, who holds the store and may write anything.
    An unknown or read-only token stops the import before anything is read (exit code 2); the token itself is
    never printed or logged, only its id and name."""
    if token is None:
        return None, None
    import logging

    from registry.access import ImportAuthoriser
    from registry.api.tokens import find_token

    audit = logging.getLogger("registry.audit")
    record = find_token(graph.store, token)
    if record is None:
        audit.warning("denied import of %s: the token given is not one the registry issued",
                      ", ".join(map(str, files)))
        err.print("[red]forbidden: the token given (--token / REGISTRY_TOKEN) is not one this registry issued[/]")
        raise typer.Exit(2)
    user = f"token:{record.name}"
    if record.scope == "admin":
        audit.info("token %s (%s, scope admin) imports %s", record.id, record.name, ", ".join(map(str, files)))
        return None, user
    if record.scope != "agency":
        audit.warning("denied import of %s to token %s (%s, scope %s): not a writing token",
                      ", ".join(map(str, files)), record.id, record.name, record.scope)
        err.print(f"[red]forbidden: token {record.id} ({record.name}) is {record.scope}; importing needs an admin "
                  "or agency token[/]")
        raise typer.Exit(2)
    audit.info("token %s (%s, scope agency, agency %s) imports %s", record.id, record.name, record.agency,
               ", ".join(map(str, files)))
    authoriser = ImportAuthoriser(graph.store, record)
    authoriser.learn_files(files, format_name, context)
    return authoriser, user


@contextmanager
def _progress(label: str, delay: float = 1.0) -> Iterator[Callable[[int], None]]:
    """A progress line that appears only once an import has run for `delay` seconds (and only on a terminal)."""
    from rich.progress import MofNCompleteColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    started = time.monotonic()
    bar = Progress(SpinnerColumn(), TextColumn(f"{label}…"), MofNCompleteColumn(), TextColumn("records"),
                   TimeElapsedColumn(), console=err, transient=True, disable=not err.is_terminal)
    task = bar.add_task(label, total=None)
    shown = False

    def advance(records: int) -> None:
        nonlocal shown
        if not shown and time.monotonic() - started >= delay:
            bar.start()
            shown = True
        bar.update(task, completed=records)

    try:
        yield advance
    finally:
        if shown:
            bar.stop()


def _print_outcome(outcome) -> None:  # type: ignore[no-untyped-def]
    title = "Dry run — nothing written" if outcome.dry_run else f"Import {outcome.run_id}"
    summary = Table("", "created", "updated", "unchanged", title=title)
    for kind, counter in outcome.counts.items():
        summary.add_row(kind, str(counter["created"]), str(counter["updated"]), str(counter["unchanged"]))
    out.print(summary)
    if outcome.dry_run and outcome.changes:
        changes = Table("change", "type", "record", "field", "before", "after", "at", title="What would change")
        for change in outcome.changes[:MAX_REJECTS_SHOWN]:
            for index, (name, (before, after)) in enumerate(change.fields.items()):
                first = index == 0
                changes.add_row(change.outcome if first else "", change.record_type if first else "",
                                change.key if first else "", name, _cell(before), _cell(after),
                                str(change.location) if first else "")
            if not change.fields:
                changes.add_row(change.outcome, change.record_type, change.key, "", "", "", str(change.location))
        out.print(changes)
        if len(outcome.changes) > MAX_REJECTS_SHOWN:
            out.print(f"… and {len(outcome.changes) - MAX_REJECTS_SHOWN} more changes (use --json)")
    out.print(f"{len(outcome.sources)} file(s); rejected: {len(outcome.rejects)}")
    if outcome.rejects:
        table = Table(*REJECT_COLUMNS, title="Rejected records")
        for reject in outcome.rejects[:MAX_REJECTS_SHOWN]:
            row = reject.as_row()
            table.add_row(*(_cell(row[column]) for column in REJECT_COLUMNS))
        err.print(table)
        if len(outcome.rejects) > MAX_REJECTS_SHOWN:
            err.print(f"… and {len(outcome.rejects) - MAX_REJECTS_SHOWN} more (use --report FILE.csv)")


def _cell(value: object) -> str:
    return "" if value is None else str(value)


@app.command()
def imports(
    ctx: typer.Context,
    limit: Annotated[int, typer.Option(help="How many runs to list")] = 20,
    as_json: Annotated[bool, typer.Option("--json", help="Print as JSON")] = False,
) -> None:
    """List the latest import runs: who, when, which files, and what each did."""
    state: State = ctx.obj
    with opened_graph(state) as graph:
        runs = graph.import_runs(limit)
    if as_json:
        sys.stdout.write(json.dumps(runs, ensure_ascii=False, indent=2) + "\n")
        return
    table = Table("run", "status", "started", "user", "files", "nodes +/~/=", "relationships +/~/=", "rejected",
                  title="Import runs")
    for run in runs:
        table.add_row(run["id"], run.get("status", ""), run.get("started_at", ""), run.get("user", ""),
                      "\n".join(Path(name).name for name in run.get("files", [])),
                      "/".join(str(run.get(f"nodes_{outcome}", 0)) for outcome in ("created", "updated", "unchanged")),
                      "/".join(str(run.get(f"relationships_{outcome}", 0))
                               for outcome in ("created", "updated", "unchanged")),
                      str(run.get("rejected", 0)))
    out.print(table)


_TOKENS_HELP = ("jsonl: include the API tokens (their hashes, never the tokens), so a restore keeps them working; "
                "--no-tokens for an export shared beyond the operator")


@app.command()
def export(
    ctx: typer.Context,
    format_name: Annotated[str, typer.Option("--format", help="jsonl (native), xlsx (one workbook) or csv (a "
                                                              "folder of files), the last two in the template's layout")] = "jsonl",
    out_file: Annotated[Optional[Path], typer.Option("--out", help="File to write (default: standard output); "
                                                                   "for xlsx a file and for csv a folder, required")] = None,
    tokens: Annotated[bool, typer.Option("--tokens/--no-tokens", help=_TOKENS_HELP)] = True,
) -> None:
    """Write the whole registry: in the native format (importing it into an empty store gives the same export),
    or in the spreadsheet template's layout (xlsx, csv) for an agency to edit and import again; cells that a
    spreadsheet would take for a formula are written with a leading quote, which the importers strip."""
    from registry.export import write_jsonl

    state: State = ctx.obj
    if format_name not in ("jsonl", "xlsx", "csv"):
        err.print(f"[red]Unknown export format {format_name!r}; available: jsonl, xlsx, csv[/]")
        raise typer.Exit(2)
    if format_name in ("xlsx", "csv"):
        from registry import export_tabular

        if out_file is None:
            err.print(f"[red]--out is required for {format_name}: a {'file' if format_name == 'xlsx' else 'folder'}[/]")
            raise typer.Exit(2)
        with opened_graph(state) as graph:
            writer = export_tabular.write_xlsx if format_name == "xlsx" else export_tabular.write_csv
            count = writer(graph, out_file, state.pillars)
        err.print(f"{count} rows written to {out_file}")
        return
    with opened_graph(state) as graph:
        if out_file is None:
            count = write_jsonl(graph, sys.stdout, state.pillars, tokens)
        else:
            with out_file.open("w", encoding="utf-8", newline="\n") as handle:
                count = write_jsonl(graph, handle, state.pillars, tokens)
            err.print(f"{count} records written to {out_file}")


@app.command()
def template(
    format_name: Annotated[str, typer.Option("--format", help="xlsx (one workbook) or csv (a folder of files)")] = "xlsx",
    out_path: Annotated[Optional[Path], typer.Option("--out", help="File (xlsx) or folder (csv) to write")] = None,
) -> None:
    """Write an empty import template generated from the metamodel, with a README explaining every column."""
    from importers.template import write_csv, write_xlsx

    if format_name == "xlsx":
        target = out_path or Path("onegov-template.xlsx")
        write_xlsx(target)
        out.print(f"template written to {target}")
    elif format_name == "csv":
        target = out_path or Path("onegov-template")
        files = write_csv(target)
        out.print(f"{len(files)} files written to {target}/")
    else:
        err.print(f"[red]Unknown template format {format_name!r}; available: xlsx, csv[/]")
        raise typer.Exit(2)


# --- stats -----------------------------------------------------------------------------------------------

@app.command()
def stats(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help="Print as JSON")] = False,
) -> None:
    """Counts per node type, relationship type and pillar."""
    state: State = ctx.obj
    with opened_graph(state) as graph:
        figures = graph.stats()
    if as_json:
        sys.stdout.write(json.dumps(figures.as_dict(), ensure_ascii=False, indent=2) + "\n")
        return
    nodes = Table("node type", "count", title=f"Nodes: {figures.node_total}")
    for label, count in figures.nodes.items():
        nodes.add_row(label, str(count))
    pillars = Table("pillar", "tên", "count", title="By pillar / Theo trụ cột")
    names = {pillar.id: pillar.name for pillar in state.pillars}
    for pillar_id, count in figures.pillars.items():
        pillars.add_row(pillar_id, names.get(pillar_id, "?"), str(count))
    rels = Table("relationship type", "count", title=f"Relationships: {figures.relationship_total}")
    for rel_type, count in figures.relationships.items():
        rels.add_row(rel_type, str(count))
    out.print(nodes, pillars, rels)


@app.command()
def serve(
    ctx: typer.Context,
    host: Annotated[str, typer.Option(help="Address to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on")] = 8000,
) -> None:
    """Serve the read API: GraphQL at /graphql (GraphiQL in a browser), /health, OpenAPI docs at /docs."""
    import uvicorn

    from registry.api import create_app

    state: State = ctx.obj
    uvicorn.run(create_app(state.settings), host=host, port=port)


# --- analyze ---------------------------------------------------------------------------------------------

@app.command()
def analyze(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help="Print the findings as JSON")] = False,
    rule: Annotated[Optional[list[str]], typer.Option("--rule", help="Run only this rule id (repeatable)")] = None,
    agency: Annotated[Optional[str], typer.Option(
        "--agency", help="Print this agency's compliance score (with its sub-agencies) per pillar instead")] = None,
) -> None:
    """Governance findings against "One system · One data · One service". Findings are not errors: exit code 0."""
    from rich.markup import escape

    from registry.analysis import RuleError
    from registry.analysis import analyze as run_analysis

    state: State = ctx.obj
    if agency is not None:
        from registry.analysis import UnknownAgency, compliance_score
        from registry.analysis.compliance import compliance_table

        with opened_graph(state) as graph:
            try:
                score = compliance_score(graph, agency, rule_ids=rule)
            except (RuleError, UnknownAgency) as error:
                err.print(f"[red]{escape(str(error))}[/]")
                raise typer.Exit(2) from None
        if as_json:
            sys.stdout.write(json.dumps(score.as_dict(), ensure_ascii=False, indent=2) + "\n")
        else:
            out.print(compliance_table(score))
        return
    with opened_graph(state) as graph:
        try:
            findings = run_analysis(graph, rule)
        except RuleError as error:
            err.print(f"[red]{error}[/]")
            raise typer.Exit(2) from None
    if as_json:
        sys.stdout.write(json.dumps([finding.as_dict() for finding in findings], ensure_ascii=False, indent=2) + "\n")
        return
    table = Table("severity", "rule", "principle", "entity", "reason / lý do", "legal basis", "score",
                  title=f"Phát hiện / Findings: {len(findings)}")
    for finding in findings:
        subject = finding.subject
        table.add_row(str(finding.severity), finding.rule, str(finding.principle),
                      escape(f"{subject.name}\n{subject.id}"),
                      f"{escape(finding.reason)}\n[dim]{escape(finding.reason_en)}[/]", "; ".join(finding.legal_basis),
                      "" if finding.score is None else f"{finding.score:.2f}")
    out.print(table)


# --- db --------------------------------------------------------------------------------------------------

@app.command()
def generate(
    out_dir: Annotated[Path, typer.Option("--out", help="Folder to write (CSV files of the import template)")],
    scale: Annotated[str, typer.Option(help="province (the national part and one province) or nation")] = "province",
    seed: Annotated[int, typer.Option(help="Random seed: the same seed writes the same bytes")] = 1,
    province: Annotated[Optional[str], typer.Option(help="Province code for --scale province (default 15)")] = None,
    sample: Annotated[Optional[Path], typer.Option(help="Sample folder the national part is read from")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the summary as JSON")] = False,
) -> None:
    """Write a synthetic registry shaped like Vietnam's, with planted gaps and their ground truth (issue 6)."""
    from registry.synthetic import GROUND_TRUTH_FILE, GenerateError
    from registry.synthetic import generate as run_generate
    from registry.synthetic.sample import DEFAULT_SAMPLE_DIR, SampleError

    try:
        summary = run_generate(out_dir, scale, seed, province, sample or DEFAULT_SAMPLE_DIR)
    except (GenerateError, SampleError) as error:
        err.print(f"[red]{error}[/]")
        raise typer.Exit(2) from None
    if as_json:
        sys.stdout.write(json.dumps(summary.as_dict(), ensure_ascii=False, indent=2) + "\n")
        return
    table = Table("type", "rows", title=f"{scale} scale, seed {seed}: {out_dir}/ in {summary.seconds:.1f} s")
    for label, count in sorted(summary.nodes.items()):
        table.add_row(label, str(count))
    for rel_type, count in sorted(summary.relationships.items()):
        table.add_row(rel_type, str(count))
    table.add_row("nodes / relationships", f"{sum(summary.nodes.values())} / {sum(summary.relationships.values())}")
    out.print(table)
    out.print(f"ground truth: {out_dir / GROUND_TRUTH_FILE} "
              f"({', '.join(f'{rule} {count}' for rule, count in summary.expected.items())})")


@db_app.command("start")
def db_start(ctx: typer.Context) -> None:
    """Start the embedded FalkorDB server (or check the Neo4j server answers)."""
    state: State = ctx.obj
    with opened_graph(state) as graph:
        graph.ensure_schema()
        info = graph.store.describe()
    out.print(f"running: {_describe(info)}")


@db_app.command("status")
def db_status(ctx: typer.Context) -> None:
    """Say whether the store runs; exit code 3 when it does not."""
    state: State = ctx.obj
    if state.settings.store == "embedded":
        from registry.store.falkordb_server import FalkorDBServer

        status = FalkorDBServer(state.settings.data_dir).status()
        if not status.running:
            out.print(f"stopped (data directory {status.data_dir})")
            raise typer.Exit(3)
        out.print(f"running: FalkorDB {status.version} pid {status.pid} socket {status.socket}")
        return
    try:
        store = open_store(state.settings)
    except StoreError as error:
        out.print(f"unreachable: {error}")
        raise typer.Exit(3) from None
    out.print(f"running: {_describe(store.describe())}")
    store.close()


@db_app.command("stop")
def db_stop(ctx: typer.Context) -> None:
    """Stop the embedded server after flushing its append-only file (a no-op for Neo4j)."""
    state: State = ctx.obj
    if state.settings.store != "embedded":
        out.print("the Neo4j server is not managed by the registry; nothing to stop")
        return
    from registry.store.falkordb_server import FalkorDBServer

    try:
        stopped = FalkorDBServer(state.settings.data_dir).stop()
    except StoreError as error:  # e.g. a server still running on a directory that has become read-only
        err.print(f"[red]Cannot stop the embedded store:[/] {error}")
        raise typer.Exit(2) from None
    out.print("stopped" if stopped else "was not running")


@db_app.command("reset")
def db_reset(
    ctx: typer.Context,
    yes: Annotated[bool, typer.Option("--yes", help="Confirm: delete every entity and relationship")] = False,
) -> None:
    """Delete the whole graph of the configured store."""
    if not yes:
        err.print("refusing to delete the registry without --yes")
        raise typer.Exit(2)
    state: State = ctx.obj
    with opened_graph(state) as graph:
        graph.store.delete_all()
    out.print("the registry is empty")


# --- token -----------------------------------------------------------------------------------------------

@token_app.command("create")
def token_create(
    ctx: typer.Context,
    agency: Annotated[Optional[str], typer.Option(help="Agency id: write what it and its sub-agencies own")] = None,
    admin: Annotated[bool, typer.Option("--admin", help="Write anything")] = False,
    read_only: Annotated[bool, typer.Option("--read-only", help="Read only (when reads require a token)")] = False,
    name: Annotated[Optional[str], typer.Option(help="A name for the token, shown in provenance and logs")] = None,
) -> None:
    """Print a new API token once; the registry keeps only its SHA-256 hash."""
    from registry.api.tokens import create_token

    scopes = [scope for scope, chosen in (("agency", agency is not None), ("admin", admin),
                                          ("read_only", read_only)) if chosen]
    if len(scopes) != 1:
        err.print("give exactly one of --agency ID, --admin, --read-only")
        raise typer.Exit(2)
    state: State = ctx.obj
    with opened_graph(state) as graph:
        graph.ensure_schema()
        try:
            token, record = create_token(graph.store, scopes[0], agency=agency, name=name)
        except ValueError as error:
            err.print(f"[red]{error}[/]")
            raise typer.Exit(2) from None
    err.print(f"token {record.id} ({record.name}, scope {record.scope}"
              f"{', agency ' + record.agency if record.agency else ''}); it is shown only this once:")
    print(token)


def _describe(info: dict) -> str:  # type: ignore[type-arg]
    return " ".join(f"{key}={value}" for key, value in info.items() if value is not None)


if __name__ == "__main__":
    app()
