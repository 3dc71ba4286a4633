"""Pages of findings: the target page, finding create/edit/detail, confirm, reopen,
withdraw, recurrence, evidence upload and download, the findings list with its Excel
export, and the common-problem heat map. Thin: parse, call one selector or service,
render."""

from __future__ import annotations

import io
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_POST

from jiandu.accounts import permissions
from jiandu.core.errors import InvalidTransition, PermissionDenied, ValidationFailed
from jiandu.core.types import AuthedRequest

from .. import forms_findings as forms
from ..models import Finding, Target
from ..selectors import findings as selectors
from ..services import evidence as evidence_service
from ..services import findings as services

FORM = "inspections/findings/form.html"
ID_MAX = 2**63 - 1
PER_PAGE = 50


def _reporting_section(actor: Any, target: Target) -> dict[str, Any]:
    """The context of the reports and feedback part of the target page (key
    "reporting"), from the reporting selectors when they are present."""
    try:
        from ..selectors.reporting import target_section
    except ImportError:
        return {"reporting": None}
    section: Any = target_section(actor, target)
    return dict(section) if isinstance(section, dict) else {"reporting": section}


def _back(request: AuthedRequest, finding: Finding) -> HttpResponse:
    if request.POST.get("back") == "target":
        return redirect("target_detail", pk=finding.target_id)
    return redirect("finding_detail", pk=finding.pk)


# --- the target page ----------------------------------------------------------------------


@login_required
def target_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    target = selectors.target(request.user, pk)
    sources = dict(Target.Source.choices)
    context = {
        "target": target,
        "page": selectors.target_page(request.user, target),
        "sources": [sources.get(s, s) for s in target.sources_consulted or []],
        **_reporting_section(request.user, target),
    }
    return render(request, "inspections/findings/target_detail.html", context)


# --- one finding ---------------------------------------------------------------------------


def _finding_form(request: AuthedRequest, target: Target, **kwargs: Any) -> Any:
    return kwargs.pop("form_class", forms.FindingForm)(
        request.POST or None,
        categories=selectors.leaf_categories(),
        leaders=selectors.leader_candidates(target),
        **kwargs,
    )


@login_required
def finding_create(request: AuthedRequest, pk: int) -> HttpResponse:
    target = selectors.target(request.user, pk)
    permissions.require(request.user, "finding.record", target)
    form = _finding_form(
        request,
        target,
        form_class=forms.NewFindingForm,
        earlier=selectors.recurrence_candidates(request.user, target),
    )
    if request.method == "POST" and form.is_valid():
        try:
            finding = services.record_finding(
                actor=request.user, target=target, **form.cleaned_data
            )
        except ValidationFailed as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, _("Finding recorded as a draft."))
            return redirect("finding_detail", pk=finding.pk)
    title = _("New finding on %(unit)s") % {"unit": target.org_unit.name}
    return render(
        request,
        FORM,
        {"form": form, "title": title, "target": target, "cancel_url": target_url(target.pk)},
    )


@login_required
def finding_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    finding = selectors.finding_read(request.user, pk)
    items = selectors.evidence_of(request.user, finding)
    for item in items:
        item.finding = finding
    selectors.mark_same_files(request.user, items)
    can_record = permissions.can(request.user, "finding.record", finding)
    return render(
        request,
        "inspections/findings/detail.html",
        {
            "finding": finding,
            "leaders": finding.leaders.all(),
            "evidence": items,
            "recurrences": selectors.findings(request.user).filter(recurrence_of=finding),
            "can_edit": services.may_edit(request.user, finding),
            "can_record": can_record,
            "can_confirm": permissions.can(request.user, "finding.confirm", finding),
        },
    )


def _editable(request: AuthedRequest, pk: int) -> Finding:
    finding = selectors.finding(request.user, pk)
    if not services.may_edit(request.user, finding):
        raise PermissionDenied("finding.record", finding)
    return finding


@login_required
def finding_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    finding = _editable(request, pk)
    initial = {
        "category": finding.category,
        "severity": finding.severity,
        "source": finding.source,
        "title": finding.title,
        "description": finding.description,
        "leaders": list(finding.leaders.all()),
    }
    form = _finding_form(request, finding.target, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_finding(actor=request.user, finding=finding, **form.cleaned_data)
        except ValidationFailed as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, _("Finding saved."))
            return redirect("finding_detail", pk=finding.pk)
    return render(
        request,
        FORM,
        {
            "form": form,
            "title": _("Edit finding"),
            "target": finding.target,
            "cancel_url": finding_url(finding.pk),
        },
    )


