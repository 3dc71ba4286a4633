from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CluesConfig(AppConfig):
    name = "jiandu.clues"
    verbose_name = _("Clue ledger")

    def ready(self) -> None:
        from jiandu.accounts import permissions

        from . import checks  # noqa: F401  (registers the deploy check of the clue key)
        from .actions import ACTIONS

        permissions.register_actions(ACTIONS)
