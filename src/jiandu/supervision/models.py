"""Runs of the model catalogue, the hits (leads) they found, and their triage.

A `Hit` here is one lead: its identity is `key`, the stable key of
`jiandu.analytics.hits.Hit` (model id + subject), so the same model finding the same
subject in a later run is the same lead, recorded as one more `Occurrence`.
"""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from jiandu.accounts.models import OrgUnit
from jiandu.core.text import bilingual


class Run(models.Model):
    """One background run started from the web or the demo: a register ingest or a
    model run. A model run mirrors the engine's RunResult (run id, times, manifest hash,
    per-model records) and counts what its hits added to the triage queue."""

    class Kind(models.TextChoices):
        INGEST = "ingest", _("Register ingest")
        MODELS = "models", _("Model run")

    class State(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        SUCCEEDED = "succeeded", _("Succeeded")
        FAILED = "failed", _("Failed")

    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.QUEUED)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    # What was asked: model ids (empty: all) and parameters {model id: {name: value}}.
    only = models.JSONField(_("models"), default=list, blank=True)
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    # The uploaded register archive of an ingest (under the data directory).
    upload = models.CharField(_("uploaded file"), max_length=300, blank=True)
    upload_name = models.CharField(_("file name"), max_length=200, blank=True)
    progress = models.FloatField(_("progress"), default=0.0)
    progress_label = models.CharField(_("current step"), max_length=200, blank=True)
    # The engine's record: run id, manifest hash, per-model records; or the ingest report.
    engine_run_id = models.CharField(_("engine run id"), max_length=64, blank=True)
    manifest_hash = models.CharField(_("warehouse manifest hash"), max_length=64, blank=True)
    engine_started_at = models.DateTimeField(null=True, blank=True)
    engine_finished_at = models.DateTimeField(null=True, blank=True)
    records = models.JSONField(_("per-model records"), default=list, blank=True)
    report = models.JSONField(_("report"), default=dict, blank=True)
    hit_count = models.PositiveIntegerField(_("hits"), default=0)
    new_hits = models.PositiveIntegerField(_("new leads"), default=0)
    seen_again = models.PositiveIntegerField(_("leads found again"), default=0)
    error = models.TextField(_("error"), blank=True)

    class Meta:
        verbose_name = _("run")
        verbose_name_plural = _("runs")
        ordering = ["-requested_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk}"

    @property
    def is_active(self) -> bool:
        return self.state in (self.State.QUEUED, self.State.RUNNING)

    @property
    def percent(self) -> int:
        return round(100 * max(0.0, min(1.0, self.progress)))


class RunLock(models.Model):
    """One row per lock name: the run that writes to the warehouse and the hit tables
    now. Taken with a conditional UPDATE, so two runs never write at the same time."""

    name = models.CharField(max_length=40, primary_key=True)
    holder = models.ForeignKey(
        Run, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    acquired_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.name}: {self.holder_id or '-'}"


class DismissalReason(models.Model):
    """The configurable list of reasons an analyst may give when dismissing a hit."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    label_zh = models.CharField(_("label (Chinese)"), max_length=100)
    label_en = models.CharField(_("label (English)"), max_length=100)
    is_active = models.BooleanField(_("active"), default=True)
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("dismissal reason")
        verbose_name_plural = _("dismissal reasons")
        ordering = ["sort_order", "code"]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        return bilingual(self.label_zh, self.label_en)


class OrgLink(models.Model):
    """How an organization of the registers is recognized as an org unit of the workflow:
    by its unified social credit code, or by its id in the `organizations` register.
    A hit about a linked organization is in the scope of that unit."""

    org_unit = models.ForeignKey(
        OrgUnit, verbose_name=_("org unit"), on_delete=models.CASCADE, related_name="+"
    )
    uscc = models.CharField(_("unified social credit code"), max_length=18, blank=True)
    register_org_id = models.CharField(_("register organization id"), max_length=64, blank=True)

    scope_org_lookup: ClassVar[str] = "org_unit"

    class Meta:
        verbose_name = _("organization link")
        verbose_name_plural = _("organization links")
        constraints = [
            models.CheckConstraint(
                name="orglink_has_key", condition=~models.Q(uscc="", register_org_id="")
            ),
            models.UniqueConstraint(
                fields=["uscc"], condition=~models.Q(uscc=""), name="orglink_uscc_unique"
            ),
            models.UniqueConstraint(
                fields=["register_org_id"],
                condition=~models.Q(register_org_id=""),
                name="orglink_register_id_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.uscc or self.register_org_id} → {self.org_unit}"


class Hit(models.Model):
    """One lead of the triage queue."""

    class State(models.TextChoices):
        NEW = "new", pgettext_lazy("hit state", "New")
        UNDER_REVIEW = "under_review", _("Under review")
        DISMISSED = "dismissed", _("Dismissed")
        ESCALATED = "escalated", _("Escalated")
        MERGED = "merged", _("Merged")

    class Theme(models.TextChoices):
        PEOPLE = "P", _("Harm to the people's interests")
        BUSINESS = "B", _("Politics and business")
        TENDERS = "T", _("Bid rigging and procurement red flags")
        CIRCLES = "C", _("Circles and hunting")
        STYLE = "E", _("Eight-point regulations and the four styles")

    key = models.CharField(_("key"), max_length=400, unique=True)
    model_id = models.CharField(_("model"), max_length=20, db_index=True)
    model_version = models.CharField(_("model version"), max_length=20)
    theme = models.CharField(_("theme"), max_length=1, choices=Theme.choices, db_index=True)
    subject_type = models.CharField(_("subject type"), max_length=24)
    subject_id = models.CharField(_("subject"), max_length=300)
    score = models.FloatField(_("score"), db_index=True)
    explanation_zh = models.TextField(_("explanation (Chinese)"))
    explanation_en = models.TextField(_("explanation (English)"), blank=True)
    evidence = models.JSONField(_("evidence"), default=dict)
    # The column order of each register's evidence rows (PostgreSQL's jsonb keeps no key
    # order): {register: [column, ...]}.
    evidence_columns = models.JSONField(default=dict)
    person_ids = models.JSONField(_("people"), default=list)
    org_ids = models.JSONField(_("organizations"), default=list)
    # Region code of the organizations or payments concerned (first one), for filters.
    region_code = models.CharField(_("region"), max_length=12, blank=True, db_index=True)
    names_leading_cadre = models.BooleanField(_("names a leading cadre"), default=False)
    org_units = models.ManyToManyField(
        OrgUnit, verbose_name=_("org units"), blank=True, related_name="+"
    )
    state = models.CharField(
        _("state"), max_length=12, choices=State.choices, default=State.NEW, db_index=True
    )
    dismissal_reason = models.ForeignKey(
        DismissalReason,
        verbose_name=_("dismissal reason"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    comment = models.TextField(_("comment"), blank=True)
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("merged into"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="merged",
    )
    # The clue the hit was escalated into ("app_label.model:pk" and the ledger number).
    clue_ref = models.CharField(_("clue"), max_length=100, blank=True)
    clue_number = models.CharField(_("ledger number"), max_length=100, blank=True)
    triaged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("triaged by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    triaged_at = models.DateTimeField(_("triaged at"), null=True, blank=True)
    first_run = models.ForeignKey(
        Run, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    last_run = models.ForeignKey(
        Run, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    first_seen_at = models.DateTimeField(_("first found"), db_index=True)
    last_seen_at = models.DateTimeField(_("last found"))

    scope_org_lookup: ClassVar[str] = "org_units"

    class Meta:
        verbose_name = _("hit")
        verbose_name_plural = _("hits")
        ordering = ["-score", "-first_seen_at", "id"]
        indexes = [models.Index(fields=["state", "score"])]

    def __str__(self) -> str:
        return f"{self.model_id} {self.subject_id}"

    @property
    def explanation(self) -> str:
        return bilingual(self.explanation_zh, self.explanation_en)

    def evidence_tables(self) -> list[tuple[str, list[str], list[dict[str, object]]]]:
        """(register, columns in the model's order, rows) for each register of evidence."""
        out = []
        for register, rows in (self.evidence or {}).items():
            if not isinstance(rows, list):
                continue
            columns = list((self.evidence_columns or {}).get(register) or [])
            for row in rows:
                columns += [str(k) for k in row if k not in columns]
            out.append((str(register), columns, rows))
        return out

    @property
    def is_open(self) -> bool:
        return self.state in (self.State.NEW, self.State.UNDER_REVIEW)


class Occurrence(models.Model):
    """A hit as one run found it: the same lead found by three runs has three."""

    hit = models.ForeignKey(Hit, on_delete=models.CASCADE, related_name="occurrences")
    run = models.ForeignKey(Run, on_delete=models.CASCADE, related_name="occurrences")
    model_version = models.CharField(max_length=20)
    score = models.FloatField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["hit", "run"], name="occurrence_once")]
        ordering = ["-run_id"]

    def __str__(self) -> str:
        return f"{self.hit_id}@{self.run_id}"
