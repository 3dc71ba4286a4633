"""The actions of the inspection workflow, registered with the permission API."""

from django.utils.translation import gettext_lazy as _

ACTIONS = {
    "round.view": _("View inspection rounds, teams and targets"),
    "round.manage": _("Plan rounds: teams, members, targets and stages"),
    "round.analytics": _("View the analysis of problems common to many organizations"),
    "finding.view": _("View findings and their evidence"),
    "finding.record": _("Record findings and upload evidence"),
    "finding.confirm": _("Confirm or withdraw the team's findings"),
    "report.view": _("View inspection reports"),
    "report.draft": _("Draft and submit inspection reports"),
    "report.adopt": _("Adopt inspection reports"),
    "feedback.view": _("View feedback, drafts included"),
    "feedback.draft": _("Draft feedback"),
    "feedback.deliver": _("Deliver feedback to the inspected organization"),
    "feedback.view_delivered": _("Read the feedback delivered to one's own organization"),
    "transfer.view": _("View transfers of clues and sector problems"),
    "transfer.create": _("Transfer clues and sector problems"),
    "transfer.acknowledge": _("Acknowledge receipt of a transfer"),
}
