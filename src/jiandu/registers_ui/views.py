from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render

from jiandu.core.types import AuthedRequest

from . import selectors


@login_required
def overview(request: AuthedRequest) -> HttpResponse:
    return render(
        request,
        "registers_ui/overview.html",
        {"overview": selectors.overview(request.user), "shown": selectors.SHOWN},
    )
