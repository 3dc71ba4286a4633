"""Pages of the org tree, people, accounts and roles. Thin: parse, call, render."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from jiandu.core.errors import ValidationFailed
from jiandu.core.types import AuthedRequest

from . import forms, permissions, selectors, services
from .models import OrgUnit, Person, Post, RoleAssignment


def _page(request: HttpRequest, items: Any, per_page: int = 50) -> Any:
    return Paginator(items, per_page).get_page(request.GET.get("page"))


# --- home ------------------------------------------------------------------------------


@login_required
def home(request: AuthedRequest) -> HttpResponse:
    from jiandu.audit import selectors as audit_selectors
    from jiandu.supervision import selectors as supervision_selectors

    user = request.user
    return render(
        request,
        "accounts/home.html",
        {
            "assignments": selectors.assignments_of(user, user),
            "recent": audit_selectors.own_activity(user, limit=10),
            "unit_count": selectors.org_units(user).count()
            if permissions.has_any(user, "orgunit.view")
            else None,
            "people_count": selectors.people(user).count()
            if permissions.has_any(user, "person.view")
            else None,
            "user_count": selectors.users(user).count()
            if permissions.has_any(user, "account.manage")
            else None,
            "can_audit": permissions.has_any(user, "audit.view"),
            "hit_notices": supervision_selectors.notices(user),
        },
    )


# --- org units ---------------------------------------------------------------------


@login_required
def org_tree(request: AuthedRequest) -> HttpResponse:
    permissions.require(request.user, "orgunit.view")
    nodes = selectors.org_tree(request.user)
    return render(
        request,
        "accounts/org_tree.html",
        {
            "nodes": nodes,
            "expand_roots": sum(1 for n in nodes if n.level == 0) < 8,
            "can_create_root": permissions.has_global(request.user, "orgunit.manage"),
        },
    )


@login_required
def org_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    unit = selectors.org_unit(request.user, pk)
    return render(
        request,
        "accounts/org_detail.html",
        {
            "unit": unit,
            "ancestors": selectors.ancestors(request.user, unit),
            "children": selectors.org_units(request.user).filter(parent=unit),
            "posts": selectors.people_in(request.user, unit),
            "can_manage": permissions.can(request.user, "orgunit.manage", unit),
            "can_add_person": permissions.can(request.user, "person.manage", unit),
        },
    )


@login_required
def org_create(request: AuthedRequest) -> HttpResponse:
    parent = None
    if request.GET.get("parent"):
        parent = selectors.org_unit(request.user, int(request.GET["parent"]))
    if parent is not None:
        permissions.require(request.user, "orgunit.manage", parent)
    else:
        permissions.require_global(request.user, "orgunit.manage")
    form = forms.OrgUnitForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            unit = services.create_org_unit(
                actor=request.user,
                code=data["code"],
                name_zh=data["name_zh"],
                name_en=data["name_en"],
                kind=data["kind"],
                parent=parent,
            )
        except ValidationFailed as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, _("Org unit created."))
            return redirect("org_detail", pk=unit.pk)
    return render(
        request, "accounts/form.html", {"form": form, "title": _("New org unit"), "parent": parent}
    )


@login_required
def org_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    unit = selectors.org_unit(request.user, pk)
    permissions.require(request.user, "orgunit.manage", unit)
    initial = {f: getattr(unit, f) for f in ("code", "name_zh", "name_en", "kind", "is_active")}
    form = forms.OrgUnitForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_org_unit(actor=request.user, unit=unit, **form.cleaned_data)
        except ValidationFailed as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, _("Org unit saved."))
            return redirect("org_detail", pk=unit.pk)
    return render(
        request,
        "accounts/form.html",
        {"form": form, "title": _("Edit %(unit)s") % {"unit": unit.name}},
    )


# --- people ------------------------------------------------------------------------


@login_required
def people(request: AuthedRequest) -> HttpResponse:
    permissions.require(request.user, "person.view")
    query = request.GET.get("q", "").strip()
    org = None
    if request.GET.get("org"):
        org = selectors.org_unit(request.user, int(request.GET["org"]))
    page = _page(request, selectors.people(request.user, query=query, org=org))
    template = (
        "accounts/_people_rows.html"
        if request.headers.get("HX-Request")
        else "accounts/people.html"
    )
    return render(request, template, {"page": page, "query": query, "org": org})


@login_required
def person_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    person = selectors.person(request.user, pk)
    return render(
        request,
        "accounts/person_detail.html",
        {
            "person": person,
            "posts": selectors.posts_of(request.user, person),
            "can_manage": permissions.can(request.user, "person.manage", person),
        },
    )


@login_required
def person_create(request: AuthedRequest) -> HttpResponse:
    unit = selectors.org_unit(request.user, int(request.GET.get("org") or 0))
    permissions.require(request.user, "person.manage", unit)
    form = forms.NewPersonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            person = services.create_person(actor=request.user, org_unit=unit, **form.cleaned_data)
        except ValidationFailed as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, _("Person added."))
            return redirect("person_detail", pk=person.pk)
    title = _("New person in %(unit)s") % {"unit": unit.name}
    return render(request, "accounts/form.html", {"form": form, "title": title})


@login_required
def person_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    person = permissions.get_or_deny(request.user, "person.manage", Person.objects.all(), pk)
    initial = {f: getattr(person, f) for f in services.PERSON_FIELDS}
    form = forms.PersonForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_person(actor=request.user, person=person, **form.cleaned_data)
        except ValidationFailed as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, _("Person saved."))
            return redirect("person_detail", pk=person.pk)
    return render(
        request,
        "accounts/form.html",
        {"form": form, "title": _("Edit %(name)s") % {"name": person.name}},
    )


@login_required
def post_create(request: AuthedRequest, pk: int) -> HttpResponse:
    person = permissions.get_or_deny(request.user, "person.manage", Person.objects.all(), pk)
    form = forms.PostWithUnitForm(request.POST or None)
    form.fields["org_unit"].queryset = permissions.scope_filter(  # type: ignore[attr-defined]
        request.user, "person.manage", OrgUnit.objects.filter(is_active=True)
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.add_post(actor=request.user, person=person, **form.cleaned_data)
        except ValidationFailed as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, _("Post added."))
            return redirect("person_detail", pk=person.pk)
    return render(
        request,
        "accounts/form.html",
        {"form": form, "title": _("New post of %(name)s") % {"name": person.name}},
    )


@login_required
def post_end(request: AuthedRequest, pk: int) -> HttpResponse:
    post = permissions.get_or_deny(request.user, "person.manage", Post.objects.all(), pk)
    successors = selectors.successors_for(request.user, post)
    form = forms.EndPostForm(request.POST or None, successors=successors)
    if request.method == "POST" and form.is_valid():
        try:
            services.end_post(actor=request.user, post=post, **form.cleaned_data)
        except ValidationFailed as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, _("Post ended."))
            return redirect("person_detail", pk=post.person_id)
    return render(
        request,
        "accounts/form.html",
        {"form": form, "title": _("End the post %(post)s") % {"post": post}},
    )


# --- accounts and roles (administrators) ------------------------------------------------


@login_required
def users(request: AuthedRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()
    page = _page(request, selectors.users(request.user, query=query))
    return render(request, "accounts/users.html", {"page": page, "query": query})


@login_required
def user_create(request: AuthedRequest) -> HttpResponse:
    permissions.require_global(request.user, "account.manage")
    form = forms.NewUserForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.create_user(actor=request.user, **form.cleaned_data)
        except ValidationFailed as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, _("Account created. Now give it a role."))
            return redirect("user_detail", pk=user.pk)
    return render(request, "accounts/form.html", {"form": form, "title": _("New account")})


@login_required
def user_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    account = selectors.user(request.user, pk)
    edit = forms.EditUserForm(
        initial={
            "display_name": account.display_name,
            "email": account.email,
            "is_active": account.is_active,
            "person_id_number": account.person.id_number if account.person else "",
        }
    )
    assign = forms.AssignRoleForm()
    assign.fields["org_unit"].queryset = selectors.assignable_org_units(request.user)  # type: ignore[attr-defined]
    return render(
        request,
        "accounts/user_detail.html",
        {
            "account": account,
            "assignments": selectors.assignments_of(request.user, account),
            "edit_form": edit,
            "assign_form": assign,
            "password_form": forms.PasswordForm(),
        },
    )


def _redisplay(request: HttpRequest, pk: int, form: forms.ServiceForm) -> HttpResponse:
    for field, errs in form.errors.items():
        for err in errs:
            label = form.fields[field].label if field in form.fields else ""
            messages.error(request, f"{label}: {err}" if label else str(err))
    return redirect("user_detail", pk=pk)


@login_required
@require_POST
def user_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    account = selectors.user(request.user, pk)
    form = forms.EditUserForm(request.POST)
    if form.is_valid():
        try:
            services.update_user(actor=request.user, user=account, **form.cleaned_data)
        except ValidationFailed as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, _("Account saved."))
    return _redisplay(request, pk, form)


@login_required
@require_POST
def user_password(request: AuthedRequest, pk: int) -> HttpResponse:
    account = selectors.user(request.user, pk)
    form = forms.PasswordForm(request.POST)
    if form.is_valid():
        try:
            services.set_password(
                actor=request.user, user=account, password=form.cleaned_data["password"]
            )
        except ValidationFailed as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, _("Password reset."))
    return _redisplay(request, pk, form)


@login_required
@require_POST
def user_unlock(request: AuthedRequest, pk: int) -> HttpResponse:
    account = selectors.user(request.user, pk)
    cleared = services.unlock_user(actor=request.user, user=account)
    messages.success(
        request,
        ngettext(
            "Cleared %(n)d failed sign-in record.", "Cleared %(n)d failed sign-in records.", cleared
        )
        % {"n": cleared},
    )
    return redirect("user_detail", pk=pk)


@login_required
@require_POST
def user_assign(request: AuthedRequest, pk: int) -> HttpResponse:
    account = selectors.user(request.user, pk)
    form = forms.AssignRoleForm(request.POST)
    form.fields["org_unit"].queryset = selectors.assignable_org_units(request.user)  # type: ignore[attr-defined]
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.assign_role(
                actor=request.user,
                user=account,
                role=data["role"],
                org_unit=data["org_unit"] if data["scope_kind"] == "org_unit" else None,
                include_descendants=data["include_descendants"],
                valid_from=data["valid_from"],
                valid_until=data["valid_until"],
            )
        except ValidationFailed as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, _("Role assigned."))
    return _redisplay(request, pk, form)


@login_required
@require_POST
def assignment_revoke(request: AuthedRequest, pk: int) -> HttpResponse:
    permissions.require_global(request.user, "account.manage")
    assignment = get_object_or_404(RoleAssignment, pk=pk)
    user_pk = assignment.user_id
    services.revoke_assignment(actor=request.user, assignment=assignment)
    messages.success(request, _("Role revoked."))
    return redirect("user_detail", pk=user_pk)


@login_required
def roles(request: AuthedRequest) -> HttpResponse:
    return render(
        request,
        "accounts/roles.html",
        {"roles": selectors.roles(request.user), "actions": permissions.ACTIONS},
    )


@login_required
def role_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    role = get_object_or_404(selectors.roles(request.user), pk=pk)
    initial = {f: getattr(role, f) for f in services.ROLE_FIELDS}
    form = forms.RoleForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_role(actor=request.user, role=role, **form.cleaned_data)
        except ValidationFailed as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, _("Role saved."))
            return redirect("roles")
    return render(
        request,
        "accounts/form.html",
        {"form": form, "title": _("Edit the role %(role)s") % {"role": role.name}},
    )
