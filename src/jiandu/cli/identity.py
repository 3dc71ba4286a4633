"""identity: resolve the warehouse's people and organizations again, and choose whether
probabilistic linkage adds to the deterministic rules."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

DEFAULT_THRESHOLD = 0.95


@click.group(name="identity")
def identity_group() -> None:
    """Identity resolution: which records are one person or one organization."""


@identity_group.command(name="resolve")
@click.option(
    "--probabilistic/--deterministic",
    default=None,
    help="Add the probabilistic person step to the deterministic rules, or go back to the "
    "rules alone. The choice is kept in the warehouse: every later load follows it. "
    "Without either, the warehouse's choice stands.",
)
@click.option(
    "--threshold",
    type=click.FloatRange(0, 1, min_open=True, max_open=True),
    help=f"Match probability from which two person records are linked (default "
    f"{DEFAULT_THRESHOLD}); with --probabilistic.",
)
@click.option(
    "--report",
    "report_file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write what was merged and why (every group, every link) to this JSON file.",
)
@click.option(
    "--warehouse",
    type=click.Path(dir_okay=False, exists=True, path_type=Path),
    help="Warehouse file (default: $JIANDU_DATA_DIR/warehouse.duckdb).",
)
def resolve_command(
    probabilistic: bool | None,
    threshold: float | None,
    report_file: Path | None,
    warehouse: Path | None,
) -> None:
    """Resolve the warehouse's person and organization records into entities again."""
    import orjson

    from jiandu.analytics import warehouse as wh
    from jiandu.analytics.identity import resolve, sql

    if threshold is not None and not probabilistic:
        raise click.UsageError("--threshold goes with --probabilistic")
    path = warehouse or wh.default_path()
    nothing = f"no registers are loaded in {path}: load them with `jiandu ingest DIR` first"
    if not path.exists():
        raise click.ClickException(nothing)
    con = wh.connect(path)
    try:
        loaded = con.execute(
            "SELECT count(*) FROM duckdb_tables() WHERE table_name = '_manifest' "
            "AND database_name = current_database()"
        ).fetchone()
        if not loaded or not loaded[0]:
            raise click.ClickException(nothing)
        sql.install(con)
        before = resolve.probabilistic_threshold(con)
        if probabilistic is not None:
            resolve.configure(con, (threshold or DEFAULT_THRESHOLD) if probabilistic else None)
        try:
            result = resolve.resolve(con)
        except Exception:
            resolve.configure(con, before)
            raise
        now = resolve.probabilistic_threshold(con)
    finally:
        con.close()
    report = result.to_dict()
    if report_file is not None:
        report_file.write_bytes(orjson.dumps(report, option=orjson.OPT_INDENT_2))
    steps = "deterministic rules" + (
        f" and probabilistic person linkage (threshold {now})" if now is not None else ""
    )
    click.echo(f"resolved with the {steps}")
    click.echo(summary(report))
    for rule, count in report.get("links", {}).items():
        click.echo(f"  {rule}: {count:,} links")


def summary(ident: dict[str, Any]) -> str:
    """One line on a resolution (a load report's `identity`, or `Resolution.to_dict()`)."""
    return (
        f"identity: {ident.get('person_records', 0):,} person records -> "
        f"{ident.get('person_entities', 0):,} people; {ident.get('org_records', 0):,} "
        f"organization records -> {ident.get('org_entities', 0):,} organizations; "
        f"{ident.get('ambiguous_total', 0):,} ambiguous records left apart"
    )
