"""Transfers of clues to another body: the keeper sends (a signed hand-over to the body),
records the acknowledged receipt, then the body's feedback on the result, which closes the
clue. The feedback is due TRANSFER_FEEDBACK_MONTHS (3) after the transfer."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jiandu.accounts.models import OrgUnit
from jiandu.audit import services as audit
from jiandu.core import states
from jiandu.core.calendar import current as calendar
from jiandu.core.errors import ValidationFailed
from jiandu.inspections.services.transfers import RECEIVING_KINDS

from .. import access, clocks
from ..models import Clue, ClueTransfer
from .handover import sign


def _date_error(value: Any, earliest: dt.date | None, what: str) -> str:
    if not isinstance(value, dt.date) or isinstance(value, dt.datetime):
        return _("The date is required.")
    if value > timezone.localdate():
        return _("The date cannot be in the future.")
    if earliest is not None and value < earliest:
        return _("The date cannot be before %(what)s (%(date)s).") % {
            "what": what,
            "date": earliest,
        }
    return ""


@transaction.atomic
def transfer_clue(
    *,
    actor: Any,
    clue: Clue,
    receiver_kind: str,
    receiver_unit: OrgUnit | None,
    sent_on: dt.date,
    note: str = "",
    confirmed: bool,
) -> ClueTransfer:
    clue = Clue.objects.select_for_update().get(pk=clue.pk)
    access.require(actor, clue, access.is_keeper, "clue.keep")
    errors: dict[str, str] = {}
    if clue.state != Clue.State.REGISTERED:
        errors["clue"] = _(
            "A clue is transferred while it awaits disposal (this one is “%(state)s”)."
        ) % {"state": clue.get_state_display()}
    if receiver_kind not in ClueTransfer.Receiver.values:
        errors["receiver_kind"] = _("Choose the kind of receiving body.")
    if receiver_unit is None:
        errors["receiver_unit"] = _("Choose the body that receives the clue.")
    elif not receiver_unit.is_active or receiver_unit.kind not in RECEIVING_KINDS:
        errors["receiver_unit"] = _(
            "Choose an active receiving body: a commission, a department or another body "
            "(not an inspected enterprise)."
        )
    problem = _date_error(sent_on, clue.received_date, _("the date received"))
    if problem:
        errors["sent_on"] = problem
    if not confirmed:
        errors["confirmed"] = _("Confirm the hand-over: you sign it with your account.")
    if errors:
        raise ValidationFailed(errors)
    assert receiver_unit is not None
    transfer = ClueTransfer.objects.create(
        clue=clue,
        receiver_kind=receiver_kind,
        receiver_unit=receiver_unit,
        sent_on=sent_on,
        note=(note or "").strip(),
        feedback_due=clocks.feedback_due(calendar(), sent_on),
        sent_by=actor,
    )
    before = states.apply(clue, "state", Clue.TRANSITIONS, Clue.State.TRANSFERRED)
    clue.save(update_fields=["state"])
    link = sign(
        clue=clue, from_user=actor, to_body=receiver_unit.name_zh, capacity="transfer", note=""
    )
    audit.record(
        actor=actor,
        action="clue.transfer",
        target=clue,
        changes={
            "receiver_unit": receiver_unit.code,
            "receiver_kind": receiver_kind,
            "sent_on": sent_on,
            "feedback_due": transfer.feedback_due,
            "link": link.seq,
            "state": {"before": before, "after": clue.state},
        },
    )
    return transfer


def _transfer(actor: Any, clue: Clue) -> ClueTransfer:
    clue = Clue.objects.select_for_update().get(pk=clue.pk)
    access.require(actor, clue, access.is_keeper, "clue.keep")
    transfer = ClueTransfer.objects.select_for_update().filter(clue=clue).first()
    if transfer is None:
        raise ValidationFailed({"clue": _("This clue was not transferred.")})
    transfer.clue = clue
    return transfer


@transaction.atomic
def acknowledge_receipt(
    *, actor: Any, clue: Clue, acknowledged_on: dt.date, reference: str = ""
) -> ClueTransfer:
    """Record the receiving body's acknowledgement of receipt (its receipt slip)."""
    transfer = _transfer(actor, clue)
    problem = _date_error(acknowledged_on, transfer.sent_on, _("the transfer"))
    if problem:
        raise ValidationFailed({"acknowledged_on": problem})
    before = states.apply(transfer, "state", ClueTransfer.TRANSITIONS, "acknowledged")
    transfer.acknowledged_on = acknowledged_on
    transfer.receipt_reference = (reference or "").strip()[:100]
    transfer.save(update_fields=["state", "acknowledged_on", "receipt_reference"])
    audit.record(
        actor=actor,
        action="clue.transfer_receipt",
        target=transfer.clue,
        changes={"state": {"before": before, "after": transfer.state}, "on": acknowledged_on},
    )
    return transfer


@transaction.atomic
def record_transfer_feedback(
    *, actor: Any, clue: Clue, fed_back_on: dt.date, result: str
) -> ClueTransfer:
    """The receiving body's feedback on the result; it closes the clue."""
    transfer = _transfer(actor, clue)
    errors: dict[str, str] = {}
    problem = _date_error(
        fed_back_on, transfer.acknowledged_on or transfer.sent_on, _("the receipt")
    )
    if problem:
        errors["fed_back_on"] = problem
    result = (result or "").replace("\r\n", "\n").strip()
    if not result:
        errors["result"] = _("Summarize the result the body reported.")
    if errors:
        raise ValidationFailed(errors)
    before = states.apply(transfer, "state", ClueTransfer.TRANSITIONS, "fed_back")
    transfer.fed_back_on = fed_back_on
    transfer.result = result
    transfer.save(update_fields=["state", "fed_back_on", "result"])
    clue = transfer.clue
    states.apply(clue, "state", Clue.TRANSITIONS, Clue.State.CLOSED)
    clue.outcome, clue.outcome_note, clue.closed_on = "transfer_result", result, fed_back_on
    clue.save(update_fields=["state", "outcome", "outcome_note", "closed_on"])
    audit.record(
        actor=actor,
        action="clue.transfer_feedback",
        target=clue,
        changes={
            "state": {"before": before, "after": transfer.state},
            "on": fed_back_on,
            "late": bool(transfer.feedback_due and fed_back_on > transfer.feedback_due),
        },
    )
    return transfer
