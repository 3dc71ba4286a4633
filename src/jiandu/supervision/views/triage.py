"""Pages of the triage queue: the queue with its filters, the hit page, the triage actions
and the overview of measured precision and open hits. Thin: parse, call one selector or
service, render."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jiandu.accounts import permissions
from jiandu.accounts import selectors as accounts
from jiandu.core.errors import InvalidTransition, ValidationFailed
from jiandu.core.types import AuthedRequest

from .. import documents, forms, selectors, services, warehouse
from ..models import Hit

PER_PAGE = 50
# The warehouse columns the hit page shows for each kind of row.
COLUMNS = {
    "post_columns": [
        "org_id",
        "org_name",
        "title",
        "rank",
        "is_leading_cadre",
        "start_date",
        "end_date",
    ],
    "family_columns": ["relationship", "other_id", "other_name", "relative_id_number"],
    "ownership_columns": ["org_id", "org_name", "share_pct", "start_date", "end_date"],
    "directorship_columns": ["org_id", "org_name", "role", "start_date", "end_date"],
    "owner_columns": [
        "owner_type",
        "owner_id",
        "owner_name",
        "share_pct",
        "start_date",
        "end_date",
    ],
    "director_columns": ["person_id", "person_name", "role", "start_date", "end_date"],
    "contract_columns": [
        "contract_id",
        "buyer_name",
        "supplier_name",
        "amount",
        "signed_date",
        "procurement_method",
        "title",
    ],
}


@login_required
def queue(request: AuthedRequest) -> HttpResponse:
    permissions.require(request.user, "hit.view")
    form = forms.QueueFilterForm(
        request.GET or None,
        models=selectors.model_ids(request.user),
        units=accounts.org_units(request.user),
    )
    filters = selectors.Filters()
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        filters = selectors.Filters(
            theme=data["theme"] or "",
            model=data["model"] or "",
            org_unit=data["org_unit"],
            region=data["region"] or "",
            min_score=data["min_score"],
            state=data["state"] or "",
            q=data["q"] or "",
        )
    qs = selectors.queue(request.user, filters).prefetch_related("org_units")
    page = Paginator(qs, PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "supervision/queue.html",
        {"form": form, "page": page, "can_run": permissions.has_any(request.user, "run.view")},
    )


def _hit_context(request: AuthedRequest, hit: Hit) -> dict[str, Any]:
    user = request.user
    evidence = [
        {"register": register, "columns": columns, "rows": rows}
        for register, columns, rows in hit.evidence_tables()
    ]
    can_triage = permissions.can(user, "hit.triage", hit)
    can_escalate = permissions.can(user, "hit.escalate", hit)
    return {
        "hit": hit,
        "evidence": evidence,
        "involved": warehouse.involved(hit.person_ids, hit.org_ids),
        "occurrences": selectors.occurrences(user, hit),
        "merged": selectors.hits(user).filter(merged_into=hit),
        "can_triage": can_triage,
        "can_escalate": can_escalate,
        "allowed": services.TRANSITIONS.get(hit.state, frozenset()),
        "can_run_view": permissions.has_any(user, "run.view"),
        **COLUMNS,
        **_extensions(request, hit, can_escalate),
    }


def _extensions(request: AuthedRequest, hit: Hit, can_escalate: bool) -> dict[str, Any]:
    """What the escalation module adds to the hit page (the clue, rectification flags)."""
    from .. import escalation

    return escalation.hit_page_context(request.user, hit, can_escalate)


@login_required
def hit_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    hit = selectors.hit_read(request.user, pk)
    return render(request, "supervision/hit.html", _hit_context(request, hit))


def _act(request: AuthedRequest, pk: int, call: Any, done: str) -> HttpResponse:
    hit = selectors.hit(request.user, pk)
    try:
        call(hit)
    except (InvalidTransition, ValidationFailed) as exc:
        text = "; ".join(exc.errors.values()) if isinstance(exc, ValidationFailed) else str(exc)
        messages.error(request, text)
    else:
        messages.success(request, done)
    return redirect("hit_detail", pk=pk)


@login_required
@require_POST
def hit_review(request: AuthedRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        pk,
        lambda h: services.start_review(actor=request.user, hit=h),
        _("The hit is under review."),
    )


@login_required
@require_POST
def hit_release(request: AuthedRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        pk,
        lambda h: services.release(actor=request.user, hit=h),
        _("The hit is back in the queue."),
    )


@login_required
@require_POST
def hit_reopen(request: AuthedRequest, pk: int) -> HttpResponse:
    comment = str(request.POST.get("comment", ""))
    return _act(
        request,
        pk,
        lambda h: services.reopen(actor=request.user, hit=h, comment=comment),
        _("The hit is under review again."),
    )


@login_required
def hit_dismiss(request: AuthedRequest, pk: int) -> HttpResponse:
    hit = selectors.hit(request.user, pk)
    services.require_visible(request.user, "hit.triage", hit)
    form = forms.DismissForm(request.POST or None, reasons=selectors.dismissal_reasons())
    if request.method == "POST" and form.is_valid():
        try:
            services.dismiss(actor=request.user, hit=hit, **form.cleaned_data)
        except ValidationFailed as exc:
            form.add_service_errors(exc)
        except InvalidTransition as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Hit dismissed."))
            return redirect("hit_detail", pk=hit.pk)
    return render(
        request,
        "supervision/form.html",
        {"form": form, "hit": hit, "title": _("Dismiss hit %(key)s") % {"key": hit.key}},
    )


@login_required
def hit_merge(request: AuthedRequest, pk: int) -> HttpResponse:
    hit = selectors.hit(request.user, pk)
    services.require_visible(request.user, "hit.triage", hit)
    form = forms.MergeForm(
        request.POST or None, candidates=selectors.merge_candidates(request.user, hit)
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.merge(actor=request.user, hit=hit, **form.cleaned_data)
        except ValidationFailed as exc:
            form.add_service_errors(exc)
        except InvalidTransition as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Hit merged."))
            return redirect("hit_detail", pk=hit.pk)
    return render(
        request,
        "supervision/form.html",
        {"form": form, "hit": hit, "title": _("Merge hit %(key)s") % {"key": hit.key}},
    )


@login_required
def hit_evidence(request: AuthedRequest, pk: int) -> HttpResponse:
    hit = selectors.hit_read(request.user, pk)
    response = HttpResponse(documents.evidence_workbook(hit), content_type=documents.XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{documents.evidence_filename(hit)}"'
    return response


@login_required
def overview(request: AuthedRequest) -> HttpResponse:
    permissions.require(request.user, "run.view")
    counts = selectors.open_counts(request.user)
    return render(
        request,
        "supervision/overview.html",
        {
            "precision": selectors.precision(request.user),
            "counts": counts,
            "org_rows": zip(counts["orgs"]["labels"], counts["orgs"]["values"], strict=True),
            "region_rows": zip(
                counts["regions"]["labels"], counts["regions"]["values"], strict=True
            ),
        },
    )


urlpatterns: list[URLPattern] = [
    path("", queue, name="hit_queue"),
    path("overview/", overview, name="supervision_overview"),
    path("hits/<int:pk>/", hit_detail, name="hit_detail"),
    path("hits/<int:pk>/evidence.xlsx", hit_evidence, name="hit_evidence"),
    path("hits/<int:pk>/review/", hit_review, name="hit_review"),
    path("hits/<int:pk>/release/", hit_release, name="hit_release"),
    path("hits/<int:pk>/reopen/", hit_reopen, name="hit_reopen"),
    path("hits/<int:pk>/dismiss/", hit_dismiss, name="hit_dismiss"),
    path("hits/<int:pk>/merge/", hit_merge, name="hit_merge"),
]
