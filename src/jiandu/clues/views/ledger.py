"""Pages of the ledger: the list (search, filter), registration (by form, from a finding
or an inspection transfer), one clue with its clocks and history, the whistleblower
reveal, attachments, and the Excel export. Thin: parse, call one selector or service,
render. Every read of a clue goes through a selector that logs it."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jiandu.accounts import permissions
from jiandu.core.errors import PermissionDenied, ValidationFailed
from jiandu.core.types import AuthedRequest

from .. import access, selectors, services
from ..exports import ledger_workbook
from ..forms import ClueForm
from ..models import Clue
from ..services.disposal import outcome_label, pending_proposal
from ..services.intake import subjects_of_finding, subjects_of_transfer

PER_PAGE = 50
ID_MAX = 2**63 - 1
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _filters(request: AuthedRequest) -> dict[str, str]:
    state = request.GET.get("state", "").strip()
    return {
        "query": request.GET.get("q", "").strip()[:100],
        "state": state if state in Clue.State.values else "",
    }


@login_required
def ledger(request: AuthedRequest) -> HttpResponse:
    filters = _filters(request)
    items = selectors.ledger(request.user, **filters)
    page = Paginator(items, PER_PAGE).get_page(request.GET.get("page"))
    if filters["query"]:
        selectors.log_search(request.user, page.object_list)
    return render(
        request,
        "clues/ledger.html",
        {
            "page": page,
            "filters": filters,
            "states": Clue.State.choices,
            "due": selectors.due_items(request.user, limit=10),
            "can_register": permissions.has_any(request.user, "clue.register"),
            "can_reconcile": permissions.has_any(request.user, "clue.reconcile"),
        },
    )


@login_required
def export(request: AuthedRequest) -> HttpResponse:
    rows = selectors.export_rows(request.user, **_filters(request))
    response = HttpResponse(ledger_workbook(rows), content_type=XLSX)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="clues-{stamp}.xlsx"'
    return response


def _prefill(request: AuthedRequest) -> tuple[dict[str, Any], dict[str, Any]]:
    """Initial values and service arguments of a clue registered from an inspection
    finding (?finding=) or an inspection transfer (?transfer=), for those who may read it."""
    from jiandu.inspections.models import Finding, Transfer

    for key, model, action in (
        ("finding", Finding, "finding.view"),
        ("transfer", Transfer, "transfer.view"),
    ):
        raw = request.GET.get(key, "")
        if not raw:
            continue
        if not raw.isdigit() or int(raw) > ID_MAX:
            raise PermissionDenied(action)
        found: Any = permissions.get_or_deny(request.user, action, model.objects.all(), int(raw))
        people = subjects_of_finding(found) if key == "finding" else subjects_of_transfer(found)
        initial: dict[str, Any] = {"source": Clue.Source.INSPECTION}
        if key == "finding":
            initial["summary"] = f"{found.title}\n{found.description}"
            initial["received_date"] = timezone.localdate()
        else:
            initial["summary"] = found.summary
            initial["received_date"] = found.date
        for i, person in enumerate(people[:3], start=1):
            initial[f"subject_name_{i}"] = person.name
            initial[f"subject_post_{i}"] = person.post
            initial[f"subject_rank_{i}"] = person.rank
        extra = {
            "origin": f"{key}:{found.pk}",
            "findings": [found] if key == "finding" else list(found.findings.all()),
            "source_object": found,
        }
        return initial, extra
    return {}, {}


@login_required
def register(request: AuthedRequest) -> HttpResponse:
    if not permissions.has_any(request.user, "clue.register"):
        raise PermissionDenied("clue.register")
    initial, extra = _prefill(request)
    form = ClueForm(
        request.POST or None,
        request.FILES or None,
        keepers=selectors.keepers(),
        initial=initial,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        blower = {"name": data["whistleblower_name"], "contact": data["whistleblower_contact"]}
        try:
            clue = services.register_clue(
                actor=request.user,
                summary=data["summary"],
                category=data["category"],
                source=data["source"],
                received_date=data["received_date"],
                subjects=form.subjects(),
                confidentiality=data["confidentiality"],
                origin=extra.get("origin", ""),
                attachments=[data["attachment"]] if data.get("attachment") else [],
                whistleblower=blower,
                keeper=data.get("keeper"),
                findings=extra.get("findings", []),
                from_body=data["from_body"],
            )
        except ValidationFailed as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, _("Clue registered as %(number)s.") % {"number": clue.number})
            if access.can_read(request.user, clue):
                return redirect("clue_detail", pk=clue.pk)
            return redirect("clue_ledger")
    return render(
        request,
        "clues/form.html",
        {
            "form": form,
            "title": _("Register a clue"),
            "multipart": True,
            "source_object": extra.get("source_object"),
            "cancel_url": reverse("clue_ledger"),
        },
    )


@login_required
def detail(request: AuthedRequest, pk: int) -> HttpResponse:
    clue = selectors.clue_read(request.user, pk, via="page")
    caps = access.capacities_on(request.user, clue)
    proposal = pending_proposal(clue)
    transfer = getattr(clue, "transfer", None) if clue.state == Clue.State.TRANSFERRED else None
    return render(
        request,
        "clues/detail.html",
        {
            "clue": clue,
            "caps": caps,
            "clocks": selectors.clocks_of(clue),
            "subjects": clue.subjects.select_related("org_unit"),
            "findings": clue.findings.select_related("target__org_unit"),
            "attachments": clue.attachments.all(),
            "transfer": getattr(clue, "transfer", None),
            "pending": proposal,
            "outcome": outcome_label(clue.outcome) if clue.outcome else "",
            "history": selectors.history(request.user, clue),
            "works_on": access.works_on(request.user, clue),
            "is_keeper": access.is_keeper(request.user, clue),
            "may_reveal": access.may_reveal(request.user, clue),
            "may_decide": proposal is not None
            and proposal.approver_id == request.user.pk
            and "approver" in caps,
            "open_transfer": transfer,
        },
    )


@login_required
@require_POST
def reveal(request: AuthedRequest, pk: int) -> HttpResponse:
    identity = selectors.reveal_whistleblower(request.user, pk, via="page")
    clue = selectors.clue(request.user, pk)
    response = render(request, "clues/reveal.html", {"clue": clue, "identity": identity})
    response["Cache-Control"] = "no-store"
    return response


@login_required
def attachment_add(request: AuthedRequest, pk: int) -> HttpResponse:
    from ..forms import AttachmentForm

    clue = selectors.clue(request.user, pk)
    if not access.works_on(request.user, clue):
        raise PermissionDenied("clue.attach", clue)
    form = AttachmentForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            item = services.add_attachment(
                actor=request.user, clue=clue, upload=form.cleaned_data["attachment"]
            )
        except ValidationFailed as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, _("%(name)s attached.") % {"name": item.original_name})
            return redirect("clue_detail", pk=clue.pk)
    return render(
        request,
        "clues/form.html",
        {
            "form": form,
            "title": _("Attach a file to %(number)s") % {"number": clue.number},
            "multipart": True,
            "cancel_url": reverse("clue_detail", args=[clue.pk]),
        },
    )


@login_required
def attachment_download(request: AuthedRequest, pk: int) -> HttpResponseBase:
    item, handle = services.open_attachment(actor=request.user, attachment_id=pk, via="page")
    response = FileResponse(
        handle, as_attachment=True, filename=item.original_name, content_type=item.content_type
    )
    response["Cache-Control"] = "no-store"
    return response
