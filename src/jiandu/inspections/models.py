"""Inspection rounds (DOMAIN.md section 1): rounds, teams, targets, findings with
evidence, reports, feedback and transfers. State fields change only through
`jiandu.core.states.apply` with the tables below."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from jiandu.accounts.models import OrgUnit, Person
from jiandu.core.text import bilingual


class Round(models.Model):
    class State(models.TextChoices):
        PLANNING = "planning", _("Planning")
        INSPECTING = "inspecting", _("On-site inspection")
        REPORTING = "reporting", _("Reporting")
        FEEDBACK = "feedback", _("Feedback")
        RECTIFICATION = "rectification", _("Rectification")
        CLOSED = "closed", _("Closed")

    TRANSITIONS: ClassVar = {
        "planning": frozenset({"inspecting"}),
        "inspecting": frozenset({"reporting"}),
        "reporting": frozenset({"feedback"}),
        "feedback": frozenset({"rectification"}),
        "rectification": frozenset({"closed"}),
        "closed": frozenset(),
    }

    code = models.CharField(_("code"), max_length=40, unique=True)
    name_zh = models.CharField(_("name (Chinese)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    state = models.CharField(_("stage"), max_length=16, choices=State.choices, default="planning")
    start_date = models.DateField(pgettext_lazy("period", "start date"), null=True, blank=True)
    end_date = models.DateField(pgettext_lazy("period", "end date"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    scope_org_lookup: ClassVar[str | None] = None

    class Meta:
        verbose_name = _("inspection round")
        verbose_name_plural = _("inspection rounds")
        ordering = ["-start_date", "-id"]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return bilingual(self.name_zh, self.name_en)


class Team(models.Model):
    round = models.ForeignKey(
        Round, verbose_name=_("round"), on_delete=models.CASCADE, related_name="teams"
    )
    number = models.PositiveSmallIntegerField(pgettext_lazy("team", "number"))
    name_zh = models.CharField(_("name (Chinese)"), max_length=100)
    name_en = models.CharField(_("name (English)"), max_length=100, blank=True)

    scope_org_lookup: ClassVar[str | None] = None
    scope_object_lookups: ClassVar[dict[str, str]] = {"inspections.round": "round"}

    class Meta:
        verbose_name = _("inspection team")
        verbose_name_plural = _("inspection teams")
        ordering = ["round_id", "number"]
        constraints = [
            models.UniqueConstraint(fields=["round", "number"], name="team_number_unique")
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return bilingual(self.name_zh, self.name_en)


class TeamMember(models.Model):
    """A place on a team. Its rights come from the role assignment (scoped to the team)
    that the service creates with it."""

    class Position(models.TextChoices):
        LEADER = "leader", _("Team leader")
        DEPUTY = "deputy", _("Deputy leader")
        MEMBER = "member", _("Member")

    team = models.ForeignKey(
        Team, verbose_name=_("team"), on_delete=models.CASCADE, related_name="members"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account"),
        on_delete=models.PROTECT,
        related_name="team_places",
    )
    position = models.CharField(_("position"), max_length=8, choices=Position.choices)

    scope_org_lookup: ClassVar[str | None] = None
    scope_object_lookups: ClassVar[dict[str, str]] = {
        "inspections.team": "team",
        "inspections.round": "team__round",
    }

    class Meta:
        verbose_name = _("team member")
        verbose_name_plural = _("team members")
        ordering = ["team_id", "position", "id"]
        constraints = [models.UniqueConstraint(fields=["team", "user"], name="team_member_unique")]

    def __str__(self) -> str:
        return f"{self.team} · {self.user}"


class Target(models.Model):
    """An inspected organization in a round, assigned to one team."""

    class Source(models.TextChoices):
        DISCIPLINE = "discipline", _("Discipline commission")
        POLITICAL_LEGAL = "political_legal", _("Political-legal bodies")
        ORGANIZATION = "organization", _("Organization department")
        AUDIT = "audit", _("Audit")
        PETITION = "petition", _("Petitions and reports")

    round = models.ForeignKey(
        Round, verbose_name=_("round"), on_delete=models.CASCADE, related_name="targets"
    )
    team = models.ForeignKey(
        Team, verbose_name=_("team"), on_delete=models.PROTECT, related_name="targets"
    )
    org_unit = models.ForeignKey(
        OrgUnit,
        verbose_name=_("inspected organization"),
        on_delete=models.PROTECT,
        related_name="inspections",
    )
    entry_date = models.DateField(_("entry date"), null=True, blank=True)
    exit_date = models.DateField(_("exit date"), null=True, blank=True)
    entry_meeting_date = models.DateField(_("entry meeting"), null=True, blank=True)
    sources_consulted = models.JSONField(_("background consulted"), default=list, blank=True)

    scope_org_lookup: ClassVar[str] = "org_unit"
    scope_object_lookups: ClassVar[dict[str, str]] = {
        "inspections.team": "team",
        "inspections.round": "round",
    }

    class Meta:
        verbose_name = _("inspection target")
        verbose_name_plural = _("inspection targets")
        ordering = ["round_id", "team__number", "org_unit__code"]
        constraints = [models.UniqueConstraint(fields=["round", "org_unit"], name="target_unique")]

    def __str__(self) -> str:
        return f"{self.round} · {self.org_unit}"


class FindingCategory(models.Model):
    """The editable taxonomy of findings (DOMAIN.md section 1), two levels deep."""

    code = models.CharField(_("code"), max_length=16, unique=True)
    name_zh = models.CharField(_("name (Chinese)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=pgettext_lazy("category", "parent"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    sort_order = models.PositiveSmallIntegerField(default=0)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("finding category")
        verbose_name_plural = _("finding categories")
        ordering = ["sort_order", "code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def name(self) -> str:
        return bilingual(self.name_zh, self.name_en)


class Finding(models.Model):
    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        CONFIRMED = "confirmed", _("Confirmed by the team leader")
        IN_REPORT = "in_report", _("In the report")
        FED_BACK = "fed_back", _("Fed back")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    TRANSITIONS: ClassVar = {
        "draft": frozenset({"confirmed", "withdrawn"}),
        "confirmed": frozenset({"in_report", "draft", "withdrawn"}),
        "in_report": frozenset({"fed_back", "confirmed", "withdrawn"}),
        "fed_back": frozenset(),
        "withdrawn": frozenset(),
    }

    class Severity(models.TextChoices):
        MINOR = "minor", _("Minor")
        GENERAL = "general", _("General")
        SERIOUS = "serious", _("Serious")
        GRAVE = "grave", _("Grave")

    class Source(models.TextChoices):
        INTERVIEW = "interview", _("Interview")
        DOCUMENTS = "documents", _("Documents")
        PETITION = "petition", _("Petition or report")
        DATA_MODEL = "data_model", _("Data model")
        OTHER = "other", _("Other")

    target = models.ForeignKey(
        Target,
        verbose_name=pgettext_lazy("inspection", "target"),
        on_delete=models.CASCADE,
        related_name="findings",
    )
    category = models.ForeignKey(
        FindingCategory,
        verbose_name=_("category"),
        on_delete=models.PROTECT,
        related_name="findings",
    )
    severity = models.CharField(
        _("severity"), max_length=8, choices=Severity.choices, default="general"
    )
    title = models.CharField(pgettext_lazy("document", "title"), max_length=300)
    description = models.TextField(_("description"))
    source = models.CharField(_("source"), max_length=12, choices=Source.choices)
    leaders = models.ManyToManyField(
        Person, verbose_name=_("leaders concerned"), blank=True, related_name="findings"
    )
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default="draft")
    withdrawn_reason = models.TextField(_("reason for withdrawal"), blank=True)
    recurrence_of = models.ForeignKey(
        "self",
        verbose_name=_("recurrence of"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="recurrences",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    confirmed_at = models.DateTimeField(null=True, blank=True)

    scope_org_lookup: ClassVar[str] = "target__org_unit"
    scope_object_lookups: ClassVar[dict[str, str]] = {
        "inspections.team": "target__team",
        "inspections.round": "target__round",
    }

    class Meta:
        verbose_name = _("finding")
        verbose_name_plural = _("findings")
        ordering = ["target_id", "category__sort_order", "id"]

    def __str__(self) -> str:
        return self.title


class Evidence(models.Model):
    """A file attached to a finding, stored under the data directory with its SHA-256."""

    finding = models.ForeignKey(
        Finding, verbose_name=_("finding"), on_delete=models.CASCADE, related_name="evidence"
    )
    file = models.FileField(_("file"), upload_to="evidence/%Y/%m/")
    original_name = models.CharField(_("file name"), max_length=255)
    sha256 = models.CharField(max_length=64, db_index=True)
    size = models.PositiveBigIntegerField(_("size"))
    content_type = models.CharField(_("type"), max_length=100)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    scope_org_lookup: ClassVar[str] = "finding__target__org_unit"
    scope_object_lookups: ClassVar[dict[str, str]] = {
        "inspections.team": "finding__target__team",
        "inspections.round": "finding__target__round",
    }

    class Meta:
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return self.original_name


class Report(models.Model):
    """An inspection report of one target, or (target empty) the round's special report
    on common problems."""

    class Kind(models.TextChoices):
        TARGET = "target", _("Inspection report")
        SPECIAL = "special", _("Special report on common problems")

    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted to the office")
        ADOPTED = "adopted", _("Adopted")

    TRANSITIONS: ClassVar = {
        "draft": frozenset({"submitted"}),
        "submitted": frozenset({"adopted", "draft"}),
        "adopted": frozenset(),
    }

    round = models.ForeignKey(
        Round, verbose_name=_("round"), on_delete=models.CASCADE, related_name="reports"
    )
    target = models.OneToOneField(
        Target,
        verbose_name=pgettext_lazy("inspection", "target"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="report",
    )
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default="draft")
    title = models.CharField(pgettext_lazy("document", "title"), max_length=300)
    body = models.TextField(_("text"), blank=True)
    suggestions = models.TextField(_("handling suggestions"), blank=True)
    findings = models.ManyToManyField(
        Finding, verbose_name=_("findings"), blank=True, related_name="reports"
    )
    adopted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    adopted_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    scope_org_lookup: ClassVar[str] = "target__org_unit"
    scope_object_lookups: ClassVar[dict[str, str]] = {
        "inspections.team": "target__team",
        "inspections.round": "round",
    }

    class Meta:
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        ordering = ["round_id", "kind", "target_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["round"],
                condition=models.Q(kind="special"),
                name="one_special_report_per_round",
            ),
            models.CheckConstraint(
                name="report_kind_matches_target",
                condition=models.Q(kind="target", target__isnull=False)
                | models.Q(kind="special", target__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        return self.title


class CentralFeedback(models.Model):
    """The round's centralized feedback meeting."""

    round = models.OneToOneField(
        Round, verbose_name=_("round"), on_delete=models.CASCADE, related_name="central_feedback"
    )
    date = models.DateField(_("date"))
    attendees = models.TextField(_("attendees"))
    common_problems = models.TextField(_("common problems"))
    requirements = models.TextField(_("requirements"))

    scope_org_lookup: ClassVar[str | None] = None
    scope_object_lookups: ClassVar[dict[str, str]] = {"inspections.round": "round"}

    class Meta:
        verbose_name = _("centralized feedback")
        verbose_name_plural = _("centralized feedback")

    def __str__(self) -> str:
        return f"{self.round} · {self.date}"


