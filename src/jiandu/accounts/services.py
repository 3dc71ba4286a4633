"""Writes of the accounts app. Each service: keyword-only arguments, `actor` first, one
transaction, a permission check and an audit event inside that transaction."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from typing import Any

from django.contrib.auth import password_validation
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Model
from django.utils import timezone
from django.utils.translation import gettext as _

from jiandu.analytics.identity import idnumber
from jiandu.audit import services as audit
from jiandu.core.errors import PermissionDenied, ValidationFailed

from . import hooks, permissions
from .models import ApiToken, OrgUnit, Person, Post, Role, RoleAssignment, User

ORG_FIELDS = ("code", "name_zh", "name_en", "kind", "parent", "is_active")
PERSON_FIELDS = ("name", "name_latin", "id_number", "gender", "birth_date")
POST_FIELDS = (
    "person",
    "org_unit",
    "title",
    "rank",
    "is_leading_cadre",
    "start_date",
    "end_date",
)
USER_FIELDS = ("username", "display_name", "email", "is_active", "person")
# What a role that manages accounts may carry (DOMAIN.md: no access to case content).
ADMIN_ACTIONS = frozenset({"account.manage", "orgunit.view"})
ROLE_FIELDS = ("name_zh", "name_en", "description_zh", "description_en", "actions", "requires_otp")


# --- org units ---------------------------------------------------------------


def _check_kind(kind: str) -> None:
    if kind not in OrgUnit.Kind.values:
        raise ValidationFailed({"kind": _("Unknown kind of org unit: %(kind)s") % {"kind": kind}})


@transaction.atomic
def create_org_unit(
    *,
    actor: Any,
    code: str,
    name_zh: str,
    kind: str,
    parent: OrgUnit | None = None,
    name_en: str = "",
) -> OrgUnit:
    if parent is None:
        permissions.require_global(actor, "orgunit.manage")
    else:
        permissions.require(actor, "orgunit.manage", parent)
    code, name_zh = code.strip(), name_zh.strip()
    errors = {}
    if not code:
        errors["code"] = _("A code is required.")
    elif OrgUnit.objects.filter(code=code).exists():
        errors["code"] = _("The code %(code)s is already in use.") % {"code": code}
    if not name_zh:
        errors["name_zh"] = _("A Chinese name is required.")
    if errors:
        raise ValidationFailed(errors)
    _check_kind(kind)
    unit = OrgUnit.objects.create(
        code=code, name_zh=name_zh, name_en=name_en.strip(), kind=kind, parent=parent
    )
    unit.path = f"{parent.path if parent else '/'}{unit.pk}/"
    unit.depth = parent.depth + 1 if parent else 0
    unit.save(update_fields=["path", "depth"])
    audit.record(
        actor=actor,
        action="orgunit.create",
        target=unit,
        changes={"after": audit.snapshot(unit, ORG_FIELDS)},
    )
    return unit


@transaction.atomic
def update_org_unit(*, actor: Any, unit: OrgUnit, **fields: Any) -> OrgUnit:
    unit = OrgUnit.objects.select_for_update().get(pk=unit.pk)
    permissions.require(actor, "orgunit.manage", unit)
    unknown = set(fields) - set(ORG_FIELDS)
    if unknown:
        raise ValueError(f"unknown fields: {sorted(unknown)}")
    before = audit.snapshot(unit, ORG_FIELDS)
    fields = {k: v.strip() if isinstance(v, str) else v for k, v in fields.items()}
    if "kind" in fields:
        _check_kind(fields["kind"])
    if "code" in fields and not fields["code"]:
        raise ValidationFailed({"code": _("A code is required.")})
    if "name_zh" in fields and not fields["name_zh"]:
        raise ValidationFailed({"name_zh": _("A Chinese name is required.")})
    if (
        "code" in fields
        and OrgUnit.objects.filter(code=fields["code"]).exclude(pk=unit.pk).exists()
    ):
        raise ValidationFailed(
            {"code": _("The code %(code)s is already in use.") % {"code": fields["code"]}}
        )
    new_parent = fields.pop("parent", unit.parent)
    for name, value in fields.items():
        setattr(unit, name, value.strip() if isinstance(value, str) else value)
    if new_parent != unit.parent:
        _move(actor, unit, new_parent)
    unit.save()
    audit.record(
        actor=actor,
        action="orgunit.update",
        target=unit,
        changes=audit.diff(before, audit.snapshot(unit, ORG_FIELDS)),
    )
    return unit


def _move(actor: Any, unit: OrgUnit, parent: OrgUnit | None) -> None:
    if parent is None:
        permissions.require_global(actor, "orgunit.manage")
    else:
        permissions.require(actor, "orgunit.manage", parent)
        if parent.path.startswith(unit.path):
            raise ValidationFailed({"parent": _("A unit cannot be moved under itself.")})
    old_path, old_depth = unit.path, unit.depth
    unit.parent = parent
    unit.path = f"{parent.path if parent else '/'}{unit.pk}/"
    unit.depth = parent.depth + 1 if parent else 0
    for child in OrgUnit.objects.filter(path__startswith=old_path).exclude(pk=unit.pk):
        child.path = unit.path + child.path[len(old_path) :]
        child.depth = child.depth - old_depth + unit.depth
        child.save(update_fields=["path", "depth"])


# --- people and posts ------------------------------------------------------------


def _id_number_problem(exc: idnumber.IdNumberError) -> str:
    """The reason an ID number was refused, in the user's language."""
    reasons = {
        "length": _("an ID number has 18 characters (or 15), not %(length)s"),
        "characters": _("an ID number is 17 digits followed by a digit or X"),
        "date": _("the birth date %(date)s in it is not a calendar date"),
        "range": _("the birth date %(date)s in it is out of range"),
        "checksum": _("its check character is %(found)s, but should be %(expected)s"),
    }
    return _("Invalid ID number: %(why)s") % {"why": reasons[exc.code] % exc.params}


