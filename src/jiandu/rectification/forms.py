"""Forms of rectification: they check the shape of input; the services check the rules."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from jiandu.accounts.forms import DATE, ServiceForm
from jiandu.accounts.models import Person

from .models import Escalation, EvidenceDocument, Problem, SupervisionRecord, Task

TEXT = forms.Textarea(attrs={"rows": 3})


class ReasonForm(ServiceForm):
    reason = forms.CharField(label=_("Reason"), widget=TEXT)


class RejectForm(ServiceForm):
    reason = forms.CharField(label=_("What is missing or wrong?"), widget=TEXT)
    not_done = forms.BooleanField(label=_("Find the problem not done"), required=False)


class SplitForm(ServiceForm):
    titles = forms.CharField(
        label=_("Parts, one per line"),
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("The problem keeps the first line; each further line becomes a new problem."),
    )

    def clean_titles(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data["titles"].splitlines() if line.strip()]


class TaskForm(ServiceForm):
    measure = forms.CharField(label=_("Measure"), widget=TEXT)
    deliverable = forms.CharField(label=_("Deliverable"), max_length=300)
    deadline = forms.DateField(label=_("Deadline"), widget=DATE)
    kind = forms.ChoiceField(label=_("Kind"), choices=Task.Kind.choices)
    leader = forms.ModelChoiceField(label=_("Responsible leader"), queryset=Person.objects.none())
    department = forms.CharField(label=_("Responsible department"), max_length=200)
    person = forms.CharField(label=_("Responsible person"), max_length=100)

    def __init__(self, *args: Any, leaders: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["leader"].queryset = leaders  # type: ignore[attr-defined]


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> Any:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data]
        return [single(data, initial)] if data else []


class ProgressForm(ServiceForm):
    narrative = forms.CharField(label=_("Progress"), widget=forms.Textarea(attrs={"rows": 4}))
    completes = forms.BooleanField(label=_("The task is complete"), required=False)
    attachments = MultipleFileField(label=_("Evidence files"), required=False)


class EvidenceForm(ServiceForm):
    title = forms.CharField(
        label=pgettext_lazy("document", "Title"), max_length=300, required=False
    )
    document = forms.ModelChoiceField(
        label=_("New revision of"),
        queryset=EvidenceDocument.objects.none(),
        required=False,
        empty_label=_("(a new document)"),
    )
    file = forms.FileField(label=_("File"))

    def __init__(self, *args: Any, documents: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["document"].queryset = documents  # type: ignore[attr-defined]


class ResultForm(ServiceForm):
    text_ = forms.CharField(label=_("What was achieved"), widget=TEXT)
    date = forms.DateField(label=_("Date"), widget=DATE)


class ArchiveForm(ServiceForm):
    title = forms.CharField(label=pgettext_lazy("document", "Title"), max_length=300)
    reference = forms.CharField(label=_("Document number"), max_length=100, required=False)
    date = forms.DateField(label=_("Date"), widget=DATE)
    kept_by = forms.CharField(label=_("Kept by"), max_length=100, required=False)


class SupervisionForm(ServiceForm):
    kind = forms.ChoiceField(label=_("Kind"), choices=SupervisionRecord.Kind.choices)
    date = forms.DateField(label=_("Date"), widget=DATE)
    arrangement = forms.CharField(label=_("Plan of the check"), widget=TEXT, required=False)
    people = forms.CharField(label=_("People"), widget=TEXT)
    observations = forms.CharField(label=_("What was seen"), widget=TEXT)
    satisfaction = forms.ChoiceField(
        label=_("Satisfaction of the people concerned"),
        choices=SupervisionRecord.Satisfaction.choices,
        required=False,
    )


class EscalationForm(ServiceForm):
    level = forms.ChoiceField(label=_("Step"), choices=Escalation.Level.choices)
    problem = forms.ModelChoiceField(
        label=_("Problem"),
        queryset=Problem.objects.none(),
        required=False,
        empty_label=_("(the whole plan)"),
    )
    reason = forms.CharField(label=_("Reason"), widget=TEXT)
    requirements = forms.CharField(label=_("Requirements"), widget=TEXT)

    def __init__(self, *args: Any, problems: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["problem"].queryset = problems  # type: ignore[attr-defined]


class RecurrenceForm(ServiceForm):
    source = forms.CharField(
        label=_("What shows the recurrence"),
        max_length=200,
        help_text=_("For example finding:123, hit:<hit key> or lookback:<reference>."),
    )
    reason = forms.CharField(label=_("Reason"), widget=TEXT)


class ImportForm(ServiceForm):
    file = forms.FileField(label=_("Filled workbook (.xlsx)"))


class ExemptForm(ServiceForm):
    exempt = forms.ChoiceField(
        label=_("Withheld from the public version"), choices=Problem.Exempt.choices, required=False
    )
