"""The actions of the inspection workflow, added to the roles of DOMAIN.md section 5."""

from django.db import migrations

ACTIONS = {
    "office": [
        "round.view",
        "round.manage",
        "round.analytics",
        "finding.view",
        "finding.record",
        "finding.confirm",
        "report.view",
        "report.draft",
        "report.adopt",
        "feedback.view",
        "feedback.draft",
        "feedback.deliver",
        "transfer.view",
        "transfer.create",
    ],
    "team_leader": [
        "round.view",
        "finding.view",
        "finding.record",
        "finding.confirm",
        "report.view",
        "report.draft",
        "feedback.view",
        "feedback.draft",
        "transfer.view",
        "transfer.create",
    ],
    "team_member": ["round.view", "finding.view", "finding.record", "report.view"],
    "unit_leader": ["feedback.view_delivered"],
    "unit_liaison": ["feedback.view_delivered"],
    "discipline_supervisor": [
        "round.view",
        "round.analytics",
        "finding.view",
        "report.view",
        "feedback.view",
        "transfer.view",
        "transfer.acknowledge",
    ],
    "orgdept_supervisor": [
        "round.view",
        "round.analytics",
        "finding.view",
        "report.view",
        "feedback.view",
        "transfer.view",
        "transfer.acknowledge",
    ],
    "clue_officer": ["transfer.view", "transfer.acknowledge"],
    "functional_dept": ["round.analytics", "transfer.view", "transfer.acknowledge"],
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
    dependencies = [("inspections", "0002_taxonomy"), ("accounts", "0002_roles")]
    operations = [migrations.RunPython(add, remove)]