def _clean_id_number(value: str | None, *, exclude_pk: int | None = None) -> str | None:
    if not value or not value.strip():
        return None
    try:
        normalized = idnumber.parse(value).value
    except idnumber.IdNumberError as exc:
        raise ValidationFailed({"id_number": _id_number_problem(exc)}) from None
    clash = Person.objects.filter(id_number=normalized)
    if exclude_pk is not None:
        clash = clash.exclude(pk=exclude_pk)
    if clash.exists():
        raise ValidationFailed({"id_number": _("Another person already has this ID number.")})
    return normalized


def _check_person_fields(fields: dict[str, Any]) -> None:
    if "name" in fields and not str(fields["name"]).strip():
        raise ValidationFailed({"name": _("A name is required.")})
    if fields.get("gender") not in (None, "", *Person.Gender.values):
        raise ValidationFailed({"gender": _("Choose a gender from the list.")})


@transaction.atomic
def create_person(
    *,
    actor: Any,
    name: str,
    org_unit: OrgUnit,
    title: str,
    start_date: dt.date,
    rank: str = "",
    is_leading_cadre: bool = False,
    id_number: str | None = None,
    gender: str = "",
    birth_date: dt.date | None = None,
    name_latin: str = "",
) -> Person:
    """A person with the post that places them in an org unit (and so in scopes)."""
    permissions.require(actor, "person.manage", org_unit)
    fields = {"name": name, "gender": gender}
    _check_person_fields(fields)
    person = Person.objects.create(
        name=name.strip(),
        name_latin=name_latin.strip(),
        id_number=_clean_id_number(id_number),
        gender=gender,
        birth_date=birth_date,
    )
    audit.record(
        actor=actor,
        action="person.create",
        target=person,
        changes={"after": audit.snapshot(person, PERSON_FIELDS)},
    )
    _create_post(
        actor,
        person=person,
        org_unit=org_unit,
        title=title,
        rank=rank,
        is_leading_cadre=is_leading_cadre,
        start_date=start_date,
    )
    return person


