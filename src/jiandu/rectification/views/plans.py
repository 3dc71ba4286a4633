"""Pages of rounds and plans: the overview, the round dashboard, the plan with its lists,
its approval and revision, the Excel exchange. Thin: parse, call one selector or
service, render."""

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
from jiandu.core.errors import InvalidTransition, ValidationFailed
from jiandu.core.types import AuthedRequest
from jiandu.inspections.models import Target

from .. import clocks, excel, forms, selectors, statistics
from ..models import Plan, Problem, Task
from ..services import exchange, lists
from ..services.common import unit_people

FORM = "rectification/form.html"
PAGES = "rectification"


def refused(request: AuthedRequest, exc: ValidationFailed | InvalidTransition) -> None:
    if isinstance(exc, ValidationFailed):
        for message in exc.errors.values():
            messages.error(request, message)
    else:
        messages.error(request, str(exc))


def form_page(
    request: AuthedRequest, form: Any, title: str, cancel: str, **extra: Any
) -> HttpResponse:
    return render(request, FORM, {"form": form, "title": title, "cancel_url": cancel, **extra})


def xlsx(content: bytes, name: str, fallback: str) -> HttpResponse:
    from ..documents import content_disposition

    response = HttpResponse(content, content_type=excel.XLSX_TYPE)
    response["Content-Disposition"] = content_disposition(name, fallback)
    return response


@login_required
def index(request: AuthedRequest) -> HttpResponse:
    permissions.require(request.user, "rectification.view")
    rounds = selectors.rounds(request.user)
    return render(
        request,
        f"{PAGES}/index.html",
        {"rounds": rounds, "plans": selectors.my_plans(request.user)[:200]},
    )


def _chart(rows: list[selectors.PlanRow]) -> dict[str, Any]:
    return {
        "x": [r.plan.target.org_unit.name for r in rows],
        "series": [
            {"name": _("Done"), "data": [r.stats.done for r in rows]},
            {"name": _("Basically done"), "data": [r.stats.basically for r in rows]},
            {"name": _("Not done"), "data": [r.stats.not_done for r in rows]},
        ],
        "lines": [
            {"name": _("Overdue tasks"), "data": [r.overdue for r in rows]},
            {"name": _("Escalations"), "data": [r.escalations for r in rows]},
            {"name": _("Open flags"), "data": [r.flags for r in rows]},
        ],
    }


@login_required
def round_dashboard(request: AuthedRequest, pk: int) -> HttpResponse:
    round = selectors.round_for(request.user, pk)
    rows = selectors.dashboard(request.user, round)
    total = statistics.Stats(
        total=sum(r.stats.total for r in rows),
        done=sum(r.stats.done for r in rows),
        basically=sum(r.stats.basically for r in rows),
    )
    return render(
        request,
        f"{PAGES}/round.html",
        {
            "round": round,
            "rows": rows,
            "total": total,
            "overdue": sum(r.overdue for r in rows),
            "escalations": sum(r.escalations for r in rows),
            "flags": sum(r.flags for r in rows),
            "chart": _chart(rows),
            "unopened": selectors.targets_without_plan(request.user, round),
            "can_assess": permissions.can(request.user, "rectification.assess", round),
            "recent_flags": selectors.flags(request.user, round).filter(state="open")[:20],
        },
    )


@login_required
@require_POST
def open_plan(request: AuthedRequest, pk: int) -> HttpResponse:
    target = permissions.get_or_deny(
        request.user, "rectification.view", Target.objects.select_related("round"), pk
    )
    try:
        plan = lists.open_plan(actor=request.user, target=target)
    except ValidationFailed as exc:
        refused(request, exc)
        return redirect("rect_round", pk=target.round_id)
    return redirect("rect_plan", pk=plan.pk)


def _plan_actions(user: Any, plan: Plan) -> dict[str, bool]:
    edit = permissions.can(user, "rectification.edit", plan)
    return {
        "edit": edit,
        "draft": edit and plan.state == Plan.State.DRAFT,
        "submit": edit and plan.state == Plan.State.DRAFT,
        "revise": edit and plan.state == Plan.State.APPROVED,
        "approve": plan.state == Plan.State.SUBMITTED
        and permissions.can(user, "rectification.approve", plan),
        "verify": permissions.can(user, "rectification.verify", plan),
        "escalate": permissions.can(user, "rectification.escalate", plan),
        "assess": permissions.can(user, "rectification.assess", plan),
        "work": edit and plan.was_approved,
    }


@login_required
def plan_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    plan = selectors.plan(request.user, pk)
    problems = selectors.plan_problems(plan)
    status = request.GET.get("status", "")
    if status in Problem.Status.values:
        problems = [p for p in problems if p.status == status]
    return render(
        request,
        f"{PAGES}/plan.html",
        {
            "plan": plan,
            "problems": problems,
            "status": status,
            "statuses": Problem.Status.choices,
            "stats": statistics.statistics(plan.problems.all()),
            "clock": clocks.clock(plan.report_due),
            "can": _plan_actions(request.user, plan),
            "versions": plan.versions.select_related("approved_by"),
            "supervision": plan.supervision.select_related("recorded_by"),
            "escalations": plan.escalations.select_related("problem", "issued_by"),
            "archive": plan.archive.select_related("problem"),
            "overdue": {t.pk for t in statistics.overdue_tasks(_tasks(plan))},
        },
    )


def _tasks(plan: Plan) -> Any:
    return Task.objects.filter(problem__plan=plan)


def _step(request: AuthedRequest, pk: int, service: Any, done: str) -> HttpResponse:
    plan = selectors.get_plan(request.user, pk)
    try:
        service(actor=request.user, plan=plan)
    except (ValidationFailed, InvalidTransition) as exc:
        refused(request, exc)
    else:
        messages.success(request, done)
    return redirect("rect_plan", pk=plan.pk)


