"""Creating accounts from the server's command line, before any administrator exists.

Whoever runs the `jiandu` command on the server is trusted with the installation, so
there is no actor to check; the event is still written to the audit chain (channel cli).
"""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from jiandu.audit import services as audit
from jiandu.core.errors import ValidationFailed

from .models import Role, RoleAssignment, User


@transaction.atomic
def create_user(
    *, username: str, password: str, display_name: str = "", role_codes: Iterable[str] = ()
) -> User:
    username = username.strip()
    if not username:
        raise ValidationFailed({"username": _("A user name is required.")})
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationFailed({"username": _("This user name is taken.")})
    roles = []
    for code in role_codes:
        role = Role.objects.filter(code=code).first()
        if role is None:
            known = ", ".join(Role.objects.values_list("code", flat=True))
            raise ValidationFailed(
                {
                    "role": _("Unknown role %(code)s; roles: %(known)s")
                    % {"code": code, "known": known}
                }
            )
        roles.append(role)
    user = User(username=username, display_name=display_name)
    try:
        password_validation.validate_password(password, user)
    except ValidationError as exc:
        raise ValidationFailed({"password": " ".join(exc.messages)}) from None
    user.set_password(password)
    user.save()
    for role in roles:
        RoleAssignment.objects.create(
            user=user, role=role, scope_kind=RoleAssignment.ScopeKind.GLOBAL
        )
    audit.record(
        actor=None,
        action="user.create",
        target=user,
        changes={"roles": [r.code for r in roles], "via": "command line"},
    )
    return user
