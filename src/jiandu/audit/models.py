"""Append-only, hash-chained audit events.

Each event stores the hash of its predecessor and the SHA-256 of its own canonical
content (which includes that predecessor hash and its own sequence number), so a row
changed, deleted or inserted behind the application's back breaks the chain at that
point. `ChainHead` keeps the last sequence number and hash, so a removed tail shows too.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class AppendOnlyError(RuntimeError):
    pass


class AuditEventQuerySet(models.QuerySet["AuditEvent"]):
    def update(self, **kwargs: Any) -> int:
        raise AppendOnlyError("audit events cannot be changed")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("audit events cannot be deleted")


class AuditEvent(models.Model):
    class Kind(models.TextChoices):
        WRITE = "write", pgettext_lazy("audit event kind", "Change")
        READ = "read", _("Read")
        AUTH = "auth", _("Sign-in")

    seq = models.PositiveBigIntegerField(_("number"), primary_key=True)
    occurred_at = models.DateTimeField(_("time"), db_index=True)
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    action = models.CharField(_("action"), max_length=64, db_index=True)
    actor_id = models.BigIntegerField(_("actor id"), null=True, blank=True, db_index=True)
    actor_username = models.CharField(_("actor"), max_length=150, blank=True)
    target_type = models.CharField(_("target type"), max_length=100, blank=True, db_index=True)
    target_id = models.CharField(_("target id"), max_length=64, blank=True, db_index=True)
    target_repr = models.CharField(_("target"), max_length=300, blank=True)
    changes = models.JSONField(_("changes"), default=dict, blank=True)
    request_id = models.CharField(_("request id"), max_length=64, blank=True)
    client_address = models.CharField(_("client address"), max_length=64, blank=True)
    channel = models.CharField(_("channel"), max_length=16, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-seq"]
        indexes = [models.Index(fields=["target_type", "target_id", "seq"])]

    def __str__(self) -> str:
        return f"#{self.seq} {self.action} {self.target_repr}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AppendOnlyError("audit events cannot be changed")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("audit events cannot be deleted")


class ChainHead(models.Model):
    """A single row: the last event's number and hash. Locked while appending."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    last_seq = models.PositiveBigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default="0" * 64)

    def __str__(self) -> str:
        return f"head #{self.last_seq}"


class Verification(models.Model):
    """One check of the whole chain, requested from the auditor's page or the command line."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        PASSED = "passed", _("Chain intact")
        BROKEN = "broken", _("Chain broken")

    requested_by = models.CharField(_("requested by"), max_length=150, blank=True)
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=8, choices=Status.choices, default=Status.QUEUED
    )
    checked = models.PositiveBigIntegerField(_("events checked"), default=0)
    first_broken_seq = models.PositiveBigIntegerField(
        _("first broken event"), null=True, blank=True
    )
    reason = models.CharField(_("reason"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("chain verification")
        verbose_name_plural = _("chain verifications")
        ordering = ["-requested_at"]

    def __str__(self) -> str:
        return f"{self.requested_at:%Y-%m-%d %H:%M} {self.status}"
