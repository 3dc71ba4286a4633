"""createuser."""

from __future__ import annotations

import click

from .django_setup import setup


@click.command()
@click.argument("username")
@click.option("--role", "roles", multiple=True, help="Role code to give globally (repeatable).")
@click.option("--display-name", default="", help="Name shown in the interface.")
@click.option(
    "--password",
    prompt=True,
    hide_input=True,
    confirmation_prompt=True,
    envvar="JIANDU_NEW_PASSWORD",
    help="Password (prompted; or JIANDU_NEW_PASSWORD).",
)
def createuser(username: str, roles: tuple[str, ...], display_name: str, password: str) -> None:
    """Create an account from the server's command line (e.g. the first administrator)."""
    setup()
    from jiandu.accounts import bootstrap
    from jiandu.core.errors import ValidationFailed

    try:
        user = bootstrap.create_user(
            username=username, password=password, display_name=display_name, role_codes=roles
        )
    except ValidationFailed as exc:
        raise click.ClickException(str(exc)) from None
    granted = ", ".join(roles) or "no role yet"
    click.echo(f"Created {user.username} ({granted}).")
