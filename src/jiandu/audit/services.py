"""Writing audit events. Every service calls `record` inside its own transaction."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from django.db import models, transaction
from django.utils import timezone

from jiandu.core import context

from . import chain
from .models import AuditEvent, ChainHead


def _target(obj: models.Model | None) -> tuple[str, str, str]:
    if obj is None:
        return "", "", ""
    return obj._meta.label_lower, str(obj.pk), str(obj)[:300]


def _actor(actor: Any) -> tuple[int | None, str]:
    if actor is None or not getattr(actor, "is_authenticated", False):
        return None, ""
    return actor.pk, actor.get_username()


def record(
    *,
    actor: Any,
    action: str,
    target: models.Model | None = None,
    changes: dict[str, Any] | None = None,
    kind: str = AuditEvent.Kind.WRITE,
    target_type: str | None = None,
    target_id: str | None = None,
    target_repr: str | None = None,
) -> AuditEvent:
    """Append one event to the chain. Must run inside the caller's transaction."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit.record must run inside the service's transaction")
    t_type, t_id, t_repr = _target(target)
    actor_id, actor_username = _actor(actor)
    ctx = context.current()
    head, _ = ChainHead.objects.select_for_update().get_or_create(id=1)
    fields: dict[str, Any] = {
        "seq": head.last_seq + 1,
        "occurred_at": timezone.now(),
        "kind": str(kind),
        "action": action,
        "actor_id": actor_id,
        "actor_username": actor_username,
        "target_type": target_type if target_type is not None else t_type,
        "target_id": target_id if target_id is not None else t_id,
        "target_repr": (target_repr if target_repr is not None else t_repr)[:300],
        "changes": chain.normalize(changes or {}),
        "request_id": ctx.request_id,
        "client_address": ctx.client_address,
        "channel": ctx.channel,
        "prev_hash": head.last_hash,
    }
    # Microsecond precision is what both databases keep.
    fields["hash"] = chain.event_hash(fields)
    event = AuditEvent.objects.create(**fields)
    ChainHead.objects.filter(id=1).update(last_seq=event.seq, last_hash=event.hash)
    return event


def record_read(
    *, actor: Any, target: models.Model, action: str = "read", detail: dict[str, Any] | None = None
) -> AuditEvent:
    """Log that `actor` read a sensitive object (its own transaction if none is open)."""
    with transaction.atomic():
        return record(
            actor=actor,
            action=action,
            target=target,
            changes=detail or {},
            kind=AuditEvent.Kind.READ,
        )


def snapshot(obj: models.Model, fields: Iterable[str]) -> dict[str, Any]:
    """The values of `fields` of `obj`, as they would be written to an event."""
    out: dict[str, Any] = {}
    for name in fields:
        field = obj._meta.get_field(name)
        attname = getattr(field, "attname", name)
        out[name] = getattr(obj, attname)
    return chain.normalize(out)


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, Any]:
    """{field: {"before": x, "after": y}} for the fields whose value changed."""
    keys = sorted(set(before) | set(after))
    return {
        k: {"before": before.get(k), "after": after.get(k)}
        for k in keys
        if before.get(k) != after.get(k)
    }


def _rows() -> Iterator[dict[str, Any]]:
    values = AuditEvent.objects.order_by("seq").values(*chain.HASHED_FIELDS, "hash")
    yield from values.iterator(chunk_size=2000)


def verify_chain() -> chain.Verification:
    """Check the whole chain as it is in the database now."""
    head = ChainHead.objects.filter(id=1).first()
    head_seq = head.last_seq if head else 0
    head_hash = head.last_hash if head else chain.GENESIS
    return chain.verify(_rows(), head_seq, head_hash)


def request_verification(*, actor: Any) -> Any:
    """Queue a check of the chain for the worker; the request is itself audited."""
    from jiandu.accounts import permissions

    from .models import Verification
    from .tasks import verify_chain as verify_task

    permissions.require_global(actor, "audit.view")
    with transaction.atomic():
        row = Verification.objects.create(requested_by=actor.get_username())
        record(actor=actor, action="audit.verify", target=row)
    verify_task.enqueue(row.pk)
    row.refresh_from_db()
    return row
