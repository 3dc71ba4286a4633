"""Security properties: response headers, Django's deployment check on production settings,
lockout after failed sign-ins, argon2 hashing, and the second factor (TOTP)."""

from __future__ import annotations

import base64
import os
import re
import secrets
import subprocess
import sys
from pathlib import Path
from typing import Any

from django.conf import settings
from django.test import Client

PASSWORD = "Correct-horse-9"  # what make_user gives every account


def _sign_in(client: Client, username: str, password: str = PASSWORD) -> Any:
    return client.post("/accounts/login/", {"username": username, "password": password})


def _signed_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


# --- headers -------------------------------------------------------------------------------


def _check_headers(response: Any) -> None:
    csp = response["Content-Security-Policy"]
    assert "http" not in csp.lower(), csp  # nothing from any other origin
    directives = {d.strip().split()[0]: d.strip().split()[1:] for d in csp.split(";") if d.strip()}
    assert directives["default-src"] == ["'self'"]
    assert directives["script-src"] == ["'self'"]
    assert directives["style-src"] == ["'self'"]
    assert directives["object-src"] == ["'none'"]
    assert directives["frame-ancestors"] == ["'none'"]
    assert "*" not in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"


def _no_inline_code(html: str) -> None:
    """What the policy would block anyway: inline scripts, handlers and style attributes."""
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), "inline <script>"
    assert not re.search(r"\son[a-z]+\s*=", html), "inline event handler"
    assert not re.search(r"\sstyle\s*=", html), "style attribute"
    assert "<style" not in html
    assert not re.search(r"(src|href)=\"(https?:)?//", html), "external resource"


def test_headers_on_the_sign_in_page(client: Client, db: Any) -> None:
    response = client.get("/accounts/login/")
    assert response.status_code == 200
    _check_headers(response)
    _no_inline_code(response.content.decode())
    csrf_cookie = response.cookies.get(settings.CSRF_COOKIE_NAME)
    assert csrf_cookie is not None
    assert csrf_cookie["httponly"]
    assert csrf_cookie["samesite"] == "Lax"


def test_headers_on_signed_in_pages(client: Client, make_user: Any) -> None:
    client.force_login(make_user("office-h", role="office"))
    for url in ("/", "/org/", "/people/", "/me/"):
        response = client.get(url)
        assert response.status_code == 200, url
        _check_headers(response)
        _no_inline_code(response.content.decode())
    missing = client.get("/no/such/page/")
    assert missing.status_code == 404
    _check_headers(missing)


def test_production_settings_pass_the_deployment_check(tmp_path: Path) -> None:
    """`check --deploy` on the settings an installation runs with: no warning at all. The
    same settings served over plain HTTP fail it, so the check does look."""
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DATABASE_URL", "JIANDU_DEBUG", "JIANDU_HTTPS", "SECRET_KEY"}
    }
    env.update(
        DJANGO_SETTINGS_MODULE="jiandu.settings",
        JIANDU_DATA_DIR=str(tmp_path / "data"),
        JIANDU_HTTPS="1",
        SECRET_KEY=secrets.token_urlsafe(64),
        ALLOWED_HOSTS="jiandu.example.org",
        JIANDU_CLUE_KEY=base64.urlsafe_b64encode(secrets.token_bytes(32)).decode(),
    )
    command = [sys.executable, "-m", "django", "check", "--deploy", "--fail-level", "WARNING"]

    def check(**overrides: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            command,
            env={**env, **overrides},
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )

    passed = check()
    assert passed.returncode == 0, passed.stdout + passed.stderr
    assert "no issues" in passed.stdout

    no_clue_key = check(JIANDU_CLUE_KEY="")
    assert no_clue_key.returncode != 0
    assert "clues.W001" in no_clue_key.stdout + no_clue_key.stderr

    plain = check(JIANDU_HTTPS="0")
    assert plain.returncode != 0
    assert "security.W008" in plain.stdout + plain.stderr  # SECURE_SSL_REDIRECT


def test_production_hashes_passwords_with_argon2() -> None:
    """The tests swap in a fast hasher; the settings module itself puts argon2 first."""
    from django.contrib.auth.hashers import Argon2PasswordHasher

    import jiandu.settings as production

    assert production.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"
    hasher = Argon2PasswordHasher()
    encoded = hasher.encode("Some-password-1", hasher.salt())
    assert encoded.startswith("argon2$argon2id$")
    assert hasher.verify("Some-password-1", encoded)
    assert not hasher.verify("Some-password-2", encoded)


# --- lockout -------------------------------------------------------------------------------


