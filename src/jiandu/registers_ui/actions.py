"""The action of the warehouse page, registered with the permission API."""

from django.utils.translation import gettext_lazy as _

ACTIONS = {
    "warehouse.view": _("View the warehouse's registers, row counts and load reports"),
}
