"""ftm: FollowTheMoney export and import (optional extra `ftm`)."""

from __future__ import annotations

from pathlib import Path

import click


@click.group(name="ftm")
def ftm_group() -> None:
    """Exchange people, organizations and their ties as FollowTheMoney entities."""


@ftm_group.command(name="export")
@click.argument("out", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--warehouse", type=click.Path(dir_okay=False, exists=True, path_type=Path))
def export(out: Path, warehouse: Path | None) -> None:
    """Write the warehouse's people, organizations, posts, family, ownerships,
    directorships, contracts and payments to OUT as FtM entities (JSON lines)."""
    from jiandu.analytics import ftm
    from jiandu.analytics import warehouse as wh

    con = wh.connect(warehouse, read_only=True)
    try:
        count = ftm.write(con, out)
    finally:
        con.close()
    click.echo(f"{count:,} entities written to {out}")


@ftm_group.command(name="import")
@click.argument("source", type=click.Path(dir_okay=False, exists=True, path_type=Path))
@click.argument("out_dir", type=click.Path(file_okay=False, path_type=Path))
def import_(source: Path, out_dir: Path) -> None:
    """Turn the FtM entities of SOURCE into a register directory OUT_DIR, to be loaded
    with `jiandu ingest OUT_DIR`."""
    from jiandu.analytics.ftm_import import import_entities

    result = import_entities(source, out_dir)
    for name, rows in result.rows.items():
        click.echo(f"{name}: {rows:,} rows")
    for schema, count in sorted(result.skipped.items()):
        click.echo(f"skipped {count:,} {schema} entities (no register holds them)")
    click.echo(f"next: jiandu ingest {out_dir}")