@login_required
@require_POST
def plan_submit(request: AuthedRequest, pk: int) -> HttpResponse:
    return _step(request, pk, lists.submit_plan, _("The lists were submitted for approval."))


@login_required
@require_POST
def plan_approve(request: AuthedRequest, pk: int) -> HttpResponse:
    return _step(request, pk, lists.approve_plan, _("Plan approved; rectification work starts."))


def _reason_page(
    request: AuthedRequest, pk: int, action: str, service: Any, title: str, done: str
) -> HttpResponse:
    plan = selectors.get_plan(request.user, pk)
    permissions.require(request.user, action, plan)
    form = forms.ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            service(actor=request.user, plan=plan, reason=form.cleaned_data["reason"])
        except ValidationFailed as exc:
            form.add_service_errors(exc)
        except InvalidTransition as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, done)
            return redirect("rect_plan", pk=plan.pk)
    return form_page(request, form, title, reverse("rect_plan", args=[plan.pk]))


@login_required
def plan_return(request: AuthedRequest, pk: int) -> HttpResponse:
    return _reason_page(
        request,
        pk,
        "rectification.approve",
        lists.return_plan,
        _("Return the plan"),
        _("Plan returned."),
    )


@login_required
def plan_revise(request: AuthedRequest, pk: int) -> HttpResponse:
    return _reason_page(
        request,
        pk,
        "rectification.edit",
        lists.revise_plan,
        _("Revise the approved plan"),
        _("A new version of the plan is open for changes."),
    )


@login_required
def plan_template(request: AuthedRequest, pk: int) -> HttpResponse:
    plan = selectors.get_plan(request.user, pk)
    permissions.require(request.user, "rectification.edit", plan)
    name = f"{plan.target.org_unit.name_zh}{_('rectification lists template')}.xlsx"
    return xlsx(excel.build(plan), name, f"rectification-template-{plan.pk}.xlsx")


@login_required
def plan_export(request: AuthedRequest, pk: int) -> HttpResponse:
    plan = selectors.plan(request.user, pk)
    name = f"{plan.target.org_unit.name_zh}{_('rectification lists')}.xlsx"
    return xlsx(excel.build(plan, full=True), name, f"rectification-lists-{plan.pk}.xlsx")


@login_required
def plan_import(request: AuthedRequest, pk: int) -> HttpResponse:
    plan = selectors.get_plan(request.user, pk)
    permissions.require(request.user, "rectification.edit", plan)
    form = forms.ImportForm(request.POST or None, request.FILES or None)
    errors: list[excel.CellError] = []
    if request.method == "POST" and form.is_valid():
        try:
            counts = exchange.import_lists(
                actor=request.user, plan=plan, data=form.cleaned_data["file"].read()
            )
        except exchange.ImportRejected as exc:
            errors = exc.errors
        except ValidationFailed as exc:
            form.add_service_errors(exc)
        else:
            messages.success(
                request,
                _(
                    "Imported: %(created)d tasks added, %(updated)d changed, %(removed)d "
                    "removed, %(problems)d problems corrected."
                )
                % counts,
            )
            return redirect("rect_plan", pk=plan.pk)
    return render(request, f"{PAGES}/import.html", {"plan": plan, "form": form, "errors": errors})


@login_required
@require_POST
def plan_merge(request: AuthedRequest, pk: int) -> HttpResponse:
    plan = selectors.get_plan(request.user, pk)
    chosen = selectors.problems(request.user, plan).filter(pk__in=request.POST.getlist("problems"))
    try:
        lists.merge_problems(
            actor=request.user, plan=plan, problems=chosen, title=request.POST.get("title", "")
        )
    except (ValidationFailed, InvalidTransition) as exc:
        refused(request, exc)
    else:
        messages.success(request, _("Problems merged."))
    return redirect("rect_plan", pk=plan.pk)


@login_required
def archive_add(request: AuthedRequest, pk: int) -> HttpResponse:
    plan = selectors.get_plan(request.user, pk)
    permissions.require(request.user, "rectification.edit", plan)
    form = forms.ArchiveForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            lists.add_archive_item(actor=request.user, plan=plan, **form.cleaned_data)
        except ValidationFailed as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, _("Added to the archive list."))
            return redirect("rect_plan", pk=plan.pk)
    return form_page(
        request, form, _("Add to the archive list"), reverse("rect_plan", args=[plan.pk])
    )


def leaders_for(plan: Plan) -> Any:
    return unit_people(plan.target.org_unit).order_by("name", "id")


urlpatterns: list[URLPattern] = [
    path("", index, name="rectification"),
    path("rounds/<int:pk>/", round_dashboard, name="rect_round"),
    path("targets/<int:pk>/open/", open_plan, name="rect_open"),
    path("plans/<int:pk>/", plan_detail, name="rect_plan"),
    path("plans/<int:pk>/submit/", plan_submit, name="rect_plan_submit"),
    path("plans/<int:pk>/approve/", plan_approve, name="rect_plan_approve"),
    path("plans/<int:pk>/return/", plan_return, name="rect_plan_return"),
    path("plans/<int:pk>/revise/", plan_revise, name="rect_plan_revise"),
    path("plans/<int:pk>/template.xlsx", plan_template, name="rect_template"),
    path("plans/<int:pk>/lists.xlsx", plan_export, name="rect_export"),
    path("plans/<int:pk>/import/", plan_import, name="rect_import"),
    path("plans/<int:pk>/merge/", plan_merge, name="rect_merge"),
    path("plans/<int:pk>/archive/new/", archive_add, name="rect_archive_add"),
]
