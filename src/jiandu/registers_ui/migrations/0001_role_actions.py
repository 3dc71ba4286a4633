"""The warehouse page's action, given to the analyst role (DOMAIN.md section 5: the
analyst loads registers, runs models and triages hits)."""

from django.db import migrations

ACTIONS = {"analyst": ["warehouse.view"]}


def add(apps, schema_editor):
    Role = apps.get_model("accounts", "Role")
    for code, actions in ACTIONS.items():
        role = Role.objects.filter(code=code).first()
        if role is not None:
            role.actions = sorted(set(role.actions) | set(actions))
            role.save(update_fields=["actions"])


def remove(apps, schema_editor):
    Role = apps.get_model("accounts", "Role")
    for code, actions in ACTIONS.items():
        role = Role.objects.filter(code=code).first()
        if role is not None:
            role.actions = sorted(set(role.actions) - set(actions))
            role.save(update_fields=["actions"])


class Migration(migrations.Migration):
    dependencies = [("accounts", "0002_roles")]
    operations = [migrations.RunPython(add, remove)]
