"""Sign-in, sign-out, the second factor and the user's own account page."""

from __future__ import annotations

from typing import Any

import segno
from django.contrib import messages
from django.contrib.auth import logout, update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from jiandu.core.errors import PermissionDenied, ValidationFailed
from jiandu.core.types import AuthedRequest

from . import forms, permissions, selectors, services
from .models import ApiToken


class SignInView(auth_views.LoginView):
    template_name = "registration/login.html"
    redirect_authenticated_user = True

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        services.record_sign_in(
            actor=form.get_user(), succeeded=True, username=form.get_user().username
        )
        return response

    def form_invalid(self, form: Any) -> HttpResponse:
        username = self.request.POST.get("username", "")
        if username:
            services.record_sign_in(actor=None, succeeded=False, username=username)
        return super().form_invalid(form)


@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        services.record_sign_out(actor=request.user)
    logout(request)
    return redirect("login")


def _safe_next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return "/"


@login_required
def second_factor(request: AuthedRequest) -> HttpResponse:
    """Verify a TOTP code; a user without a confirmed device enrolls one here first."""
    user = request.user
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    enrolling = device is None
    if enrolling:
        device = TOTPDevice.objects.filter(
            user=user, confirmed=False
        ).first() or TOTPDevice.objects.create(
            user=user, name=_("Authenticator app"), confirmed=False
        )
    form = forms.OtpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["token"].strip()):
            if enrolling:
                device.confirmed = True
                device.save(update_fields=["confirmed"])
            otp_login(request, device)
            return redirect(_safe_next(request))
        form.add_error("token", _("The code is wrong or has expired."))
    qr = mark_safe(segno.make(device.config_url, error="m").svg_inline(scale=4))  # noqa: S308
    return render(
        request,
        "registration/otp.html",
        {
            "form": form,
            "enrolling": enrolling,
            "qr": qr if enrolling else None,
            "next": _safe_next(request),
            "roles": permissions.roles_requiring_otp(user),
        },
    )


@login_required
def me(request: AuthedRequest) -> HttpResponse:
    user = request.user
    password_form = forms.PasswordForm(request.POST if "password" in request.POST else None)
    token_form = forms.TokenForm(request.POST if "name" in request.POST else None)
    new_token = None
    if request.method == "POST" and password_form.is_bound and password_form.is_valid():
        try:
            services.set_password(
                actor=user, user=user, password=password_form.cleaned_data["password"]
            )
        except ValidationFailed as exc:
            password_form.add_service_errors(exc)
        else:
            update_session_auth_hash(request, user)
            messages.success(request, _("Your password was changed."))
            return redirect("me")
    if request.method == "POST" and token_form.is_bound and token_form.is_valid():
        _token, new_token = services.create_api_token(
            actor=user, name=token_form.cleaned_data["name"]
        )
        token_form = forms.TokenForm()
    return render(
        request,
        "accounts/me.html",
        {
            "assignments": selectors.assignments_of(user, user),
            "password_form": password_form,
            "token_form": token_form,
            "tokens": ApiToken.objects.filter(user=user),
            "new_token": new_token,
            "has_device": TOTPDevice.objects.filter(user=user, confirmed=True).exists(),
        },
    )


@login_required
@require_POST
def token_revoke(request: AuthedRequest, pk: int) -> HttpResponse:
    token = ApiToken.objects.filter(pk=pk, user=request.user).first()
    if token is None:  # someone else's token, or none: the same refusal
        raise PermissionDenied("api.token")
    services.revoke_api_token(actor=request.user, token=token)
    messages.success(request, _("Token revoked."))
    return redirect("me")
