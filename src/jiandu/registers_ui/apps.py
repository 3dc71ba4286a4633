from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistersUiConfig(AppConfig):
    name = "jiandu.registers_ui"
    label = "registers_ui"
    verbose_name = _("Warehouse")

    def ready(self) -> None:
        from jiandu.accounts import permissions

        from .actions import ACTIONS

        permissions.register_actions(ACTIONS)
