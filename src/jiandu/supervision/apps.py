from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SupervisionConfig(AppConfig):
    name = "jiandu.supervision"
    verbose_name = _("Data-driven supervision")

    def ready(self) -> None:
        from jiandu.accounts import permissions

        from .actions import ACTIONS

        permissions.register_actions(ACTIONS)
