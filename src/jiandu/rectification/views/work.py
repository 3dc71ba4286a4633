"""Pages of one problem: tasks, progress with files, the evidence vault (revisions,
SHA-256, reuse across problems), results, and the verification steps. Thin."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jiandu.accounts import permissions
from jiandu.core.errors import InvalidTransition, ValidationFailed
from jiandu.core.types import AuthedRequest

from .. import clocks, forms, selectors
from ..models import EvidenceDocument, Problem, Task
from ..services import lists, progress, verification
from .plans import PAGES, form_page, leaders_for, refused


def _problem(request: AuthedRequest, pk: int) -> Problem:
    return selectors.problem(request.user, pk)


def _back(problem: Problem) -> HttpResponse:
    return redirect("rect_problem", pk=problem.pk)


@login_required
def problem_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    problem = _problem(request, pk)
    user = request.user
    plan = problem.plan
    edit = permissions.can(user, "rectification.edit", problem)
    verify = permissions.can(user, "rectification.verify", problem)
    documents = problem.evidence.prefetch_related("revisions__uploaded_by").select_related("update")
    tasks = list(
        problem.tasks.select_related("leader").prefetch_related("updates__author", "handovers")
    )
    for task in tasks:
        task.clock = clocks.clock(task.deadline)  # type: ignore[attr-defined]
    return render(
        request,
        f"{PAGES}/problem.html",
        {
            "problem": problem,
            "plan": plan,
            "tasks": tasks,
            "documents": documents,
            "reuse": selectors.evidence_reuse(user, problem),
            "reviews": problem.reviews.select_related("actor"),
            "results": problem.results.all(),
            "flags": problem.flags.all(),
            "parts": problem.parts.all(),
            "merged": problem.merged.all(),
            "findings": problem.findings.select_related("target__round"),
            "can": {
                "draft": edit and plan.state == "draft" and problem.state == "open",
                "work": edit and plan.was_approved and problem.state == "open",
                "submit": edit and plan.was_approved and problem.state == "open",
                "accept": verify and problem.state == "submitted",
                "reject": verify and problem.state in ("submitted", "accepted"),
                "cancel": verify and problem.state == "accepted",
                "reopen": verify and problem.state == "cancelled",
                "recurrence": problem.state == "cancelled"
                and (verify or permissions.can(user, "rectification.assess", problem)),
                "assess": permissions.can(user, "rectification.assess", problem),
            },
            "evidence_form": forms.EvidenceForm(documents=documents),
            "exempt_form": forms.ExemptForm(initial={"exempt": problem.exempt}),
        },
    )


@login_required
def task_add(request: AuthedRequest, pk: int) -> HttpResponse:
    problem = _problem(request, pk)
    permissions.require(request.user, "rectification.edit", problem)
    form = forms.TaskForm(request.POST or None, leaders=leaders_for(problem.plan))
    if request.method == "POST" and form.is_valid():
        try:
            lists.add_task(actor=request.user, problem=problem, **form.cleaned_data)
        except ValidationFailed as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, _("Task added."))
            return _back(problem)
    title = _("New task for problem %(n)s") % {"n": problem.number}
    return form_page(request, form, title, reverse("rect_problem", args=[problem.pk]))


@login_required
@require_POST
def task_delete(request: AuthedRequest, pk: int) -> HttpResponse:
    task = permissions.get_or_deny(
        request.user, "rectification.edit", Task.objects.select_related("problem"), pk
    )
    try:
        lists.delete_task(actor=request.user, task=task)
    except ValidationFailed as exc:
        refused(request, exc)
    else:
        messages.success(request, _("Task deleted."))
    return _back(task.problem)


@login_required
def split(request: AuthedRequest, pk: int) -> HttpResponse:
    problem = _problem(request, pk)
    permissions.require(request.user, "rectification.edit", problem)
    form = forms.SplitForm(request.POST or None, initial={"titles": problem.title})
    if request.method == "POST" and form.is_valid():
        try:
            lists.split_problem(
                actor=request.user, problem=problem, titles=form.cleaned_data["titles"]
            )
        except ValidationFailed as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, _("Problem split."))
            return redirect("rect_plan", pk=problem.plan_id)
    title = _("Split problem %(n)s") % {"n": problem.number}
    return form_page(request, form, title, reverse("rect_problem", args=[problem.pk]))


@login_required
def task_progress(request: AuthedRequest, pk: int) -> HttpResponse:
    task = permissions.get_or_deny(
        request.user, "rectification.edit", Task.objects.select_related("problem__plan"), pk
    )
    form = forms.ProgressForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            progress.record_progress(
                actor=request.user,
                task=task,
                narrative=form.cleaned_data["narrative"],
                completes=form.cleaned_data["completes"],
                files=form.cleaned_data["attachments"],
            )
        except ValidationFailed as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, _("Progress recorded."))
            return _back(task.problem)
    title = _("Progress of task %(n)s") % {"n": f"{task.problem.number}.{task.number}"}
    return form_page(request, form, title, reverse("rect_problem", args=[task.problem_id]))


@login_required
@require_POST
def evidence_add(request: AuthedRequest, pk: int) -> HttpResponse:
    problem = _problem(request, pk)
    permissions.require(request.user, "rectification.edit", problem)
    form = forms.EvidenceForm(
        request.POST, request.FILES, documents=EvidenceDocument.objects.filter(problem=problem)
    )
    if not form.is_valid():
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, str(message))
        return _back(problem)
    try:
        progress.add_evidence(
            actor=request.user,
            problem=problem,
            uploaded_file=form.cleaned_data["file"],
            title=form.cleaned_data["title"],
            document=form.cleaned_data["document"],
        )
    except ValidationFailed as exc:
        refused(request, exc)
    else:
        messages.success(request, _("Evidence added to the vault."))
    return _back(problem)


@login_required
def evidence_download(request: AuthedRequest, pk: int) -> FileResponse:
    revision = selectors.revision(request.user, pk)
    return FileResponse(
        revision.file.open("rb"),
        as_attachment=True,
        filename=revision.original_name,
        content_type=revision.content_type,
    )


@login_required
def result_add(request: AuthedRequest, pk: int) -> HttpResponse:
    problem = _problem(request, pk)
    permissions.require(request.user, "rectification.edit", problem)
    form = forms.ResultForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            lists.add_result(actor=request.user, problem=problem, **form.cleaned_data)
        except ValidationFailed as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, _("Added to the results list."))
            return _back(problem)
    title = _("Result of problem %(n)s") % {"n": problem.number}
    return form_page(request, form, title, reverse("rect_problem", args=[problem.pk]))


def _verify_step(
    request: AuthedRequest, pk: int, action: str, service: Any, done: str
) -> HttpResponse:
    problem = _problem(request, pk)
    permissions.require(request.user, action, problem)
    try:
        service(actor=request.user, problem=problem, comment=request.POST.get("comment", ""))
    except (ValidationFailed, InvalidTransition) as exc:
        refused(request, exc)
    else:
        messages.success(request, done)
    return _back(problem)


@login_required
@require_POST
def submit(request: AuthedRequest, pk: int) -> HttpResponse:
    return _verify_step(
        request,
        pk,
        "rectification.edit",
        verification.submit_problem,
        _("Submitted for verification."),
    )


@login_required
@require_POST
def accept(request: AuthedRequest, pk: int) -> HttpResponse:
    return _verify_step(
        request, pk, "rectification.verify", verification.accept_evidence, _("Evidence accepted.")
    )


@login_required
@require_POST
def cancel(request: AuthedRequest, pk: int) -> HttpResponse:
    return _verify_step(
        request,
        pk,
        "rectification.verify",
        verification.cancel_problem,
        _("Problem cancelled (销号)."),
    )


@login_required
def reject(request: AuthedRequest, pk: int) -> HttpResponse:
    problem = _problem(request, pk)
    permissions.require(request.user, "rectification.verify", problem)
    form = forms.RejectForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            verification.reject(actor=request.user, problem=problem, **form.cleaned_data)
        except ValidationFailed as exc:
            form.add_service_errors(exc)
        except InvalidTransition as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Sent back to the unit."))
            return _back(problem)
    title = _("Reject problem %(n)s") % {"n": problem.number}
    return form_page(request, form, title, reverse("rect_problem", args=[problem.pk]))


@login_required
def reopen(request: AuthedRequest, pk: int) -> HttpResponse:
    problem = _problem(request, pk)
    permissions.require(request.user, "rectification.verify", problem)
    form = forms.ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            verification.reopen_problem(actor=request.user, problem=problem, **form.cleaned_data)
        except ValidationFailed as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, _("Problem reopened."))
            return _back(problem)
    title = _("Reopen problem %(n)s") % {"n": problem.number}
    return form_page(request, form, title, reverse("rect_problem", args=[problem.pk]))


@login_required
@require_POST
def exempt(request: AuthedRequest, pk: int) -> HttpResponse:
    problem = _problem(request, pk)
    permissions.require(request.user, "rectification.assess", problem)
    form = forms.ExemptForm(request.POST)
    if form.is_valid():
        lists.mark_exempt(actor=request.user, problem=problem, exempt=form.cleaned_data["exempt"])
        messages.success(request, _("Disclosure marking saved."))
    return _back(problem)


urlpatterns: list[URLPattern] = [
    path("problems/<int:pk>/", problem_detail, name="rect_problem"),
    path("problems/<int:pk>/tasks/new/", task_add, name="rect_task_add"),
    path("problems/<int:pk>/split/", split, name="rect_split"),
    path("problems/<int:pk>/evidence/", evidence_add, name="rect_evidence_add"),
    path("problems/<int:pk>/results/new/", result_add, name="rect_result_add"),
    path("problems/<int:pk>/submit/", submit, name="rect_submit"),
    path("problems/<int:pk>/accept/", accept, name="rect_accept"),
    path("problems/<int:pk>/reject/", reject, name="rect_reject"),
    path("problems/<int:pk>/cancel/", cancel, name="rect_cancel"),
    path("problems/<int:pk>/reopen/", reopen, name="rect_reopen"),
    path("problems/<int:pk>/exempt/", exempt, name="rect_exempt"),
    path("tasks/<int:pk>/progress/", task_progress, name="rect_progress"),
    path("tasks/<int:pk>/delete/", task_delete, name="rect_task_delete"),
    path("evidence/<int:pk>/", evidence_download, name="rect_evidence"),
]
