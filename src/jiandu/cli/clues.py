"""clues: the key that encrypts whistleblower identities and clue attachments."""

from __future__ import annotations

import click

from .django_setup import setup


@click.group(name="clues")
def clues_group() -> None:
    """The clue ledger's encryption key (JIANDU_CLUE_KEY)."""


@clues_group.command(name="keygen")
def keygen() -> None:
    """Print a new random key for JIANDU_CLUE_KEY (keep it out of the data directory)."""
    from jiandu.clues.crypto import generate

    click.echo(generate())


@clues_group.command(name="check-key")
def check_key() -> None:
    """Check that the key in force opens every protected field and attachment; exit 1
    naming the clues it cannot open."""
    setup()
    from jiandu.clues import crypto
    from jiandu.clues.keycheck import check

    try:
        crypto.key()
    except crypto.KeyError_ as exc:
        raise click.ClickException(str(exc)) from exc
    origin = (
        "JIANDU_CLUE_KEY"
        if crypto.from_environment()
        else "derived from SECRET_KEY (set JIANDU_CLUE_KEY)"
    )
    click.echo(f"key {crypto.key_id().hex()}: {origin}")
    result = check()
    failed = len(result.failed)
    click.echo(
        f"{result.fields} protected fields, {result.files} attachments: {failed} do not open"
    )
    for number, what, reason in result.failed:
        click.echo(f"  {number} {what}: {reason}", err=True)
    if result.failed:
        raise SystemExit(1)
