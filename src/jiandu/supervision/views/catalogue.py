"""Pages of the model catalogue: every model with what it means, and one model with its
parameters, its last runs and hit counts, and its measured precision."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path

from jiandu.accounts import permissions
from jiandu.core.types import AuthedRequest

from .. import catalogue, selectors
from ..models import Hit
from ..services import theme_of


@login_required
def model_list(request: AuthedRequest) -> HttpResponse:
    permissions.require(request.user, "run.view")
    precision = {p.model_id: p for p in selectors.precision(request.user)}
    rows = [
        {
            "spec": spec,
            "title": catalogue.text(spec.title),
            "theme": Hit.Theme(theme_of(spec.id)).label,
            "precision": precision.get(spec.id),
        }
        for spec in catalogue.specs()
    ]
    known = {r["spec"].id for r in rows}
    others = [p for k, p in sorted(precision.items()) if k not in known]
    return render(request, "supervision/models.html", {"rows": rows, "others": others})


@login_required
def model_detail(request: AuthedRequest, model_id: str) -> HttpResponse:
    permissions.require(request.user, "run.view")
    spec = catalogue.find(model_id)
    precision = selectors.precision(request.user, model_id)
    if spec is None and not precision:
        raise Http404(model_id)
    params = []
    if spec is not None:
        for name, param in (spec.parameters or {}).items():
            params.append(
                {
                    "name": name,
                    "default": getattr(param, "default", param),
                    "description": catalogue.text(getattr(param, "description", "")),
                }
            )
    return render(
        request,
        "supervision/model.html",
        {
            "model_id": model_id,
            "spec": spec,
            "title": catalogue.text(spec.title) if spec is not None else model_id,
            "theme": Hit.Theme(theme_of(model_id)).label,
            "rationale": catalogue.text(spec.rationale) if spec is not None else "",
            "params": params,
            "runs": selectors.last_model_runs(request.user, model_id),
            "precision": precision[0] if precision else None,
            "can_view_hits": permissions.has_any(request.user, "hit.view"),
        },
    )


urlpatterns: list[URLPattern] = [
    path("models/", model_list, name="model_list"),
    path("models/<str:model_id>/", model_detail, name="model_detail"),
]