@transaction.atomic
def update_person(*, actor: Any, person: Person, **fields: Any) -> Person:
    permissions.require(actor, "person.manage", person)
    unknown = set(fields) - set(PERSON_FIELDS)
    if unknown:
        raise ValueError(f"unknown fields: {sorted(unknown)}")
    _check_person_fields(fields)
    person = Person.objects.select_for_update().get(pk=person.pk)
    before = audit.snapshot(person, PERSON_FIELDS)
    if "id_number" in fields:
        fields["id_number"] = _clean_id_number(fields["id_number"], exclude_pk=person.pk)
    for name, value in fields.items():
        setattr(person, name, value.strip() if isinstance(value, str) else value)
    person.save()
    audit.record(
        actor=actor,
        action="person.update",
        target=person,
        changes=audit.diff(before, audit.snapshot(person, PERSON_FIELDS)),
    )
    return person


def _check_post(rank: str, start_date: dt.date, end_date: dt.date | None, title: str) -> None:
    errors = {}
    if not title.strip():
        errors["title"] = _("A title is required.")
    if rank and rank not in Post.Rank.values:
        errors["rank"] = _("Unknown rank: %(rank)s") % {"rank": rank}
    if end_date is not None and end_date < start_date:
        errors["end_date"] = _("The end date is before the start date.")
    if errors:
        raise ValidationFailed(errors)


def _create_post(actor: Any, **fields: Any) -> Post:
    _check_post(
        fields.get("rank", ""), fields["start_date"], fields.get("end_date"), fields["title"]
    )
    post = Post.objects.create(**fields)
    audit.record(
        actor=actor,
        action="post.create",
        target=post,
        changes={"after": audit.snapshot(post, POST_FIELDS)},
    )
    return post


@transaction.atomic
def add_post(
    *,
    actor: Any,
    person: Person,
    org_unit: OrgUnit,
    title: str,
    start_date: dt.date,
    rank: str = "",
    is_leading_cadre: bool = False,
    end_date: dt.date | None = None,
) -> Post:
    permissions.require(actor, "person.manage", person)
    permissions.require(actor, "person.manage", org_unit)
    return _create_post(
        actor,
        person=person,
        org_unit=org_unit,
        title=title.strip(),
        rank=rank,
        is_leading_cadre=is_leading_cadre,
        start_date=start_date,
        end_date=end_date,
    )


@transaction.atomic
def end_post(*, actor: Any, post: Post, end_date: dt.date, successor: Person | None = None) -> Post:
    """End a post. What the person leaves open elsewhere (rectification tasks...) is
    handed to `successor` by the hooks of `accounts.hooks`, which may refuse the change."""
    post = Post.objects.select_for_update().get(pk=post.pk)
    permissions.require(actor, "person.manage", post)
    before = audit.snapshot(post, POST_FIELDS)
    _check_post(post.rank, post.start_date, end_date, post.title)
    post.end_date = end_date
    post.save(update_fields=["end_date"])
    hooks.run_post_end(actor=actor, post=post, successor=successor)
    audit.record(
        actor=actor,
        action="post.end",
        target=post,
        changes=audit.diff(before, audit.snapshot(post, POST_FIELDS)),
    )
    return post


# --- accounts ------------------------------------------------------------------------


def _check_password(password: str, user: User | None = None) -> None:
    try:
        password_validation.validate_password(password, user)
    except ValidationError as exc:
        raise ValidationFailed({"password": " ".join(exc.messages)}) from None


