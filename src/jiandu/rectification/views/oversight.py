"""Pages of the supervising side: on-site checks and joint reviews, the escalation
ladder and its letters, flags, the assessment export, and the Word reports and
disclosure. Thin."""

from __future__ import annotations

import io

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from openpyxl import Workbook

from jiandu.accounts import permissions
from jiandu.audit import services as audit
from jiandu.core.errors import InvalidTransition, PermissionDenied, ValidationFailed
from jiandu.core.types import AuthedRequest

from .. import documents, forms, selectors, statistics
from ..models import Flag, Plan, Problem, Task
from ..services import escalation, flags, verification
from .plans import form_page, xlsx


@login_required
def supervision_add(request: AuthedRequest, pk: int) -> HttpResponse:
    plan = selectors.get_plan(request.user, pk)
    permissions.require(request.user, "rectification.verify", plan)
    form = forms.SupervisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            verification.record_supervision(actor=request.user, plan=plan, **form.cleaned_data)
        except ValidationFailed as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, _("Supervision record saved."))
            return redirect("rect_plan", pk=plan.pk)
    title = _("On-site check or joint review of %(unit)s") % {"unit": plan.target.org_unit.name}
    return form_page(request, form, title, reverse("rect_plan", args=[plan.pk]))


@login_required
def escalation_add(request: AuthedRequest, pk: int) -> HttpResponse:
    plan = selectors.get_plan(request.user, pk)
    permissions.require(request.user, "rectification.escalate", plan)
    overdue_level, why = selectors.suggestion(plan, len(_overdue(plan)))
    form = forms.EscalationForm(
        request.POST or None,
        problems=plan.problems.exclude(state=Problem.State.MERGED).order_by("number"),
        initial={"level": overdue_level or "notice", "reason": why},
    )
    if request.method == "POST" and form.is_valid():
        try:
            item = escalation.issue_escalation(actor=request.user, plan=plan, **form.cleaned_data)
        except ValidationFailed as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, _("%(reference)s issued.") % {"reference": item.reference})
            return redirect("rect_plan", pk=plan.pk)
    title = _("Escalation for %(unit)s") % {"unit": plan.target.org_unit.name}
    return form_page(request, form, title, reverse("rect_plan", args=[plan.pk]))


def _overdue(plan: Plan) -> list[Task]:
    return statistics.overdue_tasks(Task.objects.filter(problem__plan=plan))


def _docx(
    request: AuthedRequest, target: object, content: bytes, name: str, fallback: str, action: str
) -> HttpResponse:
    audit.record_read(actor=request.user, target=target, action=action)  # type: ignore[arg-type]
    response = HttpResponse(content, content_type=documents.DOCX_TYPE)
    response["Content-Disposition"] = documents.content_disposition(name, fallback)
    return response


@login_required
def escalation_letter(request: AuthedRequest, pk: int) -> HttpResponse:
    item = selectors.escalation(request.user, pk)
    name = f"{item.reference}{item.get_level_display()}.docx"
    return _docx(
        request,
        item,
        documents.escalation_letter(item),
        name,
        f"escalation-{item.pk}.docx",
        "rectification.letter_download",
    )


@login_required
def report(request: AuthedRequest, pk: int, kind: str) -> HttpResponse:
    plan = selectors.get_plan(request.user, pk)
    builders = {
        "report": (documents.rectification_report, _("rectification report")),
        "leader-report": (
            documents.leader_report,
            _("top leader's report on organizing rectification"),
        ),
        "internal": (lambda p: documents.disclosure(p, public=False), _("internal circular")),
        "public": (lambda p: documents.disclosure(p, public=True), _("public disclosure")),
    }
    if kind in ("internal", "public") and not permissions.can(
        request.user, "rectification.assess", plan
    ):
        raise PermissionDenied("rectification.assess", plan)
    build, label = builders[kind]
    name, fallback = documents.filename(plan, label)
    return _docx(request, plan, build(plan), name, fallback, f"rectification.{kind}_download")


