from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RectificationConfig(AppConfig):
    name = "jiandu.rectification"
    verbose_name = _("Rectification")

    def ready(self) -> None:
        from jiandu.accounts import hooks, permissions

        from .actions import ACTIONS
        from .services.handover import open_tasks_of_post

        permissions.register_actions(ACTIONS)
        hooks.register_post_end(open_tasks_of_post)
