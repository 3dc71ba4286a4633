"""Writes of rectification, by responsibility: lists, progress and evidence,
verification and supervision, escalation, flags, handover. The names other apps use are
re-exported here (`flag_recurrence` for the triage of supervision hits)."""

from .flags import flag_recurrence

__all__ = ["flag_recurrence"]
