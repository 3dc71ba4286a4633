"""The signed chain of hand-overs. Each link records who handed the clue to whom (or to
which body), the capacity, the time, and a signature: the SHA-256 of the link's content
and of the previous link's signature. The handler confirms each hand-over while signed in;
`verify_chain` recomputes every signature."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jiandu.accounts import permissions
from jiandu.accounts.models import User
from jiandu.audit import services as audit
from jiandu.core.errors import ValidationFailed

from .. import access
from ..models import Assignment, Clue, Handover

GENESIS = "0" * 64


def _content(link: Handover, previous: str) -> bytes:
    return json.dumps(
        {
            "clue": link.clue.number,
            "seq": link.seq,
            "from": link.from_user_id,
            "to": link.to_user_id,
            "to_body": link.to_body,
            "capacity": link.capacity,
            "note": link.note,
            "signed_at": link.signed_at.isoformat(timespec="microseconds"),
            "previous": previous,
        },
        sort_keys=True,
        ensure_ascii=False,
    ).encode("utf-8")


def sign(
    *, clue: Clue, from_user: Any, to_user: Any = None, to_body: str = "", capacity: str, note: str
) -> Handover:
    """Append a link (inside the caller's transaction)."""
    last = Handover.objects.filter(clue=clue).order_by("-seq").first()
    link = Handover(
        clue=clue,
        seq=(last.seq + 1) if last else 1,
        from_user=from_user if getattr(from_user, "pk", None) else None,
        to_user=to_user,
        to_body=to_body[:200],
        capacity=capacity,
        note=note[:500],
        signed_at=timezone.now(),
    )
    link.signature = hashlib.sha256(_content(link, last.signature if last else GENESIS)).hexdigest()
    link.save()
    return link


def verify_chain(clue: Clue) -> int | None:
    """The number of the first link whose signature does not match; None when intact."""
    previous = GENESIS
    for link in Handover.objects.filter(clue=clue).select_related("clue").order_by("seq"):
        if hashlib.sha256(_content(link, previous)).hexdigest() != link.signature:
            return link.seq
        previous = link.signature
    return None


CAPACITIES = (Assignment.Capacity.KEEPER, Assignment.Capacity.HANDLER)


@transaction.atomic
def hand_over(
    *, actor: Any, clue: Clue, to_user: User | None, capacity: str, note: str, confirmed: bool
) -> Handover:
    """The keeper hands the clue to a new keeper (and stops reading it) or to a handler.
    `confirmed` is the signed-in keeper's confirmation; without it nothing happens."""
    clue = Clue.objects.select_for_update().get(pk=clue.pk)
    access.require(actor, clue, access.is_keeper, "clue.keep")
    errors: dict[str, str] = {}
    if clue.state == Clue.State.CLOSED:
        errors["clue"] = _("The clue is closed; it is no longer handed over.")
    if capacity not in CAPACITIES:
        errors["capacity"] = _("Hand over as keeper or as handler.")
    needed = "clue.keep" if capacity == Assignment.Capacity.KEEPER else "clue.handle"
    if to_user is None or not to_user.is_active:
        errors["to_user"] = _("Choose the person who receives the clue.")
    elif to_user.pk == actor.pk:
        errors["to_user"] = _("A clue is handed to someone else.")
    elif not permissions.has_any(to_user, needed):
        errors["to_user"] = _(
            "%(user)s does not hold the role to receive a clue as %(capacity)s."
        ) % {
            "user": to_user,
            "capacity": dict(Assignment.Capacity.choices).get(capacity, capacity),
        }
    elif Assignment.objects.filter(
        clue=clue, user=to_user, capacity=capacity, active=True
    ).exists():
        errors["to_user"] = _("%(user)s already holds the clue in this capacity.") % {
            "user": to_user
        }
    if not confirmed:
        errors["confirmed"] = _("Confirm the hand-over: you sign it with your account.")
    if errors:
        raise ValidationFailed(errors)
    assert to_user is not None
    if capacity == Assignment.Capacity.KEEPER:
        Assignment.objects.filter(
            clue=clue, user=actor, capacity=Assignment.Capacity.KEEPER, active=True
        ).update(active=False, ended_at=timezone.now())
    Assignment.objects.create(clue=clue, user=to_user, capacity=capacity)
    link = sign(clue=clue, from_user=actor, to_user=to_user, capacity=capacity, note=note.strip())
    audit.record(
        actor=actor,
        action="clue.handover",
        target=clue,
        changes={"to": to_user.get_username(), "capacity": capacity, "link": link.seq},
    )
    return link
