"""Forms of reports, feedback and transfers: they check the shape of input; the services
check the rules."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from jiandu.accounts.forms import DATE, ServiceForm
from jiandu.accounts.models import OrgUnit, Person

from .models import Finding, Target, Transfer
from .services.transfers import RECEIVING_KINDS

TEXT = forms.Textarea(attrs={"rows": 4})
LONG_TEXT = forms.Textarea(attrs={"rows": 14})


class ReportForm(ServiceForm):
    title = forms.CharField(label=pgettext_lazy("document", "Title"), max_length=300)
    body = forms.CharField(label=_("Text"), widget=LONG_TEXT, required=False)
    suggestions = forms.CharField(label=_("Handling suggestions"), widget=TEXT, required=False)


class ReturnForm(ServiceForm):
    reason = forms.CharField(label=_("Why is the report returned?"), widget=TEXT)


class CentralFeedbackForm(ServiceForm):
    date = forms.DateField(label=_("Date of the meeting"), widget=DATE)
    attendees = forms.CharField(label=_("Attendees"), widget=TEXT)
    common_problems = forms.CharField(label=_("Common problems"), widget=LONG_TEXT)
    requirements = forms.CharField(label=_("Requirements"), widget=TEXT)


class TargetFeedbackForm(ServiceForm):
    date = forms.DateField(label=_("Feedback date"), widget=DATE)
    to_leadership_date = forms.DateField(
        label=_("Feedback to the leadership team"), widget=DATE, required=False
    )
    to_top_leader_date = forms.DateField(
        label=_("Feedback to the top leader"), widget=DATE, required=False
    )
    participants = forms.CharField(label=_("Participants"), widget=TEXT, required=False)
    requirements = forms.CharField(label=_("Requirements"), widget=LONG_TEXT)


class _Labelled(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        if isinstance(obj, Target):
            return obj.org_unit.name
        if isinstance(obj, Finding):
            return f"{obj.target.org_unit.name} · {obj.title}"
        return str(obj)


class _LabelledMany(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        if isinstance(obj, Finding):
            return f"{obj.target.org_unit.name} · {obj.title}"
        return str(obj)


class TransferForm(ServiceForm):
    kind = forms.ChoiceField(label=_("Kind"), choices=Transfer.Kind.choices)
    receiver_kind = forms.ChoiceField(label=_("Receiver"), choices=Transfer.Receiver.choices)
    receiver_unit = forms.ModelChoiceField(
        label=_("Receiving unit"), queryset=OrgUnit.objects.none()
    )
    date = forms.DateField(label=_("Date of transfer"), widget=DATE)
    target = _Labelled(
        label=pgettext_lazy("inspection", "Target"), queryset=Target.objects.none(), required=False
    )
    summary = forms.CharField(label=_("Summary"), widget=TEXT)
    findings = _LabelledMany(
        label=_("Findings"),
        queryset=Finding.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )
    persons = forms.ModelMultipleChoiceField(
        label=_("Persons concerned"),
        queryset=Person.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )

    def __init__(
        self,
        *args: Any,
        targets: QuerySet[Target],
        findings: QuerySet[Finding],
        persons: QuerySet[Person],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["receiver_unit"].queryset = OrgUnit.objects.filter(  # type: ignore[attr-defined]
            is_active=True, kind__in=RECEIVING_KINDS
        )
        self.fields["target"].queryset = targets  # type: ignore[attr-defined]
        self.fields["findings"].queryset = findings  # type: ignore[attr-defined]
        self.fields["persons"].queryset = persons  # type: ignore[attr-defined]
