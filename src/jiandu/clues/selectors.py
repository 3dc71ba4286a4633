"""Reads of the clue ledger. Every selector returns only the clues the actor may read
(`access.readable`); reading one clue's content (page, API, export, attachment) writes a
read event, and so does every reveal of a whistleblower's identity."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from jiandu.accounts import permissions
from jiandu.accounts.models import User
from jiandu.audit import services as audit
from jiandu.audit.models import AuditEvent
from jiandu.core.calendar import current as calendar
from jiandu.core.errors import PermissionDenied

from . import access, clocks, crypto
from .models import Assignment, Clue, Proposal, Subject

CLUE_TYPE = "clues.clue"


def ledger(actor: Any, *, query: str = "", state: str = "") -> QuerySet[Clue]:
    """The clues the actor may read, newest first, optionally searched (number, summary,
    subject names) and filtered by state. Search runs only inside what may be read."""
    access.require_ledger(actor)
    qs = access.readable(actor)
    if state:
        qs = qs.filter(state=state)
    query = query.strip()[:100]
    if query:
        qs = qs.filter(
            Q(number__icontains=query)
            | Q(summary__icontains=query)
            | Q(pk__in=Subject.objects.filter(name__icontains=query).values("clue_id"))
        )
    return qs.prefetch_related(Prefetch("subjects", queryset=Subject.objects.order_by("id")))


def clue(actor: Any, pk: int) -> Clue:
    """One readable clue, without logging (for the forms that act on it); absence and
    refusal look the same."""
    found = access.readable(actor).filter(pk=pk).first()
    if found is None:
        raise PermissionDenied("clue.read")
    return found


def clue_read(actor: Any, pk: int, *, via: str) -> Clue:
    """One readable clue; the read is logged (``clue.read``, with the path: page, api)."""
    found = clue(actor, pk)
    audit.record_read(actor=actor, target=found, action="clue.read", detail={"via": via})
    return found


def reveal_whistleblower(actor: Any, pk: int, *, via: str) -> dict[str, str]:
    """The whistleblower's name and contact, for an assigned reader whose role may see
    them; the reveal is logged (``clue.reveal``)."""
    found = clue(actor, pk)
    if not access.may_reveal(actor, found):
        raise PermissionDenied("clue.reveal", found)
    audit.record_read(actor=actor, target=found, action="clue.reveal", detail={"via": via})
    return {
        "name": crypto.open_text(
            bytes(found.whistleblower_name or b""), f"{found.number}:whistleblower_name"
        ),
        "contact": crypto.open_text(
            bytes(found.whistleblower_contact or b""), f"{found.number}:whistleblower_contact"
        ),
    }


def log_search(actor: Any, rows: Any) -> None:
    """A search matched the content of these clues: each shown result is a read."""
    for row in rows:
        audit.record_read(actor=actor, target=row, action="clue.read", detail={"via": "search"})


def export_rows(actor: Any, *, query: str = "", state: str = "") -> list[Clue]:
    """The clues of an export; one read event per clue exported (via "export")."""
    rows = list(ledger(actor, query=query, state=state).select_related("transfer"))
    for row in rows:
        audit.record_read(actor=actor, target=row, action="clue.read", detail={"via": "export"})
    return rows


def clocks_of(found: Clue, today: dt.date | None = None) -> list[clocks.Clock]:
    return clocks.running(found, calendar(), today or timezone.localdate())


@dataclass(frozen=True)
class DueItem:
    clue: Clue
    clock: clocks.Clock


def due_items(actor: Any, *, limit: int = 50) -> list[DueItem]:
    """Running clocks of the actor's clues, most urgent first (the dashboard). Lists
    numbers and deadlines only: no read event."""
    if not access.uses_ledger(actor):
        return []
    cal, today = calendar(), timezone.localdate()
    open_states = [s for s in Clue.State.values if s != Clue.State.CLOSED]
    rows = access.readable(actor).filter(state__in=open_states).select_related("transfer")
    items = [DueItem(c, k) for c in rows for k in clocks.running(c, cal, today)]
    items.sort(key=lambda i: (i.clock.days_left, i.clue.number))
    return items[:limit]


def holders(action: str) -> QuerySet[User]:
    """Active accounts holding `action` through a role assignment in force today (the
    services check again when one of them is chosen)."""
    from jiandu.accounts.models import Role, RoleAssignment

    today = timezone.localdate()
    roles = [r.pk for r in Role.objects.all() if action in (r.actions or [])]
    in_force = RoleAssignment.objects.filter(
        Q(role_id__in=roles)
        & (Q(valid_from__isnull=True) | Q(valid_from__lte=today))
        & (Q(valid_until__isnull=True) | Q(valid_until__gte=today))
    )
    return User.objects.filter(is_active=True, pk__in=in_force.values("user_id")).order_by(
        "username"
    )


def approvers(actor: Any) -> QuerySet[User]:
    """Who may approve a disposal the actor proposes: holders of clue.approve, not the actor."""
    return holders("clue.approve").exclude(pk=actor.pk)


def receivers(actor: Any, capacity: str) -> QuerySet[User]:
    """Who may receive a clue as keeper or handler."""
    action = access.CAPACITY_ACTION.get(Assignment.Capacity(capacity), "clue.keep")
    return holders(action).exclude(pk=actor.pk)


def keepers() -> QuerySet[User]:
    return holders("clue.keep")


@dataclass(frozen=True)
class HistoryEntry:
    at: dt.datetime
    action: str
    actor: str
    changes: dict[str, Any]


def history(actor: Any, found: Clue) -> dict[str, Any]:
    """The signed chain and the clue's audit events (for its readers)."""
    if not access.can_read(actor, found):
        raise PermissionDenied("clue.read")
    from .services.handover import verify_chain

    events = AuditEvent.objects.filter(target_type=CLUE_TYPE, target_id=str(found.pk)).order_by(
        "seq"
    )
    return {
        "chain": list(found.handovers.select_related("from_user", "to_user").order_by("seq")),
        "chain_broken_at": verify_chain(found),
        "events": [e for e in events if e.kind == AuditEvent.Kind.WRITE],
        "proposals": list(
            Proposal.objects.filter(clue=found).select_related("proposed_by", "approver")
        ),
        "assignments": list(found.assignments.select_related("user")),
    }


def read_log(actor: Any, *, number: str = "", username: str = "") -> QuerySet[AuditEvent]:
    """Who read which clue and when (auditors, global grant)."""
    permissions.require_global(actor, "audit.view")
    qs = AuditEvent.objects.filter(kind=AuditEvent.Kind.READ, target_type=CLUE_TYPE)
    if number:
        qs = qs.filter(target_repr__icontains=number.strip()[:40])
    if username:
        qs = qs.filter(actor_username__icontains=username.strip()[:150])
    return qs.order_by("-seq")
