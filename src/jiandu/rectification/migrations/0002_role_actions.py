"""The actions of rectification, added to the roles of DOMAIN.md section 5: the inspected
unit keeps its lists (its scope is its own org unit), the supervisors verify and
escalate within their scope, the office approves, escalates, assesses and discloses."""

from django.db import migrations

ACTIONS = {
    "office": [
        "rectification.view",
        "rectification.approve",
        "rectification.escalate",
        "rectification.assess",
    ],
    "unit_leader": ["rectification.view", "rectification.edit"],
    "unit_liaison": ["rectification.view", "rectification.edit"],
    "discipline_supervisor": [
        "rectification.view",
        "rectification.verify",
        "rectification.escalate",
    ],
    "orgdept_supervisor": [
        "rectification.view",
        "rectification.verify",
        "rectification.escalate",
    ],
}


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
    dependencies = [("rectification", "0001_initial"), ("inspections", "0003_role_actions")]
    operations = [migrations.RunPython(add, remove)]
