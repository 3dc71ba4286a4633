"""Escalation of a hit into the clue ledger, and the rectification flag a hit raises.
(Filled in with the clue intake and rectification services.)"""

from __future__ import annotations

from typing import Any

from .models import Hit


def hit_page_context(actor: Any, hit: Hit, can_escalate: bool) -> dict[str, Any]:
    return {}