def _transition(request: AuthedRequest, pk: int, service: Any, done: str) -> HttpResponse:
    finding = selectors.finding(request.user, pk)
    permissions.require(request.user, "finding.confirm", finding)
    try:
        service(actor=request.user, finding=finding)
    except (ValidationFailed, InvalidTransition) as exc:
        messages.error(request, _error_text(exc))
    else:
        messages.success(request, done)
    return _back(request, finding)


def _error_text(exc: Exception) -> str:
    if isinstance(exc, ValidationFailed):
        return " ".join(exc.errors.values())
    return str(exc)


@login_required
@require_POST
def finding_confirm(request: AuthedRequest, pk: int) -> HttpResponse:
    return _transition(request, pk, services.confirm_finding, _("Finding confirmed."))


@login_required
@require_POST
def finding_reopen(request: AuthedRequest, pk: int) -> HttpResponse:
    return _transition(request, pk, services.reopen_finding, _("Finding sent back to draft."))


@login_required
def finding_withdraw(request: AuthedRequest, pk: int) -> HttpResponse:
    finding = selectors.finding(request.user, pk)
    permissions.require(request.user, "finding.confirm", finding)
    form = forms.WithdrawForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.withdraw_finding(
                actor=request.user, finding=finding, reason=form.cleaned_data["reason"]
            )
        except InvalidTransition as exc:
            form.add_error(None, str(exc))
        except ValidationFailed as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, _("Finding withdrawn."))
            return redirect("finding_detail", pk=finding.pk)
    title = _("Withdraw the finding “%(title)s”") % {"title": finding.title}
    return render(
        request,
        FORM,
        {"form": form, "title": title, "danger": True, "cancel_url": finding_url(finding.pk)},
    )


@login_required
def finding_recurrence(request: AuthedRequest, pk: int) -> HttpResponse:
    finding = _editable(request, pk)
    earlier = selectors.recurrence_candidates(request.user, finding.target, before=finding)
    form = forms.RecurrenceForm(
        request.POST or None, earlier=earlier, initial={"recurrence_of": finding.recurrence_of}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.mark_recurrence(
                actor=request.user, finding=finding, earlier=form.cleaned_data["recurrence_of"]
            )
        except ValidationFailed as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, _("Recurrence saved."))
            return redirect("finding_detail", pk=finding.pk)
    return render(
        request,
        FORM,
        {
            "form": form,
            "title": _("Recurrence of an earlier finding"),
            "cancel_url": finding_url(finding.pk),
        },
    )


# --- evidence -------------------------------------------------------------------------------


@login_required
def evidence_upload(request: AuthedRequest, pk: int) -> HttpResponse:
    finding = selectors.finding(request.user, pk)
    permissions.require(request.user, "finding.record", finding)
    form = forms.EvidenceForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            item = evidence_service.add_evidence(
                actor=request.user, finding=finding, uploaded_file=form.cleaned_data["file"]
            )
        except ValidationFailed as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, _("%(name)s attached.") % {"name": item.original_name})
            return _back(request, finding)
    title = _("Evidence for “%(title)s”") % {"title": finding.title}
    return render(
        request,
        FORM,
        {"form": form, "title": title, "multipart": True, "cancel_url": finding_url(finding.pk)},
    )


@login_required
def evidence_download(request: AuthedRequest, pk: int) -> HttpResponseBase:
    item, handle = evidence_service.open_evidence(actor=request.user, evidence_id=pk)
    return FileResponse(
        handle, as_attachment=True, filename=item.original_name, content_type=item.content_type
    )


# --- the findings list and its export ----------------------------------------------------


def _filter_form(request: AuthedRequest) -> forms.FindingFilterForm:
    return forms.FindingFilterForm(
        request.GET or None,
        rounds=selectors.finding_rounds(request.user),
        targets=selectors.finding_targets(request.user),
    )


@login_required
def finding_list(request: AuthedRequest) -> HttpResponse:
    permissions.require(request.user, "finding.view")
    form = _filter_form(request)
    if form.is_bound and not form.is_valid():
        items = Finding.objects.none()
    else:
        filters = form.filters() if form.is_bound else {}
        items = selectors.findings(request.user, **filters)
    page = Paginator(items, PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "inspections/findings/list.html",
        {"form": form, "page": page, "query": query.urlencode()},
    )


