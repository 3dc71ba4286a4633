"""audit verify."""

from __future__ import annotations

import click

from .django_setup import setup


@click.group()
def audit() -> None:
    """The hash-chained audit trail."""


@audit.command()
def verify() -> None:
    """Check the whole chain; exit 1 naming the first broken event."""
    setup()
    from jiandu.audit import services

    result = services.verify_chain()
    if result.first_break is None:
        click.echo(f"Audit chain intact: {result.checked} events, last #{result.last_seq}.")
        return
    broken = result.first_break
    click.echo(
        f"Audit chain BROKEN at event #{broken.seq}: {broken.reason} "
        f"({result.checked} events before it are intact).",
        err=True,
    )
    raise SystemExit(1)