def test_failed_sign_ins_lock_the_account_until_an_admin_unlocks_it(make_user: Any) -> None:
    from jiandu.audit.models import AuditEvent

    user = make_user("target", role="office")
    admin = make_user("admin-l", role="system_admin")
    limit = settings.AXES_FAILURE_LIMIT
    assert limit >= 3

    client = Client()
    for i in range(limit - 1):
        response = _sign_in(client, "target", f"wrong-password-{i}")
        assert response.status_code == 200  # the form again, with an error
        assert not _signed_in(client)
    locking = _sign_in(client, "target", "wrong-password-last")
    assert locking.status_code in {403, 429}
    assert "registration/locked_out.html" in [t.name for t in locking.templates]

    # Now even the right password is refused.
    refused = _sign_in(client, "target", PASSWORD)
    assert refused.status_code in {403, 429}
    assert not _signed_in(client)
    fresh = Client()  # a new session from the same address
    assert _sign_in(fresh, "target").status_code in {403, 429}
    assert not _signed_in(fresh)
    assert AuditEvent.objects.filter(action="auth.failed", target_repr="target").count() >= limit

    # Another account on the same address is not affected.
    make_user("bystander")
    bystander = Client()
    assert _sign_in(bystander, "bystander").status_code == 302
    assert _signed_in(bystander)

    # Only an account manager may unlock.
    nosy = Client()
    nosy.force_login(make_user("nosy", role="office"))
    assert nosy.post(f"/manage/users/{user.pk}/unlock/").status_code == 403
    assert _sign_in(Client(), "target").status_code in {403, 429}

    manager = Client()
    manager.force_login(admin)
    response = manager.post(f"/manage/users/{user.pk}/unlock/")
    assert response.status_code == 302
    assert response["Location"] == f"/manage/users/{user.pk}/"
    event = AuditEvent.objects.get(action="user.unlock", target_id=str(user.pk))
    assert event.actor_username == "admin-l"
    assert event.changes["cleared"] >= 1

    response = _sign_in(client, "target")
    assert response.status_code == 302
    assert _signed_in(client)
    assert client.get("/").status_code == 200


# --- second factor -------------------------------------------------------------------------

PAGES = ("/", "/org/", "/audit/", "/me/", "/manage/users/")


def _codes(device: Any, steps: range = range(-1, 2)) -> list[str]:
    """The device's codes for the time steps around now."""
    import time

    from django_otp.oath import TOTP

    codes = []
    for offset in steps:
        totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
        totp.time = time.time() + offset * device.step
        codes.append(f"{totp.token():0{device.digits}d}")
    return codes


def _wrong_code(device: Any) -> str:
    near = set(_codes(device, range(-3, 4)))
    return next(c for c in (f"{n:06d}" for n in range(0, 10**6, 111111)) if c not in near)


def _held_back(client: Client) -> None:
    for url in PAGES:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"] == f"/accounts/otp/?next={url}", url
    assert client.get("/api/org-units").status_code == 401


def test_totp_required_by_a_role(make_user: Any, settings: Any) -> None:
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from jiandu.accounts.models import Role

    settings.OTP_TOTP_THROTTLE_FACTOR = 0  # no back-off between the attempts below
    role = Role.objects.get(code="auditor")
    assert not role.requires_otp

    # An account manager makes the role require a second factor, on the roles page.
    manager = Client()
    manager.force_login(make_user("admin-t", role="system_admin"))
    response = manager.post(
        f"/manage/roles/{role.pk}/",
        {
            "name_zh": role.name_zh,
            "name_en": role.name_en,
            "description_zh": role.description_zh,
            "description_en": role.description_en,
            "actions": role.actions,
            "requires_otp": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    role.refresh_from_db()
    assert role.requires_otp
    assert sorted(role.actions) == ["audit.view", "orgunit.view"]

    user = make_user("auditor-t", role="auditor")
    client = Client()
    assert _sign_in(client, "auditor-t").status_code == 302
    assert _signed_in(client)
    _held_back(client)

    # Enrollment: the page shows a QR code for a new, unconfirmed device.
    page = client.get("/accounts/otp/?next=/audit/")
    assert page.status_code == 200
    assert page.context["enrolling"] is True
    assert "<svg" in page.content.decode()
    device = TOTPDevice.objects.get(user=user)
    assert not device.confirmed

    wrong = client.post("/accounts/otp/", {"token": _wrong_code(device), "next": "/audit/"})
    assert wrong.status_code == 200
    assert wrong.context["form"].errors["token"]
    device.refresh_from_db()
    assert not device.confirmed
    _held_back(client)

    code = _codes(device, range(0, 1))[0]
    response = client.post("/accounts/otp/", {"token": code, "next": "/audit/"})
    assert response.status_code == 302
    assert response["Location"] == "/audit/"
    device.refresh_from_db()
    assert device.confirmed
    for url in PAGES[:3]:
        assert client.get(url).status_code == 200, url
    assert client.get("/me/").status_code == 200
    assert client.get("/api/org-units").status_code == 200

    # A later sign-in asks for a code from the enrolled device; no new QR code.
    later = Client()
    assert _sign_in(later, "auditor-t").status_code == 302
    _held_back(later)
    page = later.get("/accounts/otp/?next=/org/")
    assert page.status_code == 200
    assert page.context["enrolling"] is False
    assert "<svg" not in page.content.decode()
    assert TOTPDevice.objects.filter(user=user).count() == 1
    for refused in (_wrong_code(device), code):  # a wrong code, a replayed code
        response = later.post("/accounts/otp/", {"token": refused, "next": "/org/"})
        assert response.status_code == 200, refused
        assert response.context["form"].errors["token"]
    _held_back(later)
    next_code = _codes(device, range(1, 2))[0]
    response = later.post("/accounts/otp/", {"token": next_code, "next": "/org/"})
    assert response.status_code == 302
    assert response["Location"] == "/org/"
    assert later.get("/org/").status_code == 200
    assert later.get("/api/org-units").status_code == 200


def test_totp_next_parameter_stays_on_this_site(make_user: Any, settings: Any) -> None:
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from jiandu.accounts.models import Role

    Role.objects.filter(code="auditor").update(requires_otp=True)
    user = make_user("auditor-n", role="auditor")
    client = Client()
    _sign_in(client, "auditor-n")
    client.get("/accounts/otp/")
    device = TOTPDevice.objects.get(user=user)
    code = _codes(device, range(0, 1))[0]
    response = client.post("/accounts/otp/", {"token": code, "next": "https://evil.example/"})
    assert response.status_code == 302
    assert response["Location"] == "/"
