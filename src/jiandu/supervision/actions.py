"""The actions of data-driven supervision, registered with the permission API."""

from django.utils.translation import gettext_lazy as _

ACTIONS = {
    "run.view": _("View the model catalogue, runs and measured precision"),
    "run.start": _("Upload registers and start model runs"),
    "hit.view": _("View hits in one's scope"),
    "hit.view_cadre": _("View hits that name leading cadres"),
    "hit.triage": _("Triage hits: review, dismiss, merge, reopen"),
    "hit.escalate": _("Escalate hits into the clue ledger and flag recurred rectification"),
}
