"""The rectification records that follow the lists: supervision records (on-site checks and
joint reviews), escalations, perfunctory and false rectification flags, and handovers of
tasks when a responsible leader leaves the post. Registered through `models`."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from jiandu.accounts.models import Person

from .models import ROUND, Plan, Problem, Task


class SupervisionRecord(models.Model):
    """An on-site check or a joint review by the supervising bodies."""

    class Kind(models.TextChoices):
        ONSITE = "onsite", _("On-site check")
        JOINT = "joint", _("Joint review")

    class Satisfaction(models.TextChoices):
        SATISFIED = "satisfied", _("Satisfied")
        BASICALLY = "basically", _("Basically satisfied")
        UNSATISFIED = "unsatisfied", _("Not satisfied")
        NOT_ASKED = "", _("Not asked")

    plan = models.ForeignKey(
        Plan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="supervision"
    )
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    date = models.DateField(_("date"))
    arrangement = models.TextField(_("plan of the check"), blank=True)
    people = models.TextField(_("people"))
    observations = models.TextField(_("what was seen"))
    satisfaction = models.CharField(
        _("satisfaction of the people concerned"),
        max_length=12,
        choices=Satisfaction.choices,
        blank=True,
        default="",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    scope_org_lookup: ClassVar[str] = "plan__target__org_unit"

    class Meta:
        verbose_name = _("supervision record")
        verbose_name_plural = _("supervision records")
        ordering = ["plan_id", "-date", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.date}"


class Escalation(models.Model):
    """A step of the escalation ladder, issued as a Word document."""

    class Level(models.TextChoices):
        NOTICE = "notice", _("Supervision notice")
        GUIDANCE = "guidance", _("Stage guidance letter")
        REMINDER = "reminder", _("Reminder")
        WARNING = "warning", _("Warning")
        ACCOUNTABILITY_LETTER = "letter", _("Accountability letter")
        ACCOUNTABILITY_CASE = "case", _("Accountability case")

    plan = models.ForeignKey(
        Plan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="escalations"
    )
    problem = models.ForeignKey(
        Problem,
        verbose_name=_("problem"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="escalations",
    )
    level = models.CharField(_("level"), max_length=10, choices=Level.choices)
    reference = models.CharField(_("document number"), max_length=60)
    reason = models.TextField(_("reason"))
    requirements = models.TextField(_("requirements"))
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    issued_at = models.DateTimeField()

    scope_org_lookup: ClassVar[str] = "plan__target__org_unit"
    scope_object_lookups: ClassVar[dict[str, str]] = {ROUND: "plan__target__round"}

    class Meta:
        verbose_name = _("escalation")
        verbose_name_plural = _("escalations")
        ordering = ["plan_id", "issued_at", "id"]

    def __str__(self) -> str:
        return f"{self.reference} {self.get_level_display()}"


class Flag(models.Model):
    """A signal of perfunctory or false rectification on a problem, with its reason."""

    class Kind(models.TextChoices):
        NO_EVIDENCE = "no_evidence", _("Closed without evidence")
        THIN_EVIDENCE = "thin_evidence", _("Closed with thin evidence")
        REUSED_EVIDENCE = "reused_evidence", _("Evidence reused across problems")
        DEADLINE_RUSH = "deadline_rush", _("Mass closure just before the deadline")
        RECURRENCE = "recurrence", _("Cancelled problem recurs")

    FALSE_KINDS: ClassVar = frozenset({"reused_evidence", "recurrence"})

    class State(models.TextChoices):
        OPEN = "open", _("Open")
        DISMISSED = "dismissed", _("Dismissed")

    TRANSITIONS: ClassVar = {"open": frozenset({"dismissed"}), "dismissed": frozenset({"open"})}

    problem = models.ForeignKey(
        Problem, verbose_name=_("problem"), on_delete=models.CASCADE, related_name="flags"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    source = models.CharField(_("source"), max_length=200, blank=True)
    reason = models.TextField(_("reason"))
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default="open")
    dismissed_reason = models.TextField(_("reason for dismissal"), blank=True)
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    raised_at = models.DateTimeField(auto_now_add=True)

    scope_org_lookup: ClassVar[str] = "problem__plan__target__org_unit"
    scope_object_lookups: ClassVar[dict[str, str]] = {ROUND: "problem__plan__target__round"}

    class Meta:
        verbose_name = _("flag")
        verbose_name_plural = _("flags")
        ordering = ["-raised_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["problem", "kind", "source"], name="flag_unique")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.problem}"

    @property
    def is_false_rectification(self) -> bool:
        return self.kind in self.FALSE_KINDS


class Handover(models.Model):
    """Open tasks handed from a responsible leader who left the post to a successor."""

    task = models.ForeignKey(
        Task, verbose_name=_("task"), on_delete=models.CASCADE, related_name="handovers"
    )
    from_person = models.ForeignKey(
        Person, verbose_name=_("handed over by"), on_delete=models.PROTECT, related_name="+"
    )
    to_person = models.ForeignKey(
        Person, verbose_name=_("successor"), on_delete=models.PROTECT, related_name="+"
    )
    post_title = models.CharField(_("post left"), max_length=200)
    date = models.DateField(_("date"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    scope_org_lookup: ClassVar[str] = "task__problem__plan__target__org_unit"

    class Meta:
        verbose_name = _("handover")
        verbose_name_plural = _("handovers")
        ordering = ["-date", "-id"]

    def __str__(self) -> str:
        return f"{self.from_person} → {self.to_person}"
