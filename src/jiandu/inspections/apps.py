from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InspectionsConfig(AppConfig):
    name = "jiandu.inspections"
    verbose_name = _("Inspection rounds")

    def ready(self) -> None:
        from jiandu.accounts import permissions

        from .actions import ACTIONS

        permissions.register_actions(ACTIONS)
