"""System check: the clue key should come from its own environment variable."""

from __future__ import annotations

from typing import Any

from django.core.checks import Tags, Warning, register

from . import crypto


@register(Tags.security, deploy=True)
def clue_key_check(app_configs: Any = None, **kwargs: Any) -> list[Warning]:
    if crypto.from_environment():
        try:
            crypto.key()
        except crypto.KeyError_ as exc:
            return [Warning(str(exc), hint="Run `jiandu clues keygen`.", id="clues.E001")]
        return []
    return [
        Warning(
            f"{crypto.ENV} is not set: whistleblower identities and clue attachments are "
            "encrypted with a key derived from SECRET_KEY.",
            hint=f"Run `jiandu clues keygen`, set {crypto.ENV} in the service's environment, "
            "then `jiandu clues check-key`.",
            id="clues.W001",
        )
    ]
