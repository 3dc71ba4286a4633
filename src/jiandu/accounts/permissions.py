"""The one permission API: `can`, `require` and `scope_filter`.

A user's rights come only from role assignments. A role is a set of actions; an
assignment gives the role within a scope:

- ``global``: everywhere;
- ``org_unit``: an org unit, with or without its subordinate units;
- ``object``: one object (a round, a team, a clue...). An object covers itself and
  every object that names it in ``scope_object_lookups``.

A model that can be scoped declares, as class attributes:

- ``scope_org_lookup``: the ORM path from the model to the OrgUnit it belongs to
  (``""`` for OrgUnit itself, ``"posts__org_unit"`` for Person);
- ``scope_object_lookups`` (optional): ``{"app_label.model": "orm__path__to__fk"}``.

Superuser and staff flags grant nothing. ``can(actor, action, obj)`` and
``scope_filter`` share one definition: an object is allowed exactly when the scoped
queryset contains it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, TypeVar

from django.contrib.auth.models import AnonymousUser
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jiandu.core.errors import PermissionDenied

M = TypeVar("M", bound=models.Model)

# Every action a role can carry, with the label shown on the role pages. Later
# modules add theirs with `register_actions`.
ACTIONS: dict[str, Any] = {
    "account.manage": _("Manage user accounts and role assignments"),
    "orgunit.view": _("View the org-unit tree"),
    "orgunit.manage": _("Create and edit org units"),
    "person.view": _("View people and their posts"),
    "person.manage": _("Create and edit people and their posts"),
    "audit.view": _("Read the audit trail and the read log"),
}


# Actions that only a global grant gives: the whole set of accounts, the whole trail.
GLOBAL_ONLY = frozenset({"account.manage", "audit.view"})


def register_actions(actions: dict[str, Any]) -> None:
    ACTIONS.update(actions)


@dataclass(frozen=True)
class Grant:
    """One role assignment, reduced to what permission checks need."""

    actions: frozenset[str]
    scope_kind: str
    org_path: str = ""
    org_id: int | None = None
    include_descendants: bool = True
    object_label: str = ""
    object_id: str = ""
    requires_otp: bool = False
    role_code: str = ""


def _is_authenticated(actor: Any) -> bool:
    return (
        actor is not None
        and not isinstance(actor, AnonymousUser)
        and bool(getattr(actor, "is_authenticated", False))
        and bool(getattr(actor, "is_active", False))
    )


def grants(actor: Any) -> list[Grant]:
    """The actor's grants in force today, cached on the user object."""
    if not _is_authenticated(actor):
        return []
    cached: list[Grant] | None = getattr(actor, "_jiandu_grants", None)
    if cached is not None:
        return cached
    from .models import RoleAssignment

    today = timezone.localdate()
    rows = (
        RoleAssignment.objects.filter(user_id=actor.pk)
        .filter(Q(valid_from__isnull=True) | Q(valid_from__lte=today))
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=today))
        .select_related("role", "org_unit", "object_type")
    )
    result = []
    for row in rows:
        object_label = ""
        if row.object_type is not None:
            object_label = f"{row.object_type.app_label}.{row.object_type.model}"
        result.append(
            Grant(
                actions=frozenset(row.role.actions),
                scope_kind=row.scope_kind,
                org_path=row.org_unit.path if row.org_unit else "",
                org_id=row.org_unit_id,
                include_descendants=row.include_descendants,
                object_label=object_label,
                object_id=row.object_id,
                requires_otp=row.role.requires_otp,
                role_code=row.role.code,
            )
        )
    actor._jiandu_grants = result
    return result


def forget(actor: Any) -> None:
    """Drop the cached grants (after the actor's assignments changed)."""
    if hasattr(actor, "_jiandu_grants"):
        del actor._jiandu_grants


def actions_of(actor: Any) -> set[str]:
    """Every action the actor holds somewhere (global-only actions: globally)."""
    out: set[str] = set()
    for g in grants(actor):
        out |= g.actions if g.scope_kind == "global" else g.actions - GLOBAL_ONLY
    return out


def has_global(actor: Any, action: str) -> bool:
    """True when a global grant gives the action."""
    return any(g.scope_kind == "global" and action in g.actions for g in grants(actor))


def has_any(actor: Any, action: str) -> bool:
    """True when the actor holds the action in at least one scope (for navigation)."""
    return action in actions_of(actor)


def _join(prefix: str, field: str) -> str:
    return f"{prefix}__{field}" if prefix else field


def _condition(model: type[models.Model], grant: Grant) -> Q | None:
    """The Q that selects the objects of `model` covered by `grant`; None: nothing."""
    if grant.scope_kind == "global":
        return Q()
    if grant.scope_kind == "org_unit":
        lookup = getattr(model, "scope_org_lookup", None)
        if lookup is None or grant.org_id is None:
            return None
        if grant.include_descendants:
            return Q(**{_join(lookup, "path__startswith"): grant.org_path})
        return Q(**{_join(lookup, "id"): grant.org_id})
    if grant.scope_kind == "object":
        own = f"{model._meta.app_label}.{model._meta.model_name}"
        if grant.object_label == own:
            return Q(pk=grant.object_id)
        lookups: dict[str, str] = getattr(model, "scope_object_lookups", {})
        if grant.object_label in lookups:
            return Q(**{lookups[grant.object_label]: grant.object_id})
    return None


def scope_filter(actor: Any, action: str, queryset: models.QuerySet[M]) -> models.QuerySet[M]:
    """Only the objects of `queryset` on which the actor may perform `action`."""
    conditions = [
        c
        for g in grants(actor)
        if action in g.actions
        for c in [_condition(queryset.model, g)]
        if c is not None
    ]
    if not conditions:
        return queryset.none()
    if any(not c for c in conditions):  # a global grant
        return queryset
    combined = Q()
    for c in conditions:
        combined |= c
    # A subquery keeps rows unique when the lookup crosses a to-many relation.
    allowed = queryset.model._default_manager.filter(combined).values("pk")
    return queryset.filter(pk__in=allowed)


def can(actor: Any, action: str, obj: models.Model | None = None) -> bool:
    """May `actor` perform `action` on `obj` (or somewhere, when `obj` is None)?"""
    if obj is None:
        return has_any(actor, action)
    if obj.pk is None:
        return False
    model = type(obj)
    return scope_filter(actor, action, model._default_manager.filter(pk=obj.pk)).exists()


def require(actor: Any, action: str, obj: models.Model | None = None) -> None:
    """Raise PermissionDenied unless `can(actor, action, obj)`."""
    if not can(actor, action, obj):
        raise PermissionDenied(action, obj)


def get_or_deny(actor: Any, action: str, queryset: models.QuerySet[M], pk: Any) -> M:
    """The object `pk` of `queryset` if the actor may perform `action` on it; otherwise
    PermissionDenied, whether or not it exists (absence and refusal look the same)."""
    found = scope_filter(actor, action, queryset).filter(pk=pk).first()
    if found is None:
        raise PermissionDenied(action)
    return found


def require_global(actor: Any, action: str) -> None:
    """Account administration and the audit trail are never scoped: a global grant."""
    if not has_global(actor, action):
        raise PermissionDenied(action)


def object_scope(obj: models.Model) -> tuple[ContentType, str]:
    return ContentType.objects.get_for_model(obj), str(obj.pk)


def roles_requiring_otp(actor: Any) -> list[str]:
    """Codes of the actor's roles in force that require a second factor."""
    return sorted({g.role_code for g in grants(actor) if g.requires_otp})