class TargetFeedback(models.Model):
    """One-to-one feedback to a target. The inspected unit sees it only once delivered."""

    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        DELIVERED = "delivered", _("Delivered")

    TRANSITIONS: ClassVar = {"draft": frozenset({"delivered"}), "delivered": frozenset()}

    target = models.OneToOneField(
        Target,
        verbose_name=pgettext_lazy("inspection", "target"),
        on_delete=models.CASCADE,
        related_name="feedback",
    )
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default="draft")
    date = models.DateField(_("feedback date"))
    to_leadership_date = models.DateField(
        _("feedback to the leadership team"), null=True, blank=True
    )
    to_top_leader_date = models.DateField(_("feedback to the top leader"), null=True, blank=True)
    participants = models.TextField(_("participants"), blank=True)
    requirements = models.TextField(_("requirements"))
    rectification_due = models.DateField(_("rectification report due"), null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    delivered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    scope_org_lookup: ClassVar[str] = "target__org_unit"
    scope_object_lookups: ClassVar[dict[str, str]] = {
        "inspections.team": "target__team",
        "inspections.round": "target__round",
    }

    class Meta:
        verbose_name = _("one-to-one feedback")
        verbose_name_plural = _("one-to-one feedback")

    def __str__(self) -> str:
        return f"{self.target} · {self.date}"


class Transfer(models.Model):
    """A clue about leading cadres or a sector problem handed to another body."""

    class Kind(models.TextChoices):
        CLUE = "clue", _("Problem clue")
        SECTOR = "sector", _("Sector problem")

    class Receiver(models.TextChoices):
        DISCIPLINE = "discipline", _("Discipline commission / supervisory commission")
        ORGANIZATION = "organization", _("Organization department")
        FUNCTIONAL = "functional", _("Functional department")
        OTHER = "other", _("Other body")

    class State(models.TextChoices):
        SENT = "sent", _("Sent")
        ACKNOWLEDGED = "acknowledged", _("Receipt acknowledged")

    TRANSITIONS: ClassVar = {"sent": frozenset({"acknowledged"}), "acknowledged": frozenset()}

    round = models.ForeignKey(
        Round, verbose_name=_("round"), on_delete=models.CASCADE, related_name="transfers"
    )
    target = models.ForeignKey(
        Target,
        verbose_name=pgettext_lazy("inspection", "target"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="transfers",
    )
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    receiver_kind = models.CharField(_("receiver"), max_length=16, choices=Receiver.choices)
    receiver_unit = models.ForeignKey(
        OrgUnit,
        verbose_name=_("receiving unit"),
        on_delete=models.PROTECT,
        related_name="transfers_received",
    )
    date = models.DateField(_("date of transfer"))
    summary = models.TextField(_("summary"))
    findings = models.ManyToManyField(
        Finding, verbose_name=_("findings"), blank=True, related_name="transfers"
    )
    persons = models.ManyToManyField(
        Person, verbose_name=_("persons concerned"), blank=True, related_name="transfers"
    )
    state = models.CharField(_("state"), max_length=14, choices=State.choices, default="sent")
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    scope_org_lookup: ClassVar[str] = "target__org_unit"
    scope_object_lookups: ClassVar[dict[str, str]] = {
        "inspections.team": "target__team",
        "inspections.round": "round",
    }

    class Meta:
        verbose_name = _("transfer")
        verbose_name_plural = _("transfers")
        ordering = ["-date", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} → {self.receiver_unit}"
