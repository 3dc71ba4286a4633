from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from . import permissions

_EXEMPT_PREFIXES = ("/static/", "/i18n/", "/accounts/")


class SecondFactorMiddleware:
    """Users holding a role that requires TOTP must pass it (or enroll) before anything else."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if (
            user.is_authenticated
            and not request.path.startswith(_EXEMPT_PREFIXES)
            and not request.path.startswith("/api/")
            and not getattr(user, "is_verified", lambda: False)()
            and permissions.roles_requiring_otp(user)
        ):
            return redirect(f"{reverse('otp')}?next={request.get_full_path()}")
        return self.get_response(request)
