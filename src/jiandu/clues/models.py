"""The clue ledger (DOMAIN.md section 3). A clue's state changes only through
`jiandu.core.states.apply` with `Clue.TRANSITIONS`; a transfer's with
`ClueTransfer.TRANSITIONS`. The whistleblower's identity and contact, and every attachment,
are stored encrypted (see `jiandu.clues.crypto`)."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from jiandu.accounts.models import OrgUnit, Person, Post


class Clue(models.Model):
    class State(models.TextChoices):
        REGISTERED = "registered", _("Awaiting disposal")
        PROPOSED = "proposed", _("Disposal proposed")
        INQUIRY = "inquiry", _("Talk or written inquiry")
        CHECKING = "checking", _("Preliminary check")
        HELD = "held", _("Held for later")
        TRANSFERRED = "transferred", _("Transferred")
        CLOSED = "closed", _("Closed")

    TRANSITIONS: ClassVar = {
        "registered": frozenset({"proposed", "transferred"}),
        "proposed": frozenset({"registered", "inquiry", "checking", "held", "closed"}),
        "inquiry": frozenset({"checking", "closed"}),
        "checking": frozenset({"closed"}),
        "held": frozenset({"registered", "closed"}),
        "transferred": frozenset({"closed"}),
        "closed": frozenset(),
    }

    class Way(models.TextChoices):
        INQUIRY = "inquiry", _("Talk or written inquiry")
        CHECK = "check", _("Preliminary check")
        HOLD = "hold", _("Hold for later")
        CLOSE = "close", _("Close")

    class Source(models.TextChoices):
        INSPECTION = "inspection", _("Inspection team")
        PETITION = "petition", _("Petition or report")
        MODEL_HIT = "model_hit", _("Supervision model hit")
        OTHER_BODY = "other_body", _("Transferred by another body")
        AUDIT = "audit", _("Audit")
        OTHER = "other", _("Other")

    class Category(models.TextChoices):
        CORRUPTION = "corruption", _("Corruption, bribery, abuse of power")
        EIGHT_POINT = "eight_point", _("Eight-point regulations and the four styles")
        POLITICS_BUSINESS = "politics_business", _("Politics-business nexus, conflicts of interest")
        PERSONNEL = "personnel", _("Violations in selection and appointment")
        PEOPLE_FACING = "people_facing", _("Misconduct harming the people")
        DUTY = "duty", _("Dereliction of duty")
        OTHER = "other", _("Other")

    class Confidentiality(models.TextChoices):
        INTERNAL = "internal", _("Internal")
        CONFIDENTIAL = "confidential", _("Confidential")
        SECRET = "secret", _("Secret")

    class InquiryKind(models.TextChoices):
        TALK = "talk", _("Talk")
        WRITTEN = "written", _("Written inquiry")

    number = models.CharField(_("ledger number"), max_length=40, unique=True)
    summary = models.TextField(_("summary"))
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    source = models.CharField(_("source"), max_length=12, choices=Source.choices)
    origin = models.CharField(_("origin"), max_length=200, blank=True, db_index=True)
    from_body = models.CharField(_("transferring body"), max_length=200, blank=True)
    received_date = models.DateField(_("date received"))
    confidentiality = models.CharField(
        _("confidentiality"), max_length=12, choices=Confidentiality.choices, default="confidential"
    )
    state = models.CharField(_("state"), max_length=12, choices=State.choices, default="registered")
    way = models.CharField(
        _("way of disposal"), max_length=8, choices=Way.choices, blank=True, default=""
    )
    inquiry_kind = models.CharField(
        _("kind of inquiry"), max_length=8, choices=InquiryKind.choices, blank=True
    )
    disposal_due = models.DateField(_("disposal due"))
    disposed_on = models.DateField(_("disposal approved on"), null=True, blank=True)
    reply_due = models.DateField(_("written reply due"), null=True, blank=True)
    replied_on = models.DateField(_("written reply received on"), null=True, blank=True)
    reply_text = models.TextField(_("written reply"), blank=True)
    review_due = models.DateField(_("next review of the held clue"), null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=20, blank=True)
    outcome_note = models.TextField(_("outcome note"), blank=True)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    findings = models.ManyToManyField(
        "inspections.Finding", verbose_name=_("linked findings"), blank=True, related_name="clues"
    )
    # Encrypted at rest (AES-GCM); empty when the clue carries no whistleblower.
    whistleblower_name = models.BinaryField(null=True, blank=True, editable=False)
    whistleblower_contact = models.BinaryField(null=True, blank=True, editable=False)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    registered_at = models.DateTimeField(auto_now_add=True)

    # No org-unit scope: a clue opens only through its assignments (see access.py).
    scope_org_lookup: ClassVar[str | None] = None

    class Meta:
        verbose_name = _("clue")
        verbose_name_plural = _("clues")
        ordering = ["-received_date", "-id"]

    def __str__(self) -> str:
        # Only the number: audit events and logs name a clue without its content.
        return self.number

    @property
    def has_whistleblower(self) -> bool:
        return bool(self.whistleblower_name)


class LedgerCounter(models.Model):
    """The last number issued per year; locked while a number is taken, so numbers are
    unique and gapless (a gap found by reconciliation is a discrepancy)."""

    year = models.PositiveSmallIntegerField(primary_key=True)
    last = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.year}: {self.last}"


class Subject(models.Model):
    """A person a clue is about, with the post and rank held when it was received."""

    clue = models.ForeignKey(Clue, on_delete=models.CASCADE, related_name="subjects")
    person = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.PROTECT, related_name="clue_subjects"
    )
    name = models.CharField(_("name"), max_length=100)
    post = models.CharField(_("post"), max_length=200, blank=True)
    rank = models.CharField(_("rank"), max_length=32, choices=Post.Rank.choices, blank=True)
    org_unit = models.ForeignKey(
        OrgUnit, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("subject person")
        verbose_name_plural = _("subject persons")
        ordering = ["clue_id", "id"]

    def __str__(self) -> str:
        return self.name


class Assignment(models.Model):
    """Who may read a clue, and in which capacity. Ended assignments stay for the record."""

    class Capacity(models.TextChoices):
        KEEPER = "keeper", _("Keeper")
        HANDLER = "handler", _("Handler")
        APPROVER = "approver", _("Approver")

    clue = models.ForeignKey(Clue, on_delete=models.CASCADE, related_name="assignments")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="clue_assignments"
    )
    capacity = models.CharField(_("capacity"), max_length=8, choices=Capacity.choices)
    active = models.BooleanField(default=True)
    since = models.DateTimeField(auto_now_add=True)
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("clue assignment")
        verbose_name_plural = _("clue assignments")
        ordering = ["clue_id", "since", "id"]
        indexes = [models.Index(fields=["user", "active"])]

    def __str__(self) -> str:
        return f"{self.clue} · {self.user} · {self.capacity}"


class Handover(models.Model):
    """One link of a clue's signed chain: who handed it to whom, confirmed by the signed-in
    handler. `signature` is the SHA-256 of the link's content and the previous link's
    signature, so a changed or removed link shows."""

    clue = models.ForeignKey(Clue, on_delete=models.CASCADE, related_name="handovers")
    seq = models.PositiveIntegerField()
    from_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    to_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    to_body = models.CharField(_("receiving body"), max_length=200, blank=True)
    capacity = models.CharField(_("capacity"), max_length=12)
    note = models.CharField(_("note"), max_length=500, blank=True)
    signed_at = models.DateTimeField()
    signature = models.CharField(max_length=64)

    class Meta:
        verbose_name = _("hand-over")
        verbose_name_plural = _("hand-overs")
        ordering = ["clue_id", "seq"]
        constraints = [models.UniqueConstraint(fields=["clue", "seq"], name="handover_seq_unique")]

    def __str__(self) -> str:
        return f"{self.clue} #{self.seq}"


class Proposal(models.Model):
    """A proposed way of disposal and its decision by someone other than the proposer."""

    class Decision(models.TextChoices):
        PENDING = "pending", _("Pending")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")

    clue = models.ForeignKey(Clue, on_delete=models.CASCADE, related_name="proposals")
    way = models.CharField(_("way of disposal"), max_length=8, choices=Clue.Way.choices)
    inquiry_kind = models.CharField(
        _("kind of inquiry"), max_length=8, choices=Clue.InquiryKind.choices, blank=True
    )
    reason = models.TextField(_("reasons"))
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    proposed_at = models.DateTimeField(auto_now_add=True)
    approver = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("approver"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    decision = models.CharField(
        _("decision"), max_length=8, choices=Decision.choices, default="pending"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(_("note on the decision"), blank=True)

    class Meta:
        verbose_name = _("disposal proposal")
        verbose_name_plural = _("disposal proposals")
        ordering = ["clue_id", "proposed_at", "id"]

    def __str__(self) -> str:
        return f"{self.clue} · {self.get_way_display()}"


class ClueTransfer(models.Model):
    """A clue handed to another body; the receipt is acknowledged, then the body's
    feedback on the result is due within the configured months."""

    class Receiver(models.TextChoices):
        DISCIPLINE = "discipline", _("Discipline commission / supervisory commission")
        ORGANIZATION = "organization", _("Organization department")
        OTHER = "other", _("Other body")

    class State(models.TextChoices):
        SENT = "sent", _("Sent")
        ACKNOWLEDGED = "acknowledged", _("Receipt acknowledged")
        FED_BACK = "fed_back", _("Result fed back")

    TRANSITIONS: ClassVar = {
        "sent": frozenset({"acknowledged"}),
        "acknowledged": frozenset({"fed_back"}),
        "fed_back": frozenset(),
    }

    clue = models.OneToOneField(Clue, on_delete=models.CASCADE, related_name="transfer")
    receiver_kind = models.CharField(_("receiver"), max_length=14, choices=Receiver.choices)
    receiver_unit = models.ForeignKey(
        OrgUnit,
        verbose_name=_("receiving body"),
        on_delete=models.PROTECT,
        related_name="clue_transfers",
    )
    sent_on = models.DateField(_("date of transfer"))
    note = models.TextField(_("note"), blank=True)
    state = models.CharField(_("state"), max_length=14, choices=State.choices, default="sent")
    acknowledged_on = models.DateField(_("receipt acknowledged on"), null=True, blank=True)
    receipt_reference = models.CharField(_("receipt reference"), max_length=100, blank=True)
    feedback_due = models.DateField(_("feedback due"), null=True, blank=True)
    fed_back_on = models.DateField(_("feedback received on"), null=True, blank=True)
    result = models.TextField(pgettext_lazy("transfer", "result"), blank=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("clue transfer")
        verbose_name_plural = _("clue transfers")
        ordering = ["-sent_on", "-id"]

    def __str__(self) -> str:
        return f"{self.clue} → {self.receiver_unit}"


class Attachment(models.Model):
    """A file of a clue, stored encrypted under the data directory; `sha256` is the hash
    of the clear content."""

    clue = models.ForeignKey(Clue, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to="clues/%Y/")
    original_name = models.CharField(_("file name"), max_length=255)
    sha256 = models.CharField(max_length=64)
    size = models.PositiveBigIntegerField(_("size"))
    content_type = models.CharField(_("type"), max_length=100)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return self.original_name
