"""Pages of round planning: the round list and overview, stages, teams, members and
targets. Thin: parse, call one selector or service, render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jiandu.accounts import permissions
from jiandu.accounts import selectors as accounts
from jiandu.core.errors import InvalidTransition, ValidationFailed
from jiandu.core.types import AuthedRequest

from .. import forms
from ..selectors import planning as selectors
from ..services import planning as services

FORM = "accounts/form.html"


@login_required
def rounds(request: AuthedRequest) -> HttpResponse:
    permissions.require(request.user, "round.view")
    return render(
        request,
        "inspections/planning/rounds.html",
        {
            "rounds": selectors.rounds(request.user),
            "can_create": permissions.has_global(request.user, "round.manage"),
        },
    )


@login_required
def round_create(request: AuthedRequest) -> HttpResponse:
    permissions.require_global(request.user, "round.manage")
    form = forms.RoundForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            round = services.create_round(actor=request.user, **form.cleaned_data)
        except ValidationFailed as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, _("Round created."))
            return redirect("round_detail", pk=round.pk)
    return render(
        request,
        FORM,
        {"form": form, "title": _("New inspection round"), "cancel_url": "/inspections/"},
    )


@login_required
def round_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    round = selectors.round(request.user, pk)
    can_manage = permissions.can(request.user, "round.manage", round)
    return render(
        request,
        "inspections/planning/round_detail.html",
        {
            "round": round,
            "overview": selectors.round_overview(request.user, round),
            "next_stages": selectors.next_stages(request.user, round),
            "stages": round.State.choices,
            "can_manage": can_manage and round.state != round.State.CLOSED,
            "can_see_reporting": permissions.has_any(request.user, "report.view"),
        },
    )


@login_required
@require_POST
def round_advance(request: AuthedRequest, pk: int) -> HttpResponse:
    round = selectors.round(request.user, pk)
    permissions.require(request.user, "round.manage", round)
    form = forms.AdvanceForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose the stage to move to."))
        return redirect("round_detail", pk=round.pk)
    try:
        round = services.advance_round(
            actor=request.user, round=round, to_state=form.cleaned_data["to_state"]
        )
    except ValidationFailed as exc:
        for message in exc.errors.values():
            messages.error(request, message)
    except InvalidTransition as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            _("The round is now at the stage “%(stage)s”.") % {"stage": round.get_state_display()},
        )
    return redirect("round_detail", pk=round.pk)


@login_required
def team_create(request: AuthedRequest, pk: int) -> HttpResponse:
    round = selectors.round(request.user, pk)
    permissions.require(request.user, "round.manage", round)
    next_number = (
        round.teams.order_by("-number").values_list("number", flat=True).first() or 0
    ) + 1
    form = forms.TeamForm(request.POST or None, initial={"number": next_number})
    if request.method == "POST" and form.is_valid():
        try:
            services.create_team(actor=request.user, round=round, **form.cleaned_data)
        except ValidationFailed as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, _("Team created."))
            return redirect("round_detail", pk=round.pk)
    return render(
        request,
        FORM,
        {
            "form": form,
            "title": _("New team in %(round)s") % {"round": round.name},
            "cancel_url": round_url(round.pk),
        },
    )


@login_required
def team_member_add(request: AuthedRequest, pk: int) -> HttpResponse:
    team = selectors.team(request.user, pk, action="round.manage")
    form = forms.MemberForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = selectors.account_for_team(request.user, team, data["username"])
            services.add_member(actor=request.user, team=team, user=user, position=data["position"])
        except ValidationFailed as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, _("%(user)s joined the team.") % {"user": user})
            return redirect("round_detail", pk=team.round_id)
    return render(
        request,
        FORM,
        {
            "form": form,
            "title": _("Add a member to %(team)s") % {"team": team.name},
            "cancel_url": round_url(team.round_id),
        },
    )


@login_required
@require_POST
def team_member_remove(request: AuthedRequest, pk: int) -> HttpResponse:
    member = selectors.member(request.user, pk)
    round_id = member.team.round_id
    try:
        services.remove_member(actor=request.user, member=member)
    except ValidationFailed as exc:
        for message in exc.errors.values():
            messages.error(request, message)
    else:
        messages.success(request, _("%(user)s left the team.") % {"user": member.user})
    return redirect("round_detail", pk=round_id)


@login_required
def round_target_create(request: AuthedRequest, pk: int) -> HttpResponse:
    round = selectors.round(request.user, pk)
    permissions.require(request.user, "round.manage", round)
    form = forms.NewTargetForm(
        request.POST or None,
        teams=round.teams.all(),
        units=accounts.org_units(request.user).exclude(inspections__round=round),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.add_target(actor=request.user, round=round, **form.cleaned_data)
        except ValidationFailed as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, _("Target added."))
            return redirect("round_detail", pk=round.pk)
    return render(
        request,
        FORM,
        {
            "form": form,
            "title": _("New target in %(round)s") % {"round": round.name},
            "cancel_url": round_url(round.pk),
        },
    )


@login_required
def target_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    target = selectors.target(request.user, pk, action="round.manage")
    initial = {
        "team": target.team,
        "entry_date": target.entry_date,
        "entry_meeting_date": target.entry_meeting_date,
        "exit_date": target.exit_date,
        "sources_consulted": target.sources_consulted,
    }
    form = forms.TargetFieldsForm(
        request.POST or None, initial=initial, teams=target.round.teams.all()
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.update_target(actor=request.user, target=target, **form.cleaned_data)
        except ValidationFailed as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, _("Target saved."))
            return redirect("round_detail", pk=target.round_id)
    return render(
        request,
        FORM,
        {
            "form": form,
            "title": _("Inspection record of %(unit)s") % {"unit": target.org_unit.name},
            "cancel_url": round_url(target.round_id),
        },
    )


def round_url(pk: int) -> str:
    from django.urls import reverse

    return reverse("round_detail", args=[pk])


urlpatterns: list[URLPattern] = [
    path("", rounds, name="rounds"),
    path("rounds/new/", round_create, name="round_create"),
    path("rounds/<int:pk>/", round_detail, name="round_detail"),
    path("rounds/<int:pk>/advance/", round_advance, name="round_advance"),
    path("rounds/<int:pk>/teams/new/", team_create, name="round_team_create"),
    path("rounds/<int:pk>/targets/new/", round_target_create, name="round_target_create"),
    path("teams/<int:pk>/members/add/", team_member_add, name="team_member_add"),
    path("members/<int:pk>/remove/", team_member_remove, name="team_member_remove"),
    path("targets/<int:pk>/plan/", target_edit, name="target_edit"),
]
