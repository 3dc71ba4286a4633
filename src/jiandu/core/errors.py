"""Errors that services raise and views turn into clear messages."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied


class JianduError(Exception):
    """Base of every error the application reports to a person."""


class PermissionDenied(JianduError, DjangoPermissionDenied):
    """The actor may not perform this action on this object (Django answers 403)."""

    def __init__(self, action: str, obj: object | None = None) -> None:
        self.action = action
        self.obj = obj
        super().__init__(f"not permitted: {action}")


class InvalidTransition(JianduError):
    """A state machine was asked for a transition its table does not allow."""


class ValidationFailed(JianduError):
    """Input was refused; `errors` maps field names to messages."""

    def __init__(self, errors: dict[str, str]) -> None:
        self.errors = errors
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))
