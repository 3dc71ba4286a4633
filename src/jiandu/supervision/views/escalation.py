"""Pages of escalation: a hit into the clue ledger, and the recurrence flag of a cancelled
rectification problem. Thin: parse, call one service, render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jiandu.accounts import permissions
from jiandu.core.errors import InvalidTransition, PermissionDenied, ValidationFailed
from jiandu.core.types import AuthedRequest

from .. import escalation, forms, selectors, services


@login_required
def hit_escalate(request: AuthedRequest, pk: int) -> HttpResponse:
    from jiandu.clues.models import Clue
    from jiandu.clues.selectors import keepers

    hit = selectors.hit(request.user, pk)
    services.require_visible(request.user, "hit.escalate", hit)
    if not permissions.has_any(request.user, "clue.register"):
        raise PermissionDenied("clue.register")
    candidates = escalation.candidates(hit)
    form = forms.EscalateForm(
        request.POST if request.method == "POST" else None,
        categories=list(Clue.Category.choices),
        levels=list(Clue.Confidentiality.choices),
        keepers=keepers(),
        candidates=candidates,
        initial={
            "summary": escalation.default_summary(hit),
            "category": escalation.CATEGORY_OF_THEME.get(hit.theme, "other"),
            "subjects": [c.register_id for c in candidates],
            "confidentiality": Clue.Confidentiality.CONFIDENTIAL,
        },
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        chosen = set(data["subjects"])
        try:
            clue = escalation.escalate(
                actor=request.user,
                hit=hit,
                summary=data["summary"],
                category=data["category"],
                keeper=data["keeper"],
                subjects=[c for c in candidates if c.register_id in chosen],
                extra_subject=data["extra_subject"],
                confidentiality=data["confidentiality"],
            )
        except ValidationFailed as exc:
            form.add_service_errors(exc)
        except InvalidTransition as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request,
                _("Clue %(number)s registered; %(keeper)s keeps it.")
                % {"number": clue.number, "keeper": data["keeper"]},
            )
            return redirect("hit_detail", pk=hit.pk)
    return render(
        request,
        "supervision/form.html",
        {
            "form": form,
            "hit": hit,
            "title": _("Escalate hit %(key)s into the clue ledger") % {"key": hit.key},
            "submit": _("Register the clue"),
        },
    )


@login_required
@require_POST
def hit_flag(request: AuthedRequest, pk: int) -> HttpResponse:
    hit = selectors.hit(request.user, pk)
    form = forms.FlagForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a cancelled problem."))
        return redirect("hit_detail", pk=hit.pk)
    problems = {p.pk: p for p in escalation.cancelled_problems(request.user, hit)}
    problem = problems.get(form.cleaned_data["problem"])
    if problem is None:
        raise PermissionDenied("rectification.verify")
    try:
        escalation.flag_rectification(
            actor=request.user, hit=hit, problem=problem, reason=form.cleaned_data["reason"]
        )
    except ValidationFailed as exc:
        messages.error(request, "; ".join(exc.errors.values()))
    else:
        messages.success(request, _("The problem is flagged as recurring (false rectification)."))
    return redirect("hit_detail", pk=hit.pk)


urlpatterns: list[URLPattern] = [
    path("hits/<int:pk>/escalate/", hit_escalate, name="hit_escalate"),
    path("hits/<int:pk>/flag/", hit_flag, name="hit_flag"),
]
