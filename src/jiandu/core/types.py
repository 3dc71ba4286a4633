from __future__ import annotations

from typing import TYPE_CHECKING

from django.http import HttpRequest

if TYPE_CHECKING:
    from jiandu.accounts.models import User


class AuthedRequest(HttpRequest):
    """The request of a view behind login_required: its user is a signed-in account."""

    user: User