@transaction.atomic
def create_user(
    *,
    actor: Any,
    username: str,
    password: str,
    display_name: str = "",
    email: str = "",
    person_id_number: str | None = None,
) -> User:
    """A new account. It may be linked to a person by ID number, without the
    administrator reading the people register."""
    permissions.require_global(actor, "account.manage")
    username = username.strip()
    if not username:
        raise ValidationFailed({"username": _("A user name is required.")})
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationFailed({"username": _("This user name is taken.")})
    user = User(username=username, display_name=display_name.strip(), email=email.strip())
    _check_password(password, user)
    user.set_password(password)
    if person_id_number:
        user.person = _person_by_id_number(person_id_number)
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError:
        raise ValidationFailed({"person": _("That person already has an account.")}) from None
    audit.record(
        actor=actor,
        action="user.create",
        target=user,
        changes={"after": audit.snapshot(user, USER_FIELDS)},
    )
    return user


def _person_by_id_number(value: str) -> Person:
    try:
        normalized = idnumber.parse(value).value
    except idnumber.IdNumberError as exc:
        raise ValidationFailed({"person": _id_number_problem(exc)}) from None
    person = Person.objects.filter(id_number=normalized).first()
    if person is None:
        raise ValidationFailed({"person": _("No person has this ID number.")})
    return person


@transaction.atomic
def update_user(
    *,
    actor: Any,
    user: User,
    display_name: str | None = None,
    email: str | None = None,
    is_active: bool | None = None,
    person_id_number: str | None = None,
) -> User:
    permissions.require_global(actor, "account.manage")
    user = User.objects.select_for_update().get(pk=user.pk)
    before = audit.snapshot(user, USER_FIELDS)
    if display_name is not None:
        user.display_name = display_name.strip()
    if email is not None:
        user.email = email.strip()
    if is_active is not None:
        if user.pk == actor.pk and not is_active:
            raise ValidationFailed({"is_active": _("You cannot deactivate your own account.")})
        user.is_active = is_active
    if person_id_number is not None:
        user.person = _person_by_id_number(person_id_number) if person_id_number.strip() else None
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError:
        raise ValidationFailed({"person": _("That person already has an account.")}) from None
    audit.record(
        actor=actor,
        action="user.update",
        target=user,
        changes=audit.diff(before, audit.snapshot(user, USER_FIELDS)),
    )
    return user


@transaction.atomic
def set_password(*, actor: Any, user: User, password: str) -> None:
    """An administrator resets a password, or a user changes their own."""
    if actor.pk != user.pk:
        permissions.require_global(actor, "account.manage")
    _check_password(password, user)
    user.set_password(password)
    user.save(update_fields=["password"])
    audit.record(actor=actor, action="user.password", target=user)


@transaction.atomic
def unlock_user(*, actor: Any, user: User) -> int:
    """Clear the failed sign-in attempts that locked the account out."""
    from axes.handlers.proxy import AxesProxyHandler

    permissions.require_global(actor, "account.manage")
    cleared = AxesProxyHandler.reset_attempts(username=user.username)
    audit.record(actor=actor, action="user.unlock", target=user, changes={"cleared": cleared})
    return cleared


@transaction.atomic
def assign_role(
    *,
    actor: Any,
    user: User,
    role: Role,
    org_unit: OrgUnit | None = None,
    include_descendants: bool = True,
    scoped_object: Model | None = None,
    valid_from: dt.date | None = None,
    valid_until: dt.date | None = None,
) -> RoleAssignment:
    permissions.require_global(actor, "account.manage")
    if user.pk == actor.pk:
        # Separation of duties: an administrator cannot widen their own rights.
        raise ValidationFailed({"user": _("You cannot give a role to your own account.")})
    if org_unit is not None and scoped_object is not None:
        raise ValidationFailed({"scope": _("Choose an org unit or an object, not both.")})
    if valid_from and valid_until and valid_until < valid_from:
        raise ValidationFailed({"valid_until": _("The end date is before the start date.")})
    assignment = RoleAssignment(
        user=user,
        role=role,
        granted_by=actor,
        valid_from=valid_from,
        valid_until=valid_until,
        include_descendants=include_descendants,
    )
    if org_unit is not None:
        assignment.scope_kind = RoleAssignment.ScopeKind.ORG_UNIT
        assignment.org_unit = org_unit
    elif scoped_object is not None:
        assignment.scope_kind = RoleAssignment.ScopeKind.OBJECT
        assignment.object_type = ContentType.objects.get_for_model(scoped_object)
        assignment.object_id = str(scoped_object.pk)
    else:
        assignment.scope_kind = RoleAssignment.ScopeKind.GLOBAL
    assignment.save()
    permissions.forget(user)
    audit.record(
        actor=actor,
        action="role.assign",
        target=user,
        changes={
            "role": role.code,
            "scope": assignment.scope_kind,
            "org_unit": org_unit.code if org_unit else None,
            "include_descendants": include_descendants,
            "object": f"{assignment.object_type}#{assignment.object_id}" if scoped_object else None,
            "valid_from": valid_from,
            "valid_until": valid_until,
        },
    )
    return assignment


