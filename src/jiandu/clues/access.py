"""Need to know. A clue opens only to the people assigned to it, in their capacity, and
only while they hold the action of that capacity in one of their roles (a revoked role
closes every clue at once). The administrator, the office and the auditor hold none of
these actions, so no clue opens to them, whatever the path (page, API, export, search).

capacity -> action:  keeper -> clue.keep,  handler -> clue.handle,  approver -> clue.approve
The whistleblower's identity additionally needs `clue.reveal`."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from jiandu.accounts import permissions
from jiandu.core.errors import PermissionDenied

from .models import Assignment, Clue

CAPACITY_ACTION = {
    Assignment.Capacity.KEEPER: "clue.keep",
    Assignment.Capacity.HANDLER: "clue.handle",
    Assignment.Capacity.APPROVER: "clue.approve",
}
LEDGER_ACTIONS = ("clue.register", "clue.keep", "clue.handle", "clue.approve")


def capacities(actor: Any) -> list[str]:
    """The capacities whose action the actor holds somewhere."""
    held = permissions.actions_of(actor)
    return [str(c) for c, action in CAPACITY_ACTION.items() if action in held]


def readable(actor: Any) -> QuerySet[Clue]:
    """Every clue the actor may read."""
    caps = capacities(actor)
    if not caps:
        return Clue.objects.none()
    mine = Assignment.objects.filter(user_id=actor.pk, active=True, capacity__in=caps)
    return Clue.objects.filter(pk__in=mine.values("clue_id"))


def capacities_on(actor: Any, clue: Clue) -> set[str]:
    caps = capacities(actor)
    if not caps:
        return set()
    return set(
        Assignment.objects.filter(
            clue_id=clue.pk, user_id=actor.pk, active=True, capacity__in=caps
        ).values_list("capacity", flat=True)
    )


def can_read(actor: Any, clue: Clue) -> bool:
    return bool(capacities_on(actor, clue))


def is_keeper(actor: Any, clue: Clue) -> bool:
    return Assignment.Capacity.KEEPER in capacities_on(actor, clue)


def is_approver(actor: Any, clue: Clue) -> bool:
    return Assignment.Capacity.APPROVER in capacities_on(actor, clue)


def works_on(actor: Any, clue: Clue) -> bool:
    """Keeper or handler: may propose, record replies and outcomes, attach files."""
    return bool(
        capacities_on(actor, clue) & {Assignment.Capacity.KEEPER, Assignment.Capacity.HANDLER}
    )


def may_reveal(actor: Any, clue: Clue) -> bool:
    return (
        clue.has_whistleblower
        and can_read(actor, clue)
        and permissions.has_any(actor, "clue.reveal")
    )


def uses_ledger(actor: Any) -> bool:
    held = permissions.actions_of(actor)
    return any(a in held for a in LEDGER_ACTIONS)


def require_ledger(actor: Any) -> None:
    if not uses_ledger(actor):
        raise PermissionDenied("clue.view")


def require(actor: Any, clue: Clue, check: Any, action: str) -> None:
    """PermissionDenied unless `check(actor, clue)`."""
    if not check(actor, clue):
        raise PermissionDenied(action, clue)
