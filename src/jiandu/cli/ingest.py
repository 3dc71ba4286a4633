"""ingest: load a register directory into the warehouse."""

from __future__ import annotations

from pathlib import Path

import click

SHOWN = 50  # rejections listed on screen; the JSON report has them all


@click.command()
@click.argument(
    "directory", type=click.Path(exists=True, file_okay=False, dir_okay=True, path_type=Path)
)
@click.option(
    "--report",
    "report_file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the load report (every rejected row) to this JSON file.",
)
@click.option(
    "--add", is_flag=True, help="Append to the registers already loaded instead of replacing."
)
@click.option(
    "--warehouse",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Warehouse file (default: $JIANDU_DATA_DIR/warehouse.duckdb).",
)
def ingest(directory: Path, report_file: Path | None, add: bool, warehouse: Path | None) -> None:
    """Load the register files of DIRECTORY (CSV, Parquet, Excel, ocds/*.jsonl) into the
    warehouse; every rejected row is reported and a register loads completely or not at all."""
    import orjson
    from rich.console import Console
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    from jiandu.analytics.registers import ingest as run

    console = Console()
    with Progress(
        TextColumn("{task.description:<20}"),
        BarColumn(),
        TextColumn("{task.completed}/{task.total}"),
        TimeElapsedColumn(),
        console=console,
        transient=True,
    ) as bar:
        task = bar.add_task("ingest", total=None)

        def progress(step: str, done: int, total: int) -> None:
            bar.update(task, description=step, completed=done, total=total)

        report = run(directory, warehouse=warehouse, add=add, progress=progress)
    if report_file is not None:
        report_file.write_bytes(orjson.dumps(report.to_dict(), option=orjson.OPT_INDENT_2))
    _show(console, report, report_file)
    if not report.ok:
        raise SystemExit(1)


def _show(console: object, report: object, report_file: Path | None) -> None:
    from rich.console import Console
    from rich.table import Table

    from jiandu.analytics.registers import IngestReport

    from .identity import summary

    assert isinstance(console, Console) and isinstance(report, IngestReport)
    table = Table(title=f"Registers of {report.directory}")
    for name in ("register", "file", "rows", "status", "errors", "warnings", "seconds"):
        table.add_column(
            name, justify="right" if name in ("rows", "errors", "warnings", "seconds") else "left"
        )
    colours = {"loaded": "green", "unchanged": "cyan", "rejected": "red", "failed": "red"}
    for r in report.registers:
        table.add_row(
            r.name,
            r.file,
            f"{r.rows:,}",
            f"[{colours.get(r.status, 'white')}]{r.status}[/]",
            str(r.errors),
            str(r.warnings),
            f"{r.seconds:.2f}",
        )
    console.print(table)
    for name in report.unknown_files:
        console.print(f"[yellow]skipped unknown file[/] {name}")
    problems = report.errors + report.warnings
    if problems:
        listed = Table(title="Rejected rows (errors) and warnings")
        for name in ("file", "row", "column", "severity", "reason", "value"):
            listed.add_column(name)
        for p in problems[:SHOWN]:
            listed.add_row(
                p.file,
                "" if p.row is None else str(p.row),
                p.column or "",
                p.severity,
                p.reason,
                p.value or "",
            )
        console.print(listed)
        if len(problems) > SHOWN:
            where = f" (all in {report_file})" if report_file else " (use --report FILE for all)"
            console.print(f"... and {len(problems) - SHOWN:,} more{where}")
    if report.identity:
        console.print(summary(report.identity))
    console.print("[green]ok[/]" if report.ok else "[red]some registers were not loaded[/]")
