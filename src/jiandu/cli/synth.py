"""synth: write a synthetic province with planted cases and their ground truth."""

from __future__ import annotations

import time
from pathlib import Path

import click


@click.command(name="synth")
@click.option(
    "--scale",
    type=click.Choice(["tiny", "small", "province"]),
    default="tiny",
    show_default=True,
    help="tiny (tests), small (about 50,000 people), province (over a million people).",
)
@click.option("--seed", type=int, default=1, show_default=True, help="Same seed, same bytes.")
@click.argument("out_dir", type=click.Path(file_okay=False, path_type=Path))
def synth(scale: str, seed: int, out_dir: Path) -> None:
    """Write the register files, ocds/*.jsonl, truth.csv and truth_identity.csv of a
    synthetic world into OUT_DIR."""
    from jiandu.analytics.synth import generate
    from jiandu.analytics.synth.output import COLUMNS

    started = time.perf_counter()
    with click.progressbar(length=0, label=f"Generating the {scale} world") as bar:

        def progress(stage: str, rows: int) -> None:
            bar.label = f"{scale}: {stage} ({rows:,} rows)"
            bar.render_progress()

        generate(scale, seed, out_dir, progress=progress)
    seconds = time.perf_counter() - started
    for name in (*COLUMNS, "truth", "truth_identity"):
        with (out_dir / f"{name}.csv").open(encoding="utf-8") as f:
            rows = sum(1 for _ in f) - 1
        click.echo(f"{name + '.csv':<24} {rows:>12,}")
    with (out_dir / "ocds" / "releases.jsonl").open(encoding="utf-8") as f:
        click.echo(f"{'ocds/releases.jsonl':<24} {sum(1 for _ in f):>12,}")
    click.echo(f"Written to {out_dir} in {seconds:.1f} s (scale {scale}, seed {seed}).")
