"""The reconciliation (page and Excel report) and the auditor's log of clue reads."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render

from jiandu.core.types import AuthedRequest

from .. import reconciliation, selectors
from ..forms import PeriodForm
from ..models import Clue
from .ledger import XLSX


def _report(request: AuthedRequest) -> tuple[PeriodForm, reconciliation.Report | None]:
    start, end = reconciliation.default_period()
    form = PeriodForm(request.GET or None, initial={"start": start, "end": end})
    if form.is_bound:
        if not form.is_valid():
            # The permission is checked before the form's errors are shown.
            reconciliation.reconcile(request.user, start=start, end=start)
            return form, None
        start, end = form.cleaned_data["start"], form.cleaned_data["end"]
    return form, reconciliation.reconcile(request.user, start=start, end=end)


@login_required
def reconciliation_page(request: AuthedRequest) -> HttpResponse:
    form, report = _report(request)
    states = dict(Clue.State.choices)
    ways = reconciliation.way_labels()
    return render(
        request,
        "clues/reconciliation.html",
        {
            "form": form,
            "report": report,
            "by_state": [(states[k], n) for k, n in report.by_state.items()] if report else [],
            "by_way": [(ways[k], n) for k, n in report.by_way.items()] if report else [],
            "query": request.GET.urlencode(),
        },
    )


@login_required
def reconciliation_xlsx(request: AuthedRequest) -> HttpResponse:
    form, report = _report(request)
    if report is None:
        errors = "; ".join(f"{k}: {' '.join(str(m) for m in v)}" for k, v in form.errors.items())
        return HttpResponse(errors, status=400, content_type="text/plain; charset=utf-8")
    response = HttpResponse(reconciliation.workbook(report), content_type=XLSX)
    name = f"clue-reconciliation-{report.start.isoformat()}-{report.end.isoformat()}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
def reads(request: AuthedRequest) -> HttpResponse:
    number = request.GET.get("number", "").strip()
    username = request.GET.get("user", "").strip()
    events = selectors.read_log(request.user, number=number, username=username)
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "clues/reads.html",
        {"page": page, "number": number, "username": username},
    )
