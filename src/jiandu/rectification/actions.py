"""The actions of rectification, registered with the permission API."""

from django.utils.translation import gettext_lazy as _

ACTIONS = {
    "rectification.view": _("View rectification lists, progress and evidence"),
    "rectification.edit": _("Keep the unit's rectification lists, progress and evidence"),
    "rectification.approve": _("Approve rectification plans"),
    "rectification.verify": _(
        "Verify rectification: review evidence, cancel and reopen problems, on-site checks"
    ),
    "rectification.escalate": _("Issue supervision notices and escalation letters"),
    "rectification.assess": _("Assess rectification, disclose it and flag false rectification"),
}
