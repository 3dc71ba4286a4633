"""Navigation: each user sees the sections their roles allow."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from . import permissions

# (url name, label, action that shows it)
SECTIONS: list[tuple[str, Any, str | None]] = [
    ("home", _("My work"), None),
    ("rounds", _("Inspection rounds"), "round.view"),
    ("common_problems", _("Common problems"), "round.analytics"),
    ("my_feedback", _("Feedback to my unit"), "feedback.view_delivered"),
    ("transfers", _("Transfers"), "transfer.view"),
    ("rectification", _("Rectification"), "rectification.view"),
    ("hit_queue", _("Hits"), "hit.view"),
    ("model_list", _("Models"), "run.view"),
    ("clue_ledger", _("Clue ledger"), "clue.register"),
    ("clue_ledger", _("Clue ledger"), "clue.keep"),
    ("clue_ledger", _("Clue ledger"), "clue.handle"),
    ("clue_ledger", _("Clue ledger"), "clue.approve"),
    ("clue_reconciliation", _("Reconciliation"), "clue.reconcile"),
    ("clue_reads", _("Clue reads"), "audit.view"),
    ("org_tree", _("Organizations"), "orgunit.view"),
    ("people", _("People"), "person.view"),
    ("users", _("Accounts"), "account.manage"),
    ("roles", _("Roles"), "account.manage"),
    ("audit_events", _("Audit trail"), "audit.view"),
    ("warehouse", _("Warehouse"), "warehouse.view"),
]


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_sections": []}
    held = permissions.actions_of(user)
    shown: dict[str, Any] = {}  # a section listed under several actions shows once
    for url, label, action in SECTIONS:
        if (action is None or action in held) and url not in shown:
            shown[url] = label
    return {"nav_sections": [{"url": url, "label": label} for url, label in shown.items()]}
