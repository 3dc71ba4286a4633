"""The clue ledger's actions on the roles of DOMAIN.md section 5, and the role that
approves disposals (a leader of the commission: it reads only the clues proposed to it)."""

from django.db import migrations

APPROVER = (
    "clue_approver",
    "线索处置审批领导",
    "Clue disposal approver",
    "审批向本人提请的问题线索处置意见；只能阅看提请本人审批的线索。",
    "Approves or rejects the disposals proposed to them; reads only those clues.",
    ["orgunit.view", "clue.approve", "clue.reveal"],
)

ACTIONS = {
    "clue_officer": ["clue.register", "clue.keep", "clue.reconcile", "clue.reveal"],
    "clue_handler": ["clue.handle"],
    "team_leader": ["clue.register"],
    "analyst": ["clue.register"],
}


def add(apps, schema_editor):
    Role = apps.get_model("accounts", "Role")
    code, zh, en, dzh, den, actions = APPROVER
    last = Role.objects.order_by("-sort_order").values_list("sort_order", flat=True).first()
    Role.objects.get_or_create(
        code=code,
        defaults={
            "name_zh": zh,
            "name_en": en,
            "description_zh": dzh,
            "description_en": den,
            "actions": sorted(actions),
            "sort_order": (last or 0) + 1,
            "requires_otp": False,
        },
    )
    for code, actions in ACTIONS.items():
        role = Role.objects.filter(code=code).first()
        if role is not None:
            role.actions = sorted(set(role.actions) | set(actions))
            role.save(update_fields=["actions"])


def remove(apps, schema_editor):
    Role = apps.get_model("accounts", "Role")
    Role.objects.filter(code=APPROVER[0]).delete()
    for code, actions in ACTIONS.items():
        role = Role.objects.filter(code=code).first()
        if role is not None:
            role.actions = sorted(set(role.actions) - set(actions))
            role.save(update_fields=["actions"])


class Migration(migrations.Migration):
    dependencies = [("clues", "0001_initial"), ("accounts", "0002_roles")]
    operations = [migrations.RunPython(add, remove)]
