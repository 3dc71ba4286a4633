"""Background work of the audit app, run by `jiandu worker`."""

from __future__ import annotations

from django.utils import timezone
from django_tasks import task

from . import services
from .models import Verification


@task()
def verify_chain(verification_id: int) -> str:
    result = services.verify_chain()
    row = Verification.objects.get(pk=verification_id)
    row.finished_at = timezone.now()
    row.checked = result.checked
    if result.first_break is None:
        row.status = Verification.Status.PASSED
    else:
        row.status = Verification.Status.BROKEN
        row.first_broken_seq = result.first_break.seq
        row.reason = result.first_break.reason[:300]
    row.save()
    return row.status
