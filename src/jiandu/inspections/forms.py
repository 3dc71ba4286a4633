"""Planning forms: rounds, teams, members, targets. Forms check the shape of input;
the planning services check the rules."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from jiandu.accounts.forms import DATE, ServiceForm
from jiandu.accounts.models import OrgUnit

from .models import Round, Target, Team, TeamMember


class UnitChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: OrgUnit) -> str:
        return f"{obj.code} · {obj.name}"


class RoundForm(ServiceForm):
    code = forms.CharField(
        label=_("Code"), max_length=40, help_text=_("A short unique code, e.g. 2025-1.")
    )
    name_zh = forms.CharField(label=_("Name (Chinese)"), max_length=200)
    name_en = forms.CharField(label=_("Name (English)"), max_length=200, required=False)
    start_date = forms.DateField(
        label=pgettext_lazy("period", "Start date"), required=False, widget=DATE
    )
    end_date = forms.DateField(
        label=pgettext_lazy("period", "End date"), required=False, widget=DATE
    )


class TeamForm(ServiceForm):
    number = forms.IntegerField(label=_("Team number"), min_value=1, max_value=999)
    name_zh = forms.CharField(label=_("Name (Chinese)"), max_length=100)
    name_en = forms.CharField(label=_("Name (English)"), max_length=100, required=False)


class MemberForm(ServiceForm):
    username = forms.CharField(
        label=_("User name"),
        max_length=150,
        help_text=_("The user name of the member's account."),
    )
    position = forms.ChoiceField(label=_("Position"), choices=TeamMember.Position.choices)


class TargetFieldsForm(ServiceForm):
    """The per-target inspection record: team, dates, background consulted."""

    team = forms.ModelChoiceField(label=_("Team"), queryset=Team.objects.none())
    entry_date = forms.DateField(label=_("Entry date"), required=False, widget=DATE)
    entry_meeting_date = forms.DateField(label=_("Entry meeting"), required=False, widget=DATE)
    exit_date = forms.DateField(label=_("Exit date"), required=False, widget=DATE)
    sources_consulted = forms.MultipleChoiceField(
        label=_("Background consulted before entry"),
        choices=Target.Source.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, teams: QuerySet[Team] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if teams is not None:
            self.fields["team"].queryset = teams  # type: ignore[attr-defined]
        self.order_fields(["org_unit", "team", "entry_date", "entry_meeting_date", "exit_date"])


class NewTargetForm(TargetFieldsForm):
    org_unit = UnitChoiceField(label=_("Inspected organization"), queryset=OrgUnit.objects.none())

    def __init__(
        self,
        *args: Any,
        teams: QuerySet[Team] | None = None,
        units: QuerySet[OrgUnit] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, teams=teams, **kwargs)
        if units is not None:
            self.fields["org_unit"].queryset = units  # type: ignore[attr-defined]


class AdvanceForm(forms.Form):
    to_state = forms.ChoiceField(choices=Round.State.choices)
