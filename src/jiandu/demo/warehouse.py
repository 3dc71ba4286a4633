"""The demo's warehouse: a synthetic world generated once into the data directory and
ingested (again: unchanged files are not reloaded, so a second demo is quick).

`JIANDU_DEMO_WORLD` chooses the scale: `small` (the default, about 50,000 people),
`tiny` (seconds; for tests) or `none` (no warehouse)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

SCALES = ("small", "tiny", "none")
SEED = 2026


def scale() -> str:
    chosen = os.environ.get("JIANDU_DEMO_WORLD", "small").strip() or "small"
    if chosen not in SCALES:
        raise ValueError(f"JIANDU_DEMO_WORLD must be one of {', '.join(SCALES)}, not {chosen!r}")
    return chosen


def load(data_dir: Path, chosen: str | None = None) -> str:
    """Generate (once) and ingest the demo world; returns a line for the operator."""
    from jiandu.analytics import warehouse
    from jiandu.analytics.registers import ingest
    from jiandu.analytics.synth import generate

    chosen = chosen or scale()
    if chosen == "none":
        return "Warehouse: no demo world (JIANDU_DEMO_WORLD=none)."
    world = data_dir / f"demo-world-{chosen}"
    if not world.is_dir():
        partial = data_dir / f"demo-world-{chosen}.partial"
        shutil.rmtree(partial, ignore_errors=True)
        generate(chosen, SEED, partial)
        partial.rename(world)  # a world is either complete or absent
    report = ingest(world, warehouse=data_dir / warehouse.FILE_NAME)
    rows = sum(r.rows for r in report.registers)
    loaded = sum(r.status == "loaded" for r in report.registers)
    state = "ok" if report.ok else "with rejected registers"
    return (
        f"Warehouse: the {chosen} synthetic world, {len(report.registers)} registers "
        f"({loaded} loaded now), {rows:,} rows, {state}."
    )
