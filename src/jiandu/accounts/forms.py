"""Forms check the shape of input; services check the rules."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from jiandu.core.errors import ValidationFailed

from . import permissions
from .models import OrgUnit, Person, Post, Role

DATE = forms.DateInput(attrs={"type": "date"})


def style_widgets(form: forms.Form) -> None:
    """Bootstrap classes on every widget, and the invalid state on fields with errors.

    Reads the errors only once the form has been validated: asking for `form.errors` here
    would validate it in `__init__`, before subclasses set their choices and querysets."""
    errors = getattr(form, "_errors", None) or {}
    for name, field in form.fields.items():
        widget = field.widget
        if isinstance(widget, forms.CheckboxSelectMultiple | forms.CheckboxInput):
            css = "form-check-input"
        elif isinstance(widget, forms.Select):
            css = "form-select"
        else:
            css = "form-control"
        if name in errors:
            css += " is-invalid"
        widget.attrs["class"] = css


class ServiceForm(forms.Form):
    """A form that can take a service's ValidationFailed as field errors."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        style_widgets(self)

    def full_clean(self) -> None:
        super().full_clean()
        style_widgets(self)

    def add_service_errors(self, exc: ValidationFailed) -> None:
        for name, message in exc.errors.items():
            self.add_error(name if name in self.fields else None, message)
        style_widgets(self)


class OrgUnitForm(ServiceForm):
    code = forms.CharField(label=_("Code"), max_length=40)
    name_zh = forms.CharField(label=_("Name (Chinese)"), max_length=200)
    name_en = forms.CharField(label=_("Name (English)"), max_length=200, required=False)
    kind = forms.ChoiceField(label=_("Kind"), choices=OrgUnit.Kind.choices)
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)


class PersonForm(ServiceForm):
    name = forms.CharField(label=_("Name"), max_length=100)
    name_latin = forms.CharField(label=_("Name in Latin letters"), max_length=100, required=False)
    id_number = forms.CharField(label=_("ID number"), max_length=30, required=False)
    gender = forms.ChoiceField(
        label=_("Gender"), choices=[("", "—"), *Person.Gender.choices], required=False
    )
    birth_date = forms.DateField(label=_("Birth date"), required=False, widget=DATE)


class PostForm(ServiceForm):
    title = forms.CharField(label=_("Title"), max_length=200)
    rank = forms.ChoiceField(
        label=_("Rank"), choices=[("", "—"), *Post.Rank.choices], required=False
    )
    is_leading_cadre = forms.BooleanField(label=_("Leading cadre"), required=False)
    start_date = forms.DateField(label=_("Start date"), widget=DATE)
    end_date = forms.DateField(label=_("End date"), required=False, widget=DATE)


class NewPersonForm(PersonForm):
    title = forms.CharField(label=_("Title"), max_length=200)
    rank = forms.ChoiceField(
        label=_("Rank"), choices=[("", "—"), *Post.Rank.choices], required=False
    )
    is_leading_cadre = forms.BooleanField(label=_("Leading cadre"), required=False)
    start_date = forms.DateField(label=_("Start date"), widget=DATE)


class PostWithUnitForm(PostForm):
    org_unit = forms.ModelChoiceField(label=_("Org unit"), queryset=OrgUnit.objects.none())


class EndPostForm(ServiceForm):
    end_date = forms.DateField(label=_("End date"), widget=DATE)
    successor = forms.ModelChoiceField(
        label=_("Successor for open responsibilities"),
        queryset=Person.objects.none(),
        required=False,
        help_text=_("Required when the person leaves open rectification tasks behind."),
    )

    def __init__(self, *args: Any, successors: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if successors is not None:
            self.fields["successor"].queryset = successors  # type: ignore[attr-defined]


class NewUserForm(ServiceForm):
    username = forms.CharField(label=_("User name"), max_length=150)
    display_name = forms.CharField(label=_("Display name"), max_length=100, required=False)
    email = forms.EmailField(label=_("Email"), required=False)
    password = forms.CharField(label=_("Initial password"), widget=forms.PasswordInput)
    person_id_number = forms.CharField(
        label=_("Link to the person with ID number"),
        max_length=30,
        required=False,
        help_text=_("Optional. The account then acts for this person."),
    )


class EditUserForm(ServiceForm):
    display_name = forms.CharField(label=_("Display name"), max_length=100, required=False)
    email = forms.EmailField(label=_("Email"), required=False)
    is_active = forms.BooleanField(label=_("Active"), required=False)
    person_id_number = forms.CharField(
        label=_("Link to the person with ID number"),
        max_length=30,
        required=False,
        help_text=_("Leave empty to remove the link."),
    )


class PasswordForm(ServiceForm):
    password = forms.CharField(label=_("New password"), widget=forms.PasswordInput)
    confirm = forms.CharField(label=_("Repeat the new password"), widget=forms.PasswordInput)

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        if data.get("password") and data.get("password") != data.get("confirm"):
            self.add_error("confirm", _("The two passwords differ."))
        return data


class AssignRoleForm(ServiceForm):
    SCOPES = [("global", _("Everything")), ("org_unit", _("An org unit"))]
    role = forms.ModelChoiceField(label=_("Role"), queryset=Role.objects.all())
    scope_kind = forms.ChoiceField(label=_("Scope"), choices=SCOPES, initial="org_unit")
    org_unit = forms.ModelChoiceField(
        label=_("Org unit"), queryset=OrgUnit.objects.none(), required=False
    )
    include_descendants = forms.BooleanField(
        label=_("Include subordinate units"), required=False, initial=True
    )
    valid_from = forms.DateField(label=_("Valid from"), required=False, widget=DATE)
    valid_until = forms.DateField(label=_("Valid until"), required=False, widget=DATE)

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        if data.get("scope_kind") == "org_unit" and not data.get("org_unit"):
            self.add_error("org_unit", _("Choose the org unit the role applies to."))
        return data


class RoleForm(ServiceForm):
    name_zh = forms.CharField(label=_("Name (Chinese)"), max_length=100)
    name_en = forms.CharField(label=_("Name (English)"), max_length=100)
    description_zh = forms.CharField(
        label=_("Description (Chinese)"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    description_en = forms.CharField(
        label=_("Description (English)"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    requires_otp = forms.BooleanField(label=_("Requires a second factor (TOTP)"), required=False)
    actions = forms.MultipleChoiceField(
        label=_("Actions"), required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["actions"].choices = sorted(  # type: ignore[attr-defined]
            permissions.ACTIONS.items()
        )


class TokenForm(ServiceForm):
    name = forms.CharField(label=_("Token name"), max_length=100)


class OtpForm(forms.Form):
    token = forms.CharField(
        label=_("Six-digit code"),
        max_length=8,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )
