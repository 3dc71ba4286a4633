from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from jiandu.core.types import AuthedRequest

from . import selectors, services
from .models import AuditEvent

FILTERS = ("kind", "action", "actor_name", "target_type", "target_id")


@login_required
def event_list(request: AuthedRequest) -> HttpResponse:
    filters = {name: request.GET.get(name, "").strip() for name in FILTERS}
    page = Paginator(selectors.events(request.user, **filters), 50).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "audit/events.html",
        {
            "page": page,
            "filters": filters,
            "kinds": AuditEvent.Kind.choices,
            "actions": selectors.action_names(request.user),
            "verifications": selectors.verifications(request.user, limit=5),
            "daily": selectors.daily_counts(request.user),
        },
    )


@login_required
def event_detail(request: AuthedRequest, seq: int) -> HttpResponse:
    found = selectors.event(request.user, seq)
    if found is None:
        raise Http404
    return render(request, "audit/event_detail.html", {"event": found})


@login_required
@require_POST
def verify(request: AuthedRequest) -> HttpResponse:
    row = services.request_verification(actor=request.user)
    if row.status == row.Status.QUEUED:
        messages.info(request, _("Verification queued; the worker will run it."))
    elif row.status == row.Status.PASSED:
        messages.success(
            request,
            ngettext(
                "The chain is intact: %(n)d event checked.",
                "The chain is intact: %(n)d events checked.",
                row.checked,
            )
            % {"n": row.checked},
        )
    else:
        messages.error(
            request,
            _("The chain is broken at event %(seq)s: %(reason)s")
            % {"seq": row.first_broken_seq, "reason": row.reason},
        )
    return redirect("audit_events")
