"""Forms of the finding pages: they check the shape of input; the services check the rules."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from jiandu.accounts.forms import ServiceForm
from jiandu.accounts.models import Person

from .models import Finding, FindingCategory, Round, Target


class CategoryChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        if obj.parent_id:
            return f"{obj.code} {obj.parent.name} · {obj.name}"
        return f"{obj.code} {obj.name}"


class FindingChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"#{obj.pk} {obj.target.round.name} · {obj.target.org_unit.name} · {obj.title}"


class TargetChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.org_unit.name} ({obj.round.code})"


class LeaderField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.name)


class FindingForm(ServiceForm):
    category = CategoryChoiceField(label=_("Category"), queryset=FindingCategory.objects.none())
    severity = forms.ChoiceField(
        label=_("Severity"), choices=Finding.Severity.choices, initial="general"
    )
    source = forms.ChoiceField(label=_("Source"), choices=Finding.Source.choices)
    title = forms.CharField(label=pgettext_lazy("document", "Title"), max_length=300)
    description = forms.CharField(label=_("Description"), widget=forms.Textarea(attrs={"rows": 6}))
    leaders = LeaderField(
        label=_("Leaders concerned"),
        queryset=Person.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(
        self,
        *args: Any,
        categories: QuerySet[FindingCategory],
        leaders: QuerySet[Person],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = categories  # type: ignore[attr-defined]
        self.fields["leaders"].queryset = leaders  # type: ignore[attr-defined]


class NewFindingForm(FindingForm):
    recurrence_of = FindingChoiceField(
        label=_("Recurrence of an earlier finding"),
        queryset=Finding.objects.none(),
        required=False,
        help_text=_("Optional: the earlier finding on this organization that recurs."),
    )

    def __init__(self, *args: Any, earlier: QuerySet[Finding], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["recurrence_of"].queryset = earlier  # type: ignore[attr-defined]


class RecurrenceForm(ServiceForm):
    recurrence_of = FindingChoiceField(
        label=_("Recurrence of an earlier finding"),
        queryset=Finding.objects.none(),
        required=False,
        help_text=_("Leave empty to remove the mark."),
    )

    def __init__(self, *args: Any, earlier: QuerySet[Finding], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["recurrence_of"].queryset = earlier  # type: ignore[attr-defined]


class WithdrawForm(ServiceForm):
    reason = forms.CharField(
        label=_("Reason for withdrawal"), widget=forms.Textarea(attrs={"rows": 3})
    )


class EvidenceForm(ServiceForm):
    file = forms.FileField(
        label=_("Evidence file"),
        help_text=_("Accepted types: %(types)s.")
        % {"types": ", ".join(sorted(settings.JIANDU["EVIDENCE_TYPES"]))},
    )


class FindingFilterForm(ServiceForm):
    """The filters of the findings list (GET). Choices are limited to what the actor sees."""

    round = forms.ModelChoiceField(
        label=_("Round"), queryset=Round.objects.none(), required=False, empty_label="—"
    )
    target = TargetChoiceField(
        label=pgettext_lazy("inspection", "Target"),
        queryset=Target.objects.none(),
        required=False,
        empty_label="—",
    )
    category = CategoryChoiceField(
        label=_("Category"),
        queryset=FindingCategory.objects.none(),
        required=False,
        empty_label="—",
    )
    state = forms.ChoiceField(
        label=_("State"), choices=[("", "—"), *Finding.State.choices], required=False
    )
    severity = forms.ChoiceField(
        label=_("Severity"), choices=[("", "—"), *Finding.Severity.choices], required=False
    )
    source = forms.ChoiceField(
        label=_("Source"), choices=[("", "—"), *Finding.Source.choices], required=False
    )
    q = forms.CharField(label=_("Text"), max_length=100, required=False)

    def __init__(
        self, *args: Any, rounds: QuerySet[Round], targets: QuerySet[Target], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["round"].queryset = rounds  # type: ignore[attr-defined]
        self.fields["target"].queryset = targets  # type: ignore[attr-defined]
        self.fields["category"].queryset = FindingCategory.objects.select_related(  # type: ignore[attr-defined]
            "parent"
        ).order_by("sort_order", "code")
        self.fields["q"].widget.attrs["placeholder"] = _("Title or description")

    def filters(self) -> dict[str, Any]:
        """The cleaned filters, as keyword arguments of `selectors.findings.findings`."""
        data = self.cleaned_data
        return {
            "round": data.get("round"),
            "target": data.get("target"),
            "category": data.get("category"),
            "state": data.get("state") or None,
            "severity": data.get("severity") or None,
            "source": data.get("source") or None,
            "q": data.get("q") or "",
        }
