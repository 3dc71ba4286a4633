"""Pages of reports, feedback and transfers, and the inspected unit's view of the feedback
delivered to it. Thin: parse, call one selector or service, render."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jiandu.accounts import permissions
from jiandu.audit import services as audit
from jiandu.core.errors import InvalidTransition, PermissionDenied, ValidationFailed
from jiandu.core.types import AuthedRequest

from .. import documents
from .. import forms_reporting as forms
from ..models import Finding, Round, Target
from ..selectors import planning
from ..selectors import reporting as selectors
from ..services import feedback as feedback_services
from ..services import reporting as services
from ..services import transfers as transfer_services

FORM = "accounts/form.html"
PAGES = "inspections/reporting"


def _refused(request: AuthedRequest, exc: ValidationFailed | InvalidTransition) -> None:
    if isinstance(exc, ValidationFailed):
        for message in exc.errors.values():
            messages.error(request, message)
    else:
        messages.error(request, str(exc))


def _target(request: AuthedRequest, pk: int, action: str) -> Target:
    return permissions.get_or_deny(
        request.user, action, Target.objects.select_related("round", "team", "org_unit"), pk
    )


def _round(request: AuthedRequest, pk: int) -> Round:
    return planning.round(request.user, pk)


# --- the round's reporting page ------------------------------------------------------


@login_required
def round_reporting(request: AuthedRequest, pk: int) -> HttpResponse:
    round = _round(request, pk)
    permissions.require(request.user, "report.view")
    return render(
        request,
        f"{PAGES}/round.html",
        {"data": selectors.round_reporting(request.user, round), "round": round},
    )


# --- reports ---------------------------------------------------------------------------


@login_required
@require_POST
def report_draft(request: AuthedRequest, pk: int) -> HttpResponse:
    target = _target(request, pk, "report.draft")
    try:
        report = services.draft_target_report(actor=request.user, target=target)
    except ValidationFailed as exc:
        _refused(request, exc)
        return redirect("round_reporting", pk=target.round_id)
    messages.success(request, _("The report was assembled from the confirmed findings."))
    return redirect("report_detail", pk=report.pk)


@login_required
@require_POST
def special_report_draft(request: AuthedRequest, pk: int) -> HttpResponse:
    round = _round(request, pk)
    permissions.require(request.user, "report.draft", round)
    try:
        report = services.draft_special_report(actor=request.user, round=round)
    except ValidationFailed as exc:
        _refused(request, exc)
        return redirect("round_reporting", pk=round.pk)
    messages.success(request, _("The special report was assembled."))
    return redirect("report_detail", pk=report.pk)


@login_required
def report_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    report = selectors.report(request.user, pk)
    return render(
        request,
        f"{PAGES}/report.html",
        {
            "report": report,
            "actions": selectors.report_actions(request.user, report),
            "return_reason": selectors.return_reason(report),
            "findings": report.findings.select_related("category", "target__org_unit"),
            "return_form": forms.ReturnForm(),
        },
    )


@login_required
def report_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    report = selectors.report(request.user, pk)
    permissions.require(request.user, "report.draft", report)
    initial = {"title": report.title, "body": report.body, "suggestions": report.suggestions}
    form = forms.ReportForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_report(actor=request.user, report=report, **form.cleaned_data)
        except ValidationFailed as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, _("Report saved."))
            return redirect("report_detail", pk=report.pk)
    cancel = reverse("report_detail", args=[report.pk])
    return render(
        request, FORM, {"form": form, "title": _("Edit the report"), "cancel_url": cancel}
    )


def _report_step(
    request: AuthedRequest, pk: int, action: str, step: Any, done: str
) -> HttpResponse:
    report = selectors.report(request.user, pk)
    permissions.require(request.user, action, report)
    try:
        step(actor=request.user, report=report)
    except (ValidationFailed, InvalidTransition) as exc:
        _refused(request, exc)
    else:
        messages.success(request, done)
    return redirect("report_detail", pk=report.pk)


@login_required
@require_POST
def report_submit(request: AuthedRequest, pk: int) -> HttpResponse:
    return _report_step(
        request, pk, "report.draft", services.submit_report, _("Report submitted to the office.")
    )


@login_required
@require_POST
def report_adopt(request: AuthedRequest, pk: int) -> HttpResponse:
    return _report_step(request, pk, "report.adopt", services.adopt_report, _("Report adopted."))


@login_required
def report_return(request: AuthedRequest, pk: int) -> HttpResponse:
    report = selectors.report(request.user, pk)
    permissions.require(request.user, "report.adopt", report)
    form = forms.ReturnForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.return_report(actor=request.user, report=report, **form.cleaned_data)
        except ValidationFailed as exc:
            form.add_service_errors(exc)
        except InvalidTransition as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Report returned to its drafters."))
            return redirect("report_detail", pk=report.pk)
    cancel = reverse("report_detail", args=[report.pk])
    return render(
        request, FORM, {"form": form, "title": _("Return the report"), "cancel_url": cancel}
    )


# --- feedback --------------------------------------------------------------------------


@login_required
def central_feedback(request: AuthedRequest, pk: int) -> HttpResponse:
    round = _round(request, pk)
    permissions.require(request.user, "feedback.deliver", round)
    meeting = selectors.central_feedback(request.user, round)
    initial = {}
    if meeting is not None:
        initial = {
            f: getattr(meeting, f) for f in ("date", "attendees", "common_problems", "requirements")
        }
    form = forms.CentralFeedbackForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            feedback_services.record_central_feedback(
                actor=request.user, round=round, **form.cleaned_data
            )
        except ValidationFailed as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, _("Centralized feedback meeting recorded."))
            return redirect("round_reporting", pk=round.pk)
    title = _("Centralized feedback meeting of %(round)s") % {"round": round.name}
    cancel = reverse("round_reporting", args=[round.pk])
    return render(request, FORM, {"form": form, "title": title, "cancel_url": cancel})


@login_required
def target_feedback(request: AuthedRequest, pk: int) -> HttpResponse:
    target = _target(request, pk, "feedback.draft")
    existing = getattr(target, "feedback", None)
    fields = ("date", "to_leadership_date", "to_top_leader_date", "participants", "requirements")
    initial = {f: getattr(existing, f) for f in fields} if existing is not None else {}
    form = forms.TargetFeedbackForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            feedback = feedback_services.draft_target_feedback(
                actor=request.user, target=target, **form.cleaned_data
            )
        except ValidationFailed as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, _("Feedback draft saved."))
            return redirect("feedback_detail", pk=feedback.pk)
    title = _("One-to-one feedback to %(unit)s") % {"unit": target.org_unit.name}
    cancel = reverse("round_reporting", args=[target.round_id])
    return render(request, FORM, {"form": form, "title": title, "cancel_url": cancel})


@login_required
def feedback_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    feedback = selectors.feedback(request.user, pk)
    section = selectors.target_section(request.user, feedback.target)["reporting"]
    return render(
        request,
        f"{PAGES}/feedback.html",
        {
            "feedback": feedback,
            "groups": services.group_by_category(documents.opinion_findings(feedback)),
            "due": documents.due_date(feedback),
            "sees_drafts": selectors.sees_drafts(request.user, feedback),
            "can_deliver": section.can_deliver_feedback,
            "can_redraft": section.can_draft_feedback,
        },
    )


@login_required
@require_POST
def feedback_deliver(request: AuthedRequest, pk: int) -> HttpResponse:
    feedback = selectors.feedback(request.user, pk)
    permissions.require(request.user, "feedback.deliver", feedback)
    try:
        feedback_services.deliver_feedback(actor=request.user, feedback=feedback)
    except (ValidationFailed, InvalidTransition) as exc:
        _refused(request, exc)
    else:
        messages.success(request, _("Feedback delivered to the inspected organization."))
    return redirect("feedback_detail", pk=feedback.pk)


@login_required
def feedback_opinion(request: AuthedRequest, pk: int) -> HttpResponse:
    feedback = selectors.feedback(request.user, pk)
    if not selectors.can_download_opinion(request.user, feedback):
        raise PermissionDenied("feedback.view", feedback)
    content = documents.build_feedback_opinion(feedback)
    audit.record_read(actor=request.user, target=feedback, action="feedback.opinion_download")
    response = HttpResponse(content, content_type=documents.DOCX_TYPE)
    response["Content-Disposition"] = documents.content_disposition(
        documents.opinion_filename(feedback), f"feedback-opinion-{feedback.pk}.docx"
    )
    return response


@login_required
def my_feedback(request: AuthedRequest) -> HttpResponse:
    permissions.require(request.user, "feedback.view_delivered")
    return render(
        request, f"{PAGES}/my_feedback.html", {"items": selectors.my_feedback(request.user)}
    )


# --- transfers -------------------------------------------------------------------------


@login_required
def transfers(request: AuthedRequest) -> HttpResponse:
    permissions.require(request.user, "transfer.view")
    items = list(selectors.transfers(request.user))
    for item in items:
        item.can_acknowledge = selectors.can_acknowledge(request.user, item)  # type: ignore[attr-defined]
    return render(request, f"{PAGES}/transfers.html", {"transfers": items})


@login_required
def transfer_create(request: AuthedRequest, pk: int) -> HttpResponse:
    round = _round(request, pk)
    user = request.user
    targets = permissions.scope_filter(
        user, "transfer.create", round.targets.select_related("org_unit")
    )
    on_round = permissions.can(user, "transfer.create", round)
    if not on_round and not targets.exists():
        raise PermissionDenied("transfer.create", round)
    findings = permissions.scope_filter(
        user,
        "finding.view",
        Finding.objects.filter(target__in=targets, state__in=transfer_services.TRANSFERABLE),
    ).select_related("target__org_unit")
    form = forms.TransferForm(
        request.POST or None,
        targets=targets,
        findings=findings,
        persons=transfer_services.concerned_persons(round),
        initial={"target": request.GET.get("target")},
    )
    form.fields["target"].required = not on_round
    if request.method == "POST" and form.is_valid():
        try:
            transfer_services.create_transfer(actor=user, round=round, **form.cleaned_data)
        except ValidationFailed as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, _("Transfer recorded."))
            return redirect("transfers")
    title = _("New transfer in %(round)s") % {"round": round.name}
    cancel = reverse("round_reporting", args=[round.pk])
    return render(request, FORM, {"form": form, "title": title, "cancel_url": cancel})


@login_required
@require_POST
def transfer_acknowledge(request: AuthedRequest, pk: int) -> HttpResponse:
    transfer = selectors.transfer(request.user, pk)
    try:
        transfer_services.acknowledge_transfer(actor=request.user, transfer=transfer)
    except InvalidTransition as exc:
        _refused(request, exc)
    else:
        messages.success(request, _("Receipt acknowledged."))
    return redirect("transfers")


urlpatterns: list[URLPattern] = [
    path("rounds/<int:pk>/reporting/", round_reporting, name="round_reporting"),
    path("rounds/<int:pk>/special-report/", special_report_draft, name="special_report_draft"),
    path("rounds/<int:pk>/central-feedback/", central_feedback, name="central_feedback"),
    path("rounds/<int:pk>/transfers/new/", transfer_create, name="transfer_create"),
    path("targets/<int:pk>/report/", report_draft, name="report_draft"),
    path("targets/<int:pk>/feedback/", target_feedback, name="target_feedback"),
    path("reports/<int:pk>/", report_detail, name="report_detail"),
    path("reports/<int:pk>/edit/", report_edit, name="report_edit"),
    path("reports/<int:pk>/submit/", report_submit, name="report_submit"),
    path("reports/<int:pk>/adopt/", report_adopt, name="report_adopt"),
    path("reports/<int:pk>/return/", report_return, name="report_return"),
    path("feedback/<int:pk>/", feedback_detail, name="feedback_detail"),
    path("feedback/<int:pk>/deliver/", feedback_deliver, name="feedback_deliver"),
    path("feedback/<int:pk>/opinion/", feedback_opinion, name="feedback_opinion"),
    path("my-feedback/", my_feedback, name="my_feedback"),
    path("transfers/", transfers, name="transfers"),
    path("transfers/<int:pk>/acknowledge/", transfer_acknowledge, name="transfer_acknowledge"),
]