@login_required
@require_POST
def scan(request: AuthedRequest, pk: int) -> HttpResponse:
    round = selectors.round_for(request.user, pk)
    count = flags.scan(actor=request.user, round=round)
    messages.success(request, _("%(count)d new flag(s) raised.") % {"count": count})
    return redirect("rect_round", pk=round.pk)


@login_required
def flag_dismiss(request: AuthedRequest, pk: int) -> HttpResponse:
    flag = permissions.get_or_deny(
        request.user, "rectification.assess", Flag.objects.select_related("problem"), pk
    )
    form = forms.ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            flags.dismiss_flag(actor=request.user, flag=flag, **form.cleaned_data)
        except ValidationFailed as exc:
            form.add_service_errors(exc)
        except InvalidTransition as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Flag dismissed."))
            return redirect("rect_problem", pk=flag.problem_id)
    return form_page(
        request, form, _("Dismiss the flag"), reverse("rect_problem", args=[flag.problem_id])
    )


@login_required
def recurrence(request: AuthedRequest, pk: int) -> HttpResponse:
    problem = selectors.problem(request.user, pk)
    if not (
        permissions.can(request.user, "rectification.verify", problem)
        or permissions.can(request.user, "rectification.assess", problem)
    ):
        raise PermissionDenied("rectification.assess", problem)
    form = forms.RecurrenceForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            flags.flag_recurrence(actor=request.user, problem=problem, **form.cleaned_data)
        except ValidationFailed as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, _("Recurrence flagged."))
            return redirect("rect_problem", pk=problem.pk)
    title = _("Problem %(n)s recurs") % {"n": problem.number}
    return form_page(request, form, title, reverse("rect_problem", args=[problem.pk]))


@login_required
def assessment(request: AuthedRequest, pk: int) -> HttpResponse:
    round = selectors.round_for(request.user, pk)
    scores = selectors.assessment(request.user, round)
    book = Workbook()
    sheet = book.active
    sheet.title = _("Assessment")
    sheet.append(
        [
            _("Organization"),
            _("Problems"),
            _("Done"),
            _("Basically done"),
            _("Not done"),
            _("Completion"),
            _("Timeliness"),
            _("Verified quality"),
            _("Recurrences"),
            _("Score"),
        ]
    )
    for s in scores:
        sheet.append(
            [
                s.unit,
                s.stats.total,
                s.stats.done,
                s.stats.basically,
                s.stats.not_done,
                float(s.completion),
                float(s.timeliness),
                float(s.quality),
                s.recurrences,
                float(s.score),
            ]
        )
    for column in "FGH":
        for cell in sheet[column][1:]:
            cell.number_format = "0.00%"
    out = io.BytesIO()
    book.save(out)
    audit.record_read(actor=request.user, target=round, action="rectification.assessment_export")
    return xlsx(
        out.getvalue(),
        f"{round.name_zh}{_('rectification assessment')}.xlsx",
        f"assessment-{round.pk}.xlsx",
    )


urlpatterns: list[URLPattern] = [
    path("rounds/<int:pk>/scan/", scan, name="rect_scan"),
    path("rounds/<int:pk>/assessment.xlsx", assessment, name="rect_assessment"),
    path("plans/<int:pk>/supervision/new/", supervision_add, name="rect_supervision_add"),
    path("plans/<int:pk>/escalations/new/", escalation_add, name="rect_escalation_add"),
    path("plans/<int:pk>/report.docx", report, {"kind": "report"}, name="rect_report"),
    path(
        "plans/<int:pk>/leader-report.docx",
        report,
        {"kind": "leader-report"},
        name="rect_leader_report",
    ),
    path("plans/<int:pk>/internal.docx", report, {"kind": "internal"}, name="rect_internal"),
    path("plans/<int:pk>/public.docx", report, {"kind": "public"}, name="rect_public"),
    path("escalations/<int:pk>/letter.docx", escalation_letter, name="rect_letter"),
    path("problems/<int:pk>/recurrence/", recurrence, name="rect_recurrence"),
    path("flags/<int:pk>/dismiss/", flag_dismiss, name="rect_flag_dismiss"),
]
