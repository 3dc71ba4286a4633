"""Rectification (DOMAIN.md section 2): per inspection target one plan made of the
problem, task (with responsibility), results and archive lists; progress updates, the
evidence vault, reviews and cancellation, supervision records, escalations, flags and
handovers. State fields change only through `jiandu.core.states.apply` with the tables
below."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from jiandu.accounts.models import Person
from jiandu.inspections.models import Finding, FindingCategory, Target

ROUND = "inspections.round"
TEAM = "inspections.team"


class Plan(models.Model):
    """The rectification plan of one target: the set of its lists. Versioned: each
    approval keeps a snapshot (`PlanVersion`); a revision after approval needs a reason."""

    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted for approval")
        APPROVED = "approved", _("Approved")

    TRANSITIONS: ClassVar = {
        "draft": frozenset({"submitted"}),
        "submitted": frozenset({"approved", "draft"}),
        "approved": frozenset({"draft"}),
    }

    target = models.OneToOneField(
        Target,
        verbose_name=pgettext_lazy("inspection", "target"),
        on_delete=models.CASCADE,
        related_name="rectification_plan",
    )
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default="draft")
    version = models.PositiveIntegerField(_("version"), default=1)
    report_due = models.DateField(_("rectification report due"))
    top_leader = models.ForeignKey(
        Person,
        verbose_name=_("top leader (first responsible)"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    scope_org_lookup: ClassVar[str] = "target__org_unit"
    scope_object_lookups: ClassVar[dict[str, str]] = {
        TEAM: "target__team",
        ROUND: "target__round",
    }

    class Meta:
        verbose_name = _("rectification plan")
        verbose_name_plural = _("rectification plans")
        ordering = ["target__round_id", "target__team__number", "target__org_unit__code"]

    def __str__(self) -> str:
        return str(self.target.org_unit)

    @property
    def was_approved(self) -> bool:
        return self.approved_at is not None


class PlanVersion(models.Model):
    """An approved version of a plan: a snapshot of its lists."""

    plan = models.ForeignKey(
        Plan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="versions"
    )
    number = models.PositiveIntegerField(_("version"))
    snapshot = models.JSONField(default=dict)
    reason = models.TextField(_("reason for the revision"), blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    approved_at = models.DateTimeField()

    scope_org_lookup: ClassVar[str] = "plan__target__org_unit"

    class Meta:
        verbose_name = _("plan version")
        verbose_name_plural = _("plan versions")
        ordering = ["plan_id", "number"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="plan_version_unique")
        ]

    def __str__(self) -> str:
        return f"{self.plan} v{self.number}"


class Problem(models.Model):
    """A problem of the problem list: from one or more fed-back findings (merged), or a
    part of a problem that was split (`split_from`)."""

    class State(models.TextChoices):
        OPEN = "open", _("Being rectified")
        SUBMITTED = "submitted", _("Submitted for verification")
        ACCEPTED = "accepted", _("Evidence accepted")
        CANCELLED = "cancelled", _("Cancelled (verified and closed)")
        MERGED = "merged", _("Merged into another problem")

    TRANSITIONS: ClassVar = {
        "open": frozenset({"submitted", "merged"}),
        "submitted": frozenset({"accepted", "open"}),
        "accepted": frozenset({"cancelled", "open"}),
        "cancelled": frozenset({"open"}),
        "merged": frozenset(),
    }

    class Status(models.TextChoices):
        NOT_STARTED = "not_started", _("Not started")
        IN_PROGRESS = "in_progress", _("In progress")
        BASICALLY_DONE = "basically_done", _("Basically done")
        DONE = "done", _("Done")
        NOT_DONE = "not_done", _("Not done")

    STATUS_TRANSITIONS: ClassVar = {
        "not_started": frozenset({"in_progress", "basically_done", "done", "not_done"}),
        "in_progress": frozenset({"not_started", "basically_done", "done", "not_done"}),
        "basically_done": frozenset({"in_progress", "done", "not_done"}),
        "done": frozenset({"in_progress", "basically_done"}),
        "not_done": frozenset({"in_progress", "basically_done", "done"}),
    }

    class Exempt(models.TextChoices):
        NONE = "", _("Disclosed")
        STATE_SECRET = "state_secret", _("State secrets")
        CASE_PENDING = "case_pending", _("Case under preliminary check or filed, not announced")
        NEGATIVE_HYPE = "negative_hype", _("Likely to cause negative hype")
        MASS_PETITION = "mass_petition", _("Likely to cause mass petitions")
        SENSITIVE = "sensitive", _("Other major sensitive matter")

    plan = models.ForeignKey(
        Plan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="problems"
    )
    number = models.PositiveIntegerField(pgettext_lazy("list", "number"))
    title = models.CharField(pgettext_lazy("document", "title"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    category = models.ForeignKey(
        FindingCategory,
        verbose_name=_("category"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    findings = models.ManyToManyField(
        Finding, verbose_name=_("findings"), blank=True, related_name="rectification_problems"
    )
    split_from = models.ForeignKey(
        "self",
        verbose_name=_("split from"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="parts",
    )
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("merged into"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="merged",
    )
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default="open")
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default="not_started"
    )
    exempt = models.CharField(
        _("withheld from the public version"),
        max_length=16,
        choices=Exempt.choices,
        blank=True,
        default="",
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    cancelled_at = models.DateTimeField(null=True, blank=True)
    rejections = models.PositiveSmallIntegerField(_("rejections"), default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    scope_org_lookup: ClassVar[str] = "plan__target__org_unit"
    scope_object_lookups: ClassVar[dict[str, str]] = {
        TEAM: "plan__target__team",
        ROUND: "plan__target__round",
    }

    class Meta:
        verbose_name = _("problem")
        verbose_name_plural = _("problems")
        ordering = ["plan_id", "number"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="problem_number_unique")
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.title}"


class Task(models.Model):
    """A measure of the task list with its responsibility-list entry."""

    class Kind(models.TextChoices):
        IMMEDIATE = "immediate", _("Immediate (立行立改)")
        LONG_TERM = "long_term", _("Long-term (长期坚持)")

    class State(models.TextChoices):
        OPEN = "open", _("Open")
        COMPLETE = "complete", _("Complete")

    TRANSITIONS: ClassVar = {"open": frozenset({"complete"}), "complete": frozenset({"open"})}

    problem = models.ForeignKey(
        Problem, verbose_name=_("problem"), on_delete=models.CASCADE, related_name="tasks"
    )
    number = models.PositiveIntegerField(pgettext_lazy("list", "number"))
    measure = models.TextField(_("measure"))
    deliverable = models.CharField(_("deliverable"), max_length=300)
    deadline = models.DateField(_("deadline"))
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    leader = models.ForeignKey(
        Person,
        verbose_name=_("responsible leader"),
        on_delete=models.PROTECT,
        related_name="rectification_tasks",
    )
    department = models.CharField(_("responsible department"), max_length=200)
    person = models.CharField(_("responsible person"), max_length=100)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default="open")
    completed_at = models.DateField(_("completed on"), null=True, blank=True)

    scope_org_lookup: ClassVar[str] = "problem__plan__target__org_unit"
    scope_object_lookups: ClassVar[dict[str, str]] = {ROUND: "problem__plan__target__round"}

    class Meta:
        verbose_name = _("task")
        verbose_name_plural = _("tasks")
        ordering = ["problem_id", "number"]
        constraints = [
            models.UniqueConstraint(fields=["problem", "number"], name="task_number_unique")
        ]

    def __str__(self) -> str:
        return f"{self.problem.number}.{self.number} {self.deliverable}"


class Result(models.Model):
    """An entry of the results list: what was achieved for a problem."""

    problem = models.ForeignKey(
        Problem, verbose_name=_("problem"), on_delete=models.CASCADE, related_name="results"
    )
    text = models.TextField(_("result"))
    date = models.DateField(_("date"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    scope_org_lookup: ClassVar[str] = "problem__plan__target__org_unit"

    class Meta:
        verbose_name = _("result")
        verbose_name_plural = _("results")
        ordering = ["problem_id", "date", "id"]

    def __str__(self) -> str:
        return self.text[:80]


class ArchiveItem(models.Model):
    """An entry of the archive list: a document kept (rules made, minutes, records)."""

    plan = models.ForeignKey(
        Plan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="archive"
    )
    problem = models.ForeignKey(
        Problem,
        verbose_name=_("problem"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="archive",
    )
    title = models.CharField(pgettext_lazy("document", "title"), max_length=300)
    reference = models.CharField(_("document number"), max_length=100, blank=True)
    date = models.DateField(_("date"))
    kept_by = models.CharField(_("kept by"), max_length=100, blank=True)

    scope_org_lookup: ClassVar[str] = "plan__target__org_unit"

    class Meta:
        verbose_name = _("archive entry")
        verbose_name_plural = _("archive list")
        ordering = ["plan_id", "date", "id"]

    def __str__(self) -> str:
        return self.title


class ProgressUpdate(models.Model):
    task = models.ForeignKey(
        Task, verbose_name=_("task"), on_delete=models.CASCADE, related_name="updates"
    )
    narrative = models.TextField(_("progress"))
    completes = models.BooleanField(_("task complete"), default=False)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    scope_org_lookup: ClassVar[str] = "task__problem__plan__target__org_unit"

    class Meta:
        verbose_name = _("progress update")
        verbose_name_plural = _("progress updates")
        ordering = ["task_id", "created_at", "id"]

    def __str__(self) -> str:
        return self.narrative[:80]


class EvidenceDocument(models.Model):
    """A document of the evidence vault for one problem; its file may be revised, and
    every revision is kept."""

    class State(models.TextChoices):
        SUBMITTED = "submitted", _("Submitted")
        ACCEPTED = "accepted", _("Accepted")
        REJECTED = "rejected", _("Rejected")

    problem = models.ForeignKey(
        Problem, verbose_name=_("problem"), on_delete=models.CASCADE, related_name="evidence"
    )
    update = models.ForeignKey(
        ProgressUpdate,
        verbose_name=_("progress update"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="evidence",
    )
    title = models.CharField(pgettext_lazy("document", "title"), max_length=300)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default="submitted")
    created_at = models.DateTimeField(auto_now_add=True)

    scope_org_lookup: ClassVar[str] = "problem__plan__target__org_unit"

    class Meta:
        verbose_name = _("evidence document")
        verbose_name_plural = _("evidence documents")
        ordering = ["problem_id", "id"]

    def __str__(self) -> str:
        return self.title


class EvidenceRevision(models.Model):
    """One stored file of an evidence document, with its SHA-256, uploader and time."""

    document = models.ForeignKey(
        EvidenceDocument,
        verbose_name=_("evidence document"),
        on_delete=models.CASCADE,
        related_name="revisions",
    )
    number = models.PositiveIntegerField(_("revision"))
    file = models.FileField(_("file"), upload_to="rectification/%Y/%m/")
    original_name = models.CharField(_("file name"), max_length=255)
    sha256 = models.CharField(max_length=64, db_index=True)
    size = models.PositiveBigIntegerField(_("size"))
    content_type = models.CharField(_("type"), max_length=100)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    scope_org_lookup: ClassVar[str] = "document__problem__plan__target__org_unit"

    class Meta:
        verbose_name = _("evidence revision")
        verbose_name_plural = _("evidence revisions")
        ordering = ["document_id", "number"]
        constraints = [
            models.UniqueConstraint(fields=["document", "number"], name="revision_unique")
        ]

    def __str__(self) -> str:
        return f"{self.original_name} r{self.number}"


class Review(models.Model):
    """A verifier's or a unit's step on a problem: submission, acceptance, rejection,
    cancellation, reopening."""

    class Verdict(models.TextChoices):
        SUBMIT = "submit", _("Submitted for verification")
        ACCEPT = "accept", _("Evidence accepted")
        REJECT = "reject", _("Rejected")
        CANCEL = "cancel", _("Cancelled")
        REOPEN = "reopen", _("Reopened")
        NOT_DONE = "not_done", _("Found not done")

    problem = models.ForeignKey(
        Problem, verbose_name=_("problem"), on_delete=models.CASCADE, related_name="reviews"
    )
    verdict = models.CharField(_("verdict"), max_length=10, choices=Verdict.choices)
    comment = models.TextField(_("comment"), blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    scope_org_lookup: ClassVar[str] = "problem__plan__target__org_unit"

    class Meta:
        verbose_name = _("review")
        verbose_name_plural = _("reviews")
        ordering = ["problem_id", "created_at", "id"]

    def __str__(self) -> str:
        return f"{self.problem} · {self.get_verdict_display()}"


# The follow-up records (supervision, escalation, flags, handovers) live in their own module;
# importing them here registers them with the app.
from .followup import Escalation, Flag, Handover, SupervisionRecord  # noqa: E402

__all__ = [
    "ArchiveItem",
    "Escalation",
    "EvidenceDocument",
    "EvidenceRevision",
    "Flag",
    "Handover",
    "Plan",
    "PlanVersion",
    "Problem",
    "ProgressUpdate",
    "Result",
    "Review",
    "SupervisionRecord",
    "Task",
]