def _excel_text(value: Any) -> str:
    return "" if value is None else str(value)


def findings_workbook(rows: list[Finding]) -> bytes:
    """An .xlsx of the findings; every text cell is stored as text (never as a formula)."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    book = Workbook(write_only=True)
    sheet = book.create_sheet(title=_("Findings")[:31])
    headers = [
        _("Round"),
        _("Team"),
        pgettext("inspection", "Target"),
        _("Category code"),
        _("Category"),
        pgettext("document", "Title"),
        _("Severity"),
        _("Source"),
        _("State"),
        _("Leaders concerned"),
        _("Recorded by"),
        _("Recorded at"),
    ]
    bold = Font(bold=True)
    row: list[Any] = []
    for header in headers:
        cell = WriteOnlyCell(sheet, value=header)
        cell.font = bold
        row.append(cell)
    sheet.append(row)
    for f in rows:
        texts = [
            f.target.round.name,
            f.target.team.name,
            f.target.org_unit.name,
            f.category.code,
            f.category.name,
            f.title,
            f.get_severity_display(),
            f.get_source_display(),
            f.get_state_display(),
            "、".join(p.name for p in f.leaders.all()),
            f.created_by.get_username() if f.created_by else "",
        ]
        cells: list[Any] = []
        for text in texts:
            cell = WriteOnlyCell(sheet, value=_excel_text(text))
            cell.data_type = "s"
            cells.append(cell)
        cells.append(timezone.localtime(f.created_at).replace(tzinfo=None, microsecond=0))
        sheet.append(cells)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@login_required
def findings_export(request: AuthedRequest) -> HttpResponse:
    permissions.require(request.user, "finding.view")
    form = _filter_form(request)
    if form.is_bound and not form.is_valid():
        errors = "; ".join(
            f"{name}: {' '.join(str(m) for m in e)}" for name, e in form.errors.items()
        )
        return HttpResponse(errors, status=400, content_type="text/plain; charset=utf-8")
    rows = selectors.export(request.user, form.filters() if form.is_bound else {})
    response = HttpResponse(
        findings_workbook(rows),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="findings-{stamp}.xlsx"'
    return response


# --- the common-problem heat map --------------------------------------------------------


@login_required
def common_problems(request: AuthedRequest) -> HttpResponse:
    permissions.require(request.user, "round.analytics")
    raw = request.GET.get("round", "").strip()
    error = ""
    if raw:
        if not raw.isdigit():
            error = _("The round must be given by its number.")
            round = None
        elif int(raw) > ID_MAX:
            raise PermissionDenied("round.analytics")
        else:
            round = selectors.analytics_round(request.user, int(raw))
    else:
        round = selectors.latest_analytics_round(request.user)
    heat = selectors.heatmap(request.user, round) if round is not None else None
    return render(
        request,
        "inspections/findings/common_problems.html",
        {
            "heat": heat,
            "chart": heat.chart() if heat else None,
            "rounds": selectors.analytics_rounds(request.user),
            "current": round,
            "error": error,
            "can_view_findings": round is not None
            and permissions.can(request.user, "finding.view"),
        },
    )


def target_url(pk: int) -> str:
    return reverse("target_detail", args=[pk])


def finding_url(pk: int) -> str:
    return reverse("finding_detail", args=[pk])


urlpatterns: list[URLPattern] = [
    path("targets/<int:pk>/", target_detail, name="target_detail"),
    path("targets/<int:pk>/findings/new/", finding_create, name="finding_create"),
    path("findings/", finding_list, name="findings"),
    path("findings/export.xlsx", findings_export, name="findings_export"),
    path("findings/<int:pk>/", finding_detail, name="finding_detail"),
    path("findings/<int:pk>/edit/", finding_edit, name="finding_edit"),
    path("findings/<int:pk>/confirm/", finding_confirm, name="finding_confirm"),
    path("findings/<int:pk>/reopen/", finding_reopen, name="finding_reopen"),
    path("findings/<int:pk>/withdraw/", finding_withdraw, name="finding_withdraw"),
    path("findings/<int:pk>/recurrence/", finding_recurrence, name="finding_recurrence"),
    path("findings/<int:pk>/evidence/", evidence_upload, name="evidence_upload"),
    path("evidence/<int:pk>/", evidence_download, name="evidence_download"),
    path("common-problems/", common_problems, name="common_problems"),
]
