"""The `jiandu` command. One module per command group; each stays thin."""

from __future__ import annotations

import click

from . import audit, calendar, clues, ftm, identity, ingest, models, ocds, server, synth, users


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="jiandu")
def main() -> None:
    """jiandu: inspection, rectification, the clue ledger and data-driven supervision."""


main.add_command(server.init)
main.add_command(server.demo)
main.add_command(server.serve)
main.add_command(server.worker)
main.add_command(server.manage)
main.add_command(users.createuser)
main.add_command(audit.audit)
main.add_command(calendar.calendar_group)
main.add_command(models.models_group)
main.add_command(ingest.ingest)
main.add_command(identity.identity_group)
main.add_command(ftm.ftm_group)
main.add_command(synth.synth)
main.add_command(ocds.ocds_group)
main.add_command(clues.clues_group)