@transaction.atomic
def revoke_assignment(*, actor: Any, assignment: RoleAssignment) -> None:
    permissions.require_global(actor, "account.manage")
    user = assignment.user
    detail = {"role": assignment.role.code, "scope": assignment.scope_label}
    assignment.delete()
    permissions.forget(user)
    audit.record(actor=actor, action="role.revoke", target=user, changes=detail)


@transaction.atomic
def update_role(*, actor: Any, role: Role, **fields: Any) -> Role:
    permissions.require_global(actor, "account.manage")
    unknown = set(fields) - set(ROLE_FIELDS)
    if unknown:
        raise ValueError(f"unknown fields: {sorted(unknown)}")
    if "actions" in fields:
        bad = sorted(set(fields["actions"]) - set(permissions.ACTIONS))
        if bad:
            raise ValidationFailed({"actions": _("Unknown actions: %(a)s") % {"a": ", ".join(bad)}})
        fields["actions"] = sorted(set(fields["actions"]))
        if "account.manage" in fields["actions"] and set(fields["actions"]) - ADMIN_ACTIONS:
            raise ValidationFailed(
                {
                    "actions": _(
                        "A role that manages accounts may only also view the org tree: "
                        "whoever administers accounts does not read case content."
                    )
                }
            )
    role = Role.objects.select_for_update().get(pk=role.pk)
    before = audit.snapshot(role, ROLE_FIELDS)
    for name, value in fields.items():
        setattr(role, name, value)
    role.save()
    audit.record(
        actor=actor,
        action="role.update",
        target=role,
        changes=audit.diff(before, audit.snapshot(role, ROLE_FIELDS)),
    )
    return role


# --- API tokens --------------------------------------------------------------------


def token_digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


@transaction.atomic
def create_api_token(*, actor: Any, name: str, valid_days: int | None = 90) -> tuple[ApiToken, str]:
    """A token for the actor's own use; the raw value is returned once and never stored."""
    if not permissions.grants(actor):
        raise PermissionDenied("api.token")
    raw = "jd_" + secrets.token_urlsafe(32)
    expires = timezone.now() + dt.timedelta(days=valid_days) if valid_days else None
    token = ApiToken.objects.create(
        user=actor,
        name=name.strip() or _("API token"),
        digest=token_digest(raw),
        prefix=raw[:10],
        expires_at=expires,
    )
    audit.record(actor=actor, action="token.create", target=token)
    return token, raw


@transaction.atomic
def revoke_api_token(*, actor: Any, token: ApiToken) -> None:
    if token.user_id != actor.pk:
        permissions.require_global(actor, "account.manage")
    audit.record(actor=actor, action="token.revoke", target=token)
    token.delete()


@transaction.atomic
def record_sign_in(*, actor: Any, succeeded: bool, username: str) -> None:
    audit.record(
        actor=actor if succeeded else None,
        action="auth.sign_in" if succeeded else "auth.failed",
        kind="auth",
        target_type="accounts.user",
        target_id=str(actor.pk) if succeeded and actor else "",
        target_repr=username[:150],
    )


@transaction.atomic
def record_sign_out(*, actor: Any) -> None:
    audit.record(actor=actor, action="auth.sign_out", kind="auth", target=actor)
