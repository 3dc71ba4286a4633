"""Pages of runs: the list with the upload and run forms, one run with its progress and
record. Thin: parse, call one selector or service, render."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils.translation import gettext as _

from jiandu.accounts import permissions
from jiandu.core.errors import ValidationFailed
from jiandu.core.types import AuthedRequest

from .. import catalogue, forms, runs, selectors


def _forms(request: AuthedRequest, upload: Any = None, run: Any = None) -> dict[str, Any]:
    specs = catalogue.specs()
    return {
        "upload_form": upload or forms.UploadForm(),
        "run_form": run or forms.ModelRunForm(models=catalogue.choices(specs)),
    }


@login_required
def run_list(request: AuthedRequest) -> HttpResponse:
    page = Paginator(selectors.runs(request.user), 25).get_page(request.GET.get("page"))
    return render(
        request,
        "supervision/runs.html",
        {
            "page": page,
            "active": selectors.active_run(),
            "can_start": permissions.has_any(request.user, "run.start"),
            **_forms(request),
        },
    )


def _refused(request: AuthedRequest, context: dict[str, Any]) -> HttpResponse:
    page = Paginator(selectors.runs(request.user), 25).get_page(1)
    context.update(page=page, active=selectors.active_run(), can_start=True)
    return render(request, "supervision/runs.html", context, status=200)


@login_required
def run_upload(request: AuthedRequest) -> HttpResponse:
    permissions.require(request.user, "run.start")
    posted = request.method == "POST"
    form = forms.UploadForm(request.POST if posted else None, request.FILES if posted else None)
    if request.method == "POST" and form.is_valid():
        try:
            run = runs.start_ingest(actor=request.user, upload=form.cleaned_data["file"])
        except ValidationFailed as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, _("The registers are queued for loading."))
            return redirect("run_detail", pk=run.pk)
    return _refused(request, _forms(request, upload=form))


@login_required
def run_start(request: AuthedRequest) -> HttpResponse:
    permissions.require(request.user, "run.start")
    specs = catalogue.specs()
    data = request.POST if request.method == "POST" else None
    form = forms.ModelRunForm(data, models=catalogue.choices(specs))
    if request.method == "POST" and form.is_valid():
        try:
            params = runs.parse_params(form.cleaned_data["params"], catalogue.parameters(specs))
            run = runs.start_model_run(
                actor=request.user, only=form.cleaned_data["only"], params=params
            )
        except ValidationFailed as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, _("The model run is queued."))
            return redirect("run_detail", pk=run.pk)
    return _refused(request, _forms(request, run=form))


@login_required
def run_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    run = selectors.run(request.user, pk)
    template = "supervision/_run_status.html" if request.headers.get("HX-Request") else None
    return render(
        request,
        template or "supervision/run.html",
        {"run": run, "rejections": (run.report or {}).get("rejections", [])[:200]},
    )


urlpatterns: list[URLPattern] = [
    path("runs/", run_list, name="run_list"),
    path("runs/upload/", run_upload, name="run_upload"),
    path("runs/start/", run_start, name="run_start"),
    path("runs/<int:pk>/", run_detail, name="run_detail"),
]
