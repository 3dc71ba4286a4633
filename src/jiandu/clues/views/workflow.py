"""Pages that move a clue: propose a disposal, decide it, record the written reply and the
outcome, hand over (signed), transfer to another body with its receipt and feedback.
Thin: each checks the capacity that opens the form, then calls one service."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from jiandu.accounts.models import OrgUnit
from jiandu.core.errors import InvalidTransition, PermissionDenied, ValidationFailed
from jiandu.core.types import AuthedRequest
from jiandu.inspections.services.transfers import RECEIVING_KINDS

from .. import access, forms, selectors, services
from ..models import Clue

FORM = "clues/form.html"


def _clue(request: AuthedRequest, pk: int, check: Callable[[Any, Clue], bool], action: str) -> Clue:
    clue = selectors.clue(request.user, pk)
    if not check(request.user, clue):
        raise PermissionDenied(action, clue)
    return clue


def _page(
    request: AuthedRequest,
    clue: Clue,
    form: Any,
    title: str,
    call: Callable[[dict[str, Any]], Any],
    done: str,
    **context: Any,
) -> HttpResponse:
    if request.method == "POST" and form.is_valid():
        try:
            call(form.cleaned_data)
        except ValidationFailed as exc:
            form.add_service_errors(exc)
        except InvalidTransition as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, done)
            return redirect("clue_detail", pk=clue.pk)
    return render(
        request,
        FORM,
        {
            "form": form,
            "title": f"{clue.number} · {title}",
            "clue": clue,
            "cancel_url": reverse("clue_detail", args=[clue.pk]),
            **context,
        },
    )


@login_required
def propose(request: AuthedRequest, pk: int) -> HttpResponse:
    clue = _clue(request, pk, access.works_on, "clue.propose")
    form = forms.ProposeForm(request.POST or None, approvers=selectors.approvers(request.user))
    return _page(
        request,
        clue,
        form,
        _("Propose a disposal"),
        lambda d: services.propose_disposal(
            actor=request.user,
            clue=clue,
            way=d["way"],
            inquiry_kind=d["inquiry_kind"],
            reason=d["reason"],
            approver=d["approver"],
        ),
        _("Disposal proposed; it awaits approval."),
    )


@login_required
def decide(request: AuthedRequest, pk: int) -> HttpResponse:
    clue = _clue(request, pk, access.is_approver, "clue.approve")
    proposal = services.disposal.pending_proposal(clue)
    form = forms.DecideForm(request.POST or None)
    return _page(
        request,
        clue,
        form,
        _("Decide the proposed disposal"),
        lambda d: services.decide_disposal(
            actor=request.user, clue=clue, approve=d["decision"] == "approve", note=d["note"]
        ),
        _("Decision recorded."),
        proposal=proposal,
    )


@login_required
def reply(request: AuthedRequest, pk: int) -> HttpResponse:
    clue = _clue(request, pk, access.works_on, "clue.handle")
    form = forms.ReplyForm(request.POST or None)
    return _page(
        request,
        clue,
        form,
        _("Record the written reply"),
        lambda d: services.record_reply(
            actor=request.user, clue=clue, received_on=d["received_on"], text=d["text"]
        ),
        _("Written reply recorded."),
    )


@login_required
def outcome(request: AuthedRequest, pk: int) -> HttpResponse:
    clue = _clue(request, pk, access.works_on, "clue.handle")
    form = forms.OutcomeForm(request.POST or None, state=clue.state)
    return _page(
        request,
        clue,
        form,
        _("Record the outcome"),
        lambda d: services.record_outcome(
            actor=request.user, clue=clue, outcome=d["outcome"], note=d["note"]
        ),
        _("Outcome recorded."),
    )


@login_required
def handover(request: AuthedRequest, pk: int) -> HttpResponse:
    clue = _clue(request, pk, access.is_keeper, "clue.keep")
    capacity = request.POST.get("capacity") or request.GET.get("capacity") or "handler"
    if capacity not in ("keeper", "handler"):
        capacity = "handler"
    form = forms.HandoverForm(
        request.POST or None,
        receivers=selectors.receivers(request.user, capacity),
        initial={"capacity": capacity},
    )
    return _page(
        request,
        clue,
        form,
        _("Hand over"),
        lambda d: services.hand_over(
            actor=request.user,
            clue=clue,
            to_user=d["to_user"],
            capacity=d["capacity"],
            note=d["note"],
            confirmed=d["confirmed"],
        ),
        _("Hand-over signed."),
    )


def _bodies() -> Any:
    return OrgUnit.objects.filter(is_active=True, kind__in=RECEIVING_KINDS).order_by("code")


@login_required
def transfer(request: AuthedRequest, pk: int) -> HttpResponse:
    clue = _clue(request, pk, access.is_keeper, "clue.keep")
    form = forms.TransferForm(request.POST or None, bodies=_bodies())
    return _page(
        request,
        clue,
        form,
        _("Transfer to another body"),
        lambda d: services.transfer_clue(
            actor=request.user,
            clue=clue,
            receiver_kind=d["receiver_kind"],
            receiver_unit=d["receiver_unit"],
            sent_on=d["sent_on"],
            note=d["note"],
            confirmed=d["confirmed"],
        ),
        _("Clue transferred; its feedback clock runs."),
    )


@login_required
def receipt(request: AuthedRequest, pk: int) -> HttpResponse:
    clue = _clue(request, pk, access.is_keeper, "clue.keep")
    form = forms.ReceiptForm(request.POST or None)
    return _page(
        request,
        clue,
        form,
        _("Receipt acknowledged by the receiving body"),
        lambda d: services.acknowledge_receipt(
            actor=request.user,
            clue=clue,
            acknowledged_on=d["acknowledged_on"],
            reference=d["reference"],
        ),
        _("Receipt recorded."),
    )


@login_required
def feedback(request: AuthedRequest, pk: int) -> HttpResponse:
    clue = _clue(request, pk, access.is_keeper, "clue.keep")
    form = forms.FeedbackForm(request.POST or None)
    return _page(
        request,
        clue,
        form,
        _("Result fed back by the receiving body"),
        lambda d: services.record_transfer_feedback(
            actor=request.user, clue=clue, fed_back_on=d["fed_back_on"], result=d["result"]
        ),
        _("Feedback recorded; the clue is closed."),
    )
