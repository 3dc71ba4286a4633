"""ocds: OCDS procurement red flags with the answers of cardinal-rs."""

from __future__ import annotations

import csv
import sys
from collections.abc import Callable
from contextlib import ExitStack
from pathlib import Path
from typing import IO, BinaryIO

import click
import orjson

from jiandu.analytics import ocds
from jiandu.analytics.ocds.parallel import run_path
from jiandu.analytics.ocds.prepare import prepare as prepare_lines

SKIP_LABELS = {
    "invalid_json": "lines that are not JSON",
    "not_object": "lines that are not a JSON object",
    "no_ocid": "releases without a string ocid",
    "cancelled": "cancelled contracting processes",
    "excluded": "releases excluded by [exclusions] procurement_method_details",
    "other_currency": "bid amounts in another currency than {currency}",
    "R003_dates": "releases without valid tender period dates (R003)",
}
LINE_SKIPS = ("invalid_json", "not_object", "no_ocid", "cancelled", "excluded")
EXCLUSIONS = ("other_currency", "R003_dates")


def _settings(value: str | None) -> ocds.Settings:
    if value is None:
        return ocds.Settings()
    try:
        return ocds.load(value)
    except ocds.SettingsError as exc:
        raise click.BadParameter(str(exc), param_hint="'--settings'") from exc


def _open_input(stack: ExitStack, file: str) -> BinaryIO:
    if file == "-":
        return sys.stdin.buffer
    path = Path(file)
    if path.is_dir():
        raise click.BadParameter(f"{file}: Is a directory, not a file", param_hint="'FILE'")
    try:
        return stack.enter_context(path.open("rb"))
    except OSError as exc:
        raise click.BadParameter(f"{file}: {exc.strerror}", param_hint="'FILE'") from exc


def _open_output(stack: ExitStack, file: str) -> IO[str]:
    if file == "-":
        return sys.stdout
    try:
        return stack.enter_context(Path(file).open("w", encoding="utf-8", newline=""))
    except OSError as exc:
        raise click.BadParameter(f"{file}: {exc.strerror}") from exc


MAX_WARNINGS = 20


def _warner() -> Callable[[int, str], None]:
    """Report bad lines on standard error, the first MAX_WARNINGS of them (all are counted)."""
    seen = [0]

    def warn(_line: int, message: str) -> None:
        seen[0] += 1
        if seen[0] <= MAX_WARNINGS:
            click.echo(f"WARN {message}", err=True)
        elif seen[0] == MAX_WARNINGS + 1:
            click.echo("WARN further invalid lines are counted, not listed.", err=True)

    return warn


@click.group(name="ocds")
def ocds_group() -> None:
    """OCDS procurement red flags (indicators of cardinal-rs)."""


@ocds_group.command(name="indicators")
@click.argument("file")
@click.option(
    "-s", "--settings", "settings_path", metavar="FILE", help="The path to the settings file."
)
@click.option(
    "-c", "--count", is_flag=True, help="Print the number of results per group to standard error."
)
@click.option("--no-meta", is_flag=True, help='Exclude the "Meta" key from the results object.')
@click.option(
    "--map",
    "map_",
    is_flag=True,
    help='Include the "Maps" key, mapping contracting processes to organizations.',
)
@click.option(
    "-j",
    "--jobs",
    type=click.IntRange(min=1),
    default=None,
    help="Processes for a large file (default: one per CPU); the result does not depend on it.",
)
def indicators(
    file: str, settings_path: str | None, count: bool, no_meta: bool, map_: bool, jobs: int | None
) -> None:
    """Calculate procurement indicators from OCDS compiled releases in FILE.

    FILE holds one compiled release per line ("-" for standard input). The result is a
    JSON object whose keys are "OCID", "Buyer", "ProcuringEntity" or "Tenderer"; each
    maps identifiers to the results of the indicators that returned one. Unless
    --no-meta is set, "Meta" holds the quartiles and fences used.
    """
    settings = _settings(settings_path)
    if not settings.indicators:
        click.echo(
            "No indicator is enabled: pass --settings with a section per indicator "
            "(`jiandu ocds init -` prints one with all of them).",
            err=True,
        )
    warn = _warner()
    with ExitStack() as stack:
        stream = _open_input(stack, file)
        if file == "-":
            result = ocds.run_file(stream, settings, map=map_, warn=warn)
        else:
            result = run_path(file, settings, map=map_, warn=warn, workers=jobs)
    sys.stdout.flush()
    result.write(sys.stdout.buffer, meta=not no_meta)
    sys.stdout.buffer.flush()
    if count:
        for group, number in result.counts().items():
            click.echo(f"{group}: {number}", err=True)
    _summary(result, settings)


