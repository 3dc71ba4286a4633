"""Disposal: a keeper or handler proposes one of the four ways to an approver, who is
someone else; the approved way starts its clock (the written reply, the review of a held
clue). Outcomes close the clue, escalate an inquiry to a preliminary check, or keep a held
clue held until its next review."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jiandu.accounts import permissions
from jiandu.accounts.models import User
from jiandu.audit import services as audit
from jiandu.core import states
from jiandu.core.calendar import current as calendar
from jiandu.core.errors import PermissionDenied, ValidationFailed

from .. import access, clocks
from ..models import Assignment, Clue, Proposal

WAY_STATE = {
    Clue.Way.INQUIRY: Clue.State.INQUIRY,
    Clue.Way.CHECK: Clue.State.CHECKING,
    Clue.Way.HOLD: Clue.State.HELD,
    Clue.Way.CLOSE: Clue.State.CLOSED,
}

# outcome -> (label, the states it is recorded in, the state it leads to)
OUTCOMES: dict[str, tuple[Any, frozenset[str], str]] = {
    "clarified": (
        gettext_lazy("Explained satisfactorily; closed"),
        frozenset({Clue.State.INQUIRY}),
        Clue.State.CLOSED,
    ),
    "escalated": (
        gettext_lazy("Escalated to a preliminary check"),
        frozenset({Clue.State.INQUIRY}),
        Clue.State.CHECKING,
    ),
    "unfounded": (
        gettext_lazy("Not substantiated; closed"),
        frozenset({Clue.State.CHECKING}),
        Clue.State.CLOSED,
    ),
    "case_opened": (
        gettext_lazy("Substantiated; a case is opened"),
        frozenset({Clue.State.CHECKING}),
        Clue.State.CLOSED,
    ),
    "admonished": (
        gettext_lazy("Minor problems; admonished or criticised; closed"),
        frozenset({Clue.State.INQUIRY, Clue.State.CHECKING}),
        Clue.State.CLOSED,
    ),
    "still_held": (
        gettext_lazy("Reviewed; held until the next review"),
        frozenset({Clue.State.HELD}),
        Clue.State.HELD,
    ),
    "resumed": (
        gettext_lazy("Reviewed; resumed for a new disposal"),
        frozenset({Clue.State.HELD}),
        Clue.State.REGISTERED,
    ),
}
SYSTEM_OUTCOMES = {
    "closed_on_approval": gettext_lazy("Closed on approval"),
    "transfer_result": gettext_lazy("Result fed back by the receiving body"),
}


def outcome_label(code: str) -> str:
    if code in OUTCOMES:
        return str(OUTCOMES[code][0])
    return str(SYSTEM_OUTCOMES.get(code, code))


def _today() -> dt.date:
    return timezone.localdate()


def _locked(clue: Clue) -> Clue:
    return Clue.objects.select_for_update().get(pk=clue.pk)


def _move(clue: Clue, target: str) -> str:
    return states.apply(clue, "state", Clue.TRANSITIONS, target)


@transaction.atomic
def propose_disposal(
    *, actor: Any, clue: Clue, way: str, reason: str, approver: User | None, inquiry_kind: str = ""
) -> Proposal:
    clue = _locked(clue)
    access.require(actor, clue, access.works_on, "clue.propose")
    errors: dict[str, str] = {}
    if clue.state != Clue.State.REGISTERED:
        errors["clue"] = _(
            "A disposal is proposed for a clue awaiting disposal (this one is “%(state)s”)."
        ) % {"state": clue.get_state_display()}
    if way not in Clue.Way.values:
        errors["way"] = _(
            "Unknown way of disposal: “%(way)s”. Choose talk or written inquiry, "
            "preliminary check, hold for later or close."
        ) % {"way": way}
    elif way == Clue.Way.INQUIRY and inquiry_kind not in Clue.InquiryKind.values:
        errors["inquiry_kind"] = _("Choose a talk or a written inquiry.")
    reason = (reason or "").replace("\r\n", "\n").strip()
    if not reason:
        errors["reason"] = _("Give the reasons for the proposed disposal.")
    if approver is None or not approver.is_active:
        errors["approver"] = _("Choose the leader who approves the disposal.")
    elif approver.pk == actor.pk:
        errors["approver"] = _("The disposal is approved by someone other than its proposer.")
    elif not permissions.has_any(approver, "clue.approve"):
        errors["approver"] = _("%(user)s does not approve clue disposals.") % {"user": approver}
    if errors:
        raise ValidationFailed(errors)
    assert approver is not None
    proposal = Proposal.objects.create(
        clue=clue,
        way=way,
        inquiry_kind=inquiry_kind if way == Clue.Way.INQUIRY else "",
        reason=reason,
        proposed_by=actor,
        approver=approver,
    )
    if not Assignment.objects.filter(
        clue=clue, user=approver, capacity=Assignment.Capacity.APPROVER, active=True
    ).exists():
        Assignment.objects.create(clue=clue, user=approver, capacity=Assignment.Capacity.APPROVER)
    before = _move(clue, Clue.State.PROPOSED)
    clue.save(update_fields=["state"])
    audit.record(
        actor=actor,
        action="clue.propose",
        target=clue,
        changes={
            "way": way,
            "inquiry_kind": proposal.inquiry_kind,
            "approver": approver.get_username(),
            "state": {"before": before, "after": clue.state},
        },
    )
    return proposal


def pending_proposal(clue: Clue) -> Proposal | None:
    return clue.proposals.filter(decision=Proposal.Decision.PENDING).order_by("-id").first()


@transaction.atomic
def decide_disposal(*, actor: Any, clue: Clue, approve: bool, note: str = "") -> Proposal:
    """The approver approves (the way takes effect, its clock starts) or rejects (the clue
    awaits a new proposal). The proposer never decides their own proposal."""
    clue = _locked(clue)
    access.require(actor, clue, access.can_read, "clue.approve")
    proposal = pending_proposal(clue)
    if proposal is None or clue.state != Clue.State.PROPOSED:
        raise ValidationFailed({"clue": _("No disposal of this clue awaits a decision.")})
    if proposal.proposed_by_id == actor.pk:
        raise ValidationFailed(
            {
                "decision": _(
                    "You proposed this disposal; it is approved by someone else (%(approver)s)."
                )
                % {"approver": proposal.approver}
            }
        )
    if proposal.approver_id != actor.pk or Assignment.Capacity.APPROVER not in access.capacities_on(
        actor, clue
    ):
        raise PermissionDenied("clue.approve", clue)
    note = (note or "").strip()
    if not approve and not note:
        raise ValidationFailed({"note": _("Say why the proposal is rejected.")})
    today = _today()
    proposal.decision = Proposal.Decision.APPROVED if approve else Proposal.Decision.REJECTED
    proposal.decided_at = timezone.now()
    proposal.decision_note = note
    proposal.save(update_fields=["decision", "decided_at", "decision_note"])
    before = clue.state
    fields = ["state"]
    if approve:
        _move(clue, WAY_STATE[Clue.Way(proposal.way)])
        clue.way = proposal.way
        clue.inquiry_kind = proposal.inquiry_kind
        clue.disposed_on = today
        fields += ["way", "inquiry_kind", "disposed_on"]
        cal = calendar()
        if proposal.way == Clue.Way.INQUIRY and proposal.inquiry_kind == Clue.InquiryKind.WRITTEN:
            clue.reply_due = clocks.reply_due(cal, today)
            fields.append("reply_due")
        elif proposal.way == Clue.Way.HOLD:
            clue.review_due = clocks.review_due(cal, today)
            fields.append("review_due")
        elif proposal.way == Clue.Way.CLOSE:
            clue.outcome = "closed_on_approval"
            clue.closed_on = today
            fields += ["outcome", "closed_on"]
    else:
        _move(clue, Clue.State.REGISTERED)
    clue.save(update_fields=fields)
    audit.record(
        actor=actor,
        action="clue.approve" if approve else "clue.reject",
        target=clue,
        changes={"way": proposal.way, "state": {"before": before, "after": clue.state}},
    )
    return proposal


@transaction.atomic
def record_reply(*, actor: Any, clue: Clue, received_on: dt.date, text: str) -> Clue:
    """The written reply to an inquiry letter."""
    clue = _locked(clue)
    access.require(actor, clue, access.works_on, "clue.handle")
    errors: dict[str, str] = {}
    if clue.state != Clue.State.INQUIRY or clue.inquiry_kind != Clue.InquiryKind.WRITTEN:
        errors["clue"] = _("Only a clue under written inquiry receives a written reply.")
    elif clue.replied_on:
        errors["clue"] = _("The reply was already recorded on %(date)s.") % {
            "date": clue.replied_on
        }
    if not isinstance(received_on, dt.date):
        errors["received_on"] = _("The date the reply was received is required.")
    elif clue.disposed_on and received_on < clue.disposed_on:
        errors["received_on"] = _("The reply cannot arrive before the letter was issued.")
    elif received_on > _today():
        errors["received_on"] = _("The date received cannot be in the future.")
    text = (text or "").replace("\r\n", "\n").strip()
    if not text:
        errors["text"] = _("Summarize the reply.")
    if errors:
        raise ValidationFailed(errors)
    clue.replied_on = received_on
    clue.reply_text = text
    clue.save(update_fields=["replied_on", "reply_text"])
    late = bool(clue.reply_due and received_on > clue.reply_due)
    audit.record(
        actor=actor,
        action="clue.reply",
        target=clue,
        changes={"received_on": received_on, "due": clue.reply_due, "late": late},
    )
    return clue


@transaction.atomic
def record_outcome(*, actor: Any, clue: Clue, outcome: str, note: str) -> Clue:
    """Close, escalate, or (for a held clue) record the periodic review."""
    clue = _locked(clue)
    access.require(actor, clue, access.works_on, "clue.handle")
    if outcome not in OUTCOMES:
        raise ValidationFailed({"outcome": _("Unknown outcome: %(value)s") % {"value": outcome}})
    _label, allowed_in, target = OUTCOMES[outcome]
    if clue.state not in allowed_in:
        raise ValidationFailed(
            {
                "outcome": _("“%(outcome)s” is not an outcome of a clue that is “%(state)s”.")
                % {"outcome": outcome_label(outcome), "state": clue.get_state_display()}
            }
        )
    note = (note or "").replace("\r\n", "\n").strip()
    if not note:
        raise ValidationFailed({"note": _("Record what was established.")})
    if (
        outcome == "clarified"
        and clue.inquiry_kind == Clue.InquiryKind.WRITTEN
        and not clue.replied_on
    ):
        raise ValidationFailed(
            {"outcome": _("Record the written reply before closing the inquiry.")}
        )
    before = clue.state
    today = _today()
    cal = calendar()
    fields = ["state", "outcome", "outcome_note"]
    if target != clue.state:
        _move(clue, target)
    clue.outcome, clue.outcome_note = outcome, note
    if target == Clue.State.CLOSED:
        clue.closed_on = today
        fields.append("closed_on")
    elif outcome == "escalated":
        clue.way = Clue.Way.CHECK
        fields.append("way")
    elif outcome == "still_held":
        clue.review_due = clocks.review_due(cal, today)
        fields.append("review_due")
    elif outcome == "resumed":
        clue.way, clue.review_due = "", None
        clue.disposal_due = clocks.disposal_due(cal, today)
        fields += ["way", "review_due", "disposal_due"]
    clue.save(update_fields=fields)
    audit.record(
        actor=actor,
        action="clue.outcome",
        target=clue,
        changes={"outcome": outcome, "state": {"before": before, "after": clue.state}},
    )
    return clue
