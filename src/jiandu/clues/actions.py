"""The actions of the clue ledger, registered with the permission API.

Holding an action is necessary, never sufficient: the content of a clue opens only to the
people assigned to it (its keeper, handlers and the approver of its disposal), each in the
capacity the action allows. See `jiandu.clues.access`."""

from django.utils.translation import gettext_lazy as _

ACTIONS = {
    "clue.register": _("Register clues (they go to a clue officer who keeps them)"),
    "clue.keep": _("Keep assigned clues: propose disposals, hand over, transfer, record outcomes"),
    "clue.handle": _("Handle assigned clues: propose disposals, record replies and outcomes"),
    "clue.approve": _("Approve or reject the disposals proposed to oneself"),
    "clue.reveal": _("See the whistleblower's identity of an assigned clue (each reveal logged)"),
    "clue.reconcile": _("Reconcile the ledger: counts by state and way, discrepancies"),
}