def _summary(result: ocds.Result, settings: ocds.Settings) -> None:
    """What was skipped (whole lines) and excluded (from one indicator), on standard error."""
    currency = settings.currency or result.currency or "the main currency"
    counts = result.skipped
    skipped = [f"{counts[k]} {SKIP_LABELS[k]}" for k in LINE_SKIPS if counts[k]]
    excluded = [
        f"{counts[k]} {SKIP_LABELS[k].format(currency=currency)}" for k in EXCLUSIONS if counts[k]
    ]
    if not skipped and not excluded:
        return
    parts = [f"Read {result.lines} lines, {result.releases} releases used"]
    if skipped:
        parts.append("skipped: " + "; ".join(skipped))
    if excluded:
        parts.append("excluded: " + "; ".join(excluded))
    click.echo(". ".join(parts) + ".", err=True)


@ocds_group.command(name="prepare")
@click.argument("file")
@click.option(
    "-s", "--settings", "settings_path", metavar="FILE", help="The path to the settings file."
)
@click.option(
    "-o",
    "--output",
    default=None,
    help='Write corrected data to this file ("-" for standard output).',
)
@click.option(
    "-e",
    "--errors",
    default="-",
    show_default=True,
    help='Write quality issues to this file ("-" for standard output).',
)
def prepare(file: str, settings_path: str | None, output: str | None, errors: str) -> None:
    """Report the quality issues in FILE that stop indicators from working.

    Issues are CSV rows: line, ocid, path, array indexes, incorrect value, description.
    With --output, the corrected releases (defaults filled, codes mapped, placeholders
    removed as the settings say) are written as line-delimited JSON.
    """
    settings = _settings(settings_path)
    problems = 0
    with ExitStack() as stack:
        stream = _open_input(stack, file)
        errors_out = _open_output(stack, errors)
        data_out = _open_output(stack, output) if output is not None else None
        writer = csv.writer(errors_out, lineterminator="\n")
        for item in prepare_lines(ocds.engine.read_lines(stream), settings):
            for row in item.problems:
                writer.writerow(["" if v is None else v for v in row])
                problems += 1
            if data_out is not None and item.release is not None:
                data_out.write(orjson.dumps(item.release).decode() + "\n")
    click.echo(f"{problems} quality issues.", err=True)


@ocds_group.command(name="init")
@click.argument("file")
@click.option(
    "-f", "--force", is_flag=True, help="Overwrite the settings file if it already exists."
)
def init(file: str, force: bool) -> None:
    """Write a default settings file (every indicator enabled) to FILE ("-" for standard output)."""
    if file == "-":
        click.echo(ocds.DEFAULT_SETTINGS, nl=False)
        return
    path = Path(file)
    if path.exists() and not force:
        raise click.ClickException(f"{file} exists; use --force to overwrite it.")
    try:
        path.write_text(ocds.DEFAULT_SETTINGS, encoding="utf-8")
    except OSError as exc:
        raise click.ClickException(f"Error writing to {file}: {exc.strerror}") from exc
    click.echo(f"Settings written to {file}.")
