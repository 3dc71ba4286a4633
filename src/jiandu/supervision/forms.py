"""Forms of the supervision pages: they check the shape of input; the services check the
rules."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from jiandu.accounts.forms import ServiceForm
from jiandu.accounts.models import OrgUnit

from .models import DismissalReason, Hit


class QueueFilterForm(ServiceForm):
    theme = forms.ChoiceField(label=_("Theme"), required=False)
    model = forms.ChoiceField(label=_("Model"), required=False)
    org_unit = forms.ModelChoiceField(
        label=_("Organization"), queryset=OrgUnit.objects.none(), required=False
    )
    region = forms.CharField(
        label=_("Region code"),
        max_length=12,
        required=False,
        help_text=_("A prefix: 33 is the province, 3301 one city."),
    )
    min_score = forms.FloatField(
        label=_("Score at least"), min_value=0, max_value=1, required=False
    )
    state = forms.ChoiceField(label=_("State"), required=False)
    q = forms.CharField(label=_("Search"), max_length=100, required=False)

    def __init__(self, *args: Any, models: list[str], units: QuerySet[OrgUnit], **kwargs: Any):
        super().__init__(*args, **kwargs)
        every = [("", _("All"))]
        self.fields["theme"].choices = every + list(Hit.Theme.choices)  # type: ignore[attr-defined]
        self.fields["model"].choices = every + [(m, m) for m in models]  # type: ignore[attr-defined]
        self.fields["state"].choices = every + list(Hit.State.choices)  # type: ignore[attr-defined]
        self.fields["org_unit"].queryset = units  # type: ignore[attr-defined]
        self.fields["region"].widget.attrs["pattern"] = "[0-9]*"

    def clean_region(self) -> str:
        value = str(self.cleaned_data.get("region") or "").strip()
        if value and not value.isdigit():
            raise forms.ValidationError(_("Digits only, e.g. 3301."))
        return value


class DismissForm(ServiceForm):
    reason = forms.ModelChoiceField(label=_("Reason"), queryset=DismissalReason.objects.none())
    comment = forms.CharField(
        label=_("Comment"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, reasons: QuerySet[DismissalReason], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["reason"].queryset = reasons  # type: ignore[attr-defined]


class HitChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"#{obj.pk} {obj.model_id} {obj.subject_id} ({obj.get_state_display()})"


class MergeForm(ServiceForm):
    into = HitChoiceField(label=_("Merge into"), queryset=Hit.objects.none())
    comment = forms.CharField(
        label=_("Comment"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, candidates: QuerySet[Hit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["into"].queryset = candidates  # type: ignore[attr-defined]


class CommentForm(ServiceForm):
    comment = forms.CharField(
        label=_("Comment"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class UploadForm(ServiceForm):
    file = forms.FileField(
        label=_("Register directory as a zip"),
        help_text=_("persons.csv, organizations.csv, … and ocds/*.jsonl, as REGISTERS.md says."),
    )


class ModelRunForm(ServiceForm):
    only = forms.MultipleChoiceField(
        label=_("Models (none ticked: the whole catalogue)"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    params = forms.CharField(
        label=_("Parameters"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3, "placeholder": "P01.grace_days=60"}),
        help_text=_("One per line: model id, dot, parameter, equals sign, value."),
    )

    def __init__(self, *args: Any, models: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["only"].choices = models  # type: ignore[attr-defined]


class EscalateForm(ServiceForm):
    summary = forms.CharField(
        label=_("Summary of the clue"), max_length=20_000, widget=forms.Textarea(attrs={"rows": 5})
    )
    category = forms.ChoiceField(label=_("Category"))
    keeper: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label=_("Clue officer who keeps it"), queryset=None
    )
    subjects = forms.MultipleChoiceField(
        label=_("Subject persons"), required=False, widget=forms.CheckboxSelectMultiple
    )
    extra_subject = forms.CharField(
        label=_("Another subject person (name)"), max_length=100, required=False
    )
    confidentiality = forms.ChoiceField(label=_("Confidentiality"))

    def __init__(
        self,
        *args: Any,
        categories: list[tuple[str, Any]],
        levels: list[tuple[str, Any]],
        keepers: QuerySet[Any],
        candidates: list[Any],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = categories  # type: ignore[attr-defined]
        self.fields["confidentiality"].choices = levels  # type: ignore[attr-defined]
        self.fields["keeper"].queryset = keepers  # type: ignore[attr-defined]
        self.fields["subjects"].choices = [  # type: ignore[attr-defined]
            (c.register_id, c.label) for c in candidates
        ]


class FlagForm(ServiceForm):
    problem = forms.IntegerField(min_value=1, widget=forms.HiddenInput)
    reason = forms.CharField(
        label=_("Why the hit shows the problem recurring"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
