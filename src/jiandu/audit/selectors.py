"""Reads of the audit trail: only auditors see others' events."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, QuerySet
from django.db.models.functions import TruncDate
from django.utils import timezone

from jiandu.accounts import permissions

from .models import AuditEvent, Verification


def events(
    actor: Any,
    *,
    kind: str = "",
    action: str = "",
    actor_name: str = "",
    target_type: str = "",
    target_id: str = "",
) -> QuerySet[AuditEvent]:
    """The whole trail, for holders of audit.view (global only: the trail spans everything)."""
    permissions.require_global(actor, "audit.view")
    qs = AuditEvent.objects.all()
    if kind:
        qs = qs.filter(kind=kind)
    if action:
        qs = qs.filter(action__startswith=action)
    if actor_name:
        qs = qs.filter(actor_username__icontains=actor_name)
    if target_type:
        qs = qs.filter(target_type=target_type)
    if target_id:
        qs = qs.filter(target_id=target_id)
    return qs


def event(actor: Any, seq: int) -> AuditEvent | None:
    return events(actor).filter(seq=seq).first()


def action_names(actor: Any) -> list[str]:
    permissions.require_global(actor, "audit.view")
    return list(AuditEvent.objects.order_by("action").values_list("action", flat=True).distinct())


def own_activity(actor: Any, *, limit: int = 10) -> list[AuditEvent]:
    """The actor's own recent actions (everyone may see what they did)."""
    return list(AuditEvent.objects.filter(actor_id=actor.pk).order_by("-seq")[:limit])


def verifications(actor: Any, *, limit: int = 10) -> list[Verification]:
    permissions.require_global(actor, "audit.view")
    return list(Verification.objects.all()[:limit])


def daily_counts(actor: Any, *, days: int = 30) -> dict[str, Any]:
    """Events per day and kind over the last `days` days, for the auditor's chart: a
    sudden rise of reads or failed sign-ins is worth a look."""
    permissions.require_global(actor, "audit.view")
    today = timezone.localdate()
    first = today - dt.timedelta(days=days - 1)
    start = timezone.make_aware(dt.datetime.combine(first, dt.time.min))
    rows = (
        AuditEvent.objects.filter(occurred_at__gte=start)
        .annotate(day=TruncDate("occurred_at"))
        .values("day", "kind")
        .annotate(n=Count("seq"))
    )
    counts = {(r["day"], r["kind"]): r["n"] for r in rows}
    dates = [first + dt.timedelta(days=i) for i in range(days)]
    return {
        "days": [d.isoformat() for d in dates],
        "series": [
            {"kind": kind, "name": str(label), "data": [counts.get((d, kind), 0) for d in dates]}
            for kind, label in AuditEvent.Kind.choices
        ],
    }
