"""Forms of the clue pages: they check the shape of input; the services check the rules."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from jiandu.accounts.forms import ServiceForm
from jiandu.accounts.models import OrgUnit, Post, User

from .models import Assignment, Clue, ClueTransfer
from .services.disposal import OUTCOMES

SUBJECT_ROWS = 3
DATE = forms.DateInput(attrs={"type": "date"})


class UserField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj} ({obj.username})" if obj.display_name else obj.username


class ClueForm(ServiceForm):
    summary = forms.CharField(
        label=_("Summary"), widget=forms.Textarea(attrs={"rows": 5}), max_length=20_000
    )
    category = forms.ChoiceField(label=_("Category"), choices=Clue.Category.choices)
    source = forms.ChoiceField(label=_("Source"), choices=Clue.Source.choices)
    from_body = forms.CharField(
        label=_("Transferring body"),
        required=False,
        max_length=200,
        help_text=_("For a clue transferred by another body."),
    )
    received_date = forms.DateField(label=_("Date received"), widget=DATE)
    confidentiality = forms.ChoiceField(
        label=_("Confidentiality"), choices=Clue.Confidentiality.choices, initial="confidential"
    )
    keeper = UserField(
        label=_("Kept by"),
        queryset=User.objects.none(),
        required=False,
        help_text=_("The clue officer who keeps the clue; empty: yourself."),
    )
    whistleblower_name = forms.CharField(
        label=_("Whistleblower's name"),
        required=False,
        max_length=100,
        help_text=_("Stored encrypted; shown only to the roles allowed, each time logged."),
    )
    whistleblower_contact = forms.CharField(
        label=_("Whistleblower's contact"), required=False, max_length=300
    )
    attachment = forms.FileField(label=_("Attachment"), required=False)

    def __init__(self, *args: Any, keepers: QuerySet[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["keeper"].queryset = keepers  # type: ignore[attr-defined]
        for i in range(1, SUBJECT_ROWS + 1):
            self.fields[f"subject_name_{i}"] = forms.CharField(
                label=_("Subject person %(n)d: name") % {"n": i}, required=False, max_length=100
            )
            self.fields[f"subject_post_{i}"] = forms.CharField(
                label=_("Subject person %(n)d: post") % {"n": i}, required=False, max_length=200
            )
            self.fields[f"subject_rank_{i}"] = forms.ChoiceField(
                label=_("Subject person %(n)d: rank") % {"n": i},
                required=False,
                choices=[("", "—"), *Post.Rank.choices],
            )
        self.order_fields(
            [
                "summary",
                *[
                    f"subject_{k}_{i}"
                    for i in range(1, SUBJECT_ROWS + 1)
                    for k in ("name", "post", "rank")
                ],
            ]
        )

    def subjects(self) -> list[dict[str, str]]:
        data = self.cleaned_data
        return [
            {
                "name": data.get(f"subject_name_{i}", ""),
                "post": data.get(f"subject_post_{i}", ""),
                "rank": data.get(f"subject_rank_{i}", ""),
            }
            for i in range(1, SUBJECT_ROWS + 1)
            if data.get(f"subject_name_{i}", "").strip()
        ]

    def add_service_errors(self, exc: Any) -> None:
        errors = dict(exc.errors)
        if "subjects" in errors:
            self.add_error("subject_name_1", errors.pop("subjects"))
        if "attachment" in errors:
            self.add_error("attachment", errors.pop("attachment"))
        if "whistleblower" in errors:
            self.add_error("whistleblower_name", errors.pop("whistleblower"))
        exc.errors = errors
        super().add_service_errors(exc)


class ProposeForm(ServiceForm):
    way = forms.ChoiceField(label=_("Way of disposal"), choices=Clue.Way.choices)
    inquiry_kind = forms.ChoiceField(
        label=_("Kind of inquiry"),
        required=False,
        choices=[("", "—"), *Clue.InquiryKind.choices],
        help_text=_("For a talk or written inquiry; a written reply is due in 15 working days."),
    )
    reason = forms.CharField(label=_("Reasons"), widget=forms.Textarea(attrs={"rows": 4}))
    approver = UserField(label=_("Approver"), queryset=User.objects.none())

    def __init__(self, *args: Any, approvers: QuerySet[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["approver"].queryset = approvers  # type: ignore[attr-defined]


class DecideForm(ServiceForm):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("approve", _("Approve")), ("reject", _("Reject"))],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class ReplyForm(ServiceForm):
    received_on = forms.DateField(label=_("Reply received on"), widget=DATE)
    text = forms.CharField(label=_("Written reply"), widget=forms.Textarea(attrs={"rows": 5}))


class OutcomeForm(ServiceForm):
    outcome = forms.ChoiceField(label=_("Outcome"))
    note = forms.CharField(
        label=_("What was established"), widget=forms.Textarea(attrs={"rows": 4})
    )

    def __init__(self, *args: Any, state: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["outcome"].choices = [  # type: ignore[attr-defined]
            (code, label)
            for code, (label, allowed, _target) in OUTCOMES.items()
            if state in allowed
        ]


class HandoverForm(ServiceForm):
    capacity = forms.ChoiceField(
        label=_("Hand over as"),
        choices=[c for c in Assignment.Capacity.choices if c[0] != "approver"],
    )
    to_user = UserField(label=_("To"), queryset=User.objects.none())
    note = forms.CharField(label=_("Note"), required=False, max_length=500)
    confirmed = forms.BooleanField(
        label=_("I confirm this hand-over and sign it with my account."), required=False
    )

    def __init__(self, *args: Any, receivers: QuerySet[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["to_user"].queryset = receivers  # type: ignore[attr-defined]


class TransferForm(ServiceForm):
    receiver_kind = forms.ChoiceField(label=_("Receiver"), choices=ClueTransfer.Receiver.choices)
    receiver_unit = forms.ModelChoiceField(
        label=_("Receiving body"), queryset=OrgUnit.objects.none(), required=False
    )
    sent_on = forms.DateField(label=_("Date of transfer"), widget=DATE)
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    confirmed = forms.BooleanField(
        label=_("I confirm this hand-over and sign it with my account."), required=False
    )

    def __init__(self, *args: Any, bodies: QuerySet[OrgUnit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["receiver_unit"].queryset = bodies  # type: ignore[attr-defined]


class ReceiptForm(ServiceForm):
    acknowledged_on = forms.DateField(label=_("Receipt acknowledged on"), widget=DATE)
    reference = forms.CharField(label=_("Receipt reference"), required=False, max_length=100)


class FeedbackForm(ServiceForm):
    fed_back_on = forms.DateField(label=_("Feedback received on"), widget=DATE)
    result = forms.CharField(
        label=pgettext_lazy("transfer", "Result"), widget=forms.Textarea(attrs={"rows": 4})
    )


class AttachmentForm(ServiceForm):
    attachment = forms.FileField(label=_("File"))


class PeriodForm(forms.Form):
    start = forms.DateField(label=_("From"), widget=DATE)
    end = forms.DateField(label=_("To"), widget=DATE)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("start") and data.get("end") and data["start"] > data["end"]:
            raise forms.ValidationError(_("The period ends before it starts."))
        return data
