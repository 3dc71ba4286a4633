from django.urls import path

from .views import ledger, reports, workflow

urlpatterns = [
    path("", ledger.ledger, name="clue_ledger"),
    path("new/", ledger.register, name="clue_register"),
    path("export.xlsx", ledger.export, name="clue_export"),
    path("reconciliation/", reports.reconciliation_page, name="clue_reconciliation"),
    path("reconciliation.xlsx", reports.reconciliation_xlsx, name="clue_reconciliation_xlsx"),
    path("reads/", reports.reads, name="clue_reads"),
    path("<int:pk>/", ledger.detail, name="clue_detail"),
    path("<int:pk>/reveal/", ledger.reveal, name="clue_reveal"),
    path("<int:pk>/attachments/new/", ledger.attachment_add, name="clue_attach"),
    path("attachments/<int:pk>/", ledger.attachment_download, name="clue_attachment"),
    path("<int:pk>/propose/", workflow.propose, name="clue_propose"),
    path("<int:pk>/decide/", workflow.decide, name="clue_decide"),
    path("<int:pk>/reply/", workflow.reply, name="clue_reply"),
    path("<int:pk>/outcome/", workflow.outcome, name="clue_outcome"),
    path("<int:pk>/handover/", workflow.handover, name="clue_handover"),
    path("<int:pk>/transfer/", workflow.transfer, name="clue_transfer"),
    path("<int:pk>/transfer/receipt/", workflow.receipt, name="clue_receipt"),
    path("<int:pk>/transfer/feedback/", workflow.feedback, name="clue_feedback"),
]
