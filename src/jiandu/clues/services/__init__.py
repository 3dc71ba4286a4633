"""Writes of the clue ledger. `register_clue` is the intake every source uses (the
triage of supervision hits passes origin="hit:<key>")."""

from .disposal import decide_disposal, propose_disposal, record_outcome, record_reply
from .files import add_attachment, open_attachment
from .handover import hand_over, verify_chain
from .intake import SubjectIn, Whistleblower, register_clue
from .transfers import acknowledge_receipt, record_transfer_feedback, transfer_clue

__all__ = [
    "SubjectIn",
    "Whistleblower",
    "acknowledge_receipt",
    "add_attachment",
    "decide_disposal",
    "hand_over",
    "open_attachment",
    "propose_disposal",
    "record_outcome",
    "record_reply",
    "record_transfer_feedback",
    "register_clue",
    "transfer_clue",
    "verify_chain",
]
