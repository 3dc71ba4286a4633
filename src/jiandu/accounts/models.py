"""Org units, people and their posts, user accounts, roles and scoped role assignments."""

from __future__ import annotations

from typing import ClassVar

from django.contrib.auth.models import AbstractUser
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from jiandu.core.text import bilingual


class OrgUnit(models.Model):
    """A node of the organization tree: an enterprise, a department, a commission..."""

    class Kind(models.TextChoices):
        ENTERPRISE = "enterprise", _("Enterprise")
        SUBSIDIARY = "subsidiary", _("Subsidiary")
        DEPARTMENT = "department", _("Department")
        COMMISSION = "commission", _("Discipline inspection commission")
        ORGANIZATION_DEPARTMENT = "organization_department", _("Organization department")
        INSPECTION_OFFICE = "inspection_office", _("Inspection leading-group office")
        LOCAL_GOVERNMENT = "local_government", _("Local government")
        VILLAGE_COMMITTEE = "village_committee", _("Village committee")
        OTHER = "other", _("Other")

    code = models.CharField(_("code"), max_length=40, unique=True)
    name_zh = models.CharField(_("name (Chinese)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    # Materialized path of primary keys, "/1/7/42/": subtree queries are one prefix match.
    path = models.CharField(max_length=500, db_index=True, editable=False, default="")
    depth = models.PositiveSmallIntegerField(default=0, editable=False)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    scope_org_lookup: ClassVar[str] = ""

    class Meta:
        verbose_name = _("org unit")
        verbose_name_plural = _("org units")
        ordering = ["path"]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return bilingual(self.name_zh, self.name_en)

    def is_within(self, other: OrgUnit) -> bool:
        return self.path.startswith(other.path)


class Person(models.Model):
    """A person known to the system: a cadre, an employee, a relative..."""

    class Gender(models.TextChoices):
        MALE = "M", _("Male")
        FEMALE = "F", _("Female")

    name = models.CharField(_("name"), max_length=100)
    name_latin = models.CharField(_("name in Latin letters"), max_length=100, blank=True)
    id_number = models.CharField(_("ID number"), max_length=18, unique=True, null=True, blank=True)
    gender = models.CharField(_("gender"), max_length=1, choices=Gender.choices, blank=True)
    birth_date = models.DateField(_("birth date"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    scope_org_lookup: ClassVar[str] = "posts__org_unit"

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name


class Post(models.Model):
    """A post a person holds or held in an org unit."""

    class Rank(models.TextChoices):
        MINISTERIAL = "ministerial", _("Ministerial")
        VICE_MINISTERIAL = "vice_ministerial", _("Vice-ministerial")
        BUREAU = "bureau", _("Bureau (department director)")
        VICE_BUREAU = "vice_bureau", _("Deputy bureau")
        DIVISION = "division", _("Division")
        VICE_DIVISION = "vice_division", _("Deputy division")
        SECTION = "section", _("Section")
        VICE_SECTION = "vice_section", _("Deputy section")
        STAFF = "staff", _("Staff")
        ENTERPRISE_EXECUTIVE = "enterprise_executive", _("Enterprise executive")
        OTHER = "other", _("Other")

    person = models.ForeignKey(
        Person, verbose_name=_("person"), on_delete=models.CASCADE, related_name="posts"
    )
    org_unit = models.ForeignKey(
        OrgUnit, verbose_name=_("org unit"), on_delete=models.PROTECT, related_name="posts"
    )
    title = models.CharField(_("title"), max_length=200)
    rank = models.CharField(_("rank"), max_length=32, choices=Rank.choices, blank=True)
    is_leading_cadre = models.BooleanField(_("leading cadre"), default=False)
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"), null=True, blank=True)

    scope_org_lookup: ClassVar[str] = "org_unit"

    class Meta:
        verbose_name = _("post")
        verbose_name_plural = _("posts")
        ordering = ["-start_date", "id"]

    def __str__(self) -> str:
        return f"{self.person} · {self.title}"

    @property
    def is_current(self) -> bool:
        return self.end_date is None or self.end_date >= timezone.localdate()


class User(AbstractUser):
    """A sign-in account. Permissions come only from role assignments, never from flags."""

    person = models.OneToOneField(
        Person,
        verbose_name=_("person"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="account",
    )
    display_name = models.CharField(_("display name"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["username"]

    def __str__(self) -> str:
        return self.display_name or self.username


class Role(models.Model):
    """A role of DOMAIN.md section 5, kept as data: its actions and whether it needs TOTP."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name_zh = models.CharField(_("name (Chinese)"), max_length=100)
    name_en = models.CharField(_("name (English)"), max_length=100)
    description_zh = models.TextField(_("description (Chinese)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    actions = models.JSONField(_("actions"), default=list)
    requires_otp = models.BooleanField(_("requires second factor"), default=False)
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("role")
        verbose_name_plural = _("roles")
        ordering = ["sort_order", "code"]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return bilingual(self.name_zh, self.name_en)

    @property
    def description(self) -> str:
        return bilingual(self.description_zh, self.description_en)


class RoleAssignment(models.Model):
    """A role given to a user within a scope: everything, an org subtree, or one object."""

    class ScopeKind(models.TextChoices):
        GLOBAL = "global", _("Everything")
        ORG_UNIT = "org_unit", _("Org unit")
        OBJECT = "object", _("Single object (round, team, clue...)")

    user = models.ForeignKey(
        User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="assignments"
    )
    role = models.ForeignKey(
        Role, verbose_name=_("role"), on_delete=models.PROTECT, related_name="assignments"
    )
    scope_kind = models.CharField(_("scope"), max_length=16, choices=ScopeKind.choices)
    org_unit = models.ForeignKey(
        OrgUnit,
        verbose_name=_("org unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="role_assignments",
    )
    include_descendants = models.BooleanField(_("include subordinate units"), default=True)
    object_type = models.ForeignKey(
        ContentType, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    object_id = models.CharField(max_length=64, blank=True)
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    granted_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    granted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("role assignment")
        verbose_name_plural = _("role assignments")
        ordering = ["user_id", "role__sort_order", "id"]
        constraints = [
            models.CheckConstraint(
                name="assignment_scope_consistent",
                condition=(
                    models.Q(scope_kind="global", org_unit__isnull=True, object_type__isnull=True)
                    | models.Q(
                        scope_kind="org_unit", org_unit__isnull=False, object_type__isnull=True
                    )
                    | models.Q(
                        scope_kind="object", org_unit__isnull=True, object_type__isnull=False
                    )
                ),
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.role} · {self.scope_label}"

    @property
    def scope_label(self) -> str:
        if self.scope_kind == self.ScopeKind.GLOBAL:
            return str(_("Everything"))
        if self.scope_kind == self.ScopeKind.ORG_UNIT and self.org_unit is not None:
            if self.include_descendants:
                return str(_("%(unit)s and subordinate units") % {"unit": self.org_unit.name})
            return self.org_unit.name
        target = self.scoped_object
        return str(target) if target is not None else f"{self.object_type}#{self.object_id}"

    @property
    def scoped_object(self) -> models.Model | None:
        if self.object_type is None:
            return None
        model = self.object_type.model_class()
        if model is None:
            return None
        return model._default_manager.filter(pk=self.object_id).first()

    def is_active_on(self, day: object) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (  # type: ignore[operator]
            self.valid_until is None or self.valid_until >= day  # type: ignore[operator]
        )


class ApiToken(models.Model):
    """A personal API token. Only its SHA-256 digest is stored."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(pgettext_lazy("token", "name"), max_length=100)
    digest = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(max_length=12)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"
