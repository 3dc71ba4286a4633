"""models: the supervision-model catalogue, runs over the warehouse, evaluation."""

from __future__ import annotations

from pathlib import Path

import click
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from jiandu.analytics.catalogue import CatalogueError, get, load


def _console() -> Console:
    return Console(highlight=False, soft_wrap=True)


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value:.3f}"


@click.group(name="models")
def models_group() -> None:
    """The supervision models: list, show, run, evaluate, docs."""


@models_group.command(name="list")
def list_() -> None:
    """List the models of the catalogue."""
    table = Table(title="Supervision models")
    for column in ("id", "version", "title", "标题", "subject", "registers"):
        table.add_column(column)
    for spec in load():
        table.add_row(
            spec.id,
            spec.version,
            spec.title["en"],
            spec.title["zh"],
            spec.subject_type,
            ", ".join(spec.registers),
        )
    _console().print(table)


@models_group.command(name="show")
@click.argument("model_id")
def show(model_id: str) -> None:
    """What MODEL_ID finds, its parameters and its recent runs."""
    from jiandu.analytics.engine import list_runs

    try:
        spec = get(model_id)
    except CatalogueError as exc:
        raise click.ClickException(str(exc)) from None
    out = _console()
    out.print(f"[bold]{spec.id} {spec.title['en']} / {spec.title['zh']}[/bold] (v{spec.version})")
    out.print(f"subject: {spec.subject_type}; registers: {', '.join(spec.registers)}")
    out.print(f"source: {spec.source}")
    out.print(spec.rationale["en"])
    out.print(spec.rationale["zh"])
    params = Table(title="Parameters")
    for column in ("name", "default", "meaning", "含义"):
        params.add_column(column)
    for name, p in spec.parameters.items():
        default = ", ".join(map(str, p.default)) if isinstance(p.default, list) else p.default
        params.add_row(name, str(default), p.description["en"], p.description["zh"])
    out.print(params)
    runs = Table(title="Recent runs")
    for column in ("run", "engine", "status", "hits", "seconds"):
        runs.add_column(column)
    for run in list_runs()[:5]:
        record = run.record(spec.id)
        if record is not None:
            runs.add_row(
                run.run_id, run.engine, record.status, str(record.hits), f"{record.seconds:.2f}"
            )
    out.print(runs)


@models_group.command(name="run")
@click.option("--only", "only", multiple=True, help="Model ids (comma-separated or repeated).")
@click.option("--param", "param", multiple=True, help="ID.name=value, e.g. P01.grace_days=60.")
@click.option("--engine", type=click.Choice(["duckdb", "spark"]), default="duckdb")
@click.option(
    "--warehouse",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="The warehouse file (default: $JIANDU_DATA_DIR/warehouse.duckdb).",
)
def run(only: tuple[str, ...], param: tuple[str, ...], engine: str, warehouse: Path | None) -> None:
    """Run the models over the warehouse and store the hits as a new run."""
    from jiandu.analytics.engine import EngineError, parse_param_options, run_models

    ids = [m.strip() for item in only for m in item.split(",") if m.strip()] or None
    out = _console()
    try:
        params = parse_param_options(param)
        with Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            TextColumn("{task.completed}/{task.total}"),
            TimeElapsedColumn(),
            console=out,
            transient=True,
        ) as bar:
            task = bar.add_task("models", total=None)

            def progress(done: int, total: int, model_id: str) -> None:
                bar.update(task, completed=done, total=total, description=model_id or "done")

            result = run_models(
                warehouse=warehouse, only=ids, params=params, engine=engine, progress=progress
            )
    except (CatalogueError, EngineError) as exc:
        raise click.ClickException(str(exc)) from None
    table = Table(title=f"Run {result.run_id} ({result.engine})")
    for column in ("model", "version", "status", "hits", "seconds", "reason"):
        table.add_column(column)
    for record in result.models:
        table.add_row(
            record.model_id,
            record.version,
            record.status,
            str(record.hits),
            f"{record.seconds:.2f}",
            record.reason,
        )
    out.print(table)
    out.print(f"{len(result.hits)} hits stored in {result.path}")
    if not result.ok:
        raise click.ClickException("some models failed; their reasons are in the table above")


@models_group.command(name="evaluate")
@click.option(
    "--truth", type=click.Path(dir_okay=False, path_type=Path), required=True, help="truth.csv"
)
@click.option("--run", "run_id", default=None, help="The run to score (default: the latest).")
@click.option("--min-recall", type=click.FloatRange(0, 1), default=0.0)
@click.option("--min-precision", type=click.FloatRange(0, 1), default=0.0)
def evaluate(truth: Path, run_id: str | None, min_recall: float, min_precision: float) -> None:
    """Score a run against the ground truth of a synthetic world; exit 1 when a model
    falls below --min-recall or --min-precision."""
    from jiandu.analytics.engine import load_run
    from jiandu.analytics.evaluate import TruthError, evaluate, read_truth

    try:
        rows = read_truth(truth)
        result = load_run(run_id)
    except (TruthError, LookupError) as exc:
        raise click.ClickException(str(exc)) from None
    ran = [m.model_id for m in result.models if m.status == "ok"]
    scores = evaluate(result.hits, rows, ran)
    table = Table(title=f"Run {result.run_id} against {truth}")
    for column in ("model", "planted", "hits", "true pos.", "precision", "recall", "F1", ""):
        table.add_column(column)
    failing = []
    for s in scores:
        verdict = "not run" if s.status != "ok" else "ok"
        if not s.passes(min_recall, min_precision):
            verdict = "BELOW"
            failing.append(s.model_id)
        ran_here = s.status == "ok"
        table.add_row(
            s.model_id,
            str(s.planted),
            str(s.hits) if ran_here else "—",
            str(s.true_positives) if ran_here else "—",
            _pct(s.precision),
            _pct(s.recall if ran_here else None),
            _pct(s.f1),
            verdict,
        )
    _console().print(table)
    if failing:
        raise click.ClickException(
            f"below recall {min_recall} or precision {min_precision}: {', '.join(failing)}"
        )


@models_group.command(name="docs")
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("docs"),
    help="The documentation folder (default: docs).",
)
def docs(out: Path) -> None:
    """Write docs/models/<ID>.md and the table of docs/models.md from the specs."""
    from jiandu.analytics.catalogue.docs import write

    changed = write(out)
    for path in changed:
        click.echo(f"written: {path}")
    click.echo(f"{len(changed)} page(s) changed")
